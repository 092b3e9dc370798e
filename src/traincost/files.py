"""Reading the user's scenario files (YAML with the same fields as the flags)."""

from __future__ import annotations

import contextlib
import contextvars
from pathlib import Path

from traincost.errors import InputError

# Size caps on the user's files, checked before parsing (real scenario and hardware files are a few KB;
# Hugging Face config.json files are under 100 KB).
MAX_SCENARIO_BYTES = 1024 * 1024
MAX_CONFIG_BYTES = 1024 * 1024
MAX_HARDWARE_BYTES = 1024 * 1024

_FILES_ALLOWED: contextvars.ContextVar[bool] = contextvars.ContextVar("traincost_files_allowed", default=True)


@contextlib.contextmanager
def no_file_access():
    """Inside this block no user-named file may be read (the web API's rule); a defence in depth behind
    the web schemas, which accept only catalog names and inline data."""
    token = _FILES_ALLOWED.set(False)
    try:
        yield
    finally:
        _FILES_ALLOWED.reset(token)


def files_allowed() -> bool:
    return _FILES_ALLOWED.get()


def read_user_text(path: str | Path, field: str, max_bytes: int, what: str = "") -> str:
    """The text of a user's file: refused when reading files is off, when it is not a regular file, when it
    is larger than `max_bytes` (checked before anything is parsed; at most max_bytes + 1 are ever read) or
    when it is not UTF-8 text."""
    if not files_allowed():
        raise InputError(field, "reading files is not allowed here (send the data inline)")
    p = Path(path)
    try:
        with p.open("rb") as fh:
            raw = fh.read(max_bytes + 1)
    except IsADirectoryError:
        raise InputError(field, f"'{path}' is a folder, not a file") from None
    except OSError as e:
        raise InputError(
            field, f"cannot read {what + ' ' if what else ''}'{path}': {e.strerror or e}"
        ) from None
    except ValueError:  # a NUL byte in the name
        raise InputError(field, f"cannot read {str(path)!r}: not a valid file name") from None
    if len(raw) > max_bytes:
        raise InputError(field, f"'{path}' is larger than {max_bytes // 1024} KiB, the limit for this file")
    if b"\x00" in raw:
        raise InputError(field, f"'{path}' is a binary file, not UTF-8 text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(
            field, f"'{path}' is not UTF-8 text (byte {e.start}: {raw[e.start : e.start + 1]!r})"
        ) from None


def parse_yaml(text: str, path: str | Path, field: str):
    """YAML (safe loader); syntax errors and absurd nesting become one-line input errors."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(text, Loader=loader)
    except yaml.YAMLError as e:
        first = str(e).splitlines()[0] if str(e) else "parse error"
        raise InputError(field, f"'{path}' is not valid YAML ({first})") from None
    except RecursionError:
        raise InputError(field, f"'{path}' is nested too deeply") from None


def read_scenario_file(path: str | Path) -> dict:
    p = Path(path)
    data = parse_yaml(read_user_text(p, "scenario", MAX_SCENARIO_BYTES), path, "scenario")
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError(
            "scenario", f"'{path}' must be a YAML mapping of fields such as 'model:' and 'tokens:'"
        )
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

# Training precision: bf16 (default), fp16, fp8 (delayed scaling), fp8-tensorwise, fp8-blockwise, mxfp8, nvfp4, mxfp4
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
