// traincost web calculator: reads the form, keeps the inputs in the URL, asks /api/estimate, draws the answer.
"use strict";

const $ = (id) => document.getElementById(id);
const FIELDS = ["model", "tokens", "seq_len", "gpu", "gpus", "framework", "provider", "pricing", "price", "engineers", "on_prem"];
const CUSTOM = "__custom__";

function usd(x) {
  if (x >= 1e6) return "$" + (x / 1e6).toFixed(2) + "M";
  if (x >= 1e4) return "$" + (x / 1e3).toFixed(1) + "k";
  return "$" + x.toFixed(2);
}
const num = (x, d = 0) => x.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]));

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

function writeUrl() {
  const p = new URLSearchParams();
  for (const f of FIELDS) {
    const el = $(f);
    if (!el) continue;
    if (el.type === "checkbox") { if (el.checked) p.set(f, "1"); }
    else if (el.value.trim() !== "" && el.value !== CUSTOM) p.set(f, el.value.trim());
  }
  history.replaceState(null, "", "?" + p.toString());
}

function readUrl() {
  const p = new URLSearchParams(location.search);
  for (const f of FIELDS) {
    const el = $(f);
    if (!el || !p.has(f)) continue;
    if (el.type === "checkbox") el.checked = p.get(f) === "1";
    else el.value = p.get(f);
  }
}

function barChart(svg, items) {
  const w = 420, h = 180, left = 120, top = 8, rowH = Math.min(26, (h - top) / Math.max(items.length, 1));
  const max = Math.max(...items.map((x) => x.value), 1);
  svg.innerHTML = items.map((x, i) => {
    const y = top + i * rowH, bw = (w - left - 70) * (x.value / max);
    return `<text x="${left - 6}" y="${y + rowH * 0.6}" text-anchor="end">${esc(x.label)}</text>` +
      `<rect x="${left}" y="${y + 3}" width="${Math.max(bw, 1)}" height="${rowH - 6}" fill="#2f5d8a"></rect>` +
      `<text x="${left + bw + 4}" y="${y + rowH * 0.6}">${usd(x.value)}</text>`;
  }).join("");
}

function histogram(svg, hist, q) {
  const w = 420, h = 180, pad = 30, counts = hist.counts, edges = hist.edges;
  const max = Math.max(...counts, 1), lo = edges[0], hi = edges[edges.length - 1], span = hi - lo || 1;
  const bw = (w - 2 * pad) / counts.length;
  const x = (v) => pad + (w - 2 * pad) * (v - lo) / span;
  let out = counts.map((c, i) => {
    const bh = (h - 2 * pad) * c / max;
    return `<rect x="${pad + i * bw}" y="${h - pad - bh}" width="${bw - 1}" height="${bh}" fill="#9db4cc"></rect>`;
  }).join("");
  [["p10", "P10"], ["p50", "P50"], ["p90", "P90"]].forEach(([k, lab], i) => {
    const xv = x(q[k]), ty = 10 + 11 * i;
    out += `<line x1="${xv}" x2="${xv}" y1="${ty + 2}" y2="${h - pad}" stroke="#a12a2a" stroke-dasharray="3,2"></line>` +
      `<text x="${xv + 3}" y="${ty}">${lab} ${usd(q[k])}</text>`;
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

function render(r) {
  const g = r.ranges;
  $("cost").textContent = usd(r.cost.total_usd);
  $("cost-range").textContent = `P10-P90 ${usd(g.cost_usd.p10)}-${usd(g.cost_usd.p90)}`;
  $("days").textContent = num(r.time.wall_clock_days, 1) + " days";
  $("days-range").textContent = `P10-P90 ${num(g.wall_clock_days.p10, 1)}-${num(g.wall_clock_days.p90, 1)}`;
  $("gpuh").textContent = num(r.time.gpu_hours);
  $("gpuh-range").textContent = `P10-P90 ${num(g.gpu_hours.p10)}-${num(g.gpu_hours.p90)}`;
  $("mfu").textContent = (100 * r.throughput.mfu).toFixed(1) + "%";
  $("layout").textContent = layoutStr(r.throughput.layout);
  $("energy").textContent = num(r.energy.kwh / 1000) + " MWh";
  $("co2").textContent = num(r.carbon.total_t, 1) + " tCO2e";
  const cats = {};
  for (const l of r.bill) cats[l.category] = (cats[l.category] || 0) + l.usd;
  barChart($("chart-bill"), Object.entries(cats).filter(([, v]) => v > 0).map(([k, v]) => ({ label: k, value: v })));
  histogram($("chart-hist"), g.cost_histogram, g.cost_usd);
  $("bill").querySelector("tbody").innerHTML = r.bill.map((l) =>
    `<tr><td>${esc(l.item)}</td><td class="num">${num(l.quantity, l.quantity < 10 ? 2 : 0)} ${esc(l.unit)}</td>` +
    `<td class="num">${l.unit_price ? "$" + num(l.unit_price, l.unit_price < 1 ? 4 : 2) : "-"}</td>` +
    `<td class="num">${usd(l.usd)}</td><td class="src">${esc(l.source)}</td></tr>`).join("") +
    `<tr><th>total</th><td></td><td></td><th class="num" id="total">${usd(r.cost.total_usd)}</th><td></td></tr>`;
  const rows = [["GPU-hours", "gpu_hours", r.time.gpu_hours, (x) => num(x)], ["wall clock, days", "wall_clock_days", r.time.wall_clock_days, (x) => num(x, 1)],
    ["total cost", "cost_usd", r.cost.total_usd, usd], ["energy, MWh", "energy_kwh", r.energy.kwh, (x) => num(x / 1000)],
    ["CO2e, t", "co2_t", r.carbon.total_t, (x) => num(x, 1)]];
  $("ranges").querySelector("tbody").innerHTML = rows.map(([lab, k, p, f]) =>
    `<tr><td>${lab}</td><td class="num">${f(g[k].p10)}</td><td class="num">${f(g[k].p50)}</td><td class="num">${f(g[k].p90)}</td><td class="num">${f(p)}</td></tr>`).join("");
  $("assumptions").querySelector("tbody").innerHTML = r.assumptions.map((a) =>
    `<tr><td>${esc(a.field)}</td><td>${esc(a.value)}</td><td class="src">${esc(a.source)}</td></tr>`).join("");
  $("notes").innerHTML = r.notes.map((n) => `<li class="muted">${esc(n)}</li>`).join("");
  $("answer").hidden = false;
}

let timer = null, seq = 0;
async function run() {
  const mine = ++seq;
  let body;
  try { body = readForm(); } catch (e) { $("status").textContent = e.message; $("status").className = "error"; return; }
  writeUrl();
  $("status").textContent = "Estimating…"; $("status").className = "muted";
  try {
    const resp = await fetch("/api/estimate", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const data = await resp.json();
    if (mine !== seq) return;
    if (!resp.ok) { $("status").textContent = data.error || JSON.stringify(data.detail); $("status").className = "error"; return; }
    $("status").textContent = `${data.model.display_name}: ${(data.tokens / 1e9).toLocaleString()}B tokens on ${data.hardware.count} × ${data.hardware.name}`;
    $("status").className = "";
    render(data);
  } catch (e) {
    $("status").textContent = "request failed: " + e.message; $("status").className = "error";
  }
}
const schedule = () => { clearTimeout(timer); timer = setTimeout(run, 350); };

async function init() {
  const cat = await (await fetch("/api/catalog")).json();
  $("model").innerHTML = cat.models.map((m) => `<option value="${esc(m.id)}">${esc(m.name)} (${(m.params / 1e9).toFixed(1)}B)</option>`).join("") +
    `<option value="${CUSTOM}">custom config.json…</option>`;
  $("gpu").innerHTML = cat.accelerators.map((a) => `<option value="${esc(a.id)}">${esc(a.name)}</option>`).join("");
  $("provider").innerHTML += cat.providers.map((p) => `<option value="${esc(p)}">${esc(p)}</option>`).join("");
  $("model").value = cat.defaults.model; $("gpu").value = cat.defaults.gpu;
  readUrl();
  const toggle = () => { document.querySelector(".custom").hidden = $("model").value !== CUSTOM; };
  toggle();
  $("model").addEventListener("change", toggle);
  $("form").addEventListener("input", schedule);
  $("form").addEventListener("change", schedule);
  $("form").addEventListener("submit", (e) => { e.preventDefault(); clearTimeout(timer); run(); });
  run();
}
init();
