// Accessibilité au clavier des tutoriels : un bloc de notebook (sortie ou code) qui défile
// horizontalement doit pouvoir recevoir le focus, pour défiler avec les flèches, et porter un
// nom. nbconvert rendait focalisables toutes les cellules et toutes les sorties ;
// tools/accessibility.py retire ces arrêts inutiles, et ce script ne les rend qu'aux blocs qui
// débordent vraiment, à la largeur de l'écran du lecteur (recalculé quand elle change).
(function () {
  "use strict";
  var CANDIDATES = ".jupyter-wrapper .jp-OutputArea-output, .jupyter-wrapper .jp-OutputArea-output pre, .jupyter-wrapper .highlight-ipynb";

  function scrolls(element) {
    var overflow = window.getComputedStyle(element).overflowX;
    return (overflow === "auto" || overflow === "scroll") && element.scrollWidth > element.clientWidth + 1;
  }

  function update() {
    document.querySelectorAll(CANDIDATES).forEach(function (element) {
      var marked = element.hasAttribute("data-atelier-defilement");
      if (scrolls(element)) {
        if (marked) return;
        var code = element.classList.contains("highlight-ipynb");
        element.setAttribute("tabindex", "0");
        element.setAttribute("role", "region");
        element.setAttribute("aria-label", code
          ? "Code de la cellule, défilement horizontal"
          : "Sortie de la cellule, défilement horizontal");
        element.setAttribute("data-atelier-defilement", "");
      } else if (marked) {
        ["tabindex", "role", "aria-label", "data-atelier-defilement"].forEach(function (name) {
          element.removeAttribute(name);
        });
      }
    });
  }

  var pending = null;
  function schedule() {
    window.clearTimeout(pending);
    pending = window.setTimeout(update, 150);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", update);
  } else {
    update();
  }
  window.addEventListener("resize", schedule);
})();
