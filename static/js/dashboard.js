// Draws the page's Plotly figures from the JSON the server embedded (no inline script).
// A figure is drawn when it comes near the screen, and Plotly itself (1.5 MB) is loaded only
// then: a page whose charts are below the fold shows its numbers without waiting for it.
(function () {
  "use strict";
  var scripts = document.getElementById("plotly-scripts");
  var waiting = new Map(); // element → the newest figure it has not drawn yet
  var drawn = new WeakSet();
  var plotly = null; // a promise, once loading has started
  var observer = "IntersectionObserver" in window
    ? new IntersectionObserver(onSight, { rootMargin: "300px" })
    : null;

  function script(src) {
    return new Promise(function (resolve, reject) {
      var element = document.createElement("script");
      element.src = src;
      element.onload = resolve;
      element.onerror = reject;
      document.head.appendChild(element);
    });
  }

  // The bundle, then the page language's toolbar, dates and decimals (static/vendor/
  // plotly-locale-ru.js, static/js/plotly-locale-kk.js register theirs; English is built in).
  function loadPlotly() {
    if (!plotly) {
      plotly = script(scripts.dataset.plotly).then(function () {
        return scripts.dataset.locale ? script(scripts.dataset.locale) : null;
      });
    }
    return plotly;
  }

  function show(element, figure) {
    loadPlotly().then(function () {
      var config = { responsive: true, displaylogo: false, locale: document.documentElement.lang };
      (drawn.has(element) ? Plotly.react : Plotly.newPlot)(element, figure.data, figure.layout, config);
      drawn.add(element);
    });
  }

  function onSight(entries) {
    entries.forEach(function (entry) {
      if (!entry.isIntersecting || !waiting.has(entry.target)) return;
      observer.unobserve(entry.target);
      show(entry.target, waiting.get(entry.target));
      waiting.delete(entry.target);
    });
  }

  function draw(figures) {
    Object.keys(figures).forEach(function (id) {
      var element = document.querySelector('[data-figure="' + id + '"]');
      if (!element) return;
      if (drawn.has(element) || !observer) {
        show(element, figures[id]);
      } else {
        waiting.set(element, figures[id]);
        observer.observe(element);
      }
    });
  }

  window.dashboardDraw = draw;
  var embedded = document.getElementById("figures");
  if (embedded && scripts) draw(JSON.parse(embedded.textContent));
})();
