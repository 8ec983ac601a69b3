/* Passkeys (samverkan/core/two_factor.py): django-otp-webauthn's scripts run the browser
   ceremonies; this file shows what the server answered. When the first passkey is added
   the answer carries the new recovery codes, shown once and never kept; otherwise the
   page is loaded again (or the sign-in continues) so the new key shows in the list. */
(function () {
  "use strict";
  document.addEventListener("otp_webauthn.register_complete", function (event) {
    var answer = (event.detail && event.detail.response) || {};
    var codes = answer.recovery_codes || [];
    var section = document.getElementById("passkey-codes");
    if (!section) { return; }
    if (!codes.length) {
      window.location.assign(section.getAttribute("data-next") || window.location.href);
      return;
    }
    var list = section.querySelector(".recovery-codes");
    codes.forEach(function (code) {
      var item = document.createElement("li");
      var text = document.createElement("code");
      text.textContent = code;
      item.appendChild(text);
      list.appendChild(item);
    });
    document.querySelectorAll("[data-passkey-hide]").forEach(function (element) {
      element.hidden = true;
    });
    section.hidden = false;
    section.querySelector("a").focus();
  });
})();
