// The content studio's shared parts (content.js and its forms): the page's state, its texts,
// the hub's API, elements, and how files, steps and problems are named to an editor.
import { $, apiCall, makeT, savedLanguage } from "./common.js";
import { problemText } from "./content_problems.js";
import texts from "./texts/content.js";

export const state = { lang: savedLanguage(), csrf: null, role: "", guides: null, drafts: [], history: null, insight: null, change: null, file: "", stepTitles: {}, stepOrder: [],
                published: {}, problems: [], view: "form", form: null };
export const t = makeT(texts, state);
export const api = (method, path, body) => apiCall(method, path, body, state.csrf);

export const el = (tag, props = {}, ...children) => {
  const e = document.createElement(tag);
  Object.assign(e, props);
  e.append(...children);
  return e;
};
// A file of a guide as an editor thinks of it: "Tekster – dansk (da.toml)", "Trin og kilder (guide.toml)".
export const fileLabel = (name) => (name === "guide.toml" ? t("file_structure")
  : t("file_texts", languageName(name.replace(/\.toml$/, "")))) + ` (${name})`;
export const languageName = (code) => {
  try {
    return new Intl.DisplayNames([state.lang], { type: "language" }).of(code) || code;
  } catch (e) {
    return code;  // not a language code (a picture's file name, say)
  }
};
// The checks' problems in words (content_problems.js), each step by its number and title.
export const stepName = (id) => {
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
export const fileShort = (name) => (name === "guide.toml" ? t("file_structure") : t("file_texts", languageName(name.replace(/\.toml$/, ""))));
export const problemWords = (p) => problemText(p, t, { step: stepName, language: languageName });
export const guideTitle = (id) => state.guides?.guides.find((g) => g.id === id)?.title || id;
// What went wrong, in the page's language where the hub names the reason.
export const failed = (r) => {
  const known = { changed: "fail_changed", empty: "fail_empty", errors: "fail_errors" }[r.data?.reason || r.data?.field];
  $("editor-status").textContent = t("failed") + (known ? t(known) : r.data?.error || r.status);
};
