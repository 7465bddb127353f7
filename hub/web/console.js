// Ledsager staff console: log in, see waiting citizens live (server-sent events), claim,
// release and resolve. No framework, no build step; strings in Danish and English.
"use strict";

const T = {
  da: { title: "Ledsager · Hjælp ved skærmene", video_link: "Videoopkald", sound: "Lyd ved ny forespørgsel", logout: "Log ud", login: "Log ind",
        username: "Brugernavn", password: "Adgangskode", login_button: "Log ind", queue: "Borgere der venter",
        empty: "Ingen venter lige nu.", claim: "Jeg tager den", release: "Giv tilbage", resolve: "Afslut",
        outcome: "Resultat", solved: "Løst", appointment: "Tid booket", referred: "Henvist til sagsbehandler",
        left: "Borgeren gik", waiting: "venter", claimed_by: "taget af", step: "trin", no_task: "ikke i gang med en opgave",
        speakers: "Taler sproget", none: "ingen på vagt", wrong: "Forkert brugernavn eller adgangskode.",
        limited: "For mange forsøg. Vent et par minutter.", live: "Opdateres automatisk.", offline: "Forbindelsen er afbrudt – prøver igen …",
        in_person: "Her i huset", video: "Video", place: "Skærm", needs: "Behov", lang_button: "English",
        need_read_aloud: "oplæsning", need_interpreter: "tolk", need_large_text: "stor tekst", need_wheelchair: "kørestol",
        need_hearing: "hørelse", need_sign_language: "tegnsprog", signals: "Kan have brug for hjælp",
        signals_note: "Ingen har spurgt endnu. Gå gerne forbi og spørg, om du kan hjælpe.",
        idle_on_step: "står stille på samme trin", back_and_forth: "går frem og tilbage", ago: "siden" },
  en: { title: "Ledsager · Help at the kiosks", video_link: "Video calls", sound: "Sound for new requests", logout: "Log out", login: "Log in",
        username: "User name", password: "Password", login_button: "Log in", queue: "Citizens waiting",
        empty: "Nobody is waiting right now.", claim: "I'll take it", release: "Give back", resolve: "Close",
        outcome: "Outcome", solved: "Solved", appointment: "Appointment booked", referred: "Referred to a caseworker",
        left: "Citizen left", waiting: "waiting", claimed_by: "taken by", step: "step", no_task: "not in a task",
        speakers: "Speaks the language", none: "nobody on duty", wrong: "Wrong user name or password.",
        limited: "Too many attempts. Wait a few minutes.", live: "Updates automatically.", offline: "Connection lost – retrying …",
        in_person: "In person", video: "Video", place: "Kiosk", needs: "Needs", lang_button: "Dansk",
        need_read_aloud: "read aloud", need_interpreter: "interpreter", need_large_text: "large text", need_wheelchair: "wheelchair",
        need_hearing: "hearing", need_sign_language: "sign language", signals: "May need help",
        signals_note: "Nobody has asked yet. You may walk over and offer help.",
        idle_on_step: "has been on one step for a while", back_and_forth: "is going back and forth", ago: "ago" },
};
const LANGUAGE_NAMES = { da: "Dansk", en: "English", ar: "العربية", uk: "Українська", tr: "Türkçe", pl: "Polski",
                         so: "Soomaali", ur: "اردو", fa: "فارسی", ti: "ትግርኛ" };
const OUTCOMES = ["solved", "appointment", "referred", "left"];

const state = { lang: localStorage.getItem("ledsager.lang") || "da", csrf: null, me: null, requests: [], signals: [],
                known: new Set(), events: null };
const $ = (id) => document.getElementById(id);
const t = (key) => T[state.lang][key] ?? key;

function applyLanguage() {
  document.documentElement.lang = state.lang;
  document.querySelectorAll("[data-t]").forEach((el) => { el.textContent = t(el.dataset.t); });
  $("lang").textContent = t("lang_button");
  $("lang").setAttribute("aria-label", t("lang_button"));
  render();
  renderSignals();
}

async function api(method, path, body) {
  const headers = { "Content-Type": "application/json" };
  if (state.csrf) headers["X-CSRF-Token"] = state.csrf;
  const res = await fetch(path, { method, headers, body: body ? JSON.stringify(body) : undefined, credentials: "same-origin" });
  let data = null;
  try { data = await res.json(); } catch (e) { /* 204 */ }
  return { status: res.status, data };
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

$("login").addEventListener("submit", async (e) => {
  e.preventDefault();
  const res = await api("POST", "/api/v1/auth/login", { username: $("username").value, password: $("password").value });
  if (res.status === 200) {
    $("login-error").textContent = "";
    $("password").value = "";
    await showQueue();
    $("queue-title").focus?.();
  } else {
    $("login-error").textContent = res.status === 429 ? t("limited") : t("wrong");
  }
});
$("logout").addEventListener("click", async () => {
  await api("POST", "/api/v1/auth/logout");
  if (state.events) state.events.close();
  location.reload();
});
$("lang").addEventListener("click", () => {
  state.lang = state.lang === "da" ? "en" : "da";
  localStorage.setItem("ledsager.lang", state.lang);
  applyLanguage();
});
setInterval(tick, 1000);

applyLanguage();
showQueue();
