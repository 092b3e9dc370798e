"""The effective price of a training cluster: what a team would pay, with the market's spread
(docs/bill.md, "Effective price").

Rule, applied to every accelerator alike:

* an *offer* is one provider's newest training-sized price (8+ accelerators per node) in one tier:
  on-demand, capacity block, published contract rate, 1- or 3-year commitment. Spot/preemptible is left
  out: a synchronous multi-node job cannot run on capacity that is taken back;
* each provider's *best offer* is its cheapest offer (a team renting a cluster for weeks takes the
  capacity block, contract or commitment rate where one is published, on-demand otherwise);
* the **effective price** is the median of the providers' best offers, and its P10-P90 band the 10th
  and 90th percentiles of all offers, from contract rates to hyperscaler on-demand list.
* Runs shorter than a week cannot use commitments or contracts: only on-demand and capacity blocks count.

An accelerator without any training-sized offer takes the effective price of the nearest priced
accelerator (closest dense BF16 peak), scaled by the ratio of peaks, and is labelled an estimate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from traincost import catalog
from traincost.money.prices import Choice, every_offer
from traincost.units import PERCENTILES

MONTHS_PER_YEAR = 12  # calendar: dates are compared in months

CURRENT_MONTHS = 18  # offers observed within this many months of the newest price in the catalog are current
MIN_PROVIDERS = 3  # with fewer providers the band borrows the reference accelerator's relative spread
REFERENCE = "h100-sxm"  # the most widely priced training GPU
SHORT_RUN_DAYS = 7.0  # below this, only on-demand and capacity blocks are buyable
SHORT_TIERS = ("on-demand", "capacity-block")


@dataclass(frozen=True)
class Market:
    accelerator: str
    value: float  # effective USD per accelerator-hour (median of providers' best offers)
    low: float  # P10 of all offers
    high: float  # P90 of all offers
    offers: tuple[Choice, ...]
    best: tuple[Choice, ...]  # each provider's cheapest offer
    estimated_from: str | None = None  # the accelerator whose prices stand in, when this one has none
    scale: float = 1.0
    spread_from: str | None = None  # the band borrows this accelerator's relative spread (few offers)

    @property
    def source(self) -> str:
        n, p = len(self.offers), len(self.best)
        if self.estimated_from:
            return (
                f"ESTIMATE: no training-sized price for {self.accelerator} in the catalog; {self.estimated_from}'s "
                f"effective price x {self.scale:.2f} (ratio of dense BF16 peaks); {n} offers from {p} providers"
            )
        band = (
            f"band with {self.spread_from}'s relative spread ({p} providers only)"
            if self.spread_from
            else f"P10-P90 over {n} offers from contract rates to on-demand list"
        )
        dates = sorted(o.row.date for o in self.offers)
        return (
            f"effective price: median of {p} providers' best current training-cluster offers (8+ GPUs per node, "
            f"no spot; observed {dates[0]} to {dates[-1]}); ${self.low:.2f}-${self.high:.2f} {band} "
            f"(`traincost prices --gpu {self.accelerator}`; rule in docs/bill.md)"
        )


def _peak(acc) -> float:
    for dt in ("bf16", "fp16"):
        try:
            return acc.peak_flops(dt)
        except Exception:  # noqa: BLE001 - a part without this precision
            continue
    return 0.0


def _months(date: str) -> float:
    y, m, *_ = (int(x) for x in date.split("-"))
    return y * MONTHS_PER_YEAR + m


def _offers(acc, days: float | None) -> list[Choice]:
    offers = every_offer(acc)
    newest = max(_months(p.date) for p in catalog.prices())
    current = [o for o in offers if newest - _months(o.row.date) <= CURRENT_MONTHS]
    offers = current or offers  # an accelerator priced only long ago keeps its old prices (dates shown)
    if days is not None and days < SHORT_RUN_DAYS:
        offers = [o for o in offers if o.tier in SHORT_TIERS]
    return offers


def market(acc, days: float | None = None) -> Market | None:
    """The effective price of `acc` for a run of `days` (None: any length); None when nothing is priced."""
    offers = _offers(acc, days)
    if not offers:
        return None
    best: dict[str, Choice] = {}
    for o in offers:
        if o.provider not in best or o.value < best[o.provider].value:
            best[o.provider] = o
    vals = np.array([o.value for o in offers])
    value = float(np.median([o.value for o in best.values()]))
    low, high = (float(x) for x in np.percentile(vals, PERCENTILES[::2]))
    borrowed = None
    if len(best) < MIN_PROVIDERS and acc.id != REFERENCE:
        ref = market(catalog.accelerators()[REFERENCE], days)
        if ref is not None:
            low, high = min(low, value * ref.low / ref.value), max(high, value * ref.high / ref.value)
            borrowed = REFERENCE
    return Market(
        acc.id,
        value,
        min(low, value),
        max(high, value),
        tuple(offers),
        tuple(best.values()),
        spread_from=borrowed,
    )


def nearest_priced(acc) -> tuple[object, float] | None:
    """The priced accelerator with the closest dense BF16 peak, and the ratio of peaks (acc / it)."""
    mine = _peak(acc)
    if mine <= 0:
        return None
    cands = []
    for other in catalog.accelerators().values():
        p = _peak(other)
        if other.id != acc.id and p > 0 and every_offer(other):
            # same vendor first (an NVIDIA part is priced like NVIDIA parts), then the closest peak
            cands.append((other.vendor != acc.vendor, abs(math.log(p / mine)), other.id, other, mine / p))
    if not cands:
        return None
    *_key, other, ratio = min(cands)
    return other, ratio


def effective(acc, days: float | None = None) -> Market | None:
    """The market price, or an estimate from the nearest priced accelerator (labelled)."""
    m = market(acc, days)
    if m is not None:
        return m
    near = nearest_priced(acc)
    if near is None:
        return None
    other, r = near
    o = market(other, days)
    return Market(
        acc.id,
        o.value * r,
        o.low * r,
        o.high * r,
        o.offers,
        o.best,
        estimated_from=other.id,
        scale=r,
        spread_from=o.spread_from,
    )
