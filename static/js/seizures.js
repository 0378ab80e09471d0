// Seizure form: mark that scripts run, so the "Add a row" / "Remove" buttons replace the
// no-script fallbacks (two spare rows, "Remove this row" check boxes). Rows themselves are
// added and removed by crackdown.js.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
})();
