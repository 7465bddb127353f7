// Ledsager Devices page, for IT staff: every kiosk of their sites with its latest heartbeat,
// those not heard from or failing first, refreshed every 10 s. No framework, no build step.
"use strict";

const T = {
  da: { title: "Ledsager · Skærme", staff_link: "Hjælp ved skærmene", logout: "Log ud", login: "Log ind", username: "Brugernavn",
        password: "Adgangskode", login_button: "Log ind", fleet: "Skærme", lang_button: "English",
        caption: "Skærmene, dem der ikke svarer eller har fejl først", col_state: "Tilstand", col_name: "Skærm", col_place: "Hvor",
        col_seen: "Sidst hørt", col_version: "Version", col_content: "Indhold", col_parts: "Printer · kamera · lyd",
        col_error: "Seneste fejl", stale: "Svarer ikke", failing: "Fejl", never: "Aldrig hørt fra", ok: "I orden", revoked: "Spærret",
        ago: "siden", never_seen: "aldrig", wrong: "Forkert brugernavn eller adgangskode.", forbidden: "Siden er for IT-personale.",
        summary: (n, bad) => `${n} skærme, ${bad} kræver opmærksomhed. Opdateres hvert 10. sekund.` },
  en: { title: "Ledsager · Kiosks", staff_link: "Help at the kiosks", logout: "Log out", login: "Log in", username: "User name",
        password: "Password", login_button: "Log in", fleet: "Kiosks", lang_button: "Dansk",
        caption: "The kiosks, those not answering or failing first", col_state: "State", col_name: "Kiosk", col_place: "Where",
        col_seen: "Last heard", col_version: "Version", col_content: "Content", col_parts: "Printer · camera · audio",
        col_error: "Last error", stale: "Not answering", failing: "Failing", never: "Never heard from", ok: "Fine", revoked: "Revoked",
        ago: "ago", never_seen: "never", wrong: "Wrong user name or password.", forbidden: "This page is for IT staff.",
        summary: (n, bad) => `${n} kiosks, ${bad} need attention. Updates every 10 seconds.` },
};
const state = { lang: localStorage.getItem("ledsager.lang") || "da", csrf: null, devices: [], timer: null };
const t = (key) => T[state.lang][key] ?? key;
const api = (method, path, body) => apiCall(method, path, body, state.csrf);  // common.js

function seen(s) {
  if (s < 0) return t("never_seen");
  if (s < 120) return `${s} s ${t("ago")}`;
  if (s < 7200) return `${Math.round(s / 60)} min ${t("ago")}`;
  return `${Math.round(s / 3600)} h ${t("ago")}`;
}

function render() {
  const body = $("devices").querySelector("tbody");
  body.replaceChildren();
  for (const d of state.devices) {
    const tr = document.createElement("tr");
    tr.className = `device ${d.state}`;
    const cells = [t(d.state), d.name, `${d.site} · ${d.place}`, seen(d.seen_s_ago), d.version || "–", d.content_version || "–",
                   d.seen_s_ago < 0 ? "–" : `${d.printer} · ${d.camera} · ${d.audio}`, d.last_error || ""];
    cells.forEach((text, i) => {
      const td = document.createElement(i === 1 ? "th" : "td");
      if (i === 1) td.scope = "row";
      td.textContent = text;
      tr.append(td);
    });
    body.append(tr);
  }
  const bad = state.devices.filter((d) => d.state === "stale" || d.state === "failing").length;
  $("summary").textContent = T[state.lang].summary(state.devices.length, bad);
}

async function refresh() {
  const r = await api("GET", "/api/v1/devices");
  if (r.status === 403) { $("fleet-error").textContent = t("forbidden"); return; }
  if (r.status !== 200) return;
  $("fleet-error").textContent = "";
  state.devices = r.data.devices;
  render();
}

function applyLanguage() {
  document.documentElement.lang = state.lang;
  document.querySelectorAll("[data-t]").forEach((el) => { el.textContent = t(el.dataset.t); });
  $("lang").textContent = t("lang_button");
  $("lang").setAttribute("aria-label", t("lang_button"));
  render();
}

async function show() {
  const me = await api("GET", "/api/v1/me");
  if (me.status !== 200) return false;
  state.csrf = me.data.csrf;
  $("who").textContent = `· ${me.data.name}`;
  $("login").hidden = true;
  $("fleet").hidden = false;
  $("logout").hidden = false;
  await refresh();
  clearInterval(state.timer);
  state.timer = setInterval(refresh, 10000);
  return true;
}

$("login").addEventListener("submit", async (e) => {
  e.preventDefault();
  const r = await api("POST", "/api/v1/auth/login", { username: $("username").value, password: $("password").value });
  if (r.status !== 200) { $("login-error").textContent = t("wrong"); return; }
  state.csrf = r.data.csrf;
  await show();
});
$("logout").addEventListener("click", async () => {
  await api("POST", "/api/v1/auth/logout");
  location.reload();
});
$("lang").addEventListener("click", () => {
  state.lang = state.lang === "da" ? "en" : "da";
  localStorage.setItem("ledsager.lang", state.lang);
  applyLanguage();
});
applyLanguage();
show();
