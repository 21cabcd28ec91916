// Keyboard first: j / k move through the worklist's rows, Enter opens the focused one (it is a
// link), / goes to the claim-number search. Plain DOM, no framework; htmx swaps rows in and out,
// so the rows are looked up on every key press.
(function () {
  "use strict";
  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("#task-rows a.claim-link"));
  }
  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName));
  }
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) {
      return;
    }
    if (event.key === "/") {
      var search = document.getElementById("f-q");
      if (search) {
        event.preventDefault();
        search.focus();
      }
      return;
    }
    if (event.key !== "j" && event.key !== "k") {
      return;
    }
    var links = rows();
    if (!links.length) {
      return;
    }
    var at = links.indexOf(document.activeElement);
    var next = event.key === "j" ? Math.min(at + 1, links.length - 1) : Math.max(at - 1, 0);
    if (at === -1) {
      next = 0;
    }
    event.preventDefault();
    links[next].focus();
    var row = links[next].closest("tr");
    if (row) {
      row.scrollIntoView({ block: "nearest" });
    }
  });
})();
