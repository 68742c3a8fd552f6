// The report form's place: tap the map or use the device's location to fill
// the latitude and longitude fields, which work without this script too.
(function () {
  "use strict";
  var el = document.getElementById("place-map");
  var lat = document.getElementById("lat");
  var lon = document.getElementById("lon");
  if (!el || !lat || !lon) return;
  var locate = document.getElementById("locate");
  var status = document.getElementById("place-status");

  function say(text) {
    if (status) status.textContent = text;
  }

  if (locate && navigator.geolocation) {
    locate.hidden = false;
    locate.addEventListener("click", function () {
      say(locate.dataset.finding);
      navigator.geolocation.getCurrentPosition(
        function (position) {
          set(position.coords.latitude, position.coords.longitude, true);
          say(locate.dataset.found);
        },
        function () { say(locate.dataset.failed); },
        { enableHighAccuracy: true, timeout: 15000 }
      );
    });
  }

  var map = null;
  var marker = null;

  function set(y, x, move) {
    lat.value = y.toFixed(6);
    lon.value = x.toFixed(6);
    if (!map) return;
    if (!marker) {
      marker = L.marker([y, x], {
        icon: L.divIcon({ className: "pin", iconSize: [18, 18] }),
        keyboard: false,
        interactive: false
      }).addTo(map);
    } else {
      marker.setLatLng([y, x]);
    }
    if (move) map.setView([y, x], Math.max(map.getZoom(), 16));
  }

  if (!window.L) return;
  el.hidden = false;
  map = L.map(el, { keyboard: true });
  map.attributionControl.setPrefix(false);
  L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution, maxZoom: 19 }).addTo(map);
  var b = el.dataset.bounds.split(",").map(Number);
  map.fitBounds([[b[1], b[0]], [b[3], b[2]]]);

  function fromFields() {
    var y = parseFloat(lat.value.replace(",", "."));
    var x = parseFloat(lon.value.replace(",", "."));
    if (isFinite(y) && isFinite(x)) set(y, x, true);
  }

  map.on("click", function (event) {
    set(event.latlng.lat, event.latlng.lng, false);
    say(el.dataset.chosen);
  });
  lat.addEventListener("change", fromFields);
  lon.addEventListener("change", fromFields);
  fromFields();
})();
