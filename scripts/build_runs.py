"""Build src/traincost/data/runs.yaml, the published training runs `traincost validate` checks, from the
shared calibration set (../shared/reference/published_runs.csv): each row keeps its source and quote
columns verbatim; traincost's mapping (model shape, hardware id, sequence length, precision) is added
from what the publication states, with a note where something had to be inferred.

    python scripts/build_runs.py [path/to/published_runs.csv]
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "traincost" / "data" / "runs.yaml"

# name in the CSV -> what traincost needs to estimate it (only what the publication states)
MAP = {
    "Llemma 7B": dict(
        id="llemma-7b",
        model="llama-2-7b",
        seq_len=4096,
        hardware="a100-40gb",
        note="Code Llama 7B has the Llama 2 7B shape (vocab 32016 vs 32000: negligible).",
    ),
    "Llemma 34B": dict(
        id="llemma-34b",
        model={
            "kind": "llama",
            "hidden": 8192,
            "layers": 48,
            "heads": 64,
            "kv_heads": 8,
            "ffn": 22016,
            "vocab": 32000,
        },
        seq_len=4096,
        hardware="a100-40gb",
        note="Code Llama 34B shape (Llama 2 34B: 48 layers, d 8192, GQA 8, ffn 22016).",
    ),
    "LLaMA (v1) 7B": dict(id="llama-1-7b", model="llama-1-7b", seq_len=2048, hardware="a100-80gb"),
    "LLaMA (v1) 13B": dict(id="llama-1-13b", model="llama-1-13b", seq_len=2048, hardware="a100-80gb"),
    "LLaMA (v1) 33B": dict(id="llama-1-33b", model="llama-1-33b", seq_len=2048, hardware="a100-80gb"),
    "LLaMA (v1) 65B": dict(id="llama-1-65b", model="llama-1-65b", seq_len=2048, hardware="a100-80gb"),
    "Llama 2 7B": dict(id="llama-2-7b", model="llama-2-7b", seq_len=4096, hardware="a100-80gb"),
    "Llama 2 13B": dict(id="llama-2-13b", model="llama-2-13b", seq_len=4096, hardware="a100-80gb"),
    "Llama 2 34B": dict(
        id="llama-2-34b",
        model={
            "kind": "llama",
            "hidden": 8192,
            "layers": 48,
            "heads": 64,
            "kv_heads": 8,
            "ffn": 22016,
            "vocab": 32000,
        },
        seq_len=4096,
        hardware="a100-80gb",
        note="Llama 2 34B was never released; shape of Code Llama 34B.",
    ),
    "Llama 2 70B": dict(id="llama-2-70b", model="llama-2-70b", seq_len=4096, hardware="a100-80gb"),
    "DeepSeek-V3 pre-training": dict(
        id="deepseek-v3",
        model="deepseek-v3",
        seq_len=4096,
        hardware="h800",
        precision="fp8",
        note="Pre-training stage only (2,664K GPU-hours); FP8 mixed precision as the report states.",
    ),
    "OPT-175B": dict(
        id="opt-175b",
        model={
            "kind": "gpt",
            "hidden": 12288,
            "layers": 96,
            "heads": 96,
            "ffn": 49152,
            "vocab": 50272,
            "learned_positions": 2048,
        },
        seq_len=2048,
        hardware="a100-80gb",
        note="GPU-hours cover the whole ~2-month run with 100+ restarts, not the ideal 33 days.",
    ),
    "BLOOM-176B": dict(
        id="bloom-176b",
        model={
            "kind": "gpt",
            "hidden": 14336,
            "layers": 70,
            "heads": 112,
            "ffn": 57344,
            "vocab": 250680,
            "learned_positions": 0,
        },
        seq_len=2048,
        hardware="a100-80gb",
    ),
    "Falcon-180B": dict(
        id="falcon-180b",
        model={
            "kind": "gpt",
            "hidden": 14848,
            "layers": 80,
            "heads": 232,
            "kv_heads": 8,
            "ffn": 59392,
            "vocab": 65024,
            "learned_positions": 0,
        },
        seq_len=2048,
        hardware="a100-40gb",
        note="Falcon 180B config: d 14848, 80 layers, 232 heads, 8 KV groups, GeLU 4h MLP, rotary.",
    ),
    "MPT-7B": dict(
        id="mpt-7b",
        model={
            "kind": "gpt",
            "hidden": 4096,
            "layers": 32,
            "heads": 32,
            "ffn": 16384,
            "vocab": 50432,
            "learned_positions": 0,
        },
        seq_len=2048,
        hardware="a100-40gb",
        note="MPT-7B: ALiBi (no position table), LION optimizer.",
    ),
    "StarCoderBase 15.5B": dict(
        id="starcoderbase",
        model={
            "kind": "gpt",
            "hidden": 6144,
            "layers": 40,
            "heads": 48,
            "kv_heads": 1,
            "ffn": 24576,
            "vocab": 49152,
            "learned_positions": 8192,
        },
        seq_len=8192,
        hardware="a100-80gb",
        note="GPT-2 style with multi-query attention, 8K context.",
    ),
    "GLM-130B": dict(
        id="glm-130b",
        model={"kind": "llama", "hidden": 12288, "layers": 70, "heads": 96, "ffn": 32768, "vocab": 150528},
        seq_len=2048,
        hardware="a100-40gb",
        note="GLU MLP (32768); GPU-hours are the 60-day cluster window (an upper bound).",
    ),
    "Pythia-1.0B": dict(
        id="pythia-1b",
        model="pythia-1b",
        seq_len=2048,
        hardware="a100-40gb",
        note="A100 model not stated by the paper; 40GB per the compiled dataset.",
    ),
}
SKIP = {
    "Code Llama 7B/13B/34B family (9 models: base, Python, Instruct) - aggregate": "aggregate of 9 models with different token counts and stages; no single run to estimate",
}


def num(x: str):
    x = (x or "").strip()
    if not x:
        return None
    v = float(x)
    return int(v) if v.is_integer() else v


def main() -> int:
    src = (
        Path(sys.argv[1])
        if len(sys.argv) > 1
        else ROOT.parent / "shared" / "reference" / "published_runs.csv"
    )
    rows = list(csv.DictReader(src.open(encoding="utf-8")))
    out, skipped = [], []
    for r in rows:
        if r["kind"] == "throughput-benchmark":
            continue
        if r["name"] in SKIP:
            skipped.append({"name": r["name"], "why": SKIP[r["name"]]})
            continue
        m = MAP[r["name"]]
        out.append(
            {
                "id": m["id"],
                "name": r["name"],
                "kind": r["kind"],
                "model": m["model"],
                "tokens": num(r["tokens_trained"]),
                "seq_len": m["seq_len"],
                "hardware": m["hardware"],
                "hardware_reported": r["hardware"],
                "gpus": num(r["n_accelerators"]),
                "precision": m.get("precision", "bf16"),
                "reported": {
                    "gpu_hours": num(r["gpu_hours"]),
                    "wall_clock_days": num(r["wall_clock_days"]),
                    "mfu_pct": num(r["mfu_pct"]),
                    "tokens_per_gpu_per_s": num(r["tokens_per_gpu_per_s"]),
                },
                "confidence": r["confidence"],
                "other_reported": r["other_reported"],
                "source": r["source"],
                "quote": r["quote"],
                "mapping_note": m.get("note", ""),
            }
        )
    doc = {
        "about": "Published training runs checked by `traincost validate`; built by scripts/build_runs.py from the "
        "calibration set published_runs.csv. source and quote are verbatim.",
        "runs": out,
        "skipped": skipped,
    }
    OUT.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=120), encoding="utf-8")
    print(f"wrote {OUT}: {len(out)} runs, {len(skipped)} skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
