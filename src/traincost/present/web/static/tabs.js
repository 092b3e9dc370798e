// traincost web calculator: the Compare, Plan and Audit tabs (they reuse the scenario form of app.js).
"use strict";

function selectTab(name) {
  for (const b of document.querySelectorAll("#tabs button")) b.setAttribute("aria-selected", String(b.dataset.tab === name));
  for (const p of document.querySelectorAll(".panel")) p.hidden = p.id !== "tab-" + name;
  $("go").hidden = name !== "estimate";
  writeUrl({ tab: name });
  const first = { estimate: () => run(), compare: () => $("cmp-out").hidden && compareRun(),
    plan: () => $("plan-out").hidden && planRun(), audit: () => null }[name];
  if (first) first();
}

// ------------------------------------------------------------------------------------------ compare

function candidateRow(c = {}) {
  const opt = (list, v) => list.map(([id, label]) => `<option value="${esc(id)}"${id === v ? " selected" : ""}>${esc(label)}</option>`).join("");
  const models = opt(CATALOG.models.map((m) => [m.id, m.id]), c.model || CATALOG.defaults.model);
  const gpus = opt(CATALOG.accelerators.map((a) => [a.id, a.id]), c.gpu || $("gpu").value);
  const provs = opt([["", "default"]].concat(CATALOG.providers.map((p) => [p, p])), c.provider || "");
  const tr = document.createElement("tr");
  tr.innerHTML = `<td><select class="c-model">${models}</select></td><td><select class="c-gpu">${gpus}</select></td>` +
    `<td><input class="c-gpus" type="number" min="1" step="1" value="${esc(c.gpus || $("gpus").value)}"></td>` +
    `<td><select class="c-provider">${provs}</select></td><td><button type="button" class="c-del" aria-label="remove">×</button></td>`;
  tr.querySelector(".c-del").addEventListener("click", () => tr.remove());
  $("cmp-rows").querySelector("tbody").appendChild(tr);
}

function candidates() {
  return [...$("cmp-rows").querySelectorAll("tbody tr")].map((tr) => {
    const c = { model: tr.querySelector(".c-model").value, gpu: tr.querySelector(".c-gpu").value, gpus: tr.querySelector(".c-gpus").value };
    const p = tr.querySelector(".c-provider").value;
    if (p) c.provider = p;
    return c;
  });
}

function paretoChart(svg, rows) {
  const w = 520, h = 260, l = 70, r = 20, t = 14, b = 36;
  const pts = rows.map((c) => ({ x: c.time.wall_clock_days, y: c.cost.total_usd, label: c.label, pareto: c.pareto }));
  const xmax = Math.max(...pts.map((p) => p.x)) * 1.1, ymax = Math.max(...pts.map((p) => p.y)) * 1.1;
  const X = (v) => l + (w - l - r) * v / xmax, Y = (v) => h - b - (h - t - b) * v / ymax;
  let out = `<line x1="${l}" x2="${w - r}" y1="${h - b}" y2="${h - b}" stroke="#66707a"></line><line x1="${l}" x2="${l}" y1="${t}" y2="${h - b}" stroke="#66707a"></line>`;
  for (let i = 0; i <= 4; i++) {
    out += `<text x="${l - 4}" y="${Y(ymax * i / 4) + 3}" text-anchor="end">${usd(ymax * i / 4)}</text>`;
    out += `<text x="${X(xmax * i / 4)}" y="${h - b + 14}" text-anchor="middle">${num(xmax * i / 4, 1)}</text>`;
  }
  out += `<text x="${(w + l) / 2}" y="${h - 4}" text-anchor="middle">wall-clock days</text>`;
  const front = pts.filter((p) => p.pareto).sort((a, c) => a.x - c.x);
  if (front.length > 1) out += `<path d="${front.map((p, i) => (i ? "L" : "M") + X(p.x) + "," + Y(p.y)).join(" ")}" fill="none" stroke="#a12a2a" stroke-dasharray="5,3"></path>`;
  for (const p of pts) {
    out += `<circle cx="${X(p.x)}" cy="${Y(p.y)}" r="4" fill="${p.pareto ? "#a12a2a" : "#2f5d8a"}"></circle>` +
      `<text x="${X(p.x) + (X(p.x) > w * 0.7 ? -6 : 6)}" y="${Y(p.y) - 6}" text-anchor="${X(p.x) > w * 0.7 ? "end" : "start"}">${esc(p.label)}</text>`;
  }
  svg.innerHTML = out;
}

function compareBody() {
  const body = { scenario: readForm(), candidates: candidates() };
  for (const k of ["deadline", "budget"]) { const v = $("cmp-" + k).value.trim(); if (v) body[k] = v; }
  return body;
}

async function compareRun() {
  let body;
  try { body = compareBody(); } catch (e) { $("cmp-out").hidden = true; setStatus(e.message, "error"); return; }
  if (!body.candidates.length) { $("cmp-out").hidden = true; setStatus("add at least one candidate", "error"); return; }
  setStatus("Comparing " + body.candidates.length + " candidates…");
  try {
    const res = await post("/api/compare", body);
    showAnswer("cmp-", res.answer_text);
    const ok = res.candidates.filter((c) => c.cost);
    paretoChart($("cmp-chart"), ok);
    $("cmp-table").querySelector("tbody").innerHTML = res.candidates.map((c) => {
      if (!c.cost) return `<tr><td>${esc(c.label)}</td><td colspan="6" class="error">${esc((c.solve || {}).error || "infeasible")}</td></tr>`;
      const g = c.ranges;
      return `<tr><td>${esc(c.label)}</td><td class="num">${num(c.hardware.count)}</td>` +
        `<td class="num">${num(c.time.wall_clock_days, 1)} (${num(g.wall_clock_days.p10, 1)}-${num(g.wall_clock_days.p90, 1)})</td>` +
        `<td class="num">${usd(c.cost.total_usd)} (${usd(g.cost_usd.p10)}-${usd(g.cost_usd.p90)})</td>` +
        `<td class="num">${num(c.time.gpu_hours)}</td><td class="num">${c.quality.loss.toFixed(3)}</td><td>${c.pareto ? "yes" : ""}</td></tr>`;
    }).join("");
    $("cmp-out").hidden = false;
    setStatus(`${res.candidates.length} candidates compared`, "");
  } catch (e) {
    $("cmp-out").hidden = true;
    setStatus(e.message, "error");
  }
}

// ------------------------------------------------------------------------------------------ plan

const PLAN_FIELDS = ["tp", "pp", "dp", "cp", "ep", "zero", "micro_batch", "recompute"];

async function planRun() {
  let form;
  try { form = readForm(); } catch (e) { $("plan-out").hidden = true; setStatus(e.message, "error"); return; }
  if (form.config) { $("plan-out").hidden = true; setStatus("Plan works on catalog models; choose one from the list", "error"); return; }
  const body = {};
  for (const k of ["model", "gpu", "gpus", "seq_len", "precision", "optimizer", "global_batch", "global_batch_tokens"]) if (form[k] !== undefined) body[k] = form[k];
  for (const k of PLAN_FIELDS) { const v = $("plan-" + k).value.trim(); if (v) body[k] = v; }
  setStatus("Searching layouts…");
  try {
    const p = await post("/api/plan", body);
    showAnswer("plan-", p.answer_text);
    const chosen = p.best || p.alternatives[0];
    if (chosen) {
      barChart($("plan-mem"), Object.entries(chosen.memory.breakdown_gib).filter(([k]) => k !== "capacity").map(([k, v]) => ({ label: k, value: v })), (v) => num(v, 1) + " GiB");
      barChart($("plan-time"), Object.entries(chosen.time_breakdown).filter(([k, v]) => k !== "step" && v > 0).map(([k, v]) => ({ label: k, value: v })), (v) => num(v, 3) + " s");
    }
    $("plan-table").querySelector("tbody").innerHTML = [chosen, ...(p.best ? p.alternatives : [])].filter(Boolean).map((x) =>
      `<tr><td>${esc(layoutStr(x.layout))}</td><td class="num">${num(x.step_time_s, 3)}</td><td class="num">${num(x.throughput.tokens_per_s)}</td>` +
      `<td class="num">${num(100 * x.throughput.mfu, 1)}%</td><td class="num">${num(x.memory.total_gib, 1)}</td></tr>`).join("");
    $("plan-out").hidden = false;
    setStatus(`searched ${num(p.search.evaluated)} layouts; ${num(p.search.fitting)} fit in memory`, "");
  } catch (e) {
    $("plan-out").hidden = true;
    setStatus(e.message, "error");
  }
}

// ------------------------------------------------------------------------------------------ audit

function parseClaim(text) {
  const t = text.replace(/\u00a0/g, " ");
  const n = "(\\d[\\d,]*(?:\\.\\d+)?\\s*[kKmMbB]?)";
  const grab = (re) => { const m = t.match(re); return m ? m[1].replace(/\s+/g, "") : ""; };
  return {
    gpu_hours: grab(new RegExp(n + "\\s*(?:[A-Za-z0-9]+\\s+)?(?:GPU|accelerator)[- ]?hours", "i")),
    cost: grab(new RegExp("\\$\\s*" + n)) || grab(new RegExp(n + "\\s*(?:USD|dollars)", "i")),
    days: grab(new RegExp(n + "\\s*days", "i")),
    gpus: grab(/(\d[\d,]*)\s*(?:x\s*)?(?:[A-Z]\d{2,3}\w*\s*)?(?:GPUs|accelerators)/i).replace(/,/g, ""),
  };
}

async function auditRun() {
  let form;
  try { form = readForm(); } catch (e) { $("audit-out").hidden = true; setStatus(e.message, "error"); return; }
  if (form.config) { $("audit-out").hidden = true; setStatus("Audit works on catalog models; choose one from the list", "error"); return; }
  const body = {};
  for (const k of ["model", "tokens", "seq_len", "gpu", "precision"]) if (form[k] !== undefined) body[k] = form[k];
  for (const k of ["gpu_hours", "days", "gpus", "cost", "price"]) { const v = $("audit-" + k).value.trim(); if (v) body[k] = v; }
  setStatus("Auditing…");
  try {
    const a = await post("/api/audit", body);
    showAnswer("audit-", a.answer_text);
    $("audit-table").querySelector("tbody").innerHTML = a.verdicts.map((v) =>
      `<tr><td>${esc(v.figure.replace(/_/g, " "))}</td><td class="verdict-${esc(v.verdict)}">${esc(v.verdict.toUpperCase())}</td><td>${esc(v.reason)}</td></tr>`).join("");
    $("audit-out").hidden = false;
    setStatus("verdict: " + a.verdict, "");
  } catch (e) {
    $("audit-out").hidden = true;
    setStatus(e.message, "error");
  }
}

document.addEventListener("traincost:ready", () => {
  for (const b of document.querySelectorAll("#tabs button")) b.addEventListener("click", () => selectTab(b.dataset.tab));
  candidateRow({ model: "llama-3.1-8b" });
  candidateRow({ model: "llama-3.1-70b" });
  $("cmp-add").addEventListener("click", () => candidateRow());
  $("cmp-go").addEventListener("click", compareRun);
  $("cmp-report").addEventListener("click", () => download("/api/export/report.html", compareBody(), "traincost-report-compare.html"));
  $("plan-go").addEventListener("click", planRun);
  $("audit-parse").addEventListener("click", () => {
    const c = parseClaim($("audit-text").value);
    for (const [k, v] of Object.entries(c)) $("audit-" + k).value = v;
  });
  $("audit-go").addEventListener("click", auditRun);
  const tab = new URLSearchParams(location.search).get("tab");
  if (tab && tab !== "estimate" && $("tab-" + tab)) {
    for (const b of document.querySelectorAll("#tabs button")) b.setAttribute("aria-selected", String(b.dataset.tab === tab));
    for (const p of document.querySelectorAll(".panel")) p.hidden = p.id !== "tab-" + tab;
    $("go").hidden = true;
    setTimeout(() => selectTab(tab), 0);
  }
});
