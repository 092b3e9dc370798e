"""The validation report of `traincost validate` (and `traincost.validate()`): rows and summaries of the
held-out checks against published runs, throughput and memory measurements."""

from __future__ import annotations

from typing import Any

# algorithm setting: Monte Carlo draws per published run in the leave-one-out (it compares medians, which
# settle with far fewer draws than the P10/P90)
LOO_SAMPLES = 2000


def _rows(checks: list, fields: str) -> list[dict[str, Any]]:
    """One dict per check, keys in the order given: `key` reads the attribute of that name, `key=attr`
    reads attr."""
    pairs = [(f.partition("=")[0], f.partition("=")[2] or f) for f in fields.split()]
    return [{key: getattr(c, attr) for key, attr in pairs} for c in checks]


def _runs_section() -> dict[str, Any]:
    from traincost.trust.validation import leave_one_out, run_published_validation, summarize_runs

    rc = run_published_validation()
    return {
        "summary": summarize_runs(rc),
        "rows": _rows(
            rc,
            "id name kind metric reported p10 p50 p90 point error_p50=error inside_p10_p90=inside"
            " gpus gpus_stated layout note",
        ),
        "leave_one_out": leave_one_out(run_published_validation(samples=LOO_SAMPLES, realization=1.0)),
    }


def _throughput_section(tp_checks: list) -> dict[str, Any]:
    from traincost.trust.validation import summarize

    return {
        "summary": summarize(tp_checks),
        "rows": _rows(
            tp_checks,
            "id source hardware gpus seq_len measured_tokens_per_s_per_gpu=measured"
            " predicted_tokens_per_s_per_gpu=predicted error layout note",
        ),
    }


def _add_held_out(out: dict[str, Any]) -> None:
    """Out of sample: leave-one-source-out fits (data/heldout.yaml) next to the in-sample fit."""
    from traincost.trust.heldout import report

    rep = report()
    out.update({k: rep[k] for k in ("held_out", "in_sample", "false_oom", "false_oom_rows")})
    for r, h in zip(out.get("throughput", {}).get("rows", []), rep["rows"], strict=False):
        if r["id"] == h["id"]:
            r["predicted_held_out"], r["error_held_out"] = h["predicted_held_out"], h["error_held_out"]


def _memory_section(mem_checks: list) -> dict[str, Any]:
    import numpy as np

    errs = [abs(c.error) for c in mem_checks]
    return {
        "summary": {
            "rows": len(errs),
            "median_abs_error": float(np.median(errs)),
            "worst_abs_error": float(max(errs)),
        },
        "rows": _rows(mem_checks, "id part measured_gib predicted_gib error"),
    }


def validation_report(runs: bool = True, throughput: bool = False, memory: bool = False) -> dict[str, Any]:
    from traincost.trust.validation import run_memory_validation, run_throughput_validation

    out: dict[str, Any] = {}
    if runs:
        out["runs"] = _runs_section()
    tp_checks = run_throughput_validation() if throughput else []
    mem_checks = run_memory_validation() if memory else []
    if tp_checks:
        out["throughput"] = _throughput_section(tp_checks)
    if throughput:
        _add_held_out(out)
    if mem_checks:
        out["memory"] = _memory_section(mem_checks)
    return out
