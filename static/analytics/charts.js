// Draws the download dashboards' charts from the JSON the page carries (json_script);
// no inline script, so the page keeps to the site's Content-Security-Policy.
(function () {
  "use strict";
  var palette = ["#417690", "#79aec8", "#f5a623", "#5b9c64", "#c0504d", "#8064a2", "#4bacc6", "#9bbb59", "#aaaaaa"];

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof Chart === "undefined") {
      return;
    }
    var spec = JSON.parse(source.textContent);
    var round = spec.kind === "doughnut";
    var horizontal = spec.kind === "bar";
    var labels = spec.labels.map(function (label) {
      return horizontal && label.length > 24 ? label.slice(0, 23) + "…" : label;
    });
    new Chart(canvas, {
      type: spec.kind,
      data: {
        labels: labels,
        datasets: [{
          label: spec.title,
          data: spec.values,
          backgroundColor: round ? palette : "#79aec8",
          borderColor: round ? "#ffffff" : "#417690",
          borderWidth: round ? 1 : 2,
          pointRadius: 0,
          fill: spec.kind === "line",
          tension: 0.2
        }]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        indexAxis: horizontal ? "y" : "x",
        animation: false,
        plugins: { legend: { display: round, position: "bottom", labels: { boxWidth: 12 } } },
        scales: round ? {} : horizontal
          ? { x: { beginAtZero: true, ticks: { precision: 0 } } }
          : { y: { beginAtZero: true, ticks: { precision: 0 } }, x: { ticks: { maxTicksLimit: 10, maxRotation: 0 } } }
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  });
})();
