"""The Python API: one function per command, typed results, DataFrames and the Jupyter card."""

from __future__ import annotations

import sys

import pytest

import traincost
from traincost.units import usd


@pytest.fixture(scope="module")
def est():
    return traincost.estimate(model="llama-3.1-8b", tokens="100B", gpus=64, samples=1000)


def test_estimate_result(est):
    assert (
        isinstance(est, traincost.Estimate) and est.model.params == 8_030_261_248
    )  # HF config of Llama 3.1 8B
    assert est.to_dict()["cost"]["total_usd"] == est.cost.total_usd
    bill = est.to_dataframe("bill")
    items = bill[bill["category"] != "total"]
    assert items["usd"].sum() == pytest.approx(est.cost.total_usd)  # the lines add up to the total
    assert est.text().startswith(usd(est.answer["cost_usd"]))
    html = est._repr_html_()
    assert (
        est.text().split(" (")[0] in html
        and html.count("<svg") >= 3
        and "http" not in html.replace("http://www.w3.org", "")
    )


def test_dataframe_needs_pandas_clear_error(est, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(traincost.InputError, match="pip install pandas"):
        est.to_dataframe()


def test_plan_audit_compare_validate():
    p = traincost.plan(model="llama-3.1-8b", gpus=64)
    df = p.to_dataframe()
    assert (df["tp"] * df["pp"] * df["dp"] * df["cp"] == 64).all() and df.loc[0, "fits"]
    assert "<svg" in p._repr_html_() and p.text().startswith("TP")
    a = traincost.audit(gpu_hours=80000, cost="160k")
    assert list(a.to_dataframe()["figure"]) == ["gpu_hours", "cost"] and a.verdict == "impossible"
    c = traincost.compare(models=["llama-3.1-8b", "llama-3.1-70b"], samples=300)
    cdf = c.to_dataframe()
    assert (
        list(cdf["candidate"]) == ["llama-3.1-8b", "llama-3.1-70b"]
        and cdf["cost_usd"].iloc[0] < cdf["cost_usd"].iloc[1]
    )
    assert "Pareto" in c._repr_html_()
    v = traincost.validate()
    assert len(v.to_dataframe()) == v.to_dict()["runs"]["summary"]["runs"]
    assert v.text().startswith("traincost vs published numbers")


def test_bad_input_is_input_error():
    with pytest.raises(traincost.InputError) as e:
        traincost.plan(gpus=0)
    assert e.value.field == "gpus"
    with pytest.raises(traincost.InputError):
        traincost.estimate(samples=10).to_dataframe("nope")
