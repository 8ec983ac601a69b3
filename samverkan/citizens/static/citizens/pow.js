/* Safety-walk form: finds the proof-of-work counter (samverkan/citizens/challenge.py), so
   that sha256(challenge + ":" + counter) begins with the required zero bits, then enables
   the submit button. Runs as a static file: the CSP forbids inline scripts. */
(function () {
  "use strict";
  var form = document.getElementById("walk-form");
  if (!form) { return; }
  var challenge = form.dataset.challenge;
  var counterField = document.getElementById("id_counter");
  var button = document.getElementById("walk-submit");
  var status = document.getElementById("pow-status");
  var bits = parseInt(challenge.split(":")[0].split(".").pop(), 10);
  var enc = new TextEncoder();

  function zeroBits(buf) {
    var bytes = new Uint8Array(buf), n = 0;
    for (var i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0) { n += 8; continue; }
      var b = bytes[i];
      while ((b & 0x80) === 0) { n += 1; b <<= 1; }
      return n;
    }
    return n;
  }

  function search(start) {
    var batch = [];
    for (var c = start; c < start + 256; c++) {
      batch.push(crypto.subtle.digest("SHA-256", enc.encode(challenge + ":" + c)));
    }
    return Promise.all(batch).then(function (hashes) {
      for (var i = 0; i < hashes.length; i++) {
        if (zeroBits(hashes[i]) >= bits) { return start + i; }
      }
      return search(start + 256);
    });
  }

  if (!window.crypto || !crypto.subtle) {
    status.textContent = "Webbläsaren kan inte förbereda formuläret (kräver en säker anslutning).";
    return;
  }
  search(0).then(function (counter) {
    counterField.value = String(counter);
    button.disabled = false;
    status.textContent = "";
    form.dataset.ready = "1";
  });
})();
