// Ledsager content studio, for content editors and reviewers: every guide's state in every
// kiosk language; a change to a guide, file by file, each save checked by the hub as
// --check-content checks (each problem with its file and line, a click away from that line);
// sent for approval; approved and published by a second person. No framework, no build step.
import { $, apiCall, applyTexts, makeT, savedLanguage, wireConsole } from "./common.js";
import texts from "./texts/content.js";
import { groupByStep, mergeAcrossFiles, problemText } from "./content_problems.js";

const state = { lang: savedLanguage(), csrf: null, role: "", guides: null, drafts: [], history: null, insight: null, change: null, file: "", stepTitles: {}, stepOrder: [],
                published: {}, problems: [], view: "form", form: null };
const t = makeT(texts, state);
const api = (method, path, body) => apiCall(method, path, body, state.csrf);

const el = (tag, props = {}, ...children) => {
  const e = document.createElement(tag);
  Object.assign(e, props);
  e.append(...children);
  return e;
};
// A file of a guide as an editor thinks of it: "Tekster – dansk (da.toml)", "Trin og kilder (guide.toml)".
const fileLabel = (name) => (name === "guide.toml" ? t("file_structure")
  : t("file_texts", languageName(name.replace(/\.toml$/, "")))) + ` (${name})`;
const languageName = (code) => new Intl.DisplayNames([state.lang], { type: "language" }).of(code) || code;
// The checks' problems in words (content_problems.js), each step by its number and title.
const stepName = (id) => {
  if (id === "") return t("pr_group_guide");
  if (id === "sources") return t("pr_group_sources");
  if (id.startsWith("#")) {
    const n = Number(id.slice(1)), at = state.stepOrder[n - 1];
    return at ? t("form_step", n, state.stepTitles[at] || at) : t("pr_step_at", n);
  }
  if (id === "needs") return t("pr_group_needs");
  if (id === "end") return t("pr_group_end");
  const i = state.stepOrder.indexOf(id);
  return i >= 0 ? t("form_step", i + 1, state.stepTitles[id] || id) : `«${id}»`;
};
const fileShort = (name) => (name === "guide.toml" ? t("file_structure") : t("file_texts", languageName(name.replace(/\.toml$/, ""))));
const problemWords = (p) => problemText(p, t, { step: stepName, language: languageName });
const guideTitle = (id) => state.guides?.guides.find((g) => g.id === id)?.title || id;
// What went wrong, in the page's language where the hub names the reason.
const failed = (r) => {
  const known = { changed: "fail_changed", empty: "fail_empty", errors: "fail_errors" }[r.data?.reason || r.data?.field];
  $("editor-status").textContent = t("failed") + (known ? t(known) : r.data?.error || r.status);
};

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
function renderStepInsight() {
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

async function load() {
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
async function publishedText(name) {
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
async function savedText(name) {
  return state.change.files?.[name]?.draft ?? (await publishedText(name));
}

// Saves the file or form in the editor when it differs from what is saved (before another
// file opens, and before the change is sent): nothing typed is lost, and every save is checked.
async function saveIfChanged() {
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
function showProblems(problems, errors, steps) {
  if (steps) state.stepOrder = steps;
  state.problems = problems || [];
  state.errorCount = errors || 0;
  renderProblems();
  placeProblems();
  placeStructureProblems();
}

// The list under "Kontrol" from state.problems (again when the steps' titles become known).
// The same problem in several languages' files is one line naming them.
function renderProblems() {
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

// ---- A language's texts as a form: each text under its source language's text, saved by the
// hub as the language's file (nobody writes TOML to mend a sentence); each problem at its field.
const rtl = new Set(["ar", "fa", "ur"]);
const isLanguageFile = (name) => /^[a-z]{2}\.toml$/.test(name);
const formShown = () => state.form !== null && !$("text-form").hidden;
const formFields = () => [...$("text-form").querySelectorAll("textarea")];
const formTexts = () => Object.fromEntries(formFields().map((a) => [a.dataset.key, a.value]));
const formChanged = () => formFields().some((a) => a.value !== state.form.loaded[a.dataset.key]) ||
  Boolean($("form-current")?.checked);

function showView() {
  const language = isLanguageFile(state.file), structure = state.file === "guide.toml";
  const form = language && state.view === "form" && state.form !== null;
  const steps = structure && state.view === "form" && state.structure !== null;
  $("view-switch").hidden = !language && !structure;
  $("view-label").textContent = t(structure ? "view_structure" : "view");
  $("text-form").hidden = !form;
  $("structure-form").hidden = !steps;
  $("file-view").hidden = form || steps;
  $("view-form").setAttribute("aria-pressed", String(state.view === "form"));
  $("view-file").setAttribute("aria-pressed", String(state.view !== "form"));
}

async function setView(view) {
  if (view === state.view) return;
  if (!(await saveIfChanged())) return;
  state.view = view;
  if (view === "form") await loadForm(state.file);
  else {
    $("text").value = await savedText(state.file);
    state.loaded = $("text").value;
    showView();
  }
}

async function loadForm(name) {
  state.form = null;
  state.structure = null;
  $("form-note").textContent = "";
  if (name === "guide.toml" && state.view === "form") {
    await loadStructure();
  } else if (isLanguageFile(name) && state.view === "form") {
    const lang = name.replace(/\.toml$/, "");
    const r = await api("GET", `/api/v1/content/drafts/${state.change.id}/texts?lang=${lang}`);
    if (state.file !== name) return;  // another file was chosen meanwhile
    if (r.status === 200) {
      state.form = { lang, file: name, data: r.data, loaded: Object.fromEntries(r.data.fields.map((f) => [f.key, f.text])) };
      for (const st of r.data.steps) if (st.title && (lang === "da" || !state.stepTitles[st.id])) state.stepTitles[st.id] = st.title;
      renderForm();
      renderProblems();  // the steps by their titles now
    } else {
      $("form-note").textContent = t("form_unavailable", r.data?.reason === "errors" ? t("form_unreadable", fileShort(name)) : r.data?.error || r.status);
    }
  }
  showView();
}

function fieldLabel(f) {
  const kinds = { title: () => t("f_title"), subtitle: () => t("f_subtitle"), need: () => t("f_need", f.key.split(".")[1]),
                  text: () => t("f_text"), choice: () => t("f_choice", f.key.split(".choices.")[1]),
                  image_alt: () => t("f_image_alt"), end_title: () => t("f_end_title"), end_summary: () => t("f_end_summary") };
  return (kinds[f.kind] || (() => f.key))();
}

function renderForm() {
  const { data, lang } = state.form;
  const box = $("text-form");
  box.replaceChildren();
  const changed = data.fields.filter((f) => f.changed).length;
  $("form-note").textContent = [data.new ? t("form_new", lang.toUpperCase()) : "",
                                data.outdated ? t("form_outdated", changed) : ""].filter(Boolean).join(" ");
  const steps = Object.fromEntries(data.steps.map((st, i) => [st.id, { n: i + 1, title: st.title }]));
  let group = null;
  data.fields.forEach((f, i) => {
    if (!group || group.dataset.screen !== f.screen) {
      const st = steps[f.screen];
      const title = f.screen === "" ? t("form_guide") : f.screen === "needs" ? t("screen_needs")
        : f.screen === "end" ? t("screen_end") : t("form_step", st?.n ?? "?", st?.title || f.screen);
      group = el("fieldset", {}, el("legend", { textContent: title }));
      group.dataset.screen = f.screen;
      box.append(group);
    }
    const id = `form-field-${i}`;
    const row = el("div", { className: "field" }, el("label", { htmlFor: id, textContent: fieldLabel(f) }));
    const described = [];
    if (data.source_lang) {
      const tag = t("form_source", data.source_lang.toUpperCase()) + (f.changed ? ` (${t("form_changed")})` : "");
      row.append(el("p", { className: `source${f.changed ? " changed" : ""}`, id: `${id}-source` },
                    el("span", { className: "tag", textContent: tag }),
                    el("span", { lang: data.source_lang, dir: "auto", textContent: f.source })));
      described.push(`${id}-source`);
    }
    const lines = (f.text || f.source || "").split("\n").length;
    const area = el("textarea", { id, lang, dir: rtl.has(lang) ? "rtl" : "auto", value: f.text, spellcheck: true,
                                  rows: Math.max(f.kind === "text" ? 3 : 1, lines) });
    area.dataset.key = f.key;
    area.dataset.screen = f.screen;
    described.push(`${id}-problem`);
    area.setAttribute("aria-describedby", described.join(" "));
    area.addEventListener("input", () => schedulePreview(600));
    area.addEventListener("focus", () => followField(area));
    row.append(area, el("p", { className: "field-problem", id: `${id}-problem` }));
    group.append(row);
  });
  if (data.source_lang) {
    const current = el("input", { type: "checkbox", id: "form-current" });
    box.append(el("label", { className: "check", htmlFor: "form-current" }, current, t("form_current")));
  }
  placeProblems();
}

// The text key each line of a language file holds, as the form names its fields: the table
// ([step.ID], [step.ID.choices], [end]) and the key on the line, or the """ block it is in.
function lineKeys(text) {
  const keys = [];
  let table = "", block = null, need = 0;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (block !== null) {
      keys.push(block);
      if (line.includes('"""')) block = null;
      continue;
    }
    if (need > 0) {
      if (line.startsWith("]")) { need = 0; keys.push(""); } else keys.push(line && !line.startsWith("#") ? `needs.${need++}` : "");
      continue;
    }
    const header = /^\[([^\[\]]+)\]\s*(#.*)?$/.exec(line);
    if (header) { table = header[1].trim(); keys.push(""); continue; }
    const pair = /^("[^"]*"|[A-Za-z0-9_-]+)\s*=\s*(.*)$/.exec(line);
    if (!pair || table === "review") { keys.push(""); continue; }
    const name = pair[1].replace(/"/g, "");
    if (!table && name === "needs" && pair[2].startsWith("[") && !pair[2].includes("]")) { need = 1; keys.push(""); continue; }
    const key = table ? `${table}.${name}` : name;
    keys.push(key);
    if (pair[2].startsWith('"""') && !pair[2].slice(3).includes('"""')) block = key;
  }
  return keys;
}

// Each problem of the form's file beside its field, the field marked while it has an error.
async function placeProblems() {
  if (!formShown()) return;
  // The saved file first, then clearing and placing with no wait between: two calls at once
  // (after a save) must not both add their words.
  const keys = lineKeys(await savedText(state.form.file));
  if (!state.form) return;
  const fields = formFields();
  for (const a of fields) {
    a.removeAttribute("aria-invalid");
    $(`${a.id}-problem`).textContent = "";
    $(`${a.id}-problem`).className = "field-problem";
  }
  for (const p of state.problems.filter((q) => q.file === state.form.file)) {
    const a = formFieldOf(p, keys[p.line - 1]);
    if (!a) continue;
    const box = $(`${a.id}-problem`);
    box.textContent = (box.textContent ? box.textContent + " " : "") + problemWords(p);
    if (p.severity === "error") { a.setAttribute("aria-invalid", "true"); box.className = "field-problem"; }
    else if (a.getAttribute("aria-invalid") !== "true") box.className = "field-problem warning";
  }
}

// A problem's field in the texts form: by the key on its line, else by its step and key
// (a missing text is said at its step's line): step.<id>.<key>, an answer's label, end.<key>.
function formFieldOf(p, lineKey) {
  const fields = formFields();
  const byKey = (k) => fields.find((f) => f.dataset.key === k);
  const a = p?.args || {};
  const guessed = a.step && a.key !== undefined
    ? (a.step === "end" ? [`end.${a.key}`] : [`step.${a.step}.${a.key}`, `step.${a.step}.choices.${a.key}`])
    : a.step && a.answer !== undefined ? [`step.${a.step}.choices.${a.answer}`] : [];
  return (lineKey && byKey(lineKey)) || guessed.map(byKey).find(Boolean) || null;
}

// The preview shows the screen of the field being written, in the form's language.
function followField(area) {
  let again = false;
  if ($("preview-lang").value !== state.form.lang) { $("preview-lang").value = state.form.lang; again = true; }
  const screen = area.dataset.screen;
  if (screen && screen !== $("preview-step").value && [...$("preview-step").options].some((o) => o.value === screen)) {
    $("preview-step").value = screen;
    again = true;
  }
  if (again) schedulePreview(150);
}

async function saveForm() {
  const { lang, file } = state.form;
  const body = { lang, texts: formTexts() };
  if ($("form-current")?.checked) body.current = true;
  const r = await api("POST", `/api/v1/content/drafts/${state.change.id}/texts`, body);
  if (r.status !== 200) {
    failed(r);
    const key = r.data?.field?.startsWith("texts.") ? r.data.field.slice(6) : "";
    const area = formFields().find((a) => a.dataset.key === key);
    if (area) {
      area.setAttribute("aria-invalid", "true");
      $(`${area.id}-problem`).textContent = r.data.error;
      area.focus();
    }
    return false;
  }
  state.change.files = state.change.files || {};
  state.change.files[file] = { draft: r.data.text, published: await publishedText(file) };
  $("text").value = r.data.text;
  state.loaded = r.data.text;
  const option = [...$("file").options].find((o) => o.value === file);
  if (option) option.textContent = `${fileLabel(file)} •`;
  state.problems = r.data.problems || [];
  await loadForm(file);
  $("editor-status").textContent = t("saved");
  showProblems(r.data.problems, r.data.errors, r.data.steps);
  await placeProblems();
  const marked = formFields().filter((a) => a.getAttribute("aria-invalid") === "true").length;
  if (marked) $("editor-status").textContent += " " + t("form_problems", marked);
  fillPreviewSteps(r.data.steps);
  schedulePreview(0);
  await load();
  return true;
}

// ---- A guide's structure as a form: its steps in order and where each answer leads, icons
// and pictures, its sources with the day each was checked, the editors' notes. The hub saves
// it as guide.toml; a step taken out takes its texts in every language with it.
const structureShown = () => state.structure !== null && !$("structure-form").hidden;
const validId = (id) => /^[a-z0-9][a-z0-9-]*$/.test(id) && id !== "end";
// Today as the editor's calendar has it (not UTC's), YYYY-MM-DD.
const today = () => { const d = new Date(); return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`; };
const stashedChoices = new WeakMap();  // a question's answers while its kind is switched away
const structureChanged = () => JSON.stringify(state.structure.work) !== state.structure.loaded;

async function loadStructure() {
  state.structure = null;
  const r = await api("GET", `/api/v1/content/drafts/${state.change.id}/structure`);
  if (state.file !== "guide.toml") return;  // another file was chosen meanwhile
  if (r.status === 200) {
    Object.assign(state.stepTitles, r.data.titles);
    state.structure = { data: r.data, work: structuredClone(r.data.structure), loaded: JSON.stringify(r.data.structure),
                        lineFields: r.data.line_fields, fresh: new WeakSet() };
    renderStructure();
  } else {
    $("form-note").textContent = t("form_unavailable", r.data?.error || r.status);
  }
}

// Draws the form anew (after a step is moved, added or taken out), the focus kept on `focus`
// (a control's data-field) when given.
function renderStructure(focus) {
  const { data, work, fresh } = state.structure;
  const box = $("structure-form");
  box.replaceChildren();
  $("form-note").textContent = data.unkept_comments ? t("st_unkept", data.unkept_comments) : "";
  let n = 0;
  const stepName = (s, i) => t("form_step", i + 1, data.titles[s.id] || s.id || t("st_new"));
  const options = (select, values, current) => {
    const list = values.map(([v, text]) => el("option", { value: v, textContent: text }));
    // A value the lists do not know (a step taken out, a picture missing) is shown as it is.
    if (current && !values.some(([v]) => v === current)) list.push(el("option", { value: current, textContent: `${current} (?)` }));
    select.replaceChildren(...list);
    return select;
  };
  const targets = (blank) => [...(blank ? [["", blank]] : []), ...work.steps.map((s, i) => [s.id, stepName(s, i)]),
                              ["end", t("st_end")]];
  // A labelled control for obj[key]; `field` names it, as the hub names each line's field.
  const control = (group, label, input, obj, key, field, after) => {
    const id = `st-${n++}`;
    const problem = el("p", { className: "field-problem", id: `${id}-problem` });
    input.id = id;
    input.dataset.field = field;
    input.setAttribute("aria-describedby", `${id}-problem`);
    if (input.tagName === "SELECT" && !input.options.length) options(input, [], obj[key]);
    input.value = obj[key] ?? "";
    input.addEventListener(input.tagName === "SELECT" ? "change" : "input", () => {
      obj[key] = input.type === "number" ? Number(input.value) : input.value;
      after?.();
    });
    group.append(el("div", { className: "field" }, el("label", { htmlFor: id, textContent: label }), input, problem));
    return input;
  };
  // An id (of a new step, of an answer): said at once when it is not one, in words.
  const idControl = (group, label, obj, key, field, after) => {
    const input = control(group, label, el("input", { type: "text", spellcheck: false, dir: "ltr" }), obj, key, field);
    const said = () => {
      const bad = obj[key] !== "" && !validId(obj[key]);
      if (bad) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
      $(`${input.id}-problem`).textContent = bad ? t("st_id_bad") : "";
    };
    input.addEventListener("input", said);
    if (after) input.addEventListener("change", after);
    return input;
  };
  const button = (text, field, action, className = "") => {
    const b = el("button", { type: "button", textContent: text, className });
    b.dataset.field = field;
    b.addEventListener("click", action);
    return b;
  };
  const group = (legend, field) => {
    const id = `st-${n++}`;
    const g = el("fieldset", { id }, el("legend", { textContent: legend }),
                 el("p", { className: "field-problem", id: `${id}-problem` }));
    g.dataset.field = field;
    return g;
  };

  const about = group(t("st_about"), "guide");
  control(about, t("st_category"), options(el("select"), data.categories.map((c) => [c, c]), work.category), work, "category", "category");
  control(about, t("st_icon"), options(el("select"), data.icons.map((c) => [c, c]), work.icon), work, "icon", "icon");
  control(about, t("st_order"), el("input", { type: "number", step: 1 }), work, "order", "order");
  control(about, t("st_note"), el("textarea", { rows: 3 }), work, "note", "note");
  box.append(about);

  const sources = group(t("st_sources"), "sources");
  work.sources.forEach((src, i) => {
    const row = el("div", { className: "source-row" });
    control(row, t("st_url", i + 1), el("input", { type: "url", dir: "ltr" }), src, "url", `sources.${i}.url`);
    const date = control(row, t("st_checked"), el("input", { type: "date" }), src, "checked", `sources.${i}.checked`);
    control(row, t("st_source_note"), el("textarea", { rows: 2 }), src, "note", `sources.${i}.note`);
    row.append(el("div", { className: "actions start" },
      button(t("st_today"), `sources.${i}.today`, () => { src.checked = today(); date.value = src.checked; }),
      button(t("st_remove_source"), `sources.${i}.remove`, () => {
        work.sources.splice(i, 1);
        renderStructure(work.sources.length ? `sources.${Math.min(i, work.sources.length - 1)}.url` : "sources.add");
      }, "danger")));
    sources.append(row);
  });
  sources.append(button(t("st_add_source"), "sources.add", () => {
    work.sources.push({ url: "https://", checked: today(), note: "" });
    renderStructure(`sources.${work.sources.length - 1}.url`);
  }));
  box.append(sources);

  work.steps.forEach((s, i) => {
    const at = `steps.${i}`;
    const g = group(stepName(s, i) + (fresh.has(s) ? "" : ` (${s.id})`), at);
    g.dataset.step = s.id;
    g.addEventListener("focusin", () => followStep(s.id));
    if (fresh.has(s))
      idControl(g, t("st_id"), s, "id", `${at}.id`, () => {
        // "Add a step after": the step before leads here once it has a name, and every list
        // of where a step leads offers it.
        const before = work.steps[i - 1];
        if (before && before.kind !== "question" && before.next === s.next && validId(s.id)) before.next = s.id;
        renderStructure(`${at}.kind`);
      });
    const kinds = [["info", t("st_kind_info")], ["check", t("st_kind_check")], ["question", t("st_kind_question")]];
    control(g, t("st_kind"), options(el("select"), kinds, s.kind), s, "kind", `${at}.kind`, () => {
      if (s.kind === "question") {
        s.next = "";
        s.if_no = "";
        if (s.choices.length < 2) s.choices = stashedChoices.get(s) || [{ id: "yes", next: "" }, { id: "no", next: "" }];
      } else {
        if (s.choices.length) stashedChoices.set(s, s.choices);  // back again if the kind is switched back
        s.choices = [];
        if (s.kind === "info") s.if_no = "";
      }
      renderStructure(`${at}.kind`);
    });
    control(g, t("st_icon"), options(el("select"), [["", t("st_none")], ...data.icons.map((c) => [c, c])], s.icon), s, "icon", `${at}.icon`);
    control(g, t("st_image"), options(el("select"), [["", t("st_no_image")], ...data.images.map((c) => [c, c])], s.image), s, "image", `${at}.image`);
    // A new picture for the step (PNG): taken into the change at once, named after the step.
    const upload = el("input", { type: "file", accept: "image/png" });
    upload.addEventListener("change", () => uploadPicture(s, upload, at));
    control(g, t("st_upload"), upload, {}, "file", `${at}.upload`);
    if (s.kind !== "question")
      control(g, s.kind === "check" ? t("st_next_yes") : t("st_next"),
              options(el("select"), targets(s.next ? "" : t("st_choose")), s.next), s, "next", `${at}.next`);
    if (s.kind === "check")
      control(g, t("st_if_no"), options(el("select"), targets(t("st_person")), s.if_no), s, "if_no", `${at}.if_no`);
    if (s.kind === "question") {
      s.choices.forEach((c, j) => {
        const row = el("div", { className: "choice-row" });
        idControl(row, t("st_answer", j + 1), c, "id", `${at}.choices.${j}.id`);
        control(row, t("st_answer_next"), options(el("select"), targets(c.next ? "" : t("st_choose")), c.next), c, "next", `${at}.choices.${j}.next`);
        row.append(button(t("st_remove_answer"), `${at}.choices.${j}.remove`, () => {
          s.choices.splice(j, 1);
          renderStructure(`${at}.add-answer`);
        }, "danger"));
        g.append(row);
      });
      g.append(button(t("st_add_answer"), `${at}.add-answer`, () => {
        s.choices.push({ id: "", next: "" });
        renderStructure(`${at}.choices.${s.choices.length - 1}.id`);
      }));
    }
    const move = (to) => () => {
      const [step] = work.steps.splice(i, 1);
      work.steps.splice(to, 0, step);
      renderStructure(`steps.${to}.${to < i ? "up" : "down"}`);
    };
    const actions = el("div", { className: "actions start" });
    if (i > 0) actions.append(button(t("st_up"), `${at}.up`, move(i - 1)));
    if (i + 1 < work.steps.length) actions.append(button(t("st_down"), `${at}.down`, move(i + 1)));
    actions.append(button(t("st_add_step"), `${at}.add`, () => {
      // It leads where the step before led on (its "Yes"), else to the step after it.
      const then = s.kind !== "question" && s.next ? s.next : work.steps[i + 1]?.id ?? "end";
      const step = { id: "", kind: "info", icon: "", image: "", next: then, if_no: "", note: "", choices: [] };
      fresh.add(step);
      work.steps.splice(i + 1, 0, step);
      renderStructure(`steps.${i + 1}.id`);
    }));
    if (work.steps.length > 1)
      actions.append(button(t("st_remove_step"), `${at}.remove`, () => {
        if (!confirm(t("st_remove_confirm", stepName(s, i)))) return;
        work.steps.splice(i, 1);
        renderStructure(`steps.${Math.min(i, work.steps.length - 1)}.kind`);
        $("form-note").textContent = t("st_removed", s.id);
      }, "danger"));
    g.append(actions);
    box.append(g);
  });
  placeStructureProblems();
  if (focus) box.querySelector(`[data-field="${CSS.escape(focus)}"]`)?.focus();
}

async function uploadPicture(step, input, at) {
  const file = input.files[0];
  if (!file) return;
  const problem = $(`${input.id}-problem`);
  input.removeAttribute("aria-invalid");
  problem.textContent = "";
  const refuse = (why) => { input.setAttribute("aria-invalid", "true"); problem.textContent = why; };
  if (!validId(step.id)) return refuse(t("st_upload_id"));
  if (file.size > 512 * 1024) return refuse(t("st_upload_big"));
  const name = `${step.id}.png`;
  let res, data = null;
  try {
    res = await fetch(`/api/v1/content/drafts/${state.change.id}/pictures/${name}`, {
      method: "POST", credentials: "same-origin", body: await file.arrayBuffer(),
      headers: { "Content-Type": "image/png", "X-CSRF-Token": state.csrf } });
    data = await res.json();
  } catch (e) { /* no answer, or not JSON */ }
  if (res?.status !== 200) return refuse(t("failed") + (data?.error || res?.status || ""));
  state.change.files = state.change.files || {};
  state.change.files[name] = { picture: true };
  const images = state.structure.data.images;
  if (!images.includes(name)) images.push(name), images.sort();
  step.image = name;
  renderStructure(`${at}.image`);
  showProblems(data.problems, data.errors);
  $("editor-status").textContent = t("st_uploaded", name, data.width, data.height);
}

// The control of a field as the hub names it ("steps.3.next"; "sources.2", the source's line:
// its date when the problem is about the date, else its address), else its group.
function structureField(field, p) {
  const box = $("structure-form");
  const find = (f) => box.querySelector(`[data-field="${CSS.escape(f)}"]`);
  const code = p?.code || "", a = p?.args || {};
  if (/^sources\.\d+$/.test(field)) return find(field + (/^source_(date|no_date|old)$/.test(code) ? ".checked" : ".url"));
  const step = field.match(/^steps\.\d+/)?.[0];
  if (step && code === "unknown_target") {
    // The control that leads nowhere: "Then"/"After Yes", "After No", or the answer's.
    const answer = field.match(/^steps\.\d+\.choices\.\d+/)?.[0];
    if (a.branch === "choice" && answer) return find(`${answer}.next`) || find(`${answer}.id`);
    return find(`${step}.${a.branch === "if_no" ? "if_no" : "next"}`) || find(step);
  }
  if (step && /^step_id_/.test(code)) return find(`${step}.id`) || find(`${step}.kind`);
  if (step && /^(unknown_kind|if_no_only_check|question_next|choices_only_question|question_two_answers)$/.test(code)) return find(`${step}.kind`);
  if (step && code === "unknown_icon") return find(`${step}.icon`);
  if (step && /^image_/.test(code)) return find(`${step}.image`);
  if (/^steps\.\d+\.choices\.\d+$/.test(field)) return find(field + ".id");
  return find(field) || find(field.split(".").slice(0, 2).join("."));
}

// Each problem of guide.toml beside its field, the field marked while it has an error.
function placeStructureProblems() {
  if (!structureShown()) return;
  const box = $("structure-form");
  for (const p of box.querySelectorAll(".field-problem")) { p.textContent = ""; p.className = "field-problem"; }
  for (const a of box.querySelectorAll("[aria-invalid]")) a.removeAttribute("aria-invalid");
  for (const p of state.problems.filter((q) => q.file === "guide.toml")) {
    const target = structureField(state.structure.lineFields[p.line - 1] || "", p) || box.querySelector("fieldset");
    const note = $(`${target.id}-problem`);
    if (!note) continue;
    note.textContent = (note.textContent ? note.textContent + " " : "") + problemWords(p);
    if (p.severity === "error") { target.setAttribute("aria-invalid", "true"); note.className = "field-problem"; }
    else if (target.getAttribute("aria-invalid") !== "true") note.className = "field-problem warning";
  }
}

// The preview shows the step being edited.
function followStep(id) {
  if (!id || id === $("preview-step").value || ![...$("preview-step").options].some((o) => o.value === id)) return;
  $("preview-step").value = id;
  schedulePreview(150);
}

async function saveStructure() {
  const box = $("structure-form");
  const badId = [...box.querySelectorAll('input[type="text"][aria-invalid="true"]')][0];
  if (badId) {
    $("editor-status").textContent = t("st_id_bad");
    badId.focus();
    return false;
  }
  const added = state.structure.work.steps.some((st) => state.structure.fresh.has(st));
  // Only a check has "After No", and a question leads on through its answers: the form shows
  // no such control, so none is sent (a file that had one is mended by saving the form).
  const structure = structuredClone(state.structure.work);
  for (const s of structure.steps) {
    if (s.kind !== "check") s.if_no = "";
    if (s.kind === "question") s.next = "";
  }
  const r = await api("POST", `/api/v1/content/drafts/${state.change.id}/structure`, { structure });
  if (r.status !== 200) {
    failed(r);
    const target = r.data?.field && structureField(r.data.field, null);
    if (target) {
      target.setAttribute("aria-invalid", "true");
      $(`${target.id}-problem`).textContent = r.data.error;
      target.focus();
    }
    return false;
  }
  state.change.files = state.change.files || {};
  for (const [name, text] of Object.entries(r.data.files)) {
    if (name.endsWith(".png")) { state.change.files[name] = { picture: true }; continue; }
    state.change.files[name] = { draft: text, published: await publishedText(name) };
    const option = [...$("file").options].find((o) => o.value === name);
    if (option) option.textContent = `${fileLabel(name)} •`;
  }
  $("text").value = r.data.files["guide.toml"];
  state.loaded = $("text").value;
  state.problems = r.data.problems || [];
  await loadStructure();
  showView();
  $("editor-status").textContent = t("saved");
  showProblems(r.data.problems, r.data.errors, r.data.steps);
  const marked = [...$("structure-form").querySelectorAll('[aria-invalid="true"]')];
  const gone = Object.entries(r.data.texts_removed || {});
  if (gone.length) $("editor-status").textContent += " " + t("st_texts_removed", gone.reduce((n, [, c]) => n + c, 0), gone.length);
  if (added) $("editor-status").textContent += " " + t("st_write_texts");
  if (marked.length) {
    $("editor-status").textContent += " " + t("form_problems", marked.length);
    // The first problem gets the focus: a control, or the first control of a marked step.
    const first = marked[0];
    (first.tagName === "FIELDSET" ? first.querySelector("select, input, textarea, button") : first)?.focus();
  }
  fillPreviewSteps(r.data.steps);
  schedulePreview(0);
  await load();
  return true;
}

// ---- The preview: the screen as the kiosk draws it (the hub asks the kiosk's own renderer),
// redrawn after each pause in typing, on the step the cursor is in.
const preview = { seq: 0, timer: 0, url: "", inFlight: null };

function fillPreviewSteps(steps) {
  const select = $("preview-step");
  const keep = select.value;
  const options = [el("option", { value: "needs", textContent: t("screen_needs") })];
  // Each step by its title where a form has shown it (Danish, or the form's language), else its id.
  (steps || []).forEach((id, i) => options.push(el("option", { value: id, textContent: t("screen_step", i + 1, state.stepTitles[id] || id) })));
  options.push(el("option", { value: "end", textContent: t("screen_end") }));
  select.replaceChildren(...options);
  select.value = options.some((o) => o.value === keep) ? keep : (steps?.[0] ?? "needs");
}

function fillPreviewLanguages() {
  const select = $("preview-lang");
  if (select.options.length || !state.guides) return;
  select.replaceChildren(...state.guides.languages.map((c) => el("option", { value: c, textContent: c.toUpperCase(), lang: c })));
}

// The step whose section holds the cursor: [step.ID] in a language's file, id = "ID" after
// [[step]] in guide.toml; above the first step, the screen of what a citizen needs.
function stepAtCursor() {
  const area = $("text");
  const lines = area.value.split("\n");
  const at = area.value.slice(0, area.selectionStart).split("\n").length - 1;
  for (let i = at; i >= 0; i--) {
    const line = lines[i].trim();
    const lang = /^\[step\.([A-Za-z0-9_.-]+?)(\.choices)?\]$/.exec(line);
    if (lang) return lang[1];
    if (line === "[[step]]") {
      for (let j = i + 1; j < lines.length && !lines[j].trim().startsWith("["); j++) {
        const id = /^\s*id\s*=\s*"([^"]+)"/.exec(lines[j]);
        if (id) return id[1];
      }
      return null;
    }
    if (line.startsWith("[[step.")) continue;  // a choice or branch of the step above
    if (line.startsWith("[")) return null;      // [review], [[source]]: no screen of its own
  }
  return "needs";
}

function followCursor() {
  if (state.file === "" || !$("preview-step").options.length) return;
  const step = stepAtCursor();
  if (!step || step === $("preview-step").value) return;
  if (![...$("preview-step").options].some((o) => o.value === step)) return;
  $("preview-step").value = step;
  schedulePreview(150);
}

function schedulePreview(delay = 500) {
  renderStepInsight();
  clearTimeout(preview.timer);
  preview.timer = setTimeout(drawPreview, delay);
}

async function drawPreview() {
  if (!state.change || $("editor").hidden) return;
  const seq = ++preview.seq;
  const v = $("preview-step").value;
  const body = { lang: $("preview-lang").value || "da", scale: Number($("preview-scale").value), theme: $("preview-theme").value };
  if (v === "needs" || v === "end") body.screen = v;
  else { body.screen = "step"; body.step = v; }
  // The author's file or form as it is in the editor, saved or not.
  if (state.change.mine && state.change.status === "draft" && formShown()) {
    if (body.lang === state.form.lang) body.texts = formTexts();
  } else if (state.change.mine && state.change.status === "draft" && state.file && !$("text").readOnly) {
    body.name = state.file;
    body.text = $("text").value;
  }
  preview.inFlight?.abort();
  const abort = (preview.inFlight = new AbortController());
  const image = $("preview-image");
  image.classList.add("stale");
  $("preview-status").textContent = t("preview_drawing");
  const started = performance.now();
  let res;
  try {
    res = await fetch(`/api/v1/content/drafts/${state.change.id}/preview`, {
      method: "POST", credentials: "same-origin", signal: abort.signal,
      headers: { "Content-Type": "application/json", "X-CSRF-Token": state.csrf }, body: JSON.stringify(body) });
  } catch (e) {
    if (seq === preview.seq) $("preview-status").textContent = t("preview_failed") + e.message;
    return;
  }
  if (seq !== preview.seq) return;  // a newer one is on its way
  if (res.status !== 200) {
    let data = null;
    try { data = await res.json(); } catch (e) { /* not JSON, or aborted */ }
    if (seq !== preview.seq) return;
    // A check problem in the editor's words, with the file it is in.
    const problem = data?.problem ? { severity: "error", message: data.error, ...data.problem } : null;
    $("preview-status").textContent = t("preview_failed") +
      (problem ? `${t("pr_where", fileShort(problem.file), problem.line)}: ${problemWords(problem)}` : data?.error || res.status);
    return;
  }
  let blob;
  try {
    blob = await res.blob();
  } catch (e) {
    return;  // a newer preview aborted this one while its picture came in
  }
  if (seq !== preview.seq) return;
  if (preview.url) URL.revokeObjectURL(preview.url);
  preview.url = URL.createObjectURL(blob);
  const option = $("preview-step").selectedOptions[0];
  image.alt = t("preview_alt", option ? option.textContent : v, body.lang.toUpperCase());
  image.src = preview.url;
  image.hidden = false;
  image.classList.remove("stale");
  image.dataset.lang = body.lang;
  image.dataset.screen = v;
  $("preview-status").textContent = t("preview_shown", Math.round(performance.now() - started));
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
