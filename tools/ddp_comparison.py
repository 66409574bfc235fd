"""Compare l'entraînement d'un seul processus à celui de plusieurs (snippets/mlp_ddp.py).

``python -m tools.ddp_comparison SIMPLE DDP_1 DDP_N`` (appelé par ``make snippets``) lit le
metrics.json de trois exécutions du même MLP sur les mêmes images :

* SIMPLE : ``mlp_pytorch.py``, un processus, autant de fils de calcul que PyTorch en prend ;
* DDP_1 : ``mlp_ddp.py`` lancé par torchrun avec un seul processus ;
* DDP_N : ``mlp_ddp.py`` avec N processus, au même nombre de fils par processus que DDP_1.

Il écrit sur la sortie standard un tableau Markdown et un paragraphe dont chaque nombre vient de
ces fichiers ; la page « Les scripts à lancer chez vous » l'inclut par ``--8<--``. Des exécutions
qui ne portent pas sur le même modèle ou les mêmes images arrêtent l'outil sur une ligne d'erreur
(code 2) : la comparaison n'aurait pas de sens.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from tools.french import NBSP, decimal, percent, seconds, thousands

# Ce qui doit être identique d'une exécution à l'autre pour que la comparaison ait un sens.
SAME = ("epochs", "batch_size", "lr", "seed", "parameters", "test_images")


class ComparisonError(Exception):
    """Des mesures absentes ou incomparables : un message français d'une ligne."""


def load(folder: Path) -> dict:
    path = folder / "metrics.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        message = f"{path}{NBSP}: fichier absent (lancez «{NBSP}make snippets{NBSP}»)"
        raise ComparisonError(message) from None
    except json.JSONDecodeError as exc:
        raise ComparisonError(f"{path}{NBSP}: JSON illisible ({exc.msg})") from None


def images_used(metrics: dict) -> int:
    """Les images retenues par --limit : entraînement et validation ensemble."""
    return metrics["train_images"] + metrics.get("validation_images", 0)


def check(single: dict, ddp_1: dict, ddp_n: dict) -> None:
    runs = {"mlp_pytorch.py": single, "mlp_ddp.py (1 processus)": ddp_1, "mlp_ddp.py": ddp_n}
    for key in SAME:
        values = {name: m.get(key) for name, m in runs.items()}
        if len(set(map(repr, values.values()))) != 1:
            raise ComparisonError(f"exécutions incomparables, {key} diffère{NBSP}: {values}")
    used = {name: images_used(m) for name, m in runs.items()}
    if len(set(used.values())) != 1:
        raise ComparisonError(f"exécutions incomparables, images utilisées{NBSP}: {used}")
    if ddp_1.get("world_size") != 1 or not ddp_n.get("world_size", 0) > 1:
        raise ComparisonError(
            f"il faut un mlp_ddp.py à 1 processus puis à plusieurs{NBSP}: world_size "
            f"{ddp_1.get('world_size')} et {ddp_n.get('world_size')}"
        )
    if ddp_1.get("threads_per_process") != ddp_n.get("threads_per_process"):
        raise ComparisonError("les deux exécutions de mlp_ddp.py n'ont pas le même nombre de fils")


def ratio_phrase(before: float, after: float) -> str:
    """« 1,6 fois moins de temps » ou « 1,2 fois plus de temps »."""
    if after <= before:
        return f"{decimal(before / after, 1)} fois moins de temps"
    return f"{decimal(after / before, 1)} fois plus de temps"


def threads_effect(single: dict, steps: int, ddp_1: dict, threads: int, more: int) -> str:
    """Ce que les fils de calcul supplémentaires ont rapporté ou coûté par mise à jour, mesuré."""
    if more <= threads:
        return "autant de fils, des durées comparables."
    per_step_single = single["seconds_per_epoch"] / steps
    per_step_ddp = ddp_1["seconds_per_epoch"] / ddp_1["steps_per_epoch"]
    if per_step_single < per_step_ddp:
        return "ici, les fils supplémentaires ont accéléré chaque mise à jour."
    return (
        "ici, les fils supplémentaires n'ont pas accéléré les mises à jour, ils les ont ralenties."
    )


def waiting_phrase(during_ms: float, alone_ms: float) -> str:
    """La part de l'attente dans un all-reduce : pendant l'entraînement contre mesuré seul."""
    if alone_ms >= during_ms:
        return (
            f"Mesuré à part, sans calcul entre deux échanges, le même all-reduce prend "
            f"{decimal(alone_ms, 1)}{NBSP}ms{NBSP}: presque tout est l'échange lui-même."
        )
    return (
        f"Mesuré à part, sans calcul entre deux échanges, le même all-reduce ne prend que "
        f"{decimal(alone_ms, 1)}{NBSP}ms{NBSP}: le reste, "
        f"{percent(1 - alone_ms / during_ms, 0)} du "
        "temps d'un échange pendant l'entraînement, est de l'attente, celle d'un processus "
        "qui n'a pas encore fini son lot."
    )


def compute_seconds(m: dict) -> float:
    return m["seconds_per_epoch"] - sum(m["allreduce_seconds"]) / len(m["allreduce_seconds"])


def report(single: dict, ddp_1: dict, ddp_n: dict, single_threads: int) -> str:
    check(single, ddp_1, ddp_n)
    n = ddp_n["world_size"]
    threads = ddp_n["threads_per_process"]
    batch = single["batch_size"]
    steps_single = math.ceil(single["train_images"] / batch)

    def allreduce(m):
        mean = sum(m["allreduce_seconds"]) / len(m["allreduce_seconds"])
        return f"{seconds(mean, 2)} ({percent(m['allreduce_share'], 0)})"

    def validation(m):
        return percent(m["validation_accuracy"]) if "validation_accuracy" in m else "—"

    columns = ["`mlp_pytorch.py`", "`mlp_ddp.py`, 1 processus", f"`mlp_ddp.py`, {n} processus"]
    rows = [
        ("Appareil", [m.get("device", "—") for m in (single, ddp_1, ddp_n)]),
        (
            "Processus × fils de calcul",
            [f"1 × {single_threads}", f"1 × {threads}", f"{n} × {threads}"],
        ),
        (
            "Images d'entraînement par processus",
            [thousands(single["train_images"]), thousands(ddp_1["train_images"])]
            + [f"≈{NBSP}{thousands(ddp_n['train_images'] // n)}"],
        ),
        (
            "Lot par processus (lot effectif)",
            [
                f"{batch} ({batch})",
                f"{batch} ({batch})",
                f"{batch} ({ddp_n['effective_batch_size']})",
            ],
        ),
        (
            "Mises à jour des poids par époque",
            [str(steps_single), str(ddp_1["steps_per_epoch"]), str(ddp_n["steps_per_epoch"])],
        ),
        (
            "Durée moyenne d'une époque",
            [seconds(m["seconds_per_epoch"], 2) for m in (single, ddp_1, ddp_n)],
        ),
        ("dont all-reduce (part de l'époque)", ["—", allreduce(ddp_1), allreduce(ddp_n)]),
        (
            "Un all-reduce seul, sans calcul autour",
            ["—", *(f"{decimal(m['allreduce_alone_ms'], 2)}{NBSP}ms" for m in (ddp_1, ddp_n))],
        ),
        (
            "Exactitude de validation, dernière époque",
            [validation(m) for m in (single, ddp_1, ddp_n)],
        ),
        (
            "Exactitude de test, à la fin",
            [percent(m["test_accuracy"]) for m in (single, ddp_1, ddp_n)],
        ),
    ]
    lines = ["| | " + " | ".join(columns) + " |", "|---|---|---|---|"]
    lines += ["| " + label + " | " + " | ".join(cells) + " |" for label, cells in rows]

    t1, tn = ddp_1["seconds_per_epoch"], ddp_n["seconds_per_epoch"]
    c1, cn = compute_seconds(ddp_1), compute_seconds(ddp_n)
    per_exchange = (tn - cn) / ddp_n["steps_per_epoch"]
    megabytes = ddp_n["parameters"] * 4 / 1e6
    if tn <= t1:
        speed = f"divise la durée d'une époque par {decimal(t1 / tn, 1)}, pour un idéal de {n}"
    else:
        speed = (
            f"rend une époque {decimal(tn / t1, 1)} fois plus longue, au lieu de diviser sa durée "
            f"par {n}"
        )
    if cn < c1:
        compute = (
            f"(÷{NBSP}{decimal(c1 / cn, 1)}){NBSP}: "
            "chaque processus ne traite que sa part des images"
        )
    else:
        compute = "sans baisser, bien que chaque processus ne traite que sa part des images"
    text = [
        "",
        f"À nombre de fils égal ({threads} par processus), passer de 1 à {n} processus {speed}. "
        f"Hors all-reduce, le calcul seul passe de {seconds(c1, 2)} à {seconds(cn, 2)} "
        "par époque "
        f"{compute}. Surtout, chacune des {ddp_n['steps_per_epoch']} mises à jour d'une époque "
        f"attend maintenant la moyenne des gradients de tous les processus{NBSP}: un all-reduce "
        f"de {thousands(ddp_n['parameters'])} nombres "
        f"({decimal(megabytes, 2)}{NBSP}Mo en float32), "
        f"qui prend en moyenne {decimal(1000 * per_exchange, 1)}{NBSP}ms, attente du processus le "
        f"plus lent comprise, soit {percent(ddp_n['allreduce_share'], 0)} de l'époque. "
        + waiting_phrase(1000 * per_exchange, ddp_n["allreduce_alone_ms"]),
        "",
        f"`mlp_pytorch.py`, lui, calcule avec {single_threads} "
        f"{'fil' if single_threads == 1 else 'fils'} dans un seul processus{NBSP}: ses époques "
        f"prennent {seconds(single['seconds_per_epoch'], 2)}, soit "
        f"{decimal(1000 * single['seconds_per_epoch'] / steps_single, 1)}{NBSP}ms par mise à jour, "
        f"contre {decimal(1000 * t1 / ddp_1['steps_per_epoch'], 1)}{NBSP}ms pour `mlp_ddp.py` à un "
        f"processus et {threads} {'fil' if threads == 1 else 'fils'}"
        f"{NBSP}: {threads_effect(single, steps_single, ddp_1, threads, single_threads)} "
        f"Les {n} processus de `mlp_ddp.py` mettent "
        f"{ratio_phrase(single['seconds_per_epoch'], tn)} que `mlp_pytorch.py` sur les mêmes "
        f"cœurs, avec un lot effectif de {ddp_n['effective_batch_size']} images au lieu de "
        f"{batch}, donc {ddp_n['steps_per_epoch']} mises à jour par époque au lieu de "
        f"{steps_single}.",
        "",
    ]
    return "\n".join(lines + text)


def default_threads() -> int:
    """Les fils de calcul que PyTorch prend dans cet environnement : ceux de mlp_pytorch.py, que
    make snippets lance sans OMP_NUM_THREADS."""
    import torch

    return torch.get_num_threads()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.ddp_comparison")
    parser.add_argument("single", type=Path, help="dossier de mlp_pytorch.py")
    parser.add_argument("ddp_1", type=Path, help="dossier de mlp_ddp.py à 1 processus")
    parser.add_argument("ddp_n", type=Path, help="dossier de mlp_ddp.py à N processus")
    parser.add_argument("--threads", type=int, help="fils de mlp_pytorch.py (défaut : mesurés)")
    args = parser.parse_args(argv)
    try:
        runs = [load(folder) for folder in (args.single, args.ddp_1, args.ddp_n)]
        threads = args.threads or default_threads()
        sys.stdout.write(report(*runs, threads))
    except (ComparisonError, KeyError) as exc:
        message = f"champ {exc} absent" if isinstance(exc, KeyError) else str(exc)
        print(f"ddp_comparison{NBSP}: erreur{NBSP}: {message}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
