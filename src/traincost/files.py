"""Reading the user's scenario files (YAML with the same fields as the flags)."""

from __future__ import annotations

from pathlib import Path

from traincost.errors import InputError


def read_scenario_file(path: str | Path) -> dict:
    import yaml

    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as e:
        raise InputError("scenario", f"cannot read '{path}': {e.strerror or e}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        first = str(e).splitlines()[0] if str(e) else "parse error"
        raise InputError("scenario", f"'{path}' is not valid YAML ({first})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError("scenario", f"'{path}' must be a YAML mapping of fields such as 'model:' and 'tokens:'")
    # a relative config.json path in a scenario file is relative to the file
    m = data.get("model")
    if isinstance(m, str) and (m.endswith(".json") or "/" in m) and not Path(m).is_absolute():
        cand = p.parent / m
        if cand.exists():
            data["model"] = str(cand)
    return data


EXAMPLE = """\
# traincost scenario: what does this training run cost?
# Run it with:  traincost estimate {name}
# Every field is optional: what you leave out takes a documented default, and the output lists
# each default it used as an assumption. Flags on the command line override this file.

# Model: a catalog name (see `traincost models`) or a path to a Hugging Face config.json
model: llama-3.1-70b

# Training tokens for this run (continued pre-training: your domain tokens). Accepts 1T, 500B, 1.5e12.
tokens: 1T

# Sequence length in tokens
seq_len: 4096

# Accelerator (see `traincost hardware`) and how many
gpu: h100-sxm
gpus: 512

# Training precision: bf16 (default), fp16 or fp8
precision: bf16

# Model FLOPs utilization, a fraction in (0, 1]. Leave it out to use traincost's stated assumption.
# mfu: 0.40

# Price in USD per GPU-hour. Leave it out to use the catalog's dated on-demand price.
# price: 2.50
"""


COMPARE_EXAMPLE = """\
# traincost comparison: which of these runs should we buy?
# Run it with:  traincost compare {name}      (and `traincost report {name}` for a report to attach)
# The top-level fields are the base scenario (the same fields as `traincost init` writes); each entry
# under `candidates:` overrides some of them. Flags on the command line override the base.

model: llama-3.1-70b
tokens: 1T
gpu: h100-sxm
gpus: 512

# Each candidate changes what it names and keeps the rest of the base. The comparison shows cost and days
# with P10-P90, GPU-hours, energy, CO2e, the expected loss (a scaling-law estimate) and the time-cost
# Pareto front. At most 20 candidates.
candidates:
  - model: llama-3.1-8b          # a smaller model on the same cluster
  - model: llama-3.1-70b         # the base itself
  - model: llama-3.1-70b
    gpus: 1024                   # twice the GPUs: about half the days
  - model: llama-3.1-70b
    gpu: h200                    # another accelerator (see `traincost hardware`)

# Optional (the same as the flags of `traincost compare`):
# deadline: 30d        # the smallest cluster (whole nodes) that finishes each candidate within 30 days
# budget: 2M           # or: the most tokens each candidate buys within USD 2M
# partners: A:0.5,B:0.3,C:0.2   # split each bill among partners
"""
