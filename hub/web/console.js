// Ledsager staff console: log in, see waiting citizens live (server-sent events), claim,
// release and resolve. No framework, no build step; texts in texts/staff.js (Danish and English).
import { $, apiCall, applyTexts, makeT, savedLanguage, wireConsole } from "./common.js";
import texts from "./texts/staff.js";

const LANGUAGE_NAMES = { da: "Dansk", en: "English", ar: "العربية", uk: "Українська", tr: "Türkçe", pl: "Polski",
                         so: "Soomaali", ur: "اردو", fa: "فارسی", ti: "ትግርኛ" };
const OUTCOMES = ["solved", "appointment", "referred", "left"];

const state = { lang: savedLanguage(), csrf: null, me: null, requests: [], signals: [],
                known: new Set(), events: null };
const t = makeT(texts, state);
const api = (method, path, body) => apiCall(method, path, body, state.csrf);

function applyLanguage() {
  applyTexts(state, t);
  render();
  renderSignals();
}

function minutes(seconds) {
  const m = Math.floor(seconds / 60), s = seconds % 60;
  return `${m}:${String(s).padStart(2, "0")}`;
}

function waitingText(r) {
  const now = Date.now() / 1000;
  const waited = r.status === "open" ? Math.max(0, Math.round(now - r.created_at)) : r.waiting_s;
  const who = r.status === "claimed" ? ` · ${t("claimed_by")} ${r.claimed_by}` : "";
  const needs = r.needs.length ? ` · ${t("needs")}: ${r.needs.map((n) => t("need_" + n)).join(", ")}` : "";
  return `${t(r.kind)} · ${t("place")}: ${r.kiosk_place} · ${minutes(waited)} ${t("waiting")}${who}${needs}`;
}

function render() {
  const list = $("requests");
  if (!state.me) return;
  // Keep the keyboard user's place across live updates.
  const active = document.activeElement;
  const keep = active && active.closest(".request") ? { id: active.closest(".request").dataset.id, cls: active.className } : null;
  list.replaceChildren();
  $("empty").hidden = state.requests.length > 0;
  for (const r of state.requests) {
    const li = $("request-template").content.firstElementChild.cloneNode(true);
    li.dataset.id = r.id;
    li.classList.toggle("claimed", r.status === "claimed");
    if (!state.known.has(r.id)) li.classList.add("new");
    li.querySelector(".number").textContent = r.number;
    const title = r.guide_title ? (r.guide_title[state.lang] || r.guide_title.da || r.guide) : r.guide;
    const task = r.guide ? `${title}, ${t("step")} ${r.step_number}` : t("no_task");
    li.querySelector(".task").textContent = `${task} · ${LANGUAGE_NAMES[r.language] || r.language}`;
    li.querySelector(".meta").textContent = waitingText(r);
    li.querySelector(".speakers").textContent = `${t("speakers")}: ${r.speakers.length ? r.speakers.join(", ") : t("none")}`;
    const claim = li.querySelector(".claim"), release = li.querySelector(".release"), resolve = li.querySelector(".resolve");
    claim.textContent = t("claim");
    release.textContent = t("release");
    resolve.textContent = t("resolve");
    claim.classList.add("primary");
    // Video requests are answered on the caseworker page; here they are only seen and closed.
    claim.hidden = r.status !== "open" || r.kind === "video";
    release.hidden = r.status !== "claimed" || r.kind === "video";
    claim.setAttribute("aria-label", `${t("claim")}: ${r.number}`);
    release.setAttribute("aria-label", `${t("release")}: ${r.number}`);
    resolve.setAttribute("aria-label", `${t("resolve")}: ${r.number}`);
    const select = li.querySelector(".outcome");
    li.querySelector(".outcome-label .sr").textContent = `${t("outcome")}: ${r.number}`;
    for (const o of OUTCOMES) select.append(new Option(t(o), o));
    claim.onclick = () => act(r.id, "claim");
    release.onclick = () => act(r.id, "release");
    resolve.onclick = () => act(r.id, "resolve", { outcome: select.value });
    list.append(li);
  }
  if (keep) {
    const li = list.querySelector(`.request[data-id="${keep.id}"]`);
    const target = li && (li.querySelector(`.${keep.cls.split(" ")[0]}:not([hidden])`) || li.querySelector("button:not([hidden])"));
    if (target) target.focus();
  }
}

function renderSignals() {
  const list = $("signals");
  list.replaceChildren();
  $("signals-box").hidden = state.signals.length === 0;
  for (const s of state.signals) {
    const li = document.createElement("li");
    const title = s.guide_title ? (s.guide_title[state.lang] || s.guide_title.da || s.guide) : s.guide;
    const task = s.guide ? `${title}, ${t("step")} ${s.step_number}` : t("no_task");
    li.textContent = `${t("place")}: ${s.kiosk_place} · ${task} · ${LANGUAGE_NAMES[s.language] || s.language} · ${t(s.reason)}`;
    list.append(li);
  }
}

// Every second, only the waiting times change: update the text, never the buttons.
function tick() {
  for (const li of $("requests").children) {
    const r = state.requests.find((x) => String(x.id) === li.dataset.id);
    if (r) li.querySelector(".meta").textContent = waitingText(r);
  }
}

function alertNew(requests) {
  const fresh = requests.filter((r) => !state.known.has(r.id) && r.status === "open");
  if (fresh.length && $("sound").checked) beep();
  return fresh.length;
}

function beep() {
  try {
    const ctx = new AudioContext(), osc = ctx.createOscillator(), gain = ctx.createGain();
    osc.frequency.value = 660; gain.gain.value = 0.1;
    osc.connect(gain).connect(ctx.destination); osc.start(); osc.stop(ctx.currentTime + 0.25);
  } catch (e) { /* no audio: the visual flash remains */ }
}

function update(requests, signals) {
  alertNew(requests);
  state.requests = requests;
  state.signals = signals || [];
  render();
  renderSignals();
  for (const r of requests) state.known.add(r.id);
}

function listen() {
  if (state.events) state.events.close();
  state.events = new EventSource("/api/v1/events");
  state.events.addEventListener("requests", (e) => { $("status").textContent = t("live"); const d = JSON.parse(e.data); update(d.requests, d.signals); });
  state.events.onerror = () => { $("status").textContent = t("offline"); };
}

async function act(id, verb, body) {
  const res = await api("POST", `/api/v1/help-requests/${id}/${verb}`, body);
  if (res.status !== 200) $("status").textContent = res.data?.error || String(res.status);
}

async function showQueue() {
  const me = await api("GET", "/api/v1/me");
  if (me.status !== 200) return false;
  state.me = me.data;
  state.csrf = me.data.csrf;
  $("who").textContent = `· ${me.data.sites.map((s) => s.name).join(", ")} · ${me.data.name}`;
  $("login").hidden = true;
  $("queue").hidden = false;
  $("logout").hidden = false;
  listen();
  return true;
}

setInterval(tick, 1000);
wireConsole(state, t, showQueue, applyLanguage, {
  clear: true, focus: () => $("queue-title").focus?.(),
  leave: () => { if (state.events) state.events.close(); },
});
