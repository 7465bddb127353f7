// browser_insight_reports: Debian's Chromium on the hub's insight page. Usage from a kiosk
// (real batches through POST /api/v1/usage with the demo kiosk's token) and help requests
// closed by staff with outcomes; a manager logs in and reads the realistic gains (the
// sentence and the table), the guides ranked by health, a guide's funnel (opened with the
// keyboard), the site figures; downloads the CSV; every count is randomly rounded to a multiple
// of 5 (20 stays 20, 12 shows as 10 or 15, 3 as 0 or 5), with a note saying so; the printable
// page hides the controls; front-desk staff are refused; axe-core finds no serious or
// critical violations; the page switches to English. The kiosk's events and the requests are
// dated in the last final month (the hub's clock set back with libfaketime), the manager reads
// that month on today's clock. Usage: node insight_reports.mjs HUB SRC
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { axe, check, finish, launchChromium, results, startHub, stopAll, until } from "./lib.mjs";

const [hubBin, src] = process.argv.slice(2);
const tmp = mkdtempSync(join(tmpdir(), "ledsager-insight-"));
const children = [];
let browser;
try {
  // Reports cover whole calendar months that are final (from the 3rd day after they end): the
  // kiosk's month of use is the last final one, lived on the hub's clock (libfaketime); then
  // the hub runs on today's clock for the manager.
  const now = new Date();
  const open = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 2));
  const last = new Date(Date.UTC(open.getUTCFullYear(), open.getUTCMonth() - 1, 1));
  const month = last.toISOString().slice(0, 7), today = `${month}-15`;
  const hubArgs = ["--web", join(src, "hub/web"), "--content", join(src, "assets/guides")];
  let { hub, base } = await startHub(hubBin, join(tmp, "hub"), hubArgs, { clock: `${today} 12:00:00` });
  children.push(hub);
  const kiosk = { Authorization: "Bearer demo-kiosk-token", "Content-Type": "application/json" };
  // 20 sessions of "Log in with MitID": all reach the first step, 3 leave there, 17 finish
  // (12 without staff, 5 with); 3 find the step confusing; 5 say it did not help, 12 that it did.
  const events = [];
  for (let i = 0; i < 20; i++) {
    events.push({ type: "session", day: today, hour: 10 + (i % 3), lang: i < 3 ? "da" : "en", modes: i < 6 ? ["large_text"] : [] });
    events.push({ type: "guide_start", day: today, guide: "mitid-login", lang: i < 3 ? "da" : "en" });
    events.push({ type: "step_view", day: today, guide: "mitid-login", step: "have-app", ms: 20000 + i * 1000, value: 1 });
    if (i < 3) { events.push({ type: "guide_left", day: today, guide: "mitid-login", step: "have-app" }); continue; }
    if (i < 6) events.push({ type: "confusing", day: today, guide: "mitid-login", step: "have-app" });
    events.push({ type: "guide_done", day: today, guide: "mitid-login", kind: i < 15 ? "self" : "staff" });
    events.push({ type: "helped", day: today, guide: "mitid-login", value: i < 8 ? 0 : 1 });
  }
  for (let at = 0; at < events.length; at += 50) {
    const r = await fetch(`${base}/api/v1/usage`, { method: "POST", headers: kiosk, body: JSON.stringify({ events: events.slice(at, at + 50) }) });
    check(r.status === 204, `a usage batch is taken (${r.status})`);
  }
  // Two help requests, handled by the front desk.
  const staffLogin = await fetch(`${base}/api/v1/auth/login`, { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: "demo", password: "demo-password" }) });
  const staffCookie = staffLogin.headers.get("set-cookie").split(";")[0];
  const staffCsrf = (await staffLogin.json()).csrf;
  for (const outcome of ["solved", "appointment"]) {
    const r = await fetch(`${base}/api/v1/help-requests`, { method: "POST", headers: kiosk,
      body: JSON.stringify({ kind: "in_person", guide: "mitid-login", step: "have-app", step_number: 1, language: "en" }) });
    const id = (await r.json()).id;
    const h = { Cookie: staffCookie, "X-CSRF-Token": staffCsrf, "Content-Type": "application/json" };
    await fetch(`${base}/api/v1/help-requests/${id}/claim`, { method: "POST", headers: h });
    const done = await fetch(`${base}/api/v1/help-requests/${id}/resolve`, { method: "POST", headers: h, body: JSON.stringify({ outcome }) });
    check(done.status === 200, `a help request is resolved: ${outcome}`);
  }

  // The same month, sent again now, is too late: it is final and reads the same (five more
  // starts would show as 25).
  await stopAll(children);
  ({ hub, base } = await startHub(hubBin, join(tmp, "hub"), hubArgs));
  children.push(hub);
  {
    const late = Array.from({ length: 5 }, () => ({ type: "guide_start", day: today, guide: "mitid-login", lang: "da" }));
    const r = await fetch(`${base}/api/v1/usage`, { method: "POST", headers: kiosk, body: JSON.stringify({ events: late }) });
    check(r.status === 204, `late events are taken (${r.status}), and dropped`);
  }

  browser = await launchChromium();
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
  const staff = await ctx.newPage();
  await staff.goto(`${base}/insight.html`);
  await axe(staff, "the login form");
  await staff.fill("#username", "demo");
  await staff.fill("#password", "demo-password");
  await staff.press("#password", "Enter");
  check(!!(await until(async () => (await staff.textContent("#report-error")).includes("ledere"), 5000)), "front-desk staff are told the reports are for managers");
  // The session's CSRF token from /me (the page's state is inside its module, not global).
  await staff.evaluate(async () => {
    const me = await (await fetch("/api/v1/me")).json();
    await fetch("/api/v1/auth/logout", { method: "POST", headers: { "X-CSRF-Token": me.csrf } });
  });

  const mctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
  const page = await mctx.newPage();
  const pageErrors = [];
  page.on("pageerror", (e) => { console.log(`  page error: ${e.message}`); pageErrors.push(e.message); });
  await page.goto(`${base}/insight.html`);
  await page.fill("#username", "demo-manager");
  await page.fill("#password", "demo-password");
  await page.press("#password", "Enter");
  const row = await until(async () => { const r = await page.$$eval("#guides tbody tr", (trs) => trs.map((tr) => tr.innerText)); return r.length ? r[0] : null; }, 5000);
  check(!!row && row.includes("Log ind med MitID"), `the guide is listed by its Danish title: ${row && row.replace(/\s+/g, " ")}`);
  // Guide, health, started, done (without / with staff), left, help, confusing, helped (yes / no).
  const cells = (row || "").split("\t").map((c) => c.trim());
  check(cells[2] === "20", `started 20 times (a multiple of 5 stays; the late ones are not counted): ${cells[2]}`);
  check(await page.inputValue("#from") === month && await page.inputValue("#to") === month, `the period is the last final month, ${month}`);
  check(/^(10|15) \/ 5$/.test(cells[3] || ""), `completed 12 times without staff (10 or 15), 5 with: ${cells[3]}`);
  check(["0", "5"].includes(cells[4]), `left by 3: shown as 0 or 5: ${cells[4]}`);
  check(["0", "5"].includes(cells[6]), `"confusing" 3 times: 0 or 5: ${cells[6]}`);
  check(/^(10|15) \/ 5$/.test(cells[7] || ""), `Did it help: 12 yes (10 or 15), 5 no: ${cells[7]}`);
  const text = await page.evaluate(() => document.body.innerText);
  check(!text.includes("<5") && !text.includes("≥"), "no count is shown as <5 or ≥N");
  check((await page.textContent("#rounding")).includes("afrundet til 5"), "the page says the figures are rounded at random");
  const sentence = await page.textContent("#gains-text");
  check(/(10|15) opgaver klaret ved skærmene uden personale/.test(sentence), `the gains in a sentence, with the count: ${sentence}`);
  check(sentence.includes("ikke fremskrevet"), "and says the figures are counted, not extrapolated");
  const gains = await page.$$eval("#gains tbody tr", (trs) => trs.map((tr) => tr.innerText.replace(/\s+/g, " ")));
  // Visits are the sum of the languages' rounded counts (da 3, en 17): 0 or 5 plus 15 or 20.
  check(gains.some((g) => /Besøg ved skærmene (15|20|25) /.test(g)), `the table has the visits (15, 20 or 25): ${gains.join(" | ")}`);
  // What the content needs, beside the figures: every guide the hub serves, used or not.
  check(cells[8] && cells[8] !== "–", `the guide's row says what its content needs: ${cells[8]}`);
  const content = await page.$$eval("#content tbody tr", (trs) => trs.map((tr) => [...tr.children].map((td) => td.innerText.trim())));
  check(content.length === 10, `the content table lists all 10 guides the kiosks show: ${content.length}`);
  check(content.every((r) => r.length === 3 && r[0] && /\d{4}-\d{2}-\d{2}/.test(r[1]) && /\bda: /.test(r[2])),
        `each with the day its sources were checked and each language's review: ${JSON.stringify(content[0])}`);
  await axe(page, "the reports");

  // A guide's funnel, with the keyboard.
  await page.focus('button[aria-label^="Se trin"]');
  await page.keyboard.press("Enter");
  check(await page.evaluate(() => document.activeElement.id) === "funnel-title", "the funnel opens and takes the focus");
  const steps = await page.$$eval("#steps tbody tr", (trs) => trs.map((tr) => tr.innerText.replace(/\s+/g, " ")));
  check(steps.length === 1 && /\b20 (0|5) /.test(steps[0]), `the step reached by 20, left by 0 or 5: ${steps.join(" | ")}`);
  check(/\d+–\d+ s/.test(steps[0] || ""), "with its typical time");
  const months = await page.$$eval("#months tbody tr", (trs) => trs.map((tr) => tr.innerText.replace(/\s+/g, " ")));
  check(months.length === 1 && / 20 (15|20)$/.test(months[0]), `month by month: 20 started, 17 completed (15 or 20): ${months.join(" | ")}`);
  // Every count on the page is a multiple of 5 (the counts' columns of each table).
  const counts = await page.evaluate(() => {
    const pick = (sel, idx) => [...document.querySelectorAll(sel)].flatMap((tr) => idx.map((i) => (tr.children[i] ? tr.children[i].innerText : "")));
    return [...pick("#guides tbody tr", [2, 3, 4, 5, 6, 7]), ...pick("#steps tbody tr", [1, 2, 3, 4]), ...pick("#months tbody tr", [1, 2]),
            ...pick("#gains tbody tr:not(:last-child)", [1])].join(" ").match(/\d+/g) || [];
  });
  check(counts.length > 15 && counts.every((x) => Number(x) % 5 === 0), `every count is a multiple of 5: ${counts.join(" ")}`);
  await axe(page, "the funnel");
  const site = await page.textContent("#sites");
  check(site.includes("Demo Library") && /Besøg\s*(15|20|25)/.test(site) && site.includes("henvendelser"), `the site figures: ${site.slice(0, 160)}`);

  // A month that is not final yet is refused with the reason; the last final month again.
  const next = new Date(Date.UTC(last.getUTCFullYear(), last.getUTCMonth() + 1, 1)).toISOString().slice(0, 7);
  await page.fill("#to", next);
  await page.fill("#from", next);
  await page.click("#period button[type=submit]");
  check(!!(await until(async () => (await page.textContent("#report-error")).includes("ikke afsluttet"), 5000)), "a month not yet final is refused, and why");
  await page.fill("#from", month);
  await page.fill("#to", month);
  await page.click("#period button[type=submit]");
  check(!!(await until(async () => (await page.textContent("#report-error")) === "", 5000)), "the last final month shows again");

  // CSV download.
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#csv")]);
  const file = join(tmp, "gains.csv");
  await download.saveAs(file);
  const csv = readFileSync(file, "utf8");
  check(csv.startsWith("figure,value,what it counts") && /tasks completed without staff,(10|15),/.test(csv), "the CSV holds the figures with what they count");
  check(csv.includes("rounded to a multiple of 5 at random") && !csv.includes("<5") && !csv.includes("≥"), "the CSV says the counts are rounded, and has no <5");

  // Printable: the controls are hidden.
  await page.emulateMedia({ media: "print" });
  check(!(await page.isVisible("#period")) && !(await page.isVisible("#csv")), "the printed page has no controls");
  await page.screenshot({ path: join(tmp, "print.png"), fullPage: true });
  await page.emulateMedia({ media: "screen" });
  await page.click("#lang");
  check(!!(await until(async () => (await page.textContent("#gains-text")).includes("without staff"), 5000)), "the page switches to English");
  check((await page.textContent("#guides tbody")).includes("Log in with MitID"), "with the English guide titles");
  check((await page.textContent("#rounding")).includes("Figures are rounded to 5 at random"), "and the note on rounding in English");
  check(pageErrors.length === 0, "no script errors on the insight page (its modules load)");
} catch (e) {
  results.failed++;
  console.log(`not ok - ${e.message}`);
} finally {
  if (browser) await browser.close().catch(() => {});
  await stopAll(children);
  rmSync(tmp, { recursive: true, force: true });
}
finish();
