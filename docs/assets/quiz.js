// Questions d'autoévaluation (tools/quiz.py) : sans ce script, chaque question reste lisible,
// ses explications repliées sous chaque choix ; avec lui, le lecteur répond puis vérifie.
// Rien n'est envoyé ni gardé : tout se passe dans la page.
(function () {
  "use strict";

  function setUp(quiz) {
    var inputs = quiz.querySelectorAll("input");
    var details = quiz.querySelectorAll(".quiz-explication");
    var actions = quiz.querySelector(".quiz-actions");
    var feedback = quiz.querySelector(".quiz-retour");
    inputs.forEach(function (input) {
      input.disabled = false;
    });
    // Les explications attendent la réponse du lecteur.
    details.forEach(function (detail) {
      detail.hidden = true;
    });
    actions.hidden = false;
    actions.querySelector("button").addEventListener("click", function () {
      var chosen = quiz.querySelectorAll("input:checked");
      if (chosen.length === 0) {
        feedback.textContent = "Choisissez d'abord une réponse.";
        return;
      }
      var right = true;
      quiz.querySelectorAll(".quiz-choix").forEach(function (choice) {
        var correct = choice.getAttribute("data-juste") === "true";
        var picked = choice.querySelector("input").checked;
        if (correct !== picked) {
          right = false;
        }
        choice.classList.toggle("quiz-choix-juste", correct);
        choice.classList.toggle("quiz-choix-faux", picked && !correct);
        var detail = choice.querySelector(".quiz-explication");
        detail.hidden = false;
        detail.open = picked || correct;
      });
      quiz.classList.toggle("quiz-reussie", right);
      feedback.textContent = right
        ? "Bonne réponse. Les explications sont dépliées sous les choix."
        : "Pas tout à fait. Les bonnes réponses sont marquées : lisez les explications sous les choix.";
    });
  }

  function start() {
    document.querySelectorAll(".quiz").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
