// Configuration de MathJax (copie locale, sortie SVG) : seules les formules écrites avec
// pymdownx.arithmatex (classe « arithmatex ») sont traitées.
// Composition paresseuse (composant ui/lazy, à côté de tex-svg.js) : une formule n'est
// composée qu'à l'approche de l'écran ; une longue page ne bloque plus le téléphone au chargement.
window.MathJax = {
  loader: {
    load: ["ui/lazy"],
  },
  tex: {
    inlineMath: [["\\(", "\\)"]],
    displayMath: [["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true,
  },
  options: {
    ignoreHtmlClass: ".*|",
    processHtmlClass: "arithmatex",
  },
};
