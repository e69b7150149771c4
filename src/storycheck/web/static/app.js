// storycheck web UI: poll a job's progress and reload its page when it ends.
(function () {
  "use strict";

  function setText(root, field, value) {
    var el = root.querySelector('[data-field="' + field + '"]');
    if (el) { el.textContent = value; }
  }

  function render(root, job) {
    setText(root, "status", job.status);
    var stage = job.stage;
    if (job.status === "queued" && job.queue_position > 0) {
      stage = "Waiting: " + job.queue_position + " job(s) ahead.";
    }
    setText(root, "stage", stage);
    var bar = root.querySelector("progress");
    if (bar) {
      var pct = Math.round(job.progress * 100);
      bar.value = pct;
      bar.textContent = pct + " %";
    }
    var log = root.querySelector('[data-field="log"]');
    if (log && log.children.length !== job.log.length) {
      log.textContent = "";
      job.log.forEach(function (line) {
        var li = document.createElement("li");
        li.textContent = line;
        log.appendChild(li);
      });
    }
  }

  function poll(root) {
    var url = root.getAttribute("data-job");
    var delay = 800;
    function tick() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (job) {
          render(root, job);
          if (job.status === "done" || job.status === "failed") {
            window.location.reload();
            return;
          }
          delay = Math.min(delay * 1.25, 3000);
          window.setTimeout(tick, delay);
        })
        .catch(function () { window.setTimeout(tick, 3000); });
    }
    tick();
  }

  function storyToggles() {
    // "whole story" checkboxes on the audit page select or clear their story's articles
    document.querySelectorAll("input[data-story-all]").forEach(function (all) {
      var box = document.getElementById(all.getAttribute("data-story-all"));
      if (!box) { return; }
      all.addEventListener("change", function () {
        box.querySelectorAll('input[type="checkbox"][name="article_ids"]').forEach(function (c) {
          c.checked = all.checked;
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-job]").forEach(function (root) {
      var status = root.getAttribute("data-status");
      if (status === "queued" || status === "running") { poll(root); }
    });
    storyToggles();
  });
})();
