// KTGS tree (orgs/_tree_items.html): «Xem thêm» replaces itself with the next rows of a wide
// node. The link the keyboard was on is gone with it; the focus moves to the first row it
// brought, so that Tab goes on from there rather than from the top of the page.
(function () {
  "use strict";

  var pending = null; // {list, index}: where the «Xem thêm» item stood

  document.addEventListener("htmx:beforeRequest", function (event) {
    var more = event.target.closest && event.target.closest("li.tree-more");
    if (!more) return;
    var list = more.parentElement;
    pending = { list: list, index: Array.prototype.indexOf.call(list.children, more) };
  });

  document.addEventListener("htmx:afterSettle", function () {
    if (!pending) return;
    var row = pending.list.children[pending.index];
    pending = null;
    var link = row && row.querySelector("a.tree-name");
    if (link) link.focus();
  });
})();
