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

  function isArea(feature) {
    var t = feature.geometry && feature.geometry.type;
    return t === "Polygon" || t === "MultiPolygon";
  }

  /* The name of an area stays on the map (a permanent label at its centre), so a person
     knows where they are without tiles. A whole country's municipalities would bury the
     map under names: beyond MAX_LABELS areas a name shows on hover instead. */
  var MAX_LABELS = 60;

  function areaCount(data) {
    return (data.features || []).filter(isArea).length;
  }

  function labelArea(feature, lyr, many, labelled) {
    var p = feature.properties || {};
    if (p.name && isArea(feature)) {
      if (many) { lyr.bindTooltip(textNode(p.name)); return; }
      labelled.push(SamverkanLabels.label(lyr, SamverkanLabels.shortName(p.name)));
    }
  }



  /* Outlines of the areas around what the map shows (data-areas: a GeoJSON URL), drawn
     under it, named, and not clickable, so that a tap still reaches the map. Areas the
     map draws itself (data-areas-skip: their ids) are left out, so no name shows twice. */
  function outlines(el, map) {
    if (!el.dataset.areas) { return Promise.resolve(null); }
    var skip = (el.dataset.areasSkip || "").split(",").filter(Boolean);
    return fetch(el.dataset.areas, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        data.features = (data.features || []).filter(function (f) {
          return skip.indexOf(String(f.id)) < 0;
        });
        var many = areaCount(data) > MAX_LABELS;
        var labelled = [];
        var layer = L.geoJSON(data, {
          interactive: false,
          style: function () { return { color: "#57606a", weight: 1, fill: false, dashArray: "4" }; },
          onEachFeature: function (feature, lyr) { labelArea(feature, lyr, many, labelled); }
        }).addTo(map);
        map.whenReady(function () { SamverkanLabels.declutter(map, labelled); });
        el.dataset.areasLoaded = String(layer.getLayers().length);
        return layer;
      })
      .catch(function () { el.dataset.areasLoaded = "error"; return null; });
  }

  function draw(el) {
    var map = L.map(el, { zoomControl: true, attributionControl: true, zoomSnap: 0.25 });
    SamverkanMapBase.basemap(el, map);
    map.setView([62, 15], 4);
    el._leafletMap = map;
    var around = outlines(el, map);
    if (!el.dataset.geojson && !el.dataset.geojsonScript) {
      around.then(function (layer) {
        if (layer && layer.getLayers().length) { map.fitBounds(layer.getBounds(), { padding: [10, 10] }); }
      });
      return;
    }
    load(el)
      .then(function (data) {
        var many = areaCount(data) > MAX_LABELS;
        var labelled = [];
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
              if (isArea(feature)) { labelArea(feature, lyr, many, labelled); } else { lyr.bindTooltip(textNode(p.name)); }
            } else if (el.dataset.nopopup) {
              labelArea(feature, lyr, many, labelled);
            }
          }
        }).addTo(map);
        if (layer.getLayers().length) {
          // No closer than a neighbourhood: a few points close together would otherwise
          // fill the map with one street corner, and no area outline would be in sight.
          map.fitBounds(layer.getBounds(), { padding: [10, 10], maxZoom: 14 });
        } else {
          around.then(function (outer) {
            if (outer && outer.getLayers().length) { map.fitBounds(outer.getBounds(), { padding: [10, 10] }); }
          });
        }
        SamverkanLabels.declutter(map, labelled);
        el.dataset.loaded = String(layer.getLayers().length);
        el.dispatchEvent(new CustomEvent("map:loaded", { detail: { map: map, layer: layer } }));
      })
      .catch(function (err) { SamverkanMapBase.failed(el, err); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".map[data-geojson], .map[data-geojson-script]").forEach(draw);
  });
})();
