// video_call_e2e: the whole video call on loopback with real parts: a real hub, the real
// kiosk (ledsager-kiosk, headless, GStreamer webrtcbin with a test picture and tone) driven by
// a script of taps, and Debian's Chromium as the caseworker on the hub's caseworker page with
// a fake camera and microphone. Checked: the request with its context, Answer, decoded video
// and audio both ways, real-time text both ways (and how fast), the citizen's Mute and Camera
// off seen on the caseworker's side, a lost connection coming back by itself, hang-up from
// each side (the citizen back on the same step), a kiosk without a camera (voice only, said
// before calling), echo cancellation (a kiosk whose microphone hears only its speaker: the
// caseworker must not hear their own voice back), and the outcomes recorded.
// Usage: node video_call_e2e.mjs HUB KIOSK SRC [--bench]
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { axe, caseworkerPage, check, endLeftovers, enterNamespace, finish, launchChromium, results, sleep, startHub, stopAll, until } from "./lib.mjs";

const [hubBin, kioskBin, src] = process.argv.slice(2);
const bench = process.argv.includes("--bench");
if (!hubBin || !kioskBin || !src) {
  console.error("usage: node video_call_e2e.mjs HUB KIOSK SRC [--bench]");
  process.exit(2);
}
await enterNamespace();
const tmp = mkdtempSync(join(tmpdir(), "ledsager-video-"));
const marker = `ledsager-video-test-${process.pid}-${Date.now()}`;
const children = [];
let browser, cleaning = null;
const cleanUp = () => (cleaning ??= (async () => {
  if (browser) await browser.close().catch(() => {});
  endLeftovers(marker);
  await stopAll(children);
  if (!process.env.LEDSAGER_KEEP) rmSync(tmp, { recursive: true, force: true });
})());
const limitS = bench ? 140 : 80;
setTimeout(async () => {
  check(false, `the test finishes within ${limitS} s`);
  await cleanUp();
  finish();
}, limitS * 1000).unref();

// The kiosk's side, as a script: the citizen asks for a caseworker on video from step 2 of
// "Log in with MitID" in Arabic, talks, writes, mutes, turns the camera off and on, rides
// out a lost connection, is hung up on, then calls again and hangs up.
const script = [
  "tap attract.start", "tap language.ar", "tap guide.mitid-login", "tap needs.start", "tap step.choice.app", "tap step.no",
  ...(bench ? ["sleep 2500"] : []),  // the bench reads the kiosk's memory on the step, before any call
  "tap help.video", "tap consent.send", "call-expect phase waiting",
  "call-expect phase active", "call-expect video 30", "call-expect audio 20", "call-stats",
  "type 1234", "call-expect text Ali Hassan", `screenshot ${join(tmp, "kiosk-call.png")}`,
  "tap call.mute", "tap call.camera", "sleep 4000", "tap call.camera", "tap call.mute", "sleep 4000",
  "call-expect phase reconnecting", "call-expect phase active", "call-expect video 30", "call-stats",
  "call-expect phase ended", `screenshot ${join(tmp, "kiosk-ended.png")}`, "tap call.back", "screen step", "sleep 300",
];
// A second kiosk without a camera: told before calling that it is by voice only; talks; hangs up.
const scriptVoice = [
  "tap attract.start", "tap language.en", "tap guide.mitid-login", "tap needs.start", "tap step.choice.app", "tap step.no",
  "expect Talk to a caseworker now, by voice. This kiosk has no camera.", "tap help.video",
  "expect This kiosk has no camera: you will talk by voice only.", "tap consent.send",
  "call-expect phase active", "call-expect audio 20", "call-expect video 10", "expect Voice only", "call-stats",
  `screenshot ${join(tmp, "kiosk-voice.png")}`, "tap call.end", "screen step", "sleep 300",
];
// A third kiosk whose microphone hears only its own speaker (source test-echo: the sound it
// plays, half as loud, as a room brings it back): the caseworker talks for 8 s.
const scriptEcho = [
  "tap attract.start", "tap language.da", "tap guide.mitid-login", "tap needs.start", "tap step.choice.app", "tap step.no",
  "tap help.video", "tap consent.send", "call-expect phase active", "call-expect audio 20", "sleep 3000", "call-stats",
  "sleep 8000", "call-stats", "tap call.end", "screen step", "sleep 300",
];
const kioskLog = [], voiceLog = [], echoLog = [];
function kioskSaid(text, ms = 30000) { return until(() => kioskLog.find((l) => l.includes(text)), ms, 50); }
function kioskSaidTimes(text, n, ms = 30000) { return until(() => kioskLog.filter((l) => l.includes(text)).length >= n, ms, 50); }

// What the caseworker receives from the kiosk: frames, audio energy, and the picture's mean brightness.
async function inbound() {
  const pc = window.__pcs.at(-1);
  const out = { frames: 0, energy: 0, samples: 0, width: 0, brightness: -1, pcs: window.__pcs.length };
  if (!pc) return out;
  (await pc.getStats()).forEach((r) => {
    if (r.type !== "inbound-rtp") return;
    if (r.kind === "video") out.frames = r.framesDecoded || 0;
    if (r.kind === "audio") { out.energy = r.totalAudioEnergy || 0; out.samples = r.totalSamplesReceived || 0; }
  });
  const video = document.getElementById("remote");
  out.width = video.videoWidth;
  if (video.videoWidth) {
    const c = document.createElement("canvas");
    c.width = 64;
    c.height = 48;
    const g = c.getContext("2d", { willReadFrequently: true });
    g.drawImage(video, 0, 0, 64, 48);
    const px = g.getImageData(0, 0, 64, 48).data;
    let sum = 0;
    for (let i = 0; i < px.length; i += 4) sum += (px[i] + px[i + 1] + px[i + 2]) / 3;
    out.brightness = sum / (px.length / 4);
  }
  return out;
}

try {
  const { hub, base } = await startHub(hubBin, join(tmp, "hub"), ["--web", join(src, "hub/web"), "--content", join(src, "assets/guides")]);
  children.push(hub);
  writeFileSync(join(tmp, "kiosk.toml"),
                `[site]\nplace = "By the entrance"\n[hub]\nurl = "${base}"\ntoken = "demo-kiosk-token"\n` +
                `[video]\nsource = "test"\nspeaker = "none"\nloopback = true\n`);
  writeFileSync(join(tmp, "kiosk.script"), script.join("\n") + "\n");
  const kiosk = spawn(kioskBin, ["--config", join(tmp, "kiosk.toml"), "--script", join(tmp, "kiosk.script")],
                      { stdio: ["ignore", "pipe", "pipe"] });
  children.push(kiosk);
  let kioskErr = "";
  kiosk.stdout.on("data", (d) => { for (const l of String(d).split("\n")) if (l) kioskLog.push(l); });
  kiosk.stderr.on("data", (d) => { kioskErr += String(d); });
  const kioskExit = new Promise((resolve) => kiosk.on("exit", (code) => resolve(code)));
  const rssOf = (pid) => Number(readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+)/)[1]);
  const rssBefore = bench ? (async () => { await kioskSaid("ok tap step.no"); await sleep(1500); return rssOf(kiosk.pid); })() : null;
  const startKiosk = (name, video, lines, log) => {
    writeFileSync(join(tmp, `${name}.toml`),
                  `[site]\nplace = "By the stairs"\n[hub]\nurl = "${base}"\ntoken = "demo-kiosk-token"\n` +
                  `[video]\n${video}speaker = "none"\nloopback = true\n`);
    writeFileSync(join(tmp, `${name}.script`), lines.join("\n") + "\n");
    const k = spawn(kioskBin, ["--config", join(tmp, `${name}.toml`), "--script", join(tmp, `${name}.script`)], { stdio: ["ignore", "pipe", "pipe"] });
    children.push(k);
    k.stdout.on("data", (d) => { for (const l of String(d).split("\n")) if (l) log.push(l); });
    k.stderr.on("data", (d) => { kioskErr += String(d); });
    return new Promise((resolve) => k.on("exit", (code) => resolve(code)));
  };
  const startVoiceKiosk = () => startKiosk("voice", `source = "test"\ncamera = ""\n`, scriptVoice, voiceLog);

  browser = await launchChromium({ media: true, marker });
  const page = await caseworkerPage(browser, base);

  // ---- the request arrives with its context (no name, no number: the task, step, language, place)
  const row = await until(async () => (await page.$("#requests .request .answer")) && page.$("#requests .request"), 20000);
  check(!!row, "the kiosk's video request appears in the caseworker's queue");
  const text = row ? await row.textContent() : "";
  check(text.includes("Log ind med MitID") && text.includes("trin 2") && text.includes("العربية") && text.includes("By the entrance"),
        `the request shows the task, step, language and place: ${text.replace(/\s+/g, " ").trim().slice(0, 140)}`);

  // ---- Answer: both ends decode video and audio
  const answerAt = Date.now();
  await page.click("#requests .request .answer");
  const media = await until(async () => {
    const s = await page.evaluate(inbound);
    return s.frames >= 20 && s.energy > 0 && s.width === 640 ? s : null;
  }, 15000);
  check(!!media, `the caseworker decodes the kiosk's 640×480 video and its audio (${Date.now() - answerAt} ms after Answer)` +
                 (media ? `: ${media.frames} frames, audio energy ${media.energy.toFixed(3)}` : ""));
  const stats1 = await kioskSaid("call-stats", 20000);
  const k1 = stats1 ? JSON.parse(stats1.slice(stats1.indexOf("{"))) : null;
  check(k1 && k1.video_frames >= 30 && k1.audible >= 20,
        `the kiosk decodes the caseworker's video and audio: ${k1 ? `${k1.video_frames} frames, ${k1.audible} audible audio buffers` : "no stats"}`);
  if (k1) console.log(`# Answer -> first remote frame on the kiosk: ${k1.first_frame_ms - answerAt} ms`);
  console.log(`# kiosk ${stats1}`);
  check(k1 && k1.first_frame_ms - answerAt < 2000, `first frame on the kiosk under 2 s after Answer (${k1 ? k1.first_frame_ms - answerAt : "?"} ms)`);

  // ---- real-time text both ways
  const theirs = await until(async () => (await page.textContent("#rtt-theirs")).includes("1234"), 10000);
  check(!!theirs, "the citizen's typing (1234) appears on the caseworker's page as typed");
  await page.click("#rtt-mine");
  await page.type("#rtt-mine", "Ali Hassan", { delay: 60 });
  const lastKey = Date.now();
  const received = await kioskSaid("call-text-received", 10000);
  const latency = received ? Number(received.split(" ")[1]) - lastKey : NaN;
  check(received && latency < 500, `the caseworker's typing reaches the kiosk within 500 ms of the last key (${latency} ms)`);
  await page.screenshot({ path: join(tmp, "caseworker-call.png") });
  await axe(page, "the caseworker's call view");

  // ---- the citizen mutes and turns the camera off: the caseworker sees black and hears nothing
  await kioskSaid("ok tap call.camera");
  await sleep(1500);
  const offA = await page.evaluate(inbound);
  await sleep(1000);
  const offB = await page.evaluate(inbound);
  check(offB.brightness >= 0 && offB.brightness < 30, `camera off: the caseworker's picture of the citizen is black (brightness ${offB.brightness.toFixed(0)})`);
  check(offB.energy - offA.energy < 0.001, `mute: no sound reaches the caseworker (energy +${(offB.energy - offA.energy).toFixed(5)} in 1 s)`);
  await kioskSaidTimes("ok tap call.mute", 2);
  await sleep(1500);
  const onA = await page.evaluate(inbound);
  await sleep(1000);
  const onB = await page.evaluate(inbound);
  check(onB.brightness > 60, `camera on again: the picture is back (brightness ${onB.brightness.toFixed(0)})`);
  check(onB.energy - onA.energy > 0.001, `unmuted: sound reaches the caseworker again (energy +${(onB.energy - onA.energy).toFixed(4)} in 1 s)`);

  // ---- a lost connection: the caseworker's connection drops without a word; the kiosk
  // notices, offers afresh, and the page answers by itself
  await kioskSaid("ok sleep 4000");
  await kioskSaidTimes("ok sleep 4000", 2);
  const pcsBefore = await page.evaluate(() => window.__pcs.length);
  const dropAt = Date.now();
  await page.evaluate(() => window.__pcs.at(-1).close());
  const back = await until(async () => {
    const s = await page.evaluate(inbound);
    return s.pcs > pcsBefore && s.frames >= 20 ? s : null;
  }, 25000);
  check(!!back, `the call comes back by itself after the connection is lost (${Date.now() - dropAt} ms, no action from anyone)`);
  check(!!(await kioskSaid("ok call-expect phase reconnecting", 1000)), "the kiosk showed that it was reconnecting meanwhile");
  const stats2 = await until(() => kioskLog.filter((l) => l.startsWith("call-stats")).length >= 2 && kioskLog.filter((l) => l.startsWith("call-stats")).at(-1), 15000);
  const k2 = stats2 ? JSON.parse(stats2.slice(stats2.indexOf("{"))) : null;
  check(k2 && k2.builds >= 2, `the kiosk rebuilt its media after the loss (${k2 ? k2.builds : "?"} pipelines)`);
  console.log(`# kiosk ${stats2}`);

  if (bench) {
    // Kiosk CPU and memory during 10 s of a 640×480 call.
    const stat = () => readFileSync(`/proc/${kiosk.pid}/stat`, "utf8").split(") ")[1].split(" ");
    const ticks = () => { const f = stat(); return Number(f[11]) + Number(f[12]); };
    const t0 = ticks(), w0 = Date.now();
    await sleep(10000);
    const cpu = ((ticks() - t0) / 100) / ((Date.now() - w0) / 1000) * 100;
    const rss = rssOf(kiosk.pid), before = await rssBefore;
    console.log(`# bench: kiosk CPU during a 640x480 call: ${cpu.toFixed(0)} % of one core; RSS ${(rss / 1024).toFixed(0)} MB, ` +
                `${((rss - before) / 1024).toFixed(0)} MB more than on the step before the call (${(before / 1024).toFixed(0)} MB)`);
  }

  // ---- the caseworker hangs up: the kiosk says so and goes back to the step; the outcome is recorded
  await page.click("#hangup");
  check(!!(await kioskSaid("ok call-expect phase ended", 10000)), "the caseworker's End call reaches the kiosk");
  await page.waitForSelector("#outcome:not([hidden])");
  await axe(page, "the outcome form");
  await page.check('input[name="outcome"][value="solved"]');
  await page.click("#save-outcome");
  await page.waitForSelector("#queue:not([hidden])");
  check(!!(await kioskSaid("ok screen step", 15000)), "the citizen is back on the step they called from");

  const code = await Promise.race([kioskExit, sleep(15000).then(() => "timeout")]);
  check(code === 0, `the kiosk's script ran to the end (exit ${code})${code === 0 ? "" : "\n" + kioskLog.slice(-5).join("\n") + "\n" + kioskErr.slice(-800)}`);

  // ---- a second kiosk with no camera: by voice only (said before calling), answered from the
  // keyboard; the citizen hangs up
  const voiceExit = startVoiceKiosk();
  const row2 = await until(async () => page.$("#requests .request .answer"), 20000);
  check(!!row2, "a call from a kiosk without a camera arrives");
  await row2.focus();
  await page.keyboard.press("Enter");
  const voice = await until(async () => { const s = await page.evaluate(inbound); return s.energy > 0 ? s : null; }, 15000);
  check(!!voice && voice.frames === 0, `answered with the keyboard: the caseworker hears the citizen, with no picture (${voice ? voice.frames : "?"} frames)`);
  const voiceStats = await until(() => voiceLog.find((l) => l.startsWith("call-stats")), 20000);
  check(!!voiceStats, `the camera-less kiosk says "Voice only" and still sees and hears the caseworker: ${voiceStats || voiceLog.slice(-3).join(" | ")}`);
  const ended = await until(async () => !(await page.isHidden("#outcome")), 15000);
  check(!!ended && /afsluttede/.test(await page.textContent("#outcome-why")),
        `the citizen's End call reaches the caseworker: "${ended ? (await page.textContent("#outcome-why")).trim() : ""}"`);
  await page.check('input[name="outcome"][value="left"]');
  await page.click("#save-outcome");
  const code2 = await Promise.race([voiceExit, sleep(15000).then(() => "timeout")]);
  check(code2 === 0, `the second kiosk's script ran to the end (exit ${code2})${code2 === 0 ? "" : "\n" + voiceLog.slice(-5).join("\n") + "\n" + kioskErr.slice(-800)}`);

  // ---- echo: a kiosk whose microphone hears only its speaker. The caseworker's voice (the
  // fake microphone's beeps) is played, comes back into the microphone, and the echo canceller
  // takes it out: measured on the kiosk (the microphone's energy before and after it) and on
  // the caseworker's side (what comes back from the kiosk).
  const echoExit = startKiosk("echo", `source = "test-echo"\n`, scriptEcho, echoLog);
  const row3 = await until(async () => page.$("#requests .request .answer"), 20000);
  check(!!row3, "a call from the echo kiosk arrives");
  if (row3) await row3.click();
  const echoStats = (n) => until(() => { const all = echoLog.filter((l) => l.startsWith("call-stats")); return all.length >= n ? JSON.parse(all[n - 1].slice(all[n - 1].indexOf("{"))) : null; }, 30000);
  const e1 = await echoStats(1);
  const heardA = await page.evaluate(inbound);
  const e2 = await echoStats(2);
  const heardB = await page.evaluate(inbound);
  const into = e1 && e2 ? e2.mic_in - e1.mic_in : 0, out = e1 && e2 ? e2.mic_out - e1.mic_out : 0;
  const erle = 10 * Math.log10(into / Math.max(out, 1e-9));
  console.log(`# echo: microphone energy ${into.toFixed(1)} before the canceller, ${out.toFixed(3)} after it (${erle.toFixed(1)} dB less); ` +
              `the caseworker received energy +${(heardB.energy - heardA.energy).toFixed(5)} over the same 8 s`);
  check(into > 1, `the echo kiosk's microphone hears its speaker play the caseworker (energy ${into.toFixed(1)} in 8 s)`);
  // Without the canceller the two are the same (0.3-0.4 dB apart); with it, 10-12 dB here
  // (webrtc-audio-processing 0.3's AEC on Chromium's fake beeps).
  check(erle >= 8, `the echo canceller takes the caseworker's voice out of the microphone (${erle.toFixed(1)} dB less, at least 8)`);
  const echoEnded = await until(async () => !(await page.isHidden("#outcome")), 20000);
  if (echoEnded) {
    await page.check('input[name="outcome"][value="left"]');
    await page.click("#save-outcome");
  }
  const code3 = await Promise.race([echoExit, sleep(15000).then(() => "timeout")]);
  check(code3 === 0, `the echo kiosk's script ran to the end (exit ${code3})${code3 === 0 ? "" : "\n" + echoLog.slice(-5).join("\n") + "\n" + kioskErr.slice(-800)}`);
  check(!kioskErr.includes("CRITICAL") && !/Segmentation|Aborted/.test(kioskErr), "the kiosks logged no critical GStreamer errors");

  const list = await (await page.context().request.get(`${base}/api/v1/help-requests`)).json();
  check(list.requests.length === 0, "every call is closed on the hub (outcomes recorded)");
  if (process.env.LEDSAGER_KEEP) console.log(`# pictures in ${tmp}`);
} catch (e) {
  results.failed++;
  console.log(`not ok - ${e.message}`);
} finally {
  await cleanUp();
}
finish();
