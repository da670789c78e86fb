// Polls the review's render job and shows its progress; reloads the page when the job ends.
(function () {
  "use strict";
  var box = document.getElementById("review-job");
  if (!box) return;
  var bar = box.querySelector(".progress-bar");
  var label = box.querySelector("[data-job-label]");
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (job) {
        bar.style.width = job.progress + "%";
        bar.setAttribute("aria-valuenow", job.progress);
        bar.textContent = job.progress + " %";
        label.textContent = job.label + (job.error ? " — " + job.error : "");
        if (job.status === "queued" || job.status === "running") window.setTimeout(poll, 1000);
        else window.location.reload();
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  if (box.dataset.status === "queued" || box.dataset.status === "running") poll();
})();
