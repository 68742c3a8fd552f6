// Keyboard shortcuts for staff lists, on top of pages that work without them:
// j / k move between the rows' links, / jumps to the filters. Keys typed
// into fields are left alone.
document.addEventListener("keydown", function (event) {
  var target = event.target;
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
  if (event.key === "/") {
    var filter = document.querySelector("form.filters select, form.filters input");
    if (filter) {
      event.preventDefault();
      filter.focus();
    }
    return;
  }
  if (event.key !== "j" && event.key !== "k") return;
  var links = Array.prototype.slice.call(document.querySelectorAll("table.data tbody tr td a"));
  if (links.length === 0) return;
  var at = links.indexOf(document.activeElement);
  var next = event.key === "j" ? Math.min(at + 1, links.length - 1) : Math.max(at - 1, 0);
  event.preventDefault();
  links[next].focus();
});
