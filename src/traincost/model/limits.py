"""Bounds on the fields of a Hugging Face config.json that traincost accepts.

They keep every model the tool is for (the largest published dense and MoE transformers use at most
~130 layers, hidden sizes up to ~25k, 256-384 routed experts and vocabularies up to ~256k tokens) with
a wide margin, and make the worst case of any request cheap: loops over layers and experts are bounded
and every product of sizes stays a finite float. A value outside its bound is refused with a message
that states the bound.
"""

from __future__ import annotations

import math
from typing import Any

from traincost.errors import InputError

# Input limits (not data): each is far above any published model (largest today: hidden 16,384 and
# 126 layers in Llama 3.1 405B, vocab 256k in Gemma, 256 experts in DeepSeek-V3), so a real config always
# passes and a typo or an attack (1e30 layers) is refused before any arithmetic.
MAX_LAYERS = 1024  # input limit: 8x the deepest published model (126)
MAX_HIDDEN = 131_072  # input limit: 2^17, 8x the widest published hidden size (16,384)
MAX_HEADS = 1024  # input limit: 8x the most attention heads published (128)
MAX_EXPERTS = 4096  # input limit: 16x the most routed experts published (256)
MAX_FFN = 1_048_576  # input limit: 2^20, 8x the widest FFN published (Llama 3.1 405B: 53,248)
MAX_VOCAB = 4_194_304  # input limit: 2^22, 16x the largest vocabulary published (Gemma: 256,000)
MAX_CONTEXT = 2**30  # input limit: 2^30 tokens, 1000x a 1M-token context
# input limits of the smaller fields: head dims and shared experts (far above any published model)
MAX_HEAD_DIM = 4096  # input limit: 16x the widest published head (256)
MAX_SHARED_EXPERTS = 64  # input limit: 32x the most shared experts published (2)
MAX_POSITIONS = 1_048_576  # input limit: 2^20 positions for GPT-2-style configs (n_positions)

CONFIG_LIMITS: dict[str, tuple[int, int]] = {
    "hidden_size": (1, MAX_HIDDEN),
    "n_embd": (1, MAX_HIDDEN),
    "num_hidden_layers": (1, MAX_LAYERS),
    "n_layer": (1, MAX_LAYERS),
    "num_attention_heads": (1, MAX_HEADS),
    "n_head": (1, MAX_HEADS),
    "num_key_value_heads": (0, MAX_HEADS),  # 0 (or null): as many as attention heads
    "head_dim": (1, MAX_HEAD_DIM),
    "v_head_dim": (1, MAX_HEAD_DIM),
    "qk_nope_head_dim": (0, MAX_HEAD_DIM),
    "qk_rope_head_dim": (0, MAX_HEAD_DIM),
    "q_lora_rank": (0, MAX_HIDDEN),
    "kv_lora_rank": (1, MAX_HIDDEN),
    "vocab_size": (1, MAX_VOCAB),
    "intermediate_size": (1, MAX_FFN),
    "n_inner": (1, MAX_FFN),
    "moe_intermediate_size": (1, MAX_FFN),
    "shared_expert_intermediate_size": (0, MAX_FFN),
    "num_local_experts": (1, MAX_EXPERTS),
    "num_experts": (0, MAX_EXPERTS),
    "n_routed_experts": (0, MAX_EXPERTS),
    "num_experts_per_tok": (1, MAX_EXPERTS),
    "n_shared_experts": (0, MAX_SHARED_EXPERTS),
    "max_position_embeddings": (1, MAX_CONTEXT),
    "n_positions": (1, MAX_POSITIONS),
    "sliding_window": (0, MAX_CONTEXT),
    "max_window_layers": (0, MAX_LAYERS),
    "decoder_sparse_step": (0, MAX_LAYERS),
    "first_k_dense_replace": (0, MAX_LAYERS),
    "moe_layer_freq": (0, MAX_LAYERS),
}
DEFAULT_LIMITS = (0, 2**31 - 1)  # input limit: a signed 32-bit integer for any other field


def config_int(key: str, v: Any) -> int:
    """A config.json integer field within its bound; NaN, infinities, fractions, text and booleans are
    refused with the accepted range."""
    lo, hi = CONFIG_LIMITS.get(key, DEFAULT_LIMITS)
    ok = (
        isinstance(v, int | float)
        and not isinstance(v, bool)
        and math.isfinite(v)
        and v == int(v)
        and lo <= v <= hi
    )
    if not ok:
        raise InputError(
            "config.json", f"field '{key}' must be a whole number from {lo} to {hi:,} (got {v!r:.40})"
        )
    return int(v)


def int_list(cfg: dict, key: str, hi: int) -> list[int]:
    """A list of layer indices such as `mlp_only_layers`."""
    v = cfg.get(key) or []
    if (
        not isinstance(v, list)
        or len(v) > hi
        or not all(isinstance(x, int) and not isinstance(x, bool) for x in v)
    ):
        raise InputError("config.json", f"field '{key}' must be a list of at most {hi} layer numbers")
    return v


def check_heads(h: int, H: int, kv: int, head_dim_given: bool) -> None:
    """Grouped-query attention splits the query heads into `kv` equal groups (Ainslie et al. 2023, GQA;
    Hugging Face `repeat_kv` repeats each KV head num_attention_heads // num_key_value_heads times), and
    without an explicit head_dim the head size is hidden_size / num_attention_heads."""
    if kv > H or H % kv:
        raise InputError(
            "config.json", f"num_attention_heads ({H}) must be a multiple of num_key_value_heads ({kv})"
        )
    if not head_dim_given and h % H:
        raise InputError(
            "config.json",
            f"hidden_size ({h}) must be a multiple of num_attention_heads ({H}) unless head_dim is given",
        )


def check_experts(E: int, k: int) -> None:
    if E and not 1 <= k <= E:
        raise InputError(
            "config.json", f"num_experts_per_tok ({k}) must be from 1 to the number of experts ({E})"
        )
