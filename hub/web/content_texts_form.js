// The content studio: a language's texts as a form, each text under its source language's,
// saved by the hub as that language's file; each problem beside its field.
import { $ } from "./common.js";
import { load, publishedText, renderProblems, savedText, saveIfChanged, showProblems } from "./content.js";
import { fillPreviewSteps, preview, schedulePreview } from "./content_preview.js";
import { api, el, failed, fileLabel, fileShort, problemWords, state, t } from "./content_shared.js";
import { loadStructure } from "./content_structure.js";
import texts from "./texts/content.js";

// ---- A language's texts as a form: each text under its source language's text, saved by the
// hub as the language's file (nobody writes TOML to mend a sentence); each problem at its field.
const rtl = new Set(["ar", "fa", "ur"]);
const isLanguageFile = (name) => /^[a-z]{2}\.toml$/.test(name);
export const formShown = () => state.form !== null && !$("text-form").hidden;
const formFields = () => [...$("text-form").querySelectorAll("textarea")];
export const formTexts = () => Object.fromEntries(formFields().map((a) => [a.dataset.key, a.value]));
export const formChanged = () => formFields().some((a) => a.value !== state.form.loaded[a.dataset.key]) ||
  Boolean($("form-current")?.checked);

export function showView() {
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

export async function setView(view) {
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

export async function loadForm(name) {
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

export function renderForm() {
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
export function lineKeys(text) {
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
export async function placeProblems() {
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
export function formFieldOf(p, lineKey) {
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

export async function saveForm() {
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
