"""Bill stage: everything a team pays for a run, as priced lines with quantities and sources, and the
energy and carbon that go with it.

Cloud: accelerator-hours x price (energy, facility and hardware are inside the price; never counted
twice). Owned hardware: depreciation of the cluster for the share of its life the run occupies,
facility, maintenance and the electricity bill. Both: storage and staff.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

DAYS_PER_YEAR = 365.25  # Julian year (leap years included)
HOURS_PER_YEAR = 8766.0  # 365.25 days
DAYS_PER_MONTH = 30.4375  # 365.25 / 12
UINT16_IDS = 65_536  # 2^16 token ids fit in a uint16
# Cottier et al. 2024 (Epoch AI): ML hardware price-performance, orders of magnitude per year (data/onprem.yaml)
EPOCH_OOMS_PER_YEAR = 0.14


@dataclass(frozen=True)
class Line:
    """One line of the bill."""

    category: str  # compute | energy | facility | storage | staff
    item: str
    quantity: float
    unit: str
    unit_price: float  # USD per unit
    usd: float
    source: str


def compute_cost(gpu_hours: float, price_per_gpu_hour: float) -> float:
    """Rented compute: accelerator-hours x price per accelerator-hour."""
    return gpu_hours * price_per_gpu_hour


# ----------------------------------------------------------------------------- energy and carbon


def cluster_power_kw(
    n_gpus: int,
    tdp_w: float,
    power_fraction: float,
    node_size: int,
    host_w_per_node: float,
    network_share: float,
) -> float:
    """IT power of the cluster while training: accelerators at their average draw (a fraction of TDP,
    not TDP), each node's host (CPUs, memory, NICs, fans), and network switches as a share of that."""
    nodes = math.ceil(n_gpus / node_size)
    it_w = n_gpus * tdp_w * power_fraction + nodes * host_w_per_node
    return it_w * (1 + network_share) / 1000.0


def energy_kwh(it_kw: float, hours: float, pue: float) -> float:
    """Facility energy: IT energy x PUE (power usage effectiveness, The Green Grid)."""
    return it_kw * hours * pue


def operational_co2_t(kwh: float, grid_g_per_kwh: float) -> float:
    return kwh * grid_g_per_kwh / 1e6


def embodied_co2_t(
    n_gpus: int,
    per_gpu_kg: float,
    node_size: int,
    per_node_kg: float,
    run_hours: float,
    lifetime_years: float,
) -> float:
    """Manufacturing emissions of the accelerators and servers, amortized over their service life for
    the hours the run uses them (LLMCarbon, Faiz et al. 2024: embodied x time / lifetime)."""
    nodes = math.ceil(n_gpus / node_size)
    total_kg = n_gpus * per_gpu_kg + nodes * per_node_kg
    return total_kg * np.minimum(1.0, run_hours / (lifetime_years * HOURS_PER_YEAR)) / 1000.0


# ----------------------------------------------------------------------------- owned hardware


def depreciation_share(
    run_hours: float,
    lifetime_years: float,
    utilization: float,
    method: str,
    epoch_rate_per_year: float | None = None,
) -> float:
    """Share of the cluster's purchase price that the run consumes.

    * straight-line: the run's hours over the hours the cluster is in productive use during its life
      (lifetime x utilization; idle time is carried by the runs that use the cluster);
    * epoch: value falls exponentially with hardware progress, V(t) = V0·exp(-r·t) (Cottier et al. 2024,
      Epoch AI, 0.14 orders of magnitude per year, r = 0.14·ln 10); the run pays the value lost while
      it occupies its share of the cluster's time.
    """
    busy_years = run_hours / HOURS_PER_YEAR / utilization
    if method == "epoch":
        r = epoch_rate_per_year if epoch_rate_per_year is not None else EPOCH_OOMS_PER_YEAR * math.log(10)
        return -np.expm1(-r * busy_years)
    return np.minimum(1.0, busy_years / lifetime_years)


# ----------------------------------------------------------------------------- storage and staff


def dataset_bytes(tokens: float, bytes_per_token: float) -> float:
    return tokens * bytes_per_token


def token_id_bytes(vocab_size: int) -> int:
    """Bytes to store one token id: uint16 when the vocabulary fits in 65,536 ids, else uint32."""
    return 2 if vocab_size <= UINT16_IDS else 4


def storage_cost(gb: float, months: float, usd_per_gb_month: float) -> float:
    return gb * months * usd_per_gb_month


def staff_cost(engineers: float, usd_per_engineer_year: float, days: float) -> float:
    return engineers * usd_per_engineer_year * days / DAYS_PER_YEAR
