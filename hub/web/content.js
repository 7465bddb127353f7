// Ledsager content studio, for content editors and reviewers: every guide's state in every
// kiosk language; a change to a guide, file by file, each save checked by the hub as
// --check-content checks (each problem with its file and line, a click away from that line);
// sent for approval; approved and published by a second person. No framework, no build step.
import { $, applyTexts, wireConsole } from "./common.js";
import { fillPreviewLanguages, fillPreviewSteps, followCursor, preview, schedulePreview } from "./content_preview.js";
import { groupByStep, mergeAcrossFiles } from "./content_problems.js";
import { api, el, failed, fileLabel, fileShort, guideTitle, languageName, problemWords, state, stepName, t } from "./content_shared.js";
import { placeStructureProblems, renderStructure, saveStructure, structureChanged, structureField, structureShown } from "./content_structure.js";
import { formChanged, formFieldOf, formShown, lineKeys, loadForm, placeProblems, renderForm, saveForm, setView, showView } from "./content_texts_form.js";

function renderGuides() {
  if (!state.guides) return;
  const g = state.guides;
  $("published").textContent = g.published ? t("published_as", g.published.version) : t("installed");
  const head = $("guide-head");
  head.replaceChildren(el("th", { scope: "col", textContent: t("col_guide") }));
  for (const code of g.languages) head.append(el("th", { scope: "col", textContent: code.toUpperCase(), lang: code }));
  head.append(el("th", { scope: "col", textContent: t("col_sources") }), el("th", { scope: "col", textContent: t("col_use") }),
              el("th", { scope: "col", textContent: t("col_actions") }));
  const body = $("guide-list").querySelector("tbody");
  body.replaceChildren();
  for (const guide of g.guides) {
    const tr = el("tr", { className: "guide" });
    tr.dataset.guide = guide.id;
    tr.append(el("th", { scope: "row", textContent: guide.title }));
    for (const code of g.languages) {
      const st = guide.languages[code]?.state || "missing";
      const td = el("td", { className: `lang ${st}`, textContent: t(`st_${st}`) });
      td.dataset.lang = code;
      const r = guide.languages[code];
      if (r?.reviewed_by) td.title = `${r.reviewed_by} ${r.reviewed}`;
      tr.append(td);
    }
    tr.append(el("td", { className: guide.sources_stale ? "stale" : "", textContent: guide.sources_checked +
                         (guide.sources_stale ? ` (${t("stale")})` : "") }));
    // How citizens fared with it (anonymous, rounded counts of the last three final months).
    const use = usageOf(guide.id);
    const cell = el("td", { className: "use", textContent: use ? t("use_line", use.started, use.health) : "–" });
    if (use?.steps?.length) {
      const worst = [...use.steps].sort((a, b) => (b.left + b.confusing + b.help) - (a.left + a.confusing + a.help))[0];
      if (worst.left + worst.confusing + worst.help > 0) cell.title = t("use_worst", worst.title || worst.step);
    }
    tr.append(cell);
    const edit = el("button", { type: "button", className: "edit", textContent: t("edit") });
    edit.setAttribute("aria-label", t("edit_named", guide.title));
    edit.addEventListener("click", () => startChange(guide.id));
    tr.append(el("td", {}, edit));
    body.append(tr);
  }
}

const usageOf = (id) => state.insight?.guides?.find((g) => g.id === id);

// What citizens did at the step shown in the preview.
export function renderStepInsight() {
  const box = $("step-insight");
  if (!state.change || !state.insight) { box.textContent = ""; return; }
  const v = $("preview-step").value;
  const use = usageOf(state.change.guide);
  const row = use?.steps?.find((st) => st.step === v);
  const period = t("use_period", state.insight.from, state.insight.to, state.insight.rounded_to);
  box.textContent = row ? t("step_use", row.reached, row.left, row.confusing, row.help) + " " + period
                        : (v === "needs" || v === "end" ? "" : t("step_use_none") + " " + period);
}

function renderChanges() {
  const open = state.drafts.filter((d) => d.status === "draft" || d.status === "submitted" || d.status === "published");
  $("changes-none").hidden = open.length > 0;
  $("change-list").hidden = open.length === 0;
  const body = $("change-list").querySelector("tbody");
  body.replaceChildren();
  for (const d of open) {
    const tr = el("tr", { className: `change ${d.status}` });
    tr.dataset.id = d.id;
    const title = guideTitle(d.guide);
    const status = d.status === "draft" && d.review_note ? t("ch_returned", d.reviewer) : t(`ch_${d.status}`);
    tr.append(el("th", { scope: "row", textContent: title }), el("td", { textContent: status }),
              el("td", { textContent: d.mine ? t("mine") : d.author }),
              el("td", { textContent: d.errors ? t("errors", d.errors) : t("no_errors") }));
    const b = el("button", { type: "button", className: "open", textContent: t("open") });
    b.setAttribute("aria-label", t("open_named", title));
    b.addEventListener("click", () => openChange(d.id));
    tr.append(el("td", {}, b));
    body.append(tr);
  }
}

// Every published version, newest first; going back to one for the chosen guide starts a change.
function renderHistory() {
  if (!state.history || !state.guides) return;
  const select = $("history-guide");
  const chosen = select.value || state.guides.guides[0]?.id || "";
  select.replaceChildren(...state.guides.guides.map((g) => el("option", { value: g.id, textContent: g.title })));
  select.value = chosen;
  const body = $("history-list").querySelector("tbody");
  body.replaceChildren();
  // The versions that changed the chosen guide, or whose author is not known (the command
  // line): a row never names one guide while its button acts on another.
  const rows = state.history.versions.filter((v) => !v.guide || v.guide === select.value)
    .map((v) => ({ ...v, label: `v${v.version}` }));
  if (state.history.installed) rows.push({ version: 0, label: t("installed_version"), guides_kept: true });
  for (const v of rows) {
    const tr = el("tr", { className: "version" });
    tr.dataset.version = v.version;
    const when = v.published_at ? new Date(v.published_at * 1000).toLocaleString(state.lang === "da" ? "da-DK" : "en-GB") : "–";
    tr.append(el("th", { scope: "row", textContent: v.label }), el("td", { textContent: when }),
              el("td", { textContent: v.guide ? guideTitle(v.guide) : "–" }),
              el("td", { textContent: v.version === 0 ? "–" : v.author || t("command_line") }),
              el("td", { textContent: v.reviewer || "–" }));
    const act = el("td");
    if (v.guides_kept) {
      const b = el("button", { type: "button", className: "go-back", textContent: t("go_back") });
      b.setAttribute("aria-label", t("go_back_named", guideTitle(select.value), v.label));
      b.addEventListener("click", () => goBack(select.value, v.version));
      act.append(b);
    }
    tr.append(act);
    body.append(tr);
  }
}

async function goBack(guide, version) {
  const r = await api("POST", "/api/v1/content/drafts", { guide, from: version });
  if (r.status !== 201) { $("page-error").textContent = t("failed") + (r.data?.error || r.status); return; }
  $("page-error").textContent = "";
  await load();
  await openChange(r.data.id);
  $("editor-status").textContent = t("went_back", r.data.files);
}

export async function load() {
  const [g, d, h, i] = await Promise.all([api("GET", `/api/v1/content/guides?lang=${state.lang}`), api("GET", "/api/v1/content/drafts"),
                                          api("GET", "/api/v1/content/history"), api("GET", `/api/v1/content/insight?lang=${state.lang}`)]);
  if (i.status === 200) state.insight = i.data;
  if (g.status === 403) { $("page-error").textContent = t("forbidden"); return; }
  if (g.status === 200) state.guides = g.data;
  if (d.status === 200) state.drafts = d.data.drafts;
  if (h.status === 200) state.history = h.data;
  renderGuides();
  renderChanges();
  renderHistory();
}

async function startChange(guide) {
  const r = await api("POST", "/api/v1/content/drafts", { guide });
  if (r.status !== 201) { $("page-error").textContent = t("failed") + (r.data?.error || r.status); return; }
  await load();
  await openChange(r.data.id);
  $("editor-status").textContent = t("new_change");
}

// A file as published (cached for the open change).
export async function publishedText(name) {
  const key = `${state.change.guide}/${name}`;
  if (!(key in state.published)) {
    const r = await api("GET", `/api/v1/content/guides/${encodeURIComponent(state.change.guide)}/files/${encodeURIComponent(name)}`);
    state.published[key] = r.status === 200 ? r.data.text : "";
  }
  return state.published[key];
}

// Beside a translation, the language it is translated from; beside Danish or the structure,
// the file as published.
function sourceOf(name) {
  const code = name.replace(/\.toml$/, "");
  const lang = state.guides?.guides.find((g) => g.id === state.change.guide)?.languages[code];
  if (name === "guide.toml" || code === "da") return name;
  return `${lang?.translated_from || "da"}.toml`;
}

// What is saved of a file of the open change: its draft, else the published text.
export async function savedText(name) {
  return state.change.files?.[name]?.draft ?? (await publishedText(name));
}

// Saves the file or form in the editor when it differs from what is saved (before another
// file opens, and before the change is sent): nothing typed is lost, and every save is checked.
export async function saveIfChanged() {
  if (formShown()) return formChanged() ? saveForm() : true;
  if (structureShown()) return structureChanged() ? saveStructure() : true;
  if (!state.file || $("text").value === (await savedText(state.file))) return true;
  return save();
}

async function selectFile(name) {
  if (state.file && !(await saveIfChanged())) {
    $("file").value = state.file;
    return;
  }
  state.file = name;
  $("file").value = name;
  // Nothing can be typed into the wrong file while the next one loads.
  $("text").readOnly = true;
  $("text").value = "";
  const source = sourceOf(name);
  $("source-label").textContent = t("source_of", source);
  $("source").value = await publishedText(source);
  $("source").lang = source === "guide.toml" ? "en" : source.replace(/\.toml$/, "");
  $("text").value = await savedText(name);
  state.loaded = $("text").value;
  $("text").lang = name === "guide.toml" ? "en" : name.replace(/\.toml$/, "");
  $("text").readOnly = false;
  if (name !== "guide.toml") $("preview-lang").value = name.replace(/\.toml$/, "");
  await loadForm(name);
  schedulePreview(0);
}

// The checks' problems, grouped by the step they are about (the whole guide first, then the
// steps in order), each a button to its field or line. `steps`: the step ids as the change
// orders them, when the answer has them.
export function showProblems(problems, errors, steps) {
  if (steps) state.stepOrder = steps;
  state.problems = problems || [];
  state.errorCount = errors || 0;
  renderProblems();
  placeProblems();
  placeStructureProblems();
}

// The list under "Kontrol" from state.problems (again when the steps' titles become known).
// The same problem in several languages' files is one line naming them.
export function renderProblems() {
  const warnings = state.problems.filter((p) => p.severity === "warning").length;
  $("checks").textContent = (state.errorCount ? t("errors", state.errorCount) : t("no_errors")) + (warnings ? " " + t("warnings", warnings) : "");
  const list = $("problems");
  list.replaceChildren();
  for (const group of groupByStep(state.problems, state.stepOrder)) {
    const items = el("ul", { className: "problem-group" });
    for (const same of mergeAcrossFiles(group.items)) {
      const p = same[0];
      const where = same.length > 1 ? t("pr_files", same.map((q) => languageName(q.file.replace(/\.toml$/, ""))).join(", "))
        : p.line > 0 ? t("pr_where", fileShort(p.file), p.line) : fileShort(p.file);
      const b = el("button", { type: "button", className: `problem ${p.severity}` },
                   el("span", { className: "problem-where", textContent: `${where}: ` }), problemWords(p));
      b.dataset.file = p.file;
      b.dataset.line = p.line;
      b.addEventListener("click", () => goToLine(p.file, p.line, p));
      items.append(el("li", {}, b));
    }
    list.append(el("li", {}, el("h4", { className: "problem-step", textContent: stepName(group.step) }), items));
  }
}

// Moves the cursor to a problem's field in the form, else to its line in the file.
async function goToLine(file, line, p = null) {
  if (state.file !== file && [...$("file").options].some((o) => o.value === file)) await selectFile(file);
  if (formShown() && state.form.file === file) {
    const field = formFieldOf(p, lineKeys(await savedText(file))[line - 1]);
    if (field) { field.focus(); return; }
    await setView("file");
  }
  if (structureShown() && file === "guide.toml") {
    const field = structureField(state.structure.lineFields[line - 1] || "", p);
    const control = field?.tagName === "FIELDSET" ? field.querySelector("select, input, textarea, button") : field;
    if (control) { control.focus(); return; }
    await setView("file");
  }
  const area = $("text");
  const lines = area.value.split("\n");
  const n = Math.max(1, Math.min(line || 1, lines.length));
  const start = lines.slice(0, n - 1).reduce((s, l) => s + l.length + 1, 0);
  area.focus();
  area.setSelectionRange(start, start + lines[n - 1].length);
  const lineHeight = area.scrollHeight / Math.max(lines.length, 1);
  area.scrollTop = Math.max(0, (n - 3) * lineHeight);
}

// Lines removed and added between two texts (longest common subsequence), unchanged runs
// longer than six lines folded.
function lineDiff(before, after) {
  const a = before.split("\n"), b = after.split("\n");
  const m = a.length, n = b.length;
  const lcs = Array.from({ length: m + 1 }, () => new Uint16Array(n + 1));
  for (let i = m - 1; i >= 0; i--) for (let j = n - 1; j >= 0; j--)
    lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const out = [];
  let i = 0, j = 0;
  while (i < m || j < n) {
    if (i < m && j < n && a[i] === b[j]) { out.push([" ", a[i]]); i++; j++; }
    else if (j < n && (i === m || lcs[i][j + 1] >= lcs[i + 1][j])) { out.push(["+", b[j]]); j++; }
    else { out.push(["-", a[i]]); i++; }
  }
  return out;
}

function renderDiff() {
  const box = $("diff");
  box.replaceChildren();
  for (const [name, f] of Object.entries(state.change.files || {})) {
    if (f.picture) {
      // A picture new or drawn anew in the change: shown as it is.
      box.append(el("h4", { textContent: name }),
                 el("img", { className: "diff-picture", src: `/api/v1/content/drafts/${state.change.id}/pictures/${name}`,
                             alt: t(f.published ? "picture_changed" : "picture_new", name) }));
      continue;
    }
    const pre = el("pre", { className: "diff" });
    const lines = lineDiff(f.published, f.draft);
    let same = [];
    const flush = () => {
      if (same.length > 6) {
        same.slice(0, 3).forEach((l) => pre.append(el("span", { className: "same", textContent: `  ${l}\n` })));
        pre.append(el("span", { className: "fold", textContent: `${t("unchanged_lines", same.length - 6)}\n` }));
        same.slice(-3).forEach((l) => pre.append(el("span", { className: "same", textContent: `  ${l}\n` })));
      } else same.forEach((l) => pre.append(el("span", { className: "same", textContent: `  ${l}\n` })));
      same = [];
    };
    for (const [op, text] of lines) {
      if (op === " ") { same.push(text); continue; }
      flush();
      const mark = op === "-" ? el("del", { textContent: `- ${text}\n` }) : el("ins", { textContent: `+ ${text}\n` });
      mark.setAttribute("aria-label", `${op === "-" ? t("removed") : t("added")}: ${text}`);
      pre.append(mark);
    }
    flush();
    const code = name.replace(/\.toml$/, "");
    pre.lang = name === "guide.toml" ? "en" : code;
    box.append(el("h4", { textContent: name }), pre);
  }
}

async function openChange(id) {
  const r = await api("GET", `/api/v1/content/drafts/${id}`);
  if (r.status !== 200) { $("page-error").textContent = t("failed") + (r.data?.error || r.status); return; }
  state.change = r.data;
  state.file = "";
  state.form = null;
  state.structure = null;
  state.stepTitles = {};
  $("editor").hidden = false;
  $("editor-title").textContent = t("editing", guideTitle(r.data.guide));
  $("editor-status").textContent = t("state_line", t(`ch_${r.data.status}`), r.data.mine ? t("mine") : r.data.author);
  const editing = r.data.mine && r.data.status === "draft";
  $("edit-area").hidden = !editing;
  $("review").hidden = editing;
  const reviewing = state.role === "reviewer" && !r.data.mine && r.data.status === "submitted";
  $("approve").hidden = !reviewing;
  $("return").hidden = !reviewing;
  $("send-back").hidden = !reviewing;
  $("return-note").value = "";
  // What the reviewer who sent it back asked to mend, for its author.
  $("returned").hidden = !(r.data.mine && r.data.status === "draft" && r.data.review_note);
  $("returned").textContent = $("returned").hidden ? "" : t("returned", r.data.reviewer, r.data.review_note);
  showProblems(r.data.problems, r.data.errors, r.data.steps);
  fillPreviewLanguages();
  fillPreviewSteps(r.data.steps);
  loadTitles(id);
  fillPoLanguages();
  $("po-status").textContent = "";
  $("preview-image").hidden = true;
  if (!editing) {
    // A reviewer sees Danish when the change touches it, else the first language it touches.
    const names = Object.keys(r.data.files || {});
    const first = names.includes("da.toml") ? "da.toml" : names.find((n) => n !== "guide.toml");
    $("preview-lang").value = first ? first.replace(/\.toml$/, "") : "da";
    schedulePreview(0);
  }
  if (editing) {
    const names = ["da.toml", ...state.guides.languages.filter((c) => c !== "da").map((c) => `${c}.toml`), "guide.toml"];
    $("file").replaceChildren(...names.map((n) => el("option", { value: n, textContent: fileLabel(n) + (r.data.files?.[n] ? " •" : "") })));
    // Danish first when the change touches it (the language the guides are written in).
    const changed = Object.keys(r.data.files || {});
    await selectFile(changed.includes("da.toml") || !changed.length ? "da.toml" : changed[0]);
  } else {
    renderDiff();
  }
  $("editor-title").focus();
}

// The steps' titles as the structure form names them, for the problems' headings and the
// preview's list of steps, as soon as a change is open (the forms add their own later).
async function loadTitles(id) {
  const r = await api("GET", `/api/v1/content/drafts/${id}/structure`);
  if (r.status !== 200 || state.change?.id !== id) return;
  for (const [step, title] of Object.entries(r.data.titles || {})) if (!state.stepTitles[step]) state.stepTitles[step] = title;
  renderProblems();
  fillPreviewSteps(state.stepOrder);
}

async function save() {
  const name = state.file;
  const r = await api("POST", `/api/v1/content/drafts/${state.change.id}/files`, { name, text: $("text").value });
  if (r.status !== 200) return failed(r), false;
  state.change.files = state.change.files || {};
  state.change.files[name] = { draft: $("text").value, published: await publishedText(name) };
  state.loaded = $("text").value;
  const option = [...$("file").options].find((o) => o.value === name);
  if (option) option.textContent = `${fileLabel(name)} •`;
  $("editor-status").textContent = t("saved");
  showProblems(r.data.problems, r.data.errors, r.data.steps);
  fillPreviewSteps(r.data.steps);
  schedulePreview(0);
  await load();
  return true;
}

// ---- Translators: a language's texts as a PO file, and such a file read into the change.
function fillPoLanguages() {
  const select = $("po-lang");
  if (!select.options.length && state.guides)
    select.replaceChildren(...state.guides.languages.filter((c) => c !== "da").map((c) =>
      el("option", { value: c, textContent: c.toUpperCase(), lang: c })));
  updatePoLink();
}

function updatePoLink() {
  if (!state.change) return;
  const lang = $("po-lang").value;
  $("po-download").href = `/api/v1/content/drafts/${state.change.id}/po?lang=${encodeURIComponent(lang)}`;
  $("po-download").setAttribute("download", `${state.change.guide}.${lang}.po`);
}

async function importPo(file) {
  if (!file) return;
  if (!(await saveIfChanged())) return;
  const po = await file.text();
  const r = await api("POST", `/api/v1/content/drafts/${state.change.id}/po`, { po });
  $("po-file").value = "";
  if (r.status !== 200) {
    const where = (r.data?.problems || []).map((p) => `${t("line", p.file, p.line)}: ${problemWords(p)}`).join(" ");
    $("po-status").textContent = t("failed") + (r.data?.error || r.status) + (where ? ` ${where}` : "");
    return;
  }
  const d = r.data;
  state.change.files = state.change.files || {};
  state.change.files[d.file] = { draft: null, published: await publishedText(d.file) };
  const fresh = await api("GET", `/api/v1/content/drafts/${state.change.id}`);
  if (fresh.status === 200) state.change.files = fresh.data.files;
  const option = [...$("file").options].find((o) => o.value === d.file);
  if (option) option.textContent = `${fileLabel(d.file)} •`;
  $("po-status").textContent = t("po_done", d.file, d.applied, d.fuzzy, d.untranslated, d.complete) +
    (d.po_problems.length ? " " + d.po_problems.map((p) => `${t("line", p.file, p.line)}: ${p.message}`).join(" ") : "");
  showProblems(d.problems, d.errors, d.steps);
  fillPreviewSteps(d.steps);
  if (state.file === d.file) {
    $("text").value = state.change.files[d.file].draft;
    state.loaded = $("text").value;
    await loadForm(d.file);
  }
  $("preview-lang").value = d.lang;
  schedulePreview(0);
  await load();
}

function applyLanguage() {
  applyTexts(state, t);
  if (state.change && !$("editor").hidden) {
    showView();
    if (formShown()) renderForm();
    if (structureShown()) renderStructure();
  }
  if (state.role) load();
}

async function show() {
  const me = await api("GET", "/api/v1/me");
  if (me.status !== 200) return false;
  state.csrf = me.data.csrf;
  state.role = me.data.role;
  $("login").hidden = true;
  $("logout").hidden = false;
  if (state.role !== "editor" && state.role !== "reviewer") {
    $("page-error").textContent = t("forbidden");
    return true;
  }
  $("changes").hidden = false;
  $("guides").hidden = false;
  $("history").hidden = false;
  await load();
  return true;
}

$("file").addEventListener("change", () => selectFile($("file").value));
$("text").addEventListener("input", () => schedulePreview(600));
$("po-lang").addEventListener("change", updatePoLink);
$("po-file").addEventListener("change", () => importPo($("po-file").files[0]));
for (const ev of ["keyup", "click"]) $("text").addEventListener(ev, followCursor);
// The picture as wide as the page (under the editor), or beside it.
$("preview-large").addEventListener("click", () => {
  const large = $("preview-large").getAttribute("aria-pressed") !== "true";
  $("preview-large").setAttribute("aria-pressed", String(large));
  document.querySelector(".work").classList.toggle("large", large);
});
for (const id of ["preview-step", "preview-lang", "preview-scale", "preview-theme"]) $(id).addEventListener("change", () => schedulePreview(0));
$("history-guide").addEventListener("change", renderHistory);
$("save").addEventListener("click", () => (formShown() ? saveForm() : structureShown() ? saveStructure() : save()));
$("view-form").addEventListener("click", () => setView("form"));
$("view-file").addEventListener("click", () => setView("file"));
$("submit").addEventListener("click", async () => {
  if (!(await saveIfChanged())) return;
  const r = await api("POST", `/api/v1/content/drafts/${state.change.id}/submit`);
  if (r.status === 409 && r.data?.field === "errors") {
    $("editor-status").textContent = t("failed") + t("fail_errors");
    $("problems").querySelector("button")?.focus();
    return;
  }
  if (r.status !== 204) return failed(r);
  await load();
  await openChange(state.change.id);
  $("editor-status").textContent = t("submitted");
});
$("withdraw").addEventListener("click", async () => {
  if (!confirm(t("withdraw_confirm"))) return;
  const r = await api("POST", `/api/v1/content/drafts/${state.change.id}/withdraw`);
  if (r.status !== 204) return failed(r);
  $("editor").hidden = true;
  await load();
  $("page-error").textContent = "";
  $("changes-title").focus();
});
$("approve").addEventListener("click", async () => {
  const r = await api("POST", `/api/v1/content/drafts/${state.change.id}/approve`);
  if (r.status !== 200) return failed(r);
  await load();
  await openChange(state.change.id);
  $("editor-status").textContent = t("approved", r.data.bundle);
});
// Closing the editor saves what was typed first (as opening another file does): nothing
// typed is lost. Leaving the page with unsaved text asks first.
$("close").addEventListener("click", async () => {
  if (!(await saveIfChanged())) return;
  $("editor").hidden = true;
});
$("close-review").addEventListener("click", () => { $("editor").hidden = true; });
$("return").addEventListener("click", async () => {
  if (!$("return-note").value.trim()) {
    $("return-note").setAttribute("aria-invalid", "true");
    $("editor-status").textContent = t("return_empty");
    $("return-note").focus();
    return;
  }
  $("return-note").removeAttribute("aria-invalid");
  const r = await api("POST", `/api/v1/content/drafts/${state.change.id}/return`, { note: $("return-note").value });
  if (r.status !== 204) return failed(r);
  $("editor").hidden = true;
  await load();
  $("page-error").textContent = t("returned_done");
  $("changes-title").focus();
});
window.addEventListener("beforeunload", (e) => {
  const typed = formShown() ? formChanged() : structureShown() ? structureChanged() : state.file && !$("text").readOnly && $("text").value !== state.loaded;
  if (!$("editor").hidden && typed) {
    e.preventDefault();
    e.returnValue = "";
  }
});

wireConsole(state, t, show, applyLanguage, { clear: true, focus: () => $("guides-title").focus() });
