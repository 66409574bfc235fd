#!/usr/bin/env bash
# Installe les paquets Debian/Ubuntu dont la construction a besoin, seulement s'ils manquent :
#   dataset-fashion-mnist  copie locale du jeu de données (aucun téléchargement pendant la construction)
#   chromium               navigateur réel des tests (piloté par Playwright, jamais « playwright install »)
#   hunspell, hunspell-fr  correcteur orthographique français (tests/test_spelling.py)
#   hunspell-en-us         anglais admis en italique et dans le texte des liens externes
#   npm                    (s'il manque) installe une fois MathJax, qui compose les formules à la construction
set -euo pipefail

paquets=(dataset-fashion-mnist chromium hunspell hunspell-fr hunspell-en-us)
manquants=()
for p in "${paquets[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    manquants+=("$p")
  fi
done
command -v npm >/dev/null 2>&1 || manquants+=(npm)
# Sur Ubuntu (GitHub Actions), le paquet chromium n'est qu'une transition vers snap : les tests
# utilisent alors le Chrome préinstallé de l'image.
if grep -qi '^ID=ubuntu' /etc/os-release 2>/dev/null; then
  filtres=()
  for p in "${manquants[@]}"; do [ "$p" = chromium ] || filtres+=("$p"); done
  manquants=("${filtres[@]}")
fi
[ ${#manquants[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "Paquets système manquants : ${manquants[*]}." >&2
  echo "Installez-les avec le gestionnaire de paquets de votre système (Debian ou Ubuntu attendu)." >&2
  exit 2
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "Paquets système manquants : ${manquants[*]} ; relancez en root ou installez sudo." >&2
    exit 2
  fi
fi
echo "Installation des paquets système : ${manquants[*]}"
$sudo apt-get update -qq
installer() {
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
if ! installer "${manquants[@]}"; then
  # Un paquet absent de la distribution ne bloque pas les autres : Fashion-MNIST sera alors
  # téléchargé (en ligne) et les tests chercheront un autre Chromium ou Chrome.
  for p in "${manquants[@]}"; do
    installer "$p" || echo "Attention : le paquet $p n'a pas pu être installé." >&2
  done
fi
