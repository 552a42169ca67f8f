// Security keys (WebAuthn) on the two-factor pages. The page carries the server's options in the form's
// data-options; this script turns them into what navigator.credentials takes, asks the browser, and posts the
// answer back in the same form. Without script (or WebAuthn) the form stays hidden and the page's other
// ways (authenticator app, recovery codes) work as they are.
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-webauthn]");
  if (!forms.length || !window.PublicKeyCredential || !navigator.credentials) return;

  function fromBase64Url(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) base64 += "=";
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  }

  function toBase64Url(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  // The browser refuses null where it expects an absent member.
  function withoutNulls(value) {
    if (Array.isArray(value)) return value.map(withoutNulls);
    if (value && typeof value === "object") {
      var copy = {};
      Object.keys(value).forEach(function (k) { if (value[k] !== null) copy[k] = withoutNulls(value[k]); });
      return copy;
    }
    return value;
  }

  function credentialList(list) {
    return (list || []).map(function (c) { c.id = fromBase64Url(c.id); return c; });
  }

  function creationOptions(o) {
    o.challenge = fromBase64Url(o.challenge);
    o.user.id = fromBase64Url(o.user.id);
    o.excludeCredentials = credentialList(o.excludeCredentials);
    return { publicKey: o };
  }

  function requestOptions(o) {
    o.challenge = fromBase64Url(o.challenge);
    o.allowCredentials = credentialList(o.allowCredentials);
    return { publicKey: o };
  }

  function answer(credential) {
    var r = credential.response;
    var json = {
      id: credential.id,
      rawId: toBase64Url(credential.rawId),
      type: credential.type,
      clientExtensionResults: credential.getClientExtensionResults ? credential.getClientExtensionResults() : {},
      response: { clientDataJSON: toBase64Url(r.clientDataJSON) }
    };
    if (r.attestationObject) {
      json.response.attestationObject = toBase64Url(r.attestationObject);
      json.response.transports = r.getTransports ? r.getTransports() : [];
    } else {
      json.response.authenticatorData = toBase64Url(r.authenticatorData);
      json.response.signature = toBase64Url(r.signature);
      if (r.userHandle && r.userHandle.byteLength) json.response.userHandle = toBase64Url(r.userHandle);
    }
    return JSON.stringify(json);
  }

  var status = document.getElementById("webauthn-status");
  function say(text) { if (status) status.textContent = text; }

  document.querySelectorAll("[data-webauthn-missing]").forEach(function (note) { note.hidden = true; });
  forms.forEach(function (form) {
    form.hidden = false;
    var field = form.querySelector("input[name=webauthn_response]");
    var busy = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (busy) return;
      busy = true;
      var options = withoutNulls(JSON.parse(form.getAttribute("data-options")));
      var creating = form.getAttribute("data-webauthn") === "create";
      say("Waiting for your security key: touch it, or follow your browser's prompt.");
      var asked = creating ? navigator.credentials.create(creationOptions(options)) : navigator.credentials.get(requestOptions(options));
      asked.then(function (credential) {
        field.value = answer(credential);
        say("Checking the key's answer...");
        form.submit();
      }).catch(function (error) {
        busy = false;
        say("The security key did not answer (" + (error && error.name ? error.name : "error") +
            "). Try again, or use another way.");
      });
    });
  });
})();
