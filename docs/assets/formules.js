// Formules (tools/maths.py) : leurs images ne sont chargées qu'à l'approche de l'écran
// (loading="lazy"). Avant une impression, toutes sont demandées, pour qu'aucune ne manque.
(function () {
  "use strict";
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("img.formule[loading='lazy']").forEach(function (image) {
      image.loading = "eager";
    });
  });
})();
