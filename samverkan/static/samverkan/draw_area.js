/* Drawing an own area: Leaflet-Geoman's polygon and rectangle tools on the map that map.js
   draws (the municipality, labelled, and its districts around it). What is drawn goes to
   the hidden geometry field as GeoJSON; the server repairs it and clips it to the
   municipality (core/own_areas.py). Only the drawn layers are editable: Geoman's global
   edit and removal modes would also take the municipality's outline. */
(function () {
  "use strict";
  var el = document.getElementById("draw-map");
  if (!el) { return; }
  var field = document.getElementById("id_geometry");
  var status = document.getElementById("draw-status");
  var clear = document.getElementById("draw-clear");
  var STYLE = { color: "#9b1c1c", weight: 2, fillColor: "#e5a50a", fillOpacity: 0.3 };

  el.addEventListener("map:loaded", function (e) {
    var map = e.detail.map;
    var drawn = L.featureGroup().addTo(map);

    function corners(layer) {
      var n = 0;
      (function count(ll) {
        if (Array.isArray(ll)) { ll.forEach(count); } else { n += 1; }
      })(layer.getLatLngs());
      return n;
    }

    function sync() {
      var layers = drawn.getLayers();
      if (!layers.length) {
        field.value = "";
        status.textContent = "Inget område ritat ännu.";
        clear.hidden = true;
        el.dataset.drawn = "0";
        return;
      }
      field.value = JSON.stringify(drawn.toGeoJSON());
      var n = layers.reduce(function (sum, l) { return sum + corners(l); }, 0);
      status.textContent = "Ritat: " + layers.length + (layers.length === 1 ? " yta" : " ytor") +
        " med " + n + " hörn. Spara när du är nöjd.";
      clear.hidden = false;
      el.dataset.drawn = String(layers.length);
    }

    function editable(layer) {
      layer.setStyle(STYLE);
      drawn.addLayer(layer);
      layer.pm.enable({ allowSelfIntersection: false });
      layer.on("pm:edit pm:markerdragend pm:vertexremoved pm:vertexadded", sync);
    }

    map.pm.setLang("sv");
    map.pm.addControls({
      position: "topleft",
      drawPolygon: true,
      drawRectangle: true,
      drawMarker: false,
      drawCircleMarker: false,
      drawPolyline: false,
      drawCircle: false,
      drawText: false,
      editMode: false,
      dragMode: false,
      cutPolygon: false,
      removalMode: false,
      rotateMode: false
    });
    map.pm.setGlobalOptions({ pathOptions: STYLE, templineStyle: STYLE, hintlineStyle: STYLE });

    var inline = el.dataset.editing && document.getElementById(el.dataset.editing);
    if (inline) {
      L.geoJSON(JSON.parse(inline.textContent)).eachLayer(function (layer) {
        // A MultiPolygon becomes one layer per part, so that each part can be edited.
        if (layer.getLatLngs && layer.feature.geometry.type === "MultiPolygon") {
          layer.getLatLngs().forEach(function (part) { editable(L.polygon(part)); });
        } else {
          editable(layer);
        }
      });
      // No animation: the corners stay where they are drawn for the first drag.
      map.fitBounds(drawn.getBounds(), { padding: [20, 20], animate: false });
      el.dataset.drawn = String(drawn.getLayers().length);
      clear.hidden = false;
      // Saving without touching the map keeps the border: only a change is sent.
      field.value = "";
    }

    map.on("pm:create", function (ev) {
      map.removeLayer(ev.layer);
      editable(ev.layer);
      sync();
    });

    clear.addEventListener("click", function () {
      drawn.clearLayers();
      sync();
      field.value = "";
      map.pm.enableDraw("Polygon");
    });
    el.dataset.ready = "1";
  });
})();
