// Keeps an open dashboard current: every 2 s while the tab is visible, ask whether the
// survey's watermark changed (ETag / 304); when it did, fetch the page's data and redraw.
(function () {
  "use strict";
  var status = document.getElementById("live-status");
  if (!status) return;
  var INTERVAL_MS = 2000;
  var etag = '"' + status.dataset.watermark + '"';
  var busy = false;

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function showUpdated(count) {
    var now = new Date();
    document.getElementById("updated-at").textContent =
      pad(now.getHours()) + ":" + pad(now.getMinutes()) + ":" + pad(now.getSeconds());
    document.getElementById("response-count").textContent = count;
    status.dataset.count = count;
  }

  function refresh() {
    return fetch(status.dataset.dataUrl, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        window.dashboardDraw(data.figures, true);
        showUpdated(data.n);
        return refreshTables();
      });
  }

  // The numbers beside the charts (tables, counts, sentences): take the page as the server
  // renders it now and swap in each [data-live] block that changed.
  function refreshTables() {
    return fetch(window.location.href, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelectorAll("[data-live]");
        var shown = document.querySelectorAll("[data-live]");
        if (fresh.length !== shown.length) return;
        shown.forEach(function (block, k) {
          if (block.innerHTML !== fresh[k].innerHTML) block.innerHTML = fresh[k].innerHTML;
        });
      });
  }

  function check() {
    if (busy || document.visibilityState !== "visible") return;
    busy = true;
    fetch(status.dataset.changesUrl, {
      credentials: "same-origin",
      headers: { "If-None-Match": etag },
      cache: "no-store",
    })
      .then(function (response) {
        if (response.status !== 200) return null;
        etag = response.headers.get("ETag") || etag;
        return refresh();
      })
      .catch(function () { /* offline for a moment: try again on the next tick */ })
      .then(function () { busy = false; });
  }

  setInterval(check, INTERVAL_MS);
  document.addEventListener("visibilitychange", check);
})();
