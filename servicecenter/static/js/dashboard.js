/* Draws the dashboard's charts from the JSON block beside each canvas (the same rows as the
   table under it and its CSV file). No inline handlers: the page works under a strict
   Content-Security-Policy. */
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  var palette = ["#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#dc3545", "#20c997", "#6c757d",
                 "#ffc107", "#0dcaf0"];
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.animation = false;  // a dashboard is read, not watched

  function config(data) {
    var doughnut = data.kind === "doughnut";
    var datasets = data.series.map(function (series, index) {
      var colour = palette[index % palette.length];
      return {
        label: series.label,
        data: series.data,
        backgroundColor: doughnut ? palette : colour,
        borderColor: doughnut ? "#fff" : colour,
        borderWidth: data.kind === "line" ? 2 : 1,
        pointRadius: data.kind === "line" && series.data.length > 60 ? 0 : 2,
        spanGaps: true
      };
    });
    var options = { responsive: true, maintainAspectRatio: false,
                    plugins: { legend: { display: doughnut || datasets.length > 1,
                                         position: doughnut ? "right" : "top" } } };
    if (!doughnut) {
      var value = { beginAtZero: true, stacked: data.stacked };
      if (data.percent) { value.max = 100; value.ticks = { callback: function (v) { return v + " %"; } }; }
      // every category named on a bar chart; a long series of days thinned out
      var label = { stacked: data.stacked, ticks: { autoSkip: data.kind === "line", maxRotation: 0 } };
      if (data.horizontal) {
        // a long name beside a bar is cut short, not off at the canvas's edge (the table under
        // the chart and the bar's tooltip have it whole)
        label.ticks.callback = function (value) {
          var text = String(this.getLabelForValue(value));
          return text.length > 20 ? text.slice(0, 19) + "\u2026" : text;
        };
      }
      options.indexAxis = data.horizontal ? "y" : "x";
      options.scales = data.horizontal ? { x: value, y: label } : { x: label, y: value };
    }
    return { type: data.kind, data: { labels: data.labels, datasets: datasets }, options: options };
  }

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (source) { new Chart(canvas, config(JSON.parse(source.textContent))); }
  });
}());
