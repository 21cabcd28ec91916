// What the pages do with an answer that is not a success, and with no answer at all.
// - A boosted link or form (hx-boost on <body>: a whole page) shows the page the server sent.
//   Its error pages name the problem (a form's 422, a 403, a 404, workflows unavailable 503);
//   htmx's default would show nothing and leave the old page as if nothing had happened.
// - A partial request (filters, tabs, Load more, a note) keeps the page and shows the server's
//   message (its role="alert" text, else the status) in the page's alert region, #htmx-alert
//   (a live region, always in the page and empty, so screen readers announce what lands in it).
// - No answer (network down, server stopped) says so in the same place.
// Plain DOM, no framework; loaded from /static like htmx (the Content-Security-Policy allows no
// inline script).
(function () {
  "use strict";
  function say(text) {
    var region = document.getElementById("htmx-alert");
    if (!region) {
      return;
    }
    region.textContent = text;
  }
  function messageOf(xhr) {
    var fallback = "That did not work (HTTP " + xhr.status + "). Reload the page and try again.";
    try {
      var page = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
      var alert = page.querySelector("[role=alert]");
      var text = alert ? alert.textContent.replace(/\s+/g, " ").trim() : "";
      return text || fallback;
    } catch (error) {
      return fallback;
    }
  }
  document.addEventListener("htmx:beforeRequest", function () {
    var region = document.getElementById("htmx-alert");
    if (region) {
      region.textContent = "";
    }
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    if (detail.xhr.status < 400) {
      return;
    }
    if (detail.boosted) {
      detail.shouldSwap = true;
      detail.isError = false;
      return;
    }
    say(messageOf(detail.xhr));
  });
  function unanswered() {
    say("The server did not answer. Check the connection, then try again.");
  }
  document.addEventListener("htmx:sendError", unanswered);
  document.addEventListener("htmx:timeout", unanswered);
})();
