"""Parameter counts and FLOPs against independent implementations: the Hugging Face model classes,
PyTorch's FlopCounterMode, PyTorch's FlashAttention backward FLOP formula and Megatron-LM's formula."""

from __future__ import annotations

import pytest

from hf_reference import hf_config, hf_param_count, hf_training_flops, torch
from hf_small_configs import SMALL
from traincost import catalog
from traincost.errors import InputError
from traincost.model.arch import SUPPORTED_MODEL_TYPES
from traincost.model.hf_config import from_hf_config


def test_small_configs_cover_every_supported_family():
    assert {c["model_type"] for c in SMALL.values()} == set(SUPPORTED_MODEL_TYPES)


@pytest.mark.parametrize("key", sorted(SMALL))
def test_params_equal_hf_small(key):
    cfg = SMALL[key]
    assert from_hf_config(cfg).params == hf_param_count(cfg)


@pytest.mark.parametrize("model_id", sorted(catalog.models()))
def test_params_equal_hf_catalog(model_id):
    """Every catalog model: our count equals the HF class instantiated from the same config, exactly."""
    entry = catalog.models()[model_id]
    assert entry.arch.params == hf_param_count(entry.config)


@pytest.mark.parametrize(
    "model_id, published",
    [
        # Totals printed by the model publishers / Hugging Face model pages (safetensors parameter count).
        ("llama-2-70b", 68_976_648_192),
        ("llama-3.1-8b", 8_030_261_248),
        ("mixtral-8x7b", 46_702_792_704),
    ],
)
def test_params_match_published_totals(model_id, published):
    assert catalog.models()[model_id].arch.params == published


def test_moe_active_params_against_hf_expert_shapes():
    """Active = total minus the routed experts a token does not visit; the size of one expert is read
    from the HF module itself."""
    cfg = SMALL["deepseek_v3"]
    c = hf_config(cfg)
    with torch.device("meta"):
        m = __import__("transformers").AutoModelForCausalLM.from_config(c)
    moe_layers = [layer for layer in m.model.layers if hasattr(layer.mlp, "experts")]
    experts = moe_layers[0].mlp.experts
    per_expert = sum(p.numel() for p in experts.parameters()) // cfg["n_routed_experts"]
    idle = cfg["n_routed_experts"] - cfg["num_experts_per_tok"]
    spec = from_hf_config(cfg)
    assert spec.active_params == hf_param_count(cfg) - len(moe_layers) * idle * per_expert


@pytest.mark.parametrize("key", sorted(SMALL))
def test_flops_equal_flopcountermode(key):
    """Forward and forward+backward FLOPs of the real model (eager attention, so non-causal), within 1%."""
    cfg, seq = SMALL[key], 48
    fwd_ref, train_ref = hf_training_flops(cfg, seq_len=seq)
    fl = from_hf_config(cfg).flops_per_token(seq, causal=False, flash_attention=False)
    assert fl.forward * seq == pytest.approx(fwd_ref, rel=0.01)
    assert fl.training * seq == pytest.approx(train_ref, rel=0.01)


def test_flash_attention_recompute_matches_pytorch_sdpa_formula():
    """Hardware FLOPs with FlashAttention = model FLOPs + the Q·K^T recomputed in the backward kernel,
    as PyTorch's own SDPA FLOP formulas count it."""
    from torch.utils.flop_counter import sdpa_backward_flop_count, sdpa_flop_count

    cfg, s = SMALL["llama"], 64
    spec = from_hf_config(cfg)
    H, d, L = (
        cfg["num_attention_heads"],
        cfg["hidden_size"] // cfg["num_attention_heads"],
        cfg["num_hidden_layers"],
    )
    q = (1, H, s, d)
    core_ref = L * (sdpa_flop_count(q, q, q) + sdpa_backward_flop_count(q, q, q, q)) / s
    fl_flash = spec.flops_per_token(s, causal=False, flash_attention=True)
    fl_none = spec.flops_per_token(s, causal=False, flash_attention=False)
    core_ours = 3 * fl_none.breakdown.attention_core + (fl_flash.hardware - fl_none.hardware)
    assert core_ours == pytest.approx(core_ref, rel=1e-9)


def test_megatron_formula_gpt3_175b():
    """Megatron-LM's model FLOPs for GPT-style models (num_floating_point_operations, commit 2748e7c7):
    72·B·s·l·h²·(1 + s/(6h) + V/(12·l·h)) per sequence, full (non-causal) attention."""
    spec = catalog.models()["gpt3-175b"].arch
    s, n_layers, h, V = 2048, spec.num_layers, spec.hidden_size, spec.vocab_size
    megatron = 72 * s * n_layers * h**2 * (1 + s / (6 * h) + V / (12 * n_layers * h))
    assert spec.flops_per_token(s, causal=False).training * s == pytest.approx(megatron, rel=1e-12)


def test_causal_attention_counts_half_the_scores():
    spec = catalog.models()["llama-3.1-70b"].arch
    full = spec.forward_flops(8192, causal=False).attention_core
    causal = spec.forward_flops(8192, causal=True).attention_core
    assert causal / full == pytest.approx((8192 + 1) / (2 * 8192))


def test_six_n_is_close_for_a_dense_model_at_short_context():
    """At short sequences attention is small and the exact count approaches 6N (Kaplan et al. 2020)."""
    fl = catalog.models()["llama-2-70b"].arch.flops_per_token(512)
    assert fl.training == pytest.approx(fl.six_n, rel=0.02)
    assert fl.training > fl.six_n  # attention adds, the embedding lookup (in 6N) is not a matmul


def test_moe_flops_use_active_experts():
    spec = catalog.models()["mixtral-8x7b"].arch
    fl = spec.flops_per_token(4096)
    # ~12.9B active parameters (Mistral AI: "uses only 12.9B active parameters per token")
    assert spec.active_params == pytest.approx(12.9e9, rel=0.01)
    assert fl.six_n == pytest.approx(6 * 12.9e9, rel=0.01)


@pytest.mark.parametrize(
    "cfg, fragment",
    [
        ({"model_type": "bert"}, "unsupported model_type 'bert'"),
        ({"model_type": "llama", "hidden_size": 64}, "missing field 'num_hidden_layers'"),
        (
            {"model_type": "llama", "hidden_size": "big", "num_hidden_layers": 2},
            "must be a whole number from 1 to 131,072",
        ),
        ([1, 2], "JSON object"),
    ],
)
def test_bad_configs_are_clear_errors(cfg, fragment):
    with pytest.raises(InputError) as e:
        from_hf_config(cfg)
    assert fragment in str(e.value)
    if "unsupported" in fragment:
        assert "deepseek_v3" in str(e.value)  # lists what is supported
