"""Trust stage: validation of the performance model and the whole-run prediction against published measurements, and claim audits."""
