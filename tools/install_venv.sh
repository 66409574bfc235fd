#!/usr/bin/env bash
# Crée l'environnement virtuel avec Python 3.12 et y installe le verrou (requirements/complet.txt :
# chaque paquet, transitif compris, à sa version et vérifié par ses empreintes), puis le projet
# lui-même sans dépendances.
set -euo pipefail
venv=${1:-.venv}
version=${2:-3.12}
lock=${3:-requirements/complet.txt}
# « apercu » : les seuls paquets du site (make apercu), sans PyTorch ni TensorFlow.
group=${4:-complet}

trouver_python() {
  for cmd in "python$version" python3; do
    if command -v "$cmd" >/dev/null 2>&1 && "$cmd" -c "import sys; sys.exit(sys.version_info[:2] != tuple(map(int, '$version'.split('.'))))" 2>/dev/null; then
      echo "$cmd"; return 0
    fi
  done
  # pyenv : cherche une version $version.x installée
  if command -v pyenv >/dev/null 2>&1; then
    v=$(pyenv versions --bare 2>/dev/null | grep -E "^${version//./\\.}\.[0-9]+$" | sort -V | tail -1)
    if [ -n "$v" ]; then echo "$(pyenv root)/versions/$v/bin/python$version"; return 0; fi
  fi
  return 1
}

if ! py=$(trouver_python); then
  echo "Python $version est introuvable. Installez-le (par exemple « pyenv install $version » ou le paquet python$version) puis relancez." >&2
  exit 2
fi
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import sys; sys.exit(sys.version_info[:2] != tuple(map(int, '$version'.split('.'))))"; then
  rm -rf "$venv"
  "$py" -m venv "$venv"
fi
if [ ! -f "$lock" ]; then
  echo "Le verrou $lock est introuvable : lancez « make lock »." >&2
  exit 2
fi
echo "Installation du verrou $lock dans $venv (la première fois : plusieurs minutes)…"
if ! { "$venv/bin/python" -m pip install --quiet --require-hashes -r "$lock" \
  && "$venv/bin/python" -m pip install --quiet --no-deps -e .; } >"$venv/pip.log" 2>&1; then
  grep -v "^WARNING: Location" "$venv/pip.log" | tail -40 >&2
  echo "L'installation des dépendances a échoué (journal complet : $venv/pip.log)." >&2
  exit 1
fi
modules="torch, tensorflow, mkdocs, mkdocs_jupyter, playwright"
[ "$group" = apercu ] && modules="mkdocs, mkdocs_jupyter, material, jupytext, yaml"
"$venv/bin/python" -c "import $modules" \
  || { echo "L'installation des dépendances a échoué (voir ci-dessus)." >&2; exit 1; }
