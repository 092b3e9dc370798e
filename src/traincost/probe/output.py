"""The probe's results as a hardware file (the shape `--hardware-file` reads, plus a `measured:` section)
and as a short report. Pure functions over the raw results dict that `run.probe` returns."""

from __future__ import annotations

import re

from traincost.probe.fit import ATTENTION_BWD_FACTOR, attention_flops, fit_gemm, fit_tier

SLUG_CHARS = 48  # presentation: length of a device name in an accelerator id (probed-<name>)
SXM_PREFERENCE = (
    0.25  # matching: half of a missing token's penalty, so SXM parts win ties (the usual training part)
)


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:SLUG_CHARS] or "device"


def gemm_section(points: dict[str, list[dict]]) -> dict:
    """Per precision: the fitted large-GEMM rate and knee, and every measured point."""
    out = {}
    for dt, pts in points.items():
        if not pts:
            continue
        rate, knee = fit_gemm([p["gflop"] * 1e9 for p in pts], [p["median_s"] for p in pts])
        out[dt] = {"rate_tflops": rate / 1e12, "knee_gflop": knee / 1e9, "points": pts}
    return out


def attention_section(a: dict) -> dict:
    """Attention rates in the performance model's FLOP count (backward = 2.5 x forward FLOPs)."""
    f = attention_flops(a["batch"], a["heads"], a["seq_len"], a["head_dim"], a.get("v_head_dim"))
    return {
        **{k: a[k] for k in ("impl", "dtype", "batch", "heads", "kv_heads", "head_dim", "seq_len")},
        "fwd_tflops": f / a["fwd"]["median_s"] / 1e12,
        "bwd_tflops": ATTENTION_BWD_FACTOR * f / a["bwd"]["median_s"] / 1e12,
        "fwd": a["fwd"],
        "bwd": a["bwd"],
        "all": a.get("all", {}),
    }


def memory_section(kernels: dict[str, tuple[float, dict]]) -> dict:
    """Achievable bandwidth (the copy) and the median over the training kernels, which the model uses."""
    rows = {k: {"bytes": b, "gbs": b / r["median_s"] / 1e9, **r} for k, (b, r) in kernels.items()}
    train = sorted(rows[k]["gbs"] for k in rows if k != "copy")
    med = train[len(train) // 2] if train else rows["copy"]["gbs"]
    return {"copy_gbs": rows["copy"]["gbs"], "kernels_gbs": med, "kernels": rows}


def collectives_section(c: dict | None) -> dict | None:
    if not c:
        return None
    tiers = {}
    for tier in ("scale_up", "scale_out"):
        t = c.get(tier)
        if t and any(t["ops"].values()):
            tiers[tier] = {
                "ranks": t["ranks"],
                **fit_tier(t["ops"], t["ranks"]),
                "complete": t["complete"],
                "points": t["ops"],
            }
            if "bus_gbs" not in tiers[tier]:
                del tiers[tier]
    return {"backend": c["backend"], "world": c["world"], "per_node": c["per_node"], "tiers": tiers}


def measured_section(raw: dict) -> dict:
    m: dict = {"provenance": raw["provenance"]}
    if raw.get("gemm"):
        m["gemm"] = gemm_section(raw["gemm"])
    if raw.get("attention"):
        m["attention"] = attention_section(raw["attention"])
    if raw.get("memory"):
        m["memory"] = memory_section(raw["memory"])
    if raw.get("kernel_overhead_s") is not None:
        m["kernel_overhead_us"] = raw["kernel_overhead_s"] * 1e6
    col = collectives_section(raw.get("collectives"))
    if col:
        m["collectives"] = col
    if raw.get("block"):
        m["block"] = raw["block"]
    m["not_measured"] = raw.get("not_measured", [])
    m["truncated"] = raw.get("truncated", [])
    return m


def hardware_entry(acc_id: str, base, measured: dict, device_name: str, cpu_ranks: int) -> dict:
    """An entry of data/hardware.yaml: the datasheet of the matching catalog accelerator (`base`) when
    there is one, else the measured numbers in the datasheet fields (a CPU has no datasheet here)."""
    p = measured["provenance"]
    src = f"traincost probe on {device_name}, {p['date']}"
    if base is not None:
        d = {
            k: getattr(base, k)
            for k in (
                "name",
                "vendor",
                "generation",
                "memory_gb",
                "memory_bw_tbps",
                "tdp_w",
                "node_size",
                "scale_up_size",
                "scale_up_bw_gbs",
                "scale_out_bw_gbs",
            )
        }
        d.update(peak_tflops=dict(base.peak_tflops), sources={**base.sources, "measured": src})
        # the catalog's measured sub-models; the probe's measurements replace them where it took them
        if base.kernels:
            d["kernels"] = dict(base.kernels)
        d["notes"] = f"datasheet of catalog entry {base.id}; measured curves under 'measured' ({src})"
    else:
        g = measured.get("gemm", {})
        peaks = {dt: g[dt]["rate_tflops"] for dt in ("bf16", "fp16", "fp32") if dt in g}
        col = measured.get("collectives") or {}
        tiers = col.get("tiers", {})
        per_node = int(col.get("per_node") or cpu_ranks)
        d = {
            "name": device_name,
            "vendor": "",
            "generation": "probed",
            "peak_tflops": peaks,
            "memory_gb": p.get("memory_gb") or 1.0,
            "memory_bw_tbps": measured.get("memory", {}).get("copy_gbs", 1.0) / 1e3,
            "tdp_w": None,
            "node_size": per_node,
            "scale_up_size": per_node,
            "scale_up_bw_gbs": tiers.get("scale_up", {}).get("bus_gbs"),
            "scale_out_bw_gbs": tiers.get("scale_out", {}).get("bus_gbs"),
            "sources": {
                "all": f"{src}: no datasheet; peaks = fitted GEMM rates, memory bandwidth = a measured copy,"
                f" scale-up/scale-out = measured bus bandwidths"
            },
            "notes": "measured with traincost probe; the datasheet fields hold measured values",
        }
    return {"id": acc_id, "aliases": [], **d, "measured": measured}


def match_catalog(device_name: str, accs: dict) -> object | None:
    """The catalog accelerator a device name (torch.cuda.get_device_name) denotes, e.g. 'NVIDIA H100 80GB
    HBM3' -> h100-sxm: entries whose model token (h100, a100, mi300x) is in the name, scored by how many of
    their other id tokens (pcie, nvl, 80gb) appear too; SXM parts win ties (the usual training part)."""
    words = set(re.split(r"[^a-z0-9]+", device_name.lower()))
    best, score = None, -1.0
    for a in accs.values():
        for ident in (a.id, *a.aliases):
            toks = ident.split("-")
            if toks[0] not in words:
                continue
            sc = sum(t in words for t in toks[1:]) - 0.5 * sum(
                t not in words and t != "sxm" for t in toks[1:]
            )
            sc += SXM_PREFERENCE if "sxm" in toks else 0
            if sc > score:
                best, score = a, sc
    return best


def _ratio(a, b) -> str:
    return f"{a / b:.2f}" if a and b else "-"


def _row(name: str, c, m, unit: str, fmt: str = "{:,.4g}") -> str:
    """One table row: the catalog's number, the probe's, and their ratio."""
    cs = (fmt.format(c) + f" {unit}") if c else "-"
    ms_ = (fmt.format(m) + f" {unit}") if m is not None else "not measured (catalog kept)"
    return f"| {name} | {cs} | {ms_} | {_ratio(m, c)} |"


def _compute_rows(measured: dict, acc, base, base_eff) -> list[str]:
    """GEMM, attention and memory-bound kernels: probe vs catalog."""
    rows = []
    dt = acc.training_dtype("bf16")
    for d, g in (measured.get("gemm") or {}).items():
        c = base.peak_tflops.get(d) * base_eff.gemm if base and base.peak_tflops.get(d) and base_eff else None
        rows.append(_row(f"GEMM {d}, large-GEMM rate", c, g["rate_tflops"], "TFLOP/s"))
        if d == dt:
            # rate(F) = R F / (F + knee): a fixed knee / R per GEMM, the model's gemm_ramp_us
            ramp = g["knee_gflop"] / g["rate_tflops"] * 1e3 if g["rate_tflops"] else None
            rows.append(
                _row(f"GEMM {d}, fixed time per GEMM", base_eff.gemm_ramp_us if base else None, ramp, "us")
            )
    att = measured.get("attention")
    bpk = base.peak_flops("bf16") / 1e12 if base else None
    rows.append(
        _row(
            "attention fwd",
            bpk * base_eff.attention_fwd if base else None,
            att and att["fwd_tflops"],
            "TFLOP/s",
        )
    )
    rows.append(
        _row(
            "attention bwd",
            bpk * base_eff.attention_bwd if base else None,
            att and att["bwd_tflops"],
            "TFLOP/s",
        )
    )
    mem = measured.get("memory") or {}
    rows.append(
        _row(
            "memory-bound kernels",
            base.memory_bw_tbps * 1e3 * base_eff.hbm if base else None,
            mem.get("kernels_gbs"),
            "GB/s",
        )
    )
    rows.append(
        _row(
            "memory copy (achievable)",
            base.memory_bw_tbps * 1e3 if base else None,
            mem.get("copy_gbs"),
            "GB/s",
        )
    )
    return rows


def _comm_rows(measured: dict, base, base_eff) -> list[str]:
    """Collective bandwidth and latency per network tier, and the kernel overhead: probe vs catalog."""
    rows = []
    tiers = (measured.get("collectives") or {}).get("tiers", {})
    for tier, bwk, latk in (
        ("scale_up", "scale_up_bw_gbs", "latency_up_us"),
        ("scale_out", "scale_out_bw_gbs", "latency_out_us"),
    ):
        t = tiers.get(tier, {})
        c = getattr(base, bwk) * getattr(base_eff, tier) if base and getattr(base, bwk) else None
        rows.append(_row(f"{tier} bus bandwidth ({t.get('ranks', '-')} ranks)", c, t.get("bus_gbs"), "GB/s"))
        rows.append(
            _row(
                f"{tier} latency per step",
                getattr(base_eff, latk) if base else None,
                t.get("latency_step_us"),
                "us",
            )
        )
    rows.append(
        _row(
            "kernel overhead",
            base_eff.kernel_overhead_us if base else None,
            measured.get("kernel_overhead_us"),
            "us",
            "{:,.2f}",
        )
    )
    return rows


def _block_rows(block: dict) -> list[str]:
    """The end-to-end block: measured, and predicted with the probe's and the catalog's numbers."""
    m = block["measured"]
    rows = [
        "",
        f"block forward + backward (TP {block['tp']}, micro-batch {block['micro_batch']}, sequence "
        f"{block['seq_len']}, {block['dtype']}, one device, no communication):",
        f"- measured: {m['median_s'] * 1e3:,.2f} ms (p10 {m['p10_s'] * 1e3:,.2f}, p90 {m['p90_s'] * 1e3:,.2f}, "
        f"{m['runs']} runs)",
        f"- predicted with the probe's numbers: {block['predicted_s'] * 1e3:,.2f} ms "
        f"({block['predicted_s'] / m['median_s'] - 1:+.0%})",
    ]
    if block.get("catalog_predicted_s"):
        rows.append(
            f"- predicted with the catalog's numbers: {block['catalog_predicted_s'] * 1e3:,.2f} ms "
            f"({block['catalog_predicted_s'] / m['median_s'] - 1:+.0%})"
        )
    return rows


def report(measured: dict, acc, eff, base, base_eff, block: dict | None) -> str:
    """Measured vs the catalog model for each sub-model, and predicted vs measured block time (markdown)."""
    p = measured["provenance"]
    cat = f"catalog ({base.id})" if base else "catalog (no entry for this device)"
    rows = [
        f"# traincost probe: {p['device']}",
        "",
        f"{p['backend']}, torch {p['torch']}, {p.get('runtime', '')} {p.get('comm', '')}; {p['date']}; "
        f"{p.get('elapsed_s', '?')} s of a {p['budget_s']:.0f} s budget; model {p['model']}, seq {p['seq_len']}",
        "",
        f"| sub-model | {cat} | probe | probe / catalog |",
        "|---|---|---|---|",
        *_compute_rows(measured, acc, base, base_eff),
        *_comm_rows(measured, base, base_eff),
    ]
    if block:
        rows += _block_rows(block)
    for title, key in (
        ("not measured (catalog numbers kept)", "not_measured"),
        ("cut short by the budget", "truncated"),
    ):
        if measured.get(key):
            rows += ["", f"{title}:", *[f"- {x}" for x in measured[key]]]
    return "\n".join(rows) + "\n"
