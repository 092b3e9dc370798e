"""Carbon beside the location-based line (docs/bill.md, "Carbon").

* Location-based: energy x the grid's average intensity (bill.operational_co2_t). traincost's energy counts
  the whole server: accelerators at their average draw, each node's host (CPUs, memory, NICs, fans) and
  the network, times PUE. That is ~1.4x the energy of model cards that count GPU TDP only (Llama 2 model
  card: 'peak power capacity per GPU device ... adjusted for power usage efficiency'): for H100, (0.75 x
  700 W + 3,450 W / 8) x 1.05 / 700 W = 1.43.
* Model-card convention (--carbon-convention model-card): accelerators x TDP x hours x PUE, no host.
* Market-based (GHG Protocol Scope 2): location-based x (1 - share of the electricity matched by renewable
  purchases), the share from the provider's published matching (data/grid.yaml market_based).
"""

from __future__ import annotations

from typing import Any

CONVENTIONS = ("full", "model-card")


def matched_share_node(grid: dict[str, Any], provider: str | None) -> dict[str, Any]:
    shares = grid["market_based"]["matched_share"]
    return shares.get((provider or "").lower()) or shares["default"]


def model_card_kwh(n_gpus: int, tdp_w, hours, pue):
    """Energy as model cards count it: accelerator TDP only, times PUE."""
    return n_gpus * tdp_w * hours * pue / 1000.0


def figures(v: dict[str, Any], n_gpus: int, hours, kwh, grid_g_per_kwh, convention: str) -> dict[str, Any]:
    """Operational tCO2e under the chosen convention, the market-based line, and the model-card ratio."""
    mc = model_card_kwh(n_gpus, v["tdp_w"], hours, v["pue"])
    counted = mc if convention == "model-card" else kwh
    loc_t = counted * grid_g_per_kwh / 1e6
    return {
        "operational_t": loc_t,
        "market_operational_t": loc_t * (1.0 - v["renewable_matched_share"]),
        "model_card_kwh": mc,
        "full_to_model_card": kwh / mc,
        "counted_kwh": counted,
    }
