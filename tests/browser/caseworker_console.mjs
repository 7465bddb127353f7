// browser_caseworker_console: Debian's Chromium (driven by playwright-core) logs a caseworker
// into the hub's caseworker page and answers live video calls from a fake kiosk: a second page
// in its own browser context that plays the kiosk with plain WebRTC (it offers, with Chromium's
// fake camera and microphone) and the hub's long-poll signaling. Checked: the live queue and its
// language hold, both ends decoding video and audio, real-time text both ways (and how fast),
// mute and camera off, a reconnect from the kiosk, hang-up from either side and the outcome.
// axe-core checks each view: no serious or critical violations.
// Usage: node caseworker_console.mjs HUB SRC
// As root it runs itself in new network and PID namespaces (LEDSAGER_TEST_NAMESPACE=off: not).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { axe, check, endLeftovers, enterNamespace, finish, launchChromium, results, startHub, stopAll, until } from "./lib.mjs";

const [hubBin, src] = process.argv.slice(2);
if (!hubBin || !src) {
  console.error("usage: node caseworker_console.mjs HUB_BINARY SOURCE_DIR");
  process.exit(2);
}
// As root it runs in fresh network and process namespaces: ICE sees only loopback, and
// every process the browser leaves behind ends, and is reaped, with the namespace.
await enterNamespace();
const tmp = mkdtempSync(join(tmpdir(), "ledsager-browser-"));
const marker = `ledsager-caseworker-test-${process.pid}-${Date.now()}`;  // in the environment of every browser process
const children = [];
// Records every RTCPeerConnection the caseworker page makes, so the test can read its stats.
function recordPeers() {
  const Native = window.RTCPeerConnection;
  window.__pcs = [];
  window.RTCPeerConnection = class extends Native {
    constructor(...args) { super(...args); window.__pcs.push(this); }
  };
}

// Inbound video frames and audio of a page's newest connection (kiosk or caseworker).
async function inboundStats(which) {
  const pc = which === "kiosk" ? window.kiosk.pc : window.__pcs.at(-1);
  const out = { frames: 0, samples: 0, energy: 0, state: pc ? pc.connectionState : "none", width: 0 };
  if (!pc) return out;
  (await pc.getStats()).forEach((r) => {
    if (r.type !== "inbound-rtp") return;
    if (r.kind === "video") out.frames = r.framesDecoded || 0;
    if (r.kind === "audio") { out.samples = r.totalSamplesReceived || 0; out.energy = r.totalAudioEnergy || 0; }
  });
  const video = which === "kiosk" ? null : document.getElementById("remote");
  out.width = video ? video.videoWidth : 0;
  return out;
}

// The fake kiosk, run inside a page on the hub's origin: the same HTTP calls and WebRTC steps
// as the real kiosk (it asks for help, waits, offers once answered, sends candidates, opens
// the "rtt" data channel), in plain browser JavaScript.
function installKiosk() {
  const H = { Authorization: "Bearer demo-kiosk-token", "Content-Type": "application/json" };
  const k = window.kiosk = { id: 0, seq: 0, log: [], rtt: [], pc: null, dc: null, stream: null, pending: [], offers: 0,
                             chain: Promise.resolve(), stopped: true, errors: [], autoOffer: true };
  k.post = (path, body) => fetch(path, { method: "POST", headers: H, body: JSON.stringify(body || {}) });
  k.send = (m) => (k.chain = k.chain.then(() => k.post(`/api/v1/calls/${k.id}/messages`, m).then((r) => r.status)));
  k.create = async (body) => {
    const res = await k.post("/api/v1/help-requests", body);
    const data = await res.json();
    Object.assign(k, { id: data.id, seq: 0, log: [], rtt: [], pc: null, dc: null, pending: [], stopped: false });
    k.loop(data.id);
    return { ...data, http: res.status };
  };
  k.loop = async (id) => {
    while (!k.stopped && id === k.id) {
      let data;
      try {
        data = await (await fetch(`/api/v1/calls/${id}/messages?after=${k.seq}&wait=20`, { headers: H })).json();
      } catch (e) { await new Promise((r) => setTimeout(r, 200)); continue; }
      if (id !== k.id) return;
      for (const m of data.messages) {
        k.seq = m.seq;
        k.log.push({ ...m, at: Date.now() });
        try { await k.handle(m); } catch (e) { k.errors.push(`${m.type}: ${e.message}`); }
      }
      if (data.ended) k.stopped = true;
    }
  };
  k.handle = async (m) => {
    if (m.type === "answered" && k.autoOffer) await k.offer();
    else if (m.type === "answer") {
      await k.pc.setRemoteDescription({ type: "answer", sdp: m.sdp });
      for (const c of k.pending.splice(0)) await k.pc.addIceCandidate(c).catch(() => {});
    } else if (m.type === "candidate") {
      const c = { candidate: m.candidate, sdpMLineIndex: m.mline ?? 0 };
      if (k.pc && k.pc.remoteDescription) await k.pc.addIceCandidate(c).catch(() => {});
      else k.pending.push(c);
    } else if (m.type === "hangup") {
      if (k.pc) k.pc.close();
    }
  };
  k.offer = async () => {
    if (!k.stream) k.stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: true });
    const pc = new RTCPeerConnection();
    const n = ++k.offers;
    Object.assign(k, { pc, pending: [] });
    for (const track of k.stream.getTracks()) pc.addTrack(track, k.stream);
    // Play what arrives (muted: a page without a user gesture may not play sound); Chromium
    // decodes remote audio only for a playing media element.
    const remote = new MediaStream();
    pc.ontrack = (e) => {
      remote.addTrack(e.track);
      if (!k.video) Object.assign(k.video = document.createElement("video"), { muted: true, autoplay: true });
      if (k.video.srcObject === remote) return;
      k.video.srcObject = remote;
      k.video.play().catch((err) => k.errors.push(`play: ${err.message}`));
    };
    k.dc = pc.createDataChannel("rtt");
    k.dc.onmessage = (e) => k.rtt.push({ data: e.data, at: Date.now(), offer: n });
    pc.onicecandidate = (e) => {
      if (k.pc === pc && e.candidate && e.candidate.candidate)
        k.send({ type: "candidate", candidate: e.candidate.candidate, mline: e.candidate.sdpMLineIndex ?? 0 });
    };
    await pc.setLocalDescription(await pc.createOffer());
    k.send({ type: "offer", sdp: pc.localDescription.sdp });
  };
  // A network blip: the kiosk drops its connection without hanging up and offers afresh.
  k.reconnect = async () => { k.pc.close(); await k.offer(); };
  k.hangup = () => k.send({ type: "hangup" });
  k.cancel = (id) => k.post(`/api/v1/help-requests/${id || k.id}/cancel`);
}

let browser, cleaning = null;
const cleanUp = () => (cleaning ??= cleanUpOnce());
async function cleanUpOnce() {
  if (browser) await browser.close().catch(() => {});
  endLeftovers(marker);
  await stopAll(children);
  rmSync(tmp, { recursive: true, force: true });
}
// The whole test stays under a minute, whatever hangs.
const limitS = 58;
setTimeout(async () => {
  check(false, `the test finishes within ${limitS} s`);
  await cleanUp();
  finish();
}, limitS * 1000).unref();

try {
  const { hub, base } = await startHub(hubBin, join(tmp, "hub"), ["--web", join(src, "hub/web"), "--content", join(src, "assets/guides"),
                                                                "--video-language-hold", "5"]);
  children.push(hub);

  browser = await launchChromium({ media: true, marker });

  // ---- 1. the caseworker logs in: an empty video queue
  const aliContext = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  aliContext.setDefaultTimeout(10000);
  await aliContext.addInitScript(recordPeers);
  const ali = await aliContext.newPage();
  const pageErrors = [];
  ali.on("pageerror", (e) => { console.log(`  caseworker page error: ${e.message}`); pageErrors.push(e.message); });
  await ali.goto(base + "/caseworker.html");
  check(await ali.isVisible("#login"), "the caseworker page opens on the login form");
  check((await ali.getAttribute("header a", "href")) === "/", "the header links back to the front-desk console");
  await axe(ali, "the login form");
  await ali.fill("#username", "demo-case");
  await ali.fill("#password", "demo-password");
  await ali.press("#password", "Enter");
  await ali.waitForSelector("#queue:not([hidden])");
  check(await ali.isVisible("text=Ingen venter på et videoopkald lige nu."), "logged in as Ali: the video queue is empty");
  check((await ali.textContent("#who")).includes("Ali Hassan"), "the page says who is logged in");
  await axe(ali, "the empty video queue");

  // Mette (front desk, speaks da and en) on the same page in her own context.
  const metteContext = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  metteContext.setDefaultTimeout(10000);
  const login = await metteContext.request.post(base + "/api/v1/auth/login", { data: { username: "demo", password: "demo-password" } });
  const metteCsrf = (await login.json()).csrf;
  const mette = await metteContext.newPage();
  await mette.goto(base + "/caseworker.html");
  await mette.waitForSelector("#queue:not([hidden])");

  // The fake kiosk: a fresh context on the hub's origin, not logged in.
  const kioskContext = await browser.newContext();
  kioskContext.setDefaultTimeout(10000);
  const kiosk = await kioskContext.newPage();
  await kiosk.goto(base + "/caseworker.html");
  await kiosk.evaluate(installKiosk);

  // ---- 2. requests appear live, in words, Ali's languages first
  const other = await kiosk.evaluate(() => window.kiosk.post("/api/v1/help-requests",
    { kind: "video", guide: "digital-post", step_number: 1, language: "uk" }).then((r) => r.json()));
  await ali.waitForSelector(`.request .number:has-text('${other.number}')`, { timeout: 5000 });
  const first = await kiosk.evaluate(() => window.kiosk.create(
    { kind: "video", guide: "mitid-login", step: "user-id", step_number: 3, language: "ar", needs: ["hearing"] }));
  const createdAt = Date.now();
  check(first.http === 201 && /^[A-Z]-\d+$/.test(first.number), `the kiosk asks for a video call in Arabic (${first.number})`);

  // ---- 3. the language hold: Mette (no Arabic) cannot answer while Ali (Arabic) is online
  const held = await metteContext.request.post(`${base}/api/v1/help-requests/${first.id}/answer`, { headers: { "X-CSRF-Token": metteCsrf } });
  check(held.status() === 409 && /held/.test((await held.json()).error || ""),
        `held for Ali: Mette's Answer is refused with 409 (${held.status()}, ${Date.now() - createdAt} ms after the request)`);

  const row = `.request:has(.number:has-text('${first.number}'))`;
  await ali.waitForSelector(row, { timeout: 5000 });
  const shownIn = Date.now() - createdAt;
  check(true, `the request appears live on the caseworker page (${shownIn} ms)`);
  const text = await ali.textContent(row);
  check(text.includes("Log ind med MitID, trin 3"), "the request shows the task by its title and the step ('Log ind med MitID, trin 3')");
  check(text.includes("العربية") && text.includes("arabisk"), "the request shows the citizen's language (العربية, arabisk)");
  check(text.includes("hørelse"), "the request shows the citizen's need (hørelse)");
  check(text.includes("By the entrance"), "the request shows the kiosk's place");
  check(await ali.isEnabled(`${row} .answer`), "Ali, who speaks Arabic, may answer at once");
  const order = await ali.$$eval(".request .number", (els) => els.map((e) => e.textContent));
  check(order[0] === first.number && order.includes(other.number),
        `requests in the caseworker's languages come first (${order.join(", ")}), the older Ukrainian one after`);
  await axe(ali, "the queue with waiting citizens");

  const metteRow = `.request:has(.number:has-text('${first.number}'))`;
  await mette.waitForSelector(`${metteRow} .held:not([hidden])`, { timeout: 5000 });
  const note1 = await mette.textContent(`${metteRow} .held`);
  check(/kollega, der taler arabisk, \d+ s/.test(note1) && (await mette.isDisabled(`${metteRow} .answer`)),
        `Mette's page shows the Answer button disabled with a visible note ('${note1}')`);
  // No live update comes while the hold runs out: the page counts down on its own.
  const secondsLeft = async () => Number(((await mette.textContent(`${metteRow} .held`)).match(/(\d+) s/) || [0, 0])[1]);
  const n1 = Number(note1.match(/(\d+) s/)[1]);
  const n2 = await until(async () => { const n = await secondsLeft(); return n < n1 ? String(n) : null; }, 2500);
  check(n2 !== null, `the hold counts down on the page between live updates (${n1} s -> ${n2} s)`);
  await metteContext.close();
  await kiosk.evaluate((id) => window.kiosk.cancel(id), other.id);
  await ali.waitForSelector(`.request .number:has-text('${other.number}')`, { state: "detached", timeout: 5000 });

  // ---- 4. Ali answers (a click); both ends decode video and audio
  const answerAt = Date.now();
  await ali.click(`${row} .answer`);
  await ali.waitForSelector("#call:not([hidden])");
  check(await ali.isHidden("#queue"), "answered: the call view replaces the queue");
  check((await ali.textContent("#call-context")).includes("trin 3"), "the call view shows the citizen's context");
  const connected = await until(() => ali.evaluate(() => document.getElementById("call-status").dataset.state === "st_connected"), 10000);
  check(!!connected, `the call connects (${Date.now() - answerAt} ms after Answer): ${await ali.textContent("#call-status")}`);
  const answered = await kiosk.evaluate(() => window.kiosk.log.find((m) => m.type === "answered"));
  check(answered && answered.name === "Ali", "the kiosk is told who answered (Ali)");

  const media = await until(async () => {
    const [c, k] = [await ali.evaluate(inboundStats, "caseworker"), await kiosk.evaluate(inboundStats, "kiosk")];
    return c.frames >= 20 && k.frames >= 20 && c.samples > 0 && k.samples > 0 && c.energy > 0 && c.width > 0 ? { c, k } : null;
  }, 10000, 200);
  if (!media) console.log(`  caseworker ${JSON.stringify(await ali.evaluate(inboundStats, "caseworker"))} kiosk ${JSON.stringify(await kiosk.evaluate(inboundStats, "kiosk"))}`);
  check(!!media, `both ends decode video and audio (${Date.now() - answerAt} ms after Answer)` + (media
    ? `: caseworker ${media.c.frames} frames ${media.c.width} px wide, ${media.c.samples} samples, energy ${media.c.energy.toFixed(3)};` +
      ` kiosk ${media.k.frames} frames, ${media.k.samples} samples` : ""));
  const speaking = await until(() => ali.evaluate(() => document.getElementById("speak-remote").classList.contains("on")), 4000, 50);
  check(!!speaking, "the 'who is speaking' sign lights up for the citizen when their sound is loud");
  await axe(ali, "the call view");

  // ---- 5. real-time text, both ways
  await ali.evaluate(() => document.getElementById("rtt-mine").addEventListener("input", () => { window.__lastInput = Date.now(); }));
  await ali.type("#rtt-mine", "Ali Hassan 12", { delay: 40 });
  const want = JSON.stringify({ text: "Ali Hassan 12" });
  const got = await until(() => kiosk.evaluate((w) => window.kiosk.rtt.find((m) => m.data === w), want), 3000, 20);
  const lastInput = await ali.evaluate(() => window.__lastInput);
  const rttMs = got ? got.at - lastInput : -1;
  const rttCount = await kiosk.evaluate(() => window.kiosk.rtt.length);
  check(!!got && rttMs <= 500, `the kiosk's data channel receives ${want} ${rttMs} ms after the last keystroke (limit 500 ms; ${rttCount} messages)`);
  const sentAt = await kiosk.evaluate(() => { window.kiosk.dc.send(JSON.stringify({ text: "CPR 0101" })); return Date.now(); });
  const shown = await until(() => ali.evaluate(() => document.getElementById("rtt-theirs").textContent === "CPR 0101" ? Date.now() : 0), 3000, 20);
  check(!!shown, `the citizen's text appears live on the caseworker page (${shown ? shown - sentAt : "-"} ms)`);
  check((await ali.getAttribute("#rtt-theirs", "aria-live")) === "polite", "the citizen's text is in an aria-live=polite region");

  // ---- 6. mute (with the keyboard) and camera off
  const tracks = () => ali.evaluate(() => {
    const s = document.getElementById("local").srcObject;
    return { audio: s.getAudioTracks()[0].enabled, video: s.getVideoTracks()[0].enabled,
             mute: document.getElementById("mute").getAttribute("aria-pressed"),
             camera: document.getElementById("camera").getAttribute("aria-pressed") };
  });
  await ali.focus("#mute");
  await ali.keyboard.press("Space");
  let s = await tracks();
  check(s.mute === "true" && s.audio === false && s.video === true, "Mute (Space key) presses the button and disables the microphone track");
  await ali.click("#camera");
  s = await tracks();
  check(s.camera === "true" && s.video === false, "Camera off presses the button and disables the camera track");
  await ali.click("#mute");
  await ali.click("#camera");
  s = await tracks();
  check(s.mute === "false" && s.camera === "false" && s.audio && s.video, "pressed again, both come back on");

  // ---- 7. the kiosk reconnects (new connection, no hang-up): the page follows on its own
  const pcsBefore = await ali.evaluate(() => window.__pcs.length);
  const reconnectAt = Date.now();
  await kiosk.evaluate(() => window.kiosk.reconnect());
  const again = await until(async () => {
    const c = await ali.evaluate(inboundStats, "caseworker"), k = await kiosk.evaluate(inboundStats, "kiosk");
    const n = await ali.evaluate(() => window.__pcs.length);
    const state = await ali.evaluate(() => document.getElementById("call-status").dataset.state);
    return n > pcsBefore && state === "st_connected" && c.frames >= 20 && k.frames >= 20 && c.width > 0 ? { c, k } : null;
  }, 10000, 200);
  check(!!again, `after the kiosk reconnects, the page answers the new offer and frames flow again (${Date.now() - reconnectAt} ms)`);
  const oldClosed = await ali.evaluate((n) => window.__pcs.slice(0, n).every((pc) => pc.connectionState === "closed"), pcsBefore);
  check(oldClosed, "the old connection is closed on the caseworker page");
  const resent = await until(() => kiosk.evaluate((w) => window.kiosk.rtt.some((m) => m.offer === 2 && m.data === w), want), 3000);
  check(!!resent, "the caseworker's text is sent again on the new data channel");

  // ---- 8. Ali ends the call; the kiosk hears of it; the outcome is saved
  await ali.click("#hangup");
  await ali.waitForSelector("#outcome:not([hidden])");
  check((await ali.textContent("#outcome-why")).includes("Du afsluttede opkaldet."), "after End call the page asks for the outcome");
  const hangup = await until(() => kiosk.evaluate(() => window.kiosk.log.find((m) => m.type === "hangup")), 5000);
  check(hangup && hangup.reason === "caseworker", `the kiosk's long poll receives the hang-up (${hangup ? hangup.reason : "none"})`);
  await axe(ali, "the outcome form");
  await ali.click("#save-outcome");
  check((await ali.textContent("#outcome-error")).length > 0, "saving without an outcome asks for one");
  await ali.click("#outcome label:has(input[value=solved])");
  await ali.click("#save-outcome");
  await ali.waitForSelector("#queue:not([hidden])");
  const closed = await ali.evaluate((id) => fetch(`/api/v1/help-requests/${id}`).then((r) => r.json()), first.id);
  check(closed.status === "resolved" && closed.outcome === "solved", `the request is resolved as 'solved' (${closed.status}, ${closed.outcome})`);
  check(await ali.isVisible("#empty"), "back to the (empty) queue");

  // ---- 9. a second call, answered with the keyboard; the citizen hangs up
  const second = await kiosk.evaluate(() => window.kiosk.create(
    { kind: "video", guide: "mitid-login", step: "user-id", step_number: 3, language: "da", needs: [] }));
  const row2 = `.request:has(.number:has-text('${second.number}'))`;
  await ali.waitForSelector(`${row2} .answer:not([disabled])`, { timeout: 5000 });
  await ali.focus(`${row2} .answer`);
  await ali.keyboard.press("Enter");
  await ali.waitForSelector("#call:not([hidden])");
  check(true, "a second call is answered with the keyboard (focus + Enter)");
  const connected2 = await until(() => ali.evaluate(() => document.getElementById("call-status").dataset.state === "st_connected"), 10000);
  check(!!connected2, "the second call connects");
  check(await ali.evaluate(() => document.getElementById("rtt-theirs").textContent === "" && document.getElementById("rtt-mine").value === ""),
        "the first call's text is gone from the page");
  await kiosk.evaluate(() => window.kiosk.hangup());
  await ali.waitForSelector("#outcome:not([hidden])", { timeout: 5000 });
  check((await ali.textContent("#outcome-why")).includes("Borgeren afsluttede opkaldet."), "when the citizen hangs up, the page says so and asks for the outcome");
  await ali.focus("#outcome input[value=left]");
  await ali.keyboard.press("Space");
  await ali.focus("#save-outcome");
  await ali.keyboard.press("Enter");
  await ali.waitForSelector("#queue:not([hidden])");
  const closed2 = await ali.evaluate((id) => fetch(`/api/v1/help-requests/${id}`).then((r) => r.json()), second.id);
  check(closed2.status === "resolved" && closed2.outcome === "left", `the second request is resolved as 'left' with the keyboard (${closed2.status}, ${closed2.outcome})`);

  // ---- without a camera the call is audio only, said plainly; given back before it connects
  await kiosk.evaluate(() => { window.kiosk.autoOffer = false; });
  const third = await kiosk.evaluate(() => window.kiosk.create({ kind: "video", language: "en" }));
  await ali.evaluate(() => {
    const real = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = (c) => (c.video ? Promise.reject(new DOMException("no camera", "NotFoundError")) : real(c));
  });
  const row3 = `.request:has(.number:has-text('${third.number}'))`;
  await ali.waitForSelector(`${row3} .answer:not([disabled])`, { timeout: 5000 });
  await ali.click(`${row3} .answer`);
  await ali.waitForSelector("#call:not([hidden])");
  const note = await ali.textContent("#media-note");
  check(await ali.isVisible("#media-note") && /audio only|kun med lyd/.test(note) && await ali.isDisabled("#camera"),
        `with no camera the page says the call is audio only ('${note}') and Camera off is disabled`);
  check(await ali.isVisible("#giveback"), "before the call connects, the caseworker can give it back to the queue");
  await ali.click("#giveback");
  await ali.waitForSelector(`#queue:not([hidden]) ${row3}`, { timeout: 5000 });
  const released = await until(() => kiosk.evaluate(() => window.kiosk.log.some((m) => m.type === "released")), 3000);
  const open = await ali.evaluate((id) => fetch(`/api/v1/help-requests/${id}`).then((r) => r.json()), third.id);
  check(released && open.status === "open", `given back: the request is open again and the kiosk is told (${open.status})`);
  await kiosk.evaluate(() => window.kiosk.cancel());
  await ali.waitForSelector(row3, { state: "detached", timeout: 5000 });
  check(true, "the citizen cancels: the request leaves the queue");

  // English, and the errors in the pages.
  await ali.click("#lang");
  check(await ali.isVisible("text=Nobody is waiting for a video call right now."), "the page switches to English");
  const errors = await kiosk.evaluate(() => window.kiosk.errors);
  check(errors.length === 0, `the fake kiosk saw no errors${errors.length ? ": " + errors.join("; ") : ""}`);
  check(pageErrors.length === 0, "no script errors on the caseworker page (its modules load)");
} catch (e) {
  results.failed++;
  console.log(`not ok - ${e.message}`);
} finally {
  await cleanUp();
}
finish();
