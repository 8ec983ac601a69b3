/* Draw a GeoJSON layer on every .map element. Tiles only when the deployment set
   MAP_TILE_URL: closed networks have none, and the outlines still tell the story.
   Names come from reporters and coordinators: Leaflet treats a string tooltip or popup
   as HTML, so both are built from text nodes. */
(function () {
  "use strict";
  function textNode(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }

  /* GeoJSON inline in the page travels in a json_script element (data, not code, under
     the Content-Security-Policy); otherwise it is fetched from the page's own server. */
  function load(el) {
    var inline = el.dataset.geojsonScript && document.getElementById(el.dataset.geojsonScript);
    if (inline) {
      return Promise.resolve().then(function () {
        var data = JSON.parse(inline.textContent);
        // The view may hand over the GeoJSON already serialised: json_script then holds a string.
        return typeof data === "string" ? JSON.parse(data) : data;
      });
    }
    return fetch(el.dataset.geojson, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); });
  }

  function draw(el) {
    var map = L.map(el, { zoomControl: true, attributionControl: true, zoomSnap: 0.25 });
    var tiles = el.dataset.tiles;
    if (tiles) {
      L.tileLayer(tiles, { attribution: el.dataset.attribution || "" }).addTo(map);
    } else {
      el.classList.add("map-no-tiles");
    }
    map.setView([62, 15], 4);
    el._leafletMap = map;
    if (!el.dataset.geojson && !el.dataset.geojsonScript) { return; }
    load(el)
      .then(function (data) {
        var layer = L.geoJSON(data, {
          style: function () {
            return { color: "#1d4f91", weight: 1, fillColor: "#7fa7d9", fillOpacity: 0.25 };
          },
          pointToLayer: function (feature, latlng) {
            return L.circleMarker(latlng, { radius: 5, color: "#9b1c1c", weight: 1, fillOpacity: 0.8 });
          },
          onEachFeature: function (feature, lyr) {
            var p = feature.properties || {};
            if (p.name && !el.dataset.nopopup) {
              var a = document.createElement("a");
              a.textContent = p.name + (p.code ? " (" + p.code + ")" : "");
              if (p.url) { a.href = p.url; }
              lyr.bindPopup(a);
              lyr.bindTooltip(textNode(p.name));
            }
          }
        }).addTo(map);
        if (layer.getLayers().length) { map.fitBounds(layer.getBounds(), { padding: [10, 10] }); }
        el.dataset.loaded = String(layer.getLayers().length);
        el.dispatchEvent(new CustomEvent("map:loaded", { detail: { map: map, layer: layer } }));
      })
      .catch(function (err) {
        el.dataset.loaded = "error";
        var msg = document.createElement("p");
        msg.className = "map-error";
        msg.setAttribute("role", "alert");
        msg.textContent = "Kartan kunde inte läsas in (" + err.message + ").";
        el.appendChild(msg);
      });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".map[data-geojson], .map[data-geojson-script]").forEach(draw);
  });
})();
