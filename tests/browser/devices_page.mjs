// browser_devices_page: Debian's Chromium on the hub's Devices page. Two kiosks send real
// heartbeats through the API (one with a failing printer); IT staff see the failing one first
// with its error in words, the fine one after; front-desk staff are told the page is not
// theirs; axe-core finds no serious or critical violations. Usage: node devices_page.mjs HUB SRC
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { axe, check, finish, launchChromium, results, startHub, stopAll, until } from "./lib.mjs";

const [hubBin, src] = process.argv.slice(2);
const tmp = mkdtempSync(join(tmpdir(), "ledsager-devices-"));
const children = [];
let browser;
try {
  const { hub, base } = await startHub(hubBin, join(tmp, "hub"), ["--web", join(src, "hub/web"), "--content", join(src, "assets/guides")]);
  children.push(hub);
  const added = spawnSync(hubBin, ["--data", join(tmp, "hub"), "kiosk", "add", "--site", "demo", "--name", "kiosk-2", "--place", "Hall"],
                          { encoding: "utf8" });
  const token2 = (added.stdout.match(/shown once\): (\S+)/) || [])[1];
  check(!!token2, "a second kiosk is added with the hub's CLI");
  const beat = (token, body) => fetch(`${base}/api/v1/heartbeat`, { method: "POST", body: JSON.stringify(body),
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" } }).then((r) => r.status);
  const common = { version: "0.1.0", uptime_s: 3600, content_version: "10-abc123", camera: "ok", audio: "ok" };
  check(await beat("demo-kiosk-token", { ...common, printer: "none" }) === 204, "kiosk-1 sends its heartbeat");
  check(await beat(token2, { ...common, printer: "failing", last_error: "/dev/usb/lp0: out of paper" }) === 204,
        "kiosk-2 sends its heartbeat with a failing printer");

  browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  await page.goto(`${base}/devices.html`);
  await axe(page, "the login form");
  await page.fill("#username", "demo");
  await page.fill("#password", "demo-password");
  await page.press("#password", "Enter");
  const refused = await until(async () => (await page.textContent("#fleet-error")).includes("IT"), 5000);
  check(!!refused, "front-desk staff are told the page is for IT staff");
  await page.goto(`${base}/api/v1/auth/logout`).catch(() => {});
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const it = await ctx.newPage();
  await it.goto(`${base}/devices.html`);
  await it.fill("#username", "demo-it");
  await it.fill("#password", "demo-password");
  await it.press("#password", "Enter");
  const rows = await until(async () => { const r = await it.$$eval("#devices tbody tr", (trs) => trs.map((tr) => tr.innerText)); return r.length === 2 ? r : null; }, 5000);
  check(!!rows, `IT staff see both kiosks: ${rows ? rows.join(" | ").replace(/\s+/g, " ") : ""}`);
  check(rows && /Fejl/.test(rows[0]) && rows[0].includes("kiosk-2") && rows[0].includes("out of paper"),
        "the failing kiosk comes first, with its error in words");
  check(rows && /I orden/.test(rows[1]) && rows[1].includes("kiosk-1") && rows[1].includes("0.1.0"), "the fine kiosk after it, with its version");
  check((await it.textContent("#summary")).includes("1 kræver opmærksomhed"), "the summary counts what needs attention");
  await axe(it, "the Devices table");
  await it.click("#lang");
  check((await it.textContent("#devices thead")).includes("Last heard"), "the page switches to English");
} catch (e) {
  results.failed++;
  console.log(`not ok - ${e.message}`);
} finally {
  if (browser) await browser.close().catch(() => {});
  await stopAll(children);
  rmSync(tmp, { recursive: true, force: true });
}
finish();
