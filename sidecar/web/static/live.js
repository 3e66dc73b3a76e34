/* Live updates without a full reload. The page is complete as the server rendered it; this only
   keeps the regions marked data-live fresh:
   - With a login, listen on the WebSocket /api/stream (new and regressed groups, status changes,
     diagnoses, rollout transitions): each message (a burst coalesced) re-fetches this page and
     swaps its data-live regions. Nothing is polled while the stream is up.
   - Without one (the stream needs the token's cookie), or while the stream is down, poll /ui/live
     (a version number that moves when the sidecar's bus carried something) every 2 s, and try the
     stream again with a growing delay.
   <html data-live-via> says which one is in use (stream | poll); tests and people can read it. */
(function () {
  "use strict";
  var POLL_MS = 2000;
  var COALESCE_MS = 250;
  var RETRY_MIN_MS = 5000;
  var RETRY_MAX_MS = 60000;
  var dot = null;
  var version = null;
  var busy = false;
  var again = false;
  var socket = null;
  var pollTimer = null;
  var retryMs = RETRY_MIN_MS;
  var pending = null;
  var received = 0;

  function mark(state) {
    if (!dot) { dot = document.getElementById("live-dot"); }
    if (dot) { dot.className = "live-dot " + state; }
  }

  function via(how) {
    document.documentElement.setAttribute("data-live-via", how);
    var d = document.getElementById("live-dot");
    if (d) {
      d.title = how === "stream" ? "live updates (WebSocket /api/stream)"
        : "live updates (polling; log in for the stream)";
    }
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
    if (busy) { again = true; return Promise.resolve(); }
    busy = true;
    return fetch(window.location.href, { headers: { "X-Live": "1" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html) { swap(html); } })
      .catch(function () { mark("off"); })
      .finally(function () {
        busy = false;
        if (again) { again = false; refresh(); }
      });
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

  function startPolling() {
    via("poll");
    if (pollTimer === null) {
      poll();
      pollTimer = window.setInterval(poll, POLL_MS);
    }
  }

  function stopPolling() {
    if (pollTimer !== null) {
      window.clearInterval(pollTimer);
      pollTimer = null;
    }
  }

  function onMessage(event) {
    var message;
    try { message = JSON.parse(event.data); } catch (e) { return; }
    if (!message || message.kind === "hello") { return; }
    received += 1;
    document.documentElement.setAttribute("data-live-events", String(received));
    version = (version || 0) + 1;
    if (pending === null) {  // a burst of events is one re-fetch
      pending = window.setTimeout(function () { pending = null; refresh(); }, COALESCE_MS);
    }
  }

  function connect() {
    if (!("WebSocket" in window)) { startPolling(); return; }
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var ws;
    try {
      ws = new WebSocket(scheme + window.location.host + "/api/stream");
    } catch (e) {
      startPolling();
      return;
    }
    var opened = false;
    ws.onopen = function () {
      opened = true;
      socket = ws;
      retryMs = RETRY_MIN_MS;
      stopPolling();
      via("stream");
      mark("on");
      // Anything that happened between the render and the stream opening: look once.
      refresh();
    };
    ws.onmessage = onMessage;
    ws.onclose = function () {
      socket = null;
      startPolling();
      // Refused (no login) or dropped: the poll keeps the page fresh; try the stream again later.
      window.setTimeout(connect, opened ? RETRY_MIN_MS : retryMs);
      retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
    };
  }

  document.addEventListener("DOMContentLoaded", function () {
    // The stream needs the login cookie; without a login go straight to polling and never open
    // a socket that would be refused (and logged as an error by the browser) every minute.
    if (document.querySelector("form[action='/logout']")) {
      connect();
    } else {
      startPolling();
    }
  });

  window.addEventListener("pagehide", function () {
    if (socket !== null) { socket.onclose = null; socket.close(1000); }
  });
})();
