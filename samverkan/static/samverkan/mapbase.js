/* What every map of the platform shares: its background and how it says it failed.
   Loaded after Leaflet and before the page's own map script. */
var SamverkanMapBase = (function () {
  "use strict";

  /* The background: tiles (MAP_TILE_URL) or a WMS (MAP_WMS_URL), else none, and the
     outlines and their names alone tell the reader where they are. */
  function basemap(el, map) {
    var opts = { attribution: el.dataset.attribution || "" };
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, opts).addTo(map);
    } else if (el.dataset.wms && el.dataset.wmsLayers) {
      opts.layers = el.dataset.wmsLayers;
      opts.format = "image/png";
      L.tileLayer.wms(el.dataset.wms, opts).addTo(map);
    } else {
      el.classList.add("map-no-tiles");
    }
  }

  /* A map whose data could not be read says so in the page, to screen readers too. */
  function failed(el, err) {
    el.dataset.loaded = "error";
    var msg = document.createElement("p");
    msg.className = "map-error";
    msg.setAttribute("role", "alert");
    msg.textContent = "Kartan kunde inte läsas in (" + err.message + ").";
    el.appendChild(msg);
  }

  return { basemap: basemap, failed: failed };
})();
