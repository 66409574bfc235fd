"""Entraîne un perceptron multicouche (MLP) sur Fashion-MNIST avec Keras (sur TensorFlow).

Exemples :
    python snippets/mlp_keras.py                         # 5 époques sur le meilleur appareil
    python snippets/mlp_keras.py --limit 6000 --epochs 2 --device cpu
    tensorboard --logdir runs                            # puis http://localhost:6006

Le réseau : Flatten, Dense(128, relu), Dense(10, softmax), le même MLP que mlp_pytorch.py, à
une convention près : ici, la dernière couche applique softmax et sort des probabilités, que la
perte reçoit telles quelles (from_logits=False, la valeur par défaut de Keras) ; les scripts
PyTorch sortent des scores bruts (logits) et leur perte applique softmax elle-même. Comme eux,
le script met de côté 10 % des images d'entraînement pour la validation, avec la même règle et
la même graine (commun.validation_split), et n'évalue le test qu'une fois, à la fin.
Le rappel (callback) TensorBoard de Keras écrit dans --logdir les courbes de perte et
d'exactitude, les histogrammes des poids et le graphe ; le script y ajoute metrics.json
(durée de chaque époque, pic de mémoire, exactitude, appareil).

Les options, les erreurs et l'écriture des mesures sont dans commun.py, le module partagé par
les scripts de ce dossier : gardez-le à côté de celui-ci.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from commun import (
    InputError,
    check_finite,
    damaged_data_error,
    damaged_data_file,
    describe_cpu,
    interruption_deferred,
    prepare_logdir,
    process_peak_memory,
    run,
    save_metrics,
    startup_messages_held,
    stop_if_interrupted,
    training_parser,
    validation_split,
)

# Keras 3 sait calculer avec plusieurs moteurs ; son rappel TensorBoard demande TensorFlow.
os.environ["KERAS_BACKEND"] = "tensorflow"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # moins de messages d'information

SCRIPT = "mlp_keras"


# --- Appareil et données ---------------------------------------------------------------------


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
        # Des fichiers présents mais illisibles : les dire abîmés, pas absents.
        damaged = damaged_data_file(Path(cache).expanduser() / "datasets" / "fashion-mnist", ".gz")
        if damaged:
            raise damaged_data_error(*damaged, "KERAS_HOME=build/data/keras") from None
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
        x_used, y_used, x_test, y_test = load_fashion_mnist(keras, args.limit)
    stop_if_interrupted()  # un Ctrl+C qu'une bibliothèque aurait avalé pendant le chargement

    # 2. La validation : 10 % des images d'entraînement, mises de côté avant d'entraîner, par
    # la même fonction (et donc les mêmes images) que les scripts PyTorch. C'est sur elle qu'on
    # suit et compare les modèles ; le test ne sert qu'une fois, à la fin.
    split = validation_split(len(x_used), args.seed)
    x_train, y_train = x_used[split.train], y_used[split.train]
    x_val, y_val = x_used[split.validation], y_used[split.validation]
    print(
        f"Données : {len(x_train)} images d'entraînement, {len(x_val)} de validation "
        f"(tirées parmi les {len(x_used)} utilisées), {len(x_test)} de test"
    )

    # 3. La graine fixe les poids initiaux et l'ordre des lots (Python, NumPy et TensorFlow).
    keras.utils.set_random_seed(args.seed)
    model = keras.Sequential(
        [
            keras.Input(shape=(28, 28)),
            keras.layers.Flatten(),  # (N, 28, 28) -> (N, 784)
            keras.layers.Dense(128, activation="relu"),
            # softmax en sortie : dix probabilités, une par classe, de somme 1.
            keras.layers.Dense(10, activation="softmax"),
        ],
        name="mlp",
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=args.lr),
        # La perte reçoit donc des probabilités : from_logits=False (la valeur par défaut,
        # écrite ici pour la voir). Une sortie sans activation (des logits) demanderait
        # from_logits=True, la convention des scripts PyTorch.
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=False),
        metrics=["accuracy"],
    )

    # --8<-- [start:rappel]
    # 4. Le rappel TensorBoard écrit train/ et validation/ : courbes à chaque époque,
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

    # Une perte infinie ou NaN (entraînement divergent) : une ligne d'erreur, code 2. Ce rappel
    # passe avant celui de TensorBoard, qui n'écrit donc pas d'histogramme de poids non finis.
    def stop_if_diverged(epoch, logs):
        losses = {"perte d'entraînement": logs["loss"], "perte de validation": logs["val_loss"]}
        check_finite(losses, f"à l'époque {epoch + 1}", args.lr)

    divergence = keras.callbacks.LambdaCallback(on_epoch_end=stop_if_diverged)
    # Pendant fit, un Ctrl+C est seulement noté (interruption_deferred) : ce rappel le relance à
    # la fin du lot en cours, là où Keras peut s'arrêter sans dommage.
    interruption = keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: stop_if_interrupted(),
        on_test_batch_end=lambda batch, logs: stop_if_interrupted(),
        on_epoch_end=lambda epoch, logs: stop_if_interrupted(),
    )
    with interruption_deferred():
        history = model.fit(
            x_train,
            y_train,
            batch_size=args.batch_size,
            epochs=args.epochs,
            validation_data=(x_val, y_val),
            callbacks=[interruption, divergence, tensorboard, timer],
            verbose=1 if sys.stdout.isatty() else 2,  # barre par époque (terminal), ou une ligne
        )

    # 5. Le test, une seule fois, à la fin : le modèle est choisi, on mesure ce qu'il vaut.
    test_loss, test_accuracy = model.evaluate(x_test, y_test, batch_size=1000, verbose=0)

    # 6. Les mesures finales, à côté des journaux.
    return save_metrics(
        logdir,
        SCRIPT,
        args,
        device=device,
        device_name=describe_device(tf, device),
        split=split,
        test_images=len(x_test),
        parameters=model.count_params(),
        epoch_seconds=epoch_seconds,
        peak_memory=peak_memory(tf, device),
        train_accuracy=history.history["accuracy"][-1],
        validation_accuracy=history.history["val_accuracy"][-1],
        validation_loss=history.history["val_loss"][-1],
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
