/* Live updates without a full reload: poll /ui/live (a version number that moves when the
   sidecar's event bus carried something); when it moves, fetch this page again and swap the
   regions marked data-live. The page works without this script; it only keeps it fresh. */
(function () {
  "use strict";
  var POLL_MS = 2000;
  var dot = null;
  var version = null;
  var busy = false;

  function mark(state) {
    if (!dot) { dot = document.getElementById("live-dot"); }
    if (dot) { dot.className = "live-dot " + state; }
  }

  function swap(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var regions = document.querySelectorAll("[data-live][id]");
    for (var i = 0; i < regions.length; i++) {
      var fresh = doc.getElementById(regions[i].id);
      // Keep a region the user is interacting with (an open <details>, focus inside).
      if (fresh && !regions[i].contains(document.activeElement)) {
        regions[i].replaceWith(document.importNode(fresh, true));
      }
    }
    document.documentElement.setAttribute("data-live-version", String(version));
  }

  function refresh() {
    busy = true;
    return fetch(window.location.href, { headers: { "X-Live": "1" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html) { swap(html); } })
      .finally(function () { busy = false; });
  }

  function poll() {
    if (document.hidden || busy) { return; }
    fetch("/ui/live", { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (body) {
        mark("on");
        if (version !== null && body.v !== version) {
          version = body.v;
          return refresh();
        }
        version = body.v;
      })
      .catch(function () { mark("off"); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    poll();
    window.setInterval(poll, POLL_MS);
  });
})();
