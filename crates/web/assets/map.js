// The public map: the server groups the visible box's messages into
// clusters for the zoom; the list beside the map follows it. Without this
// script the page is the list alone.
(function () {
  "use strict";
  var el = document.getElementById("public-map");
  if (!el || !window.L) return;
  el.hidden = false;
  var help = document.querySelector(".map-help");
  if (help) help.hidden = false;
  var form = document.getElementById("filters");
  var results = document.getElementById("results");
  var english = document.documentElement.lang === "en";

  var map = L.map(el, { keyboard: true });
  map.attributionControl.setPrefix(false);
  L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution, maxZoom: 19 }).addTo(map);
  var b = el.dataset.bounds.split(",").map(Number);
  map.fitBounds([[b[1], b[0]], [b[3], b[2]]]);
  var markers = L.layerGroup().addTo(map);

  function params() {
    var p = new URLSearchParams(new FormData(form));
    p.delete("cursor");
    p.set("bbox", map.getBounds().toBBoxString());
    return p;
  }

  function named(marker, label) {
    var icon = marker.getElement();
    if (icon) icon.setAttribute("aria-label", label);
  }

  function draw(clusters) {
    markers.clearLayers();
    clusters.forEach(function (c) {
      var lone = c.count === 1;
      var icon = L.divIcon({
        className: lone ? "pin" : "cluster",
        html: lone ? "" : String(c.count),
        iconSize: lone ? [18, 18] : [36, 36]
      });
      var marker = L.marker([c.lat, c.lon], { icon: icon, keyboard: true }).addTo(markers);
      if (lone) {
        var link = document.createElement("a");
        link.href = "/messages/" + c.first_id;
        var topic = english && c.topic_name_en ? c.topic_name_en : c.topic_name_ru;
        link.textContent = topic;
        marker.bindPopup(link);
        named(marker, topic);
      } else {
        var zoomIn = function () {
          map.fitBounds([[c.south, c.west], [c.north, c.east]], { padding: [24, 24], maxZoom: map.getZoom() + 3 });
        };
        marker.on("click", zoomIn);
        // A marker is a button to the keyboard: Enter or Space presses it.
        marker.on("keypress", function (event) {
          var key = event.originalEvent.key;
          if (key === "Enter" || key === " ") {
            event.originalEvent.preventDefault();
            zoomIn();
          }
        });
        named(marker, el.dataset.cluster.replace("{n}", String(c.count)));
      }
    });
  }

  var pending = null;
  function refresh() {
    var p = params();
    history.replaceState(null, "", "/map?" + p);
    var c = new URLSearchParams(p);
    c.set("zoom", map.getZoom());
    if (pending) pending.abort();
    pending = new AbortController();
    var signal = pending.signal;
    fetch("/map/clusters?" + c, { signal: signal })
      .then(function (r) { return r.ok ? r.json() : { clusters: [] }; })
      .then(function (data) { draw(data.clusters); })
      .catch(function () {});
    fetch("/map?" + p, { signal: signal, headers: { "HX-Request": "true" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("results");
        if (fresh) results.replaceWith(fresh);
        results = fresh || results;
      })
      .catch(function () {});
  }

  map.on("moveend", refresh);
  // A category's topics come with the page, so a new category loads the
  // page for it, in the same box; other filters refresh the results alone.
  var category = form.elements.category;
  var shownCategory = category ? category.value : "";
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (category && category.value !== shownCategory) {
      var p = params();
      p.delete("topic");
      window.location.assign("/map?" + p);
      return;
    }
    refresh();
  });
  refresh();
})();
