"""Mesure chronométrée des seuils de durée (``make mesure-charge``), sur le vrai tutoriel 03.

Trois conditions, entrelacées et répétées ``--repeat`` fois, chacune exécutée par
``tools.execute.build_one`` avec le seuil ``max_calibrations`` de l'en-tête du tutoriel :

* « sans charge ajoutée » : le tutoriel tel quel ;
* « deux voisins » : deux processus Python qui calculent sans arrêt pendant toute l'exécution ;
* « 3 fois plus long » : trois fois plus d'époques (ralentissement planté), sans charge ajoutée.

Une durée au-delà de son seuil n'est pas jugée quand d'autres processus ont pris plus d'un
demi-cœur en moyenne pendant l'exécution (tools/calibration.OtherLoad) : « non jugé ».

Attendu : les deux premières conditions acceptées, la troisième refusée. Le tableau donne, pour
chaque exécution, la durée d'entraînement, la calibration, les fils de calcul, le rapport et le
verdict. Une mesure, pas un test de la suite : son verdict dépend de la machine (code 1 si un
verdict n'est pas celui attendu). La logique de décision est testée sans chronomètre par
tests/test_faults.py.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tools import execute, paths

TUTORIAL = "03_premier_reseau_pytorch"
EPOCHS = "EPOCHS = 12"
BURNER = "while True:\n    sum(i * i for i in range(10000))"
CONDITIONS = (
    ("sans charge ajoutée", 0, 1, True),
    ("deux voisins", 2, 1, True),
    ("3 fois plus long", 0, 3, False),
)


def run(base: Path, label: str, text: str, burners: int) -> dict:
    """Une exécution forcée du tutoriel dans son propre dossier ; renvoie ce qu'elle a mesuré."""
    folder = base / label
    shutil.rmtree(folder, ignore_errors=True)
    source = folder / "tutorials" / f"{TUTORIAL}.py"
    source.parent.mkdir(parents=True)
    source.write_text(text, encoding="utf-8")
    procs = [subprocess.Popen([sys.executable, "-c", BURNER]) for _ in range(burners)]
    try:
        record = execute.build_one(
            source,
            out=folder / "out",
            cache=folder / "cache",
            work=folder / "work",
            force=True,
            log=lambda *_: None,
        )
    except execute.TutorialError as exc:
        check = next((m for m in exc.checks if "calibration_ratio" in m), None)
        if check is None:
            raise
        return {
            "accepted": False,
            "seconds": check["value"],
            "ratio": check["calibration_ratio"],
            "calibration": check["value"] / check["calibration_ratio"],
        }
    finally:
        for proc in procs:
            proc.kill()
            proc.wait()
    check = next(m for m in record["metric_checks"] if "calibration_ratio" in m)
    return {
        "accepted": True,
        "judged": check.get("judged", True),
        "other_cores": record["calibration"].get("other_cores"),
        "seconds": check["value"],
        "ratio": check["calibration_ratio"],
        "calibration": record["calibration"]["seconds"],
        "threads": record["calibration"].get("threads"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.measure_load", description=__doc__)
    parser.add_argument("--repeat", type=int, default=2, help="répétitions (défaut : 2)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        print("Erreur : --repeat doit valoir au moins 1.", file=sys.stderr)
        return 2
    source = (paths.ROOT / "tutorials" / f"{TUTORIAL}.py").read_text(encoding="utf-8")
    if EPOCHS not in source:
        print(f"Erreur : « {EPOCHS} » introuvable dans le tutoriel {TUTORIAL}.", file=sys.stderr)
        return 2
    limit = next(
        m[execute.RELATIVE_MAX]
        for m in execute.load(paths.ROOT / "tutorials" / f"{TUTORIAL}.py").header["metriques"]
        if execute.RELATIVE_MAX in m
    )
    print(f"Tutoriel {TUTORIAL}, seuil : {limit:g} fois la calibration.")
    print(f"{'condition':<22} {'entraînement':>13} {'calibration':>12} {'rapport':>8}  verdict")
    unexpected = 0
    with tempfile.TemporaryDirectory(prefix="mesure-charge-") as tmp:
        for _ in range(args.repeat):
            for label, burners, factor, expected in CONDITIONS:
                text = source.replace(EPOCHS, f"EPOCHS = {12 * factor}")
                result = run(Path(tmp), label.replace(" ", "-"), text, burners)
                verdict = "accepté" if result["accepted"] else "refusé"
                if not result.get("judged", True):
                    cores = f"{result['other_cores']:.1f}".replace(".", ",")
                    verdict = f"non jugé (autres processus : {cores} cœur en moyenne)"
                if result["accepted"] != expected:  # « non jugé » compte comme accepté
                    unexpected += 1
                    verdict += " (inattendu)"
                print(
                    f"{label:<22} {result['seconds']:>11.1f} s {result['calibration']:>10.4f} s "
                    f"{result['ratio']:>8.0f}  {verdict}",
                    flush=True,
                )
    if unexpected:
        print(f"{unexpected} verdict(s) inattendu(s).", file=sys.stderr)
        return 1
    print("Tous les verdicts sont ceux attendus.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
