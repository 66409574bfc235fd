/* Recherche en français : enveloppe du moteur de recherche de Material for MkDocs.
 *
 * Le crochet tools/hooks/search_fr.py fait charger ce fichier à la place du moteur de Material,
 * dont il reçoit l'adresse (paramètre « moteur ») ; il est placé dans le même dossier, pour que
 * le moteur y trouve les fichiers de langue (../lunr/).
 *
 * - Accents : chaque mot indexé est replié sans ses accents (« entraînement » devient
 *   « entrainement ») ; la requête aussi, avant que le moteur ne la lise. Les positions des mots
 *   ne changent pas : le surlignage des résultats porte toujours sur le texte accentué.
 * - Apostrophes : le séparateur de mkdocs.yml coupe « d'apprentissage » en « d » et
 *   « apprentissage » ; dans la requête, l'article élidé (d', l', qu'…) est retiré, sans quoi
 *   « d » chercherait tous les mots commençant par d.
 */
(function () {
  "use strict";

  // Types des messages du moteur (SearchMessageType de Material) : 2 = requête.
  var QUERY = 2;
  // Articles et pronoms élidés devant une apostrophe droite ou typographique.
  var ELISION = /(^|[^\p{L}])(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu|quoiqu)['’](?=\p{L})/giu;

  function fold(text) {
    return text
      .normalize("NFD")
      .replace(/\p{M}+/gu, "")
      .replace(/œ/g, "oe")
      .replace(/Œ/g, "OE")
      .replace(/æ/g, "ae")
      .replace(/Æ/g, "AE");
  }

  // Écouteur inscrit avant celui du moteur : la requête lui arrive déjà repliée.
  self.addEventListener("message", function (event) {
    var message = event.data;
    if (message && message.type === QUERY && typeof message.data === "string")
      message.data = fold(message.data.replace(ELISION, "$1"));
  });

  var engine = new URL(self.location.href).searchParams.get("moteur");
  if (!engine || !/^search\.[0-9a-f]+\.min\.js$/.test(engine))
    throw new Error("recherche-fr.js : adresse du moteur de recherche absente ou inattendue");
  importScripts(engine);

  // Dernière étape de l'indexation : le mot replié, après le filtre des mots vides.
  function foldToken(token) {
    return token.update(fold);
  }
  lunr.Pipeline.registerFunction(foldToken, "replieAccents");

  // Material règle les étapes (langue, retrait des étapes non voulues) avant de déclarer la
  // référence des documents : c'est là que l'étape de repli s'ajoute, avant tout document.
  var ref = lunr.Builder.prototype.ref;
  lunr.Builder.prototype.ref = function () {
    this.pipeline.add(foldToken);
    this.searchPipeline.add(foldToken);
    return ref.apply(this, arguments);
  };
})();
