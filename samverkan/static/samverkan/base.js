/* Behaviour every page shares. It lives here, not in on*= attributes, because the
   Content-Security-Policy allows no inline script. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // Choosing a language applies it at once; without JavaScript the form's button does.
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
  });
})();
