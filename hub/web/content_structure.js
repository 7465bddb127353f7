// The content studio: a guide's structure (guide.toml) as a form: its steps in order, where
// each answer leads, icons and pictures, and its sources; each problem at its control.
import { $ } from "./common.js";
import { load, publishedText, showProblems } from "./content.js";
import { fillPreviewSteps, preview, schedulePreview } from "./content_preview.js";
import { api, el, failed, fileLabel, problemWords, state, t } from "./content_shared.js";
import { showView } from "./content_texts_form.js";

// ---- A guide's structure as a form: its steps in order and where each answer leads, icons
// and pictures, its sources with the day each was checked, the editors' notes. The hub saves
// it as guide.toml; a step taken out takes its texts in every language with it.
export const structureShown = () => state.structure !== null && !$("structure-form").hidden;
const validId = (id) => /^[a-z0-9][a-z0-9-]*$/.test(id) && id !== "end";
// Today as the editor's calendar has it (not UTC's), YYYY-MM-DD.
const today = () => { const d = new Date(); return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`; };
const stashedChoices = new WeakMap();  // a question's answers while its kind is switched away
export const structureChanged = () => JSON.stringify(state.structure.work) !== state.structure.loaded;

export async function loadStructure() {
  state.structure = null;
  const r = await api("GET", `/api/v1/content/drafts/${state.change.id}/structure`);
  if (state.file !== "guide.toml") return;  // another file was chosen meanwhile
  if (r.status === 200) {
    Object.assign(state.stepTitles, r.data.titles);
    const work = structuredClone(r.data.structure);
    // Each step's id as saved: a step renamed in the form takes its texts along when saved.
    const saved = new WeakMap(work.steps.map((s) => [s, s.id]));
    state.structure = { data: r.data, work, loaded: JSON.stringify(r.data.structure),
                        lineFields: r.data.line_fields, fresh: new WeakSet(), saved, words: new WeakMap() };
    renderStructure();
  } else {
    $("form-note").textContent = t("form_unavailable", r.data?.error || r.status);
  }
}

// Draws the form anew (after a step is moved, added or taken out), the focus kept on `focus`
// (a control's data-field) when given.
export function renderStructure(focus) {
  const { data, work, fresh } = state.structure;
  const box = $("structure-form");
  box.replaceChildren();
  $("form-note").textContent = data.unkept_comments ? t("st_unkept", data.unkept_comments) : "";
  let n = 0;
  const numbered = (s, i) => t("form_step", i + 1, data.titles[s.id] || s.id || t("st_new"));
  const options = (select, values, current) => {
    const list = values.map(([v, text]) => el("option", { value: v, textContent: text }));
    // A value the lists do not know (a step taken out, a picture missing) is shown as it is.
    if (current && !values.some(([v]) => v === current)) list.push(el("option", { value: current, textContent: `${current} (?)` }));
    select.replaceChildren(...list);
    return select;
  };
  const targets = (blank) => [...(blank ? [["", blank]] : []), ...work.steps.map((s, i) => [s.id, numbered(s, i)]),
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
  // An icon by its picture (the kiosk's own icon font) and its name in words, not its code.
  const iconControl = (group, obj, key, field, none) => {
    const glyph = (c) => String.fromCodePoint(data.icon_glyphs?.[c] || 0x20);
    const icons = data.icons.map((c) => [c, `${glyph(c)}  ${t("icon_name", c)}`]);
    const select = options(el("select", { className: "icon-select" }), none ? [["", t("st_none")], ...icons] : icons, obj[key]);
    const input = control(group, t("st_icon"), select, obj, key, field);
    const shown = el("span", { className: "icon-glyph", ariaHidden: "true" });
    const show = () => { shown.textContent = obj[key] ? glyph(obj[key]) : ""; };
    input.addEventListener("change", show);
    show();
    input.after(shown);
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
  control(about, t("st_category"), options(el("select"), data.categories.map((c) => [c, t("category_name", c)]), work.category), work, "category", "category");
  iconControl(about, work, "icon", "icon", false);
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
    const g = group(numbered(s, i) + (fresh.has(s) ? "" : ` (${s.id})`), at);
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
    if (fresh.has(s)) {
      // A new step's Danish words, here beside it (the other languages in their texts forms).
      const { words } = state.structure;
      if (!words.has(s)) words.set(s, { title: "", text: "" });
      control(g, t("st_da_title"), el("input", { type: "text", lang: "da" }), words.get(s), "title", `${at}.da_title`);
      control(g, t("st_da_text"), el("textarea", { rows: 3, lang: "da" }), words.get(s), "text", `${at}.da_text`);
    } else {
      // Renaming a step: whatever led to it leads to it under its new id.
      let was = s.id;
      idControl(g, t("st_id"), s, "id", `${at}.id`, () => {
        if (!validId(s.id) || s.id === was) return;
        for (const other of work.steps) {
          if (other.next === was) other.next = s.id;
          if (other.if_no === was) other.if_no = s.id;
          for (const c of other.choices) if (c.next === was) c.next = s.id;
        }
        data.titles[s.id] = data.titles[was];
        was = s.id;
        renderStructure(`${at}.kind`);
        $("form-note").textContent = t("st_renamed", state.structure.saved.get(s), s.id);
      });
    }
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
    iconControl(g, s, "icon", `${at}.icon`, true);
    control(g, t("st_image"), options(el("select"), [["", t("st_no_image")], ...data.images.map((c) => [c, c])], s.image), s, "image", `${at}.image`);
    // A new picture for the step (PNG): taken into the change at once, named after the step.
    const upload = el("input", { type: "file", accept: "image/png" });
    upload.addEventListener("change", () => uploadPicture(s, upload, at));
    control(g, t("st_upload"), upload, {}, "file", `${at}.upload`);
    // Its drawn variants, once the step has a picture: for the high-contrast theme, and mirrored.
    if (s.image)
      for (const variant of ["contrast", "rtl"]) {
        const input = el("input", { type: "file", accept: "image/png" });
        input.addEventListener("change", () => uploadPicture(s, input, at, variant));
        control(g, t(`st_upload_${variant}`, s.image.replace(/\.png$/, `.${variant}.png`)), input, {}, "file", `${at}.upload_${variant}`);
      }
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
        if (!confirm(t("st_remove_confirm", numbered(s, i)))) return;
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

// A picture for the step, named after it; or, with `variant` ("contrast", "rtl"), the drawn
// variant of its picture that the kiosk shows in the high-contrast theme or mirrored for ar,
// fa and ur (name.contrast.png, name.rtl.png).
async function uploadPicture(step, input, at, variant = "") {
  const file = input.files[0];
  if (!file) return;
  const problem = $(`${input.id}-problem`);
  input.removeAttribute("aria-invalid");
  problem.textContent = "";
  const refuse = (why) => { input.setAttribute("aria-invalid", "true"); problem.textContent = why; };
  if (!validId(step.id)) return refuse(t("st_upload_id"));
  if (file.size > 512 * 1024) return refuse(t("st_upload_big"));
  if (variant && !step.image) return refuse(t("st_variant_first"));
  const name = variant ? step.image.replace(/\.png$/, `.${variant}.png`) : `${step.id}.png`;
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
  if (variant) {
    showProblems(data.problems, data.errors);
    $("editor-status").textContent = t("st_variant_uploaded", name, data.width, data.height);
    return;
  }
  const images = state.structure.data.images;
  if (!images.includes(name)) images.push(name), images.sort();
  step.image = name;
  renderStructure(`${at}.image`);
  showProblems(data.problems, data.errors);
  $("editor-status").textContent = t("st_uploaded", name, data.width, data.height);
}

// The control of a field as the hub names it ("steps.3.next"; "sources.2", the source's line:
// its date when the problem is about the date, else its address), else its group.
export function structureField(field, p) {
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
export function placeStructureProblems() {
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

export async function saveStructure() {
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
  const { saved } = state.structure;
  const renamed = Object.fromEntries(state.structure.work.steps.filter((s) => saved.has(s) && saved.get(s) !== s.id)
    .map((s) => [saved.get(s), s.id]));
  const structure = structuredClone(state.structure.work);
  for (const s of structure.steps) {
    if (s.kind !== "check") s.if_no = "";
    if (s.kind === "question") s.next = "";
  }
  // New steps' Danish words, as the texts form would send them.
  const texts = {};
  for (const s of state.structure.work.steps) {
    const w = state.structure.words.get(s);
    if (!w || !validId(s.id)) continue;
    if (w.title.trim()) texts[`step.${s.id}.title`] = w.title;
    if (w.text.trim()) texts[`step.${s.id}.text`] = w.text;
  }
  const wordless = state.structure.work.steps.some((s) => state.structure.fresh.has(s) &&
    !(state.structure.words.get(s)?.title.trim() && state.structure.words.get(s)?.text.trim()));
  const r = await api("POST", `/api/v1/content/drafts/${state.change.id}/structure`,
                      { structure, ...(Object.keys(renamed).length ? { renamed } : {}), ...(Object.keys(texts).length ? { texts } : {}) });
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
  const unused = r.data.pictures_removed || [];
  for (const name of unused) delete state.change.files[name];
  if (unused.length) $("editor-status").textContent += " " + t("st_pictures_removed", unused.join(", "));
  if (added) $("editor-status").textContent += " " + t(wordless ? "st_write_texts" : "st_other_languages");
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
