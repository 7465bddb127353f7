// browser_devices_page: Debian's Chromium on the hub's Devices page. Two kiosks send real
// heartbeats through the API (one with a failing printer); IT staff see the failing one first
// with its error in words, the fine one after; front-desk staff are told the page is not
// theirs; axe-core finds no serious or critical violations. An IT admin makes a one-time
// code on the page, the real kiosk program enrolls with it (once only), the new kiosk shows
// up, and the Revoke button refuses its token at once. A published content bundle shows in
// the summary, with the kiosks not yet on it marked. Usage: node devices_page.mjs HUB SRC KIOSK
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { axe, check, finish, launchChromium, results, startHub, stopAll, until } from "./lib.mjs";

const [hubBin, src, kioskBin] = process.argv.slice(2);
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
  check(await beat("demo-kiosk-token", { ...common, printer: "none" }) === 200, "kiosk-1 sends its heartbeat");
  check(await beat(token2, { ...common, printer: "failing", last_error: "/dev/usb/lp0: out of paper" }) === 200,
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
  const pageErrors = [];
  it.on("pageerror", (e) => { console.log(`  page error: ${e.message}`); pageErrors.push(e.message); });
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

  // A new kiosk: a one-time code made on the page, typed on the kiosk.
  check(await it.isVisible("#enroll"), "IT admins see 'Tilføj en skærm'");
  await it.fill("#enroll-name", "kiosk-3");
  await it.fill("#enroll-place", "Læsesalen");
  await it.selectOption("#enroll-valid", "3600");
  await it.click("#enroll-form button[type=submit]");
  const code = await until(async () => { const c = (await it.textContent("#enroll-code")).trim(); return c || null; }, 5000);
  check(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/.test(code || ""), `a one-time code is shown: ${code}`);
  check((await it.textContent("#enroll-command")).includes(`ledsager-kiosk enroll --hub ${base} --code ${code}`),
        "with the command to type on the new kiosk");
  check(await it.evaluate(() => document.activeElement.id) === "enroll-code", "focus moves to the code");
  await axe(it, "the new code");
  const enroll = (name) => spawnSync(kioskBin, ["enroll", "--hub", base, "--code", code, "--name", name, "--out", join(tmp, `${name}.toml`)],
                                     { encoding: "utf8" });
  const first = enroll("kiosk-3");
  check(first.status === 0, `the real kiosk enrolls with the code: ${first.stdout.trim()} ${first.stderr.trim()}`);
  const again = enroll("kiosk-4");
  check(again.status !== 0 && /already been used/.test(again.stderr), `the same code a second time is refused: ${again.stderr.trim()}`);
  const token3 = (readFileSync(join(tmp, "kiosk-3.toml"), "utf8").match(/token = "([^"]+)"/) || [])[1];
  check(!!token3, "the kiosk's own token is in its device file");
  check(await beat(token3, { ...common, printer: "none" }) === 200, "the new kiosk's heartbeat is accepted");
  await it.reload();  // the page asks for the devices again at once (page scripts are modules: no global refresh())
  const row3 = await until(async () => (await it.$$eval("#devices tbody tr", (trs) => trs.map((tr) => tr.innerText))).find((r) => r.includes("kiosk-3")), 5000);
  check(!!row3 && row3.includes("Læsesalen"), `the new kiosk is listed with its place: ${row3}`);

  // Published content: the summary says which version, and who is not on it yet.
  const keygen = spawnSync(hubBin, ["content", "keygen", "--secret-key", join(tmp, "content.key")], { encoding: "utf8" });
  const publish = spawnSync(hubBin, ["--data", join(tmp, "hub"), "content", "publish", "--from", join(src, "assets/guides"),
                                     "--secret-key", join(tmp, "content.key"), "--public-key", keygen.stdout.trim().split("\n").pop()],
                            { encoding: "utf8" });
  check(publish.status === 0, `a content bundle is published: ${publish.stdout.trim()} ${publish.stderr.trim()}`);
  await it.reload();
  const summary = await until(async () => { const x = await it.textContent("#summary"); return x.includes("v1") ? x : null; }, 5000);
  check(!!summary && summary.includes("Udgivet indhold: v1") && summary.includes("3 skærme har det ikke endnu"),
        `the summary shows the published version and who lacks it: ${summary}`);
  check(await beat(token3, { ...common, printer: "none", content_version: "v1 10-abc" }) === 200, "kiosk-3 reports v1");
  await it.reload();
  const row3b = await until(async () => { const r = (await it.$$eval("#devices tbody tr", (trs) => trs.map((tr) => tr.innerText))).find((x) => x.includes("kiosk-3")); return r && !r.includes("ikke nyeste") ? r : null; }, 5000);
  check(!!row3b, "a kiosk on the newest content is not marked");

  // Site settings from the page: what the site's kiosks get from the hub.
  check(await it.isVisible("#settings"), "IT admins see the site's settings");
  await it.fill("#set-timeout", "180");
  for (const code of ["da", "en", "ar"]) await it.check(`#set-lang-${code}`);
  await it.selectOption("#set-default", "en");
  await it.fill("#set-hours", "mon-fri 09:00-18:00, sat 10:00-14:00");
  await it.fill("#set-desk-en", "Ask at counter 3, on the ground floor.");
  await it.click("#settings-form button[type=submit]");
  const saved = await until(async () => { const x = await it.textContent("#settings-status"); return x ? x : null; }, 5000);
  check(!!saved && saved.includes("Gemt"), `the settings are saved: ${saved}`);
  const got = await fetch(`${base}/api/v1/kiosk/settings`, { headers: { Authorization: `Bearer ${token3}` } }).then((r) => r.json());
  check(got.settings.inactivity_timeout_s === 180 && got.settings.languages.join() === "da,en,ar" && got.settings.default_language === "en" &&
        got.settings.opening_hours.startsWith("mon-fri") && got.settings.front_desk.en.includes("counter 3") && got.revision !== "0.0",
        `a kiosk of the site gets them: ${JSON.stringify(got)}`);
  await it.fill("#set-hours", "9-18");
  await it.click("#settings-form button[type=submit]");
  const refusedHours = await until(async () => { const x = await it.textContent("#settings-status"); return x.includes("opening_hours") ? x : null; }, 5000);
  check(!!refusedHours, `bad opening hours are refused, naming the field: ${refusedHours}`);
  await it.reload();
  const kept = await until(async () => { const v = await it.inputValue("#set-hours").catch(() => ""); return v ? v : null; }, 5000);
  check(kept === "mon-fri 09:00-18:00, sat 10:00-14:00", `the saved settings are kept and shown again: ${kept}`);
  await axe(it, "the site's settings");

  // Revoke from the page (after a confirmation): its token is refused at once.
  it.once("dialog", (d) => d.accept());
  await it.click('button[aria-label="Spær kiosk-3"]');
  const revoked = await until(async () => (await it.$$eval("#devices tbody tr", (trs) => trs.map((tr) => tr.innerText))).find((r) => r.includes("kiosk-3") && r.includes("Spærret")), 5000);
  check(!!revoked, "kiosk-3 shows as revoked");
  check(await beat(token3, { ...common, printer: "none" }) === 401, "the revoked kiosk's token is refused");
  // Front-desk staff cannot make codes or revoke.
  const staffCtx = await browser.newContext();
  const staff = await staffCtx.newPage();
  await staff.goto(`${base}/devices.html`);
  const staffCalls = await staff.evaluate(async () => {
    const login = await fetch("/api/v1/auth/login", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ username: "demo", password: "demo-password" }) });
    const csrf = (await login.json()).csrf;
    const h = { "Content-Type": "application/json", "X-CSRF-Token": csrf };
    const a = await fetch("/api/v1/enroll-codes", { method: "POST", headers: h, body: JSON.stringify({ site: "demo", name: "kiosk-9", place: "x" }) });
    const b = await fetch("/api/v1/devices/1/revoke", { method: "POST", headers: h });
    return [a.status, b.status];
  });
  check(staffCalls[0] === 403 && staffCalls[1] === 403, `front-desk staff may not make codes or revoke: ${staffCalls}`);

  await it.click("#lang");
  check((await it.textContent("#devices thead")).includes("Last heard"), "the page switches to English");
  check((await it.textContent("#enroll-title")).includes("Add a kiosk"), "the enrollment form too");
  // Someone guessing at the login form is told to wait, not that the password is wrong.
  const guess = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
  await guess.goto(`${base}/devices.html`);
  const said = [];
  for (let i = 0; i < 7; i++) {
    await guess.fill("#username", "someone-guessing");
    await guess.fill("#password", `guess-${i}-password`);
    await guess.evaluate(() => { document.getElementById("login-error").textContent = ""; });
    await guess.press("#password", "Enter");
    said.push(await until(async () => (await guess.textContent("#login-error")) || null, 5000));
  }
  check(said[0] === "Forkert brugernavn eller adgangskode." && said[6] === "For mange forsøg. Vent et par minutter.",
        `a rate-limited login says so on the Devices page too: ${said.join(" | ")}`);
  check(pageErrors.length === 0, "no script errors on the Devices page (its modules load)");
} catch (e) {
  results.failed++;
  console.log(`not ok - ${e.message}`);
} finally {
  if (browser) await browser.close().catch(() => {});
  await stopAll(children);
  rmSync(tmp, { recursive: true, force: true });
}
finish();
