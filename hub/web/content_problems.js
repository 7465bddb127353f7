// The checks' problems as an editor reads them: in the page's language, from each problem's
// code and values (the hub's English message only where a problem has no code yet), and
// grouped by the step they are about across guide.toml and every language's file.

// `names`: step(id) -> "Trin 3: Log ind"; language(code) -> "engelsk"; file(name) -> a file
// as an editor knows it ("Tekster – engelsk").
export function problemText(p, t, names) {
  if (!p.code) return p.message;
  const a = { ...(p.args || {}) };
  if (a.key !== undefined) {
    a.name = t("pr_key", a.key);
    a.Name = a.name.charAt(0).toUpperCase() + a.name.slice(1);
  }
  if (a.lang) a.langName = names.language(a.lang);
  if (a.answer !== undefined) a.answerName = `«${a.answer}»`;
  a.fileLang = names.language(p.file.replace(/\.toml$/, ""));
  const text = t(`pr_${p.code}`, a);
  return text === `pr_${p.code}` ? p.message : text;
}

// The step a problem is about: a step id, "needs", "end", or "" (the whole guide).
export const problemStep = (p) => p.args?.step || "";

// Problems grouped by step, in the guide's order: the whole guide first, then "What you
// need", each step as the change orders them, the last screen, and steps no longer there.
export function groupByStep(problems, order) {
  const rank = (step) => {
    if (step === "") return -2;
    if (step === "needs") return -1;
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
  return [...groups.entries()].sort((x, y) => rank(x[0]) - rank(y[0])).map(([step, items]) => ({ step, items }));
}
