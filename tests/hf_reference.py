"""Independent references: Hugging Face transformers' own model classes and PyTorch's FlopCounterMode."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")


def hf_config(cfg: dict, **overrides):
    d = {k: v for k, v in cfg.items() if k not in ("architectures", "transformers_version")}
    d.update(overrides)
    mt = d.pop("model_type")
    return transformers.AutoConfig.for_model(mt, **d)


def hf_param_count(cfg: dict) -> int:
    """Parameters of the HF causal-LM class built from ``cfg`` on the meta device (tied weights once)."""
    c = hf_config(cfg)
    with torch.device("meta"):
        model = transformers.AutoModelForCausalLM.from_config(c)
    return sum(p.numel() for p in model.parameters())


def hf_training_flops(cfg: dict, seq_len: int, batch: int = 1) -> tuple[float, float]:
    """(forward, forward+backward) FLOPs of one step of the real model on CPU, counted by FlopCounterMode.

    Eager attention materialises the full score matrix, so the count is the non-causal one.
    """
    from torch.utils.flop_counter import FlopCounterMode

    torch.manual_seed(0)
    c = hf_config(cfg, attn_implementation="eager")
    model = transformers.AutoModelForCausalLM.from_config(c, experts_implementation="eager").float()
    ids = torch.randint(0, c.vocab_size, (batch, seq_len))
    with FlopCounterMode(display=False) as fc:
        out = model(input_ids=ids)
    fwd = fc.get_total_flops()
    with FlopCounterMode(display=False) as fc:
        out = model(input_ids=ids)
        out.logits.float().sum().backward()
    return fwd, fc.get_total_flops()
