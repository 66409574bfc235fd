"""Exécution des tutoriels (jupytext py:percent) en notebooks, avec cache et sans échec silencieux.

Pour chaque ``tutorials/NN_slug.py`` :

* la source est complétée par le code commun de l'atelier d'expériences (tools/shared_code.py :
  chaque cellule « # %% atelier: commun » devient les cellules de tutorials/atelier_commun.py) ;
* l'en-tête ``atelier:`` est validé (titre, description, niveau, durée, prérequis, GPU, métriques) ;
* la clé de cache ne dépend que du code des cellules, des dépendances épinglées (pyproject.toml)
  et de l'empreinte des données : une modification du texte (markdown) ne ré-exécute rien, les
  sorties en cache sont reportées sur le nouveau texte ;
* sinon le notebook est exécuté par nbclient, cellule par cellule avec un délai maximal ;
* on enregistre durée, pic de mémoire du noyau, matériel, versions et métriques déclarées,
  ainsi que le modèle (``MODEL_CARD``) et le découpage des données (``DATA_SPLIT``) quand le
  notebook les définit ;
* un tutoriel qui compare son modèle à ceux de tutoriels précédents les déclare
  (``enregistrements:``) : il lit leurs enregistrements d'exécution dans le dossier que nomme
  ``ATELIER_ENREGISTREMENTS``, et sa clé de cache dépend de leur contenu ;
* une charge de calibration fixe (tools/calibration.py) est chronométrée juste avant, pendant
  et juste après chaque exécution, dans un processus voisin du noyau : un seuil de durée
  (``max_calibrations``) porte sur le rapport durée / calibration, si bien qu'une machine
  chargée ne fait pas échouer la construction mais qu'un tutoriel devenu réellement plus lent,
  si ; les durées absolues sont enregistrées pour information ;
* le noyau n'utilise pas plus de fils de calcul que de cœurs réellement disponibles
  (``os.sched_getaffinity``) ;
* toute écriture est atomique (tools/storage.py) et la construction tient le verrou de build/ ;
  une entrée de cache illisible est un simple défaut de cache, signalé en nommant le fichier.
* la construction échoue en nommant le tutoriel, la cellule (et sa ligne dans le .py) et
  l'erreur quand une cellule lève une exception, quand une métrique manque son seuil ou quand le
  tutoriel ne produit aucune sortie.

Sorties : ``build/notebooks/NN_slug.ipynb`` (notebook exécuté) et ``NN_slug.json`` (mesures).
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import os
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import jupytext
import nbformat

from tools import calibration, paths, quiz, shared_code, storage

ROOT, BUILD, TUTORIALS = paths.ROOT, paths.BUILD, paths.TUTORIALS
OUT = paths.NOTEBOOKS
CACHE = BUILD / "cache"
WORK = BUILD / "work"
# À incrémenter quand la manière d'exécuter change (invalide tout le cache).
EXECUTOR_VERSION = "2"
DEFAULT_CELL_TIMEOUT = 600


def cell_timeout_from_env() -> int:
    """Délai par cellule (s) : ATELIER_CELL_TIMEOUT, sinon 600 ; une valeur invalide est refusée."""
    raw = os.environ.get("ATELIER_CELL_TIMEOUT", "").strip()
    if not raw:
        return DEFAULT_CELL_TIMEOUT
    try:
        value = int(float(raw))
    except ValueError:
        value = 0
    if value <= 0:
        raise TutorialError(
            f"ATELIER_CELL_TIMEOUT={raw!r} : un nombre de secondes positif est attendu."
        )
    return value


def load_factor() -> float:
    """Combien de fois la machine est plus demandée qu'elle n'a de cœurs : la plus forte des
    charges moyennes (1, 5 et 15 minutes) divisée par les cœurs disponibles, au moins 1."""
    try:
        load = max(os.getloadavg())
    except OSError:
        return 1.0
    return max(1.0, load / available_cores())


def scaled_timeout(base: int) -> int:
    """Le délai par cellule sur cette machine, maintenant : BASE secondes sur une machine
    calme, multipliées par le facteur de charge sur une machine occupée (une cellule de 5 min y
    en prend 30 sans être bloquée). Le délai attrape une cellule bloquée, jamais une machine
    chargée."""
    return math.ceil(base * load_factor())


NAME_RE = re.compile(r"^\d{2}_[a-z0-9_]+$")
REQUIRED = {
    "titre": str,
    "description": str,
    "niveau": str,
    "duree": str,
    "prerequis": list,
    "gpu": str,
    "metriques": list,
}
LEVELS = ("débutant", "intermédiaire", "avancé")
# Unité d'affichage d'une métrique (facultative) : « pourcentage » pour une proportion (0,87 →
# 87 %), « points » pour l'écart entre deux proportions (0,03 → 3 points), « secondes ».
UNITS = ("pourcentage", "points", "secondes")
# Seuil d'une durée, en unités de calibration : la durée mesurée divisée par celle de la charge
# de calibration (calibrate()) chronométrée dans la même exécution.
RELATIVE_MAX = "max_calibrations"
# Au-delà, en cœurs pris en moyenne par d'autres processus pendant l'exécution, une durée qui
# dépasse son seuil n'est pas jugée (tools/calibration.OtherLoad).
BUSY_CORES = calibration.BUSY_CORES
PROBE_MARK = "__ATELIER_MESURES__"
# Le noyau affiche les figures dans le notebook.
KERNEL_MPLBACKEND = "module://matplotlib_inline.backend_inline"
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class TutorialError(Exception):
    """Échec d'un tutoriel, avec un message français qui le nomme ; ``checks`` : le verdict de
    chaque métrique quand l'échec vient d'un seuil (check_metrics)."""

    checks: tuple[dict, ...] | list[dict] = ()


@dataclass
class Tutorial:
    path: Path
    notebook: nbformat.NotebookNode
    header: dict
    # (fichier, ligne) du « # %% » de chaque cellule : la source ou le code commun de l'atelier.
    cell_lines: list[tuple[str, int]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.stem


def discover(names: list[str] | None = None, folder: Path | None = None) -> list[Path]:
    folder = folder or TUTORIALS
    paths = sorted(folder.glob("[0-9][0-9]_*.py"))
    if names:
        wanted = {Path(n).stem for n in names}
        missing = wanted - {p.stem for p in paths}
        if missing:
            raise TutorialError(f"Tutoriel introuvable : {', '.join(sorted(missing))}.")
        paths = [p for p in paths if p.stem in wanted]
    return paths


def validate_header(header: object, name: str) -> list[str]:
    """Renvoie la liste des problèmes de l'en-tête (vide s'il est complet)."""
    if not isinstance(header, dict):
        return ["l'en-tête jupytext n'a pas de bloc « atelier: »"]
    problems = []
    for key, kind in REQUIRED.items():
        value = header.get(key)
        if value is None or value == "" or value == []:
            problems.append(f"champ « {key} » manquant ou vide")
        elif not isinstance(value, kind):
            problems.append(f"champ « {key} » : {kind.__name__} attendu")
    if isinstance(header.get("niveau"), str) and header["niveau"] not in LEVELS:
        problems.append(f"niveau « {header['niveau']} » inconnu (attendu : {', '.join(LEVELS)})")
    for i, metric in enumerate(header.get("metriques") or [], 1):
        if not isinstance(metric, dict):
            problems.append(f"métrique {i} : dictionnaire attendu")
            continue
        metric_name = metric.get("nom")
        if not isinstance(metric_name, str) or not metric_name.isidentifier():
            problems.append(f"métrique {i} : « nom » doit être un nom de variable Python")
        if not isinstance(metric.get("libelle"), str):
            problems.append(f"métrique {i} : « libelle » manquant")
        for bound in ("min", "max", RELATIVE_MAX):
            # YAML lit « 1e-5 » (sans point) comme une chaîne : on accepte toute écriture
            # d'un nombre que Python sait lire.
            if isinstance(metric.get(bound), str):
                try:
                    metric[bound] = float(metric[bound])
                except ValueError:
                    pass
        bounds = [metric.get(b) for b in ("min", "max", RELATIVE_MAX) if b in metric]
        if not bounds:
            problems.append(f"métrique {i} : seuil « min » ou « max » manquant")
        for b in ("min", "max", RELATIVE_MAX):
            value = metric.get(b)
            if b in metric and (not isinstance(value, int | float) or isinstance(value, bool)):
                problems.append(f"métrique {i} : le seuil « {b} » ({value!r}) n'est pas un nombre")
        if metric.get("unite") == "secondes" and "max" in metric:
            problems.append(
                f"métrique {i} : une durée ne se borne pas en secondes (« max »), qui dépendent "
                f"de la charge de la machine ; écrivez « {RELATIVE_MAX} » (voir CONTRIBUTING.md)"
            )
        if RELATIVE_MAX in metric and metric.get("unite") != "secondes":
            problems.append(f"métrique {i} : « {RELATIVE_MAX} » exige « unite: secondes »")
        if "unite" in metric and metric["unite"] not in UNITS:
            problems.append(
                f"métrique {i} : unité « {metric['unite']} » inconnue "
                f"(attendu : {', '.join(UNITS)}, ou pas d'unité)"
            )
    # Facultatif : fichiers JSON que le notebook écrit dans son dossier d'exécution et que
    # l'enregistrement reprend (l'atelier d'expériences y range ses mesures).
    results = header.get("resultats", [])
    if not isinstance(results, list) or not all(
        isinstance(p, str) and p.endswith(".json") and _is_inside(p) for p in results
    ):
        problems.append("champ « resultats » : liste de chemins relatifs vers des fichiers .json")
    # Facultatif : les tutoriels dont ce notebook lit l'enregistrement d'exécution (pour citer
    # leurs mesures). Ils doivent le précéder dans l'ordre de construction.
    inputs = header.get("enregistrements", [])
    if not isinstance(inputs, list) or not all(
        isinstance(n, str) and NAME_RE.match(n) and n < name for n in inputs
    ):
        problems.append(
            "champ « enregistrements » : liste de noms de tutoriels (NN_slug) qui précèdent "
            "celui-ci"
        )
    if not NAME_RE.match(name):
        problems.append("le nom du fichier doit suivre NN_slug.py (minuscules, chiffres, _)")
    return problems


def _is_inside(relative: str) -> bool:
    path = Path(relative)
    return not path.is_absolute() and ".." not in path.parts


def collect_results(tutorial: Tutorial, workdir: Path) -> dict:
    """Lit les fichiers « resultats » déclarés par l'en-tête, écrits par cette exécution."""
    results = {}
    for relative in tutorial.header.get("resultats", []):
        try:
            results[relative] = json.loads((workdir / relative).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise TutorialError(
                f"Le tutoriel {tutorial.path.name} devait écrire le fichier de résultats "
                f"« {relative} » dans son dossier d'exécution : {exc}"
            ) from None
    return results


SOLUTION_MARK = "# Solution"


def load(path: Path) -> Tutorial:
    # La source complétée par le code commun de l'atelier (« # %% atelier: commun ») : le
    # notebook, sa clé de cache et les lignes citées en cas d'échec le contiennent.
    try:
        source = shared_code.standalone(path)
    except shared_code.SharedCodeError as exc:
        raise TutorialError(f"{path.name} : {exc}.") from None
    text = source.text
    try:
        nb = jupytext.reads(text, fmt="py:percent")
    except Exception as exc:  # jupytext lève des erreurs variées sur un fichier mal formé
        raise TutorialError(f"{path.name} : lecture jupytext impossible ({exc}).") from None
    # Identifiants de cellule stables : le même .py donne toujours le même notebook (jupytext en
    # tire sinon au hasard, ce qui réécrirait le notebook et relancerait « make serve » sans fin).
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cellule-{index + 1:03d}"
        if cell.cell_type == "code" and cell.source.lstrip().startswith(SOLUTION_MARK):
            # Solution d'exercice : repliée dans JupyterLab (source_hidden) et, sur le site,
            # dans un bloc « Solution » à déplier (tools/hooks/tutorial_pages.py, celltag_solution).
            cell.metadata["tags"] = [*cell.metadata.get("tags", []), "solution"]
            cell.metadata["jupyter"] = {**cell.metadata.get("jupyter", {}), "source_hidden": True}
    header = nb.metadata.get("atelier")
    problems = validate_header(header, path.stem)
    if problems:
        raise TutorialError(f"{path.name} : en-tête invalide : " + " ; ".join(problems) + ".")
    # Ligne de départ de chaque cellule dans le .py (pour nommer la cellule fautive).
    lines = [source.origin(i) for i, ln in enumerate(text.splitlines(), 1) if ln.startswith("# %%")]
    if len(lines) != len(nb.cells):
        lines = []
    return Tutorial(path, nb, header, lines)


dependencies_fingerprint = paths.dependencies_fingerprint
data_fingerprint = paths.data_fingerprint


# --- Calibration : la vitesse de la machine, mesurée dans la même exécution ------------------


def available_cores() -> int:
    return calibration.available_cores()


def thread_env(threads: int | None = None) -> dict[str, str]:
    """Variables qui limitent les fils de calcul du noyau aux cœurs disponibles (``threads`` :
    ceux que d'autres processus laissent libres, calibration.free_cores()).

    OMP_NUM_THREADS seulement pour PyTorch et NumPy (OpenBLAS et MKL le lisent à défaut de leur
    propre variable) : un tutoriel qui le fixe lui-même avant d'importer NumPy garde son choix.
    """
    n = str(threads or available_cores())
    return {"OMP_NUM_THREADS": n, "TF_NUM_INTRAOP_THREADS": n}


class Calibration:
    """La sonde de calibration (tools/calibration.py) tourne à côté du noyau : une série de
    mesures juste avant l'exécution, quelques mesures espacées pendant, puis, le noyau arrêté,
    une série juste après. ``options`` : arguments de la sonde (les tests l'accélèrent)."""

    def __init__(self, options: tuple[str, ...] = ()):
        # Les fils du noyau et de la sonde : les cœurs que d'autres processus laissent libres,
        # lus une fois avant l'exécution (la sonde subit ainsi la même concurrence que le noyau).
        self.threads = calibration.free_cores()
        self.options = ("--threads", str(self.threads), *options)

    def __enter__(self):
        import threading

        self.samples: dict[str, list[float]] = {"before": [], "during": [], "after": []}
        self._process = subprocess.Popen(
            [sys.executable, "-m", "tools.calibration", *self.options],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        # Les mesures d'avant l'exécution, prises sur une machine encore sans le noyau.
        deadline = time.monotonic() + 300
        while len(self.samples["before"]) < calibration.BURST and time.monotonic() < deadline:
            if self._process.poll() is not None:
                break
            time.sleep(0.05)
        return self

    def _read(self) -> None:
        for line in self._process.stdout:
            phase, _, value = line.partition(" ")
            try:
                self.samples[phase].append(float(value))
            except (KeyError, ValueError):
                pass

    def __exit__(self, exc_type, *_) -> None:
        process = self._process
        try:
            if exc_type is None:
                process.stdin.close()  # fin de l'exécution : dernières mesures, puis arrêt
                process.wait(timeout=300)
        except (OSError, ValueError, subprocess.TimeoutExpired):
            pass
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            self._reader.join(timeout=10)

    def record(self) -> dict:
        return calibration_record(
            self.samples["before"], self.samples["during"], self.samples["after"], self.threads
        )


class NoProbe:
    """À la place de la sonde, pour un tutoriel sans durée jugée ni mesure citée : seulement les
    fils de calcul laissés libres par les autres processus, comme pour les autres."""

    def __init__(self):
        self.threads = calibration.free_cores()
        self.samples: dict[str, list[float]] = {"before": [], "during": [], "after": []}

    def __enter__(self):
        return self

    def __exit__(self, *_) -> None:
        pass

    def record(self) -> dict:
        return {"threads": self.threads}


def calibration_record(
    before: list[float], during: list[float], after: list[float], threads: int | None = None
) -> dict:
    """Ce que l'enregistrement garde de la calibration. La référence (``seconds``) est la plus
    lente des médianes d'avant et d'après l'exécution (sept mesures chacune : une mesure lente
    isolée ne la déplace pas) : une charge arrivée ou partie pendant l'exécution ne joue jamais
    contre le tutoriel. Les mesures prises pendant l'exécution sont gardées pour information
    seulement : elles subissent la concurrence du tutoriel lui-même (deux fois plus lentes sous
    un tutoriel à un fil, cinq fois sous un tutoriel qui occupe tous les cœurs), qui n'a rien à
    voir avec la charge de la machine."""
    medians = [statistics.median(part) for part in (before, after) if part]
    if not medians:
        return {}
    return {
        "seconds": max(medians),
        "before_seconds": statistics.median(before) if before else None,
        "during_seconds": statistics.median(during) if during else None,
        "after_seconds": statistics.median(after) if after else None,
        "samples": len(before) + len(during) + len(after),
        "threads": threads or available_cores(),
        "load_average": [round(v, 2) for v in os.getloadavg()],
    }


# Variables d'environnement du noyau d'un tutoriel qui cite des enregistrements : leur dossier, et
# la durée de la charge de calibration mesurée juste avant son exécution (médiane, en secondes),
# pour qu'il exprime ses propres durées dans l'unité de celles qu'il cite (calibration_ratio).
RECORDS_ENV = "ATELIER_ENREGISTREMENTS"
CALIBRATION_ENV = "ATELIER_CALIBRATION"


# Ce qu'un tutoriel peut lire d'un enregistrement cité, et donc ce qui entre dans sa clé de
# cache : pas les seuils, ni la date d'exécution (changer le seuil d'un tutoriel cité ne
# ré-exécute pas celui qui le cite ; une nouvelle exécution, aux mesures forcément nouvelles, si).
CITED_FIELDS = ("title", "model_card", "metrics", "data_split")


def cited_content(record: dict) -> str:
    """La part d'un enregistrement qu'un tutoriel qui le cite peut utiliser."""
    cited = {key: record.get(key) for key in CITED_FIELDS}
    cited["checks"] = [
        [check.get("name"), check.get("value"), check.get("calibration_ratio")]
        for check in record.get("metric_checks", [])
    ]
    return json.dumps(cited, sort_keys=True, ensure_ascii=False)


def input_records(tutorial: Tutorial, out: Path) -> str:
    """Ce que le tutoriel peut lire des enregistrements qu'il cite (champ « enregistrements »),
    pour sa clé de cache : une nouvelle exécution d'un tutoriel cité, ou un changement de son
    titre ou de sa fiche de modèle, ré-exécute celui qui le cite ; un nouveau seuil, non."""
    texts = []
    for name in tutorial.header.get("enregistrements", []):
        path = out / f"{name}.json"
        try:
            texts.append(cited_content(json.loads(path.read_text(encoding="utf-8"))))
        except OSError:
            raise TutorialError(
                f"Le tutoriel {tutorial.path.name} cite les mesures de {name}, dont "
                f"l'enregistrement {path} est absent : exécutez d'abord ce tutoriel "
                f"(python -m tools.execute {name} {tutorial.name})."
            ) from None
        except ValueError:
            raise TutorialError(
                f"Le tutoriel {tutorial.path.name} cite les mesures de {name}, dont "
                f"l'enregistrement {path} est illisible : exécutez de nouveau ce tutoriel "
                f"(python -m tools.execute {name} --force)."
            ) from None
    return "\0".join(texts)


def cache_key(tutorial: Tutorial, deps: str, data: str, inputs: str = "") -> str:
    """Le code des cellules seulement : modifier le texte (markdown) ne ré-exécute rien. Un
    fichier de résultats déclaré entre dans la clé : il exige une exécution qui l'écrit. Les
    enregistrements cités (``inputs``) y entrent aussi ; sans eux, la clé ne change pas."""
    results = tutorial.header.get("resultats")
    return paths.cache_key(
        EXECUTOR_VERSION,
        [deps, data, *([inputs] if inputs else [])],
        [cell.source for cell in tutorial.notebook.cells if cell.cell_type == "code"],
        json.dumps(results) if results else "",
    )


PROBE = """
import json as _json, os as _os, platform as _platform, resource as _resource, sys as _sys
_measures = {"peak_rss_mib": _resource.getrusage(_resource.RUSAGE_SELF).ru_maxrss / 1024,
            "metrics": {}, "versions": {"python": _platform.python_version()}, "devices": []}
for _name in NAMES:
    _v = globals().get(_name)
    try:
        _measures["metrics"][_name] = None if _v is None else float(_v)
    except (TypeError, ValueError):
        _measures["metrics"][_name] = repr(_v)
_cpu = _platform.processor() or _platform.machine()
try:
    with open("/proc/cpuinfo") as _f:
        _cpu = next(l.split(":", 1)[1].strip() for l in _f if l.startswith("model name"))
except (OSError, StopIteration):
    pass
_measures["cpu"] = f"{_cpu}, {_os.cpu_count()} cœurs"
_measures["available_cores"] = len(_os.sched_getaffinity(0))
for _mod in ("numpy", "torch", "torchvision", "tensorflow", "keras", "matplotlib"):
    if _mod in _sys.modules:
        _measures["versions"][_mod] = getattr(_sys.modules[_mod], "__version__", "?")
if "torch" in _sys.modules:
    _t = _sys.modules["torch"]
    if _t.cuda.is_available():
        _measures["devices"].append("GPU " + _t.cuda.get_device_name(0))
        _measures["cuda_peak_mib"] = _t.cuda.max_memory_allocated() / 2**20
if "tensorflow" in _sys.modules:
    _tf = _sys.modules["tensorflow"]
    _gpus = _tf.config.list_logical_devices("GPU")
    if _gpus:
        _measures["devices"].append("GPU TensorFlow " + _gpus[0].name)
# Déclarations facultatives du notebook, rangées dans l'enregistrement : le modèle entraîné
# (MODEL_CARD, un dictionnaire) et le découpage des données (DATA_SPLIT : indices des images
# d'entraînement et de validation parmi les 60 000 officielles, nombre d'images de test ; ou un
# dictionnaire de tels découpages). Les indices ne sont pas recopiés : on garde leurs tailles,
# leur recouvrement et une empreinte, que vérifie tests/test_data_split.py.
def _atelier_indices(_v):
    import numpy as _np
    if hasattr(_v, "detach"):
        _v = _v.detach().cpu().numpy()
    return _np.asarray(list(_v) if isinstance(_v, range) else _v, dtype=_np.int64).reshape(-1)
def _atelier_split(_d):
    import hashlib as _hashlib, numpy as _np
    _tr, _va = _atelier_indices(_d["train"]), _atelier_indices(_d.get("validation", ()))
    _all = _np.concatenate([_tr, _va])
    _sha = lambda _a: _hashlib.sha256(_np.sort(_a).tobytes()).hexdigest()[:16]
    return {"train": int(_tr.size), "validation": int(_va.size), "test": int(_d["test"]),
            "distinct": int(_np.unique(_all).size), "overlap": int(_np.intersect1d(_tr, _va).size),
            "min_index": int(_all.min()) if _all.size else None,
            "max_index": int(_all.max()) if _all.size else None,
            "train_sha256": _sha(_tr), "validation_sha256": _sha(_va)}
if isinstance(globals().get("DATA_SPLIT"), dict):
    _d = DATA_SPLIT
    try:
        _parts = {"main": _d} if "train" in _d else dict(_d)
        _measures["data_split"] = {_k: _atelier_split(_v) for _k, _v in _parts.items()}
    except Exception as _exc:  # noqa: BLE001 — signalé par le test, jamais une panne du noyau
        _measures["data_split"] = {"error": f"{type(_exc).__name__}: {_exc}"}
if isinstance(globals().get("MODEL_CARD"), dict):
    _measures["model_card"] = _json.loads(_json.dumps(MODEL_CARD, default=str))
print(MARK + _json.dumps(_measures))
"""


def _error_cell(nb: nbformat.NotebookNode) -> tuple[int, dict] | None:
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return index, output
    return None


def _cell_location(tutorial: Tutorial, index: int) -> str:
    """« cellule 4 (ligne 34 de 02_essai.py) » : où chercher la cellule dans le .py."""
    where = f"cellule {index + 1}"
    if tutorial.cell_lines:
        file, line = tutorial.cell_lines[index]
        where += f" (ligne {line} de {file})"
    return where


def _describe_failure(tutorial: Tutorial, nb, exc: Exception) -> str:
    found = _error_cell(nb)
    if found is None:
        return f"Le tutoriel {tutorial.path.name} a échoué : {type(exc).__name__} : {exc}"
    index, output = found
    where = _cell_location(tutorial, index)
    trace = ANSI.sub("", "\n".join(output.get("traceback", [])[-6:]))
    return (
        f"Le tutoriel {tutorial.path.name} a échoué à la {where} : "
        f"{output.get('ename')} : {output.get('evalue')}\n"
        f"--- code de la cellule ---\n{nb.cells[index].source.strip()[:800]}\n"
        f"--- fin de la trace ---\n{trace}"
    )


def _kernel_log_tail(path: Path, lines: int = 20) -> str:
    """Les dernières lignes écrites par le noyau (utile quand il meurt sans trace Python)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""
    if not text:
        return ""
    tail = "\n".join(text.splitlines()[-lines:])
    return f"\n--- fin du journal du noyau ({path}) ---\n{tail}"


def run_notebook(
    tutorial: Tutorial,
    workdir: Path,
    timeout: int | None = None,
    log=print,
    records: Path | None = None,
    calibration_before: list[float] | None = None,
    threads: int | None = None,
):
    """Exécute le notebook ; renvoie (notebook exécuté, mesures)."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    timeout = timeout or cell_timeout_from_env()
    nb = copy.deepcopy(tutorial.notebook)
    names = [m["nom"] for m in tutorial.header["metriques"]]
    probe = PROBE.replace("NAMES", repr(names)).replace("MARK", repr(PROBE_MARK))
    nb.cells.append(nbformat.v4.new_code_cell(probe))
    workdir.mkdir(parents=True, exist_ok=True)
    # Le noyau reçoit son environnement (données de build/ en chemins absolus, car il travaille
    # dans build/work/NN, figures dans le notebook quel que soit MPLBACKEND du terminal) :
    # os.environ du processus appelant, celui de MkDocs par exemple, reste intact.
    env = paths.child_env(KERNEL_MPLBACKEND, thread_env(threads))
    # Les enregistrements cités, pour ce seul tutoriel (jamais hérités d'un tutoriel précédent).
    env.pop(RECORDS_ENV, None)
    env.pop(CALIBRATION_ENV, None)
    if records is not None and tutorial.header.get("enregistrements"):
        env[RECORDS_ENV] = str(records.resolve())
        if calibration_before:
            env[CALIBRATION_ENV] = f"{statistics.median(calibration_before):.6f}"
    n_code = sum(c.cell_type == "code" for c in nb.cells) - 1
    started = time.perf_counter()
    state = {"t": started, "done": 0}

    def on_cell_start(cell, cell_index, **_):
        state["current"] = cell_index

    def cell_timeout(cell) -> int:
        # Appelé par nbclient au début de chaque cellule : la charge du moment compte.
        state["timeout"] = scaled_timeout(timeout)
        return state["timeout"]

    def on_cell_executed(cell, cell_index, execute_reply, **_):
        state["done"] += 1
        now = time.perf_counter()
        if now - state["t"] > 5 and cell_index < len(nb.cells) - 1:
            log(
                f"    cellule {cell_index + 1} terminée ({state['done']}/{n_code} cellules de "
                f"code, {now - started:.0f} s écoulées)"
            )
        state["t"] = now

    client = NotebookClient(
        nb,
        timeout=timeout,
        timeout_func=cell_timeout,
        kernel_name="python3",
        allow_errors=False,
        resources={"metadata": {"path": str(workdir)}},
        # Les journaux C++ (TensorFlow, CUDA…) écrits directement sur le descripteur 2 restent
        # dans le journal de construction au lieu d'encombrer le notebook publié.
        extra_arguments=["--IPKernelApp.capture_fd_output=False"],
        on_cell_start=on_cell_start,
        on_cell_executed=on_cell_executed,
    )
    # Ce que le noyau écrit lui-même (messages C++ de TensorFlow, de CUDA absent…) va dans un
    # fichier de travail plutôt que dans le terminal de « make serve » ; sa fin est citée en cas
    # d'échec.
    kernel_log = workdir / "noyau.log"
    try:
        with kernel_log.open("wb") as sink:
            client.execute(stdout=sink, stderr=sink, env=env)
    except CellTimeoutError:
        index = state.get("current", state["done"])
        effective = state.get("timeout", timeout)
        raise TutorialError(timeout_message(tutorial, nb, index, timeout, effective)) from None
    except CellExecutionError as exc:
        raise TutorialError(_describe_failure(tutorial, nb, exc)) from None
    except DeadKernelError:
        index = state.get("current", 0)
        raise TutorialError(
            f"Le tutoriel {tutorial.path.name} a échoué à la {_cell_location(tutorial, index)} : "
            "le noyau Python s'est arrêté sans trace (plantage d'une bibliothèque compilée, "
            "mémoire épuisée…).\n"
            f"--- code de la cellule ---\n{nb.cells[index].source.strip()[:800]}"
            + _kernel_log_tail(kernel_log)
        ) from None
    except RuntimeError as exc:  # noyau qui ne démarre pas
        raise TutorialError(
            f"Le tutoriel {tutorial.path.name} n'a pas pu démarrer son noyau Python : {exc}"
            + _kernel_log_tail(kernel_log)
        ) from None
    wall = time.perf_counter() - started
    probe_cell = nb.cells.pop()
    text = "".join(o.get("text", "") for o in probe_cell.outputs if o.get("name") == "stdout")
    measures = json.loads(text.split(PROBE_MARK, 1)[1])
    measures["wall_seconds"] = wall
    return nb, measures


def timeout_message(
    tutorial: Tutorial, nb, index: int, timeout: int, effective: int | None = None
) -> str:
    """Une cellule qui tourne encore après le délai : où, combien, et quel réglage changer."""
    effective = effective or timeout
    allowed = (
        f"{timeout} s"
        if effective == timeout
        else f"{effective} s ({timeout} s, multipliées par la charge de la machine)"
    )
    return (
        f"Le tutoriel {tutorial.path.name} a dépassé le délai par cellule de {allowed} à la "
        f"{_cell_location(tutorial, index)} : la cellule tournait encore et a été arrêtée. "
        "Accélérez-la, ou allongez le délai avec la variable ATELIER_CELL_TIMEOUT=SECONDES "
        "ou l'option --timeout SECONDES de python -m tools.execute."
        f"\n--- code de la cellule ---\n{nb.cells[index].source.strip()[:800]}"
    )


def check_outputs(tutorial: Tutorial, nb) -> None:
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    if not code_cells or not any(c.get("outputs") for c in code_cells):
        raise TutorialError(
            f"Le tutoriel {tutorial.path.name} n'a produit aucune sortie : rien ne montre qu'il "
            "a réellement tourné (ajoutez au moins un affichage de résultat)."
        )


# L'en-tête « atelier: » est écrit pour les auteurs, en français ; l'enregistrement, lu par les
# crochets et les tests, a des clés anglaises. Ces tables sont la seule correspondance.
HEADER_KEYS = {
    "titre": "title",
    "description": "description",
    "niveau": "level",
    "duree": "duration",
    "prerequis": "prerequisites",
    "gpu": "gpu",
    "resultats": "result_files",
}
METRIC_KEYS = {
    "nom": "name",
    "libelle": "label",
    "unite": "unit",
    "min": "min",
    "max": "max",
    RELATIVE_MAX: RELATIVE_MAX,
}


def header_record(header: dict) -> dict:
    """Ce que l'enregistrement reprend de l'en-tête, sous des clés anglaises."""
    return {english: header[key] for key, english in HEADER_KEYS.items() if key in header}


def unjudged_text(check: dict, record: dict) -> str:
    """Pourquoi une durée au-delà de son seuil n'a pas fait échouer la construction."""
    cores = record["calibration"]["other_cores"]
    return (
        f"{check['name']} = {check['value']:.4g} s, soit {check['calibration_ratio']:.3g} fois "
        f"la calibration (seuil : {check[METRIC_KEYS[RELATIVE_MAX]]:g}), n'est pas jugée : "
        f"d'autres processus ont pris {str(round(cores, 1)).replace('.', ',')} "
        f"cœur{'s' if cores >= 2 else ''} en moyenne pendant l'exécution."
    )


def check_metrics(tutorial: Tutorial, record: dict) -> list[dict]:
    """Compare les métriques mesurées aux seuils déclarés ; lève TutorialError sinon. Renvoie
    chaque métrique déclarée avec sa valeur (``value``), son verdict (``ok``) et, pour une
    durée, son rapport à la calibration (``calibration_ratio``)."""
    results, failures = [], []
    calibration = (record.get("calibration") or {}).get("seconds")
    other_cores = (record.get("calibration") or {}).get("other_cores")
    busy = other_cores if isinstance(other_cores, float) and other_cores > BUSY_CORES else None
    for metric in tutorial.header["metriques"]:
        value = record["metrics"].get(metric["nom"])
        ok = isinstance(value, float)
        result = {METRIC_KEYS[k]: v for k, v in metric.items() if k in METRIC_KEYS}
        result["value"] = value
        if ok and "min" in metric:
            ok = value >= metric["min"]
        if ok and "max" in metric:
            ok = value <= metric["max"]
        if RELATIVE_MAX in metric:
            if isinstance(calibration, int | float) and calibration > 0:
                # Le seuil effectif de cette exécution, en secondes, pour la fiche du tutoriel.
                result["max"] = metric[RELATIVE_MAX] * calibration
                if ok:
                    result["calibration_ratio"] = value / calibration
                    ok = value / calibration <= metric[RELATIVE_MAX]
                    if not ok and busy is not None:
                        # D'autres programmes ont pris des cœurs pendant l'exécution : la
                        # durée, faussée par eux, est enregistrée mais pas jugée.
                        ok, result["judged"] = True, False
            else:
                ok = False
        result["ok"] = ok
        results.append(result)
        if not ok:
            bound = " et ".join(
                f"{'≥' if b == 'min' else '≤'} {metric[b]}" for b in ("min", "max") if b in metric
            )
            if value is None:
                detail = f"la variable « {metric['nom']} » n'est pas définie à la fin du notebook"
            elif not isinstance(value, float):
                detail = f"« {metric['nom']} » n'est pas un nombre ({value})"
            elif RELATIVE_MAX in metric and not calibration:
                detail = "aucune calibration enregistrée pour cette exécution"
            elif RELATIVE_MAX in metric:
                detail = (
                    f"{metric['nom']} = {value:.4g} s, soit {value / calibration:.3g} fois la "
                    f"calibration ({calibration:.3g} s mesurées dans la même exécution)"
                )
                bound = f"≤ {metric[RELATIVE_MAX]:g} fois la calibration ({RELATIVE_MAX})"
            else:
                detail = f"{metric['nom']} = {value:.4g}"
            failures.append(f"{metric['libelle']} : {detail}, seuil attendu {bound}")
    if failures:
        error = TutorialError(
            f"Le tutoriel {tutorial.path.name} manque sa métrique déclarée : "
            + " ; ".join(failures)
        )
        error.checks = results  # chaque métrique, avec sa valeur et son rapport
        raise error
    return results


def merge_outputs(fresh: nbformat.NotebookNode, executed: nbformat.NotebookNode):
    """Reporte les sorties d'un notebook exécuté sur un notebook au code identique."""
    merged = copy.deepcopy(fresh)
    done = iter([c for c in executed.cells if c.cell_type == "code"])
    for cell in merged.cells:
        if cell.cell_type == "code":
            source = next(done)
            cell.outputs = source.get("outputs", [])
            cell.execution_count = source.get("execution_count")
    merged.metadata = copy.deepcopy(fresh.metadata)
    return merged


def render_quizzes(tutorial: Tutorial, nb: nbformat.NotebookNode) -> int:
    """Remplace, dans les cellules de texte, chaque question « !!! quiz » par son HTML
    (tools/quiz.py) : lisible sans script dans le notebook téléchargé, interactive sur le site
    (docs/assets/quiz.js). Une question mal formée est une erreur qui nomme la ligne du .py.
    Renvoie le nombre de questions."""
    count = 0
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown" or "!!! quiz" not in cell.source:
            continue
        # Le « # %% » de la cellule est à cette ligne ; son texte commence à la suivante.
        offset = tutorial.cell_lines[index][1] if index < len(tutorial.cell_lines) else 0
        try:
            text, found = quiz.process(
                cell.source,
                f"tutorials/{tutorial.path.name}",
                f"{tutorial.name}-{count}",
                line_offset=offset,
            )
        except quiz.QuizError as exc:
            raise TutorialError(str(exc)) from None
        cell.source = text
        count += found
    return count


write_if_changed = storage.write_if_changed


def read_cache_entry(cached_nb: Path, cached_rec: Path):
    """(notebook, enregistrement) en cache, ou None : une entrée absente, tronquée ou illisible
    est un défaut de cache (l'exécution la remplacera), signalé en nommant le fichier."""
    if not (cached_nb.is_file() and cached_rec.is_file()):
        return None
    for path in (cached_nb, cached_rec):
        try:
            if path is cached_nb:
                executed = nbformat.read(path, as_version=4)
            else:
                record = json.loads(path.read_text(encoding="utf-8"))
                if not isinstance(record, dict) or not isinstance(record.get("metrics"), dict):
                    raise ValueError("enregistrement incomplet")
        except Exception as exc:  # JSON tronqué, notebook invalide, disque illisible…
            reason = storage.cause(exc) if isinstance(exc, OSError) else "contenu illisible"
            storage.warn(
                f"entrée de cache ignorée, le tutoriel sera ré-exécuté : {path} ({reason})."
            )
            return None
    return executed, record


def build_one(
    path: Path,
    *,
    out: Path = OUT,
    cache: Path = CACHE,
    work: Path = WORK,
    force: bool = False,
    timeout: int | None = None,
    log=print,
    records: Path | None = None,
) -> dict:
    """Exécute (ou reprend du cache) un tutoriel ; renvoie son enregistrement.

    ``records`` : le dossier des enregistrements qu'il cite (« enregistrements »), ``out`` sinon.
    """
    tutorial = load(path)
    records = out if records is None else records
    inputs = input_records(tutorial, records)
    key = cache_key(tutorial, dependencies_fingerprint(), data_fingerprint(), inputs)
    cached_nb, cached_rec = cache / f"{key}.ipynb", cache / f"{key}.json"
    entry = None if force else read_cache_entry(cached_nb, cached_rec)
    timed = any(RELATIVE_MAX in m for m in tutorial.header["metriques"])
    if entry is not None and timed and not entry[1].get("calibration"):
        # Exécution antérieure à la calibration : son seuil de durée ne peut pas être vérifié.
        log(f"    {tutorial.name} : exécution en cache sans calibration, ré-exécution.")
        entry = None
    if entry is not None:
        executed, record = entry
        record["cached"] = True
        if "resultats" in record:  # entrée écrite avant le passage des clés en anglais
            record["results"] = record.pop("resultats")
    elif paths.preview_mode():
        raise TutorialError(paths.needs_full_environment(f"du tutoriel {tutorial.name}"))
    else:
        for relative in tutorial.header.get("resultats", []):  # jamais ceux d'une autre exécution
            (work / tutorial.name / relative).unlink(missing_ok=True)
        # La sonde ne sert qu'aux durées jugées et aux mesures citées (ATELIER_CALIBRATION) :
        # les autres tutoriels s'en passent (2 à 4 s de moins chacun, 7 tutoriels sur 16).
        probe_type = Calibration if timed or tutorial.header.get("enregistrements") else NoProbe
        with probe_type() as probe:
            others = calibration.OtherLoad().start()
            executed, measures = run_notebook(
                tutorial,
                work / tutorial.name,
                timeout,
                log,
                records=records,
                calibration_before=probe.samples["before"],
                threads=probe.threads,
            )
            other_cores = others.stop()
        measures["calibration"] = probe.record()
        if other_cores is not None:
            measures["calibration"]["other_cores"] = round(other_cores, 3)
        check_outputs(tutorial, executed)
        if tutorial.header.get("resultats"):
            measures["results"] = collect_results(tutorial, work / tutorial.name)
        record = {
            "tutorial": tutorial.name,
            "cache_key": key,
            "executed_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            **measures,
        }
        # Une exécution qui manque ses seuils n'entre pas au cache : la suivante réessaie.
        check_metrics(tutorial, record)
        storage.atomic_write(cached_nb, nbformat.writes(executed) + "\n")
        storage.atomic_write(cached_rec, json.dumps(record, indent=2, ensure_ascii=False))
        record["cached"] = False
    # Ce que les crochets présentent vient de l'enregistrement : la source n'est lue qu'une fois.
    record.update(header_record(tutorial.header))
    record["metric_checks"] = check_metrics(tutorial, record)
    merged = merge_outputs(tutorial.notebook, executed)
    record["questions"] = render_quizzes(tutorial, merged)
    write_if_changed(out / f"{tutorial.name}.ipynb", nbformat.writes(merged) + "\n")
    public = {k: v for k, v in record.items() if k != "cached"}
    write_if_changed(
        out / f"{tutorial.name}.json", json.dumps(public, indent=2, ensure_ascii=False)
    )
    return record


def build_all(names: list[str] | None = None, *, force: bool = False, log=print, **kw) -> list:
    """Exécute tous les tutoriels ; lève TutorialError en nommant chaque échec."""
    paths = discover(names, kw.pop("folder", None))
    # Le verrou du dossier de construction : une seconde construction attend la fin de celle-ci
    # au lieu de partager build/work/NN et build/cache.
    with storage.build_lock(Path(kw.get("work", WORK)).parent):
        return _build_paths(paths, force=force, log=log, **kw)


def _build_paths(paths: list[Path], *, force: bool, log, **kw) -> list:
    records, failures = [], []
    started = time.perf_counter()
    for i, path in enumerate(paths, 1):
        t0 = time.perf_counter()
        log(f"[{i}/{len(paths)}] {path.stem} …")
        try:
            record = build_one(path, force=force, log=log, **kw)
        except storage.StorageError as exc:
            raise TutorialError(f"{path.name} : {exc}") from None
        except TutorialError as exc:
            log(f"[{i}/{len(paths)}] {path.stem} : ÉCHEC ({time.perf_counter() - t0:.1f} s)")
            failures.append(str(exc))
            continue
        state = "en cache" if record["cached"] else f"exécuté en {record['wall_seconds']:.1f} s"
        if not record["cached"] and record.get("calibration", {}).get("seconds"):
            state += f", calibration {record['calibration']['seconds']:.3f} s"
        metrics = ", ".join(f"{m['name']} = {m['value']:.4g}" for m in record["metric_checks"])
        log(
            f"[{i}/{len(paths)}] {path.stem} : {state} ({metrics}) "
            f"— {time.perf_counter() - started:.1f} s écoulées"
        )
        for check in record["metric_checks"]:
            if check.get("judged") is False:
                log(f"    Attention : {unjudged_text(check, record)}")
        records.append(record)
    if failures:
        raise TutorialError("\n\n".join(failures))
    return records


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.execute",
        description="Exécute les tutoriels (avec cache) vers build/notebooks.",
    )
    parser.add_argument(
        "names", nargs="*", metavar="noms", help="tutoriels à exécuter (défaut : tous)"
    )
    parser.add_argument("--force", action="store_true", help="ignorer le cache")
    parser.add_argument("--check", action="store_true", help="valider les en-têtes seulement")
    parser.add_argument("--tutorials", type=Path, default=TUTORIALS, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, default=OUT, help=argparse.SUPPRESS)
    parser.add_argument("--cache", type=Path, default=CACHE, help=argparse.SUPPRESS)
    parser.add_argument(
        "--timeout",
        type=int,
        default=None,
        help="délai par cellule, en secondes (défaut : ATELIER_CELL_TIMEOUT, sinon 600)",
    )
    parser.add_argument("--work", type=Path, default=WORK, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        timeout = args.timeout if args.timeout is not None else cell_timeout_from_env()
        if timeout <= 0:
            raise TutorialError("--timeout : un nombre de secondes positif est attendu.")
        if args.check:
            paths = discover(args.names, args.tutorials)
            for path in paths:
                load(path)
            print(f"{len(paths)} en-tête(s) de tutoriel valide(s).")
            return 0
        records = build_all(
            args.names,
            force=args.force,
            folder=args.tutorials,
            out=args.out,
            cache=args.cache,
            work=args.work,
            timeout=timeout,
        )
    except (TutorialError, storage.StorageError) as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
    print(f"{len(records)} tutoriel(s) prêt(s) dans {args.out}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
