// The figures of tests/bench/attack_bench.sh (which starts the hub behind nginx): kiosk help
// request -> staff event stream latency, /healthz probes and the hub's RSS, without and with an
// attack of 200 slowloris connections, 200 event streams and a flood of chunked bodies.
import { readFileSync } from "node:fs";
import {
  sleep, edgeFromEnv, json, fromNginx, login, openStream, helpToStream, cancelHelpRequest, rssMB, rssSampler, prober,
  slowloris, chunkedBody, percentile,
} from "../security/attack_lib.mjs";

const edge = edgeFromEnv();
const N = Number(process.env.BENCH_N || 100);
// The hub lets one kiosk ask a few times a minute: the requests go round the bench's kiosks.
const kioskTokens = readFileSync(process.env.BENCH_KIOSK_TOKENS, "utf8").split("\n").filter(Boolean);
let nextKiosk = 0;
const nginxPid = Number(readFileSync(`${process.env.EDGE_CA.replace(/tls\/hub\.crt$/, "")}nginx/nginx.pid`, "utf8"));

// nginx's master and workers together.
function nginxRssMB() {
  let kids = [];
  try { kids = readFileSync(`/proc/${nginxPid}/task/${nginxPid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number); } catch { /* gone */ }
  return [nginxPid, ...kids].reduce((sum, pid) => sum + (rssMB(pid) ?? 0), 0);
}

async function measure(stream) {
  const rss = rssSampler(edge.hubPid, 100);
  let nginxMax = nginxRssMB();
  const nginxTimer = setInterval(() => { nginxMax = Math.max(nginxMax, nginxRssMB()); }, 250);
  const probes = prober(edge, { everyMs: 250, limitMs: 1000 });
  const lat = [];
  const failures = {};
  let failed = 0;
  for (let i = 0; i < N; i++) {
    const token = kioskTokens[nextKiosk++ % kioskTokens.length];
    const r = await helpToStream(edge, stream, "127.0.0.1", 3000, token);
    if (r.ok) lat.push(r.ms); else { failed++; failures[r.status] = (failures[r.status] || 0) + 1; }
    if (r.id) await cancelHelpRequest(edge, r.id, "127.0.0.1", token);
    await sleep(20);
  }
  const p = await probes.stop();
  clearInterval(nginxTimer);
  if (failed) console.log(`# help requests that failed, by status: ${JSON.stringify(failures)}`);
  return { p50: percentile(lat, 50), p95: percentile(lat, 95), max: Math.max(...lat), failed, probes: p, rss: rss.stop(), nginx: nginxMax };
}

// The attacker's event streams: `sessions` x `perSession`, each reopened a second after a
// refusal (a persistent attacker). stop() returns what happened.
function streamFlood(sessions, perSession) {
  const st = { attempts: 0, accepted: 0, nginx429: 0, hub429: 0, hub503: 0, other: {}, open: new Set() };
  let running = true;
  const one = async (cookie, from) => {
    while (running) {
      st.attempts++;
      const s = await openStream(edge, cookie, from);
      if (s.status === 200) {
        st.accepted++;
        st.open.add(s);
        await s.waitFor(() => false, 3600e3).catch(() => {});  // until closed
        st.open.delete(s);
        if (!running) return;
      } else {
        if (s.status === 429 && s.headers["content-type"]?.includes("text/html")) st.nginx429++;
        else if (s.status === 429) st.hub429++;
        else if (s.status === 503) st.hub503++;
        else st.other[s.status || s.error?.code] = (st.other[s.status || s.error?.code] || 0) + 1;
        s.close();
      }
      await sleep(1000);
    }
  };
  const loops = [];
  sessions.forEach((cookie, i) => { for (let k = 0; k < perSession; k++) loops.push(one(cookie, `127.0.3.${((i * perSession + k) % 4) + 1}`)); });
  return {
    get open() { return st.open.size; },
    stop() { running = false; const openAtEnd = st.open.size; for (const s of st.open) s.close(); return { ...st, openAtEnd }; },
  };
}

// Chunked bodies, one after another on `n` connections at once, as fast as they go.
function chunkedFlood(n) {
  const st = { bodies: 0, statuses: {}, bytes: 0 };
  let running = true;
  const loops = Array.from({ length: n }, (_, i) => (async () => {
    while (running) {
      const r = await chunkedBody(edge, { path: "/api/v1/help-requests", chunk: 16384, paceMs: 0, from: `127.0.4.${i + 1}` });
      st.bodies++;
      st.bytes += r.sentBytes;
      st.statuses[r.status] = (st.statuses[r.status] || 0) + 1;
    }
  })());
  return { async stop() { running = false; await Promise.all(loops); return st; } };
}

const fmt = (v, d = 0) => (Number.isFinite(v) ? v.toFixed(d) : "-");

// ---- the staff member whose console must keep working, and the phase without attack
const staff = await login(edge, "demo", "demo-password");
if (staff.status !== 200) { console.error(`login failed: ${staff.status} ${staff.text}`); process.exit(1); }
const console1 = await openStream(edge, staff.cookie);
if (console1.status !== 200) { console.error(`event stream failed: ${console1.status}`); process.exit(1); }
await console1.waitFor((e) => e.event === "requests", 2000);
console.log(`# without attack: ${N} help requests, /healthz every 250 ms`);
const before = await measure(console1);

// ---- the attacker's sessions: 10 staff users x 5 logins, from five addresses (10 each, within
// nginx's login burst), four at a time (nginx allows 4 password checks in flight). Done before
// the measured phase: each check takes 64 MiB in the hub for ~0.1 s.
const sessions = [];
const jobs = [];
for (let u = 1; u <= 10; u++) for (let k = 0; k < 5; k++) jobs.push([u, k]);
let loginRefused = 0;
for (let i = 0; i < jobs.length; i += 4) {
  const batch = await Promise.all(jobs.slice(i, i + 4).map(([u, k]) => login(edge, `u${u}`, `bench-password-${u}`, `127.0.2.${k + 1}`)));
  for (const l of batch) if (l.status === 200) sessions.push(l.cookie); else loginRefused++;
}
console.log(`# attacker: ${sessions.length} sessions of 10 users (${loginRefused} logins refused); hub RSS now ${fmt(rssMB(edge.hubPid), 1)} MB`);

const slow = slowloris(edge, { n: 200, everyMs: 2000, from: "127.0.0.2" });
const streams = streamFlood(sessions, 4);
const chunks = chunkedFlood(4);
await sleep(3000);
console.log(`# with attack: ${slow.live} slow connections, ${streams.open} attacker streams open; ${N} help requests, /healthz every 250 ms`);
const during = await measure(console1);
const slowSt = slow.stop();
const streamSt = streams.stop();
const chunkSt = await chunks.stop();
const stillOpen = !console1.closed;
console1.close();

const rows = [
  ["help request -> event stream p50 (ms)", fmt(before.p50), fmt(during.p50), ""],
  ["help request -> event stream p95 (ms)", fmt(before.p95), fmt(during.p95), "< 300"],
  ["help request -> event stream max (ms)", fmt(before.max), fmt(during.max), ""],
  ["help requests not seen within 3 s", `${before.failed}/${N}`, `${during.failed}/${N}`, "0"],
  ["/healthz answered < 1 s / probes", `${before.probes.answered}/${before.probes.total}`, `${during.probes.answered}/${during.probes.total}`, "all"],
  ["/healthz max latency (ms)", fmt(before.probes.maxMs), fmt(during.probes.maxMs), "< 1000"],
  ["hub RSS max (MB)", fmt(before.rss, 1), fmt(during.rss, 1), "< 100"],
  ["nginx RSS max, all processes (MB)", fmt(before.nginx, 1), fmt(during.nginx, 1), ""],
];
const w = [40, 16, 16, 8];
const line = (r) => r.map((c, i) => String(c).padEnd(w[i])).join("");
console.log("");
console.log(line(["", "without attack", "with attack", "target"]));
for (const r of rows) console.log(line(r));
console.log("");
console.log(`attack: slowloris ${slowSt.opened} connections opened, ${slowSt.closedByServer} closed by nginx (longest ${fmt(slowSt.longestMs / 1000, 1)} s)`);
console.log(`attack: event streams ${streamSt.attempts} attempts for 200 held (10 users x 5 sessions x 4): ${streamSt.accepted} accepted ` +
            `(${streamSt.openAtEnd} open at the end), refused: ${streamSt.nginx429} by nginx (429, 4 per session), ` +
            `${streamSt.hub429} by the hub (429, per user), ${streamSt.hub503} by the hub (503, in total)` +
            (Object.keys(streamSt.other).length ? `, other ${JSON.stringify(streamSt.other)}` : ""));
console.log(`attack: chunked bodies ${chunkSt.bodies} sent (${fmt(chunkSt.bytes / 1048576, 1)} MB before refusal), answers ${JSON.stringify(chunkSt.statuses)}`);
console.log(`the staff console's own stream ${stillOpen ? "stayed open" : "was closed"} through the attack`);
const met = during.p95 < 300 && during.probes.answered === during.probes.total && during.rss < 100 && during.failed === 0;
console.log(`targets ${met ? "met" : "NOT met"} under attack`);
process.exit(0);
