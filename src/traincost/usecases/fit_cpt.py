"""`traincost fit-cpt`: fit the continued pre-training law on pilot runs and write a scenario."""

from __future__ import annotations

from typing import Any

from traincost.decide.cpt_fit import fit_pilots, parse_rows
from traincost.files import read_csv_records, write_yaml
from traincost.schema import make_scenario


def run_fit_cpt(
    path: str, base_tokens: str | None, domain: str, schedule: str, output: str, force: bool = False
) -> dict[str, Any]:
    """`traincost fit-cpt`: fit the CPT law on pilot runs and write a scenario with the coefficients
    (P10, fit, P90) and the pilots (their cost becomes a bill line)."""
    sc = make_scenario(base_tokens=base_tokens, domain=domain, schedule=schedule)
    rows = parse_rows(read_csv_records(path), sc.base_tokens)
    fit = fit_pilots(rows, domain=domain, schedule=schedule)
    scenario = {
        "domain": domain,
        "schedule": schedule,
        "cpt_coefficients": fit["coefficients"],
        "pilots": [{"params": r.params, "domain_tokens": r.domain_tokens, "replay": r.replay} for r in rows],
    }
    make_scenario(scenario)  # what we write must read back
    header = (
        f"# CPT law fitted by `traincost fit-cpt {path}` on {len(rows)} pilot runs; coefficients are\n"
        f"# [P10, fit, P90] ({fit['bootstrap']} bootstrap refits). Use: traincost compare {output} --models ...\n"
    )
    write_yaml(output, scenario, header, force)
    return {**fit, "pilots": len(rows), "output": output}
