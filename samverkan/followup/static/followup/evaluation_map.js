/* The evaluation's map: map.js draws the areas and names them; this colours each by its
   role (treated, comparison, buffer) to match the legend above the map. The listener is
   attached as soon as the script runs (it comes after the map element): map.js draws
   inline data within its own DOMContentLoaded handler, before later handlers run. */
(function () {
  "use strict";
  var STYLES = {
    treated: { color: "#1d4f91", weight: 2, fillColor: "#7fa7d9", fillOpacity: 0.35 },
    comparison: { color: "#57606a", weight: 2, fillColor: "#c9ced6", fillOpacity: 0.3, dashArray: "6 4" },
    buffer: { color: "#9a6700", weight: 2, fillColor: "#f2cc60", fillOpacity: 0.3 }
  };
  var el = document.getElementById("evaluation-map");
  if (!el) { return; }
  el.addEventListener("map:loaded", function (event) {
    event.detail.layer.eachLayer(function (lyr) {
      var role = lyr.feature && lyr.feature.properties && lyr.feature.properties.role;
      if (STYLES[role]) { lyr.setStyle(STYLES[role]); }
      // The treated area on top: a buffer drawn around it must not hide it.
      if (role === "treated" && lyr.bringToFront) { lyr.bringToFront(); }
    });
    el.dataset.styled = "1";
  });
})();
