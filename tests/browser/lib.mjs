// Shared by the browser tests: TAP-style checks, a free port, polling, axe-core, Debian's
// Chromium with the flags a closed machine needs, the hub, and a fresh network namespace.
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { createServer } from "node:net";
import { chromium } from "playwright-core";

export const results = { passed: 0, failed: 0, started: Date.now() };

export function check(ok, what) {
  if (ok) { results.passed++; console.log(`ok - ${what}`); } else { results.failed++; console.log(`not ok - ${what}`); }
  return ok;
}

export function finish() {
  console.log(`${results.passed} passed, ${results.failed} failed (${((Date.now() - results.started) / 1000).toFixed(1)} s)`);
  process.exit(results.failed === 0 && results.passed > 0 ? 0 : 1);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export const freePort = () => new Promise((resolve) => {
  const s = createServer().listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => resolve(p)); });
});

// Polls fn until it returns something truthy; returns that, or null after `ms`.
export async function until(fn, ms, every = 100) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) return null;
    await sleep(every);
  }
}

const axeSource = readFileSync(new URL("./node_modules/axe-core/axe.min.js", import.meta.url), "utf8");
export async function axe(page, what) {
  // Evaluated through the DevTools protocol: the page keeps its strict CSP (no inline scripts).
  if (!(await page.evaluate(() => !!window.axe))) await page.evaluate(axeSource);
  const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ["violations"] }));
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  for (const v of bad) console.log(`  axe ${v.impact}: ${v.id}: ${v.help} (${v.nodes.length} nodes: ${v.nodes.map((n) => n.target).join(" ")})`);
  check(bad.length === 0, `axe: no serious or critical violations on ${what}`);
}

// As root: runs this very script again inside new network and PID namespaces (only loopback,
// so ICE surely uses 127.0.0.1; every process left behind ends with the namespace). Returns
// only inside the namespace, or when namespaces are not possible (not root, or turned off
// with LEDSAGER_TEST_NAMESPACE=off).
export async function enterNamespace() {
  const nsArgs = ["--net", "--pid", "--fork", "--mount-proc", "--kill-child"];
  if (!process.env.LEDSAGER_TEST_NAMESPACE && process.getuid && process.getuid() === 0 &&
      spawnSync("unshare", [...nsArgs, "sh", "-c", "ip link set lo up"], { stdio: "ignore" }).status === 0) {
    const inner = spawn("unshare", [...nsArgs, "sh", "-c", 'ip link set lo up && exec "$0" "$@"', process.execPath, ...process.argv.slice(1)],
                        { stdio: "inherit", env: { ...process.env, LEDSAGER_TEST_NAMESPACE: "inside" } });
    for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => inner.kill(sig));
    const code = await new Promise((resolve) => inner.on("exit", (c) => resolve(c ?? 1)));
    process.exit(code);
  }
  if (process.env.LEDSAGER_TEST_NAMESPACE === "inside") console.log("# in new network and PID namespaces (loopback only)");
}

// Debian's Chromium, headless, quiet on a closed network; `media` adds the fake camera and
// microphone and loopback ICE for WebRTC tests. `marker` goes into the browser's environment
// so that endLeftovers() can find what it leaves behind.
export function launchChromium({ media = false, marker = "" } = {}) {
  const args = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic"];
  if (media) args.push("--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", "--allow-loopback-in-peer-connection",
                       "--disable-features=WebRtcHideLocalIpsWithMdns,Translate", "--autoplay-policy=no-user-gesture-required");
  return chromium.launch({ executablePath: "/usr/bin/chromium", args, env: { ...process.env, LEDSAGER_TEST_RUN: marker } });
}

// Ends the browser processes a test started that are still there (by the marker in their
// environment), by process id.
export function endLeftovers(marker) {
  if (!marker) return;
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/environ`, "latin1").includes(`LEDSAGER_TEST_RUN=${marker}`)) process.kill(Number(pid), "SIGKILL");
    } catch (e) { /* gone, or not ours to read */ }
  }
}

// Starts ledsager-hub on a free port and waits until it answers; returns { hub, base, port }.
// With `clock` ("YYYY-MM-DD hh:mm:ss", UTC), the hub's clock starts at that moment (Debian's
// libfaketime; the monotonic clock is left alone).
export async function startHub(hubBin, dataDir, extraArgs = [], { clock } = {}) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const args = ["--data", dataDir, "--listen", `127.0.0.1:${port}`, "--demo", ...extraArgs];
  const hub = clock
    ? spawn(hubBin, args, { stdio: ["ignore", "ignore", "inherit"],
                            env: { ...process.env, LD_PRELOAD: "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1", FAKETIME: `@${clock}`, TZ: "UTC", DONT_FAKE_MONOTONIC: "1" } })
    : spawn(hubBin, args, { stdio: ["ignore", "ignore", "inherit"] });
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(`${base}/healthz`)).ok) break; } catch { /* not yet */ }
    await sleep(50);
  }
  return { hub, base, port };
}

// Stops child processes: SIGTERM, then SIGKILL after 3 s.
export async function stopAll(children) {
  for (const c of children) {
    if (c.exitCode !== null || c.signalCode !== null) continue;
    const exited = new Promise((resolve) => c.once("exit", resolve));
    c.kill("SIGTERM");
    await Promise.race([exited, sleep(3000)]);
    if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  }
}

// Inside a page: every RTCPeerConnection it makes, kept in window.__pcs for reading stats.
export function recordPeers() {
  const Native = window.RTCPeerConnection;
  window.__pcs = [];
  window.RTCPeerConnection = class extends Native {
    constructor(...args) { super(...args); window.__pcs.push(this); }
  };
}

// The caseworker's page, logged in as the demo caseworker, its peer connections recorded.
export async function caseworkerPage(browser, base) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  await context.addInitScript(recordPeers);
  const page = await context.newPage();
  await page.goto(`${base}/caseworker.html`);
  await page.fill("#username", "demo-case");
  await page.fill("#password", "demo-password");
  await page.press("#password", "Enter");
  await page.waitForSelector("#queue:not([hidden])");
  return page;
}
