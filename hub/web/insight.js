// Ledsager insight page, for managers and content editors: realistic gains, guides ranked by
// how much they need rewriting (with each guide's funnel), and per-site figures. All numbers
// are anonymous counts from the hub over whole calendar months, each randomly rounded to a
// multiple of 5 by the hub (shown as they come; parts need not add up to totals). No framework.
"use strict";

const T = {
  da: {
    title: "Ledsager · Indsigt", devices_link: "Skærme", print: "Udskriv", logout: "Log ud", login: "Log ind", username: "Brugernavn",
    password: "Adgangskode", login_button: "Log ind", lang_button: "English", from: "Fra måned", to: "Til og med måned", site: "Sted", show: "Vis",
    all_sites: "Alle steder", privacy: "Tallene er anonyme optællinger for hele kalendermåneder, sted for sted. En måned kan ses fra den 3. i måneden efter.",
    rounding: "Tallene er afrundet til 5 efter lodtrækning, så ingen kan udpeges; delene giver derfor ikke altid totalen.",
    not_final: (m) => `Måneden er ikke afsluttet endnu: en måned kan ses fra den 3. i måneden efter. Den seneste afsluttede måned er ${m}.`,
    bad_period: "Vælg hele måneder, højst 12.",
    gains_title: "Realistiske gevinster", gains_caption: "Tallene bag gevinsterne", col_figure: "Tal", col_value: "Antal",
    col_counts: "Hvad der er talt", csv: "Hent som CSV", guides_title: "Vejledninger, dem der mest trænger til omskrivning først",
    guides_caption: "Vejledninger efter sundhed", col_guide: "Vejledning", col_health: "Sundhed", col_started: "Startet",
    col_done: "Gennemført (uden / med personale)", col_left: "Forladt", col_help: "Bad om hjælp", col_confusing: "«Forvirrende»",
    col_helped: "Hjalp det? (ja / nej)", col_steps: "Trin", steps_button: "Se trin", health_note:
      "Sundhed 100: ingen forlader vejledningen, beder om hjælp eller finder et trin forvirrende, og alle der svarer, siger at den hjalp.",
    too_few: "for få", steps_caption: "Hvor mange nåede hvert trin", col_step: "Trin", col_reached: "Nåede trinnet", col_time: "Typisk tid",
    months_title: "Måned for måned", col_month: "Måned", col_done_total: "Gennemført", funnel_of: (t) => `Trin for trin: ${t}`,
    sites_title: "Steder", sessions: "Besøg", guides_done: "Vejledninger gennemført", in_person: "Personlig hjælp", video: "Videoopkald",
    requests: "henvendelser", wait: "typisk ventetid", languages: "Sprog", hours: "Travle timer", modes: "Tilgængelighed brugt",
    outcome_solved: "løst", outcome_appointment: "tid bestilt", outcome_referred: "henvist", outcome_left: "gik", outcome_cancelled: "trukket tilbage",
    mode_read_aloud: "oplæsning", mode_large_text: "stor tekst", mode_high_contrast: "høj kontrast", mode_keypad: "tastatur",
    forbidden: "Rapporterne er for ledere.", wrong: "Forkert brugernavn eller adgangskode.", none: "–",
    f_sessions: "Besøg ved skærmene", c_sessions: "borgere der brugte en skærm",
    f_without: "Opgaver klaret uden personale", c_without: "vejledninger gennemført uden at bede om hjælp",
    f_with: "Opgaver klaret med personale", c_with: "vejledninger gennemført efter at have bedt om hjælp",
    f_asked: "Bad om hjælp", c_asked: "henvendelser fra skærmene (personligt / video)",
    f_staff_minutes: "Personaletid brugt", c_staff_minutes: (n) => `minutter anslået ud fra hvor længe ${n} henvendelser varede, fra overtagelse til afslutning`,
    sentence: (g) => `I perioden blev ${g.without} opgaver klaret ved skærmene uden personale. ${g.asked} gange bad en borger om hjælp ved en skærm. Personalet afsluttede ${g.closed} henvendelser og brugte omkring ${g.minutes} minutter på dem (anslået ud fra ${g.measured} henvendelser). Tallene er optalt, ikke fremskrevet.`,
    seconds: (m) => m.to_s ? `${m.from_s}–${m.to_s} s` : `over ${m.from_s} s`,
    col_content: "Indhold at tjekke", content_title: "Indhold at tjekke", content_note: "Alle vejledninger skærmene viser, brugt i perioden eller ej.",
    content_caption: "Kilder og oversættelser pr. vejledning", col_sources: "Kilder tjekket", col_languages: "Sprog",
    sources_old: (d, m) => `kilder tjekket ${d}, over ${m} måneder siden`, outdated: (l) => `forældet: ${l}`,
    unreviewed: (l) => `ikke gennemlæst: ${l}`, content_ok: "i orden", reviewed: (l, by, d) => `${l}: ${by}, ${d}`,
    outdated_one: "forældet", not_reviewed: "ikke gennemlæst",
  },
  en: {
    title: "Ledsager · Insight", devices_link: "Kiosks", print: "Print", logout: "Log out", login: "Log in", username: "User name",
    password: "Password", login_button: "Log in", lang_button: "Dansk", from: "From month", to: "To month", site: "Site", show: "Show",
    all_sites: "All sites", privacy: "The figures are anonymous counts over whole calendar months, site by site. A month can be seen from the 3rd of the month after.",
    rounding: "Figures are rounded to 5 at random so that no one can be singled out; parts may not add up to totals.",
    not_final: (m) => `That month has not ended yet: a month can be seen from the 3rd of the month after. The last month ended is ${m}.`,
    bad_period: "Choose whole months, at most 12.",
    gains_title: "Realistic gains", gains_caption: "The figures behind the gains", col_figure: "Figure", col_value: "Count",
    col_counts: "What it counts", csv: "Download as CSV", guides_title: "Guides, those most in need of rewriting first",
    guides_caption: "Guides by health", col_guide: "Guide", col_health: "Health", col_started: "Started",
    col_done: "Completed (without / with staff)", col_left: "Left", col_help: "Asked for help", col_confusing: "“Confusing”",
    col_helped: "Did it help? (yes / no)", col_steps: "Steps", steps_button: "See steps", health_note:
      "Health 100: nobody leaves the guide, asks for help or finds a step confusing, and everyone who answers says it helped.",
    too_few: "too few", steps_caption: "How many reached each step", col_step: "Step", col_reached: "Reached the step", col_time: "Typical time",
    months_title: "Month by month", col_month: "Month", col_done_total: "Completed", funnel_of: (t) => `Step by step: ${t}`,
    sites_title: "Sites", sessions: "Visits", guides_done: "Guides completed", in_person: "In-person help", video: "Video calls",
    requests: "requests", wait: "typical wait", languages: "Languages", hours: "Busy hours", modes: "Accessibility used",
    outcome_solved: "solved", outcome_appointment: "appointment booked", outcome_referred: "referred", outcome_left: "left", outcome_cancelled: "withdrawn",
    mode_read_aloud: "read aloud", mode_large_text: "large text", mode_high_contrast: "high contrast", mode_keypad: "keypad",
    forbidden: "The reports are for managers.", wrong: "Wrong user name or password.", none: "–",
    f_sessions: "Visits at the kiosks", c_sessions: "citizens who used a kiosk",
    f_without: "Tasks completed without staff", c_without: "guides finished without asking for help",
    f_with: "Tasks completed with staff", c_with: "guides finished after asking for help",
    f_asked: "Asked for help", c_asked: "requests from the kiosks (in person / video)",
    f_staff_minutes: "Staff time spent", c_staff_minutes: (n) => `minutes estimated from how long ${n} requests took, from claim to close`,
    sentence: (g) => `In this period ${g.without} tasks were completed at the kiosks without staff. ${g.asked} times a citizen asked for help at a kiosk. Staff closed ${g.closed} requests and spent about ${g.minutes} minutes on them (estimated from ${g.measured} requests). The figures are counted, not extrapolated.`,
    seconds: (m) => m.to_s ? `${m.from_s}–${m.to_s} s` : `over ${m.from_s} s`,
    col_content: "Content to check", content_title: "Content to check", content_note: "Every guide the kiosks show, used in the period or not.",
    content_caption: "Sources and translations per guide", col_sources: "Sources checked", col_languages: "Languages",
    sources_old: (d, m) => `sources checked ${d}, over ${m} months ago`, outdated: (l) => `outdated: ${l}`,
    unreviewed: (l) => `not reviewed: ${l}`, content_ok: "in order", reviewed: (l, by, d) => `${l}: ${by}, ${d}`,
    outdated_one: "outdated", not_reviewed: "not reviewed",
  },
};
const state = { lang: localStorage.getItem("ledsager.lang") || "da", csrf: null, sites: [], guides: null, gains: null, siteData: null, open: null };
const t = (key) => T[state.lang][key] ?? key;
const api = (method, path, body) => apiCall(method, path, body, state.csrf);  // common.js
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
    textContent: T[state.lang].sentence({ without: n(g.guides_completed.without_staff), asked: n(g.asked_for_help.total), closed: n(num(inPerson.closed) + num(video.closed)),
                                      minutes: n(minutes), measured: n(measured) }) }));
  const rows = [
    [t("f_sessions"), n(g.sessions), t("c_sessions")],
    [t("f_without"), n(g.guides_completed.without_staff), t("c_without")],
    [t("f_with"), n(g.guides_completed.with_staff), t("c_with")],
    [t("f_asked"), `${n(g.asked_for_help.in_person)} / ${n(g.asked_for_help.video)}`, t("c_asked")],
    [t("f_staff_minutes"), n(minutes), T[state.lang].c_staff_minutes(n(measured))],
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
  const L = T[state.lang];
  const parts = [];
  if (c.sources_stale) parts.push(L.sources_old(c.sources_checked, c.source_age_months));
  const langs = Object.entries(c.languages || {});
  const outdated = langs.filter(([, v]) => v.outdated).map(([k]) => k);
  const unreviewed = langs.filter(([, v]) => !v.reviewed_by || !v.reviewed).map(([k]) => k);
  if (outdated.length) parts.push(L.outdated(outdated.join(", ")));
  if (unreviewed.length) parts.push(L.unreviewed(unreviewed.join(", ")));
  return parts.length ? parts.join("; ") : L.content_ok;
}

function renderContent() {
  const body = $("content").querySelector("tbody");
  body.replaceChildren();
  if (!state.guides || !state.guides.content) return;
  const L = T[state.lang];
  // Those needing most first: old sources, then outdated languages.
  const need = (c) => (c.sources_stale ? 2 : 0) + (Object.values(c.languages || {}).some((v) => v.outdated) ? 1 : 0);
  const rows = [...state.guides.content].sort((a, b) => need(b) - need(a));
  for (const c of rows) {
    const tr = document.createElement("tr");
    if (need(c)) tr.className = "attention";
    const sources = c.sources_stale ? L.sources_old(c.sources_checked, c.source_age_months) : (c.sources_checked || t("none"));
    const langs = Object.entries(c.languages || {}).map(([l, v]) =>
      v.outdated ? `${l}: ${L.outdated_one}` : (!v.reviewed_by || !v.reviewed) ? `${l}: ${L.not_reviewed}` : L.reviewed(l, v.reviewed_by, v.reviewed));
    cellRow(tr, [c.title || c.id, sources, langs.join(" · ")], 1);
    body.append(tr);
  }
}

function renderFunnel(focus) {
  const g = state.guides && state.guides.guides.find((x) => x.id === state.open);
  $("funnel").hidden = !g;
  if (!g) return;
  $("funnel-title").textContent = T[state.lang].funnel_of(g.title);
  const max = Math.max(0, ...g.steps.map((s) => num(s.reached)));
  const body = $("steps").querySelector("tbody");
  body.replaceChildren();
  for (const s of g.steps) {
    const tr = document.createElement("tr");
    const reached = document.createElement("span");
    reached.className = "with-bar";
    reached.append(bar(s.reached, max), document.createTextNode(n(s.reached)));
    const time = s.median_time ? T[state.lang].seconds(s.median_time) : t("none");
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
      const wait = e.median_wait && typeof e.median_wait === "object" ? `; ${t("wait")} ${T[state.lang].seconds(e.median_wait)}` : "";
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
    $("report-error").textContent = T[state.lang].not_final(monthName((g.data.error.match(/last final month is (\d{4}-\d{2})/) || [])[1] || ""));
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
  document.documentElement.lang = state.lang;
  document.querySelectorAll("[data-t]").forEach((el) => { el.textContent = t(el.dataset.t); });
  $("lang").textContent = t("lang_button");
  $("lang").setAttribute("aria-label", t("lang_button"));
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
wireConsole(state, t, show, applyLanguage);  // common.js
