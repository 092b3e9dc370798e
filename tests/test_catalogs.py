"""Every catalog number carries its source, and prices carry their date (DEVELOPERS.md: a number that
cannot be traced to a sourced input is a bug)."""

from __future__ import annotations

import datetime as dt

import pytest

from traincost import catalog


def test_every_model_has_a_source_and_a_valid_config():
    for m in catalog.models().values():
        assert m.source.startswith(("https://", "Brown et al.")), m.id
        assert m.arch.params > 0
        assert m.pretraining_tokens is None or m.pretraining_tokens_source, m.id
        assert m.pretraining_tokens_source, m.id  # either the count's source, or why it is not published


def test_every_accelerator_is_sourced_and_dense():
    for a in catalog.accelerators().values():
        assert a.sources.get("peak_tflops") and a.sources.get("memory"), a.id
        bf = a.peak_tflops.get("bf16") or a.peak_tflops.get("fp16")
        # dense peaks: no accelerator in the catalog exceeds 2.5 PFLOP/s dense BF16 (GB200); a 2:4-sparse figure would
        assert 50 <= bf <= 2600, a.id
        if a.peak_tflops.get("fp8"):
            assert a.peak_tflops["fp8"] <= 2.05 * bf, a.id  # FP8 is 2x BF16 dense (L40S: 733 vs 362.05)


@pytest.mark.parametrize(
    "gpu, dense",
    [
        ("a100-80gb", 312),
        ("h100-sxm", 989.4),
        ("h200", 989.5),
        ("b200", 2250),
        ("mi300x", 1307.4),
        ("tpu-v5p", 459),
    ],
)
def test_dense_peaks_match_vendor_figures(gpu, dense):
    """torchtitan's MFU denominators and vendor datasheets, dense (science.md §3.7)."""
    assert catalog.resolve_accelerator(gpu).peak_tflops["bf16"] == pytest.approx(dense, rel=0.002)


def test_every_price_has_a_date_and_a_source():
    ids = set(catalog.accelerators())
    for p in catalog.prices():
        assert p.accelerator in ids
        dt.date.fromisoformat(p.date)
        assert p.source.strip()
        for v in (p.on_demand, p.reserved_1y, p.reserved_3y, p.spot):
            assert v is None or 0 < v < 100


def _leaves(node, path=()):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _leaves(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _leaves(v, (*path, i))
    else:
        yield path, node


def _at(doc, path):
    for p in path:
        doc = doc[p]
    return doc


def _has_source(doc, path) -> bool:
    """A number is sourced when its own mapping, or one above it, has a source/quote/formula/range text."""
    keys = ("source", "sources", "quote", "formula", "range", "reference")
    return any(
        isinstance(n := _at(doc, path[:d]), dict) and any(k in n for k in keys)
        for d in range(len(path) - 1, 0, -1)
    )


@pytest.mark.parametrize("name", catalog.BILL_FILES)
def test_bill_catalog_numbers_are_sourced(name):
    doc = catalog.bill_data(name)
    unsourced = [
        p
        for p, v in _leaves(doc)
        if isinstance(v, int | float) and not isinstance(v, bool) and not _has_source(doc, p)
    ]
    assert not unsourced, unsourced[:10]


def test_ranges_bracket_values():
    for name in catalog.BILL_FILES:
        doc = catalog.bill_data(name)
        for path, _ in _leaves(doc):
            if path[-1] == "value":
                node = _at(doc, path[:-1])
                if isinstance(node.get("low"), int | float) and isinstance(node.get("high"), int | float):
                    assert node["low"] <= node["value"] <= node["high"], (name, path)


def test_measurements_carry_their_sources():
    m = catalog.measurements()
    for row in m["rows"] + m.get("memory_rows", []):
        assert row["source"] in m["sources"], row["id"]
    for run in catalog.runs()["runs"]:
        assert run["source"] and run["quote"], run["id"]
