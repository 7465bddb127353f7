// browser_content_studio: Debian's Chromium on the hub's content studio (content.html). An
// editor finds the guides with each language's state, starts a change to "Log in with MitID",
// saves a broken Danish file and sees the problem with its file and line (a click puts the
// cursor on that line), mends it, changes the English title beside its Danish source, and
// sends it for approval. A reviewer sees what changed, line by line, and approves; the hub
// signs and publishes version 1 with its publishing key, and the guides list shows the new
// title. The texts open as a form (a field for each text, under its source language's, a check
// error at its field), the file a click away. A translator takes the Arabic out as a PO file and reads it back in. The editor sees each screen as the kiosk draws it beside the text, following the
// cursor and the typing, and the reviewer sees it too. Front-desk staff are told the page is not theirs. axe-core finds no serious or
// critical violations on each view. A real kiosk on loopback (ledsager-kiosk, headless, pinning
// the hub's publishing key) has a citizen on "Log in with MitID" while it is published: it
// takes the bundle, keeps the old words until that citizen's session ends, and shows "Sign
// in with MitID" to the next. Usage: node content_studio.mjs HUB SRC KIOSK
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { axe, check, finish, launchChromium, results, startHub, stopAll, until } from "./lib.mjs";

const [hubBin, src, kioskBin] = process.argv.slice(2);
const tmp = mkdtempSync(join(tmpdir(), "ledsager-studio-"));
const children = [];
let browser;
try {
  const key = join(tmp, "publishing.key");
  const made = spawnSync(hubBin, ["--data", join(tmp, "hub"), "content", "keygen", "--secret-key", key], { encoding: "utf8" });
  check(made.status === 0, "the hub's publishing key is made with content keygen");
  const publicKey = (made.stdout.match(/^[A-Za-z0-9+/]{43}=$/m) || [""])[0];
  const { hub, base } = await startHub(hubBin, join(tmp, "hub"), ["--web", join(src, "hub/web"), "--content", join(src, "assets/guides"),
                                                                  "--content-secret-key", key]);
  children.push(hub);
  // A kiosk that pins the publishing key: a citizen starts "Log in with MitID" in English and
  // is still there when the change is published.
  const kioskConfig = join(tmp, "kiosk.toml");
  writeFileSync(kioskConfig, `[session]\ninactivity_timeout_s = 900\n[hub]\nurl = "${base}"\ntoken = "demo-kiosk-token"\n` +
                `[content]\npublic_keys = ["${publicKey}"]\nstore_dir = "${join(tmp, "kiosk-content")}"\n[video]\nenabled = false\n`);
  const kioskScript = join(tmp, "kiosk.script");
  writeFileSync(kioskScript, ["tap attract.start", "tap language.en", "expect Log in with MitID",
                              "content staged 1 150", "expect Log in with MitID", "tap bar.end", "content served 1 30",
                              "screen attract", "tap attract.start", "tap language.en", "expect Sign in with MitID"].join("\n") + "\n");
  const kiosk = spawn(kioskBin, ["--config", kioskConfig, "--script", kioskScript], { stdio: ["ignore", "pipe", "pipe"] });
  children.push(kiosk);
  let kioskSaid = "";
  kiosk.stdout.on("data", (d) => { kioskSaid += d; });
  kiosk.stderr.on("data", (d) => { kioskSaid += d; });
  const kioskDone = new Promise((resolve) => kiosk.on("exit", (code) => resolve(code)));
  browser = await launchChromium();
  const pageErrors = [];
  const open = async (user) => {
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const page = await ctx.newPage();
    page.on("pageerror", (e) => { console.log(`  page error: ${e.message}`); pageErrors.push(e.message); });
    page.on("dialog", (d) => d.accept());
    await page.goto(`${base}/content.html`);
    await page.fill("#username", user);
    await page.fill("#password", "demo-password");
    await page.press("#password", "Enter");
    return page;
  };

  const desk = await open("demo");
  check(!!(await until(async () => (await desk.textContent("#page-error")).includes("vejledninger"), 5000)),
        "front-desk staff are told the page is for those who write and approve guides");

  const editor = await open("demo-editor");
  const mitid = await until(async () => editor.$('tr.guide[data-guide="mitid-login"]'), 5000);
  check(!!mitid, "the editor sees the guides");
  const cells = await editor.$$eval('tr.guide[data-guide="mitid-login"] td.lang', (tds) => tds.map((td) => `${td.dataset.lang}:${td.textContent}`));
  check(cells.includes("da:udgivet") && cells.length === 10, `each of the ten kiosk languages has its state (${cells.join(" ")})`);
  await axe(editor, "the guides list");

  await editor.click('tr.guide[data-guide="mitid-login"] button.edit');
  check(!!(await until(async () => (await editor.inputValue("#text")).includes("Log ind med MitID"), 5000)),
        "a change starts from the published Danish text");
  // The texts open as a form: each text in its own field, named by its step, no TOML.
  const formField = (key) => `#text-form textarea[data-key="${key}"]`;
  const userId = await until(async () => editor.$(formField("step.user-id.title")), 5000);
  check(!!userId && (await userId.inputValue()) === "Skriv dit bruger-ID" && await userId.isVisible(),
        "the Danish texts open as a form, a field for each text");
  const legend = userId ? await userId.evaluate((a) => a.closest("fieldset").querySelector("legend").textContent) : "";
  check(/^Trin \d+: Skriv dit bruger-ID$/.test(legend), `... grouped by step, named by number and title (${legend})`);
  await axe(editor, "the editor with the texts as a form");
  await editor.click("#view-file");
  check(!!(await until(async () => editor.isVisible("#text"), 5000)), "the file itself is a click away");
  const danish = await editor.inputValue("#text");
  await editor.fill("#text", danish + "\n[step.have-app\n");
  await editor.click("#save");
  const problem = await until(async () => editor.$('#problems button.problem.error[data-file="da.toml"]'), 5000);
  check(!!problem, "a broken save shows the problem at its file");
  const line = problem ? Number(await problem.getAttribute("data-line")) : 0;
  check(line > 1 && (await problem.textContent()).includes(`linje ${line}`), `... and its line, in words (line ${line})`);
  if (problem) await problem.click();
  const at = await editor.evaluate(() => {
    const a = document.getElementById("text");
    return { focused: document.activeElement === a, line: a.value.slice(0, a.selectionStart).split("\n").length };
  });
  check(at.focused && at.line === line, `a click on the problem puts the cursor on line ${line} (${JSON.stringify(at)})`);
  await editor.click("#submit");
  check(!!(await until(async () => (await editor.textContent("#editor-status")).includes("lykkedes ikke"), 5000)),
        "a change with errors cannot be sent for approval");

  await editor.fill("#text", danish.replace('title = "Log ind med MitID"', 'title = "Log på med MitID"'));
  await editor.click("#save");
  check(!!(await until(async () => (await editor.textContent("#checks")).startsWith("Ingen fejl"), 5000)), "mended: no errors");
  // The preview: the screen as the kiosk draws it (the hub asks the kiosk's own renderer),
  // on the step the cursor is in, redrawn from the text as it is typed.
  const picture = async () => editor.$eval("#preview-image", (i) =>
    (!i.hidden && i.complete && i.naturalWidth === 1920 && i.naturalHeight === 1080 && !i.classList.contains("stale")
      ? { src: i.src, screen: i.dataset.screen, lang: i.dataset.lang } : null));
  const first = await until(picture, 15000);
  check(!!first && first.lang === "da", `the preview shows the screen as the kiosk draws it, in Danish (${JSON.stringify(first)})`);
  const mended = await editor.inputValue("#text");
  await editor.evaluate(() => {
    const a = document.getElementById("text");
    const at = a.value.indexOf("[step.user-id]") + 3;
    a.focus();
    a.setSelectionRange(at, at);
    a.dispatchEvent(new KeyboardEvent("keyup", { key: "ArrowDown" }));
  });
  const onStep = await until(async () => { const p = await picture(); return p?.screen === "user-id" ? p : null; }, 10000);
  check(!!onStep, "the preview follows the cursor to the step it is in (user-id)");
  const typedAt = Date.now();
  await editor.fill("#text", mended.replace('title = "Skriv dit bruger-ID"', 'title = "Skriv dit MitID bruger-ID"'));
  const redrawn = await until(async () => { const p = await picture(); return p && p.src !== onStep?.src ? p : null; }, 10000, 50);
  check(!!redrawn, `the preview is redrawn from the unsaved text (${Date.now() - typedAt} ms after typing)`);
  await editor.fill("#text", mended + "\n[step.have-app\n");
  check(!!(await until(async () => /Kan ikke vises: Tekster – dansk, linje \d+: Filen kan ikke læses/.test(await editor.textContent("#preview-status")), 10000)),
        "a text that cannot be drawn says why in Danish, with its file and line, where the picture is");
  await editor.fill("#text", mended);
  await until(picture, 10000);
  // Closing the editor with unsaved words saves them first: nothing typed is lost.
  await editor.fill("#text", mended.replace('title = "Skriv dit bruger-ID"', 'title = "Skriv dit eget bruger-ID"'));
  await editor.click("#close");
  check(!!(await until(async () => editor.$eval("#editor", (e) => e.hidden), 5000)), "the editor closes");
  await editor.click("tr.change.draft button.open");
  check(!!(await until(async () => (await editor.inputValue("#text")).includes("Skriv dit eget bruger-ID"), 5000)),
        "closing saved the unsaved words: they are there when the change opens again");
  await editor.fill("#text", mended);
  await editor.click("#save");
  await until(async () => (await editor.textContent("#editor-status")).includes("Gemt"), 5000);
  await axe(editor, "the editor with its preview");

  // Back to the form: the preview follows the field being written, and redraws the unsaved words.
  await editor.click("#view-form");
  await until(async () => editor.isVisible(formField("step.open-app.title")), 5000);
  await editor.focus(formField("step.open-app.title"));
  const onField = await until(async () => { const p = await picture(); return p?.screen === "open-app" ? p : null; }, 10000);
  check(!!onField, "in the form, the preview follows the field being written (open-app)");
  await editor.fill(formField("step.open-app.title"), "Åbn MitID-appen på din telefon");
  const fromForm = await until(async () => { const p = await picture(); return p && p.src !== onField?.src ? p : null; }, 10000, 50);
  check(!!fromForm, "... and is redrawn from the form's unsaved words");
  // An empty title is a check error, shown at its own field.
  await editor.fill(formField("step.open-app.title"), "");
  await editor.click("#save");
  const marked = await until(async () => editor.$(`${formField("step.open-app.title")}[aria-invalid="true"]`), 5000);
  check(!!marked, "a check error marks the field it is in");
  const said = marked ? await marked.evaluate((a) => document.getElementById(a.id + "-problem").textContent) : "";
  check(said === "Skriv overskriften: feltet er tomt.", `... and says what is wrong beside it, in Danish (${said})`);
  check(!!(await until(async () => (await editor.textContent("#editor-status")).includes("felt"), 5000)),
        "the status line points to the marked field");
  await axe(editor, "the form with a problem at a field");
  const openApp = await editor.$eval(formField("step.open-app.text"), (a) => a.value);
  await editor.fill(formField("step.open-app.title"), "Åbn appen MitID");
  await editor.fill(formField("step.open-app.text"), openApp);
  await editor.click("#save");
  check(!!(await until(async () => (await editor.textContent("#checks")).startsWith("Ingen fejl") &&
                        !(await editor.$('#text-form textarea[aria-invalid="true"]')), 5000)), "mended in the form: no errors");

  // English as a form: each text under the Danish one, the one Danish changed marked.
  await editor.selectOption("#file", "en.toml");
  const enTitle = await until(async () => editor.$('#text-form textarea[lang="en"][data-key="title"]'), 5000);
  check(!!enTitle && (await enTitle.inputValue()) === "Log in with MitID", "the English texts open as a form");
  const source = enTitle ? await enTitle.evaluate((a) => {
    const s = document.getElementById(a.id + "-source");
    return { text: s.textContent, changed: s.classList.contains("changed"), lang: s.lastChild.lang };
  }) : {};
  check(source.text?.includes("Log på med MitID") && source.changed && source.lang === "da",
        `... each under its Danish text, marked where Danish changed (${JSON.stringify(source)})`);
  const openAppEn = await editor.$eval(`${formField("step.open-app.title")}`, (a) => document.getElementById(a.id + "-source").className);
  check(openAppEn.includes("changed"), "... the open-app title too");
  check((await editor.textContent("#source-label")).includes("da.toml"), "the source is named (da.toml)");
  await editor.fill(formField("title"), "Sign in with MitID");
  await editor.check("#form-current");
  await editor.click("#save");
  check(!!(await until(async () => (await editor.textContent("#editor-status")).includes("Gemt") &&
                        (await editor.$$("#text-form .source.changed")).length === 0, 5000)),
        "the translator marks English as checked against the new Danish: nothing is marked any more");
  await axe(editor, "the English form");
  // A translator's round: Arabic out as a PO file, one string translated anew, back in.
  await editor.click("#translation summary");
  await editor.selectOption("#po-lang", "ar");
  const href = await editor.getAttribute("#po-download", "href");
  const po = await editor.evaluate(async (h) => (await fetch(h)).text(), href);
  check(po.includes('"Language: ar\\n"') && po.includes('msgctxt "step.user-id.title"'),
        "the Arabic texts come out as a PO file, each string with its context");
  const translated = po.replace(/(msgctxt "step\.user-id\.title"\nmsgid "[^"]*"\nmsgstr ")[^"]*"/, '$1اكتب معرّف المستخدم"');
  check(translated !== po, "... and a translator changes one string");
  await editor.setInputFiles("#po-file", { name: "mitid-login.ar.po", mimeType: "text/x-gettext-translation", buffer: Buffer.from(translated) });
  check(!!(await until(async () => (await editor.textContent("#po-status")).includes("ar.toml"), 10000)),
        `the file is read into the change as ar.toml (${(await editor.textContent("#po-status")).slice(0, 80)})`);
  const arShown = await until(async () => { const p = await picture(); return p?.lang === "ar" ? p : null; }, 15000);
  check(!!arShown, "the preview shows the Arabic as the kiosk draws it");
  await axe(editor, "the editor with the translation tools");
  await editor.click("#submit");
  check(!!(await until(async () => (await editor.textContent("#editor-status")).includes("Sendt til godkendelse"), 5000)),
        "the change (saved on the way) is sent for approval");
  await axe(editor, "a change sent for approval");

  const reviewer = await open("demo-reviewer");
  const waiting = await until(async () => reviewer.$("tr.change.submitted button.open"), 5000);
  check(!!waiting, "the reviewer sees the change waiting for approval");
  if (waiting) await waiting.click();
  const diff = await until(async () => { const d = await reviewer.textContent("#diff"); return d.includes("+ title") ? d : null; }, 5000);
  check(!!diff && diff.includes('- title = "Log in with MitID"') && diff.includes('+ title = "Sign in with MitID"') &&
        diff.includes('+ title = "Log på med MitID"') && diff.includes("اكتب معرّف المستخدم"),
        "the reviewer sees what changed in Danish, English and Arabic, line by line");
  const reviewed = await until(async () => reviewer.$eval("#preview-image", (i) => !i.hidden && i.complete && i.naturalWidth === 1920 && i.dataset.lang === "da"), 15000);
  check(!!reviewed, "the reviewer sees the change's preview, in Danish (which it changes)");
  await axe(reviewer, "the review");
  await reviewer.click("#approve");
  check(!!(await until(async () => (await reviewer.textContent("#editor-status")).includes("version 1"), 10000)),
        "approved: the hub publishes it as version 1");
  const r = await reviewer.evaluate(async () => (await fetch("/api/v1/content/guides?lang=en")).json());
  check(r.published?.version === 1 && r.guides.some((g) => g.id === "mitid-login" && g.title === "Sign in with MitID"),
        "the guides list shows the published title");
  // The kiosk: the old words while its citizen is there, the new ones from the next session.
  const kioskExit = await Promise.race([kioskDone, new Promise((resolve) => setTimeout(() => resolve("timeout"), 120000))]);
  check(kioskSaid.includes("ok content staged 1 150\nok expect Log in with MitID"),
        "the kiosk takes version 1 while a citizen is on it, and that citizen still sees the old words");
  check(kioskExit === 0 && kioskSaid.includes("ok content served 1 30") && kioskSaid.includes("ok expect Sign in with MitID"),
        `after that session ends, the next citizen sees "Sign in with MitID" on the real kiosk (${kioskExit}: ${kioskSaid.trim().split("\n").slice(-3).join(" | ")})`);
  // History: v1 with who wrote and approved it; going back to the installed text starts a
  // change (approved like any other) with the two files as they were.
  await editor.reload();
  await until(async () => editor.$('#history-guide option[value="mitid-login"]'), 5000);
  await editor.selectOption("#history-guide", "mitid-login");
  const v1 = await until(async () => editor.$('#history-list tr.version[data-version="1"]'), 5000);
  const v1text = v1 ? await v1.innerText() : "";
  check(v1text.includes("Emil") && v1text.includes("Rikke"), `the history shows v1 with its author and reviewer (${v1text.replace(/\s+/g, " ")})`);
  await axe(editor, "the history");
  await editor.selectOption("#history-guide", "digital-post");
  check(!(await editor.$('#history-list tr.version[data-version="1"]')),
        "another guide's history does not list v1, which changed only Log in with MitID");
  await editor.selectOption("#history-guide", "mitid-login");
  await editor.click('#history-list tr.version[data-version="0"] button.go-back');
  check(!!(await until(async () => (await editor.textContent("#editor-status")).includes("3 filer"), 5000)),
        "going back to the installed version starts a change of the three files");
  check((await editor.inputValue("#text")).includes("Log ind med MitID"), "... with the text as it was");
  const bundles = spawnSync(hubBin, ["--data", join(tmp, "hub"), "content", "list"], { encoding: "utf8" });
  check(/^v1 /m.test(bundles.stdout), "the bundle is on the hub as content publish leaves it");
  check(pageErrors.length === 0, "no script errors on the page");
} catch (e) {
  console.log(`not ok - ${e.stack || e}`);
  results.failed++;
} finally {
  if (browser) await browser.close();
  await stopAll(children);
  rmSync(tmp, { recursive: true, force: true });
  finish();
}
