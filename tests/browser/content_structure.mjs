// browser_content_structure: Debian's Chromium on the content studio's structure form. An
// editor opens "Meld flytning" (change-of-address), chooses guide.toml and gets its steps as a
// form (each step by number and title, where "Yes", "No" and each answer lead, icon and
// picture) and its sources with the day each was checked. They add a source with a note, take
// a step out (its texts go from every language), see the branch that still led to it marked
// at its step, mend it by choosing "offer a person", move a step down with the focus kept on
// it, and find it all in guide.toml as the file view shows it. The preview follows the step
// being edited. axe-core finds no serious or critical violations. Usage: node
// content_structure.mjs HUB SRC
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { axe, check, finish, launchChromium, results, startHub, stopAll, until } from "./lib.mjs";

const [hubBin, src] = process.argv.slice(2);
const tmp = mkdtempSync(join(tmpdir(), "ledsager-structure-"));
const children = [];
let browser;
try {
  const { hub, base } = await startHub(hubBin, join(tmp, "hub"), ["--web", join(src, "hub/web"), "--content", join(src, "assets/guides")]);
  children.push(hub);
  browser = await launchChromium();
  const pageErrors = [];
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const editor = await ctx.newPage();
  editor.on("pageerror", (e) => { console.log(`  page error: ${e.message}`); pageErrors.push(e.message); });
  const dialogs = [];
  editor.on("dialog", (d) => { dialogs.push(d.message()); d.accept(); });
  await editor.goto(`${base}/content.html`);
  await editor.fill("#username", "demo-editor");
  await editor.fill("#password", "demo-password");
  await editor.press("#password", "Enter");
  await until(async () => editor.$('tr.guide[data-guide="change-of-address"] button.edit'), 5000);
  await editor.click('tr.guide[data-guide="change-of-address"] button.edit');
  await until(async () => (await editor.inputValue("#text")).includes("[step."), 5000);

  // guide.toml opens as a form: the guide, its sources, and each step by number and title.
  await editor.selectOption("#file", "guide.toml");
  const step = (id) => `#structure-form fieldset[data-step="${id}"]`;
  const address = await until(async () => editor.$(step("address")), 5000);
  check(!!address && await address.isVisible(), "guide.toml opens as a form of steps");
  const legend = address ? await editor.textContent(`${step("address")} legend`) : "";
  check(/^Trin 4: .+ \(address\)$/.test(legend), `each step is named by its number and title (${legend})`);
  const ifNo = `${step("address")} select[data-field$=".if_no"]`;
  check((await editor.inputValue(ifNo)) === "address-help", "where \"No\" leads is a choice among the steps");
  check((await editor.inputValue(`${step("address")} select[data-field$=".image"]`)) === "address.png", "... and the step's picture too");
  // Icons and categories in words and pictures, not as code words: the kiosk's icon font.
  const iconShown = await editor.evaluate(() => {
    const select = document.querySelector('#structure-form select[data-field="icon"]');
    const glyph = select?.parentElement.querySelector(".icon-glyph");
    return { option: select?.selectedOptions[0]?.textContent || "", glyph: glyph?.textContent || "",
             font: [...document.fonts].find((f) => f.family.includes("Ledsager icons"))?.status,
             category: document.querySelector('#structure-form select[data-field="category"]')?.selectedOptions[0]?.textContent || "" };
  });
  check(iconShown.option.endsWith("Hus") && iconShown.glyph === "\uf015" && iconShown.font === "loaded",
        `the guide's icon is shown as its picture in the kiosk's icon font and named in Danish (${JSON.stringify(iconShown)})`);
  check(iconShown.category === "Flytning og bolig", `... and its category by the kiosk's own words (${iconShown.category})`);
  const sources = await editor.$$('#structure-form input[type="url"]');
  check(sources.length === 6, `the sources are listed, each with its address (${sources.length})`);
  check((await editor.inputValue('[data-field="sources.0.checked"]')) === "2026-12-04", "... and the day it was checked");
  check(await editor.isHidden("#text"), "the file itself is behind the file view");
  await axe(editor, "the structure form");

  // A source added, with what it backs up.
  await editor.click('[data-field="sources.add"]');
  const focused = await editor.evaluate(() => document.activeElement?.dataset.field);
  check(focused === "sources.6.url", `adding a source puts the cursor in its address (${focused})`);
  await editor.fill('[data-field="sources.6.url"]', "https://www.borger.dk/bolig-og-flytning/flytning");
  await editor.fill('[data-field="sources.6.note"]', "Flytning: meld senest 5 dage efter.");

  // A step taken out: the step that still leads to it is marked at its field after saving.
  await editor.click(`${step("address-help")} button[data-field$=".remove"]`);
  check(!(await editor.$(step("address-help"))), "a step is taken out");
  check(dialogs.length === 1 && dialogs[0].includes("alle sprog"), `... after saying its texts in every language go (${dialogs[0]})`);
  check((await editor.textContent("#form-note")).includes("address-help"), "... and the page says its texts go when saved");
  check((await editor.textContent(`${ifNo} option:checked`)).includes("(?)"), "the branch that led to it shows it is gone");
  await editor.click("#save");
  const marked = await until(async () => editor.$(`${ifNo}[aria-invalid="true"], ${step("address")}[aria-invalid="true"]`), 5000);
  check(!!marked, "after saving, the check error is at the step whose branch leads nowhere");
  const said = await editor.evaluate(() => [...document.querySelectorAll("#structure-form .field-problem")].map((p) => p.textContent).join(" "));
  check(said.includes("address-help"), `... in words beside it (${said.slice(0, 120)})`);
  check(said.includes("«Efter Nej» fører til «address-help»"), `... in Danish, saying which way leads nowhere (${said.trim().slice(0, 120)})`);
  // The list of problems: grouped by step, each group named by its number and title.
  const groups = await editor.evaluate(() => [...document.querySelectorAll("#problems > li")].map((li) => ({
    step: li.querySelector("h4")?.textContent || "", said: li.querySelector(".problem-group")?.textContent || "" })));
  const atStep = groups.find((g) => g.said.includes("address-help"));
  check(!!atStep && /^Trin \d+: /.test(atStep.step) && atStep.said.includes("Trin og kilder"),
        `the list of problems groups them by step, by number and title (${JSON.stringify(groups).slice(0, 300)})`);
  check(!groups.some((g) => /leads to|unknown step/.test(g.said)), "... and no problem is left in English");
  // A click on that problem goes to the control that leads nowhere ("Efter Nej").
  await editor.evaluate(() => [...document.querySelectorAll("#problems button.problem")].find((b) => b.textContent.includes("address-help"))?.click());
  const clicked = await until(async () => editor.evaluate(() => document.activeElement?.dataset.field || ""), 3000);
  check(/^steps\.\d+\.if_no$/.test(clicked || ""), `... and a click on it puts the cursor in "Efter Nej" (${clicked})`);
  check((await editor.textContent("#editor-status")).includes("felt"), "the status line points to the marked field");
  const daOption = await editor.textContent('#file option[value="da.toml"]');
  check(daOption.includes("•"), "the step's texts are taken out of the Danish file too");
  await axe(editor, "the structure form with a problem at a field");

  // Mended: "No" at the address offers a person.
  await editor.selectOption(ifNo, "");
  await editor.click("#save");
  check(!!(await until(async () => (await editor.textContent("#checks")).startsWith("Ingen fejl") &&
                        !(await editor.$('#structure-form [aria-invalid="true"]')), 5000)), "mended in the form: no errors");

  // A step moved down keeps the focus on it; the preview follows the step being edited.
  await editor.click(`${step("who")} button[data-field$=".down"]`);
  const moved = await editor.evaluate(() => document.activeElement?.closest("fieldset")?.dataset.step);
  check(moved === "who", `the moved step keeps the focus (${moved})`);
  check(/^Trin 4: /.test(await editor.textContent(`${step("who")} legend`)), "... and is now step 4");
  await editor.focus(`${step("date")} select[data-field$=".kind"]`);
  check(!!(await until(async () => (await editor.inputValue("#preview-step")) === "date", 3000)), "the preview follows the step being edited");
  await editor.click("#save");
  check(!!(await until(async () => (await editor.textContent("#editor-status")).includes("Gemt"), 5000)), "saved");

  // The file as the form wrote it.
  await editor.click("#view-file");
  await until(async () => editor.isVisible("#text"), 5000);
  const file = await editor.inputValue("#text");
  check(file.includes("  # Flytning: meld senest 5 dage efter.\n  { url = \"https://www.borger.dk/bolig-og-flytning/flytning\", checked = "),
        "the file has the new source under its note");
  check(!file.includes("address-help") && file.indexOf('id = "address"') < file.indexOf('id = "who"'),
        "... without the step taken out, the moved step after the one it moved past");
  check(file.startsWith("# Meld flytning"), "... and the guide's own notes kept");

  // A step added after "date": its id is said at once when it is none; named, it is where
  // "date" leads, and it leads on where "date" did.
  await editor.click("#view-form");
  await until(async () => editor.$(step("date")), 5000);
  await editor.click(`${step("date")} button[data-field$=".add"]`);
  const idField = await editor.evaluate(() => document.activeElement?.dataset.field);
  check(/^steps\.\d+\.id$/.test(idField || ""), `a new step puts the cursor in its id (${idField})`);
  await editor.keyboard.type("Lejekontrakt");
  const idSaid = await editor.evaluate(() => document.getElementById(`${document.activeElement.id}-problem`).textContent);
  check(idSaid.includes("små bogstaver"), `an id that is none is said as it is typed (${idSaid})`);
  await editor.fill(`[data-field="${idField}"]`, "lejekontrakt");
  await editor.keyboard.press("Tab");
  const lease = await until(async () => editor.$(step("lejekontrakt")), 3000);
  check(!!lease, "the new step is named");
  check((await editor.inputValue(`${step("date")} select[data-field$=".next"]`)) === "lejekontrakt", "... the step before now leads to it");
  check((await editor.inputValue(`${step("lejekontrakt")} select[data-field$=".next"]`)) === "co-q", "... and it leads on where that step did");
  // A picture for it, from the editor's computer: taken into the change and chosen for the step.
  await editor.setInputFiles(`${step("lejekontrakt")} input[type="file"]`, join(src, "assets/guides/change-of-address/address.png"));
  check(!!(await until(async () => (await editor.textContent("#editor-status")).includes("lejekontrakt.png"), 5000)),
        `a PNG is taken into the change (${await editor.textContent("#editor-status")})`);
  check((await editor.inputValue(`${step("lejekontrakt")} select[data-field$=".image"]`)) === "lejekontrakt.png", "... and chosen for the step");
  // Its high-contrast version, beside it.
  await editor.setInputFiles(`${step("lejekontrakt")} input[data-field$=".upload_contrast"]`, join(src, "assets/guides/change-of-address/address.contrast.png"));
  check(!!(await until(async () => (await editor.textContent("#editor-status")).includes("lejekontrakt.contrast.png"), 5000)),
        `... and its high-contrast version (${await editor.textContent("#editor-status")})`);
  // Its Danish title and text, written beside it on the same form.
  await editor.fill(`${step("lejekontrakt")} input[data-field$=".da_title"]`, "Find din lejekontrakt");
  await editor.fill(`${step("lejekontrakt")} textarea[data-field$=".da_text"]`, "Hav din lejekontrakt klar.\nDu skal bruge datoen fra den.");
  await axe(editor, "a new step with its Danish words on the structure form");
  await editor.click("#save");
  check(!!(await until(async () => (await editor.textContent("#editor-status")).includes("danske ord er gemt"), 5000)),
        `saved with its Danish words; the editor is told where the other languages are written (${await editor.textContent("#editor-status")})`);
  // In the Danish texts form, the words are there; the picture's description is added there.
  // The Danish screen is drawn, though the other languages have no words for the step yet.
  await editor.selectOption("#file", "da.toml");
  const leaseTitle = '#text-form textarea[data-key="step.lejekontrakt.title"]';
  check(!!(await until(async () => editor.$(leaseTitle), 5000)), "the new step is in the Danish texts form");
  check((await editor.inputValue(leaseTitle)) === "Find din lejekontrakt", "... with the title written on the structure form");
  await editor.fill('#text-form textarea[data-key="step.lejekontrakt.image_alt"]', "En lejekontrakt med datoen markeret.");
  await editor.click("#save");
  await until(async () => (await editor.textContent("#editor-status")).includes("Gemt"), 5000);
  await editor.selectOption("#preview-step", "lejekontrakt");
  const drawn = await until(async () => {
    const status = await editor.textContent("#preview-status");
    return status.startsWith("Vist") && (await editor.getAttribute("#preview-image", "data-screen")) === "lejekontrakt" ? status : null;
  }, 20000);
  check(!!drawn, `the new step is drawn in Danish before it is translated (${await editor.textContent("#preview-status")})`);

  // An existing step renamed (doctor -> laege): what led to it follows, and its texts go with
  // it in every language when saved.
  await editor.selectOption("#file", "guide.toml");
  await until(async () => editor.$(step("doctor")), 5000);
  const doctorId = `${step("doctor")} input[data-field$=".id"]`;
  await editor.fill(doctorId, "laege");
  await editor.keyboard.press("Tab");
  const renamed = await until(async () => editor.$(step("laege")), 3000);
  check(!!renamed && (await editor.textContent("#form-note")).includes("følger dets tekster med"),
        "an existing step is renamed in the form, which says its texts go with it");
  const ledThere = await editor.evaluate(() => [...document.querySelectorAll("#structure-form select")].filter((s) => s.value === "laege").length);
  check(ledThere >= 1, `... and what led to it leads to it by its new name (${ledThere})`);
  await editor.evaluate(() => { document.getElementById("editor-status").textContent = ""; });
  await editor.click("#save");
  check(!!(await until(async () => (await editor.textContent("#editor-status")).includes("Gemt"), 5000)), "... and saved");
  const daText = await editor.evaluate(async () => {
    const list = await (await fetch("/api/v1/content/drafts")).json();
    const mine = list.drafts.find((d) => d.guide === "change-of-address" && d.status === "draft");
    return (await (await fetch(`/api/v1/content/drafts/${mine.id}`)).json()).files["da.toml"]?.draft || "";
  });
  check(daText.includes("[step.laege]") && !daText.includes("[step.doctor]"), "the Danish texts are under the new id");
  const renamedProblems = await editor.evaluate(() => document.getElementById("problems").textContent);
  check(!/laege|doctor/.test(renamedProblems), `... and no check problem names either id (${renamedProblems.slice(0, 160)})`);

  // The new step's picture taken off it: the change no longer holds it once saved.
  await editor.selectOption(`${step("lejekontrakt")} select[data-field$=".image"]`, "");
  await editor.evaluate(() => { document.getElementById("editor-status").textContent = ""; });
  await editor.click("#save");
  check(!!(await until(async () => (await editor.textContent("#editor-status")).includes("taget ud af ændringen: lejekontrakt.contrast.png, lejekontrakt.png"), 5000)),
        `a picture no step shows goes from the change when saved, and the page says so (${await editor.textContent("#editor-status")})`);
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
