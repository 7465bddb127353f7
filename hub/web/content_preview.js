// The content studio's preview: the screen as the kiosk draws it, beside the editor.
import { $ } from "./common.js";
import { renderStepInsight } from "./content.js";
import { api, el, fileShort, problemWords, state, t } from "./content_shared.js";
import { formShown, formTexts } from "./content_texts_form.js";

// ---- The preview: the screen as the kiosk draws it (the hub asks the kiosk's own renderer),
// redrawn after each pause in typing, on the step the cursor is in.
export const preview = { seq: 0, timer: 0, url: "", inFlight: null };

export function fillPreviewSteps(steps) {
  const select = $("preview-step");
  const keep = select.value;
  const options = [el("option", { value: "needs", textContent: t("screen_needs") })];
  // Each step by its title where a form has shown it (Danish, or the form's language), else its id.
  (steps || []).forEach((id, i) => options.push(el("option", { value: id, textContent: t("screen_step", i + 1, state.stepTitles[id] || id) })));
  options.push(el("option", { value: "end", textContent: t("screen_end") }));
  select.replaceChildren(...options);
  select.value = options.some((o) => o.value === keep) ? keep : (steps?.[0] ?? "needs");
}

export function fillPreviewLanguages() {
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

export function followCursor() {
  if (state.file === "" || !$("preview-step").options.length) return;
  const step = stepAtCursor();
  if (!step || step === $("preview-step").value) return;
  if (![...$("preview-step").options].some((o) => o.value === step)) return;
  $("preview-step").value = step;
  schedulePreview(150);
}

export function schedulePreview(delay = 500) {
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
