"use strict";
// Every text from the pipeline is put in the page as text, never as markup: reasons and names come from messages.
const main = document.getElementById("main");
let me = null;
let charts = [];
let refresh = null;

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

async function api(path, options) {
  const response = await fetch(path, Object.assign({ headers: { "Accept": "application/json" } }, options));
  if (response.status === 401) { location.href = "/login?returnUrl=" + encodeURIComponent(location.pathname); throw new Error("signed out"); }
  return response;
}

async function json(path) {
  const response = await api(path);
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return response.json();
}

const time = value => value ? new Date(value).toLocaleString(undefined, { hour12: false }) : "";
const seconds = value => value === null || value === undefined ? "" : `${Number(value).toFixed(1)} s`;
const isRunning = summary => !summary.outcome;

// Called before a page builds its charts: the previous page's are let go.
function reset() {
  for (const chart of charts) chart.destroy();
  charts = [];
}

function show(...nodes) {
  main.replaceChildren(...nodes.flat(Infinity).filter(n => n !== null && n !== undefined && n !== false));
}

async function deploymentsPage() {
  const deployments = await json("/api/deployments");
  reset();
  document.title = "Deployments · BPDP console";
  const groups = new Map();
  for (const d of deployments) {
    const key = `${d.agency || "unknown agency"} / ${d.environment || "unknown environment"}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(d);
  }
  const sections = [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, list]) => el("section", { class: "group", "aria-label": key },
    el("h2", {}, key),
    el("table", { class: "deployments" },
      el("thead", {}, el("tr", {}, ...["Policy", "Version", "State", "Approver", "Started", "Duration", "Outcome"].map(h => el("th", { scope: "col" }, h)))),
      el("tbody", {}, ...list.map(d => el("tr", { "data-deployment": d.id },
        el("td", {}, el("a", { href: `/deployments/${d.id}` }, d.policy || d.id)),
        el("td", {}, d.version || ""),
        el("td", { class: `state ${isRunning(d) ? "running" : d.state}`, "data-field": "state" }, d.state),
        el("td", {}, d.approver || ""),
        el("td", {}, time(d.startedAt)),
        el("td", {}, seconds(d.durationSeconds)),
        el("td", { "data-field": "outcome", class: d.outcome || "" }, d.outcome ? `${d.outcome}${d.reason ? ": " + d.reason : ""}` : "running")))))));
  show(el("h1", {}, "Deployments"), deployments.length === 0 ? el("p", { class: "notice" }, "No deployment yet.") : sections);
}

function gateChart(gate, metric) {
  const start = new Date(metric.points[0]?.at || 0).getTime();
  const points = metric.points.map(p => ({ x: (new Date(p.at).getTime() - start) / 1000, y: p.value }));
  const failed = metric.points.map(p => p.outcome === "Failed");
  const last = points.length ? points[points.length - 1].x : 0;
  const canvas = el("canvas", { role: "img", "data-metric": metric.metric, "data-phase": gate.phase,
    "aria-label": `${metric.metric} in the ${gate.phase} gate: ${metric.failed} of ${metric.points.length} measurements failed` +
      (metric.threshold !== null ? `, threshold ${metric.threshold}` : metric.condition ? `, condition ${metric.condition}` : "") });
  const datasets = [{ label: `${metric.metric} measured`, data: points, showLine: true, borderColor: "#0b5cad",
    pointBackgroundColor: failed.map(f => f ? "#b3261e" : "#176f2c"), pointRadius: failed.map(f => f ? 6 : 4) }];
  if (metric.threshold !== null && metric.threshold !== undefined) {
    datasets.push({ label: `threshold ${metric.threshold}`, data: [{ x: 0, y: metric.threshold }, { x: Math.max(last, 1), y: metric.threshold }],
      showLine: true, borderDash: [6, 4], borderColor: "#b3261e", pointRadius: 0 });
  }
  const holder = el("div", { class: "chart" }, canvas);
  charts.push(new Chart(canvas, { type: "scatter", data: { datasets }, options: { animation: false, maintainAspectRatio: false,
    scales: { x: { title: { display: true, text: "seconds into the gate" } }, y: { title: { display: true, text: metric.metric } } } } }));
  return holder;
}

function measurementTable(metric) {
  return el("table", { class: "measurements", "data-metric": metric.metric },
    el("caption", {}, `${metric.metric}: every measurement`),
    el("thead", {}, el("tr", {}, ...["Measured at", "Value", "Threshold or condition", "Outcome", "Detail"].map(h => el("th", { scope: "col" }, h)))),
    el("tbody", {}, ...metric.points.map(p => el("tr", { class: p.outcome === "Failed" ? "verdict-fail" : "" },
      el("td", {}, time(p.at)), el("td", {}, p.value === null ? "no value" : p.value),
      el("td", {}, metric.threshold !== null ? `≤ ${metric.threshold}` : metric.condition || ""),
      el("td", {}, p.outcome), el("td", {}, p.detail || "")))));
}

function timelineChart(stages) {
  const start = new Date(stages[0].at).getTime();
  const names = [...new Set(stages.map(s => s.stage))];
  const canvas = el("canvas", { role: "img", id: "timeline", "aria-label": `the deployment's ${stages.length} events on a time axis; listed in the table below` });
  charts.push(new Chart(canvas, { type: "scatter", data: { datasets: [{ label: "events", data: stages.map(s => ({ x: (new Date(s.at).getTime() - start) / 1000, y: names.indexOf(s.stage), event: s.event })),
    pointRadius: 5, pointBackgroundColor: "#0b5cad" }] }, options: { animation: false, maintainAspectRatio: false, plugins: { legend: { display: false },
    tooltip: { callbacks: { label: c => `${c.raw.event} at ${c.raw.x.toFixed(1)} s` } } },
    scales: { x: { title: { display: true, text: "seconds since approval" } }, y: { min: -1, max: names.length, ticks: { stepSize: 1, autoSkip: false, callback: v => names[v] ?? "" } } } } }));
  return el("div", { class: "timeline" }, canvas);
}

function actions(page) {
  const d = page.deployment.summary;
  if (d.outcome) return el("p", { class: "notice" }, `Ended ${d.outcome}: no action.`);
  if (!page.mayAct) return el("p", { class: "notice", id: "no-actions" }, `Signed in as ${me.role.toLowerCase()} ${me.name}: no action on deployments of ${d.agency}.`);
  const result = el("p", { id: "action-result", role: "status", "aria-live": "polite" });
  async function send(path, body) {
    try {
      const response = await api(path, { method: "POST", headers: { "Content-Type": "application/json", "X-Bpdp-Console": "1" }, body: JSON.stringify(body || {}) });
      const answer = await response.json().catch(() => ({ message: `the console answered ${response.status} ${response.statusText}` }));
      result.textContent = answer.message;
      result.className = response.ok ? "" : "error";
    } catch (error) {
      result.textContent = `not sent: ${error.message}`;
      result.className = "error";
    }
  }
  const reason = el("input", { id: "abort-reason", name: "reason", required: true, maxlength: 500 });
  return el("section", { "aria-label": "Actions" },
    el("h2", {}, "Actions"),
    el("p", {}, el("button", { type: "button", id: "promote", onclick: () => send(`/api/deployments/${d.id}/promote`) }, "Promote")),
    el("form", { id: "abort", onsubmit: e => { e.preventDefault(); send(`/api/deployments/${d.id}/abort`, { reason: reason.value }); } },
      el("label", { for: "abort-reason" }, "Reason to abort"), reason, " ", el("button", { type: "submit", class: "danger" }, "Abort")),
    result);
}

async function deploymentPage(id) {
  const response = await api(`/api/deployments/${id}`);
  if (response.status === 404) { show(el("h1", {}, "Not found"), el("p", {}, `No deployment ${id} is known to the console.`)); return; }
  const page = await response.json();
  reset();
  const d = page.deployment;
  const s = d.summary;
  document.title = `${s.policy || id} ${s.version || ""} · BPDP console`;
  const facts = [["State", s.state], ["Outcome", s.outcome || "running"], ["Why", s.reason], ["Agency / environment", `${s.agency} / ${s.environment}`],
    ["Approved by", s.approver], ["Approval", d.approvalReference], ["Started", time(s.startedAt)], ["Duration", seconds(s.durationSeconds)],
    ["Image", d.image], ["Release tag", d.tag], ["Signature", d.signature], ["SBOM", d.sbom], ["Provenance", d.provenance],
    ["Scan", d.scanPassed === null ? "" : d.scanPassed ? "passed" : "blocked"]].filter(([, v]) => v);
  const gates = d.gates.map(g => el("section", { class: "gate", "data-phase": g.phase, "aria-label": `${g.phase} gate` },
    el("h3", {}, `${g.phase} gate: `, el("span", { class: g.passed ? "verdict-pass" : "verdict-fail" }, g.passed ? "passed" : g.inconclusive ? "inconclusive" : "failed")),
    el("p", { class: "verdict" }, g.verdict),
    ...g.metrics.map(m => el("div", { class: "metric" }, el("h4", {}, m.metric + (m.dryRun ? " (dry run)" : "")), gateChart(g, m), measurementTable(m)))));
  const ledgerTable = el("table", { id: "ledger-entries" }, el("caption", {}, "This deployment's ledger entries"),
    el("thead", {}, el("tr", {}, ...["#", "Message", "Occurred", "Hash"].map(h => el("th", { scope: "col" }, h)))), el("tbody", {}));
  show(
    el("h1", {}, `${s.policy || "Deployment"} ${s.version || ""}`, " ", el("span", { class: `state ${s.outcome || "running"}`, id: "state" }, s.state)),
    el("dl", { class: "facts" }, ...facts.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)])),
    actions(page),
    el("h2", {}, "Stages"), timelineChart(d.stages),
    el("table", { id: "stages" }, el("thead", {}, el("tr", {}, ...["At", "Stage", "Event", "Detail"].map(h => el("th", { scope: "col" }, h)))),
      el("tbody", {}, ...d.stages.map(m => el("tr", {}, el("td", {}, time(m.at)), el("td", {}, m.stage), el("td", {}, m.event), el("td", {}, m.detail))))),
    el("h2", {}, "KPI gates"), gates.length ? gates : el("p", {}, "No gate has judged this deployment yet."),
    d.actions.length ? [el("h2", {}, "Operator actions"), el("ul", {}, ...d.actions.map(a => el("li", {}, `${time(a.at)}: ${a.kind} by ${a.requestedBy}${a.reason ? " — " + a.reason : ""}`)))] : [],
    el("h2", {}, "Ledger"), ledgerTable);
  const ledger = await json(`/api/deployments/${id}/ledger`);
  const body = ledgerTable.tBodies[0];
  if (!ledger.configured || ledger.error) {
    body.replaceChildren(el("tr", {}, el("td", { colspan: 4, class: ledger.error ? "error" : "" }, ledger.error || "No ledger is configured (Console:LedgerUrl).")));
    return;
  }
  body.replaceChildren(...ledger.entries.map(e => el("tr", {}, el("td", {}, e.seq), el("td", {}, e.messageType), el("td", {}, e.occurredAt), el("td", {}, el("code", {}, e.hash.slice(0, 16) + "…")))));
}

async function ledgerPage() {
  const state = await json("/api/ledger");
  reset();
  document.title = "Ledger · BPDP console";
  if (!state.configured) { show(el("h1", {}, "Ledger"), el("p", { class: "notice" }, "No ledger is configured (Console:LedgerUrl).")); return; }
  if (state.error) { show(el("h1", {}, "Ledger"), el("p", { class: "error" }, state.error)); return; }
  const v = state.verification;
  const c = state.lastCheckpoint;
  show(el("h1", {}, "Ledger"),
    el("p", { id: "verdict", class: v.valid ? "verdict-pass" : "verdict-fail" }, v.valid
      ? `Verified: ${v.verifiedEntries} entries, ${v.checkpoints} signed checkpoints, every hash and signature holds.`
      : `Broken at entry ${v.firstBadSequence}: ${v.reason}`),
    el("h2", {}, "Last checkpoint"),
    c ? el("dl", { class: "facts" }, el("dt", {}, "Entry"), el("dd", {}, c.seq ?? c.sequence), el("dt", {}, "Signed at"), el("dd", {}, c.signedAt), el("dt", {}, "Key"), el("dd", {}, c.keyId),
      el("dt", {}, "Hash"), el("dd", {}, el("code", {}, c.hash))) : el("p", {}, "No checkpoint has been signed yet."));
}

async function notificationsPage() {
  const state = await json("/api/notifications");
  reset();
  document.title = "Notifications · BPDP console";
  if (!state.configured) { show(el("h1", {}, "Notifications"), el("p", { class: "notice" }, "No Notifier is configured (Console:NotifierUrl).")); return; }
  if (state.error) { show(el("h1", {}, "Notifications"), el("p", { class: "error" }, state.error)); return; }
  if (!state.list.enabled) { show(el("h1", {}, "Notifications"), el("p", { class: "notice" }, "Notifications are off: the Notifier has no route (Notifier:Routes).")); return; }
  const list = state.list.notifications;
  const undeliverable = list.filter(n => n.status === "Undeliverable").length;
  show(el("h1", {}, "Notifications"),
    el("p", { id: "undeliverable", class: undeliverable ? "verdict-fail" : "verdict-pass" },
      undeliverable ? `${undeliverable} undeliverable: every attempt failed (also in the Notifier's _error queue).` : "Nothing undeliverable."),
    el("table", { id: "notifications" },
      el("thead", {}, el("tr", {}, ...["Written", "Deployment", "What", "Route → sink", "Status", "Attempts", "Last error"].map(h => el("th", { scope: "col" }, h)))),
      el("tbody", {}, ...list.map(n => el("tr", { "data-notification": n.id, class: n.status === "Undeliverable" ? "verdict-fail" : "" },
        el("td", {}, time(n.createdAt)),
        el("td", {}, el("a", { href: `/deployments/${n.deploymentId}` }, n.title)),
        el("td", {}, n.trigger),
        el("td", {}, `${n.route} → ${n.sink}`),
        el("td", { "data-field": "status" }, n.status),
        el("td", {}, n.attempts),
        el("td", {}, n.lastError || ""))))));
}

async function route() {
  const path = location.pathname;
  const match = path.match(/^\/deployments\/([0-9a-f-]{36})$/i);
  try {
    if (match) { await deploymentPage(match[1]); refresh = id => id === match[1] && deploymentPage(match[1]); }
    else if (path === "/ledger") { await ledgerPage(); refresh = () => ledgerPage(); }
    else if (path === "/notifications") {
      await notificationsPage();
      refresh = () => notificationsPage();
      // Deliveries change without a deployment event: this page also looks again every few seconds.
      setInterval(() => notificationsPage().catch(() => {}), 3000);
    }
    else { await deploymentsPage(); refresh = () => deploymentsPage(); }
  } catch (error) {
    if (error.message !== "signed out") show(el("p", { class: "error" }, `The console could not load this page: ${error.message}`));
  }
}

let pending = null;
function listen() {
  const live = document.getElementById("live");
  const events = new EventSource("/api/events");
  events.addEventListener("connected", () => { live.textContent = "live"; });
  events.addEventListener("deployment", e => {
    const id = JSON.parse(e.data);
    clearTimeout(pending);
    pending = setTimeout(() => refresh && refresh(id), 250);
  });
  events.onerror = () => { live.textContent = "reconnecting…"; };
}

(async () => {
  me = await json("/api/me");
  document.getElementById("me").textContent = `${me.name} (${me.role.toLowerCase()})`;
  await route();
  listen();
})();
