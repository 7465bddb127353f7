// Shared by the web consoles' pages: the API call with the session's CSRF token, and $.
"use strict";

const $ = (id) => document.getElementById(id);

// One API call; `csrf` is the session's token for calls that change something.
async function apiCall(method, path, body, csrf) {
  const headers = { "Content-Type": "application/json" };
  if (csrf) headers["X-CSRF-Token"] = csrf;
  const res = await fetch(path, { method, headers, body: body ? JSON.stringify(body) : undefined, credentials: "same-origin" });
  let data = null;
  try { data = await res.json(); } catch (e) { /* 204 */ }
  return { status: res.status, data };
}

// What every console page has: the login form, Log out, and the da/en language button.
// `show()` opens the page for a logged-in user; `applyLanguage()` redraws in state.lang.
function wireConsole(state, t, show, applyLanguage) {
  $("login").addEventListener("submit", async (e) => {
    e.preventDefault();
    const r = await apiCall("POST", "/api/v1/auth/login", { username: $("username").value, password: $("password").value });
    if (r.status !== 200) { $("login-error").textContent = t("wrong"); return; }
    state.csrf = r.data.csrf;
    await show();
  });
  $("logout").addEventListener("click", async () => {
    await apiCall("POST", "/api/v1/auth/logout", undefined, state.csrf);
    location.reload();
  });
  $("lang").addEventListener("click", () => {
    state.lang = state.lang === "da" ? "en" : "da";
    localStorage.setItem("ledsager.lang", state.lang);
    applyLanguage();
  });
  applyLanguage();
  show();
}
