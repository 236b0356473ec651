"use strict";
const query = new URLSearchParams(location.search);
document.getElementById("failed").hidden = query.get("failed") !== "1";
const returnUrl = query.get("returnUrl") || "/";
document.getElementById("returnUrl").value = returnUrl;
document.getElementById("oidc").href = "/login/oidc?returnUrl=" + encodeURIComponent(returnUrl);
