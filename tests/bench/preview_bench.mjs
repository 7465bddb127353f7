// The content studio's preview: figures, not a test. A real hub on loopback with its real
// kiosk renderer; an editor's change to "Log in with MitID" is previewed as the page does it
// while typing: each request sends the Danish (or Arabic) file as it is in the editor, one
// word different each time (so nothing comes from the cache), for every step of the guide,
// at 100 % and 200 % text and in both themes. Prints the time from request to picture
// (p50/p95/max, as the editor waits for it) and the renderer's own time, the first picture
// (the renderer's start) apart. Target (issue 15): a preview within 2 s of a change.
//   node tests/bench/preview_bench.mjs [HUB_BINARY] [SRC] [ROUNDS]
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startHub, stopAll } from "../browser/lib.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const src = process.argv[3] || resolve(here, "../..");
const hubBin = process.argv[2] || join(src, "build/hub/ledsager-hub");
const rounds = Number(process.argv[4] || 2);
const tmp = mkdtempSync(join(tmpdir(), "ledsager-preview-bench-"));
const children = [];
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]; };
try {
  const { hub, base } = await startHub(hubBin, join(tmp, "hub"), ["--content", join(src, "assets/guides")]);
  children.push(hub);
  const login = await fetch(`${base}/api/v1/auth/login`, { method: "POST", headers: { "Content-Type": "application/json" },
                                                            body: JSON.stringify({ username: "demo-editor", password: "demo-password" }) });
  const cookie = login.headers.get("set-cookie").split(";")[0];
  const { csrf } = await login.json();
  const headers = { "Content-Type": "application/json", Cookie: cookie, "X-CSRF-Token": csrf };
  const made = await (await fetch(`${base}/api/v1/content/drafts`, { method: "POST", headers, body: JSON.stringify({ guide: "mitid-login" }) })).json();
  const draft = await (await fetch(`${base}/api/v1/content/drafts/${made.id}`, { headers })).json();
  const texts = { da: readFileSync(join(src, "assets/guides/mitid-login/da.toml"), "utf8"),
                  ar: readFileSync(join(src, "assets/guides/mitid-login/ar.toml"), "utf8") };
  const steps = draft.steps;
  let n = 0;
  const preview = async (lang, step, scale, theme) => {
    n++;
    // The editor's text with one more word in the guide's subtitle: a picture not drawn before.
    const text = texts[lang].replace(/^subtitle = "/m, `subtitle = "${n} `);
    const t0 = performance.now();
    const r = await fetch(`${base}/api/v1/content/drafts/${made.id}/preview`, {
      method: "POST", headers, body: JSON.stringify({ lang, step, scale, theme, name: `${lang}.toml`, text }) });
    const png = await r.arrayBuffer();
    const wall = performance.now() - t0;
    if (r.status !== 200) throw new Error(`preview ${lang} ${step}: ${r.status} ${Buffer.from(png).toString()}`);
    return { wall, own: Number(r.headers.get("x-preview-ms")), bytes: png.byteLength };
  };
  const first = await preview("da", steps[0], 100, "default");
  const wall = [], own = [], bytes = [];
  for (let round = 0; round < rounds; round++)
    for (const lang of ["da", "ar"])
      for (const [scale, theme] of [[100, "default"], [200, "default"], [100, "contrast"]])
        for (const step of steps) {
          const p = await preview(lang, step, scale, theme);
          wall.push(p.wall); own.push(p.own); bytes.push(p.bytes);
        }
  const f = (x) => x.toFixed(0).padStart(5);
  console.log(`preview of one step, change to picture on the editor's side (n=${wall.length}, ${steps.length} steps x da/ar x 100%/200%/contrast x ${rounds}):`);
  console.log(`  request to picture   p50 ${f(pct(wall, 50))} ms   p95 ${f(pct(wall, 95))} ms   max ${f(Math.max(...wall))} ms   (target: within 2000 ms)`);
  console.log(`  renderer's own time  p50 ${f(pct(own, 50))} ms   p95 ${f(pct(own, 95))} ms   max ${f(Math.max(...own))} ms`);
  console.log(`  first preview (renderer started): ${f(first.wall)} ms; picture size p50 ${(pct(bytes, 50) / 1024).toFixed(0)} KiB`);
} finally {
  await stopAll(children);
  rmSync(tmp, { recursive: true, force: true });
}
