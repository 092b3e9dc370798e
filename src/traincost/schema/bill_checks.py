"""The checks of the Scenario's bill fields (ownership, carbon, realism, programme): one message per field."""

from __future__ import annotations

from pydantic import field_validator

from traincost.schema.bounds import (
    MAX_DURATION,
    MAX_GRANULARITY_DAYS,
    MAX_LARGE,
    MAX_PAUSE_SHARE,
    MAX_PERCENTILE,
    MAX_PROGRAMME_SHARE,
    MAX_PUE,
    RunFields,
    bounded,
    field_check,
    number,
)


class BillChecks(RunFields):
    """The validators of the Scenario's bill fields; the fields themselves are declared in the Scenario (their
    order is the Scenario's)."""

    _own_share = field_check(
        ("cost_of_capital", "resale_fraction", "renewable_share"),
        number,
        "a share from 0 to 1 (e.g. 0.1)",
        lo=0.0,
        hi=1.0,
        check_fields=False,
    )

    _pause = field_check(
        ("evaluation_pause_share", "input_stall_share", "batch_warmup_share"),
        number,
        "a share of training time from 0 to 0.5",
        lo=0.0,
        hi=MAX_PAUSE_SHARE,
        check_fields=False,
    )

    _prog_share = field_check(
        ("pilot_share", "eval_compute_share", "support_share"),
        number,
        "a share, 0 or more (e.g. 0.1)",
        lo=0.0,
        hi=MAX_PROGRAMME_SHARE,
        check_fields=False,
    )

    _prog_nonneg = field_check(
        ("dataprep_vcpu_hours_per_tb", "vcpu_hour_usd", "bringup_days", "egress_price"),
        number,
        "a number, 0 or more",
        lo=0.0,
        hi=MAX_LARGE,
        check_fields=False,
    )

    @field_validator("budget_percentile", mode="before", check_fields=False)
    @classmethod
    def _percentile(cls, v):
        x = number(v, "a percentile from 1 to 99 (e.g. 80)", lo=1.0, hi=float(MAX_PERCENTILE))
        return x

    _granularity = field_check(
        ("reservation_granularity_days",),
        number,
        "a positive number of days (1 for on-demand)",
        lo=0.0,
        strict=True,
        hi=MAX_GRANULARITY_DAYS,
        check_fields=False,
    )

    _ops = field_check(
        ("ops_gpus_per_engineer",),
        number,
        "a positive number of accelerators per engineer",
        lo=0.0,
        strict=True,
        hi=MAX_LARGE,
        check_fields=False,
    )

    _software = field_check(
        ("software_per_gpu_year",),
        number,
        "USD per accelerator-year, 0 or more",
        lo=0.0,
        hi=MAX_LARGE,
        check_fields=False,
    )

    _nonneg = field_check(
        (
            "grid_intensity",
            "host_w_per_node",
            "electricity_price",
            "server_price",
            "storage_price",
            "checkpoints_kept",
            "engineers",
            "engineer_cost",
            "embodied_kg_per_gpu",
        ),
        number,
        "a number, 0 or more",
        lo=0.0,
        hi=1e9,
        check_fields=False,
    )

    _rate = field_check(
        ("interruption_rate",),
        number,
        "a rate per accelerator-hour from 0 to 1",
        lo=0.0,
        hi=1.0,
        check_fields=False,
    )

    _durations = field_check(
        ("restart_minutes", "prep_months", "eval_months"),
        number,
        "a duration, 0 or more",
        lo=0.0,
        hi=MAX_DURATION,
        check_fields=False,
    )

    _share = field_check(
        ("maintenance_share",),
        number,
        "a share of capex per year from 0 to 1",
        lo=0.0,
        hi=1.0,
        check_fields=False,
    )

    _pos = field_check(
        ("lifetime_years", "bytes_per_token", "checkpoint_stall_s", "checkpoint_write_gb_s"),
        number,
        "a positive number",
        lo=0.0,
        strict=True,
        hi=1e6,
        check_fields=False,
    )

    _frac = field_check(
        ("power_fraction", "utilization", "realization"),
        bounded,
        "a fraction in (0, 1]",
        1,
        "a fraction in (0, 1]",
        strict=True,
        check_fields=False,
    )

    _pue = field_check(
        ("pue",),
        bounded,
        "a PUE of at least 1.0, such as 1.1 or 1.4",
        MAX_PUE,
        "a PUE between 1.0 and 3.0",
        lo=1.0,
        check_fields=False,
    )
