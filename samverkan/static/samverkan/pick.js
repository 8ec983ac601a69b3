/* Reporter form: a tap on the map, or "Min position", sets the hidden lon/lat fields. */
(function () {
  "use strict";
  var el = document.getElementById("pick-map");
  if (!el) { return; }
  var lon = document.getElementById("id_lon"), lat = document.getElementById("id_lat");
  var picked = document.getElementById("picked");
  var marker = null;
  function place(map, latlng) {
    lon.value = latlng.lng.toFixed(6);
    lat.value = latlng.lat.toFixed(6);
    if (marker) { marker.setLatLng(latlng); } else {
      marker = L.circleMarker(latlng, { radius: 9, color: "#9b1c1c", weight: 3, fillOpacity: 0.6 }).addTo(map);
    }
    picked.textContent = "Vald plats: " + latlng.lat.toFixed(5) + ", " + latlng.lng.toFixed(5);
    el.dataset.picked = "1";
  }
  el.addEventListener("map:loaded", function (e) {
    var map = e.detail.map;
    e.detail.layer.on("click", function (ev) { place(map, ev.latlng); });
    map.on("click", function (ev) { place(map, ev.latlng); });
    if (lon.value && lat.value) { place(map, L.latLng(+lat.value, +lon.value)); }
  });

  /* "Min position": the browser's geolocation sets the point; the reporter can still move
     it with a tap. Refusal or failure says so in words and leaves the map as it was. */
  var MESSAGES = {
    1: "Du har inte gett webbläsaren lov att visa din position. Tryck på kartan där det hände i stället.",
    2: "Din position kunde inte bestämmas just nu. Tryck på kartan där det hände i stället.",
    3: "Det tog för lång tid att hitta din position. Försök igen eller tryck på kartan."
  };
  function locate() {
    var button = document.getElementById("locate"), status = document.getElementById("locate-status");
    if (!button || !status) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      if (!navigator.geolocation) {
        status.textContent = "Webbläsaren kan inte visa din position. Tryck på kartan där det hände.";
        return;
      }
      status.textContent = "Söker din position …";
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(function (pos) {
        button.disabled = false;
        var map = el._leafletMap;  // drawn by map.js on page load
        if (!map) { status.textContent = MESSAGES[2]; return; }
        var latlng = L.latLng(pos.coords.latitude, pos.coords.longitude);
        place(map, latlng);
        map.setView(latlng, Math.max(map.getZoom(), 15));
        var metres = Math.round(pos.coords.accuracy || 0);
        status.textContent = metres
          ? "Platsen är satt till din position (ungefär ±" + metres + " m). Tryck på kartan för att flytta den."
          : "Platsen är satt till din position. Tryck på kartan för att flytta den.";
      }, function (err) {
        button.disabled = false;
        status.textContent = MESSAGES[err.code] || MESSAGES[2];
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  }
  locate();
  var approx = document.getElementById("id_approximate"), end = document.getElementById("period-end");
  function toggle() { end.hidden = !approx.checked; }
  if (approx && end) { approx.addEventListener("change", toggle); toggle(); }
})();
