// The import's progress page: while the worker runs, fetch the page again every two seconds and put the new
// status in place (no full reload, so focus and reading position stay). Without JavaScript the page has a link.
(function () {
  "use strict";
  var box = document.getElementById("import-job");
  if (!box || !box.hasAttribute("data-import-running")) {
    return;
  }
  function poll() {
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("import-job");
        if (!fresh) {
          return;
        }
        box.innerHTML = fresh.innerHTML;
        if (fresh.hasAttribute("data-import-running")) {
          window.setTimeout(poll, 2000);
        } else {
          box.removeAttribute("data-import-running");
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 2000);
})();
