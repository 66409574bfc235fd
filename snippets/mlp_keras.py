"""Entraîne un perceptron multicouche (MLP) sur Fashion-MNIST avec Keras (sur TensorFlow).

Exemples :
    python snippets/mlp_keras.py                         # 5 époques sur le meilleur appareil
    python snippets/mlp_keras.py --limit 6000 --epochs 2 --device cpu
    tensorboard --logdir runs                            # puis http://localhost:6006

Le réseau : Flatten, Dense(128, relu), Dense(10, softmax), le même MLP que mlp_pytorch.py.
Le rappel (callback) TensorBoard de Keras écrit dans --logdir les courbes de perte et
d'exactitude, les histogrammes des poids et le graphe ; le script y ajoute metrics.json
(durée de chaque époque, pic de mémoire, exactitude, appareil).

Les options, les erreurs et l'écriture des mesures sont dans commun.py, le module partagé par
les scripts de ce dossier : gardez-le à côté de celui-ci.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time

from commun import (
    InputError,
    describe_cpu,
    prepare_logdir,
    process_peak_memory,
    run,
    save_metrics,
    training_parser,
)

# Keras 3 sait calculer avec plusieurs moteurs ; son rappel TensorBoard demande TensorFlow.
os.environ["KERAS_BACKEND"] = "tensorflow"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # moins de messages d'information

SCRIPT = "mlp_keras"


# --- Démarrage de TensorFlow, appareil, données ----------------------------------------------


@contextlib.contextmanager
def startup_messages_held():
    """Met de côté ce que TensorFlow écrit sur la sortie d'erreur pendant le démarrage.

    Au chargement, TensorFlow affiche des messages C++ (oneDNN, pilotes CUDA absents) que
    TF_CPP_MIN_LOG_LEVEL ne coupe plus. Ils sont réaffichés ensuite, sauf si le script s'arrête
    sur une erreur qu'il explique lui-même en une ligne.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    held = tempfile.TemporaryFile()
    os.dup2(held.fileno(), 2)
    explained = False
    try:
        yield
    except InputError:
        explained = True
        raise
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        if not explained:
            held.seek(0)
            sys.stderr.buffer.write(held.read())
            sys.stderr.flush()
        held.close()


def pick_device(tf, requested: str) -> str:
    """Vérifie l'appareil demandé ; « auto » prend le GPU que voit TensorFlow, sinon le CPU."""
    gpus = tf.config.list_physical_devices("GPU")
    mac = sys.platform == "darwin"
    if requested == "cuda" and (mac or not gpus):
        raise InputError("--device cuda : TensorFlow ne voit aucun GPU CUDA ici (essayez auto)")
    if requested == "mps" and not (mac and gpus):
        raise InputError(
            "--device mps : TensorFlow ne voit pas de GPU Apple (il faut un Mac et le paquet "
            "tensorflow-metal) ; essayez --device auto"
        )
    name = requested
    if requested == "auto":
        name = ("mps" if mac else "cuda") if gpus else "cpu"
    if name == "cpu":
        tf.config.set_visible_devices([], "GPU")  # TensorFlow n'utilisera pas le GPU
    how = " (choisi automatiquement : GPU, sinon CPU)" if requested == "auto" else ""
    print(f"Appareil : {name}{how}")
    return name


def describe_device(tf, name: str) -> str:
    if name != "cpu":
        gpu = tf.config.list_physical_devices("GPU")[0]
        return tf.config.experimental.get_device_details(gpu).get("device_name", gpu.name)
    return describe_cpu()


def load_fashion_mnist(keras, limit: int | None):
    """Les images en tableaux (N, 28, 28) entre 0 et 1, chargées une fois pour toutes."""
    # Keras garde les fichiers dans ~/.keras/datasets (une trentaine de Mo, téléchargés une
    # fois) ; la construction du site fait pointer KERAS_HOME vers sa copie locale.
    try:
        (x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()
    except Exception:  # Keras lève une Exception générique quand le téléchargement échoue
        cache = os.environ.get("KERAS_HOME", "~/.keras")
        raise InputError(
            f"Fashion-MNIST est introuvable dans « {cache}/datasets » et ne peut pas être "
            "téléchargé : connectez-vous à Internet et relancez, ou, dans le dépôt de l'atelier, "
            "lancez « make data » (hors ligne : sudo apt-get install dataset-fashion-mnist "
            "d'abord) puis relancez avec KERAS_HOME=build/data/keras"
        ) from None
    x_train = x_train[:limit].astype("float32") / 255
    x_test = x_test.astype("float32") / 255
    return x_train, y_train[:limit], x_test, y_test


def peak_memory(tf, device: str) -> tuple[float | None, str]:
    """Pic de mémoire en Mio, et ce qui a été mesuré."""
    if device != "cpu":
        peak = tf.config.experimental.get_memory_info("GPU:0")["peak"]
        return peak / 2**20, "GPU, mémoire allouée par TensorFlow (pic)"
    return process_peak_memory()


# --- Entraînement ----------------------------------------------------------------------------


def train(args: argparse.Namespace) -> dict:
    # 1. Vérifier tout ce qui peut échouer avant de lancer le moindre calcul.
    logdir = prepare_logdir(args.logdir, SCRIPT)
    with startup_messages_held():
        import keras
        import tensorflow as tf

        device = pick_device(tf, args.device)
        x_train, y_train, x_test, y_test = load_fashion_mnist(keras, args.limit)
    print(f"Données : {len(x_train)} images d'entraînement, {len(x_test)} images de test")

    # 2. La graine fixe les poids initiaux et l'ordre des lots (Python, NumPy et TensorFlow).
    keras.utils.set_random_seed(args.seed)
    model = keras.Sequential(
        [
            keras.Input(shape=(28, 28)),
            keras.layers.Flatten(),  # (N, 28, 28) -> (N, 784)
            keras.layers.Dense(128, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ],
        name="mlp",
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=args.lr),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )

    # --8<-- [start:rappel]
    # 3. Le rappel TensorBoard écrit train/ et validation/ : courbes à chaque époque,
    # histogrammes des poids (histogram_freq=1) et graphe (write_graph=True).
    tensorboard = keras.callbacks.TensorBoard(
        log_dir=str(logdir), histogram_freq=1, write_graph=True
    )
    # --8<-- [end:rappel]
    # Chronomètre : de début d'époque au début de l'évaluation (l'entraînement seul).
    starts, epoch_seconds = [], []
    timer = keras.callbacks.LambdaCallback(
        on_epoch_begin=lambda epoch, logs: starts.append(time.perf_counter()),
        on_test_begin=lambda logs: epoch_seconds.append(time.perf_counter() - starts[-1]),
    )
    history = model.fit(
        x_train,
        y_train,
        batch_size=args.batch_size,
        epochs=args.epochs,
        validation_data=(x_test, y_test),
        callbacks=[tensorboard, timer],
        verbose=1 if sys.stdout.isatty() else 2,  # barre par époque (terminal), ou une ligne
    )
    test_loss, test_accuracy = model.evaluate(x_test, y_test, batch_size=1000, verbose=0)

    # 4. Les mesures finales, à côté des journaux.
    return save_metrics(
        logdir,
        SCRIPT,
        args,
        device=device,
        device_name=describe_device(tf, device),
        train_images=len(x_train),
        test_images=len(x_test),
        parameters=model.count_params(),
        epoch_seconds=epoch_seconds,
        peak_memory=peak_memory(tf, device),
        train_accuracy=history.history["accuracy"][-1],
        test_accuracy=test_accuracy,
        test_loss=test_loss,
        versions={"keras": keras.__version__, "tensorflow": tf.__version__},
    )


def main(argv: list[str] | None = None) -> int:
    device_help = (
        "où calculer ; auto prend le GPU que voit TensorFlow (CUDA, ou Mac avec "
        "tensorflow-metal), sinon le CPU (défaut : auto)"
    )
    return run(training_parser(SCRIPT, __doc__, device_help), train, argv)


if __name__ == "__main__":
    sys.exit(main())
