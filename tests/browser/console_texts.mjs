// web_console_texts: the web consoles' Danish and English texts do not drift apart. For each
// page set in hub/web (texts/<set>.js with its HTML page and script, and texts/common.js with
// common.js), it fails when a key is in one language but not the other, a text is empty, a
// data-t or data-t-* attribute in the HTML or a t("key") call in the script names a key that
// has no text, a text is a function in one language and not in the other, or a content
// check's problem code (common/*.cpp) has no words in both languages. Plain node, no
// browser. Usage: node console_texts.mjs SRC
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const src = process.argv[2];
if (!src) {
  console.error("usage: node console_texts.mjs SOURCE_DIR");
  process.exit(2);
}
const web = join(src, "hub/web");
const LANGS = ["da", "en"];
// The page sets: their texts, the HTML pages and the scripts that use them.
const SETS = [
  { texts: "texts/common.js", html: [], js: ["common.js"] },
  { texts: "texts/staff.js", html: ["index.html"], js: ["console.js"] },
  { texts: "texts/caseworker.js", html: ["caseworker.html"], js: ["caseworker.js"] },
  { texts: "texts/devices.js", html: ["devices.html"], js: ["devices.js"] },
  { texts: "texts/insight.js", html: ["insight.html"], js: ["insight.js"] },
  { texts: "texts/content.js", html: ["content.html"], js: ["content.js", "content_shared.js", "content_texts_form.js", "content_structure.js", "content_preview.js", "content_problems.js"] },
];

const problems = [];
let checked = 0;
const problem = (file, what) => problems.push(`${file}: ${what}`);

// The texts files are plain modules without imports: loaded from their source, so node needs
// no package.json saying the .js files are modules.
async function load(file) {
  const source = readFileSync(join(web, file), "utf8");
  return (await import(`data:text/javascript;base64,${Buffer.from(source).toString("base64")}`)).default;
}

function checkTexts(file, texts) {
  if (!texts || typeof texts !== "object") return problem(file, "exports no default { da, en }");
  for (const lang of LANGS) if (!texts[lang] || typeof texts[lang] !== "object") problem(file, `has no "${lang}" texts`);
  if (!LANGS.every((l) => texts[l] && typeof texts[l] === "object")) return;
  for (const lang of LANGS) {
    for (const [key, value] of Object.entries(texts[lang])) {
      checked++;
      for (const other of LANGS.filter((l) => l !== lang)) {
        if (!(key in texts[other])) problem(file, `key "${key}" is in "${lang}" but not in "${other}"`);
        else if (lang < other && typeof value !== typeof texts[other][key]) problem(file, `key "${key}" is a ${typeof value} in "${lang}" but a ${typeof texts[other][key]} in "${other}"`);
      }
      if (typeof value === "string") { if (value.trim() === "") problem(file, `key "${key}" is empty in "${lang}"`); }
      else if (typeof value !== "function") problem(file, `key "${key}" in "${lang}" is neither a text nor a function`);
    }
  }
}

// Keys named in the HTML: data-t="key" and data-t-<anything>="key".
function htmlKeys(html) {
  return [...html.matchAll(/\sdata-t(?:-[\w-]+)?\s*=\s*(["'])(.*?)\1/g)].map((m) => m[2]);
}
// Keys named in a script: t("key") and t("key", ...) with a literal key (t("need_" + n) is not
// a whole key and is left alone). Comments are left out.
function scriptKeys(js) {
  js = js.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|\s)\/\/.*$/gm, "$1");
  return [...js.matchAll(/(?<![\w$.])t\(\s*(["'`])([^"'`$\\]*)\1\s*[,)]/g)].map((m) => m[2]);
}

const common = await load("texts/common.js");
checkTexts("texts/common.js", common);
for (const set of SETS) {
  let texts;
  try {
    texts = set.texts === "texts/common.js" ? common : await load(set.texts);
  } catch (e) {
    problem(set.texts, `cannot be loaded: ${e.message}`);
    continue;
  }
  if (set.texts !== "texts/common.js") checkTexts(set.texts, texts);
  // A page sees its own texts over the shared ones (common.js makeT).
  const known = (key) => LANGS.every((l) => (texts?.[l] && key in texts[l]) || (common?.[l] && key in common[l]));
  const uses = [...set.html.map((f) => [f, htmlKeys(readFileSync(join(web, f), "utf8"))]),
                ...set.js.map((f) => [f, scriptKeys(readFileSync(join(web, f), "utf8"))])];
  for (const [file, keys] of uses) {
    if (keys.length === 0) problem(file, "names no text key at all (has the pattern changed?)");
    for (const key of new Set(keys)) {
      checked++;
      if (!known(key)) problem(file, `key "${key}" has no text in both da and en of ${set.texts}${set.texts === "texts/common.js" ? "" : " or texts/common.js"}`);
    }
  }
}

// The content checks' problem codes (common/*.cpp: .with("code", …)): the studio words each
// one in Danish and English (texts/content.js pr_<code>), so none reaches an editor as the
// hub's English message.
{
  const content = await load("texts/content.js");
  const codes = new Set();
  for (const f of readdirSync(join(src, "common")).filter((n) => n.endsWith(".cpp")))
    for (const m of readFileSync(join(src, "common", f), "utf8").matchAll(/\.with\(\s*"([a-z_]+)"/g)) codes.add(m[1]);
  if (codes.size < 40) problem("common/*.cpp", `only ${codes.size} problem codes found (has the pattern changed?)`);
  for (const code of codes) {
    checked++;
    for (const lang of LANGS) if (!content?.[lang]?.[`pr_${code}`]) problem("texts/content.js", `the problem code "${code}" has no text pr_${code} in "${lang}"`);
  }
}

for (const p of problems) console.log(`not ok - ${p}`);
console.log(`${checked} texts and uses checked, ${problems.length} problems`);
process.exit(problems.length === 0 ? 0 : 1);
