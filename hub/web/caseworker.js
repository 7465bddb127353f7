// Ledsager caseworker page: log in, see citizens waiting for a video call live (server-sent
// events), answer one, talk (WebRTC; the kiosk makes the offer, signaling by long poll
// through the hub), write together in real time, and close the request with its outcome.
// No framework, no build step; texts in texts/caseworker.js (Danish and English).
import { $, apiCall, applyTexts, makeT, savedLanguage, wireConsole } from "./common.js";
import texts from "./texts/caseworker.js";

const LANGUAGE_NAMES = { da: "Dansk", en: "English", ar: "العربية", uk: "Українська", tr: "Türkçe", pl: "Polski",
                         so: "Soomaali", ur: "اردو", fa: "فارسی", ti: "ትግርኛ" };
const HANGUP_REASONS = { citizen: "end_citizen", cancelled: "end_cancelled" };
const SPEAKING_LEVEL = 0.02;   // RMS of the signal (full scale 1.0) above which someone is speaking
const SPEAKING_HOLD_MS = 400;  // the sign stays on this long after the voice drops, so it does not flicker

const state = { lang: savedLanguage(), csrf: null, me: null, requests: [], receivedAt: 0,
                known: new Set(), events: null, view: "login", call: null, finished: null };
const t = makeT(texts, state);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// "arabisk" / "Arabic": the language in the console's language (the native name is shown too).
function languageName(code) {
  try {
    const name = new Intl.DisplayNames([state.lang], { type: "language" }).of(code);
    if (name && name !== code) return name;
  } catch (e) { /* no Intl data: fall back to the native name */ }
  return LANGUAGE_NAMES[code] || code;
}
function languageLabel(code) {
  const native = LANGUAGE_NAMES[code], local = languageName(code);
  if (!native) return local;
  return native.toLowerCase() === local.toLowerCase() ? native : `${native} (${local})`;
}

function applyLanguage() {
  applyTexts(state, t);
  document.title = state.lang === "da" ? "Ledsager – videoopkald" : "Ledsager – video calls";
  render();
  renderCall();
  renderOutcome();
}

// The hub out of reach counts as status 0: a call in progress keeps going without it.
async function api(method, path, body) {
  try {
    return await apiCall(method, path, body, state.csrf);
  } catch (e) {
    return { status: 0, data: null };
  }
}

function minutes(seconds) {
  const m = Math.floor(seconds / 60), s = seconds % 60;
  return `${m}:${String(s).padStart(2, "0")}`;
}

function taskText(r) {
  const title = r.guide_title ? (r.guide_title[state.lang] || r.guide_title.da || r.guide) : r.guide;
  const task = r.guide ? `${title}, ${t("step")} ${r.step_number}` : t("no_task");
  return `${task} · ${languageLabel(r.language)}`;
}
function needsText(r) {
  return r.needs && r.needs.length ? `${t("needs")}: ${r.needs.map((n) => t("need_" + n)).join(", ")}` : "";
}
function metaText(r) {
  const waited = Math.max(0, Math.round(Date.now() / 1000 - r.created_at));
  return [`${t("place")}: ${r.kiosk_place}`, `${minutes(waited)} ${t("waiting")}`, needsText(r)].filter(Boolean).join(" · ");
}
// Seconds the request is still held for a colleague, counted down here between live updates.
function heldLeft(r) {
  if (!r.held_for_s) return 0;
  return Math.max(0, Math.ceil(r.held_for_s - (Date.now() - state.receivedAt) / 1000));
}
function heldText(r) {
  const left = heldLeft(r);
  return left > 0 ? `${t("held")} ${languageName(r.language)}, ${left} ${t("seconds")}` : "";
}

// The queue: waiting video calls only, the caseworker's own languages first, then oldest first.
function waiting() {
  return state.requests.filter((r) => r.kind === "video" && r.status === "open")
    .sort((a, b) => (b.you_speak ? 1 : 0) - (a.you_speak ? 1 : 0) || a.created_at - b.created_at || a.id - b.id);
}

function render() {
  if (!state.me) return;
  const list = $("requests");
  const active = document.activeElement;
  const keepId = active && active.closest && active.closest(".request") ? active.closest(".request").dataset.id : null;
  list.replaceChildren();
  const rows = waiting();
  $("empty").hidden = rows.length > 0;
  for (const r of rows) {
    const li = $("request-template").content.firstElementChild.cloneNode(true);
    li.dataset.id = r.id;
    if (!state.known.has(r.id)) li.classList.add("new");
    li.classList.toggle("yours", !!r.you_speak);
    li.querySelector(".number").textContent = r.number;
    li.querySelector(".task").textContent = taskText(r);
    li.querySelector(".meta").textContent = metaText(r);
    li.querySelector(".speakers").textContent = `${t("speakers")}: ${r.speakers.length ? r.speakers.join(", ") : t("none")}`;
    const held = li.querySelector(".held");
    held.id = `held-${r.id}`;
    const answer = li.querySelector(".answer");
    answer.textContent = t("answer");
    answer.setAttribute("aria-label", `${t("answer")}: ${r.number}`);
    answer.setAttribute("aria-describedby", held.id);
    answer.onclick = () => answerCall(r);
    updateHeld(li, r);
    list.append(li);
  }
  if (keepId) {
    const target = list.querySelector(`.request[data-id="${keepId}"] .answer`);
    if (target && !target.disabled) target.focus();
  }
}

function updateHeld(li, r) {
  const text = heldText(r);
  const held = li.querySelector(".held");
  held.textContent = text;
  held.hidden = !text;
  li.querySelector(".answer").disabled = !!text || state.view !== "queue";
}

// Between live updates only the waiting times and countdowns change: update the text, never rebuild the list.
function tick() {
  for (const li of $("requests").children) {
    const r = state.requests.find((x) => String(x.id) === li.dataset.id);
    if (!r) continue;
    li.querySelector(".meta").textContent = metaText(r);
    updateHeld(li, r);
  }
}

function beep() {
  try {
    const ctx = new AudioContext(), osc = ctx.createOscillator(), gain = ctx.createGain();
    osc.frequency.value = 660; gain.gain.value = 0.1;
    osc.connect(gain).connect(ctx.destination); osc.start(); osc.stop(ctx.currentTime + 0.25);
    osc.onended = () => ctx.close();
  } catch (e) { /* no audio: the visual flash remains */ }
}

function update(requests) {
  const fresh = requests.filter((r) => r.kind === "video" && r.status === "open" && !state.known.has(r.id));
  if (fresh.length && $("sound").checked && state.view === "queue") beep();
  state.requests = requests;
  state.receivedAt = Date.now();
  render();
  for (const r of requests) state.known.add(r.id);
}

function listen() {
  if (state.events) state.events.close();
  state.events = new EventSource("/api/v1/events");
  state.events.addEventListener("requests", (e) => {
    $("status").textContent = t("live");
    update(JSON.parse(e.data).requests);
  });
  state.events.onerror = () => { $("status").textContent = t("offline"); };
}

function show(view) {
  state.view = view;
  $("login").hidden = view !== "login";
  $("queue").hidden = view !== "queue";
  $("call").hidden = view !== "call";
  $("outcome").hidden = view !== "outcome";
  $("logout").hidden = view !== "queue";
}

// ---- the call

async function getMedia() {
  const tries = [[{ video: { width: 640, height: 480 }, audio: true }, ""], [{ audio: true }, "no_camera"],
                 [{ video: { width: 640, height: 480 } }, "no_mic"]];
  for (const [constraints, note] of tries) {
    try {
      return { stream: await navigator.mediaDevices.getUserMedia(constraints), note };
    } catch (e) { /* try with less */ }
  }
  return { stream: new MediaStream(), note: "no_media" };
}

async function answerCall(r) {
  if (state.view !== "queue") return;
  $("queue-error").textContent = "";
  const call = { id: r.id, request: r, seq: 0, pc: null, pending: [], stream: null, dc: null, connected: false, ended: false,
                 statusKey: "st_media", note: "", abort: new AbortController(), sendChain: Promise.resolve(),
                 iceServers: [], audio: null };
  // Make the sound analysis ready while this click still counts as a user gesture.
  try { call.audio = { ctx: new AudioContext(), remote: null, local: null, timer: 0, on: { remote: 0, local: 0 } }; } catch (e) { /* no WebAudio */ }
  state.view = "answering";
  tick();
  const [media, res] = await Promise.all([getMedia(), api("POST", `/api/v1/help-requests/${r.id}/answer`)]);
  if (res.status !== 200) {
    media.stream.getTracks().forEach((tr) => tr.stop());
    if (call.audio) call.audio.ctx.close();
    state.view = "queue";
    tick();
    const held = res.status === 409 && res.data?.reason === "held";
    $("queue-error").textContent = held ? t("answer_held") : res.status === 409 ? t("answer_taken") : t("answer_failed");
    return;
  }
  call.request = { ...r, ...res.data };
  call.iceServers = res.data.ice_servers || [];
  call.stream = media.stream;
  call.note = media.note;
  call.statusKey = "st_waiting";
  state.call = call;
  sessionStorage.setItem("ledsager.call", String(r.id));
  $("local").srcObject = media.stream.getVideoTracks().length ? media.stream : null;
  $("remote").srcObject = null;
  $("rtt-mine").value = "";
  $("rtt-theirs").textContent = "";
  $("rtt-theirs").lang = r.language;
  $("mute").setAttribute("aria-pressed", "false");
  $("camera").setAttribute("aria-pressed", "false");
  $("mute").disabled = media.stream.getAudioTracks().length === 0;
  $("camera").disabled = media.stream.getVideoTracks().length === 0;
  watchSpeaking(call);
  watchQuality(call);
  show("call");
  renderCall();
  $("call-title").focus();
  pollCall(call);
}

function renderCall() {
  const call = state.call;
  if (!call) return;
  $("call-title").textContent = `${t("call_with")} ${call.request.number}`;
  $("call-context").textContent = `${taskText(call.request)} · ${[`${t("place")}: ${call.request.kiosk_place}`, needsText(call.request)].filter(Boolean).join(" · ")}`;
  $("call-status").textContent = t(call.statusKey);
  $("call-status").dataset.state = call.statusKey;
  $("media-note").textContent = call.note ? t(call.note) : "";
  $("media-note").hidden = !call.note;
  $("giveback").hidden = call.connected;
}

function setCallStatus(call, key) {
  if (call !== state.call || call.ended) return;
  call.statusKey = key;
  renderCall();
}

// Messages to the kiosk go out one after another, in order (an answer before its candidates).
function send(call, message) {
  call.sendChain = call.sendChain.then(() => (call.ended && message.type !== "hangup" ? null : api("POST", `/api/v1/calls/${call.id}/messages`, message)));
  return call.sendChain;
}

async function pollCall(call) {
  let failures = 0;
  while (!call.ended) {
    let data;
    try {
      const res = await fetch(`/api/v1/calls/${call.id}/messages?after=${call.seq}&wait=20`,
                              { credentials: "same-origin", signal: call.abort.signal });
      if (res.status === 401 || res.status === 404) return endCall(call, "end_other");
      if (!res.ok) throw new Error(String(res.status));
      data = await res.json();
      failures = 0;
    } catch (e) {
      if (call.ended) return;
      failures++;
      await sleep(Math.min(5000, 500 * failures));
      continue;
    }
    // Of several offers in one batch only the last counts: the earlier ones are already gone.
    const msgs = data.messages.filter((m) => m.seq > call.seq);
    let lastOffer = -1;
    msgs.forEach((m, i) => { if (m.type === "offer") lastOffer = i; });
    for (const [i, m] of msgs.entries()) {
      call.seq = Math.max(call.seq, m.seq);
      if (i < lastOffer && (m.type === "offer" || m.type === "candidate")) continue;
      await handleMessage(call, m);
      if (call.ended) return;
    }
    if (data.ended && !call.ended) return endCall(call, "end_other");
  }
}

async function handleMessage(call, m) {
  try {
    if (m.type === "offer") await acceptOffer(call, m.sdp);
    else if (m.type === "candidate") {
      if (call.pc && call.pc.remoteDescription) await addCandidate(call.pc, m);
      else call.pending.push(m);
    } else if (m.type === "hangup") endCall(call, HANGUP_REASONS[m.reason] || "end_other");
  } catch (e) {
    console.warn("ledsager: call message", m.type, e);
  }
}

function addCandidate(pc, m) {
  return pc.addIceCandidate({ candidate: m.candidate, sdpMLineIndex: m.mline ?? 0 }).catch(() => { /* stale or foreign */ });
}

// The kiosk always offers. A new offer during the call means the kiosk reconnected: start a
// fresh connection with the same camera and microphone.
async function acceptOffer(call, sdp) {
  const reconnect = !!call.pc;
  if (call.pc) closePeer(call);
  setCallStatus(call, reconnect ? "st_reconnecting" : "st_connecting");
  const pc = new RTCPeerConnection({ iceServers: call.iceServers });
  call.pc = pc;
  const remote = new MediaStream();
  pc.onicecandidate = (e) => {
    if (pc === call.pc && e.candidate && e.candidate.candidate)
      send(call, { type: "candidate", candidate: e.candidate.candidate, mline: e.candidate.sdpMLineIndex ?? 0 });
  };
  pc.ontrack = (e) => {
    if (pc !== call.pc) return;
    remote.addTrack(e.track);
    const video = $("remote");
    if (video.srcObject !== remote) video.srcObject = remote;
    video.play().then(() => { $("play-box").hidden = true; }).catch(() => { $("play-box").hidden = false; });
    if (e.track.kind === "audio") listenTo(call, "remote", new MediaStream([e.track]));
  };
  pc.ondatachannel = (e) => { if (pc === call.pc && e.channel.label === "rtt") attachText(call, e.channel); };
  pc.onconnectionstatechange = () => {
    if (pc !== call.pc) return;
    const s = pc.connectionState;
    if (s === "connected") {
      call.connected = true;
      setCallStatus(call, "st_connected");
    } else if (s === "disconnected") setCallStatus(call, "st_reconnecting");
    else if (s === "failed") setCallStatus(call, "st_failed");
  };
  await pc.setRemoteDescription({ type: "offer", sdp });
  for (const track of call.stream.getTracks()) pc.addTrack(track, call.stream);
  for (const c of call.pending.splice(0)) await addCandidate(pc, c);
  await pc.setLocalDescription(await pc.createAnswer());
  if (pc !== call.pc || call.ended) return;
  send(call, { type: "answer", sdp: pc.localDescription.sdp });
}

function closePeer(call) {
  const pc = call.pc;
  call.pc = null;
  call.dc = null;
  if (!pc) return;
  pc.onicecandidate = pc.ontrack = pc.ondatachannel = pc.onconnectionstatechange = null;
  pc.close();
}

// ---- real-time text: each side sends its whole current text on every change
function attachText(call, channel) {
  call.dc = channel;
  // On a new channel (also after a reconnect) the kiosk gets the text written so far, once.
  let greeted = false;
  const greet = () => { if (!greeted && channel.readyState === "open") { greeted = true; sendText(call); } };
  channel.onopen = greet;
  channel.onmessage = (e) => {
    try {
      const data = JSON.parse(e.data);
      if (typeof data.text === "string") $("rtt-theirs").textContent = data.text.slice(0, 2000);
    } catch (err) { /* not ours */ }
  };
  greet();
}

function sendText(call) {
  if (call && call.dc && call.dc.readyState === "open") call.dc.send(JSON.stringify({ text: $("rtt-mine").value.slice(0, 2000) }));
}

// ---- who is speaking: the loudness of each side's sound, measured ten times a second
function listenTo(call, side, stream) {
  const a = call.audio;
  if (!a || call.ended) return;
  try {
    if (a[side]) a[side].source.disconnect();
    const source = a.ctx.createMediaStreamSource(stream), analyser = a.ctx.createAnalyser();
    analyser.fftSize = 8192;  // about 170 ms of sound: more than the time between two looks
    source.connect(analyser);
    a[side] = { source, analyser, buf: new Float32Array(analyser.fftSize) };
    a.ctx.resume().catch(() => {});
  } catch (e) { /* the sign stays off */ }
}

// The loudness (RMS) of the loudest 20 ms in the last 150 ms of sound: short sounds count too.
function loudest(buf, rate) {
  const win = Math.max(1, Math.round(rate * 0.02)), span = Math.min(buf.length, Math.round(rate * 0.15));
  let peak = 0;
  for (let start = buf.length - span; start + win <= buf.length; start += win) {
    let sum = 0;
    for (let i = start; i < start + win; i++) sum += buf[i] * buf[i];
    peak = Math.max(peak, Math.sqrt(sum / win));
  }
  return peak;
}

function watchSpeaking(call) {
  const a = call.audio;
  if (!a) return;
  if (call.stream.getAudioTracks().length) listenTo(call, "local", call.stream);
  a.timer = setInterval(() => {
    const now = Date.now();
    for (const side of ["remote", "local"]) {
      const s = a[side];
      let loud = false;
      if (s) {
        s.analyser.getFloatTimeDomainData(s.buf);
        loud = loudest(s.buf, a.ctx.sampleRate) > SPEAKING_LEVEL;
        if (side === "local" && call.stream.getAudioTracks().every((tr) => !tr.enabled)) loud = false;
      }
      if (loud) a.on[side] = now;
      const on = now - a.on[side] < SPEAKING_HOLD_MS;
      $(`speak-${side}`).classList.toggle("on", on);
      $(side === "remote" ? "remote-frame" : "local-frame").classList.toggle("speaking", on);
    }
  }, 100);
}

// The line as the caseworker's browser sees it, every 2 s while connected: the citizen's
// picture (size, frames a second, bitrate), or that the kiosk paused it to keep the sound on a
// weak line (frames stop while the sound goes on), and when the browser itself holds back its
// picture for the bandwidth.
function watchQuality(call) {
  let last = null, still = 0, seen = false, lastPc = null;
  call.qualityTimer = setInterval(async () => {
    const pc = call.pc;
    if (!pc || pc !== lastPc || pc.connectionState !== "connected" || call.ended) {
      lastPc = pc;
      $("call-quality").hidden = true;
      last = null;
      seen = false;  // a new connection: its pictures are counted afresh
      still = 0;
      return;
    }
    const now = { at: performance.now(), bytes: 0, frames: 0, width: 0, height: 0, fps: 0, audio: 0, limited: "" };
    (await pc.getStats()).forEach((r) => {
      if (r.type === "inbound-rtp" && r.kind === "video") {
        now.bytes = r.bytesReceived || 0;
        now.frames = r.framesDecoded || 0;
        now.width = r.frameWidth || 0;
        now.height = r.frameHeight || 0;
        now.fps = r.framesPerSecond || 0;
      } else if (r.type === "inbound-rtp" && r.kind === "audio") now.audio = r.packetsReceived || 0;
      else if (r.type === "outbound-rtp" && r.kind === "video" && r.qualityLimitationReason === "bandwidth") now.limited = "bandwidth";
    });
    if (call !== state.call || pc !== call.pc) return;
    if (last) {
      const kbit = Math.round(((now.bytes - last.bytes) * 8) / (now.at - last.at));
      // Paused: pictures came before on this connection, and now only the sound does (a
      // kiosk with no camera never sent any, and is not "paused").
      seen = seen || now.frames > 0;
      still = seen && now.frames === last.frames && now.audio > last.audio ? still + 1 : 0;
      const parts = [];
      if (still >= 1) parts.push(t("q_paused"));
      else if (now.width) parts.push(`${t("q_picture")} ${now.width}×${now.height}, ${Math.round(now.fps)} ${t("q_fps")}, ${kbit} kbit/s`);
      if (now.limited) parts.push(t("q_own_limited"));
      $("call-quality").textContent = parts.join(" · ");
      $("call-quality").dataset.state = still >= 1 ? "paused" : now.width && now.width < 640 ? "reduced" : "good";
      $("call-quality").hidden = parts.length === 0;
    }
    last = now;
  }, 2000);
}

function stopSpeaking(call) {
  const a = call.audio;
  if (!a) return;
  clearInterval(a.timer);
  a.ctx.close().catch(() => {});
  call.audio = null;
  for (const side of ["remote", "local"]) {
    $(`speak-${side}`).classList.remove("on");
    $(side === "remote" ? "remote-frame" : "local-frame").classList.remove("speaking");
  }
}

function releaseMedia(call) {
  call.abort.abort();
  clearInterval(call.qualityTimer);
  $("call-quality").hidden = true;
  closePeer(call);
  stopSpeaking(call);
  call.stream.getTracks().forEach((tr) => tr.stop());
  $("remote").srcObject = null;
  $("local").srcObject = null;
  $("play-box").hidden = true;
  // What was written in the call (a CPR number, say) does not stay on the page.
  $("rtt-mine").value = "";
  $("rtt-theirs").textContent = "";
}

function endCall(call, reasonKey) {
  if (call.ended) return;
  call.ended = true;
  releaseMedia(call);
  state.finished = { id: call.id, request: call.request, reasonKey, closed: reasonKey === "end_cancelled" };
  state.call = null;
  showOutcome();
}

// ---- after the call: the outcome
function showOutcome() {
  $("outcome-error").textContent = "";
  $("outcome-form").reset();
  show("outcome");
  renderOutcome();
  $("outcome-title").focus();
}

function renderOutcome() {
  const f = state.finished;
  if (!f) return;
  $("outcome-why").textContent = t(f.reasonKey);
  $("outcome-context").textContent = f.request.number ? `${f.request.number} · ${taskText(f.request)}` : "";
  $("outcome-form").hidden = f.closed;
  $("back-box").hidden = !f.closed;
}

function backToQueue() {
  state.finished = null;
  sessionStorage.removeItem("ledsager.call");
  show("queue");
  render();
  $("queue-title").focus();
}

$("outcome-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const f = state.finished;
  const choice = $("outcome-form").querySelector("input[name=outcome]:checked");
  if (!choice) {
    $("outcome-error").textContent = t("pick_outcome");
    $("outcome-form").querySelector("input[name=outcome]").focus();
    return;
  }
  const res = await api("POST", `/api/v1/help-requests/${f.id}/resolve`, { outcome: choice.value });
  if (res.status === 200) return backToQueue();
  // Closed meanwhile (the citizen cancelled, or a colleague closed it): nothing left to save.
  const now = await api("GET", `/api/v1/help-requests/${f.id}`);
  if (now.status === 404 || (now.status === 200 && now.data.status !== "claimed")) return backToQueue();
  $("outcome-error").textContent = t("save_failed");
});
$("back").addEventListener("click", backToQueue);

// ---- call controls
$("mute").addEventListener("click", () => {
  const call = state.call;
  if (!call) return;
  const muted = $("mute").getAttribute("aria-pressed") !== "true";
  call.stream.getAudioTracks().forEach((tr) => { tr.enabled = !muted; });
  $("mute").setAttribute("aria-pressed", String(muted));
});
$("camera").addEventListener("click", () => {
  const call = state.call;
  if (!call) return;
  const off = $("camera").getAttribute("aria-pressed") !== "true";
  call.stream.getVideoTracks().forEach((tr) => { tr.enabled = !off; });
  $("camera").setAttribute("aria-pressed", String(off));
});
$("hangup").addEventListener("click", async () => {
  const call = state.call;
  if (!call) return;
  send(call, { type: "hangup" });
  endCall(call, "end_you");
});
// Before the call has connected, the caseworker may give it back: the kiosk keeps waiting.
$("giveback").addEventListener("click", async () => {
  const call = state.call;
  if (!call || call.connected) return;
  const res = await api("POST", `/api/v1/help-requests/${call.id}/release`);
  if (res.status !== 200) {
    $("call-status").textContent = t("giveback_failed");
    return;
  }
  call.ended = true;
  releaseMedia(call);
  state.call = null;
  backToQueue();
});
$("play").addEventListener("click", () => {
  $("remote").play().then(() => { $("play-box").hidden = true; }).catch(() => {});
});
$("rtt-mine").addEventListener("input", () => sendText(state.call));
// Leaving the page mid-call: tell the kiosk, so the citizen is not left waiting.
window.addEventListener("pagehide", () => {
  const call = state.call;
  if (!call || call.ended) return;
  fetch(`/api/v1/calls/${call.id}/messages`, { method: "POST", keepalive: true, credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": state.csrf }, body: JSON.stringify({ type: "hangup" }) });
});

// ---- login and start
async function showQueue() {
  const me = await api("GET", "/api/v1/me");
  if (me.status !== 200) return false;
  state.me = me.data;
  state.csrf = me.data.csrf;
  $("who").textContent = `· ${me.data.sites.map((s) => s.name).join(", ")} · ${me.data.name}`;
  show("queue");
  listen();
  // A call left without an outcome (the page was reloaded): ask for it now.
  const unfinished = sessionStorage.getItem("ledsager.call");
  if (unfinished) {
    const r = await api("GET", `/api/v1/help-requests/${encodeURIComponent(unfinished)}`);
    if (r.status === 200 && r.data.status === "claimed") {
      state.finished = { id: r.data.id, request: r.data, reasonKey: "end_interrupted", closed: false };
      showOutcome();
    } else {
      sessionStorage.removeItem("ledsager.call");
    }
  }
  return true;
}

setInterval(tick, 500);  // twice a second: a countdown never shows a second too many for long
wireConsole(state, t, showQueue, applyLanguage, {
  api, clear: true, focus: () => { if (state.view === "queue") $("queue-title").focus(); },
  leave: () => {
    if (state.events) state.events.close();
    sessionStorage.removeItem("ledsager.call");
  },
});
