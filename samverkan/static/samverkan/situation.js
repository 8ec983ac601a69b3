/* The lägesbild map: child areas as a choropleth of counts, significant Gi* hot and cold
   spot cells, near-repeat zones, repeat places and (for those allowed) point incidents.
   Leaflet from the bundled static files; tiles only when MAP_TILE_URL is set. Labels
   carry place and area names typed by people, and Leaflet reads a string tooltip as
   HTML: every tooltip is a text node. */
(function () {
  "use strict";
  var BLUES = ["#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"];

  function num(v) { return typeof v === "number" ? v : null; }

  function shade(value, top) {
    if (value === null) { return "#ffffff"; }
    if (!top) { return BLUES[0]; }
    var i = Math.min(BLUES.length - 1, Math.floor((value / top) * (BLUES.length - 1) + 0.5));
    return BLUES[i];
  }

  function label(p) {
    if (p.kind === "child_area" || p.kind === "area") {
      return p.name + ": " + p.count;
    }
    if (p.kind === "hotspot_cell") {
      return (p.hot === "hot" ? "Hot spot" : p.hot === "cold" ? "Cold spot" : "Cell") + ": " + p.count;
    }
    if (p.kind === "near_repeat_zone") { return "Near repeat: " + p.n_incidents + " (" + String(p.expires_at).slice(0, 10) + ")"; }
    if (p.kind === "repeat_place") { return (p.place || "") + " " + p.count + "×"; }
    if (p.kind === "incident") { return p.category + " " + String(p.occurred_from).slice(0, 16).replace("T", " "); }
    return "";
  }

  /* Where a click on a child area leads (the incident list behind its count): a
     json_script element of an internal picture, absent elsewhere. */
  function areaLinks(el) {
    var node = el.dataset.areaLinks && document.getElementById(el.dataset.areaLinks);
    if (!node) { return {}; }
    try { return JSON.parse(node.textContent) || {}; } catch (e) { return {}; }
  }

  function draw(el) {
    var links = areaLinks(el);
    var map = L.map(el, { zoomControl: true, attributionControl: true, zoomSnap: 0.25 });
    SamverkanMapBase.basemap(el, map);
    map.setView([62, 15], 4);
    el._leafletMap = map;
    fetch(el.dataset.geojson, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        var feats = data.features || [];
        var counts = feats.filter(function (f) { return f.properties.kind === "child_area"; })
          .map(function (f) { return num(f.properties.count); }).filter(function (v) { return v !== null; });
        var top = counts.length ? Math.max.apply(null, counts) : 0;
        var order = ["area", "child_area", "hotspot_cell", "near_repeat_zone", "repeat_place", "incident"];
        var bounds = null;
        var drawn = 0;
        var labelled = [];
        order.forEach(function (kind) {
          var subset = feats.filter(function (f) { return f.properties.kind === kind && f.geometry; });
          if (!subset.length) { return; }
          var layer = L.geoJSON({ type: "FeatureCollection", features: subset }, {
            style: function (f) {
              var p = f.properties;
              if (kind === "area") { return { color: "#133a6d", weight: 2, fill: kind !== "area" || !counts.length, fillColor: "#c6dbef", fillOpacity: 0.35 }; }
              if (kind === "child_area") {
                var v = num(p.count);
                return { color: "#57606a", weight: 0.8, fillColor: shade(v, top), fillOpacity: 0.75, dashArray: v === null ? "3" : null };
              }
              var hot = p.hot === "hot" ? "#c0392b" : p.hot === "cold" ? "#2e86c1" : "#f5b041";
              return { color: hot, weight: 0.5, fillColor: hot, fillOpacity: p.hot ? 0.8 : 0.35 };
            },
            pointToLayer: function (f, latlng) {
              var p = f.properties;
              if (kind === "near_repeat_zone") {
                return L.circle(latlng, { radius: p.radius_m || 200, color: "#8e44ad", weight: 2, fillOpacity: 0.15 });
              }
              if (kind === "repeat_place") {
                return L.circleMarker(latlng, { radius: 4 + Math.min(10, p.count), color: "#9a6700", weight: 2, fillColor: "#f1c40f", fillOpacity: 0.8 });
              }
              return L.circleMarker(latlng, { radius: 4, color: "#9b1c1c", weight: 1, fillColor: "#e74c3c", fillOpacity: 0.8 });
            },
            onEachFeature: function (f, lyr) {
              var p = f.properties;
              var text = label(p);
              // Area names stay on the map, so a reader knows where they are without tiles;
              // the whole area only when it has no child areas to name instead.
              var named = kind === "child_area" || (kind === "area" && !counts.length);
              if (named && p.name) {
                var name = SamverkanLabels.shortName(p.name);
                var shown = p.count !== undefined && p.count !== null ? name + ": " + p.count : name;
                labelled.push(SamverkanLabels.label(lyr, shown, num(p.count)));
              } else if (text) {
                var plain = document.createElement("span");
                plain.textContent = text;
                lyr.bindTooltip(plain);
              }
              if (kind === "child_area" && links[p.code]) {
                lyr.on("click", function () { window.location.assign(links[p.code]); });
              }
            }
          }).addTo(map);
          drawn += layer.getLayers().length;
          if (kind === "area" || kind === "child_area") {
            bounds = bounds ? bounds.extend(layer.getBounds()) : layer.getBounds();
          }
        });
        if (bounds && bounds.isValid()) { map.fitBounds(bounds, { padding: [10, 10] }); }
        SamverkanLabels.declutter(map, labelled);
        el.dataset.loaded = String(drawn);
      })
      .catch(function (err) { SamverkanMapBase.failed(el, err); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".situation-map[data-geojson]").forEach(draw);
  });
})();
