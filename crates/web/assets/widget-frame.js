// Inside the widget's frame: tells the embedding page (assets/widget.js)
// that the form has loaded, and passes on Escape, which that page cannot
// hear while the focus is in here. The messages carry nothing else, so any
// page may receive them.
(function () {
  "use strict";
  if (window.parent === window) return;
  function tell(action) {
    window.parent.postMessage({ type: "vmeste-widget", action: action }, "*");
  }
  tell("ready");
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") tell("close");
  });
})();
