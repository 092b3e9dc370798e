"""`traincost probe`: measure on the machine it runs on what the performance model needs (GEMM, attention,
memory-bound kernels, collectives, one transformer block) and write a hardware file with the measured curves.

Only `measure`, `comm` and `run` import torch, and only when the command runs. `fit`, `shapes` and `output`
are pure functions over plain numbers.
"""
