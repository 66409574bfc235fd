// Formules (tools/maths.py) : leurs images se chargent à l'approche de l'écran
// (loading="lazy"), pour ne pas retarder l'ouverture de la page. Une fois la page chargée, le
// navigateur au repos demande les autres, quelques-unes à la fois (chaque image SVG est lue
// par le navigateur sur le fil principal : toutes d'un coup bloquaient un téléphone), pour
// qu'aucune ne manque à l'impression ; un « beforeprint » demande aussitôt celles qui restent.
(function () {
  "use strict";

  var SLICE = 4;

  function pending() {
    return document.querySelectorAll("img.formule[loading='lazy']");
  }

  function loadAll() {
    pending().forEach(function (image) {
      image.loading = "eager";
    });
  }

  var idle = window.requestIdleCallback || function (callback) {
    return window.setTimeout(callback, 200);
  };

  function loadSome() {
    var images = pending();
    for (var i = 0; i < Math.min(SLICE, images.length); i++) images[i].loading = "eager";
    if (images.length > SLICE) idle(loadSome, { timeout: 5000 });
  }

  window.addEventListener("beforeprint", loadAll);
  window.addEventListener("load", function () {
    idle(loadSome, { timeout: 5000 });
  });
})();
