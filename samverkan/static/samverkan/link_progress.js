/* An own area's page: how far the worker has come linking incidents to the area
   (core.AreaLinkJob), polled from a small JSON endpoint until the job has finished. */
(function () {
  "use strict";
  var box = document.getElementById("link-progress");
  if (!box || box.dataset.finished === "1") { return; }
  var bar = document.getElementById("link-progress-bar");
  var text = document.getElementById("link-progress-text");
  var delay = 1000;

  function show(job) {
    bar.max = Math.max(job.total, 1);
    bar.value = job.status === "done" ? bar.max : job.done;
    text.textContent = job.text;
    box.dataset.status = job.status;
  }

  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (job) {
        show(job);
        if (job.finished) { box.dataset.finished = "1"; return; }
        // A long job need not be asked every second.
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
