// The admin's import progress page: polls the job's progress and reloads on the report.
(function () {
  "use strict";
  var source = document.getElementById("import-progress-url");
  if (!source) return;
  var url = JSON.parse(source.textContent);
  var byId = function (id) { return document.getElementById(id); };

  function show(data) {
    byId("import-status").textContent = data.status_display;
    byId("import-count").textContent = data.done + " of " + (data.total === null ? "?" : data.total);
    byId("import-bar").max = data.total || 1;
    byId("import-bar").value = data.done;
    byId("import-current").textContent = data.current;
    var list = byId("import-skipped-live");
    list.textContent = "";
    data.skipped.forEach(function (pair) {
      var item = document.createElement("li");
      item.textContent = "\u201c" + pair[0] + "\u201d: " + pair[1];
      list.appendChild(item);
    });
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        show(data);
        if (data.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 700);
        }
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }
  poll();
})();
