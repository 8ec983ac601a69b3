/* Reporter form: a tap on the map sets the hidden lon/lat fields. */
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
  var approx = document.getElementById("id_approximate"), end = document.getElementById("period-end");
  function toggle() { end.hidden = !approx.checked; }
  if (approx && end) { approx.addEventListener("change", toggle); toggle(); }
})();
