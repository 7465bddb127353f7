// Shared by tests/security/edge_attacks.mjs (the hub_edge_limits test) and
// tests/bench/attack_bench.mjs: clients of the hub's production edge (nginx with TLS in front of
// ledsager-hub on loopback) and the attacks of the security finding, with node's own modules.
// Every connection goes to 127.0.0.1; `from` picks a loopback source address (127.0.0.0/8) so
// that one machine can play several client addresses.
import http from "node:http";
import https from "node:https";
import net from "node:net";
import tls from "node:tls";
import { readFileSync } from "node:fs";

// ---- TAP-style checks (as tests/browser/lib.mjs; that one needs playwright)
export const results = { passed: 0, failed: 0, started: Date.now() };
export function check(ok, what, detail = "") {
  if (ok) results.passed++; else results.failed++;
  console.log(`${ok ? "ok" : "not ok"} - ${what}${detail ? ` (${detail})` : ""}`);
  return ok;
}
export function note(text) { console.log(`# ${text}`); }
export function finish() {
  console.log(`${results.passed} passed, ${results.failed} failed (${((Date.now() - results.started) / 1000).toFixed(1)} s)`);
  process.exit(results.failed === 0 && results.passed > 0 ? 0 : 1);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const KIOSK_TOKEN = "demo-kiosk-token";
export const HELP_BODY = { kind: "in_person", guide: "mitid-login", step: "user-id", step_number: 3, language: "da" };

// The edge: { tlsPort, httpPort, hubPort, ca (PEM), hubPid } from the environment set by the
// shell scripts (edge_env.sh).
export function edgeFromEnv() {
  const need = (k) => { const v = process.env[k]; if (!v) throw new Error(`${k} is not set`); return v; };
  return {
    tlsPort: Number(need("EDGE_TLS_PORT")), httpPort: Number(need("EDGE_HTTP_PORT")), hubPort: Number(need("EDGE_HUB_PORT")),
    ca: readFileSync(need("EDGE_CA")), hubPid: Number(need("EDGE_HUB_PID")), web: need("EDGE_WEB"),
    trustedProxy: process.env.EDGE_TRUSTED_PROXY === "1",
  };
}

// One request on its own connection. Resolves (never rejects) to
// { status, headers, body (Buffer), text, ms, error }; status 0 when there was no answer.
export function request(edge, { method = "GET", path = "/", headers = {}, body = null, from = "127.0.0.1", timeout = 5000,
                                 scheme = "https", port = null } = {}) {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const mod = scheme === "https" ? https : http;
    const opts = { host: "127.0.0.1", port: port ?? (scheme === "https" ? edge.tlsPort : edge.httpPort), method, path, headers: { ...headers },
                   agent: false, localAddress: from };
    if (scheme === "https") opts.ca = edge.ca;
    if (body !== null && !("Content-Length" in opts.headers) && !("Transfer-Encoding" in opts.headers))
      opts.headers["Content-Length"] = Buffer.byteLength(body);
    let done = false;
    const finishWith = (r) => { if (!done) { done = true; resolve({ ms: performance.now() - t0, ...r }); } };
    const req = mod.request(opts, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const b = Buffer.concat(chunks);
        finishWith({ status: res.statusCode, headers: res.headers, body: b, text: b.toString("utf8"), error: null });
      });
      res.on("error", (e) => finishWith({ status: res.statusCode, headers: res.headers, body: Buffer.alloc(0), text: "", error: e }));
    });
    req.setTimeout(timeout, () => { req.destroy(new Error(`no answer within ${timeout} ms`)); });
    req.on("error", (e) => finishWith({ status: 0, headers: {}, body: Buffer.alloc(0), text: "", error: e }));
    if (body !== null) req.write(body);
    req.end();
  });
}

export const json = (r) => { try { return JSON.parse(r.text); } catch { return null; } };
// nginx's own error pages are HTML; the hub answers JSON.
export const fromNginx = (r) => /text\/html/.test(r.headers["content-type"] || "");

export async function login(edge, username, password, from = "127.0.0.1") {
  const r = await request(edge, { method: "POST", path: "/api/v1/auth/login", from,
                                  headers: { "Content-Type": "application/json" }, body: JSON.stringify({ username, password }) });
  const setCookie = [].concat(r.headers["set-cookie"] || []).find((c) => c.startsWith("ledsager_session=")) || "";
  const m = /^ledsager_session=([^;]*)/.exec(setCookie);
  return { ...r, setCookie, cookie: m ? `ledsager_session=${m[1]}` : "", csrf: json(r)?.csrf || "" };
}

// A kiosk's help request (the hub allows each kiosk a few a minute and 3 open at once).
export function helpRequest(edge, from = "127.0.0.1", token = KIOSK_TOKEN, body = HELP_BODY) {
  return request(edge, { method: "POST", path: "/api/v1/help-requests", from,
                         headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" }, body: JSON.stringify(body) });
}

export function cancelHelpRequest(edge, id, from = "127.0.0.1", token = KIOSK_TOKEN) {
  return request(edge, { method: "POST", path: `/api/v1/help-requests/${id}/cancel`, from,
                         headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" }, body: "{}" });
}

// A staff console's event stream (server-sent events). Resolves once the answer's head is
// there (or it failed) to { status, events: [{ at, event, data }], waitFor(pred, ms), close() }.
export function openStream(edge, cookie, from = "127.0.0.1", timeout = 5000) {
  return new Promise((resolve) => {
    const s = { status: 0, events: [], error: null, closed: false, waiters: [], headers: {} };
    const notify = () => { for (const w of [...s.waiters]) w(); };
    s.waitFor = (pred, ms) => new Promise((res) => {
      const done = (v) => { clearTimeout(t); s.waiters = s.waiters.filter((w) => w !== waiter); res(v); };
      const waiter = () => { const e = s.events.find(pred); if (e) done(e); else if (s.closed) done(null); };
      const t = setTimeout(() => done(null), ms);
      s.waiters.push(waiter);
      waiter();
    });
    const req = https.request({ host: "127.0.0.1", port: edge.tlsPort, path: "/api/v1/events", method: "GET", agent: false,
                                localAddress: from, ca: edge.ca, headers: { Cookie: cookie, Accept: "text/event-stream" } }, (res) => {
      s.status = res.statusCode;
      s.headers = res.headers;
      let buf = "";
      res.setEncoding("utf8");
      res.on("data", (d) => {
        buf += d;
        let i;
        while ((i = buf.indexOf("\n\n")) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          let event = "", data = "";
          for (const line of block.split("\n")) {
            if (line.startsWith("event:")) event = line.slice(6).trim();
            else if (line.startsWith("data:")) data += line.slice(5).trim();
          }
          if (event) {
            let parsed = null;
            try { parsed = JSON.parse(data); } catch { /* keep null */ }
            s.events.push({ at: performance.now(), event, data: parsed });
          }
        }
        notify();
      });
      res.on("end", () => { s.closed = true; notify(); });
      res.on("error", () => { s.closed = true; notify(); });
      resolve(s);
    });
    s.close = () => { s.closed = true; req.destroy(); };
    req.setTimeout(timeout, () => { if (!s.status) req.destroy(new Error("no answer")); });
    req.on("error", (e) => { s.error = e; s.closed = true; notify(); resolve(s); });
    req.end();
  });
}

// True when an event of the stream lists help request `id`.
export const listsRequest = (id) => (e) => e.event === "requests" && (e.data?.requests || []).some((r) => r.id === id);

// One kiosk help request and the time until it is on a staff member's event stream (ms), or null.
export async function helpToStream(edge, stream, from = "127.0.0.1", waitMs = 3000, token = KIOSK_TOKEN) {
  const t0 = performance.now();
  const r = await helpRequest(edge, from, token);
  const id = json(r)?.id;
  if (r.status !== 201 || !id) return { ok: false, status: r.status, ms: null, id: null };
  const e = await stream.waitFor(listsRequest(id), waitMs);
  return { ok: !!e, status: r.status, ms: e ? e.at - t0 : null, id };
}

export function rssMB(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : null;
  } catch { return null; }
}

// Samples a process's RSS every `everyMs` until stop(); stop() returns the maximum (MB).
export function rssSampler(pid, everyMs = 100) {
  let max = rssMB(pid) ?? 0;
  const t = setInterval(() => { const v = rssMB(pid); if (v !== null && v > max) max = v; }, everyMs);
  return { stop() { clearInterval(t); const v = rssMB(pid); if (v !== null && v > max) max = v; return max; }, get max() { return max; } };
}

// /healthz probes every `everyMs` on fresh connections (as a kiosk after a network blip);
// a probe counts as answered with a 200 within `limitMs`. stop() returns the figures.
export function prober(edge, { everyMs = 250, limitMs = 1000, from = "127.0.0.1", path = "/healthz" } = {}) {
  const pending = [];
  const t = setInterval(() => pending.push(request(edge, { path, from, timeout: 3000 })), everyMs);
  return {
    async stop() {
      clearInterval(t);
      const probes = await Promise.all(pending);
      const ok = (r) => r.status === 200 && r.ms < limitMs;
      return {
        total: probes.length,
        answered: probes.filter(ok).length,
        maxMs: probes.reduce((m, r) => Math.max(m, r.status === 200 ? r.ms : Infinity), 0),
        failures: probes.filter((r) => !ok(r)).map((r) => `${r.status || r.error?.code || r.error?.message} in ${r.ms.toFixed(0)} ms`),
      };
    },
  };
}

// Slowloris: `n` TLS connections that each send a request header one line every `everyMs` and
// never finish it. A connection the server closes is opened again while the attack runs.
// stop() returns { opened, closedByServer, got408, longestMs (connect to close by the server) }.
export function slowloris(edge, { n = 200, everyMs = 2000, from = "127.0.0.2", port = null } = {}) {
  const st = { opened: 0, closedByServer: 0, got408: 0, longestMs: 0, handshakeErrors: 0 };
  let running = true;
  const live = new Set();
  const open = () => {
    if (!running) return;
    const t0 = performance.now();
    const sock = tls.connect({ host: "127.0.0.1", port: port ?? edge.tlsPort, ca: edge.ca, localAddress: from });
    live.add(sock);
    st.opened++;
    let timer = null, lines = 0, established = false;
    sock.on("secureConnect", () => {
      established = true;
      sock.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n");
      timer = setInterval(() => { if (!sock.destroyed) sock.write(`X-Slow-${lines++}: ${"a".repeat(16)}\r\n`); }, everyMs);
    });
    sock.on("data", (d) => { if (/^HTTP\/1\.1 408/.test(d.toString("latin1"))) st.got408++; });
    const closed = () => {
      if (!live.has(sock)) return;
      live.delete(sock);
      clearInterval(timer);
      if (running) {
        if (established) { st.closedByServer++; st.longestMs = Math.max(st.longestMs, performance.now() - t0); } else st.handshakeErrors++;
        setTimeout(open, 10);
      }
    };
    sock.on("error", closed);
    sock.on("close", closed);
  };
  for (let i = 0; i < n; i++) setTimeout(open, Math.floor((i * 500) / n));  // all opened within 0.5 s
  return {
    get live() { return live.size; },
    stop() {
      running = false;
      for (const s of live) s.destroy();
      live.clear();
      return st;
    },
  };
}

// A chunked request body of up to `totalBytes`, sent in `chunk`-byte chunks, `chunk` bytes per
// `paceMs`, until the server answers or closes. Resolves to { status, sentBytes (before the
// answer came), ms, answeredEarly }.
export function chunkedBody(edge, { path = "/api/v1/auth/login", totalBytes = 400 * 1024 * 1024, chunk = 8192, paceMs = 2,
                                    from = "127.0.0.1", host = "127.0.0.1", port = null, secure = true } = {}) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const sock = secure ? tls.connect({ host, port: port ?? edge.tlsPort, ca: edge.ca, localAddress: from })
                        : net.connect({ host, port, localAddress: from });
    let sent = 0, status = 0, answer = "", done = false;
    const piece = Buffer.alloc(chunk, "x");
    const frame = Buffer.concat([Buffer.from(`${chunk.toString(16)}\r\n`), piece, Buffer.from("\r\n")]);
    const end = () => {
      if (done) return;
      done = true;
      sock.destroy();
      resolve({ status, sentBytes: sent, ms: performance.now() - t0 });
    };
    sock.on(secure ? "secureConnect" : "connect", async () => {
      sock.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`);
      while (!done && !status && sent < totalBytes) {
        if (!sock.write(frame)) await new Promise((r) => sock.once("drain", r));
        sent += chunk;
        await sleep(paceMs);
      }
      if (!done && !status) sock.write("0\r\n\r\n");
    });
    sock.on("data", (d) => {
      answer += d.toString("latin1");
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(answer);
      if (m) { status = Number(m[1]); end(); }
    });
    sock.on("error", end);
    sock.on("close", end);
  });
}
export function percentile(values, p) {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}
