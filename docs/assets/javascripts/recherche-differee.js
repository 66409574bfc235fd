/* Index de recherche chargé à la première intention de recherche, pas à chaque page.
 *
 * Material demande search/search_index.json (350 ko compressés) dès l'ouverture de chaque page,
 * par XMLHttpRequest. tools/hooks/search_fr.py place ce script dans <head>, avant le script de
 * Material : l'envoi de cette requête attend que le lecteur se dirige vers la recherche (clic ou
 * focus sur le champ ou sa loupe, raccourcis clavier f, s et /, adresse qui porte une requête).
 */
(function () {
  "use strict";
  var open = XMLHttpRequest.prototype.open;
  var send = XMLHttpRequest.prototype.send;
  var INDEX = /\/search\/search_index\.json(?:[?#]|$)/;
  var wanted = /[?&]q=/.test(location.search);
  var waiting = [];

  function want() {
    if (wanted) return;
    wanted = true;
    waiting.splice(0).forEach(function (start) { start(); });
  }

  XMLHttpRequest.prototype.open = function (method, url) {
    this.atelierSearchIndex = INDEX.test(String(url));
    return open.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function () {
    var request = this;
    var args = arguments;
    if (request.atelierSearchIndex && !wanted) {
      waiting.push(function () { send.apply(request, args); });
      return;
    }
    return send.apply(request, args);
  };

  function inSearch(target) {
    return target && target.closest && target.closest(".md-search, label[for='__search']");
  }
  document.addEventListener("pointerdown", function (event) {
    if (inSearch(event.target)) want();
  }, true);
  document.addEventListener("focusin", function (event) {
    if (inSearch(event.target)) want();
  }, true);
  document.addEventListener("change", function (event) {
    if (event.target && event.target.id === "__search") want();
  }, true);
  document.addEventListener("keydown", function (event) {
    if (event.key === "/" || event.key === "s" || event.key === "f" ||
        event.key === "S" || event.key === "F") want();
  }, true);
})();
