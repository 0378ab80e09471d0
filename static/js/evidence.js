// Evidence upload: drag-and-drop onto the file input's area and one request per file with a
// progress bar. Without JavaScript the form posts every chosen file at once and the page
// answers; with it, each file is sent alone (Accept: application/json) so each shows its own
// progress and its own refusal (too large, wrong type).
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function text(el, value) { el.textContent = value; return el; }

  function setup(form) {
    var input = form.querySelector('input[type="file"]');
    var zone = form.querySelector("[data-dropzone]");
    var list = form.querySelector("[data-progress]");
    var maxBytes = parseInt(form.getAttribute("data-max-bytes"), 10) * 1024 * 1024;
    if (!input || !list || !window.FormData || !window.XMLHttpRequest) { return; }

    if (zone && window.DataTransfer) {
      ["dragenter", "dragover"].forEach(function (name) {
        zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.add("dragging"); });
      });
      ["dragleave", "drop"].forEach(function (name) {
        zone.addEventListener(name, function () { zone.classList.remove("dragging"); });
      });
      zone.addEventListener("drop", function (event) {
        event.preventDefault();
        if (event.dataTransfer && event.dataTransfer.files.length) { input.files = event.dataTransfer.files; }
      });
    }

    function row(file) {
      var li = document.createElement("li");
      var name = text(document.createElement("span"), file.name);
      var bar = document.createElement("progress");
      bar.max = 100; bar.value = 0;
      var status = document.createElement("span");
      status.className = "upload-status";
      li.appendChild(name); li.appendChild(bar); li.appendChild(status);
      list.appendChild(li);
      return { li: li, bar: bar, status: status };
    }

    function send(file, view) {
      return new Promise(function (resolve) {
        if (maxBytes && file.size > maxBytes) {
          view.li.classList.add("failed");
          text(view.status, form.getAttribute("data-too-large") || "413");
          resolve(false);
          return;
        }
        var data = new FormData();
        data.append("csrfmiddlewaretoken", form.querySelector('[name="csrfmiddlewaretoken"]').value);
        data.append("kind", form.querySelector('[name="kind"]').value);
        data.append("description", form.querySelector('[name="description"]').value);
        data.append("files", file, file.name);
        var xhr = new XMLHttpRequest();
        xhr.open("POST", form.action);
        xhr.setRequestHeader("Accept", "application/json");
        xhr.upload.addEventListener("progress", function (event) {
          if (event.lengthComputable) { view.bar.value = Math.round((event.loaded / event.total) * 100); }
        });
        xhr.addEventListener("load", function () {
          var ok = xhr.status === 201;
          view.li.classList.add(ok ? "done" : "failed");
          if (ok) { view.bar.value = 100; text(view.status, "✓"); resolve(true); return; }
          var message = String(xhr.status);
          try {
            var body = JSON.parse(xhr.responseText);
            message = Object.keys(body).map(function (k) { return [].concat(body[k]).join(" "); }).join(" ");
          } catch (e) { /* not JSON: keep the status */ }
          text(view.status, message);
          resolve(false);
        });
        xhr.addEventListener("error", function () { view.li.classList.add("failed"); text(view.status, "—"); resolve(false); });
        xhr.send(data);
      });
    }

    form.addEventListener("submit", function (event) {
      if (!input.files.length || !form.checkValidity()) { return; }
      event.preventDefault();
      var button = form.querySelector('button[type="submit"]');
      button.disabled = true;
      list.textContent = "";
      var files = Array.prototype.slice.call(input.files);
      var results = [];
      files.reduce(function (previous, file) {
        var view = row(file);
        return previous.then(function () { return send(file, view); }).then(function (ok) { results.push(ok); });
      }, Promise.resolve()).then(function () {
        button.disabled = false;
        if (results.every(Boolean)) { window.location.reload(); return; }
        if (results.some(Boolean)) {
          var again = document.createElement("a");
          again.href = window.location.pathname;
          text(again, form.getAttribute("data-refresh") || "↻");
          var li = document.createElement("li");
          li.appendChild(again);
          list.appendChild(li);
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-evidence-upload]"), setup);
  });
})();
