// Ledsager Devices page, for IT staff: every kiosk of their sites with its latest heartbeat,
// those not heard from or failing first, refreshed every 10 s. No framework, no build step.
import { $, apiCall, applyTexts, makeT, savedLanguage, wireConsole } from "./common.js";
import texts from "./texts/devices.js";

const state = { lang: savedLanguage(), csrf: null, devices: [], content: null, role: "", sites: [], timer: null };
const t = makeT(texts, state);
const api = (method, path, body) => apiCall(method, path, body, state.csrf);

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
        if (!confirm(t("revoke_confirm", d.name))) return;
        await api("POST", `/api/v1/devices/${d.id}/revoke`);
        await refresh();
      });
      act.append(b);
    }
    tr.append(act);
    body.append(tr);
  }
  const bad = state.devices.filter((d) => d.state === "stale" || d.state === "failing").length;
  let summary = t("summary", state.devices.length, bad);
  if (state.content) {
    const behind = state.devices.filter((d) => d.state !== "revoked" && !d.content_current).length;
    summary += " " + t("content_summary", state.content.version, behind);
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
  applyTexts(state, t);
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
  $("enroll-expires").textContent = t("expires", new Date(r.data.expires_at * 1000).toLocaleString(state.lang === "da" ? "da-DK" : "en-GB"));
  $("enroll-result").hidden = false;
  $("enroll-code").focus();
});
wireConsole(state, t, show, applyLanguage);
