"""Page « Rapport » de l'atelier d'expériences, composée à chaque construction du site.

Les notebooks de l'atelier (tutorials/1N_atelier_*.py) écrivent leurs mesures dans
``resultats/axe_N.json`` ; l'exécuteur (tools.execute) les range dans l'enregistrement de
l'exécution, ``build/notebooks/NN_slug.json``, à côté du notebook exécuté et avec le même cache.
Ce module lit ces enregistrements et compose :

* ``atelier/rapport.md`` : le protocole, une synthèse, puis pour chaque axe son tableau,
  sa figure et l'interprétation calculée par le notebook ;
* ``atelier/figures/axe_N.svg`` : les figures, tracées ici à partir des mêmes enregistrements.

Le crochet tools/hooks/report.py les ajoute au site. Rien de tout cela n'est versionné : la page
est toujours celle de la dernière exécution.
"""

from __future__ import annotations

import html
import io
import json
import re
from pathlib import Path

from tools import french, paths, render_cache
from tools.french import NBSP, count, decimal, percent, seconds, thousands

RECORDS = paths.NOTEBOOKS
TUTORIALS = paths.TUTORIALS
PAGE = "atelier/rapport.md"
FIGURES = "atelier/figures"
# Le rapport que l'élève rédige lui-même : texte et questions dans tutorials/rapport_a_remplir.py
# (un notebook jupytext que la construction n'exécute pas), tableaux vides ajoutés ici.
TEMPLATE_SOURCE = TUTORIALS / "rapport_a_remplir.py"
TEMPLATE = "atelier/rapport-a-remplir.ipynb"
TABLE_MARKER = re.compile(r"^<!-- tableau: (?:axe (?P<axis>\d+)|(?P<summary>synthese)) -->$", re.M)
DEVICES = {"cpu": "le CPU", "cuda": "le GPU"}
AXIS_RESULT = re.compile(r"resultats/axe_\d+\.json")


class ReportError(Exception):
    """Les enregistrements de l'atelier manquent ou sont incomplets."""


# --- Lecture des enregistrements ----------------------------------------------------------------


def load_axes(records: Path = RECORDS, tutorials: Path = TUTORIALS) -> list[dict]:
    """Les axes de l'atelier, dans l'ordre, tirés des enregistrements d'exécution.

    Seuls comptent les tutoriels présents dans ``tutorials/`` dont l'enregistrement déclare des
    fichiers de résultats (``result_files``, repris de l'en-tête par tools/execute.py : la
    source n'est pas relue) ; un enregistrement sans ces résultats est une erreur, jamais un
    oubli silencieux.
    """
    axes = []
    for source in sorted(tutorials.glob("[0-9][0-9]_*.py")):
        path = records / f"{source.stem}.json"
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ReportError(f"enregistrement illisible pour {source.stem} : {exc}") from None
        results = record.get("results") or {}
        # Seuls les fichiers d'axe (resultats/axe_N.json) sont des axes de l'atelier ; les autres
        # fichiers de résultats (la soumission du projet Kaggle, par exemple) n'en sont pas.
        for name in record.get("result_files") or []:
            if not AXIS_RESULT.fullmatch(name):
                continue
            if name not in results:
                raise ReportError(
                    f"{source.stem} : l'enregistrement ne contient pas « {name} » "
                    "(ré-exécutez le tutoriel avec python -m tools.execute)"
                )
            axes.append(
                {
                    **results[name],
                    "tutorial": source.stem,
                    "tutorial_title": record.get("title", source.stem),
                    "executed_at": record.get("executed_at", ""),
                    "cpu": record.get("cpu", ""),
                    "versions": record.get("versions", {}),
                    "wall_seconds": record.get("wall_seconds", 0.0),
                    "peak_rss_mib": record.get("peak_rss_mib", 0.0),
                }
            )
    return sorted(axes, key=lambda a: a["axis"])


# --- Mise en forme (nombres et dates : tools/french.py) ------------------------------------------


def runs_table(runs: list[dict]) -> str:
    """Le tableau de comparaison d'un axe, colonne pour colonne celui des notebooks."""
    lines = [
        "| Essai (`runs/…`) | Exactitude (validation) | Exactitude (test) "
        "| Temps par époque | Pic mémoire | Époques |",
        "|:---|---:|---:|---:|---:|---:|",
    ]
    for r in runs:
        lines.append(
            f"| `{r['run_dir'].removeprefix('runs/')}` | {percent(r['val_accuracy'])} "
            f"| {percent(r['test_accuracy'])} | {seconds(r['seconds_per_epoch'], 2)} "
            f"| {thousands(r['peak_memory_mib'])}{NBSP}Mio | {r['epochs']} |"
        )
    return "\n".join(lines)


def leader(axis: dict) -> dict:
    """L'essai en tête d'un axe, choisi sur la validation : le test mesure, il ne choisit pas."""
    return max(axis["runs"], key=lambda r: r["val_accuracy"])


def summary_table(axes: list[dict]) -> str:
    lines = [
        "| Axe | Essais | En tête (validation) | Exactitude (validation) | Exactitude (test) "
        "| Temps par époque | Époques |",
        "|:---|---:|:---|---:|---:|---:|---:|",
    ]
    for axis in axes:
        best = leader(axis)
        lines.append(
            f"| [{axis['axis']}. {axis['title']}](#axe-{axis['axis']}) | {len(axis['runs'])} "
            f"| `{best['variant']}` | {percent(best['val_accuracy'])} "
            f"| {percent(best['test_accuracy'])} "
            f"| {seconds(best['seconds_per_epoch'], 2)} | {best['epochs']} |"
        )
    return "\n".join(lines)


FIGURE_CAPTIONS = {
    "accuracy": "exactitude de validation de chaque essai, époque par époque",
    "losses": (
        "perte de validation (trait plein) et perte d'entraînement (tirets) de chaque essai, "
        "époque par époque"
    ),
    "grid": (
        "exactitude de validation de chaque configuration après la recherche en grille, de la "
        f"meilleure (en haut) à la moins bonne{NBSP}; la bande orange verticale couvre la "
        "moyenne ± un écart-type des plis de la validation croisée de la meilleure configuration"
    ),
}


def _plotted_series(run: dict, kind: str) -> tuple:
    """Les valeurs tracées pour un essai (pour repérer deux courbes confondues)."""
    h = run["history"]
    if kind == "losses":
        return tuple(h["val_loss"]) + tuple(h["train_loss"])
    return tuple(h["val_accuracy"])


def identical_curves(axis: dict) -> list[list[str]]:
    """Les groupes d'essais dont les courbes se superposent exactement (figure par époque)."""
    kind = axis.get("figure", "accuracy")
    if kind == "grid":
        return []
    groups: dict[tuple, list[str]] = {}
    for run in axis["runs"]:
        groups.setdefault(_plotted_series(run, kind), []).append(run["variant"])
    return [names for names in groups.values() if len(names) > 1]


def figure_caption(axis: dict) -> str:
    """La légende écrite sous la figure, complétée quand des courbes se confondent."""
    caption = FIGURE_CAPTIONS.get(axis.get("figure", "accuracy"), "")
    for names in identical_curves(axis):
        listed = ", ".join(f"`{n}`" for n in names[:-1]) + f" et `{names[-1]}`"
        dotted = "la seconde est tracée" if len(names) == 2 else "les suivantes sont tracées"
        caption += (
            f"{NBSP}; les courbes de {listed} sont identiques et se superposent "
            f"({dotted} en pointillés)"
        )
    return caption


def caption_html(caption: str) -> str:
    """La légende en HTML : première lettre en capitale, noms d'essais en code."""
    text = html.escape(caption[:1].upper() + caption[1:], quote=False)
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", text)


# Les figures sont tracées pour la largeur où on les lit : 358 px sur un téléphone de 390 px
# (moins les marges), 400 à 500 px à côté de l'interprétation sur un grand écran. Tracées sur
# 6,4 pouces (461 pt), elles étaient réduites de 42 % au téléphone : graduations à 7,8 px et
# légendes à 6,2 px. Sur 4,2 pouces (302 pt), un texte de 9 pt y fait 10,7 px et un de 10 pt,
# 11,8 px (au moins 10 px : tests/test_layout.py).
FIGURE_WIDTH = 4.2  # pouces (72 pt chacun)
FONT_SIZE = 10
SMALL_FONT_SIZE = 9  # légende et noms des configurations de la grille


def figure_svg(axis: dict) -> str:
    """La figure d'un axe, en SVG, tracée à partir des enregistrements."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    runs = axis["runs"]
    kind = axis.get("figure", "accuracy")
    # svg.fonttype « none » : du vrai texte (lisible par le test de taille, et net à l'écran).
    style = {"svg.hashsalt": "atelier", "font.size": FONT_SIZE, "svg.fonttype": "none"}
    with plt.rc_context(style):
        if kind == "grid":
            ordered = sorted(runs, key=lambda r: r["val_accuracy"])
            fig, ax = plt.subplots(figsize=(FIGURE_WIDTH, 0.24 * len(runs) + 1.2))
            values = [100 * r["val_accuracy"] for r in ordered]
            ax.barh([r["variant"] for r in ordered], values, color="tab:blue")
            ax.tick_params(axis="y", labelsize=SMALL_FONT_SIZE)
            ax.xaxis.set_major_locator(MaxNLocator(5, integer=True))
            ax.set_xlim(min(values) - 2, max(values) + 1)
            ax.set_xlabel("Exactitude de validation (%)")
            ax.grid(alpha=0.3, axis="x")
            cv = axis.get("cross_validation")
            if cv:  # bande orange, décrite par la légende de la figure
                ax.axvspan(
                    100 * (cv["mean"] - cv["std"]),
                    100 * (cv["mean"] + cv["std"]),
                    color="tab:orange",
                    alpha=0.25,
                )
        else:
            # Légende sous le graphique, pour ne cacher aucune courbe.
            rows = -(-(len(runs) + (2 if kind == "losses" else 0)) // 2)
            fig, ax = plt.subplots(figsize=(FIGURE_WIDTH, 3.2 + 0.24 * rows))
            seen = set()
            for r in runs:
                h = r["history"]
                epochs = range(1, len(h["val_loss"]) + 1)
                series = _plotted_series(r, kind)
                # Une courbe identique à une précédente passe en pointillés, par-dessus.
                style = {"linestyle": (0, (2, 2))} if series in seen else {}
                seen.add(series)
                if kind == "losses":
                    (line,) = ax.plot(epochs, h["val_loss"], label=r["variant"], **style)
                    ax.plot(epochs, h["train_loss"], color=line.get_color(), linestyle="--")
                else:
                    ax.plot(
                        epochs,
                        [100 * a for a in h["val_accuracy"]],
                        marker="o",
                        markersize=3,
                        label=r["variant"],
                        **style,
                    )
            if kind == "losses":  # le sens des deux styles de trait, dans la légende même
                ax.plot([], [], color="gray", label="validation (trait plein)")
                ax.plot([], [], color="gray", linestyle="--", label="entraînement (tirets)")
            ax.set_xlabel("Époque")
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_ylabel("Perte" if kind == "losses" else "Exactitude de validation (%)")
            ax.grid(alpha=0.3)
            ax.legend(
                fontsize=SMALL_FONT_SIZE,
                loc="upper center",
                bbox_to_anchor=(0.5, -0.18),
                ncol=2,
                frameon=False,
            )
        fig.tight_layout()
        out = io.StringIO()
        fig.savefig(out, format="svg", metadata={"Date": None})
        plt.close(fig)
    return out.getvalue()


def cross_validation_text(cv: dict) -> str:
    folds = ", ".join(percent(r["val_accuracy"], 2) for r in cv["runs"])
    return (
        f"**Validation croisée** de `{cv['config']}` ({cv['k']}{NBSP}plis)"
        f"{NBSP}: {folds}{NBSP}; moyenne {percent(cv['mean'], 2)}, écart-type "
        f"{decimal(100 * cv['std'], 2)}{NBSP}point."
    )


def render(axes: list[dict]) -> tuple[str, dict[str, str]]:
    """Le Markdown de la page et ses figures (chemin relatif à docs/ -> contenu SVG)."""
    figures = {}
    if not axes:
        return (
            "# Rapport de l'atelier\n\nAucun axe de l'atelier n'a encore été exécuté.\n",
            figures,
        )
    first = axes[0]
    executed = sorted(a["executed_at"][:10] for a in axes if a["executed_at"])
    wall = sum({a["tutorial"]: a["wall_seconds"] for a in axes}.values())
    peak = max(a["peak_rss_mib"] for a in axes)
    data = first.get("data", {})
    devices = sorted({DEVICES.get(a["device"], a["device"]) for a in axes})
    torch_version = first["versions"].get("torch", "?")
    parts = [
        "---",
        "hide:",
        "  - toc",
        "---",
        "",
        "# Rapport de l'atelier d'expériences",
        "",
        '<p class="rapport-actions"><button class="md-button md-button--primary" '
        'type="button" onclick="window.print()">Imprimer ou enregistrer en PDF</button></p>',
        "",
        "Ce rapport rassemble les six axes de l'atelier. C'est le **corrigé** du rapport que "
        f"vous rédigez à la fin de la séance{NBSP}: un tableau et une figure par axe, et une "
        "interprétation qui s'appuie sur les chiffres. Ici, tout est produit par la construction "
        "du site à partir des enregistrements des notebooks exécutés : aucun nombre n'est "
        "recopié à la main.",
        "",
        f"Votre propre rapport part du [modèle à remplir](rapport-a-remplir.ipynb){{: download }}"
        f"{NBSP}: un notebook avec les six axes, un tableau vide par axe, une cellule qui lit vos "
        "mesures et des questions auxquelles répondre avec vos chiffres. Remplissez-le avant de "
        "lire ce corrigé.",
        "",
        '!!! info "Conditions de l\'exécution publiée"',
        "",
        f"    - Exécution {french.date_range(executed[0], executed[-1])}"
        + f" sur {html.escape(first['cpu'] or 'CPU')} (calculs sur {' et '.join(devices)}), "
        f"PyTorch {torch_version}.",
        f"    - Durée totale d'exécution des {len({a['tutorial'] for a in axes})} notebooks"
        f"{NBSP}: {decimal(wall / 60, 1)}{NBSP}min{NBSP}; pic de mémoire d'un notebook"
        f"{NBSP}: {thousands(peak)}{NBSP}Mio.",
        f"    - Données{NBSP}: Fashion-MNIST, {count(data.get('train', '?'))} images "
        f"d'entraînement, {count(data.get('val', '?'))} de validation, "
        f"{count(data.get('test', '?'))} de test, le même "
        f"découpage pour tous les essais{NBSP}; graine {first['seed']}, lots de "
        f"{first['batch_size']}.",
        "",
        "## Synthèse",
        "",
        "Pour chaque axe, l'essai à la meilleure exactitude de validation, le critère de choix"
        f"{NBSP}; son exactitude de test, mesurée une seule fois, et son temps par époque.",
        "",
        '<div class="rapport-synthese" markdown>',
        "",
        summary_table(axes),
        "",
        "</div>",
        "",
    ]
    for axis in axes:
        n = axis["axis"]
        uri = f"{FIGURES}/axe_{n}.svg"
        # Tracé par Matplotlib (plus d'une seconde par figure) : refait seulement quand les
        # mesures de l'axe ou ce module changent (tools/render_cache.py).
        inputs = [json.dumps(axis, sort_keys=True, ensure_ascii=False), Path(__file__).read_text()]
        figures[uri] = render_cache.cached("rapport", inputs, lambda axis=axis: figure_svg(axis))
        caption = figure_caption(axis)
        text = [f"**Interprétation.** {axis['conclusion']}"]
        if axis.get("cross_validation"):
            text.insert(0, cross_validation_text(axis["cross_validation"]))
        # Un axe entier (titre, tableau, figure, interprétation) dans sa section : à
        # l'impression, il ne se coupe pas quand il tient sur une page (atelier-experiences.css).
        parts += [
            '<section class="rapport-section" markdown>',
            "",
            f"## {n}. {axis['title']} {{#axe-{n}}}",
            "",
            f"Notebook{NBSP}: [{axis['tutorial_title']}](../tutoriels/{axis['tutorial']}.ipynb).",
            "",
            '<div class="rapport-tableau" markdown>',
            "",
            runs_table(axis["runs"]),
            "",
            "</div>",
            "",
            '<div class="rapport-axe" markdown>',
            '<figure class="rapport-figure" markdown>',
            f"![Figure de l'axe {n}{NBSP}: {caption.replace('`', '')}](figures/axe_{n}.svg)",
            f"<figcaption>Figure {n}. {caption_html(caption)}.</figcaption>",
            "</figure>",
            '<div class="rapport-texte" markdown>',
            "",
            "\n\n".join(text),
            "",
            "</div>",
            "</div>",
            "",
            "</section>",
            "",
        ]
    parts += [
        "## Votre analyse",
        "",
        "Reprenez chaque axe sur votre propre machine, notez vos chiffres dans le "
        "[modèle à remplir](rapport-a-remplir.ipynb){: download } et comparez-les à ceux-ci. "
        "Pour chaque axe, écrivez en trois phrases ce que vous retenez, en citant les mesures "
        "qui l'appuient et l'écart qui vous paraît significatif compte tenu du bruit de mesure.",
        "",
    ]
    return "\n".join(parts), figures


# --- Le rapport à remplir ---------------------------------------------------------------------


def blank_runs_table(axis: dict) -> str:
    """Le tableau d'un axe à remplir : les essais du notebook, les colonnes du corrigé, vides."""
    lines = [
        "| Essai (`runs/…`) | Exactitude (validation) | Exactitude (test) "
        "| Temps par époque | Époques |",
        "|:---|---:|---:|---:|---:|",
    ]
    lines += [f"| `{r['run_dir'].removeprefix('runs/')}` | | | | |" for r in axis["runs"]]
    return "\n".join(lines)


def blank_summary_table(axes: list[dict]) -> str:
    lines = [
        "| Axe | Essai retenu (validation) | Exactitude (validation) | Exactitude (test) "
        "| Temps par époque |",
        "|:---|:---|---:|---:|---:|",
    ]
    lines += [f"| {a['axis']}. {a['title']} | | | | |" for a in axes]
    return "\n".join(lines)


def template_notebook(axes: list[dict], source: Path = TEMPLATE_SOURCE) -> str:
    """Le notebook à remplir : le texte de ``source``, où chaque repère
    ``<!-- tableau: axe N -->`` devient le tableau vide de l'axe N et ``<!-- tableau: synthese -->``
    celui de la synthèse. Un axe sans repère, ou un repère sans axe, est une erreur."""
    import jupytext
    import nbformat

    try:
        nb = jupytext.read(source)
    except (OSError, ValueError) as exc:
        raise ReportError(f"modèle de rapport illisible ({source}) : {exc}") from None
    by_number = {a["axis"]: a for a in axes}
    seen: list[int] = []
    summaries = 0

    def table(match: re.Match) -> str:
        nonlocal summaries
        if match.group("summary"):
            summaries += 1
            return blank_summary_table(axes)
        number = int(match.group("axis"))
        if number not in by_number:
            raise ReportError(
                f"{source.name} : le repère « {match.group(0)} » ne correspond à aucun axe "
                f"exécuté (axes : {', '.join(str(n) for n in sorted(by_number))})"
            )
        seen.append(number)
        return blank_runs_table(by_number[number])

    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = TABLE_MARKER.sub(table, cell.source)
    missing = sorted(set(by_number) - set(seen))
    if missing or summaries != 1 or len(seen) != len(set(seen)):
        raise ReportError(
            f"{source.name} : il faut un repère « <!-- tableau: axe N --> » par axe "
            f"(manquants : {', '.join(map(str, missing)) or 'aucun'}, en double : "
            f"{', '.join(str(n) for n in sorted(set(seen)) if seen.count(n) > 1) or 'aucun'}) "
            "et un seul « <!-- tableau: synthese --> »"
        )
    nb.metadata.pop("jupytext", None)
    return nbformat.writes(nb) + "\n"
