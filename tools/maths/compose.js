// Compose les formules TeX en SVG à la construction du site (tools/maths.py), une fois pour
// toute la construction : un processus lit une formule par ligne sur l'entrée standard
// ({"tex": "…", "display": true|false}, en JSON) et écrit une réponse par ligne
// ({"html": "…"} ou {"error": "…"}). Chaque formule devient un <mjx-container> : le SVG
// (aria-hidden, couleur currentColor, donc lisible en mode sombre) et le MathML que lisent
// les lecteurs d'écran (mjx-assistive-mml). Aucun script de MathJax n'est publié.
"use strict";

const readline = require("readline");
const { mathjax } = require("mathjax-full/js/mathjax.js");
const { TeX } = require("mathjax-full/js/input/tex.js");
const { SVG } = require("mathjax-full/js/output/svg.js");
const { liteAdaptor } = require("mathjax-full/js/adaptors/liteAdaptor.js");
const { RegisterHTMLHandler } = require("mathjax-full/js/handlers/html.js");
const { AssistiveMmlHandler } = require("mathjax-full/js/a11y/assistive-mml.js");
const { AllPackages } = require("mathjax-full/js/input/tex/AllPackages.js");

const adaptor = liteAdaptor();
AssistiveMmlHandler(RegisterHTMLHandler(adaptor));

const tex = new TeX({
  packages: AllPackages.filter((name) => name !== "bussproofs"),
  processEscapes: true,
  processEnvironments: true,
  // Une erreur TeX fait échouer la construction au lieu d'afficher la formule en rouge.
  formatError: (jax, error) => {
    throw error;
  },
});
// Chemins des glyphes partagés dans chaque formule (fontCache local) : aucune police à charger.
const svg = new SVG({ fontCache: "local" });
const doc = mathjax.document("", { InputJax: tex, OutputJax: svg });

function compose(request) {
  const node = doc.convert(request.tex, {
    display: Boolean(request.display),
    em: 16,
    ex: 8,
    containerWidth: 80 * 16,
  });
  return adaptor.outerHTML(node);
}

if (process.argv.includes("--css")) {
  // La feuille de style de la sortie SVG (placement du MathML réservé aux lecteurs d'écran).
  process.stdout.write(adaptor.textContent(svg.styleSheet(doc)) + "\n");
  process.exit(0);
}

const lines = readline.createInterface({ input: process.stdin, terminal: false });
lines.on("line", (line) => {
  let answer;
  try {
    answer = { html: compose(JSON.parse(line)) };
  } catch (error) {
    answer = { error: String((error && error.message) || error) };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
});
