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
  // Room for a category axis's labels, measured before drawing. With automargin, plotly draws the chart, measures
  // the labels, widens the margin and draws the whole chart again; a margin already wide enough saves that second
  // drawing (half the time of a bar chart). Text drawn on a canvas measures without laying out the page, and to
  // within a pixel of plotly's SVG labels. automargin stays on: a label wider than measured still gets its room.
  var canvas = null;
  var LABEL_GAP = 16;  // plotly's push is the widest label plus about 13 px (tick label standoff and padding)
  var MIN_PLOT_WIDTH = 64;  // plotly's layout.minreducedwidth: automargin leaves the plot at least this wide
  // Returns a function that puts the spec's own margin back once the chart is drawn, so that a later redrawing (a
  // resized window) sizes the margin as plotly always did; nothing is changed where the labels would leave the
  // plot less than plotly's minimum width (a phone): there automargin decides, as before.
  function labelRoom(el, spec) {
    var layout = spec.layout || {}, axis = layout.yaxis;
    if (!axis || !axis.automargin || axis.side === "right") { return null; }
    var labels = [];
    for (var i = 0; i < spec.data.length; i++) {
      var y = spec.data[i].y || [];
      if (spec.data[i].yaxis && spec.data[i].yaxis !== "y") { continue; }
      for (var j = 0; j < y.length; j++) { if (typeof y[j] === "string") { labels.push(y[j]); } }
    }
    if (!labels.length) { return null; }
    var font = axis.tickfont || {}, base = layout.font || {};
    canvas = canvas || document.createElement("canvas").getContext("2d");
    canvas.font = (font.size || base.size || 12) + "px " + (font.family || base.family || "sans-serif");
    var widest = 0;
    for (var k = 0; k < labels.length; k++) { widest = Math.max(widest, canvas.measureText(labels[k]).width); }
    var margin = layout.margin = layout.margin || {}, own = margin.l;
    var room = Math.ceil(widest) + LABEL_GAP, right = margin.r === undefined ? 80 : margin.r;
    if (room <= (own === undefined ? 80 : own) || room + right + MIN_PLOT_WIDTH > el.clientWidth) { return null; }
    margin.l = room;
    return function () {
      if (!el.layout || !el.layout.margin) { return; }
      if (own === undefined) { delete el.layout.margin.l; } else { el.layout.margin.l = own; }
    };
  }
  var started = [];  // the charts whose drawing has begun
  function draw(el) {
    if (started.indexOf(el) !== -1) { return; }
    started.push(el);
    var source = document.getElementById(el.getAttribute("data-chart"));
    if (!source || !window.Plotly) { return; }
    var spec = JSON.parse(source.textContent);
    var restore = labelRoom(el, spec);
    window.Plotly.newPlot(el, spec.data, spec.layout, {
      responsive: true, displaylogo: false, locale: locale,
      modeBarButtonsToRemove: ["select2d", "lasso2d", "toggleSpikelines"]
    }).then(function () {
      if (restore) { restore(); }
      el.setAttribute("data-drawn", "true");
    });
  }
  // The charts on the first screen are drawn at once; the others as they come near it (each takes tens of
  // milliseconds, and a long page has a dozen: drawing them all delayed the first screen by a third of a second).
  // Printing draws them all first; a page for print (data-charts-eager) draws them all at once.
  var NEAR = 400;  // px beyond the window's edge at which a chart is drawn
  function nearScreen(el) {
    var r = el.getBoundingClientRect();
    return r.bottom >= -NEAR && r.top <= (window.innerHeight || 0) + NEAR;
  }
  function init() {
    var charts = document.querySelectorAll("[data-chart]");
    var eager = !!document.querySelector("[data-charts-eager]") || !("IntersectionObserver" in window);
    var later = [];
    for (var i = 0; i < charts.length; i++) {
      if (eager || nearScreen(charts[i])) { draw(charts[i]); } else { later.push(charts[i]); }
    }
    if (!later.length) { return; }
    var observer = new IntersectionObserver(function (entries) {
      for (var j = 0; j < entries.length; j++) {
        if (entries[j].isIntersecting) { observer.unobserve(entries[j].target); draw(entries[j].target); }
      }
    }, {rootMargin: NEAR + "px 0px"});
    for (var k = 0; k < later.length; k++) { observer.observe(later[k]); }
    window.addEventListener("beforeprint", function () {
      for (var m = 0; m < later.length; m++) { observer.unobserve(later[m]); draw(later[m]); }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
