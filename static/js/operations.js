// Operation board: clear the message box once htmx has posted it (no inline script under our CSP).
(function () {
  "use strict";
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target;
    if (form && form.matches && form.matches("form[data-reset-on-success]") && event.detail.successful) {
      form.reset();
    }
  });
})();

// Assignment form: the assignee list shows only the people of the chosen agency.
(function () {
  "use strict";
  function follow(select) {
    var agency = document.getElementById(select.getAttribute("data-follows"));
    if (!agency) {
      return;
    }
    function apply() {
      var chosen = agency.value;
      Array.prototype.forEach.call(select.options, function (option) {
        var owner = option.getAttribute("data-agency");
        var shown = !owner || (chosen && owner === chosen);
        option.hidden = !shown;
        option.disabled = !shown;
        if (!shown && option.selected) {
          select.value = "";
        }
      });
    }
    agency.addEventListener("change", apply);
    apply();
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("select[data-follows]"), follow);
  });
})();
