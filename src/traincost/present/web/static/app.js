// traincost web calculator: the scenario form (every field; kept in the URL), the Estimate tab, and shared helpers.
"use strict";

const $ = (id) => document.getElementById(id);
const CUSTOM = "__custom__";
// Fields of the scenario shown in the form's fieldsets (static HTML).
const MAIN = ["model", "tokens", "seq_len", "kind", "gpu", "gpus", "framework", "precision", "mfu", "global_batch_tokens", "optimizer",
  "on_prem", "provider", "pricing", "price", "region", "year", "engineers", "serve", "months",
  "domain", "replay", "schedule", "base_tokens"];
// Every other scenario field, generated into "Every other assumption": [name, label, kind, options].
const ADVANCED = [
  ["compare_ownership", "Show cloud and owned side by side", "check"],
  ["data", "Dataset", "select", ["", "english", "code", "multilingual"]],
  ["bytes_per_token", "Raw bytes per token"], ["realization", "Share of the planned speed a real run reaches"],
  ["global_batch", "Global batch, sequences"], ["cpt_law", "D-CPT law: E=..,A=..,alpha=..,B=..,beta=.."],
  ["serve_gpu", "Serving accelerator (id)"], ["serve_price", "Serving price per GPU-hour"],
  ["grid_intensity", "Grid intensity, gCO2e/kWh"], ["pue", "PUE"], ["power_fraction", "Power as a share of TDP"],
  ["host_w_per_node", "Host power per node, W"], ["embodied_kg_per_gpu", "Embodied kgCO2e per accelerator"],
  ["electricity_price", "Electricity, USD/kWh (owned)"], ["server_price", "Server price per node, USD (owned)"],
  ["lifetime_years", "Hardware lifetime, years (owned)"], ["depreciation", "Depreciation", "select", ["", "straight-line", "epoch"]],
  ["utilization", "Owned cluster utilization"], ["facility", "Facility", "select", ["", "colo", "build"]],
  ["maintenance_share", "Maintenance share per year"], ["storage_class", "Storage", "select", ["", "object", "pfs"]],
  ["storage_price", "Storage, USD per GB-month"], ["checkpoints_kept", "Checkpoints kept"],
  ["checkpoint_stall_s", "Checkpoint stall target, s"], ["checkpoint_write_gb_s", "Checkpoint write, GB/s per node"],
  ["interruption_rate", "Interruptions per GPU-hour"], ["restart_minutes", "Minutes lost per restart"],
  ["engineer_cost", "Cost per engineer-year, USD"], ["prep_months", "Team months before"], ["eval_months", "Team months after"],
  ["samples", "Monte Carlo samples (max 20,000)"], ["seed", "Monte Carlo seed"],
];
const FIELDS = MAIN.concat(ADVANCED.map((a) => a[0]));
let CATALOG = null;

function usd(x) {
  if (x < 0) return "-" + usd(-x);
  if (x > 0 && x < 1) return "$" + Number(x.toPrecision(4));
  if (x >= 1e6) return "$" + (x / 1e6).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 }) + "M";
  if (x >= 1e4) return "$" + (x / 1e3).toLocaleString("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 }) + "k";
  return "$" + x.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}
const num = (x, d = 0) => x.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
const b64 = (s) => btoa(unescape(encodeURIComponent(s))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const unb64 = (s) => decodeURIComponent(escape(atob(s.replace(/-/g, "+").replace(/_/g, "/"))));

function buildAdvanced() {
  $("advanced").innerHTML = ADVANCED.map(([name, label, kind, opts]) => {
    if (kind === "check") return `<label><input type="checkbox" name="${name}" id="${name}"> ${esc(label)}</label>`;
    if (kind === "select") return `<label>${esc(label)} <select name="${name}" id="${name}">` +
      opts.map((o) => `<option value="${o}">${o || "default"}</option>`).join("") + "</select></label>";
    return `<label>${esc(label)} <input name="${name}" id="${name}" placeholder="default"></label>`;
  }).join("");
}

function setStatus(text, cls = "muted") { $("status").textContent = text; $("status").className = cls; }

function readForm() {
  const body = {};
  for (const f of FIELDS) {
    const el = $(f);
    if (!el) continue;
    if (el.type === "checkbox") { if (el.checked) body[f] = true; continue; }
    const v = el.value.trim();
    if (v !== "") body[f] = v;
  }
  if (body.model === CUSTOM) {
    delete body.model;
    try { body.config = JSON.parse($("config").value); } catch (e) { throw new Error("config: not valid JSON (" + e.message + ")"); }
  }
  if (body.on_prem) { delete body.provider; delete body.pricing; delete body.price; }
  return body;
}

function writeUrl(extra = {}) {
  const p = new URLSearchParams();
  for (const f of FIELDS) {
    const el = $(f);
    if (!el) continue;
    if (el.type === "checkbox") { if (el.checked) p.set(f, "1"); }
    else if (el.value.trim() !== "" && el.value !== CUSTOM) p.set(f, el.value.trim());
  }
  if ($("model").value === CUSTOM && $("config").value.trim()) {
    try { p.set("config", b64(JSON.stringify(JSON.parse($("config").value)))); } catch (e) { /* shown on run */ }
  }
  for (const [k, v] of Object.entries(extra)) if (v) p.set(k, v);
  history.replaceState(null, "", "?" + p.toString());
}

// fills the form from the URL; returns the [field, value] pairs a list has no option for
function readUrl() {
  const p = new URLSearchParams(location.search), unknown = [];
  for (const f of FIELDS) {
    const el = $(f);
    if (!el || !p.has(f)) continue;
    if (el.type === "checkbox") el.checked = p.get(f) === "1";
    else el.value = p.get(f);
    if (el.tagName === "SELECT" && el.value !== p.get(f)) unknown.push([f, p.get(f)]);
  }
  if (p.has("config")) {
    try { $("config").value = JSON.stringify(JSON.parse(unb64(p.get("config"))), null, 1); $("model").value = CUSTOM; }
    catch (e) { setStatus("the link's config could not be read (" + e.message + ")", "error"); }
  } else if (p.has("model") && !CATALOG.models.some((m) => m.id === p.get("model"))) {
    $("model").value = CATALOG.defaults.model;
    return `unknown model '${p.get("model")}' in the link; showing ${CATALOG.defaults.model} (choose one from the list)`;
  }
  return null;
}

function barChart(svg, items, fmt = usd) {
  const w = 420, h = 180, left = 120, top = 8, rowH = Math.min(26, (h - top) / Math.max(items.length, 1));
  const max = Math.max(...items.map((x) => x.value), 1e-12);
  svg.innerHTML = items.map((x, i) => {
    const y = top + i * rowH, bw = (w - left - 80) * (x.value / max);
    return `<text x="${left - 6}" y="${y + rowH * 0.6}" text-anchor="end">${esc(x.label)}</text>` +
      `<rect x="${left}" y="${y + 3}" width="${Math.max(bw, 1)}" height="${Math.max(rowH - 6, 1)}" fill="#2f5d8a"></rect>` +
      `<text x="${left + bw + 4}" y="${y + rowH * 0.6}">${esc(fmt(x.value))}</text>`;
  }).join("");
}

function histogram(svg, hist, q) {
  const w = 420, h = 180, pad = 30, counts = hist.counts, edges = hist.edges;
  const max = Math.max(...counts, 1), lo = edges[0], hi = edges[edges.length - 1], span = hi - lo || 1;
  const bw = (w - 2 * pad) / counts.length;
  const x = (v) => pad + (w - 2 * pad) * (Math.min(Math.max(v, lo), hi) - lo) / span;
  let out = counts.map((c, i) => {
    const bh = (h - 2 * pad) * c / max;
    return `<rect x="${pad + i * bw}" y="${h - pad - bh}" width="${Math.max(bw - 1, 0.5)}" height="${bh}" fill="#9db4cc"></rect>`;
  }).join("");
  [["p10", "P10"], ["p50", "P50"], ["p90", "P90"]].forEach(([k, lab], i) => {
    const xv = x(q[k]), ty = 10 + 11 * i, end = xv > w * 0.7;
    out += `<line x1="${xv}" x2="${xv}" y1="${ty + 2}" y2="${h - pad}" stroke="#a12a2a" stroke-dasharray="3,2"></line>` +
      `<text x="${end ? xv - 3 : xv + 3}" y="${ty}" text-anchor="${end ? "end" : "start"}">${lab} ${usd(q[k])}</text>`;
  });
  out += `<text x="${pad}" y="${h - 6}">${usd(lo)}</text><text x="${w - pad}" y="${h - 6}" text-anchor="end">${usd(hi)}</text>`;
  svg.innerHTML = out;
}

function layoutStr(l) {
  if (!l) return "given MFU";
  let s = `TP${l.tp} PP${l.pp} DP${l.dp}`;
  if (l.cp > 1) s += ` CP${l.cp}`;
  if (l.ep > 1) s += ` EP${l.ep}`;
  return s + ` ZeRO-${l.zero} mb${l.micro_batch} ${l.recompute}` + (l.interleave > 1 ? ` v${l.interleave}` : "");
}

function showAnswer(prefix, ans) {
  $(prefix + "headline").textContent = ans.headline;
  $(prefix + "paragraph").textContent = ans.text;
}

function render(r) {
  const g = r.ranges;
  showAnswer("", r.answer_text);
  const a = r.answer || {};  // the answer is the median of the Monte Carlo; the bill is the point estimate
  $("cost").textContent = usd(a.cost_usd ?? r.cost.total_usd);
  $("cost-range").textContent = `P10-P90 ${usd(g.cost_usd.p10)}-${usd(g.cost_usd.p90)}`;
  $("days").textContent = num(a.wall_clock_days ?? r.time.wall_clock_days, 1) + " days";
  $("days-range").textContent = `P10-P90 ${num(g.wall_clock_days.p10, 1)}-${num(g.wall_clock_days.p90, 1)}`;
  $("gpuh").textContent = num(a.gpu_hours ?? r.time.gpu_hours);
  $("gpuh-range").textContent = `P10-P90 ${num(g.gpu_hours.p10)}-${num(g.gpu_hours.p90)}`;
  $("mfu-out").textContent = (100 * r.throughput.mfu).toFixed(1) + "%";
  $("layout").textContent = layoutStr(r.throughput.layout);
  $("energy").textContent = num(r.energy.kwh / 1000) + " MWh";
  $("co2").textContent = num(r.carbon.total_t, 1) + " tCO2e";
  const q = r.quality || {}, f3 = (x) => (x >= 0 ? "+" : "") + x.toFixed(3);
  $("dloss").textContent = q.loss !== undefined ? q.loss.toFixed(3) + " nats" : "-";
  $("dgain").textContent = q.domain_gain ? `gain ${f3(q.domain_gain.p50)} (${f3(q.domain_gain.p10)} to ${f3(q.domain_gain.p90)}), ` +
    `general ${f3(q.general_loss_change.p50)}; a loss estimate, not a benchmark score` : "from scratch: Epoch law; not a benchmark score";
  const cats = {};
  for (const l of r.bill) cats[l.category] = (cats[l.category] || 0) + l.usd;
  barChart($("chart-bill"), Object.entries(cats).filter(([, v]) => v > 0).map(([k, v]) => ({ label: k, value: v })));
  histogram($("chart-hist"), g.cost_histogram, g.cost_usd);
  $("bill").querySelector("tbody").innerHTML = r.bill.map((l) =>
    `<tr><td>${esc(l.item)}</td><td class="num">${num(l.quantity, l.quantity < 10 ? 2 : 0)} ${esc(l.unit)}</td>` +
    `<td class="num">${l.unit_price ? usd(l.unit_price) : "-"}</td>` +
    `<td class="num">${usd(l.usd)}</td><td class="src">${esc(l.source)}</td></tr>`).join("") +
    `<tr><th>total</th><td></td><td></td><th class="num" id="total">${usd(r.cost.total_usd)}</th><td></td></tr>`;
  const rows = [["GPU-hours", "gpu_hours", r.time.gpu_hours, (x) => num(x)], ["wall clock, days", "wall_clock_days", r.time.wall_clock_days, (x) => num(x, 1)],
    ["total cost", "cost_usd", r.cost.total_usd, usd], ["energy, MWh", "energy_kwh", r.energy.kwh, (x) => num(x / 1000)],
    ["CO2e, t", "co2_t", r.carbon.total_t, (x) => num(x, 1)]];
  $("ranges").querySelector("tbody").innerHTML = rows.map(([lab, k, p, f]) =>
    `<tr><td>${lab}</td><td class="num">${f(g[k].p10)}</td><td class="num">${f(g[k].p50)}</td><td class="num">${f(g[k].p90)}</td><td class="num">${f(p)}</td></tr>`).join("");
  $("drivers").querySelector("tbody").innerHTML = (g.drivers || []).map((d) =>
    `<tr><td>${esc(d.label)}</td><td class="num">${usd(d.cost_at_low)}</td><td class="num">${usd(d.cost_at_high)}</td></tr>`).join("");
  $("assumptions").querySelector("tbody").innerHTML = r.assumptions.map((a) =>
    `<tr><td>${esc(a.field)}</td><td>${esc(a.value)}</td><td class="src">${esc(a.source)}</td></tr>`).join("");
  $("notes").innerHTML = r.notes.map((n) => `<li class="muted">${esc(n)}</li>`).join("");
  $("answer").hidden = false;
}

async function post(url, body) {
  const resp = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const data = await resp.json();
  if (!resp.ok) throw new Error(data.error || JSON.stringify(data.detail));
  return data;
}

async function download(url, body, filename) {
  setStatus("Preparing " + filename + "…");
  const resp = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!resp.ok) { const d = await resp.json(); setStatus(d.error || "download failed", "error"); return; }
  const a = document.createElement("a");
  a.href = URL.createObjectURL(await resp.blob());
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setStatus("Downloaded " + filename);
}

let timer = null, seq = 0;
async function run() {
  const mine = ++seq;
  let body;
  try { body = readForm(); } catch (e) { $("answer").hidden = true; setStatus(e.message, "error"); return; }
  writeUrl({ tab: currentTab() });
  setStatus("Estimating…");
  try {
    const data = await post("/api/estimate", body);
    if (mine !== seq) return;
    const tok = data.tokens >= 1e12 ? num(data.tokens / 1e12, 3).replace(/\.?0+$/, "") + "T" : (data.tokens / 1e9).toLocaleString() + "B";
    setStatus(`${data.model.display_name}: ${tok} tokens on ${data.hardware.count} × ${data.hardware.name}`, "");
    render(data);
    $("answer").classList.remove("stale");
  } catch (e) {
    if (mine !== seq) return;
    $("answer").hidden = true;  // no stale numbers next to an error
    setStatus(e.message, "error");
  }
}
const schedule = () => { clearTimeout(timer); timer = setTimeout(() => (currentTab() === "estimate" ? run() : writeUrl({ tab: currentTab() })), 350); };
const currentTab = () => (document.querySelector("#tabs [aria-selected=true]") || { dataset: { tab: "estimate" } }).dataset.tab;

async function init() {
  CATALOG = await (await fetch("/api/catalog")).json();
  buildAdvanced();
  $("model").innerHTML = CATALOG.models.map((m) => `<option value="${esc(m.id)}">${esc(m.name)} (${(m.params / 1e9).toFixed(1)}B)</option>`).join("") +
    `<option value="${CUSTOM}">custom config.json…</option>`;
  $("gpu").innerHTML = CATALOG.accelerators.map((a) => `<option value="${esc(a.id)}">${esc(a.name)}</option>`).join("");
  $("provider").innerHTML += CATALOG.providers.map((p) => `<option value="${esc(p)}">${esc(p)}</option>`).join("");
  $("model").value = CATALOG.defaults.model; $("gpu").value = CATALOG.defaults.gpu;
  const warning = readUrl();
  const toggle = () => { document.querySelector(".custom").hidden = $("model").value !== CUSTOM; };
  toggle();
  $("model").addEventListener("change", toggle);
  $("config-file").addEventListener("change", async (e) => {
    const f = e.target.files[0];
    if (!f) return;
    $("config").value = await f.text();
    schedule();
  });
  $("form").addEventListener("input", schedule);
  $("form").addEventListener("change", schedule);
  $("form").addEventListener("submit", (e) => { e.preventDefault(); clearTimeout(timer); run(); });
  const exportBody = () => readForm();
  const name = () => ($("model").value === CUSTOM ? "custom" : $("model").value);
  $("dl-csv").addEventListener("click", () => download("/api/export/bill.csv", exportBody(), `traincost-bill-${name()}.csv`));
  $("dl-xlsx").addEventListener("click", () => download("/api/export/bill.xlsx", exportBody(), `traincost-bill-${name()}.xlsx`));
  $("dl-report").addEventListener("click", () => download("/api/export/report.html", { scenario: exportBody() }, `traincost-report-${name()}.html`));
  document.dispatchEvent(new Event("traincost:ready"));
  if (warning) { setStatus(warning, "error"); }
  if (currentTab() === "estimate") await run();
  if (warning) setStatus(warning, "error");
}
init();
