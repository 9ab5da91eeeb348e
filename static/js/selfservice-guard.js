/* Staff pages from which the tablet can be handed over: never shown again from the back/forward cache.
 * After the hand-over the session is logged out; pressing Back must ask the server (which sends the locked
 * tablet back to its questionnaire or to the login page), not show the citizen page as it was. */
(function () {
  "use strict";
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      document.documentElement.hidden = true;
      window.location.reload();
    }
  });
})();
