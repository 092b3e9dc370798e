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


def read_csv_records(path: str | Path, field: str = "pilots") -> list[dict]:
    """Rows of a CSV file as dicts keyed by the (lower-cased, stripped) header."""
    import csv

    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as e:
        raise InputError(field, f"cannot read '{path}': {e.strerror or e}") from None
    rows = list(csv.DictReader(text.splitlines()))
    if not rows:
        raise InputError(field, f"'{path}' has no data rows under a header line")
    return [{(k or "").strip().lower(): (v or "").strip() for k, v in r.items()} for r in rows]


def write_yaml(path: str | Path, data: dict, header: str = "", force: bool = False) -> None:
    import yaml

    p = Path(path)
    if p.exists() and not force:
        raise InputError("output", f"'{path}' exists; pass --force to overwrite it")
    try:
        p.write_text(header + yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    except OSError as e:
        raise InputError("output", f"cannot write '{path}': {e.strerror or e}") from None
