// browser_staff_console: Debian's Chromium (driven by playwright-core) logs a staff member
// into the hub's console, sees a help request from a real headless kiosk appear live,
// claims it (the kiosk then shows who is coming) and resolves it. axe-core checks every
// console page: no serious or critical violations. Usage: node staff_console.mjs HUB KIOSK SRC
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { startHub } from "./lib.mjs";

const [hubBin, kioskBin, src] = process.argv.slice(2);
const axeSource = readFileSync(new URL("./node_modules/axe-core/axe.min.js", import.meta.url), "utf8");
const tmp = mkdtempSync(join(tmpdir(), "ledsager-browser-"));
const children = [];
let passed = 0, failed = 0;

function check(ok, what) {
  if (ok) { passed++; console.log(`ok - ${what}`); } else { failed++; console.log(`not ok - ${what}`); }
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function axe(page, what) {
  // Evaluated through the DevTools protocol: the page keeps its strict CSP (no inline scripts).
  if (!(await page.evaluate(() => !!window.axe))) await page.evaluate(axeSource);
  const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ["violations"] }));
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  for (const v of bad) console.log(`  axe ${v.impact}: ${v.id}: ${v.help} (${v.nodes.length} nodes)`);
  check(bad.length === 0, `axe: no serious or critical violations on ${what}`);
}

let browser;
try {
  const { hub, base } = await startHub(hubBin, join(tmp, "hub"), ["--web", join(src, "hub/web"), "--content", join(src, "assets/guides")]);
  children.push(hub);

  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--no-first-run", "--disable-quic"],
  });
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  const pageErrors = [];
  page.on("pageerror", (e) => pageErrors.push(e.message));
  page.on("console", (m) => { if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) pageErrors.push(m.text()); });
  await page.goto(base + "/");
  check(await page.isVisible("#login"), "the console opens on the login form");
  await axe(page, "the login page");

  // Wrong password first: a plain message, no way in.
  await page.fill("#username", "demo");
  await page.fill("#password", "wrong-password");
  await page.press("#password", "Enter");
  await page.waitForSelector("#login-error:not(:empty)");
  check((await page.textContent("#login-error")).includes("Forkert"), "a wrong password is refused with a plain message");

  // Log in with the keyboard.
  await page.fill("#password", "demo-password");
  await page.press("#password", "Enter");
  await page.waitForSelector("#queue:not([hidden])");
  check(await page.isVisible("text=Ingen venter lige nu."), "logged in: the queue is empty");
  check(await page.isHidden("#login"), "the login form is gone once logged in");
  await axe(page, "the empty queue");

  // A quiet "may need help" signal from a kiosk (a citizen long on one step) shows at once.
  await fetch(`${base}/api/v1/signals`, {
    method: "POST", headers: { Authorization: "Bearer demo-kiosk-token", "Content-Type": "application/json" },
    body: JSON.stringify({ reason: "idle_on_step", guide: "mitid-login", step: "user-id", step_number: 3, language: "ar" }),
  });
  await page.waitForSelector("#signals-box:not([hidden])", { timeout: 5000 });
  const signal = await page.textContent("#signals");
  check(signal.includes("står stille på samme trin") && signal.includes("trin 3") && signal.includes("العربية"),
        "a 'may need help' signal shows where and on which step, before anyone asks");
  await axe(page, "the queue with a 'may need help' signal");

  // A real headless kiosk asks for help.
  const config = join(tmp, "kiosk.toml");
  writeFileSync(config, `[hub]\nurl = "${base}"\ntoken = "demo-kiosk-token"\n[site]\nplace = "Ved indgangen"\n`);
  const script = join(tmp, "kiosk.script");
  writeFileSync(script, ["tap attract.start", "tap language.da", "tap guide.mitid-login", "tap needs.start",
                         "tap step.choice.app", "tap step.no", "tap help.in_person", "tap consent.send", "expect A-001",
                         "expect Mette er på vej hen til dig.", "sleep 300"].join("\n") + "\n");
  let sentAt = 0;
  const kiosk = spawn(kioskBin, ["--config", config, "--script", script], { stdio: ["ignore", "pipe", "inherit"] });
  children.push(kiosk);
  kiosk.stdout.on("data", (d) => { if (String(d).includes("ok tap consent.send")) sentAt = Date.now(); });
  const kioskDone = new Promise((resolve) => kiosk.on("exit", (code) => resolve(code)));

  await page.waitForSelector(".request .number:has-text('A-001')", { timeout: 15000 });
  const seenAt = Date.now();
  check(true, "the request appears in the open console without reloading");
  if (sentAt) console.log(`  kiosk tap -> shown in the console: ${seenAt - sentAt} ms`);
  const text = await page.textContent(".request");
  check(text.includes("Log ind med MitID, trin 2"), "the console shows the task (by its title) and step");
  check(text.includes("Ved indgangen") || text.includes("By the entrance"), "the console shows the kiosk's place");
  check(text.includes("Dansk"), "the console shows the citizen's language");
  check(text.includes("Mette"), "the console shows who speaks the language");
  check(await page.evaluate(() => document.querySelector(".request").classList.contains("new")), "a new request is highlighted");
  check(await page.isHidden("#signals-box"), "the signal gives way to the kiosk's request");
  await axe(page, "the queue with a waiting citizen");

  // Claim with the keyboard: focus the button and press Enter.
  await page.focus(".request .claim");
  await page.keyboard.press("Enter");
  await page.waitForSelector(".request.claimed");
  check(true, "claimed: the request shows as taken");
  check((await kioskDone) === 0, "the kiosk showed 'Mette er på vej hen til dig.'");

  await page.selectOption(".request .outcome", "appointment");
  await page.click(".request .resolve");
  await page.waitForSelector("#empty:not([hidden])");
  check(true, "resolved: the queue is empty again");

  await page.click("#lang");
  check(await page.isVisible("text=Nobody is waiting right now."), "the console switches to English");
  await axe(page, "the English console");

  // A tablet: nothing wider than the screen.
  await page.setViewportSize({ width: 800, height: 1280 });
  check(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), "usable on a tablet (no sideways scrolling)");
  await page.click("#logout");
  await page.waitForSelector("#login:not([hidden])");
  check(true, "logged out");
  for (const e of pageErrors) console.log(`  page error: ${e}`);
  check(pageErrors.length === 0, "no script errors on the page (its modules load)");
} catch (e) {
  failed++;
  console.log(`not ok - ${e.message}`);
} finally {
  if (browser) await browser.close().catch(() => {});
  for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
  await sleep(200);
  rmSync(tmp, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
