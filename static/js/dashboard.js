// Draws the page's Plotly figures from the JSON the server embedded (no inline script).
(function () {
  "use strict";
  var config = { responsive: true, displaylogo: false };

  function draw(figures, redraw) {
    Object.keys(figures).forEach(function (id) {
      var element = document.querySelector('[data-figure="' + id + '"]');
      if (!element) return;
      var figure = figures[id];
      (redraw ? Plotly.react : Plotly.newPlot)(element, figure.data, figure.layout, config);
    });
  }

  window.dashboardDraw = draw;
  var embedded = document.getElementById("figures");
  if (embedded) draw(JSON.parse(embedded.textContent), false);
})();
