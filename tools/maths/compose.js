// Compose les formules TeX à la construction du site (tools/maths.py), une fois pour toute la
// construction : un processus lit une formule par ligne sur l'entrée standard
// ({"tex": "…", "display": true|false}, en JSON) et écrit une réponse par ligne : le dessin
// de MathJax (un SVG autonome) et sa lecture en français par speech-rule-engine (règles
// ClearSpeak), qui sert de texte alternatif : {"svg": "…", "speech": "…"} ou {"error": "…"}.
// Aucun script de MathJax n'est publié.
"use strict";

const readline = require("readline");
const sre = require("speech-rule-engine");
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
  // <mjx-container> : le <svg>, puis <mjx-assistive-mml> et son <math>.
  const svg = adaptor.outerHTML(adaptor.firstChild(node));
  const mathml = adaptor.innerHTML(adaptor.lastChild(node));
  return { svg, speech: sre.toSpeech(mathml) };
}

async function main() {
  await sre.setupEngine({ locale: "fr", domain: "clearspeak", modality: "speech" });
  await sre.engineReady();
  const lines = readline.createInterface({ input: process.stdin, terminal: false });
  lines.on("line", (line) => {
    let answer;
    try {
      answer = compose(JSON.parse(line));
    } catch (error) {
      answer = { error: String((error && error.message) || error) };
    }
    process.stdout.write(JSON.stringify(answer) + "\n");
  });
}

main();
