// The "try a case" page: reads the form, calls the service's own API, and writes the answer
// with textContent only (nothing from a response is ever parsed as HTML).
"use strict";

const EXAMPLE = `# A Year 4 pupil absent without explanation from Monday 10 February 2025.
case_ref: EXAMPLE-1
child:
  date_of_birth: 2015-06-14
  looked_after: false
  safeguarding_concerns: []
school:
  on_roll: true
absence:
  first_day_on: 2025-02-10
  explained: false
whereabouts:
  known: false
history:
  - {event: parents_contacted, on: 2025-02-10}
`;

const $ = (id) => document.getElementById(id);
let policies = [];

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") node.className = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === null || c === undefined || c === "") continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

const words = (s) => String(s).replaceAll("_", " ");
function longDate(iso) {
  if (!iso) return "";
  const d = new Date(iso + "T12:00:00Z");
  return d.toLocaleDateString("en-GB", { weekday: "short", day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
}
const statusBadge = (s) => el("span", { class: `status s-${s}` }, words(s));

async function api(path, body) {
  const init = body === undefined ? {} : {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body),
  };
  const response = await fetch(path, init);
  let data = null;
  try { data = await response.json(); } catch { data = null; }
  return { ok: response.ok, status: response.status, data };
}

async function loadPolicies() {
  const { ok, data } = await api("/v1/policies");
  const select = $("policy");
  if (!ok || !data) { $("status").textContent = "Could not load the authorities."; return; }
  policies = data.policies;
  for (const p of policies) {
    select.append(el("option", { value: p.id }, `${p.authority.name} (${p.id})`));
  }
  if (policies.some((p) => p.id === "kent")) select.value = "kent";
}

function showErrors(problem) {
  const list = $("error-list");
  list.replaceChildren();
  const errors = (problem && problem.errors) || [];
  if (!errors.length) list.append(el("li", {}, (problem && (problem.detail || problem.title)) || "The service did not answer."));
  for (const e of errors) {
    const where = e.line ? ` (line ${e.line}, column ${e.column || 1})` : "";
    list.append(el("li", {}, el("span", { class: "path" }, e.path || "the case"), `${where}: ${e.message}`));
  }
  $("result").hidden = true;
  $("errors").hidden = false;
  $("errors").focus();
}

function citationText(c) { return `${c.document}` + (c.section && !c.document.endsWith(c.section) ? ` ${c.section}` : ""); }

function verdictCard(a) {
  const dates = [];
  if (a.due_on) dates.push(["Due", longDate(a.due_on)]);
  if (a.not_before) dates.push(["Not before", longDate(a.not_before)]);
  if (a.completed_on) dates.push(["Done on", longDate(a.completed_on)]);
  const dl = el("dl", {},
    ...dates.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]),
    el("dt", {}, "Why"), el("dd", {}, a.reason),
    el("dt", {}, "Rule"), el("dd", {}, `${a.rule_id} (${a.pack}): ${citationText(a.citation)}`),
  );
  if (a.facts_needed && a.facts_needed.length) {
    dl.append(el("dt", {}, "Needs"), el("dd", {}, a.facts_needed.join(", ")));
  }
  const rules = el("ul", { class: "rules" }, ...a.rules.map((r) => el("li", {},
    el("strong", {}, `${r.rule_id}`), ` (${r.pack}, ${words(r.role)}) `, statusBadge(r.status),
    r.due_on ? ` due ${longDate(r.due_on)}` : "", r.not_before ? ` not before ${longDate(r.not_before)}` : "",
    el("br"), r.reason,
    r.unmet && r.unmet.length ? el("span", {}, el("br"), `Not yet met: ${r.unmet.join("; ")}`) : "",
    el("br"), el("small", {}, citationText(r.citation)),
  )));
  const who = `${words(a.kind)}: ${words(a.actor)}`;
  return el("article", { class: `verdict s-${a.status}` },
    el("h3", {}, who, " ", statusBadge(a.status)),
    dl,
    el("details", {}, el("summary", {}, `The rules behind it (${a.rules.length})`), rules),
  );
}

function showResult(result) {
  $("summary").textContent = `${result.authority} on ${longDate(result.on)}: ${result.state_reason}. ` +
    `Compulsory school age: ${result.compulsory_school_age}.`;
  const notes = $("notes");
  notes.replaceChildren();
  const items = [...result.warnings.map((w) => `Warning: ${w}`)];
  if (result.facts_needed.length) items.push(`Facts that would settle more: ${result.facts_needed.join(", ")}`);
  if (items.length) notes.append(el("ul", { class: "notes" }, ...items.map((t) => el("li", {}, t))));
  const verdicts = $("verdicts");
  verdicts.replaceChildren(...result.actions.map(verdictCard));
  if (!result.actions.length) verdicts.append(el("p", {}, "No duties apply to this case on this date."));
}

function showTimeline(timeline) {
  const img = $("timeline-img");
  if (!timeline) { $("timeline").hidden = true; return; }
  $("timeline").hidden = false;
  const bytes = new TextEncoder().encode(timeline.svg);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  img.src = "data:image/svg+xml;base64," + btoa(bin);
  img.alt = "The case's timeline, drawn; the same timeline is given as text below.";
  $("timeline-text").textContent = timeline.text;
}

function dutyKey(a) { return `${a.kind}|${a.actor}`; }

function showComparison(rows) {
  const box = $("comparison");
  if (!rows) { box.hidden = true; return; }
  const duties = new Map();
  for (const { result } of rows) {
    if (!result) continue;
    for (const a of result.actions) if (!duties.has(dutyKey(a))) duties.set(dutyKey(a), a);
  }
  const head = el("tr", {}, el("th", { scope: "col" }, "Duty"),
    ...rows.map(({ policy }) => el("th", { scope: "col" }, policy.authority.name)));
  const body = [...duties.values()].map((d) => el("tr", {},
    el("th", { scope: "row" }, `${words(d.kind)}: ${words(d.actor)}`),
    ...rows.map(({ result, error }) => {
      if (!result) return el("td", {}, error || "could not evaluate");
      const a = result.actions.find((x) => dutyKey(x) === dutyKey(d));
      if (!a) return el("td", {}, "—");
      const when = a.due_on ? `due ${longDate(a.due_on)}` : a.not_before ? `from ${longDate(a.not_before)}` : "";
      return el("td", {}, statusBadge(a.status), when ? el("span", {}, el("br"), when) : "");
    })));
  const table = $("comparison-table");
  table.tHead.replaceChildren(head);
  table.tBodies[0].replaceChildren(...body);
  box.hidden = false;
}

async function evaluate(event) {
  event.preventDefault();
  const button = $("submit");
  const request = { policy: $("policy").value, on: $("on").value, case_text: $("case-text").value };
  if (!request.case_text.trim()) request.case_text = "{}";
  button.disabled = true;
  $("status").textContent = "Evaluating…";
  try {
    const main = await api("/v1/evaluate", request);
    if (!main.ok) { $("status").textContent = "The case has problems."; showErrors(main.data); return; }
    const timeline = await api("/v1/timeline", request);
    let rows = null;
    if ($("compare").checked) {
      const others = policies.filter((p) => p.authority.kind !== "school");
      rows = await Promise.all(others.map(async (policy) => {
        const r = await api("/v1/evaluate", { ...request, policy: policy.id });
        return { policy, result: r.ok ? r.data : null, error: r.ok ? null : (r.data && r.data.title) };
      }));
    }
    $("errors").hidden = true;
    showResult(main.data);
    showTimeline(timeline.ok ? timeline.data : null);
    showComparison(rows);
    $("result").hidden = false;
    $("status").textContent = `${main.data.actions.length} verdict(s) for ${main.data.authority}.`;
    $("result").focus();
  } catch (err) {
    $("status").textContent = "The service could not be reached.";
  } finally {
    button.disabled = false;
  }
}

function readFile() {
  const file = $("case-file").files[0];
  if (!file) return;
  if (file.size > 2 * 1024 * 1024) { $("status").textContent = "That file is larger than 2 MiB."; return; }
  const reader = new FileReader();
  reader.onload = () => { $("case-text").value = reader.result; $("status").textContent = `Read ${file.name}.`; };
  reader.readAsText(file);
}

document.addEventListener("DOMContentLoaded", () => {
  $("on").value = new Date().toISOString().slice(0, 10);
  $("case-form").addEventListener("submit", evaluate);
  $("case-file").addEventListener("change", readFile);
  $("example").addEventListener("click", () => {
    $("case-text").value = EXAMPLE;
    $("on").value = "2025-03-03";
    $("status").textContent = "Example case filled in, dated 3 March 2025.";
  });
  loadPolicies();
});
