"""Crochets MkDocs (mkdocs.yml, section hooks), un par sorte de page, chacun mince couche sur
l'étape de la construction qu'il présente : pages de tutoriel (tools/execute.py), pages de cours
(tools/docs_exec.py, tools/figures.py, tools/glossary.py), rapport de l'atelier
(tools/report.py) et captures de TensorBoard (tools/screenshots.py)."""
