// Formules (tools/maths.py) : leurs images se chargent à l'approche de l'écran
// (loading="lazy"), pour ne pas retarder l'ouverture de la page. Une fois la page chargée, le
// navigateur au repos demande les autres, pour qu'aucune ne manque à l'impression ; un
// « beforeprint » les demande aussi, au cas où l'on imprime aussitôt.
(function () {
  "use strict";

  function loadAll() {
    document.querySelectorAll("img.formule[loading='lazy']").forEach(function (image) {
      image.loading = "eager";
    });
  }

  var idle = window.requestIdleCallback || function (callback) {
    return window.setTimeout(callback, 200);
  };
  window.addEventListener("beforeprint", loadAll);
  window.addEventListener("load", function () {
    idle(loadAll, { timeout: 5000 });
  });
})();
