// Keeps an open dashboard current: every 2 s while the tab is visible, ask whether a newer
// analysis is ready (ETag: its watermark / 304; the check also asks the server to compute
// one when responses arrived); when it is, fetch the page's data and redraw.
(function () {
  "use strict";
  var status = document.getElementById("live-status");
  if (!status) return;
  var INTERVAL_MS = 2000;
  var etag = '"' + status.dataset.watermark + '"';
  var busy = false;

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // The "updated at" clock in the reader's own time zone: the server renders it in its own,
  // so it is rewritten from the instant in its "datetime" at once and after every swap.
  function localClock() {
    var clock = document.getElementById("updated-at");
    var moment = clock && new Date(clock.getAttribute("datetime"));
    if (!moment || isNaN(moment)) return;
    clock.textContent =
      pad(moment.getHours()) + ":" + pad(moment.getMinutes()) + ":" + pad(moment.getSeconds());
  }

  // One request gives the page's figures and its live blocks (tables, counts, sentences)
  // rendered as a reload would show them; only the blocks that changed are swapped in.
  function refresh() {
    return fetch(status.dataset.dataUrl, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        window.dashboardDraw(data.figures, true);
        swapFragments(data.fragments || {});
        localClock();
        status.dataset.count = data.n;
      });
  }

  function swapFragments(fragments) {
    document.querySelectorAll("[data-live]").forEach(function (block) {
      var fresh = fragments[block.dataset.live];
      if (fresh !== undefined && block.innerHTML !== fresh) block.innerHTML = fresh;
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

  localClock();
  setInterval(check, INTERVAL_MS);
  document.addEventListener("visibilitychange", check);
})();
