/* Draw every chart on the page from its JSON spec (embedded with Django's json_script).
   No inline script anywhere: this file is the only code that touches the charts, so a strict
   Content-Security-Policy (script-src 'self') holds. Each chart's numbers are also in a table. */
(function () {
  "use strict";
  var locale = document.documentElement.lang === "en" ? "en" : "da";
  if (window.Plotly && locale === "da") {
    window.Plotly.register({
      moduleType: "locale",
      name: "da",
      dictionary: {"Download plot as a png": "Hent som billede (PNG)", "Reset axes": "Nulstil akser",
                   "Autoscale": "Tilpas automatisk", "Zoom in": "Zoom ind", "Zoom out": "Zoom ud"},
      format: {days: ["søndag", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag"],
               shortDays: ["søn", "man", "tir", "ons", "tor", "fre", "lør"],
               months: ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september",
                        "oktober", "november", "december"],
               shortMonths: ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
               date: "%d.%m.%Y", decimal: ",", thousands: "."}
    });
  }
  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-chart"));
    if (!source || !window.Plotly) { return; }
    var spec = JSON.parse(source.textContent);
    window.Plotly.newPlot(el, spec.data, spec.layout, {
      responsive: true, displaylogo: false, locale: locale,
      modeBarButtonsToRemove: ["select2d", "lasso2d", "toggleSpikelines"]
    }).then(function () {
      el.setAttribute("data-drawn", "true");
    });
  }
  function init() {
    var charts = document.querySelectorAll("[data-chart]");
    for (var i = 0; i < charts.length; i++) { draw(charts[i]); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
