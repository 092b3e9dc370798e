"""Fit the performance model's end-to-end constants per accelerator generation on the public measurements
(src/traincost/data/measurements/throughput.yaml) and measure them out of sample.

    python scripts/calibrate.py            # fit, leave-one-source-out, write both files
    python scripts/calibrate.py --dry-run  # fit and print only

Writes src/traincost/data/efficiency.yaml (the constants every estimate uses, fitted on all sources of the
generation) and src/traincost/data/heldout.yaml (for each source, the constants fitted WITHOUT it; `traincost
validate --throughput` predicts that source's rows with them). Only the constants no micro-benchmark gives are
fitted (trust/heldout.py: at most 4 per generation); the sub-models live in data/kernels.yaml.

Deterministic: fixed starting point, plain Nelder-Mead, rows in file order; the same data gives the same
constants bit for bit.
"""

from __future__ import annotations

import argparse
import collections
import math
import sys
from pathlib import Path

import numpy as np
import yaml

from traincost.trust import heldout
from traincost.trust.validation import throughput_rows

ROOT = Path(__file__).resolve().parents[1]
EFF_FILE = ROOT / "src" / "traincost" / "data" / "efficiency.yaml"
HELDOUT_FILE = ROOT / "src" / "traincost" / "data" / "heldout.yaml"


def at_bounds(consts: dict) -> list[str]:
    """Constants within 1% of their range from a bound, measured in the coordinate they are fitted in
    (log for kernel_overhead_us, linear for the shares)."""
    out = []
    for k, v in consts.items():
        lo, hi, log = heldout.FITTED[k]
        u = math.log(v / lo) / math.log(hi / lo) if log else (v - lo) / (hi - lo)
        if u <= 0.01 or u >= 0.99:
            out.append(k)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dry-run", action="store_true")
    ap.add_argument("--iters", type=int, default=120)
    args = ap.parse_args()

    by_gen: dict[str, list] = collections.defaultdict(list)
    for p in heldout.prepare(throughput_rows()):
        by_gen[p.prob.acc.generation].append(p)

    fitted, held = {}, {}
    borrow = yaml.safe_load(EFF_FILE.read_text())["uncalibrated"]["borrow"]
    for gen, prepared in sorted(by_gen.items()):
        sources = sorted({p.row["source"] for p in prepared})
        if len(sources) < 2 and gen != borrow:
            # one source cannot be left out within its generation: the generation keeps borrowing the `borrow`
            # generation's constants, and its rows are predicted with that generation's fit without the source
            rest = [p for p in by_gen[borrow] if p.row["source"] not in sources]
            consts, obj = heldout.fit(rest, args.iters)
            held[gen] = {
                s: {"constants": consts, "objective": round(obj, 6), "fitted_on": borrow} for s in sources
            }
            errs = heldout.errors(prepared, consts)
            med = float(np.median([abs(e["error"]) for e in errs]))
            print(
                f"[{gen}] {len(prepared)} rows, one source: {borrow} fit without it {consts} -> held-out {med:.1%}"
            )
            continue
        consts, obj = heldout.fit(prepared, args.iters)
        print(
            f"[{gen}] {len(prepared)} rows from {len(sources)} sources: {consts} objective {obj:.4f}",
            flush=True,
        )
        held[gen] = heldout.loso(prepared, args.iters) if len(sources) > 1 else {}
        loso_logs = []
        for src, fit in held[gen].items():
            rows = [p for p in prepared if p.row["source"] == src]
            errs = heldout.errors(rows, fit["constants"])
            loso_logs += [math.log(e["predicted"] / e["measured"]) for e in errs]
            med = float(np.median([abs(e["error"]) for e in errs]))
            print(
                f"[{gen}]   without {src}: {fit['constants']} -> held-out median |error| {med:.1%}",
                flush=True,
            )
        ins = heldout.errors(prepared, consts)
        in_med = float(np.median([abs(e["error"]) for e in ins]))
        spread = (
            float(np.std(loso_logs)) if loso_logs else float(np.std([math.log(1 + e["error"]) for e in ins]))
        )
        fitted[gen] = consts | {
            "throughput_sigma": round(spread, 3),
            "calibrated": True,
            "at_bound": at_bounds(consts),
            "source": (
                f"fitted by scripts/calibrate.py on {len(prepared)} public measurements ({', '.join(sources)}); "
                f"in-sample median abs error {in_med:.1%}; throughput_sigma is the "
                f"{'leave-one-source-out' if loso_logs else 'in-sample'} log spread"
            ),
        }
    if args.dry_run:
        return 0
    header = EFF_FILE.read_text().split("\nuncalibrated:")[0]
    table = yaml.safe_load(EFF_FILE.read_text())
    EFF_FILE.write_text(
        header
        + "\n"
        + yaml.safe_dump(
            {
                "uncalibrated": table.get("uncalibrated", {}),
                "default": table["default"],
                "generations": fitted,
            },
            sort_keys=False,
            width=120,
        )
    )
    HELDOUT_FILE.write_text(
        "# Leave-one-source-out fits, generated by scripts/calibrate.py (do not edit): for each generation and\n"
        "# source, the end-to-end constants fitted on the generation's OTHER sources. `traincost validate\n"
        "# --throughput` predicts the source's rows with them (held-out error); tests refit one and compare.\n"
        + yaml.safe_dump({"iters": args.iters, "generations": held}, sort_keys=True, width=120)
    )
    print(f"wrote {EFF_FILE} and {HELDOUT_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
