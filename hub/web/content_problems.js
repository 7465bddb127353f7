// The checks' problems as an editor reads them: in the page's language, from each problem's
// code and values (the hub's English message only where a problem has no code yet), and
// grouped by the step they are about across guide.toml and every language's file.

// `names.language(code)` -> "engelsk".
export function problemText(p, t, names) {
  if (!p.code) return p.message;
  const a = { ...(p.args || {}) };
  if (a.key !== undefined) {
    a.name = t("pr_key", a.key);
    a.Name = a.name.charAt(0).toUpperCase() + a.name.slice(1);
  }
  if (a.lang) a.langName = names.language(a.lang);
  if (a.answer !== undefined) a.answerName = `«${a.answer}»`;
  const text = t(`pr_${p.code}`, a);
  return text === `pr_${p.code}` ? p.message : text;
}

// What a problem is about: a step id, "#3" (the third step, when its id is the problem),
// "needs", "end", "sources", or "" (the whole guide).
export function problemStep(p) {
  const a = p.args || {};
  if (a.index) return `#${a.index}`;
  if (a.step) return a.step;
  return /^(source_|no_sources$)/.test(p.code || "") ? "sources" : "";
}

// Problems grouped by step, in the guide's order: the whole guide first, then "What you
// need", each step as the change orders them, the last screen, and steps no longer there.
export function groupByStep(problems, order) {
  const rank = (step) => {
    if (step === "") return -3;
    if (step === "sources") return -2;
    if (step === "needs") return -1;
    if (step.startsWith("#")) return Number(step.slice(1)) - 1;
    const i = order.indexOf(step);
    if (i >= 0) return i;
    return step === "end" ? order.length : order.length + 1;
  };
  const groups = new Map();
  for (const p of problems) {
    const step = problemStep(p);
    if (!groups.has(step)) groups.set(step, []);
    groups.get(step).push(p);
  }
  // Within a step: the structure first, then Danish (the language guides are written in),
  // then the other languages.
  const fileRank = (f) => (f === "guide.toml" ? 0 : f === "da.toml" ? 1 : 2);
  const byFile = (x, y) => fileRank(x.file) - fileRank(y.file) || x.file.localeCompare(y.file) || x.line - y.line;
  return [...groups.entries()].sort((x, y) => rank(x[0]) - rank(y[0]))
    .map(([step, items]) => ({ step, items: items.sort(byFile) }));
}

// The same problem (code, values, severity) in several languages' files, as one list each:
// "missing text in da, en, ar" rather than a line per language. Problems without a code stay
// apart. Keeps the order given.
export function mergeAcrossFiles(items) {
  const lists = [];
  const seen = new Map();
  for (const p of items) {
    const key = p.code && p.file !== "guide.toml" ? `${p.severity} ${p.code} ${JSON.stringify(p.args || {})}` : null;
    if (key && seen.has(key)) { seen.get(key).push(p); continue; }
    const list = [p];
    if (key) seen.set(key, list);
    lists.push(list);
  }
  return lists;
}
