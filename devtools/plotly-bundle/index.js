// The traces Effektspor draws, and nothing else: scatter (part of the core), bar and scatterpolar.
// Chart specifications: common/charts.py, common/aggregate_charts.py, dashboards/comparison_charts.py,
// improvement/charts.py; drawn by static/js/charts.js (which registers its own Danish locale).
'use strict';

var Plotly = require('plotly.js/lib/core');

Plotly.register([require('plotly.js/lib/bar'), require('plotly.js/lib/scatterpolar')]);

module.exports = Plotly;
