/* Render the OpenAPI schema as a readable list, with no CDN-hosted viewer. */
(function () {
  "use strict";
  var root = document.getElementById("api-endpoints");
  if (!root) { return; }
  fetch(root.dataset.schema, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (schema) {
      root.textContent = "";
      Object.keys(schema.paths || {}).sort().forEach(function (path) {
        var section = document.createElement("section");
        section.className = "card";
        var h = document.createElement("h2");
        h.textContent = path;
        section.appendChild(h);
        var ops = schema.paths[path];
        Object.keys(ops).forEach(function (method) {
          var op = ops[method];
          if (typeof op !== "object" || !op.operationId) { return; }
          var p = document.createElement("p");
          var code = document.createElement("code");
          code.textContent = method.toUpperCase();
          p.appendChild(code);
          p.appendChild(document.createTextNode(" " + (op.description || op.summary || op.operationId)));
          section.appendChild(p);
          (op.parameters || []).forEach(function (param) {
            var d = document.createElement("p");
            d.className = "muted";
            d.textContent = "  " + param.name + " (" + param.in + ")" + (param.description ? ": " + param.description : "");
            section.appendChild(d);
          });
        });
        root.appendChild(section);
      });
    });
})();
