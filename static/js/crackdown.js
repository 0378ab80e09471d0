// Progressive enhancement only: every page works without JavaScript.
(function () {
  "use strict";
  // Formset rows: "Add a row" clones the empty form template; "Remove" ticks DELETE and hides it.
  document.addEventListener("click", function (event) {
    var add = event.target.closest("[data-formset-add]");
    if (add) {
      event.preventDefault();
      var prefix = add.getAttribute("data-formset-add");
      var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
      var template = document.getElementById(prefix + "-empty");
      var target = document.getElementById(prefix + "-rows");
      if (!total || !template || !target) return;
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      var wrapper = document.createElement("div");
      wrapper.innerHTML = html.trim();
      var row = wrapper.firstElementChild;
      target.appendChild(row);
      total.value = String(index + 1);
      var first = row.querySelector("input, select, textarea");
      if (first) first.focus();
      return;
    }
    var remove = event.target.closest("[data-formset-remove]");
    if (remove) {
      event.preventDefault();
      var rowEl = remove.closest("[data-formset-row]");
      if (!rowEl) return;
      var del = rowEl.querySelector("input[type=checkbox][name$='-DELETE']");
      if (del) { del.checked = true; rowEl.hidden = true; }
    }
  });
  // The language switch submits as soon as a language is chosen (its button stays for no-JS).
  document.addEventListener("change", function (event) {
    var select = event.target.closest("select[data-autosubmit]");
    if (select && select.form) select.form.requestSubmit ? select.form.requestSubmit() : select.form.submit();
  });
  // Confirmation for destructive actions, declared in markup (no inline script under our CSP).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });
})();
