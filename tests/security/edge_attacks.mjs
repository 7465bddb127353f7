// hub_edge_limits, the checks (started by tests/security/edge_limits.sh, which runs the real hub
// and nginx with the shipped deploy/nginx/ledsager-hub.conf on loopback). Everything goes through
// nginx's TLS port unless a check says "the hub on its own".
//
// Checks that need the hub's own changes (--trusted-proxy, 415 for encoded bodies) are marked
// `needsHub`: they fail like any other, unless LEDSAGER_EDGE_PENDING_HUB=1, which reports them
// as pending (for trying this test against a hub built before those changes).
import { gzipSync } from "node:zlib";
import { statSync, readFileSync } from "node:fs";
import tls from "node:tls";
import {
  check, note, finish, sleep, edgeFromEnv, request, json, fromNginx, login, helpRequest, openStream, helpToStream,
  rssSampler, prober, slowloris, chunkedBody, cancelHelpRequest,
} from "./attack_lib.mjs";

const edge = edgeFromEnv();
const pendingOk = process.env.LEDSAGER_EDGE_PENDING_HUB === "1";
const nginxLog = process.env.EDGE_NGINX_LOG;

function needsHub(ok, what, detail, change) {
  if (ok || !pendingOk) return check(ok, `${what} [needs the hub's ${change}]`, detail);
  note(`PENDING - ${what} (${detail}): needs the hub's ${change}, not in this binary`);
  return true;
}

function tlsHandshake(options) {
  return new Promise((resolve) => {
    const s = tls.connect({ host: "127.0.0.1", port: edge.tlsPort, ca: edge.ca, ...options }, () => {
      const r = { ok: true, protocol: s.getProtocol(), cipher: s.getCipher()?.name };
      s.destroy();
      resolve(r);
    });
    s.on("error", (e) => resolve({ ok: false, error: e.code || e.message }));
    s.setTimeout(3000, () => { s.destroy(); resolve({ ok: false, error: "timeout" }); });
  });
}

const step = async (name, fn) => {
  const t0 = Date.now();
  console.log(`# --- ${name}`);
  try { await fn(); } catch (e) { check(false, `${name}: no exception`, e.stack || String(e)); }
  console.log(`# (${name}: ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
};

let cookie = "";

await step("tls", async () => {
  const def = await tlsHandshake({});
  check(def.ok && def.protocol === "TLSv1.3", "tls: TLS 1.3 by default", JSON.stringify(def));
  const v12 = await tlsHandshake({ maxVersion: "TLSv1.2" });
  check(v12.ok && /^ECDHE-.*(GCM|CHACHA20-POLY1305)/.test(v12.cipher || ""), "tls: TLS 1.2 gets a forward-secret AEAD suite", JSON.stringify(v12));
  const rsaKx = await tlsHandshake({ maxVersion: "TLSv1.2", ciphers: "AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA" });
  check(!rsaKx.ok, "tls: suites without forward secrecy are refused", JSON.stringify(rsaKx));
  const cbc = await tlsHandshake({ maxVersion: "TLSv1.2", ciphers: "ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384:ECDHE-ECDSA-AES128-SHA256" });
  check(!cbc.ok, "tls: CBC (non-AEAD) suites are refused", JSON.stringify(cbc));
});

await step("normal use", async () => {
  const h = await request(edge, { path: "/healthz" });
  check(h.status === 200, "normal: /healthz answers 200 through nginx", `${h.status} ${h.error?.message || ""}`);
  check(/^max-age=\d{8,}$/.test(h.headers["strict-transport-security"] || ""), "normal: one HSTS header (max-age of years)",
        h.headers["strict-transport-security"]);
  check(h.headers.server === "nginx", "normal: server_tokens off (no nginx version)", h.headers.server);
  const plain = await request(edge, { scheme: "http", path: "/index.html?x=1" });
  check(plain.status === 301 && /^https:\/\/[^/]+\/index\.html\?x=1$/.test(plain.headers.location || ""),
        "normal: http:// redirects to https://", `${plain.status} ${plain.headers.location}`);

  const l = await login(edge, "demo", "demo-password");
  check(l.status === 200 && !!l.cookie, "normal: staff login through nginx", `${l.status} ${l.text.slice(0, 120)}`);
  cookie = l.cookie;
  const attrs = l.setCookie.split(";").map((a) => a.trim().toLowerCase());
  check(attrs.filter((a) => a === "secure").length === 1 && attrs.includes("httponly"),
        "normal: the session cookie is Secure (once) and HttpOnly", l.setCookie.replace(/=[0-9a-f]{16,}/, "=…"));
  const me = await request(edge, { path: "/api/v1/me", headers: { Cookie: cookie } });
  check(me.status === 200 && json(me)?.name === "Mette Jensen", "normal: GET /api/v1/me with the cookie", `${me.status} ${me.text.slice(0, 80)}`);

  const stream = await openStream(edge, cookie);
  const first = await stream.waitFor((e) => e.event === "requests", 1000);
  check(stream.status === 200 && /text\/event-stream/.test(stream.headers["content-type"] || "") && !!first,
        "normal: the staff event stream opens and sends its first event within 1 s", `${stream.status}`);
  const hs = await helpToStream(edge, stream, "127.0.0.1", 3000);
  check(hs.status === 201 && hs.ok && hs.ms < 1000, "normal: a kiosk's help request reaches the staff event stream within 1 s",
        `${hs.status}, ${hs.ms === null ? "never" : hs.ms.toFixed(0) + " ms"}`);
  if (hs.id) await cancelHelpRequest(edge, hs.id);
  stream.close();

  // The hub on its own (on its loopback port, which only nginx reaches in production): behind
  // the trusted proxy its cookies are Secure even though it speaks plain HTTP.
  const direct = await request(edge, { scheme: "http", port: edge.hubPort, method: "POST", path: "/api/v1/auth/login",
                                       headers: { "Content-Type": "application/json", "X-Real-IP": "192.0.2.7" },
                                       body: JSON.stringify({ username: "demo", password: "demo-password" }) });
  const sc = [].concat(direct.headers["set-cookie"] || []).join(",");
  needsHub(direct.status === 200 && /;\s*Secure/i.test(sc), "hub on its own: session cookie Secure behind the trusted proxy",
           `${direct.status} ${sc.replace(/=[0-9a-f]{16,}/, "=…")}`, "--trusted-proxy");
});

await step("chunked body", async () => {
  const rss = rssSampler(edge.hubPid, 50);
  const r = await chunkedBody(edge, { totalBytes: 400 * 1024 * 1024, chunk: 8192, paceMs: 2 });
  const max = rss.stop();
  check(r.status === 413, "chunked: a 400 MB chunked body is refused with 413", `status ${r.status} after ${(r.ms / 1000).toFixed(2)} s`);
  check(r.sentBytes <= 16 * 1024 + 512 * 1024, "chunked: refused after ~16 KiB (+ what was in flight)",
        `${(r.sentBytes / 1024).toFixed(0)} KiB sent before the 413`);
  check(max < 100, "chunked: the hub's RSS stays under 100 MB", `max ${max.toFixed(1)} MB`);
  if (nginxLog) {
    const spilled = readFileSync(nginxLog, "utf8").split("\n").filter((l) => /buffered to a temporary file/.test(l)).length;
    check(spilled === 0, "chunked: nginx wrote no request body to disk", `${spilled} bodies spilled to temporary files`);
  }
  const big = await request(edge, { method: "POST", path: "/api/v1/auth/login", headers: { "Content-Type": "application/json" },
                                    body: "x".repeat(20 * 1024) });
  check(big.status === 413, "chunked: a 20 KiB body with Content-Length gets 413", `${big.status}`);
  const ok = await helpRequest(edge);
  check(ok.status === 201, "chunked: a kiosk's help request still succeeds afterwards", `${ok.status}`);
  if (json(ok)?.id) await cancelHelpRequest(edge, json(ok).id);
});

await step("gzip body", async () => {
  // 8 MB of JSON that compresses to a few KiB: small on the wire, large once inflated.
  const bomb = gzipSync(Buffer.from(`{"username":"${"a".repeat(8 * 1024 * 1024)}","password":"x"}`), { level: 9 });
  const headers = { "Content-Type": "application/json", "Content-Encoding": "gzip" };
  const rss = rssSampler(edge.hubPid, 50);
  const r = await request(edge, { method: "POST", path: "/api/v1/auth/login", headers, body: bomb });
  check(r.status === 415, "gzip: a gzip-encoded body is refused with 415 through nginx",
        `${r.status} (${bomb.length} bytes compressed)${r.status === 415 ? (fromNginx(r) ? ", by nginx" : ", by the hub") : ""}`);
  const d = await request(edge, { scheme: "http", port: edge.hubPort, method: "POST", path: "/api/v1/auth/login", headers, body: bomb });
  const max = rss.stop();
  needsHub(d.status === 415, "hub on its own: a gzip-encoded body is refused with 415", `${d.status}, hub RSS max ${max.toFixed(1)} MB`,
           "refusal of Content-Encoding bodies");
});

await step("ranges", async () => {
  const size = statSync(`${edge.web}/index.html`).size;
  const ranges = "bytes=" + Array(2000).fill("0-").join(",");
  const r = await request(edge, { path: "/index.html", headers: { Range: ranges } });
  const ct = r.headers["content-type"] || "";
  check((r.status === 200 || r.status === 206) && !/multipart/i.test(ct) && r.body.length <= size,
        "ranges: 2,000 ranges get one answer no bigger than the file (not multipart)",
        `${r.status} ${ct}, ${r.body.length} bytes, file ${size}`);
  const one = await request(edge, { path: "/index.html", headers: { Range: "bytes=0-99" } });
  check((one.status === 206 && one.body.length === 100) || (one.status === 200 && one.body.length === size),
        "ranges: a single range is served (206) or the whole file (200)", `${one.status}, ${one.body.length} bytes`);
});

await step("slowloris", async () => {
  const attack = slowloris(edge, { n: 200, everyMs: 2000, from: "127.0.0.2" });
  await sleep(1000);
  note(`${attack.live} slow connections open`);
  const probes = prober(edge, { everyMs: 250, limitMs: 1000 });
  const helps = [];
  for (let t = 0; t < 14; t++) {
    await sleep(1000);
    if (t === 4 || t === 11) helps.push(await helpRequest(edge));  // the demo kiosk may ask 6 times a minute
  }
  const live = attack.live;
  const p = await probes.stop();
  const st = attack.stop();
  note(`slow connections: ${st.opened} opened, ${st.closedByServer} closed by nginx (${st.got408} with a 408), ${live} open at the end, ` +
       `longest ${(st.longestMs / 1000).toFixed(1)} s`);
  check(p.total >= 40 && p.answered === p.total, "slowloris: every /healthz probe answered in < 1 s",
        `${p.answered}/${p.total}, max ${p.maxMs.toFixed(0)} ms${p.failures.length ? "; " + p.failures.slice(0, 5).join(", ") : ""}`);
  check(helps.length === 2 && helps.every((h) => h.status === 201 && h.ms < 1000), "slowloris: kiosk help requests succeed meanwhile",
        helps.map((h) => `${h.status} in ${h.ms.toFixed(0)} ms`).join(", "));
  for (const h of helps) if (json(h)?.id) await cancelHelpRequest(edge, json(h).id);
  check(st.closedByServer >= 200 && st.longestMs <= 13000,
        "slowloris: nginx closes slow connections within client_header_timeout (10 s) + 3 s",
        `${st.closedByServer} closed, longest ${(st.longestMs / 1000).toFixed(1)} s`);
});

await step("event streams", async () => {
  const streams = [];
  for (let i = 0; i < 7; i++) streams.push(await openStream(edge, cookie, "127.0.0.3"));
  const accepted = streams.filter((s) => s.status === 200).length;
  const refused = streams.filter((s) => s.status === 429).length;
  check(accepted >= 1 && accepted <= 4 && accepted + refused === streams.length,
        "streams: one session gets at most 4 event streams, the rest 429",
        `${accepted} accepted, ${refused} refused (${streams.map((s) => s.status).join(" ")})`);
  const other = await login(edge, "demo-case", "demo-password", "127.0.0.4");
  const s2 = await openStream(edge, other.cookie, "127.0.0.4");
  const first = await s2.waitFor((e) => e.event === "requests", 1000);
  check(other.status === 200 && s2.status === 200 && !!first, "streams: another user's stream still works meanwhile",
        `login ${other.status}, stream ${s2.status}, first event ${first ? "yes" : "no"}`);
  for (const s of [...streams, s2]) s.close();
});

await step("login flood", async () => {
  // Sequential attempts from one address with a wrong password (no password hash is computed).
  const answers = [];
  for (let i = 0; i < 25; i++) {
    answers.push(await request(edge, { method: "POST", path: "/api/v1/auth/login", from: "127.0.0.9",
                                       headers: { "Content-Type": "application/json" },
                                       body: JSON.stringify({ username: "flood-nobody", password: "wrong-password" }) }));
  }
  const byNginx = answers.filter((r) => r.status === 429 && fromNginx(r)).length;
  note(`login flood: ${answers.map((r) => r.status + (fromNginx(r) ? "n" : "")).join(" ")}`);
  check(byNginx >= 12 && answers.slice(-10).every((r) => r.status === 429 && fromNginx(r)),
        "login flood: nginx answers 429 (limit_req: 10/min, burst 10)", `${byNginx} of 25 refused by nginx`);
  check(answers.every((r) => r.ms < 1000), "login flood: refusals are immediate", `max ${Math.max(...answers.map((r) => r.ms)).toFixed(0)} ms`);
  // Another address (another site's front desk) can still log in: the hub counted the failures
  // against the flooding address (X-Real-IP), not against nginx's.
  const ok = await login(edge, "demo", "demo-password", "127.0.0.10");
  needsHub(ok.status === 200, "login flood: another address still logs in", `${ok.status} ${ok.text.slice(0, 80)}`,
           "--trusted-proxy (X-Real-IP for its per-address limit)");
});

finish();
