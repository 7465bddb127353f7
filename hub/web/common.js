// The one module every console page imports (<script type="module">): $, the API call with
// the session's CSRF token, the texts in Danish and English, and the login form, Log out and
// the da/en button. Each page's texts are in texts/<page set>.js; texts/common.js has those
// shared by every page. No framework, no build step.
import sharedTexts from "./texts/common.js";

export const $ = (id) => document.getElementById(id);

// One API call; `csrf` is the session's token for calls that change something.
export async function apiCall(method, path, body, csrf) {
  const headers = { "Content-Type": "application/json" };
  if (csrf) headers["X-CSRF-Token"] = csrf;
  const res = await fetch(path, { method, headers, body: body ? JSON.stringify(body) : undefined, credentials: "same-origin" });
  let data = null;
  try { data = await res.json(); } catch (e) { /* 204 */ }
  return { status: res.status, data };
}

// The language the user chose last, on any console page.
export const savedLanguage = () => localStorage.getItem("ledsager.lang") || "da";

// t(key) is the page's text for `key` in state.lang (the shared texts under the page's own);
// a text that is a function is called with the rest: t("summary", n, bad). A key without a
// text shows as itself.
export function makeT(texts, state) {
  const all = { da: { ...sharedTexts.da, ...texts.da }, en: { ...sharedTexts.en, ...texts.en } };
  return (key, ...args) => {
    const text = all[state.lang]?.[key];
    if (typeof text === "function") return text(...args);
    return text ?? key;
  };
}

// The part of redrawing in another language that every page has: <html lang>, each
// [data-t] element's text, and the language button.
export function applyTexts(state, t) {
  document.documentElement.lang = state.lang;
  document.querySelectorAll("[data-t]").forEach((el) => { el.textContent = t(el.dataset.t); });
  $("lang").textContent = t("lang_button");
  $("lang").setAttribute("aria-label", t("lang_button"));
}

// What every console page has: the login form, Log out, and the da/en language button.
// `show()` opens the page for a logged-in user (true when it did); `applyLanguage()` redraws
// in state.lang. Options: `api` the page's own call (default apiCall with state.csrf);
// A refused login says why: wrong name or password (401), too many attempts (429), or the
// hub busy checking other passwords (503); `clear` empties the error and the password after a login; `focus()` is called after a
// login that opened the page; `leave()` runs on Log out before the page reloads.
export function wireConsole(state, t, show, applyLanguage, options = {}) {
  const api = options.api || ((method, path, body) => apiCall(method, path, body, state.csrf));
  $("login").addEventListener("submit", async (e) => {
    e.preventDefault();
    const r = await api("POST", "/api/v1/auth/login", { username: $("username").value, password: $("password").value });
    if (r.status !== 200) {
      $("login-error").textContent = r.status === 429 ? t("limited") : r.status === 503 ? t("busy") : t("wrong");
      return;
    }
    state.csrf = r.data.csrf;
    if (options.clear) {
      $("login-error").textContent = "";
      $("password").value = "";
    }
    const shown = await show();
    if (shown && options.focus) options.focus();
  });
  $("logout").addEventListener("click", async () => {
    await api("POST", "/api/v1/auth/logout");
    if (options.leave) options.leave();
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
