"""Price selection a buyer would make (docs/bill.md, "Prices").

A training run needs a training-sized shape: nodes of 8 accelerators or more (TPU chips are sold as pod
slices of any size). Every rule here keeps to such shapes, keeps a pricing tier with the provider the user
(or the default) chose, and says so instead of switching provider, shape or tier when a price is missing.
Ties are broken everywhere by the rule stated at the top of ``data/prices.yaml``: newest date, then the
provider order aws > gcp > azure > others, then the larger shape, then the lower price, then file order.
"""

from __future__ import annotations

from dataclasses import dataclass

from traincost import catalog
from traincost.catalog import Price
from traincost.errors import InputError

TIERS = {
    "on-demand": "on_demand",
    "capacity-block": "capacity_block",
    "contract": "contract",
    "1y": "reserved_1y",
    "3y": "reserved_3y",
    "spot": "spot",
}
HYPERSCALERS = ("aws", "gcp", "azure")
TRAINING_SHAPE = 8  # accelerators per node: the HGX/DGX node that training clusters are built from


@dataclass(frozen=True)
class Choice:
    """One priced offer: the catalog row, its tier and USD per accelerator-hour."""

    row: Price
    tier: str
    value: float
    note: str | None = None  # what differs from the request (region), said out loud

    @property
    def provider(self) -> str:
        return self.row.provider

    @property
    def source(self) -> str:
        r = self.row
        where = " ".join(x for x in (r.provider, r.instance or "", r.region or "") if x)
        return f"{where} {self.tier}, observed {r.date}; {r.source}"


def training_sized(row: Price, generation: str = "") -> bool:
    """A shape a multi-node training job can run on: 8+ accelerators per node (GB200 NVL72 is sold in
    4-GPU trays of a 72-GPU rack, so 4 counts for it), or TPU chips (sold as pod slices)."""
    if generation.startswith("tpu"):
        return True
    need = 4 if row.accelerator in ("gb200", "gb300") else TRAINING_SHAPE
    return (row.accelerators_per_instance or 1) >= need


def _order(row: Price, field: str, index: int) -> tuple:
    """Sort key of the tie-break rule (the best row sorts first)."""
    rank = HYPERSCALERS.index(row.provider) if row.provider in HYPERSCALERS else len(HYPERSCALERS)
    return (
        tuple(-int(x) for x in row.date.split("-")),
        rank,
        -(row.accelerators_per_instance or 1),
        getattr(row, field) or 0.0,
        index,
    )


def rows_for(acc, provider: str | None = None, tier: str | None = None) -> list[Price]:
    """Training-sized rows for an accelerator (of one provider, with one tier), best first."""
    field = TIERS[tier] if tier else "on_demand"
    out = [
        (i, p)
        for i, p in enumerate(catalog.prices())
        if p.accelerator == acc.id
        and training_sized(p, acc.generation)
        and (provider is None or p.provider == provider)
        and (tier is None or getattr(p, field))
    ]
    return [p for i, p in sorted(out, key=lambda t: _order(t[1], field, t[0]))]


def tiers_of(rows: list[Price]) -> list[str]:
    return [t for t, f in TIERS.items() if any(getattr(r, f) for r in rows)]


def _in_region(rows: list[Price], region: str | None) -> tuple[Price, str | None]:
    """The best row, in the requested region where the catalog prices it there."""
    if region:
        key = region.strip().lower()
        here = [r for r in rows if (r.region or "").lower() == key]
        if here:
            return here[0], None
        where = rows[0].region or "no stated region"
        return rows[0], f"no {key} price from {rows[0].provider} in the catalog; priced at its {where} rate"
    return rows[0], None


def known_providers() -> list[str]:
    return sorted({p.provider for p in catalog.prices()})


def default_provider(acc) -> str | None:
    """The provider of the catalog's default on-demand row (rule in prices.yaml), among training shapes."""
    d = catalog.default_price(acc.id)
    if d is not None and training_sized(d, acc.generation):
        return d.provider
    hyper = [r for r in rows_for(acc, tier="on-demand") if r.provider in HYPERSCALERS]
    rows = hyper or rows_for(acc, tier="on-demand")
    return rows[0].provider if rows else None


def _providers_with(acc, tier: str) -> str:
    have = []
    for r in rows_for(acc, tier=tier):
        if r.provider not in [h[0] for h in have]:
            have.append((r.provider, getattr(r, TIERS[tier])))
    return ", ".join(f"{p} (${v:.2f})" for p, v in have) or "none in the catalog"


def select(acc, provider: str | None = None, tier: str | None = None, region: str | None = None) -> Choice:
    """The offer a buyer would take with this provider and tier (either may be None).

    * provider and tier: that provider's newest training-sized row with the tier;
    * provider only: its on-demand rate;
    * tier only: the tier of the default provider (the provider of the default on-demand row);
    A missing tier or shape raises InputError naming what the catalog has instead."""
    if provider:
        key = provider.strip().lower()
        if key not in known_providers():
            raise InputError(
                "provider", f"unknown provider '{provider}'; accepted: {', '.join(known_providers())}"
            )
    else:
        key = default_provider(acc)
        if key is None:
            raise InputError(
                "price",
                f"no training-sized (8 per node) price for {acc.id} in the catalog; pass --price "
                "in USD per GPU-hour",
            )
    tier = tier or "on-demand"
    mine = rows_for(acc, key)
    if not mine:
        small = sorted(
            {
                r.accelerators_per_instance or 1
                for r in catalog.prices()
                if r.provider == key and r.accelerator == acc.id
            }
        )
        what = (
            f"only {'/'.join(map(str, small))}-GPU shapes, too small for a multi-node run"
            if small
            else "no price"
        )
        raise InputError(
            "provider",
            f"{key} has {what} for {acc.id}; providers with a training-sized "
            f"{tier} price: {_providers_with(acc, tier)}",
        )
    with_tier = [r for r in mine if getattr(r, TIERS[tier])]
    if not with_tier:
        raise InputError(
            "pricing",
            f"{key} has no {tier} price for {acc.id} in the catalog (its tiers: "
            f"{', '.join(tiers_of(mine))}); providers with a {tier} price: "
            f"{_providers_with(acc, tier)}; choose one with --provider, or pass --price",
        )
    row, note = _in_region(with_tier, region)
    return Choice(row, tier, float(getattr(row, TIERS[tier])), note)


def every_offer(acc, include_spot: bool = False) -> list[Choice]:
    """Each provider's newest training-sized price in each tier (one Choice per provider and tier)."""
    out = []
    for tier in TIERS:
        if tier == "spot" and not include_spot:
            continue
        seen: set[str] = set()
        for r in rows_for(acc, tier=tier):
            if r.provider not in seen:
                seen.add(r.provider)
                out.append(Choice(r, tier, float(getattr(r, TIERS[tier]))))
    return out
