/* Keyboard navigation on the errors list, as error trackers do: j / k move the selection, Enter
   (or o) opens the selected group, r resolves it, m mutes it (until unmuted), ? shows the keys.
   A static file because the Content-Security-Policy forbids inline script. Actions POST the same
   forms the group page does (CSRF token from the table's data-csrf; absent when not logged in,
   then r / m do nothing) and come back to this list. The selection is kept by fingerprint, so a
   live update that swaps the table keeps it. */
(function () {
  "use strict";
  var selected = null;  // fingerprint

  function rows() { return Array.prototype.slice.call(document.querySelectorAll("tr.group-row[data-fingerprint]")); }

  function current(list) {
    for (var i = 0; i < list.length; i++) {
      if (list[i].getAttribute("data-fingerprint") === selected) { return i; }
    }
    return -1;
  }

  function select(list, i) {
    if (!list.length) { return; }
    i = Math.max(0, Math.min(list.length - 1, i));
    for (var j = 0; j < list.length; j++) {
      list[j].classList.toggle("selected", j === i);
      list[j].setAttribute("aria-selected", j === i ? "true" : "false");
    }
    selected = list[i].getAttribute("data-fingerprint");
    list[i].scrollIntoView({ block: "nearest" });
  }

  function act(action) {
    var table = document.querySelector("table.groups[data-csrf]");
    var csrf = table ? table.getAttribute("data-csrf") : "";
    if (!csrf || !selected) { return; }
    var form = document.createElement("form");
    form.method = "post";
    form.action = "/errors/" + encodeURIComponent(selected) + "/" + action;
    var query = new URLSearchParams(window.location.search);
    query.delete("done");  // the last action's message is not this one's
    var qs = query.toString();
    var fields = { csrf: csrf, next: window.location.pathname + (qs ? "?" + qs : "") };
    if (action === "mute") { fields["for"] = "forever"; }
    Object.keys(fields).forEach(function (name) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = fields[name];
      form.appendChild(input);
    });
    document.body.appendChild(form);
    form.submit();
  }

  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
    var t = ev.target;
    if (t && (t.isContentEditable || /^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(t.tagName))) { return; }
    var list = rows();
    if (!list.length) { return; }
    var i = current(list);
    var key = ev.key;
    if (key === "j") { select(list, i + 1); }
    else if (key === "k") { select(list, i < 0 ? 0 : i - 1); }
    else if ((key === "Enter" || key === "o") && i >= 0) {
      var link = list[i].querySelector("a.group-link");
      if (link) { window.location.href = link.href; }
    }
    else if (key === "r" && i >= 0) { act("resolve"); }
    else if (key === "m" && i >= 0) { act("mute"); }
    else if (key === "?") {
      var help = document.getElementById("keys-help");
      if (help) { help.hidden = !help.hidden; }
    }
    else { return; }
    ev.preventDefault();
  });
}());
