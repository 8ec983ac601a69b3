/* The import's page: how far the worker has come (incidents.WebImport), polled from a
   small JSON endpoint until the import has finished; then the page reloads to show the
   result and the rejects file. */
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box || box.dataset.finished === "1") { return; }
  var bar = document.getElementById("import-progress-bar");
  var percent = document.getElementById("import-percent");
  var text = document.getElementById("import-progress-text");
  var delay = 1000;

  function show(job) {
    bar.value = job.percent;
    percent.textContent = job.percent + " %";
    text.textContent = job.text;
    box.dataset.status = job.status;
  }

  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (job) {
        show(job);
        if (job.finished) {
          box.dataset.finished = "1";
          // The result and the rejects file are the server's to show.
          window.setTimeout(function () { window.location.reload(); }, 800);
          return;
        }
        delay = Math.min(delay * 1.2, 5000);
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        delay = Math.min(delay * 2, 15000);
        window.setTimeout(poll, delay);
      });
  }
  window.setTimeout(poll, 500);
})();
