"""Load and validate the shipped catalogs (models, accelerators, prices, defaults) once per process.

This is the only module of the pipeline that reads files; everything it returns is a plain typed
object. A user-supplied config.json path or hardware YAML goes through the same validation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from traincost.catalog_hub import (  # noqa: F401 - re-exported: the Hugging Face Hub lookup
    ERROR_CHARS,
    HTTPS_PORT,
    HUB_CONNECT_S,
    hub_config,
)
from traincost.errors import InputError
from traincost.hardware.accelerator import Accelerator, accelerator_from_dict
from traincost.model.arch import ArchSpec
from traincost.model.hf_config import from_hf_config, load_config_file

_DATA = resources.files("traincost") / "data"


def _yaml(name: str) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load((_DATA / name).read_text(encoding="utf-8"), Loader=loader)


# ------------------------------------------------------------------------- models


@dataclass(frozen=True)
class ModelEntry:
    id: str
    display_name: str
    family: str
    hf_repo: str | None
    source: str
    config: dict
    pretraining_tokens: float | None
    pretraining_tokens_source: str

    @property
    def arch(self) -> ArchSpec:
        return _arch(self.id)


@cache
def models() -> dict[str, ModelEntry]:
    out: dict[str, ModelEntry] = {}
    for f in sorted((_DATA / "models").iterdir(), key=lambda p: p.name):
        if not f.name.endswith(".json"):
            continue
        d = json.loads(f.read_text(encoding="utf-8"))
        out[d["id"]] = ModelEntry(
            id=d["id"],
            display_name=d.get("display_name", d["id"]),
            family=d.get("family", ""),
            hf_repo=d.get("hf_repo"),
            source=d["source"],
            config=d["config"],
            pretraining_tokens=d.get("pretraining_tokens"),
            pretraining_tokens_source=d.get("pretraining_tokens_source", ""),
        )
    return out


@cache
def _arch(model_id: str) -> ArchSpec:
    return from_hf_config(models()[model_id].config, name=model_id)


MAX_MODEL_REF = 200  # characters in a model name or path
SHOWN_REF_CHARS = 60  # presentation: an unknown model name is shown up to 60 characters
MAX_CONFIG_PATH = 4096  # input limit: characters of a config.json path (PATH_MAX on Linux)


def _unknown_model(ref: str, files: bool) -> InputError:
    key = ref.strip().lower()
    close = [
        m for m in models() if len(key) >= 3 and any(c.isalnum() for c in key) and (key in m or m in key)
    ]
    hint = f" (did you mean {', '.join(close[:4])}?)" if close else ""
    shown = ref if len(ref) <= SHOWN_REF_CHARS else ref[: SHOWN_REF_CHARS - len("...")] + "..."
    where = (
        "or a path to a config.json"
        if files
        else "or send a config.json inline as 'config' (the web API reads no files)"
    )
    return InputError(
        "model", f"unknown model '{shown}'{hint}; give a catalog name (see 'traincost models') {where}"
    )


def resolve_catalog_model(ref: str) -> tuple[ArchSpec, ModelEntry]:
    """A catalog id (case-insensitive) and nothing else: no file or network lookup of any kind, so the
    answer depends only on the catalog (the web API's resolver)."""
    if not isinstance(ref, str) or not ref.strip() or len(ref) > MAX_MODEL_REF:
        raise InputError("model", f"must be a catalog name of 1 to {MAX_MODEL_REF} characters")
    key = ref.strip().lower()
    if key in models():
        return _arch(key), models()[key]
    raise _unknown_model(ref, files=False)


def _exists(ref: str) -> bool:
    try:
        return Path(ref).exists()
    except (OSError, ValueError):  # a name too long for the file system, or with a NUL byte
        return False


def resolve_model(
    ref: str, hub: bool = False, files: bool | None = None
) -> tuple[ArchSpec, ModelEntry | None]:
    """A catalog id (case-insensitive), a path to a config.json (or a folder holding one), or, with
    `hub=True`, a Hugging Face Hub repository id such as meta-llama/Llama-3.1-8B.

    `files=False` (or running inside :func:`traincost.files.no_file_access`, as the web API does) resolves
    catalog ids only, through :func:`resolve_catalog_model`."""
    from traincost.files import files_allowed

    if files is None:
        files = files_allowed()
    if not files:
        return resolve_catalog_model(ref)
    if not isinstance(ref, str) or not ref.strip() or len(ref) > MAX_CONFIG_PATH:
        raise InputError(
            "model",
            f"must be a catalog name or a path to a config.json of at most {MAX_CONFIG_PATH} characters",
        )
    key = ref.strip().lower()
    cat = models()
    if key in cat:
        return _arch(key), cat[key]
    if hub and not _exists(ref):
        try:
            return from_hf_config(hub_config(ref.strip()), name=ref.strip()), None
        except InputError as e:
            raise InputError("model", f"{ref}: {e.message}") if e.field == "config.json" else e from None
    if key.endswith(".json") or "/" in ref or _exists(ref):
        cfg = load_config_file(ref)
        try:
            return from_hf_config(
                cfg, name=Path(ref).parent.name if Path(ref).name == "config.json" else Path(ref).stem
            ), None
        except InputError as e:
            raise InputError("model", f"{ref}: {e.message}") from None
    raise _unknown_model(ref, files=True)


# ------------------------------------------------------------------------- hardware


@cache
def accelerators() -> dict[str, Accelerator]:
    data = _yaml("hardware.yaml")
    return {a.id: a for a in (accelerator_from_dict(d) for d in data["accelerators"])}


def _alias_index(accs: dict[str, Accelerator]) -> dict[str, str]:
    idx = {}
    for a in accs.values():
        idx[a.id] = a.id
        for al in a.aliases:
            idx.setdefault(al, a.id)
    return idx


def load_hardware_file(path: str | Path) -> dict[str, Accelerator]:
    """A user's own accelerators, in the shape of data/hardware.yaml."""
    from traincost.files import MAX_HARDWARE_BYTES, parse_yaml, read_user_text

    data = parse_yaml(read_user_text(path, "hardware_file", MAX_HARDWARE_BYTES), path, "hardware_file")
    if not isinstance(data, dict) or not isinstance(data.get("accelerators"), list):
        raise InputError("hardware_file", f"'{path}' must have a top-level 'accelerators:' list")
    if len(data["accelerators"]) > 1000:
        raise InputError("hardware_file", f"'{path}' lists more than 1000 accelerators")
    return {a.id: a for a in (accelerator_from_dict(d, origin=str(path)) for d in data["accelerators"])}


def resolve_accelerator(ref: str, extra: dict[str, Accelerator] | None = None) -> Accelerator:
    accs = {**accelerators(), **(extra or {})}
    key = ref.strip().lower()
    idx = _alias_index(accs)
    if key in idx:
        return accs[idx[key]]
    raise InputError("gpu", f"unknown accelerator '{ref}'; accepted: {', '.join(sorted(accs))}")


# ------------------------------------------------------------------------- prices and defaults


@dataclass(frozen=True)
class Price:
    provider: str
    instance: str | None
    accelerator: str
    region: str | None
    on_demand: float | None
    reserved_1y: float | None
    reserved_3y: float | None
    spot: float | None
    date: str
    source: str
    accelerators_per_instance: int | None = None
    capacity_block: float | None = None
    contract: float | None = None


@cache
def prices() -> tuple[Price, ...]:
    data = _yaml("prices.yaml")
    rows = []
    for r in data["prices"]:
        rows.append(
            Price(
                provider=str(r["provider"]),
                instance=r.get("instance"),
                accelerator=str(r["accelerator"]),
                region=r.get("region"),
                on_demand=r.get("on_demand"),
                reserved_1y=r.get("reserved_1y"),
                reserved_3y=r.get("reserved_3y"),
                spot=r.get("spot"),
                date=str(r["date"]),
                source=str(r["source"]),
                accelerators_per_instance=r.get("accelerators_per_instance"),
                capacity_block=r.get("capacity_block"),
                contract=r.get("contract"),
            )
        )
    return tuple(rows)


@cache
def _price_defaults() -> dict[str, dict]:
    return _yaml("prices.yaml").get("defaults") or {}


PRICING_FIELDS = {"on-demand": "on_demand", "1y": "reserved_1y", "3y": "reserved_3y", "spot": "spot"}


def select_price(
    accelerator_id: str, provider: str | None = None, pricing: str = "on-demand"
) -> tuple[Price, float]:
    """The price row and USD per accelerator-hour for an accelerator, provider and pricing model.
    Without a provider: the catalog default row if it has that pricing, else the newest row that does."""
    field = PRICING_FIELDS[pricing]
    rows = [p for p in prices() if p.accelerator == accelerator_id and getattr(p, field)]
    if provider:
        key = provider.strip().lower()
        known = sorted({p.provider for p in prices()})
        if key not in known:
            raise InputError("provider", f"unknown provider '{provider}'; accepted: {', '.join(known)}")
        mine = [p for p in rows if p.provider == key]
        if not mine:
            have = sorted({p.provider for p in rows})
            raise InputError(
                "provider",
                f"no {pricing} price for {accelerator_id} from {key} in the catalog"
                + (f"; providers with one: {', '.join(have)}" if have else "")
                + "; or pass --price",
            )
        row = max(mine, key=lambda p: p.date)
        return row, float(getattr(row, field))
    d = default_price(accelerator_id)
    if d is not None and getattr(d, field):
        return d, float(getattr(d, field))
    if not rows:
        raise InputError(
            "price",
            f"no {pricing} price for {accelerator_id} in the catalog; pass --price in USD per GPU-hour",
        )
    row = max(rows, key=lambda p: p.date)
    return row, float(getattr(row, field))


def default_price(accelerator_id: str) -> Price | None:
    """The catalog's default on-demand price row for an accelerator (rule stated in prices.yaml)."""
    sel = _price_defaults().get(accelerator_id)
    rows = [p for p in prices() if p.accelerator == accelerator_id and p.on_demand]
    if sel:
        match = [
            p
            for p in rows
            if p.provider == sel.get("provider")
            and (sel.get("instance") in (None, p.instance))
            and (sel.get("date") in (None, p.date))
        ]
        if match:
            return max(match, key=lambda p: p.date)
    return max(rows, key=lambda p: p.date) if rows else None


@cache
def efficiency_table() -> dict[str, Any]:
    """End-to-end efficiency constants fitted per accelerator generation (data/efficiency.yaml); the
    Efficiency record is built in parallel/efficiency.py."""
    return _yaml("efficiency.yaml")


@cache
def kernels_table() -> dict[str, Any]:
    """Measured sub-model constants per generation (GEMM, collectives, attention, HBM, memory overhead)."""
    return _yaml("kernels.yaml")


@cache
def precision_table() -> dict[str, Any]:
    """Training precisions and their quantization recipes (data/precision.yaml)."""
    return _yaml("precision.yaml")


@cache
def heldout_fits() -> dict[str, Any]:
    """Leave-one-source-out fits of the end-to-end constants (written by scripts/calibrate.py)."""
    return _yaml("heldout.yaml") if (_DATA / "heldout.yaml").is_file() else {}


@cache
def frameworks() -> dict[str, Any]:
    """Training framework profiles (memory, overlap, layout options)."""
    return _yaml("frameworks.yaml")


BILL_FILES = ("onprem", "grid", "embodied", "storage", "reliability", "staff", "programme")


@cache
def bill_data(name: str) -> dict[str, Any]:
    """One of the bill catalogs (onprem, grid, embodied, storage, reliability, staff)."""
    if name not in BILL_FILES:
        raise KeyError(name)
    return _yaml(f"{name}.yaml")


@cache
def measurements() -> dict[str, Any]:
    """Published throughput and memory measurements used to calibrate and check the performance model."""
    return _yaml("measurements/throughput.yaml")


@cache
def realization() -> dict[str, Any]:
    """Share of the best layout's throughput that real runs achieve, fitted on published runs."""
    f = _DATA / "realization.yaml"
    if not f.is_file():
        return {"value": 1.0, "sigma": 0.0, "source": "not calibrated"}
    return _yaml("realization.yaml")


@cache
def runs() -> dict[str, Any]:
    """Published training runs (from the calibration set) that `traincost validate` estimates."""
    return _yaml("runs.yaml")


@cache
def defaults() -> dict[str, Any]:
    return _yaml("defaults.yaml")


@cache
def cpt() -> dict[str, Any]:
    """The continued pre-training law's coefficients, named domains and schedules (data/cpt.yaml)."""
    return _yaml("cpt.yaml")
