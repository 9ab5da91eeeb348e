/* The citizen's pages (locked tablet mode and personal link). No inline script: loaded as a static file.
 *
 * 1. A page restored from the browser's back/forward cache is fetched again, so the server decides what it shows
 *    (in the locked mode: the questionnaire, never a staff page).
 * 2. With data-layout="one", the questionnaire shows one question at a time with "Previous"/"Next" buttons. Without
 *    JavaScript every question is shown and the form works the same.
 */
(function () {
  "use strict";

  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      document.documentElement.hidden = true;
      window.location.reload();
    }
  });

  var form = document.querySelector("form.questionnaire[data-layout='one']");
  if (!form) { return; }
  var items = Array.prototype.slice.call(form.querySelectorAll("fieldset.item"));
  if (items.length < 2) { return; }
  var nav = form.querySelector(".question-nav");
  var submit = form.querySelector("button[type=submit]");
  var progress = form.querySelector(".progress");
  var labels = form.dataset;

  function button(text, cls) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = cls;
    b.textContent = text;
    return b;
  }
  var previous = button(labels.labelPrevious, "button-big button-secondary");
  var next = button(labels.labelNext, "button-primary button-big");
  var missing = document.createElement("p");
  missing.className = "error-text";
  missing.setAttribute("role", "alert");
  missing.hidden = true;
  nav.appendChild(missing);
  nav.appendChild(previous);
  nav.appendChild(next);

  var current = 0;
  var firstError = labels.firstError ? items.findIndex(function (fs) { return fs.id === labels.firstError; }) : -1;
  if (firstError >= 0) { current = firstError; }

  function answered(fs) {
    return fs.querySelector("input:checked") !== null;
  }

  function show(index, moveFocus) {
    current = index;
    items.forEach(function (fs, i) { fs.hidden = i !== index; });
    previous.hidden = index === 0;
    next.hidden = index === items.length - 1;
    submit.hidden = index !== items.length - 1;
    missing.hidden = true;
    progress.hidden = false;
    progress.textContent = labels.labelProgress.replace("%(n)s", index + 1).replace("%(total)s", items.length);
    if (moveFocus) {
      var legend = items[index].querySelector("legend");
      legend.setAttribute("tabindex", "-1");
      legend.focus();
    }
  }

  next.addEventListener("click", function () {
    if (!answered(items[current])) {
      missing.textContent = labels.labelMissing;
      missing.hidden = false;
      var first = items[current].querySelector("input");
      if (first) { first.focus(); }
      return;
    }
    show(current + 1, true);
  });
  previous.addEventListener("click", function () { show(current - 1, true); });
  // Choosing an answer moves on by itself on a touch screen; the buttons stay for keyboard and screen readers.
  items.forEach(function (fs, i) {
    fs.addEventListener("change", function () {
      missing.hidden = true;
    });
  });
  show(current, false);
})();
