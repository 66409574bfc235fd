# Atelier Deep Learning : points d'entrée de la construction.
# Chaque cible installe ce dont elle a besoin ; la CI (ici et sur GitHub) appelle ces mêmes cibles.

PYTHON_VERSION ?= 3.12
VENV ?= .venv
PY := $(VENV)/bin/python
BUILD := build
# Le verrou (make lock) : toutes les dépendances, transitives comprises, avec leurs empreintes.
LOCK := requirements/complet.txt
STAMP := $(VENV)/.installe-$(shell cat pyproject.toml $(LOCK) | sha256sum | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000

export ATELIER_DATA := $(CURDIR)/$(BUILD)/data
export KERAS_HOME := $(CURDIR)/$(BUILD)/data/keras
export MPLBACKEND := Agg
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONHASHSEED := 0
export NO_MKDOCS_2_WARNING := 1

.PHONY: help system venv lock data vendor notebooks snippets screenshots site serve test test-fast mesure-charge lint format audit publish-notebooks clean apercu archive-apercu mesure-rechargement lighthouse

help: ## Affiche cette aide
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

system: ## Paquets Debian : Fashion-MNIST, Chromium, hunspell (si absents)
	@bash tools/install_system.sh

$(STAMP): pyproject.toml $(LOCK)
	@bash tools/install_venv.sh "$(VENV)" "$(PYTHON_VERSION)" "$(LOCK)"
	@rm -f $(VENV)/.installe-*
	@touch $@

venv: $(STAMP) ## Environnement Python épinglé dans .venv (installé depuis le verrou)

# Bibliothèque standard seulement : uv (épinglé) est installé à part, dans build/outils-verrou.
lock: ## Régénère le verrou (requirements/complet.txt, requirements/apercu.txt) depuis pyproject.toml
	@$(or $(wildcard $(PY)),python3) -m tools.lock

data: system venv ## Copie locale vérifiée de Fashion-MNIST (build/data)
	@$(PY) -m tools.data

vendor: venv ## axe-core pour les tests (build/vendor, empreintes vérifiées)
	@$(PY) -m tools.vendor

notebooks: data ## Exécute les tutoriels (avec cache) vers build/notebooks
	@$(PY) -m tools.execute

# Les scripts de snippets/, lancés comme chez vous, avec des réglages courts sur CPU. Un runner
# GPU passe les siens, par exemple : make snippets SNIPPETS_ARGS="--device auto --epochs 10".
SNIPPETS := mlp_pytorch mlp_keras cnn_pytorch
SNIPPETS_ARGS := $(or $(strip $(SNIPPETS_ARGS)),--device cpu --limit 10000 --epochs 4)
SNIPPETS_OUT := $(BUILD)/snippets
# Le MLP entraîné par torchrun sur DDP_NPROC processus (mlp_ddp.py), puis sur un seul pour comparer.
# PyTorch prend par défaut un fil de calcul par cœur ; N processus feraient alors tourner N fois
# trop de fils, qui se disputeraient les cœurs. Chaque processus reçoit donc cœurs / N fils
# (OMP_NUM_THREADS) : 1 fil chacun sur une machine à 2 cœurs. Journaux hors de runs/, que les
# captures de TensorBoard parcourent.
DDP_NPROC := 2
DDP_THREADS := $(shell n=$$(nproc); t=$$((n / $(DDP_NPROC))); echo $$((t > 0 ? t : 1)))
DDP_RUNS := $(SNIPPETS_OUT)/ddp
SNIPPETS_STAMP := $(SNIPPETS_OUT)/.fait-$(shell printf '%s' '$(SNIPPETS_ARGS)' | sha256sum | cut -c1-12)

snippets: $(SNIPPETS_STAMP) ## Lance les scripts de snippets/ (mlp_ddp.py : torchrun, 2 processus)

# Relancés seulement si un script, l'environnement ou SNIPPETS_ARGS change. Chaque sortie est
# gardée (build/snippets/NOM.txt) : la page « Les scripts à lancer chez vous » l'affiche.
$(SNIPPETS_STAMP): $(wildcard snippets/*.py) $(STAMP) | data
	@rm -rf $(SNIPPETS_OUT) && mkdir -p $(SNIPPETS_OUT)
	@$(PY) snippets/verifier_materiel.py --size 1024 --repeats 3 > $(SNIPPETS_OUT)/verifier_materiel.txt \
		|| { cat $(SNIPPETS_OUT)/verifier_materiel.txt; exit 1; }
	@cat $(SNIPPETS_OUT)/verifier_materiel.txt
	@for s in $(SNIPPETS); do \
		args="$(SNIPPETS_ARGS) --logdir $(SNIPPETS_OUT)/runs/$$s"; \
		echo "$$ python snippets/$$s.py $$args" > $(SNIPPETS_OUT)/$$s.txt; \
		$(PY) snippets/$$s.py $$args >> $(SNIPPETS_OUT)/$$s.txt || { cat $(SNIPPETS_OUT)/$$s.txt; exit 1; }; \
		cat $(SNIPPETS_OUT)/$$s.txt; \
	done
	@{ echo "$$ python snippets/mlp_pytorch.py --epochs 0"; $(PY) snippets/mlp_pytorch.py --epochs 0 2>&1; \
		echo "(code de sortie : $$?)"; } > $(SNIPPETS_OUT)/erreur.txt
	@# Un entraînement qui diverge (taux d'apprentissage démesuré) : une ligne d'erreur, code 2.
	@div="--lr 1e30 --limit 1000 --epochs 2 --device cpu --logdir $(SNIPPETS_OUT)/divergence"; \
		{ echo "$$ python snippets/mlp_pytorch.py $$div"; $(PY) snippets/mlp_pytorch.py $$div 2>&1; \
		echo "(code de sortie : $$?)"; } > $(SNIPPETS_OUT)/divergence.txt
	@for n in $(DDP_NPROC) 1; do \
		out=$(SNIPPETS_OUT)/mlp_ddp$$([ $$n = 1 ] && echo _1).txt; \
		cmd="torchrun --standalone --nproc-per-node $$n snippets/mlp_ddp.py $(SNIPPETS_ARGS)"; \
		cmd="$$cmd --logdir $(DDP_RUNS)/$$n-processus"; \
		echo "$$ OMP_NUM_THREADS=$(DDP_THREADS) $$cmd" > $$out; \
		OMP_NUM_THREADS=$(DDP_THREADS) $(VENV)/bin/$$cmd >> $$out || { cat $$out; exit 1; }; \
		cat $$out; \
	done
	@$(PY) -m tools.ddp_comparison $(SNIPPETS_OUT)/runs/mlp_pytorch $(DDP_RUNS)/1-processus \
		$(DDP_RUNS)/$(DDP_NPROC)-processus > $(SNIPPETS_OUT)/mlp_ddp_comparaison.md
	@{ echo "$$ python snippets/mlp_ddp.py --nproc-per-node 64 --device cuda"; \
		$(PY) snippets/mlp_ddp.py --nproc-per-node 64 --device cuda 2>&1; \
		echo "(code de sortie : $$?)"; } > $(SNIPPETS_OUT)/erreur_ddp.txt
	@touch $@

# Refaites dès que les journaux des scripts ou l'outil changent (à chaque construction en CI).
SCREENSHOTS := $(BUILD)/screenshots/captures.json

screenshots: $(SCREENSHOTS) ## Captures vérifiées de TensorBoard dans build/screenshots

$(SCREENSHOTS): $(SNIPPETS_STAMP) tools/screenshots.py
	@$(PY) -m tools.screenshots

# Les tutoriels sont exécutés (ou repris du cache) par le crochet de MkDocs (on_pre_build), une
# seule fois par construction : « make notebooks » avant MkDocs ne ferait que les relire.
site: data vendor screenshots ## Construit le site complet (mkdocs build --strict) dans site/
	@$(PY) -m mkdocs build --strict

# tools/serve.py : mkdocs serve, qui ne reconstruit que la page dont seule la prose a changé.
serve: data vendor screenshots ## Construit et sert le site sur http://127.0.0.1:8000 (rechargement automatique)
	@$(PY) -m tools.serve -a $(HOST):$(PORT)

# Aperçu de la prose : les seuls paquets du site (requirements/apercu.txt, ni PyTorch ni
# TensorFlow) dans .venv-apercu, le cache publié de la construction (ATELIER_CACHE_ARCHIVE : un
# fichier ou un dossier local, sinon l'adresse publiée), et rien n'est exécuté (ATELIER_APERCU).
APERCU_VENV ?= .venv-apercu
APERCU_LOCK := requirements/apercu.txt
APERCU_STAMP := $(APERCU_VENV)/.installe-$(shell sha256sum $(APERCU_LOCK) | cut -c1-12)

$(APERCU_STAMP): $(APERCU_LOCK)
	@bash tools/install_venv.sh "$(APERCU_VENV)" "$(PYTHON_VERSION)" "$(APERCU_LOCK)" apercu
	@rm -f $(APERCU_VENV)/.installe-*
	@touch $@

apercu: $(APERCU_STAMP) ## Aperçu de la prose sans PyTorch ni TensorFlow : cache publié, rien d'exécuté
	@ATELIER_APERCU=1 $(APERCU_VENV)/bin/python -m tools.preview restore
	@ATELIER_APERCU=1 $(APERCU_VENV)/bin/python -m tools.serve -a $(HOST):$(PORT)

archive-apercu: venv ## Archive du cache de la dernière construction (site/apercu/cache-apercu.tar.gz, après make site)
	@$(PY) -m tools.preview pack

LINTED := $(wildcard tools snippets tutorials tests)

lint: venv ## ruff (vérification et formatage) sur tools, snippets, tutorials, tests
	@$(PY) -m ruff check $(LINTED)
	@$(PY) -m ruff format --check $(LINTED)
	@$(PY) -m tools.shared_code --lint

format: venv ## Formate le code avec ruff
	@$(PY) -m ruff format $(LINTED)
	@$(PY) -m ruff check --fix $(LINTED)

audit: venv ## Audit des workflows GitHub avec zizmor (hors ligne)
	@$(VENV)/bin/zizmor --offline .github/workflows

test: data vendor ## Lance toute la suite de tests (unitaires, exécution, site, navigateur)
	@$(PY) -m pytest

test-fast: venv ## Tests rapides seulement (sans construction du site ni navigateur)
	@$(PY) -m pytest -m "not slow"

mesure-charge: data ## Mesure chronométrée des seuils de durée (tutoriel 03) : charge voisine, ralentissement planté
	@$(PY) -m tools.measure_load

mesure-rechargement: data vendor screenshots ## Chronomètre, sous make serve, l'écriture d'une page jusqu'au rechargement du navigateur
	@$(PY) -m tools.measure_reload

# Lighthouse 12 épinglé (tools/lighthouse/package-lock.json, npm ci dans build/vendor/lighthouse)
# sur le Chromium de Debian : accueil, page de cours, tutoriel 03 et rapport, en mobile et en bureau,
# site servi avec gzip comme sur GitHub Pages. Rapports dans build/lighthouse ; budgets
# (accessibilité 100, performance mobile ≥ 90) manqués : échec. Quelques minutes : hors de make test.
lighthouse: site ## Lighthouse (mobile et bureau) sur quatre pages ; échoue sous les budgets
	@$(PY) -m tools.lighthouse

# Bibliothèque standard seulement : le job de publication n'installe pas le venv.
publish-notebooks: ## Pousse les notebooks exécutés sur la branche « notebooks » (Colab)
	@$(or $(wildcard $(PY)),python3) -m tools.publish_notebooks

clean: ## Supprime tout ce qui est généré (pas le venv)
	rm -rf $(BUILD) site runs .cache .pytest_cache
