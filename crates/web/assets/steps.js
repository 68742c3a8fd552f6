// On a phone the report form is a few short steps (topic; description and
// photos; place) instead of one long page. The page is whole without this
// script, and on wider screens; the server still checks everything.
(function () {
  "use strict";
  var form = document.querySelector("form.report[data-steps]");
  if (!form || !window.matchMedia) return;
  var narrow = window.matchMedia("(max-width: 40rem)");
  var names = form.dataset.steps.split("|");
  var total = names.length;
  var parts = Array.prototype.slice.call(document.querySelectorAll("[data-step]"));
  var status = document.getElementById("step-status");
  var current = 1;

  // Start where the server found the first error, if it found any.
  for (var i = 0; i < parts.length; i++) {
    if (parts[i].querySelector(".error, [aria-invalid=true]") || parts[i].classList.contains("invalid")) {
      current = Number(parts[i].dataset.step);
      break;
    }
  }

  function button(text, step, primary) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = text;
    if (!primary) b.className = "secondary";
    b.addEventListener("click", function () { show(step, true); });
    return b;
  }

  // Each step but the last ends with «Далее», each but the first with «Назад».
  var navs = [];
  for (var n = 1; n <= total; n++) {
    var last = null;
    parts.forEach(function (p) {
      if (Number(p.dataset.step) === n && form.contains(p)) last = p;
    });
    if (!last) continue;
    var nav = document.createElement("div");
    nav.className = "step-nav";
    nav.dataset.stepNav = String(n);
    if (n < total) nav.appendChild(button(form.dataset.next + ": " + names[n].toLowerCase(), n + 1, true));
    if (n > 1) nav.appendChild(button(form.dataset.back, n - 1, false));
    if (n === total) {
      last.insertBefore(nav, last.firstChild);
    } else {
      last.parentNode.insertBefore(nav, last.nextSibling);
    }
    navs.push(nav);
  }

  function show(step, moveFocus) {
    current = step;
    var stepped = narrow.matches;
    parts.forEach(function (p) {
      p.hidden = stepped && Number(p.dataset.step) !== step;
    });
    navs.forEach(function (nav) {
      nav.hidden = !stepped || Number(nav.dataset.stepNav) !== step;
    });
    status.hidden = !stepped;
    status.textContent = stepped
      ? form.dataset.stepOf.replace("{n}", String(step)).replace("{total}", String(total)) + ": " + names[step - 1]
      : "";
    if (stepped && moveFocus) {
      var first = parts.filter(function (p) { return !p.hidden; })[0];
      var field = first && first.querySelector("input:not([type=hidden]), select, textarea");
      if (field) field.focus();
      window.scrollTo(0, 0);
    }
  }

  narrow.addEventListener("change", function () { show(current, false); });
  show(current, false);
})();
