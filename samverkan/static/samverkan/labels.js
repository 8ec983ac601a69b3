/* Area names on the maps (map.js and situation.js): a label for each area that stays on
   the map, so a person knows where they are without tiles. Labels are text nodes (a
   string would be read as HTML by Leaflet). Two rules keep them legible:
   - a label whose area's centre is out of view moves to the centre of the area's visible
     part, so the area one has zoomed into is still named;
   - labels that would cover one another are hidden until a zoom gives them room; the one
     with the higher weight (more incidents on the lägesbild), then the larger area, stays. */
(function () {
  "use strict";

  /* A trailing note in brackets ("Vivalla (ungefärlig demo-indelning)") is left to the
     tables: on the map it would double the label's length. */
  function shortName(name) {
    return String(name).replace(/\s*\([^)]*\)\s*$/, "") || String(name);
  }

  function outerRings(lyr) {
    var rings = lyr.getLatLngs ? lyr.getLatLngs() : [];
    if (!rings.length) { return []; }
    return L.LineUtil.isFlat(rings[0]) ? [rings[0]] : rings.map(function (p) { return p[0]; });
  }

  /* Area-weighted centroid of the largest visible piece of the area, in container pixels. */
  function visibleCentre(map, lyr) {
    var view = L.bounds(L.point(0, 0), map.getSize());
    var best = null, bestArea = 0;
    outerRings(lyr).forEach(function (ring) {
      var pts = L.PolyUtil.clipPolygon(ring.map(function (ll) { return map.latLngToContainerPoint(ll); }), view);
      var a = 0, cx = 0, cy = 0;
      for (var i = 0; i < pts.length; i++) {
        var p = pts[i], q = pts[(i + 1) % pts.length], f = p.x * q.y - q.x * p.y;
        a += f; cx += (p.x + q.x) * f; cy += (p.y + q.y) * f;
      }
      if (Math.abs(a) > bestArea) { bestArea = Math.abs(a); best = L.point(cx / (3 * a), cy / (3 * a)); }
    });
    return best ? map.containerPointToLatLng(best) : null;
  }

  function size(map, lyr) {
    var b = lyr.getBounds && lyr.getBounds();
    if (!b || !b.isValid()) { return 0; }
    var a = map.latLngToLayerPoint(b.getNorthWest()), c = map.latLngToLayerPoint(b.getSouthEast());
    return Math.abs((c.x - a.x) * (c.y - a.y));
  }

  /* Bind a permanent label to an area layer; returns the item for declutter(). */
  function label(lyr, text, weight) {
    var span = document.createElement("span");
    span.textContent = text;
    lyr.bindTooltip(span, { permanent: true, direction: "center", className: "area-label" });
    return { layer: lyr, weight: weight || 0 };
  }

  /* Adds ``items`` to the map's labels (a map may label several layers: an area and the
     outlines around it) and sorts them all out together, now and after every move. */
  function declutter(map, items) {
    items.forEach(function (item) { item.size = size(map, item.layer); });
    var first = !map._areaLabels;
    map._areaLabels = (map._areaLabels || []).concat(items)
      .sort(function (a, b) { return b.weight - a.weight || b.size - a.size; });
    if (first) { map.on("zoomend moveend", function () { run(map); }); }
    run(map);
  }

  function run(map) {
    var view = map.getBounds(), shown = [];
    map._areaLabels.forEach(function (item) {
      var tip = item.layer.getTooltip && item.layer.getTooltip();
      var node = tip && tip.getElement && tip.getElement();
      if (!node) { return; }
      item.home = item.home || tip.getLatLng();
      var at = item.home && view.contains(item.home) ? item.home : visibleCentre(map, item.layer);
      if (at) { tip.setLatLng(at); }
      node.classList.remove("label-hidden");
      var r = node.getBoundingClientRect();
      var clash = shown.some(function (s) {
        return r.left < s.right && r.right > s.left && r.top < s.bottom && r.bottom > s.top;
      });
      if (clash) { node.classList.add("label-hidden"); } else { shown.push(r); }
    });
  }

  window.SamverkanLabels = { label: label, declutter: declutter, shortName: shortName };
})();
