// Ledsager content studio, for content editors and reviewers: every guide's state in every
// kiosk language; a change to a guide, file by file, each save checked by the hub as
// --check-content checks (each problem with its file and line, a click away from that line);
// sent for approval; approved and published by a second person. No framework, no build step.
import { $, apiCall, applyTexts, makeT, savedLanguage, wireConsole } from "./common.js";
import texts from "./texts/content.js";

const state = { lang: savedLanguage(), csrf: null, role: "", guides: null, drafts: [], history: null, insight: null, change: null, file: "",
                published: {}, problems: [] };
const t = makeT(texts, state);
const api = (method, path, body) => apiCall(method, path, body, state.csrf);

const el = (tag, props = {}, ...children) => {
  const e = document.createElement(tag);
  Object.assign(e, props);
  e.append(...children);
  return e;
};
const guideTitle = (id) => state.guides?.guides.find((g) => g.id === id)?.title || id;
const failed = (r) => { $("editor-status").textContent = t("failed") + (r.data?.error || r.status); };

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
    tr.append(el("th", { scope: "row", textContent: title }), el("td", { textContent: t(`ch_${d.status}`) }),
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

// Saves the file in the editor when it differs from what is saved (before another file
// opens, and before the change is sent): nothing typed is lost, and every save is checked.
async function saveIfChanged() {
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
  schedulePreview(0);
}

function showProblems(problems, errors) {
  state.problems = problems || [];
  const warnings = state.problems.filter((p) => p.severity === "warning").length;
  $("checks").textContent = (errors ? t("errors", errors) : t("no_errors")) + (warnings ? " " + t("warnings", warnings) : "");
  const list = $("problems");
  list.replaceChildren();
  for (const p of state.problems) {
    const b = el("button", { type: "button", className: `problem ${p.severity}`, textContent: `${t("line", p.file, p.line)}: ${p.message}` });
    b.dataset.file = p.file;
    b.dataset.line = p.line;
    b.addEventListener("click", () => goToLine(p.file, p.line));
    list.append(el("li", {}, b));
  }
}

// Moves the cursor to a problem's line, in its file.
async function goToLine(file, line) {
  if (state.file !== file && [...$("file").options].some((o) => o.value === file)) await selectFile(file);
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
  $("editor").hidden = false;
  $("editor-title").textContent = t("editing", guideTitle(r.data.guide));
  $("editor-status").textContent = t("state_line", t(`ch_${r.data.status}`), r.data.mine ? t("mine") : r.data.author);
  const editing = r.data.mine && r.data.status === "draft";
  $("edit-area").hidden = !editing;
  $("review").hidden = editing;
  $("approve").hidden = !(state.role === "reviewer" && !r.data.mine && r.data.status === "submitted");
  showProblems(r.data.problems, r.data.errors);
  fillPreviewLanguages();
  fillPreviewSteps(r.data.steps);
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
    $("file").replaceChildren(...names.map((n) => el("option", { value: n, textContent: n + (r.data.files?.[n] ? " •" : "") })));
    // Danish first when the change touches it (the language the guides are written in).
    const changed = Object.keys(r.data.files || {});
    await selectFile(changed.includes("da.toml") || !changed.length ? "da.toml" : changed[0]);
  } else {
    renderDiff();
  }
  $("editor-title").focus();
}

async function save() {
  const name = state.file;
  const r = await api("POST", `/api/v1/content/drafts/${state.change.id}/files`, { name, text: $("text").value });
  if (r.status !== 200) return failed(r), false;
  state.change.files = state.change.files || {};
  state.change.files[name] = { draft: $("text").value, published: await publishedText(name) };
  state.loaded = $("text").value;
  const option = [...$("file").options].find((o) => o.value === name);
  if (option) option.textContent = `${name} •`;
  $("editor-status").textContent = t("saved");
  showProblems(r.data.problems, r.data.errors);
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
  (steps || []).forEach((id, i) => options.push(el("option", { value: id, textContent: t("screen_step", i + 1, id) })));
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
  // The author's file as it is in the editor, saved or not.
  if (state.change.mine && state.change.status === "draft" && state.file && !$("text").readOnly) {
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
    $("preview-status").textContent = t("preview_failed") + (data?.error || res.status);
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
    const where = (r.data?.problems || []).map((p) => `${t("line", p.file, p.line)}: ${p.message}`).join(" ");
    $("po-status").textContent = t("failed") + (r.data?.error || r.status) + (where ? ` ${where}` : "");
    return;
  }
  const d = r.data;
  state.change.files = state.change.files || {};
  state.change.files[d.file] = { draft: null, published: await publishedText(d.file) };
  const fresh = await api("GET", `/api/v1/content/drafts/${state.change.id}`);
  if (fresh.status === 200) state.change.files = fresh.data.files;
  const option = [...$("file").options].find((o) => o.value === d.file);
  if (option) option.textContent = `${d.file} •`;
  $("po-status").textContent = t("po_done", d.file, d.applied, d.fuzzy, d.untranslated, d.complete) +
    (d.po_problems.length ? " " + d.po_problems.map((p) => `${t("line", p.file, p.line)}: ${p.message}`).join(" ") : "");
  showProblems(d.problems, d.errors);
  fillPreviewSteps(d.steps);
  if (state.file === d.file) $("text").value = state.change.files[d.file].draft;
  $("preview-lang").value = d.lang;
  schedulePreview(0);
  await load();
}

function applyLanguage() {
  applyTexts(state, t);
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
$("save").addEventListener("click", save);
$("submit").addEventListener("click", async () => {
  if (!(await saveIfChanged())) return;
  const r = await api("POST", `/api/v1/content/drafts/${state.change.id}/submit`);
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
window.addEventListener("beforeunload", (e) => {
  if (!$("editor").hidden && state.file && !$("text").readOnly && $("text").value !== state.loaded) {
    e.preventDefault();
    e.returnValue = "";
  }
});

wireConsole(state, t, show, applyLanguage, { clear: true, focus: () => $("guides-title").focus() });
