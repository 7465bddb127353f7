// Ledsager insight page, for managers and content editors: realistic gains, guides ranked by
// how much they need rewriting (with each guide's funnel), and per-site figures. All numbers
// are anonymous counts from the hub over whole calendar months, each randomly rounded to a
// multiple of 5 by the hub (shown as they come; parts need not add up to totals). No framework.
import { $, apiCall, applyTexts, makeT, savedLanguage, wireConsole } from "./common.js";
import texts from "./texts/insight.js";

const state = { lang: savedLanguage(), csrf: null, sites: [], guides: null, gains: null, siteData: null, open: null };
const t = makeT(texts, state);
const api = (method, path, body) => apiCall(method, path, body, state.csrf);
const n = (v) => (v === null || v === undefined ? t("none") : String(v));
// A figure left out (a language, an outcome) rounded to 0.
const num = (v) => (typeof v === "number" ? v : 0);
// "2026-10" as the reader's language names it.
const monthName = (m) => new Date(`${m}-01T00:00:00Z`).toLocaleDateString(state.lang === "da" ? "da-DK" : "en-GB", { month: "long", year: "numeric", timeZone: "UTC" });
// The last day of a month "YYYY-MM", as YYYY-MM-DD.
const lastDay = (m) => new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)), 0)).toISOString().slice(0, 10);

function cellRow(tr, values, header = 0) {
  values.forEach((v, i) => {
    const td = document.createElement(i < header ? "th" : "td");
    if (i < header) td.scope = "row";
    if (v instanceof Node) td.append(v); else td.textContent = v;
    tr.append(td);
  });
}

// A horizontal bar (inline SVG) for a count out of a maximum.
function bar(value, max) {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 100 10");
  svg.setAttribute("class", "bar");
  svg.setAttribute("aria-hidden", "true");
  const r = document.createElementNS("http://www.w3.org/2000/svg", "rect");
  r.setAttribute("height", "10");
  r.setAttribute("width", typeof value === "number" && max > 0 ? String(Math.max(1, (100 * value) / max)) : "0");
  svg.append(r);
  return svg;
}

function query() {
  const q = new URLSearchParams({ lang: state.lang });
  // Whole months; without a choice the hub reports the last month that has ended.
  if ($("from").value && $("to").value) { q.set("from", `${$("from").value}-01`); q.set("to", lastDay($("to").value)); }
  if ($("site").value) q.set("site", $("site").value);
  return q.toString();
}

function renderGains() {
  const g = state.gains;
  if (!g) return;
  const inPerson = g.staff.in_person, video = g.staff.video;
  const minutes = num(inPerson.staff_minutes) + num(video.staff_minutes), measured = num(inPerson.with_staff_time) + num(video.with_staff_time);
  $("gains-text").replaceChildren(Object.assign(document.createElement("p"), {
    textContent: t("sentence", { without: n(g.guides_completed.without_staff), asked: n(g.asked_for_help.total), closed: n(num(inPerson.closed) + num(video.closed)),
                                      minutes: n(minutes), measured: n(measured) }) }));
  const rows = [
    [t("f_sessions"), n(g.sessions), t("c_sessions")],
    [t("f_without"), n(g.guides_completed.without_staff), t("c_without")],
    [t("f_with"), n(g.guides_completed.with_staff), t("c_with")],
    [t("f_asked"), `${n(g.asked_for_help.in_person)} / ${n(g.asked_for_help.video)}`, t("c_asked")],
    [t("f_staff_minutes"), n(minutes), t("c_staff_minutes", n(measured))],
  ];
  const body = $("gains").querySelector("tbody");
  body.replaceChildren();
  for (const r of rows) { const tr = document.createElement("tr"); cellRow(tr, r, 1); body.append(tr); }
  $("csv").href = `/api/v1/insight/gains?${query()}&format=csv`;
}

function renderGuides() {
  const body = $("guides").querySelector("tbody");
  body.replaceChildren();
  if (!state.guides) return;
  for (const g of state.guides.guides) {
    const tr = document.createElement("tr");
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = t("steps_button");
    b.setAttribute("aria-label", `${t("steps_button")}: ${g.title}`);
    b.addEventListener("click", () => { state.open = g.id; renderFunnel(true); });
    cellRow(tr, [g.title, g.health === null ? t("too_few") : String(g.health), n(g.started), `${n(g.done.self)} / ${n(g.done.staff)}`,
                 n(g.left), n(g.help), n(g.confusing), `${n(g.helped.yes)} / ${n(g.helped.no)}`, contentSummary(g.content), b], 1);
    body.append(tr);
  }
  renderFunnel(false);
  renderContent();
}

// What a guide's content needs, in a few words: old sources, outdated or unreviewed languages.
function contentSummary(c) {
  if (!c) return t("none");
  const parts = [];
  if (c.sources_stale) parts.push(t("sources_old", c.sources_checked, c.source_age_months));
  const langs = Object.entries(c.languages || {});
  const outdated = langs.filter(([, v]) => v.outdated).map(([k]) => k);
  const unreviewed = langs.filter(([, v]) => !v.reviewed_by || !v.reviewed).map(([k]) => k);
  if (outdated.length) parts.push(t("outdated", outdated.join(", ")));
  if (unreviewed.length) parts.push(t("unreviewed", unreviewed.join(", ")));
  return parts.length ? parts.join("; ") : t("content_ok");
}

function renderContent() {
  const body = $("content").querySelector("tbody");
  body.replaceChildren();
  if (!state.guides || !state.guides.content) return;
  // Those needing most first: old sources, then outdated languages.
  const need = (c) => (c.sources_stale ? 2 : 0) + (Object.values(c.languages || {}).some((v) => v.outdated) ? 1 : 0);
  const rows = [...state.guides.content].sort((a, b) => need(b) - need(a));
  for (const c of rows) {
    const tr = document.createElement("tr");
    if (need(c)) tr.className = "attention";
    const sources = c.sources_stale ? t("sources_old", c.sources_checked, c.source_age_months) : (c.sources_checked || t("none"));
    const langs = Object.entries(c.languages || {}).map(([l, v]) =>
      v.outdated ? `${l}: ${t("outdated_one")}` : (!v.reviewed_by || !v.reviewed) ? `${l}: ${t("not_reviewed")}` : t("reviewed", l, v.reviewed_by, v.reviewed));
    cellRow(tr, [c.title || c.id, sources, langs.join(" · ")], 1);
    body.append(tr);
  }
}

function renderFunnel(focus) {
  const g = state.guides && state.guides.guides.find((x) => x.id === state.open);
  $("funnel").hidden = !g;
  if (!g) return;
  $("funnel-title").textContent = t("funnel_of", g.title);
  const max = Math.max(0, ...g.steps.map((s) => num(s.reached)));
  const body = $("steps").querySelector("tbody");
  body.replaceChildren();
  for (const s of g.steps) {
    const tr = document.createElement("tr");
    const reached = document.createElement("span");
    reached.className = "with-bar";
    reached.append(bar(s.reached, max), document.createTextNode(n(s.reached)));
    const time = s.median_time ? t("seconds", s.median_time) : t("none");
    cellRow(tr, [s.title, reached, n(s.left), n(s.help), n(s.confusing), time], 1);
    body.append(tr);
  }
  const months = $("months").querySelector("tbody");
  months.replaceChildren();
  for (const m of g.months) { const tr = document.createElement("tr"); cellRow(tr, [monthName(m.month), n(m.started), n(m.done)], 1); months.append(tr); }
  if (focus) $("funnel-title").focus();
}

function renderSites() {
  const box = $("sites");
  box.replaceChildren();
  if (!state.siteData) return;
  for (const s of state.siteData.sites) {
    const sec = document.createElement("article");
    sec.className = "site";
    const h = document.createElement("h3");
    h.textContent = s.name;
    const dl = document.createElement("dl");
    const item = (k, v) => { const dt = document.createElement("dt"); dt.textContent = k; const dd = document.createElement("dd"); dd.textContent = v; dl.append(dt, dd); };
    item(t("sessions"), n(s.sessions));
    item(t("guides_done"), n(s.guides_done));
    for (const kind of ["in_person", "video"]) {
      const e = s.escalations[kind];
      const outcomes = Object.keys(e).filter((k) => !["total", "median_wait"].includes(k)).map((k) => `${t("outcome_" + k)} ${n(e[k])}`).join(", ");
      const wait = e.median_wait && typeof e.median_wait === "object" ? `; ${t("wait")} ${t("seconds", e.median_wait)}` : "";
      item(t(kind), `${n(e.total)} ${t("requests")}${outcomes ? ` (${outcomes})` : ""}${wait}`);
    }
    item(t("languages"), Object.entries(s.languages).map(([k, v]) => `${k} ${n(v)}`).join(", ") || t("none"));
    item(t("modes"), Object.entries(s.modes).map(([k, v]) => `${t("mode_" + k)} ${n(v)}`).join(", ") || t("none"));
    // Busy hours as bars, one per hour of the day that had visits.
    const hours = document.createElement("table");
    hours.className = "hours";
    const cap = document.createElement("caption");
    cap.textContent = t("hours");
    hours.append(cap);
    const max = Math.max(0, ...Object.values(s.hours).map(num));
    const hb = document.createElement("tbody");
    for (const [hour, v] of Object.entries(s.hours).sort()) {
      const tr = document.createElement("tr");
      const c = document.createElement("span");
      c.className = "with-bar";
      c.append(bar(v, max), document.createTextNode(n(v)));
      cellRow(tr, [`${hour}:00`, c], 1);
      hb.append(tr);
    }
    hours.append(hb);
    sec.append(h, dl, hours);
    box.append(sec);
  }
}

async function load() {
  const q = query();
  const [g, s, gains] = await Promise.all([api("GET", `/api/v1/insight/guides?${q}`), api("GET", `/api/v1/insight/sites?${q}`),
                                           api("GET", `/api/v1/insight/gains?${q}`)]);
  if (g.status === 403) { $("report-error").textContent = t("forbidden"); return; }
  if (g.status === 400 && g.data && /not final/.test(g.data.error || "")) {
    $("report-error").textContent = t("not_final", monthName((g.data.error.match(/last final month is (\d{4}-\d{2})/) || [])[1] || ""));
    return;
  }
  if (g.status === 400) { $("report-error").textContent = `${t("bad_period")} (${g.data && g.data.error})`; return; }
  if (g.status !== 200) { $("report-error").textContent = (g.data && g.data.error) || String(g.status); return; }
  $("report-error").textContent = "";
  $("from").value = g.data.from.slice(0, 7);
  $("to").value = g.data.to.slice(0, 7);
  state.guides = g.data;
  state.siteData = s.data;
  state.gains = gains.data;
  renderGains();
  renderGuides();
  renderSites();
}

function applyLanguage() {
  applyTexts(state, t);
  const all = $("site").querySelector('option[value=""]');
  if (all) all.textContent = t("all_sites");
  if (state.guides) load();
}

async function show() {
  const me = await api("GET", "/api/v1/me");
  if (me.status !== 200) return false;
  state.csrf = me.data.csrf;
  state.sites = me.data.sites || [];
  $("login").hidden = true;
  $("reports").hidden = false;
  $("logout").hidden = false;
  $("print").hidden = false;
  const opts = [Object.assign(document.createElement("option"), { value: "", textContent: t("all_sites") })];
  for (const s of state.sites) opts.push(Object.assign(document.createElement("option"), { value: s.slug, textContent: s.name }));
  $("site").replaceChildren(...opts);
  await load();
  return true;
}

$("period").addEventListener("submit", (e) => { e.preventDefault(); load(); });
$("print").addEventListener("click", () => window.print());
wireConsole(state, t, show, applyLanguage);
