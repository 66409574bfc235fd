// Configuration de MathJax (copie locale, sortie SVG) : seules les formules écrites avec
// pymdownx.arithmatex (classe « arithmatex ») sont traitées.
window.MathJax = {
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
