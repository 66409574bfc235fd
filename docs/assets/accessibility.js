// Blocs à défilement horizontal : un tableau, un bloc de code, une formule ou une sortie de
// notebook plus larges que la page (sur un téléphone surtout) défilent dans leur propre cadre.
// Ce cadre doit pouvoir recevoir le focus, pour défiler avec les flèches, et porter un nom
// (WCAG 2.1, critères 2.1.1 et 4.1.2 ; règle « scrollable-region-focusable » d'axe-core).
// nbconvert rendait focalisables toutes les cellules et toutes les sorties ; tools/accessibility.py
// retire ces arrêts inutiles, et ce script ne les rend qu'aux blocs qui débordent vraiment, à la
// largeur de l'écran du lecteur (recalculé quand elle change). Ce qu'il ajoute est noté dans
// data-atelier-defilement, et retiré si le bloc ne déborde plus.
(function () {
  "use strict";
  var MARK = "data-atelier-defilement";
  var DONE = "data-atelier-defilement-pret";

  // La largeur d'abord (lue dans la mise en page déjà calculée) ; le style calculé, plus cher,
  // seulement pour les rares éléments plus larges que leur boîte (Lighthouse : la moitié du
  // temps de ce script sur un téléphone partait en getComputedStyle sur chaque élément).
  function scrolls(element) {
    if (element.scrollWidth <= element.clientWidth + 1) return false;
    var overflow = window.getComputedStyle(element).overflowX;
    return overflow === "auto" || overflow === "scroll";
  }

  function name(element) {
    if (element.matches(".arithmatex, .arithmatex *")) return "Formule, défilement horizontal";
    if (element.matches("table, .md-typeset__scrollwrap, .md-typeset__table")) {
      return "Tableau, défilement horizontal";
    }
    if (element.matches(".jp-OutputArea-output, .jp-OutputArea-output *")) {
      return "Sortie de la cellule, défilement horizontal";
    }
    if (element.matches("pre, code, .highlight, .highlight-ipynb, .highlight *, .highlight-ipynb *")) {
      return "Code, défilement horizontal";
    }
    return "Contenu, défilement horizontal";
  }

  function mark(element) {
    var added = [];
    if (element.getAttribute("tabindex") !== "0") {
      element.setAttribute("tabindex", "0");
      added.push("tabindex");
    }
    if (!element.hasAttribute("aria-label") && !element.hasAttribute("aria-labelledby")) {
      element.setAttribute("aria-label", name(element));
      added.push("aria-label");
    }
    // Un tableau garde son rôle de tableau ; les autres blocs deviennent une région nommée.
    if (!element.hasAttribute("role") && element.tagName !== "TABLE") {
      element.setAttribute("role", "region");
      added.push("role");
    }
    element.setAttribute(MARK, added.join(" "));
  }

  function unmark(element) {
    (element.getAttribute(MARK) || "").split(" ").forEach(function (attribute) {
      if (attribute) element.removeAttribute(attribute);
    });
    element.removeAttribute(MARK);
  }

  // Un élément en ligne ne défile jamais (overflow ne s'applique pas à une boîte en ligne) : les
  // milliers de span de la coloration du code et des termes du glossaire ne sont pas mesurés.
  var INLINE = ["span", "a", "abbr", "em", "strong", "b", "i", "sub", "sup", "br", "img", "kbd",
    "mark", "small", "label", "input", "svg", "path", "g", "use"];
  var CANDIDATES = ".md-content *" + INLINE.map(function (tag) {
    return ":not(" + tag + ")";
  }).join("");

  // Toutes les mesures d'abord, toutes les écritures ensuite : un attribut posé entre deux
  // mesures obligerait le navigateur à recalculer les styles de la page à la mesure suivante.
  // Les mesures se font par tranches de quelques millisecondes, quand le navigateur est au
  // repos : sur un téléphone, mesurer toute la page d'un coup forçait la mise en page de tous
  // les blocs, y compris ceux hors de l'écran que le navigateur ne calcule pas encore
  // (content-visibility, voir atelier.css), et bloquait la page un tiers de seconde. Une passe
  // finie écrit sur <html> la largeur qu'elle a mesurée (data-atelier-defilement-pret) ; les
  // tests du site l'attendent avant de parcourir la page au clavier ou de l'auditer.
  var SLICE_MS = 8;
  var idle = window.requestIdleCallback || function (callback) {
    return window.setTimeout(function () {
      callback({ timeRemaining: function () { return SLICE_MS; } });
    }, 1);
  };
  var pass = 0;

  function update() {
    var current = ++pass;
    var queue = Array.prototype.slice.call(document.querySelectorAll(CANDIDATES));
    var toMark = [];
    var toUnmark = [];
    var width = String(window.innerWidth);
    document.documentElement.removeAttribute(DONE);
    function step(deadline) {
      if (current !== pass) return;  // une passe plus récente a pris la suite
      var stop = performance.now() + Math.min(SLICE_MS, Math.max(deadline.timeRemaining(), 2));
      do {
        var element = queue.pop();
        if (!element) break;
        var marked = element.hasAttribute(MARK);
        if (scrolls(element)) {
          if (!marked) toMark.push(element);
        } else if (marked) {
          toUnmark.push(element);
        }
      } while (performance.now() < stop);
      if (queue.length) {
        idle(step, { timeout: 1000 });
        return;
      }
      toMark.forEach(mark);
      toUnmark.forEach(unmark);
      document.documentElement.setAttribute(DONE, width);
    }
    idle(step, { timeout: 1000 });
  }

  var pending = null;
  function schedule() {
    window.clearTimeout(pending);
    pending = window.setTimeout(update, 150);
  }
  // Une passe une fois la page chargée (figures comprises), une autre après chaque changement
  // de largeur de la fenêtre.
  if (document.readyState === "complete") {
    update();
  } else {
    window.addEventListener("load", update);
  }
  window.addEventListener("resize", schedule);
})();
