// Progression dans le parcours (tools/hooks/learning_path.py), gardée par le navigateur seul :
// stockage local (localStorage), aucune requête, aucun compte. Fonctionne aussi depuis une copie
// du site ouverte en local (file://). Sans JavaScript, rien de ce qui suit ne s'affiche.
(function () {
  "use strict";

  var STORAGE_KEY = "atelier-parcours";

  function readState() {
    try {
      var state = JSON.parse(window.localStorage.getItem(STORAGE_KEY) || "{}");
      if (state && typeof state === "object" && state.done && typeof state.done === "object") {
        return state;
      }
    } catch (error) {
      // stockage indisponible ou contenu illisible : on repart d'une progression vide
    }
    return { done: {} };
  }

  function writeState(state) {
    try {
      window.localStorage.setItem(STORAGE_KEY, JSON.stringify(state));
      return true;
    } catch (error) {
      return false;
    }
  }

  // Racine du site : Material la donne, relative à la page, dans sa configuration (« base »).
  function siteRoot() {
    var base = ".";
    var config = document.getElementById("__config");
    try {
      base = JSON.parse(config.textContent).base || ".";
    } catch (error) {
      // pas de configuration : la page est à la racine
    }
    return new URL(base.replace(/\/?$/, "/"), window.location.href);
  }

  var ROOT = siteRoot();

  // Adresse d'une page → clé de l'étape : son chemin depuis la racine du site (« mlp/ »).
  function stepKey(href) {
    var url = new URL(href, window.location.href);
    if (url.protocol !== ROOT.protocol || url.host !== ROOT.host) {
      return null;
    }
    var path = url.pathname.replace(/index\.html$/, "");
    if (path.indexOf(ROOT.pathname) !== 0) {
      return null;
    }
    return decodeURI(path.slice(ROOT.pathname.length));
  }

  function stepOrder() {
    var data = document.getElementById("parcours-etapes");
    try {
      return JSON.parse(data.textContent);
    } catch (error) {
      return [];
    }
  }

  var ORDER = stepOrder();

  function nextStep(state) {
    for (var i = 0; i < ORDER.length; i += 1) {
      if (!state.done[ORDER[i].url]) {
        return ORDER[i];
      }
    }
    return null;
  }

  function mark(element, className, text, on) {
    element.classList.toggle(className, on);
    var label = element.querySelector(":scope > ." + className + "-texte");
    if (on && !label) {
      label = document.createElement("span");
      label.className = className + "-texte";
      label.textContent = text;
      element.appendChild(label);
    } else if (!on && label) {
      label.remove();
    }
  }

  function render() {
    var state = readState();
    var next = nextStep(state);
    // Le menu : étapes terminées et prochaine étape.
    document.querySelectorAll(".md-nav--primary a.md-nav__link[href]").forEach(function (link) {
      var key = stepKey(link.getAttribute("href"));
      mark(link, "parcours-nav-fait", " (terminée)", Boolean(key !== null && state.done[key]));
      mark(link, "parcours-nav-suivante", " (prochaine étape)", Boolean(next && key === next.url));
    });
    // La page « Parcours » : chaque ligne du tableau, et le bilan.
    document.querySelectorAll(".md-typeset table tbody tr").forEach(function (row) {
      var link = row.querySelector("td:nth-child(2) a[href]");
      if (!link) {
        return;
      }
      var key = stepKey(link.getAttribute("href"));
      var cell = link.parentElement;
      mark(cell, "parcours-fait", " — terminée", Boolean(state.done[key]));
      mark(cell, "parcours-suivante", " — prochaine étape", Boolean(next && key === next.url));
    });
    var summary = document.querySelector(".parcours-bilan");
    if (summary) {
      var count = ORDER.filter(function (step) {
        return state.done[step.url];
      }).length;
      summary.textContent =
        count === 0
          ? "Aucune étape terminée pour l'instant."
          : count + " étape" + (count > 1 ? "s" : "") + " terminée" + (count > 1 ? "s" : "") +
            " sur " + ORDER.length + "." +
            (next ? " Prochaine étape\u00a0: " + next.title + "." : " Parcours achevé.");
    }
    // La case « terminée » en bas d'une étape.
    document.querySelectorAll(".parcours-suite[data-etape]").forEach(function (aside) {
      var box = aside.querySelector("input.parcours-case");
      if (box) {
        box.checked = Boolean(state.done[aside.getAttribute("data-etape")]);
      }
    });
  }

  function start() {
    document.querySelectorAll(".parcours-suite[data-etape]").forEach(function (aside) {
      var control = aside.querySelector(".parcours-marque");
      var box = aside.querySelector("input.parcours-case");
      var status = aside.querySelector(".parcours-annonce");
      if (!control || !box) {
        return;
      }
      control.hidden = false;
      box.addEventListener("change", function () {
        var state = readState();
        var key = aside.getAttribute("data-etape");
        if (box.checked) {
          state.done[key] = new Date().toISOString().slice(0, 10);
        } else {
          delete state.done[key];
        }
        var saved = writeState(state);
        if (status) {
          status.textContent = !saved
            ? "Votre navigateur refuse le stockage local : la progression n'est pas gardée."
            : box.checked
              ? "Étape marquée comme terminée."
              : "Étape marquée comme non terminée.";
        }
        render();
      });
    });
    var progress = document.querySelector(".parcours-progression");
    if (progress) {
      progress.hidden = false;
      var clear = progress.querySelector(".parcours-effacer");
      clear.addEventListener("click", function () {
        try {
          window.localStorage.removeItem(STORAGE_KEY);
        } catch (error) {
          // rien à effacer
        }
        render();
        var status = progress.querySelector(".parcours-annonce");
        status.textContent = "Progression effacée.";
      });
    }
    render();
    // Une progression modifiée dans un autre onglet.
    window.addEventListener("storage", function (event) {
      if (event.key === STORAGE_KEY || event.key === null) {
        render();
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
