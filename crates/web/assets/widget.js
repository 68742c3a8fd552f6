// The «Сообщить о проблеме» button for organisations' own sites (see
// docs/widget.md). The snippet is a plain link to the platform's form, which
// is all a visitor without JavaScript gets; this script turns it into a
// button that opens the form in an overlay (an `aria-modal` dialog with the
// platform's page in a frame), or in a new tab on small screens, when the
// snippet asks for a page, or when the site may not frame the form.
//
// Settings come from the `data-` attributes of this script's own tag:
// data-org, data-topic, data-lang (ru|en), data-background and data-color
// (#rrggbb), data-text, data-mode (iframe|page).
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src) return;
  var origin = new URL(script.src, window.location.href).origin;
  var data = script.dataset;
  var lang = data.lang === "en" ? "en" : "ru";
  var texts = {
    ru: {
      button: "Сообщить о проблеме",
      close: "Закрыть",
      newTab: "Открыть в новой вкладке",
      blocked: "Форма не открылась здесь. Откройте её в новой вкладке."
    },
    en: {
      button: "Report a problem",
      close: "Close",
      newTab: "Open in a new tab",
      blocked: "The form did not open here. Open it in a new tab."
    }
  }[lang];
  var colour = /^#[0-9a-fA-F]{6}$/;
  var number = /^[0-9]+$/;
  var params = [];
  if (number.test(data.org || "")) params.push("org=" + data.org);
  if (number.test(data.topic || "")) params.push("topic=" + data.topic);
  params.push("lang=" + lang);
  var url = origin + "/widget?" + params.join("&");
  var label = (data.text || "").trim() || texts.button;
  var asPage = data.mode === "page";
  // How long the frame may take to say it has loaded before the overlay
  // offers the new tab instead (the site may not be allowed to frame it).
  var READY_WITHIN_MS = 8000;

  var button = document.createElement("button");
  button.type = "button";
  button.textContent = label;
  button.setAttribute("aria-haspopup", "dialog");
  button.className = "vmeste-widget-button";
  var style = button.style;
  style.background = colour.test(data.background || "") ? data.background : "#0b5cad";
  style.color = colour.test(data.color || "") ? data.color : "#ffffff";
  style.border = "0";
  style.borderRadius = "0.4rem";
  style.padding = "0.6rem 1.1rem";
  style.font = "inherit";
  style.fontWeight = "600";
  style.cursor = "pointer";

  // The snippet's link, right before this script, makes way for the button.
  var link = script.previousElementSibling;
  if (link && link.hasAttribute("data-vmeste-widget")) {
    link.parentNode.replaceChild(button, link);
  } else {
    script.parentNode.insertBefore(button, script.nextSibling);
  }

  var overlay = null;
  var frame = null;
  var ready = false;
  var hiddenFromReaders = [];

  function small() {
    return window.matchMedia && window.matchMedia("(max-width: 600px)").matches;
  }

  function openInTab() {
    window.open(url, "_blank", "noopener");
  }

  function el(tag, css) {
    var node = document.createElement(tag);
    for (var key in css) node.style[key] = css[key];
    return node;
  }

  function open() {
    ready = false;
    overlay = el("div", {
      position: "fixed", top: "0", right: "0", bottom: "0", left: "0", zIndex: "2147483000",
      background: "rgba(0, 0, 0, 0.55)", display: "flex", alignItems: "center", justifyContent: "center"
    });
    var dialog = el("div", {
      background: "#ffffff", color: "#1a1a1a", width: "min(44rem, 96vw)", height: "min(52rem, 94vh)",
      display: "flex", flexDirection: "column", borderRadius: "0.5rem", overflow: "hidden",
      boxShadow: "0 0.5rem 2rem rgba(0, 0, 0, 0.35)"
    });
    dialog.setAttribute("role", "dialog");
    dialog.setAttribute("aria-modal", "true");
    dialog.setAttribute("aria-label", label);
    var bar = el("div", {
      display: "flex", justifyContent: "space-between", alignItems: "center", gap: "1rem",
      padding: "0.5rem 0.75rem", borderBottom: "1px solid #d0d4da", font: "inherit"
    });
    var tab = el("a", { color: "#0b4f94" });
    tab.href = url;
    tab.target = "_blank";
    tab.rel = "noopener";
    tab.textContent = texts.newTab;
    tab.addEventListener("click", function () { close(); });
    var shut = el("button", {
      font: "inherit", padding: "0.35rem 0.8rem", border: "1px solid #5a6270", borderRadius: "0.4rem",
      background: "#ffffff", color: "#1a1a1a", cursor: "pointer"
    });
    shut.type = "button";
    shut.textContent = texts.close;
    shut.addEventListener("click", close);
    var notice = el("p", { margin: "0", padding: "0.5rem 0.75rem", background: "#fff1d6", display: "none" });
    notice.setAttribute("role", "alert");
    frame = el("iframe", { border: "0", width: "100%", flex: "1 1 auto" });
    frame.title = label;
    frame.src = url;
    frame.setAttribute("allow", "geolocation");
    // Focus that leaves the frame's last control comes back to the bar.
    var wrap = el("span", {});
    wrap.tabIndex = 0;
    wrap.addEventListener("focus", function () { shut.focus(); });
    bar.appendChild(tab);
    bar.appendChild(shut);
    dialog.appendChild(bar);
    dialog.appendChild(notice);
    dialog.appendChild(frame);
    dialog.appendChild(wrap);
    overlay.appendChild(dialog);
    overlay.addEventListener("click", function (event) {
      if (event.target === overlay) close();
    });
    // The page behind the dialog is out of reach while it is open.
    hiddenFromReaders = [];
    Array.prototype.forEach.call(document.body.children, function (child) {
      if (!child.inert && child.getAttribute("aria-hidden") !== "true") {
        child.inert = true;
        child.setAttribute("aria-hidden", "true");
        hiddenFromReaders.push(child);
      }
    });
    document.body.appendChild(overlay);
    document.addEventListener("keydown", onKey, true);
    window.addEventListener("message", onMessage);
    shut.focus();
    window.setTimeout(function () {
      if (overlay && !ready) {
        notice.textContent = texts.blocked;
        notice.style.display = "block";
        tab.focus();
      }
    }, READY_WITHIN_MS);
  }

  function close() {
    if (!overlay) return;
    document.removeEventListener("keydown", onKey, true);
    window.removeEventListener("message", onMessage);
    overlay.parentNode.removeChild(overlay);
    overlay = null;
    frame = null;
    hiddenFromReaders.forEach(function (child) {
      child.inert = false;
      child.removeAttribute("aria-hidden");
    });
    hiddenFromReaders = [];
    button.focus();
  }

  function onKey(event) {
    if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  }

  // The frame's page says when it has loaded, and passes on Escape pressed
  // inside it (keys pressed there never reach this page).
  function onMessage(event) {
    if (!frame || event.origin !== origin || event.source !== frame.contentWindow) return;
    var message = event.data || {};
    if (message.type !== "vmeste-widget") return;
    if (message.action === "ready") ready = true;
    if (message.action === "close") close();
  }

  button.addEventListener("click", function () {
    if (asPage || small()) {
      openInTab();
    } else {
      open();
    }
  });
})();
