// Ledsager Devices page, for IT staff: every kiosk of their sites with its latest heartbeat,
// those not heard from or failing first, refreshed every 10 s. No framework, no build step.
"use strict";

const T = {
  da: { title: "Ledsager · Skærme", staff_link: "Hjælp ved skærmene", insight_link: "Indsigt", logout: "Log ud", login: "Log ind", username: "Brugernavn",
        password: "Adgangskode", login_button: "Log ind", fleet: "Skærme", lang_button: "English",
        caption: "Skærmene, dem der ikke svarer eller har fejl først", col_state: "Tilstand", col_name: "Skærm", col_place: "Hvor",
        col_seen: "Sidst hørt", col_version: "Version", col_content: "Indhold", col_parts: "Printer · kamera · lyd",
        col_error: "Seneste fejl", stale: "Svarer ikke", failing: "Fejl", never: "Aldrig hørt fra", ok: "I orden", revoked: "Spærret",
        ago: "siden", never_seen: "aldrig", wrong: "Forkert brugernavn eller adgangskode.", forbidden: "Siden er for IT-personale.",
        summary: (n, bad) => `${n} skærme, ${bad} kræver opmærksomhed. Opdateres hvert 10. sekund.`,
        content_summary: (v, behind) => `Udgivet indhold: v${v}. ${behind ? `${behind} skærme har det ikke endnu.` : "Alle skærme har det."}`,
        behind: "ikke nyeste", col_actions: "Handling", revoke: "Spær", revoke_confirm: (n) => `Spær ${n}? Skærmen afvises fra næste kald.`,
        enroll_title: "Tilføj en skærm", enroll_help: "Lav en engangskode og skriv den på den nye skærm. Koden virker én gang.",
        enroll_site: "Sted", enroll_name: "Skærmens navn (fx kiosk-2)", enroll_place: "Hvor står skærmen?", enroll_valid: "Koden virker i", valid_hour: "1 time",
        valid_day: "1 døgn", valid_week: "1 uge", enroll_button: "Lav engangskode", enroll_code: "Engangskode",
        enroll_run: "Skriv på den nye skærm:", expires: (d) => `Virker til ${d}, én gang.`, enroll_failed: "Koden kunne ikke laves: ",
        settings_title: "Indstillinger for et sted", settings_help: "Skærmene bruger dem mellem to besøg. Tomme felter: skærmens egen kiosk.toml.",
        set_timeout: "Sekunder uden berøring før «Er du der stadig?» (30–3600)", set_languages: "Sprog der tilbydes",
        set_default: "Sprog på startskærmen", set_hours: "Åbningstider", set_hours_help: "Fx mon-fri 09:00-18:00, sat 10:00-14:00. Tomt: altid åben.",
        set_dark: "Mørk skærm uden for åbningstid", set_desk_da: "Hvor man finder en person (dansk)", set_desk_en: "Hvor man finder en person (engelsk)",
        settings_save: "Gem indstillinger", settings_saved: "Gemt. Skærmene bruger det mellem to besøg.", settings_failed: "Ikke gemt: ",
        as_file: "som i kiosk.toml", closed: "lukket (skærmen er mørk)" },
  en: { title: "Ledsager · Kiosks", staff_link: "Help at the kiosks", insight_link: "Insight", logout: "Log out", login: "Log in", username: "User name",
        password: "Password", login_button: "Log in", fleet: "Kiosks", lang_button: "Dansk",
        caption: "The kiosks, those not answering or failing first", col_state: "State", col_name: "Kiosk", col_place: "Where",
        col_seen: "Last heard", col_version: "Version", col_content: "Content", col_parts: "Printer · camera · audio",
        col_error: "Last error", stale: "Not answering", failing: "Failing", never: "Never heard from", ok: "Fine", revoked: "Revoked",
        ago: "ago", never_seen: "never", wrong: "Wrong user name or password.", forbidden: "This page is for IT staff.",
        summary: (n, bad) => `${n} kiosks, ${bad} need attention. Updates every 10 seconds.`,
        content_summary: (v, behind) => `Published content: v${v}. ${behind ? `${behind} kiosks do not have it yet.` : "Every kiosk has it."}`,
        behind: "not the newest", col_actions: "Action", revoke: "Revoke", revoke_confirm: (n) => `Revoke ${n}? The kiosk is refused from its next request.`,
        enroll_title: "Add a kiosk", enroll_help: "Make a one-time code and type it on the new kiosk. The code works once.",
        enroll_site: "Site", enroll_name: "The kiosk's name (e.g. kiosk-2)", enroll_place: "Where does the kiosk stand?", enroll_valid: "The code works for", valid_hour: "1 hour",
        valid_day: "1 day", valid_week: "1 week", enroll_button: "Make a one-time code", enroll_code: "One-time code",
        enroll_run: "Type on the new kiosk:", expires: (d) => `Works until ${d}, once.`, enroll_failed: "The code could not be made: ",
        settings_title: "Settings for a site", settings_help: "The kiosks apply them between two visits. Empty fields: the kiosk's own kiosk.toml.",
        set_timeout: "Seconds without a touch before “Are you still there?” (30–3600)", set_languages: "Languages offered",
        set_default: "Language of the start screen", set_hours: "Opening hours", set_hours_help: "E.g. mon-fri 09:00-18:00, sat 10:00-14:00. Empty: always open.",
        set_dark: "Dark screen outside opening hours", set_desk_da: "Where to find a person (Danish)", set_desk_en: "Where to find a person (English)",
        settings_save: "Save settings", settings_saved: "Saved. The kiosks apply it between two visits.", settings_failed: "Not saved: ",
        as_file: "as in kiosk.toml", closed: "closed (screen dark)" },
};
const state = { lang: localStorage.getItem("ledsager.lang") || "da", csrf: null, devices: [], content: null, role: "", sites: [], timer: null };
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
    const content = (d.content_version || "–") + (d.content_current || d.state === "revoked" ? "" : ` (${t("behind")})`);
    const cells = [t(d.state) + (d.screen === "dark" ? ` · ${t("closed")}` : ""), d.name, `${d.site} · ${d.place}`, seen(d.seen_s_ago), d.version || "–", content,
                   d.seen_s_ago < 0 ? "–" : `${d.printer} · ${d.camera} · ${d.audio}`, d.last_error || ""];
    cells.forEach((text, i) => {
      const td = document.createElement(i === 1 ? "th" : "td");
      if (i === 1) td.scope = "row";
      td.textContent = text;
      tr.append(td);
    });
    const act = document.createElement("td");
    if (state.role === "it_admin" && d.state !== "revoked") {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "danger revoke";
      b.textContent = t("revoke");
      b.setAttribute("aria-label", `${t("revoke")} ${d.name}`);
      b.addEventListener("click", async () => {
        if (!confirm(T[state.lang].revoke_confirm(d.name))) return;
        await api("POST", `/api/v1/devices/${d.id}/revoke`);
        await refresh();
      });
      act.append(b);
    }
    tr.append(act);
    body.append(tr);
  }
  const bad = state.devices.filter((d) => d.state === "stale" || d.state === "failing").length;
  let summary = T[state.lang].summary(state.devices.length, bad);
  if (state.content) {
    const behind = state.devices.filter((d) => d.state !== "revoked" && !d.content_current).length;
    summary += " " + T[state.lang].content_summary(state.content.version, behind);
  }
  $("summary").textContent = summary;
}

async function refresh() {
  const r = await api("GET", "/api/v1/devices");
  if (r.status === 403) { $("fleet-error").textContent = t("forbidden"); return; }
  if (r.status !== 200) return;
  $("fleet-error").textContent = "";
  state.devices = r.data.devices;
  state.content = r.data.content;
  render();
}

function applyLanguage() {
  document.documentElement.lang = state.lang;
  document.querySelectorAll("[data-t]").forEach((el) => { el.textContent = t(el.dataset.t); });
  $("lang").textContent = t("lang_button");
  $("lang").setAttribute("aria-label", t("lang_button"));
  document.querySelectorAll("#enroll-valid option").forEach((o) => { o.textContent = t(o.dataset.t); });
  render();
}

async function show() {
  const me = await api("GET", "/api/v1/me");
  if (me.status !== 200) return false;
  state.csrf = me.data.csrf;
  state.role = me.data.role;
  state.sites = me.data.sites || [];
  if (state.role === "it_admin") {
    $("enroll").hidden = false;
    $("settings").hidden = false;
    const sites = () => state.sites.map((s) => { const o = document.createElement("option"); o.value = s.slug; o.textContent = s.name; return o; });
    $("enroll-site").replaceChildren(...sites());
    $("settings-site").replaceChildren(...sites());
    settingsForm();
    await loadSettings();
  }
  $("who").textContent = `· ${me.data.name}`;
  $("login").hidden = true;
  $("fleet").hidden = false;
  $("logout").hidden = false;
  await refresh();
  clearInterval(state.timer);
  state.timer = setInterval(refresh, 10000);
  return true;
}

// Site settings (IT admins): only the fields filled in are sent; the rest stay the kiosks' own.
const LANGS = [["da", "Dansk"], ["en", "English"], ["ar", "العربية"], ["uk", "Українська"], ["tr", "Türkçe"], ["pl", "Polski"],
               ["so", "Soomaali"], ["ur", "اردو"], ["fa", "فارسی"], ["ti", "ትግርኛ"]];
function settingsForm() {
  const box = $("set-languages");
  box.querySelectorAll("label").forEach((l) => l.remove());
  for (const [code, name] of LANGS) {
    const l = document.createElement("label");
    l.className = "check";
    const i = Object.assign(document.createElement("input"), { type: "checkbox", value: code, id: `set-lang-${code}` });
    l.append(i, document.createTextNode(` ${name}`));
    l.lang = code;
    box.append(l);
  }
}
function defaultOptions(selected) {
  const picked = [...document.querySelectorAll("#set-languages input:checked")].map((i) => i.value);
  const opts = [Object.assign(document.createElement("option"), { value: "", textContent: t("as_file") })];
  for (const [code, name] of LANGS) if (!picked.length || picked.includes(code)) opts.push(Object.assign(document.createElement("option"), { value: code, textContent: name }));
  $("set-default").replaceChildren(...opts);
  $("set-default").value = selected || "";
}
async function loadSettings() {
  const r = await api("GET", `/api/v1/sites/${$("settings-site").value}/settings`);
  if (r.status !== 200) return;
  const s = r.data.settings;
  $("set-timeout").value = s.inactivity_timeout_s ?? "";
  document.querySelectorAll("#set-languages input").forEach((i) => { i.checked = (s.languages || []).includes(i.value); });
  defaultOptions(s.default_language);
  $("set-hours").value = s.opening_hours ?? "";
  $("set-dark").checked = s.screen_off_when_closed ?? true;
  $("set-desk-da").value = (s.front_desk || {}).da ?? "";
  $("set-desk-en").value = (s.front_desk || {}).en ?? "";
  $("settings-status").textContent = "";
}
$("settings-site").addEventListener("change", loadSettings);
$("set-languages").addEventListener("change", () => defaultOptions($("set-default").value));
$("settings-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const body = {};
  if ($("set-timeout").value) body.inactivity_timeout_s = Number($("set-timeout").value);
  const langs = [...document.querySelectorAll("#set-languages input:checked")].map((i) => i.value);
  if (langs.length) body.languages = langs;
  if ($("set-default").value) body.default_language = $("set-default").value;
  if ($("set-hours").value.trim()) {
    body.opening_hours = $("set-hours").value.trim();
    body.screen_off_when_closed = $("set-dark").checked;
  }
  const desk = {};
  if ($("set-desk-da").value.trim()) desk.da = $("set-desk-da").value.trim();
  if ($("set-desk-en").value.trim()) desk.en = $("set-desk-en").value.trim();
  if (Object.keys(desk).length) body.front_desk = desk;
  const r = await api("POST", `/api/v1/sites/${$("settings-site").value}/settings`, body);
  $("settings-status").textContent = r.status === 200 ? t("settings_saved") : t("settings_failed") + ((r.data && r.data.error) || r.status);
  $("settings-status").className = r.status === 200 ? "" : "error";
});

$("enroll-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const r = await api("POST", "/api/v1/enroll-codes", { site: $("enroll-site").value, name: $("enroll-name").value.trim(),
                                                        place: $("enroll-place").value.trim(),
                                                        valid_for_s: Number($("enroll-valid").value) });
  if (r.status !== 201) { $("enroll-error").textContent = t("enroll_failed") + (r.data && r.data.error || r.status); return; }
  $("enroll-error").textContent = "";
  $("enroll-code").textContent = r.data.code;
  $("enroll-command").textContent = `ledsager-kiosk enroll --hub ${location.origin} --code ${r.data.code}`;
  $("enroll-expires").textContent = T[state.lang].expires(new Date(r.data.expires_at * 1000).toLocaleString(state.lang === "da" ? "da-DK" : "en-GB"));
  $("enroll-result").hidden = false;
  $("enroll-code").focus();
});
wireConsole(state, t, show, applyLanguage);  // common.js
