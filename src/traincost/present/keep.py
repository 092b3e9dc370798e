"""Drop ranks of optional table columns: when a table is too wide for the terminal, present/fit.py drops the
columns with the lowest ``keep`` first (100, the default, is never dropped). The ranks are a presentation
choice: what a reader can do without first."""

KEEP_20 = 20  # presentation: dropped early (e.g. unit price, instance, a driver's P10-P90)
KEEP_30 = 30  # presentation: dropped early-to-middle (e.g. a bill's source, tCO2e, scale-up size)
KEEP_40 = 40  # presentation: middle (e.g. GPU-hours in a comparison, TDP, reserved prices)
KEEP_45 = 45  # presentation: middle, after KEEP_40 (the from-scratch cost in a comparison)
KEEP_50 = 50  # presentation: kept on most terminals (e.g. the expected loss, pre-training tokens)
KEEP_60 = 60  # presentation: kept on most terminals (e.g. serving cost, P10/P90 columns, HBM TB/s)
KEEP_70 = 70  # presentation: dropped last among optional columns (e.g. the Pareto mark)
KEEP_80 = 80  # presentation: dropped last (the CPT decision's cost per unit of domain gain)
