"""Run stage: from throughput to tokens/s, GPU-hours and wall-clock time, with failures, restarts and checkpoints."""
