// Shows every <time datetime="…" data-local> in the reader's own time zone and language:
// staff pages are rendered in the server's zone, the reader may sit in another.
(function () {
  "use strict";
  var language = document.documentElement.lang || undefined;
  var format = new Intl.DateTimeFormat(language, { dateStyle: "medium", timeStyle: "short" });
  document.querySelectorAll("time[data-local]").forEach(function (element) {
    var moment = new Date(element.getAttribute("datetime"));
    if (!isNaN(moment)) {
      element.textContent = format.format(moment);
      element.title = Intl.DateTimeFormat().resolvedOptions().timeZone;
    }
  });
})();
