"""A Hugging Face ``config.json`` becomes an :class:`~traincost.model.arch.ArchSpec`: one reader per model
family (field names as in the ``transformers`` configuration classes), and the reader of a local file."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from traincost.errors import InputError
from traincost.files import MAX_CONFIG_BYTES, read_user_text
from traincost.model.arch import SUPPORTED_MODEL_TYPES, ArchSpec, Attention, MoE
from traincost.model.limits import check_experts, check_heads, config_int, int_list


def _get(cfg: dict, *keys: str, default: Any = ..., required_for: str = "") -> Any:
    for k in keys:
        if k in cfg and cfg[k] is not None:
            return cfg[k]
    if default is ...:
        raise InputError("config.json", f"missing field '{keys[0]}' required for model_type '{required_for}'")
    return default


def _int(cfg: dict, *keys: str, default: Any = ..., mt: str = "") -> int:
    v = _get(cfg, *keys, default=default, required_for=mt)
    if v is None or v is default:
        return v
    return config_int(next((k for k in keys if cfg.get(k) is not None), keys[0]), v)


def _layer_types_sliding(cfg: dict, n_layers: int, default_all: bool) -> int:
    lt = cfg.get("layer_types")
    if isinstance(lt, list) and len(lt) == n_layers:
        return sum(1 for t in lt if t == "sliding_attention")
    return n_layers if default_all else 0


@dataclass(frozen=True)
class _Base:
    """What every config of the Llama-like families gives: the shared ArchSpec fields and the attention."""

    mt: str
    L: int
    H: int
    kv: int
    hd: int
    attn_bias: bool
    common: dict
    attn: Attention


def _base(cfg: dict, name: str, mt: str) -> _Base:
    h = _int(cfg, "hidden_size", mt=mt)
    L = _int(cfg, "num_hidden_layers", mt=mt)
    H = _int(cfg, "num_attention_heads", mt=mt)
    kv = _int(cfg, "num_key_value_heads", default=H, mt=mt) or H
    hd_given = _int(cfg, "head_dim", default=None, mt=mt)
    check_heads(h, H, kv, hd_given is not None)
    hd = hd_given or h // H
    vocab = _int(cfg, "vocab_size", mt=mt)
    ffn = _int(cfg, "intermediate_size", mt=mt)
    tie = bool(cfg.get("tie_word_embeddings", mt in ("gemma", "gemma2")))
    common: dict[str, Any] = dict(
        name=name,
        model_type=mt,
        vocab_size=vocab,
        hidden_size=h,
        num_layers=L,
        ffn=ffn,
        gated_mlp=True,
        tie_embeddings=tie,
        max_position_embeddings=_int(cfg, "max_position_embeddings", default=None, mt=mt),
    )
    attn_bias = bool(cfg.get("attention_bias", False))
    attn = Attention("mha", H, kv, hd, hd, qkv_bias=attn_bias, o_bias=attn_bias)
    return _Base(mt, L, H, kv, hd, attn_bias, common, attn)


def from_hf_config(cfg: dict, name: str | None = None) -> ArchSpec:
    """Build an :class:`ArchSpec` from a Hugging Face ``config.json`` dictionary."""
    if not isinstance(cfg, dict):
        raise InputError("config.json", "must be a JSON object")
    mt = cfg.get("model_type")
    if mt not in SUPPORTED_MODEL_TYPES:
        raise InputError(
            "config.json", f"unsupported model_type {mt!r}; supported: {', '.join(SUPPORTED_MODEL_TYPES)}"
        )
    name = name or cfg.get("_name_or_path") or mt
    if mt == "gpt2":
        return _gpt2(cfg, name)
    if mt == "gpt_neox":
        return _gpt_neox(cfg, name)
    b = _base(cfg, name, mt)
    if mt in ("llama", "mistral", "mixtral"):
        return _llama(cfg, b)
    if mt in ("qwen2", "qwen2_moe", "qwen3", "qwen3_moe"):
        return _qwen(cfg, b)
    if mt in ("gemma", "gemma2"):
        return _gemma(cfg, b)
    if mt == "olmo2":
        attn = Attention(
            "mha", b.H, b.kv, b.hd, b.hd, qkv_bias=b.attn_bias, o_bias=b.attn_bias, qk_norm="full"
        )
        return ArchSpec(**b.common, attention=attn)
    return _deepseek_v3(cfg, b)


def _llama(cfg: dict, b: _Base) -> ArchSpec:
    mt, L = b.mt, b.L
    sw = _int(cfg, "sliding_window", default=None, mt=mt) if mt != "llama" else None
    spec = dict(b.common, attention=b.attn, mlp_bias=bool(cfg.get("mlp_bias", False)))
    if sw:
        spec.update(sliding_window=int(sw), num_sliding_layers=L)
    if mt == "mixtral":
        E = _int(cfg, "num_local_experts", mt=mt)
        k = _int(cfg, "num_experts_per_tok", mt=mt)
        check_experts(E, k)
        spec.update(moe=MoE(E, k, b.common["ffn"]), num_moe_layers=L)
    return ArchSpec(**spec)


def _qwen(cfg: dict, b: _Base) -> ArchSpec:
    mt, L, H, kv, hd = b.mt, b.L, b.H, b.kv, b.hd
    if mt.startswith("qwen2"):
        attn = Attention("mha", H, kv, hd, hd, qkv_bias=bool(cfg.get("qkv_bias", True)), o_bias=False)
    else:
        attn = Attention("mha", H, kv, hd, hd, qkv_bias=b.attn_bias, o_bias=b.attn_bias, qk_norm="per_head")
    spec = dict(b.common, attention=attn)
    if cfg.get("use_sliding_window") and cfg.get("sliding_window"):
        max_window_layers = _int(cfg, "max_window_layers", default=L, mt=mt)
        n_slide = _layer_types_sliding(cfg, L, default_all=False) or max(0, L - max_window_layers)
        spec.update(sliding_window=_int(cfg, "sliding_window", mt=mt), num_sliding_layers=n_slide)
    if mt.endswith("_moe"):
        E = _int(cfg, "num_experts", mt=mt)
        k = _int(cfg, "num_experts_per_tok", mt=mt)
        check_experts(E, k)
        step = _int(cfg, "decoder_sparse_step", default=1, mt=mt) or 1
        only_mlp = set(int_list(cfg, "mlp_only_layers", L))
        n_moe = sum(1 for i in range(L) if i not in only_mlp and E > 0 and (i + 1) % step == 0)
        shared = _int(cfg, "shared_expert_intermediate_size", default=0, mt=mt) if mt == "qwen2_moe" else 0
        moe = MoE(
            E, k, _int(cfg, "moe_intermediate_size", mt=mt), shared_ffn=shared, shared_gate=bool(shared)
        )
        spec.update(moe=moe, num_moe_layers=n_moe)
    return ArchSpec(**spec)


def _gemma(cfg: dict, b: _Base) -> ArchSpec:
    mt, L = b.mt, b.L
    spec = dict(b.common, attention=b.attn, norms_per_layer=4 if mt == "gemma2" else 2)
    if mt == "gemma2" and cfg.get("sliding_window"):
        n_slide = _layer_types_sliding(cfg, L, default_all=False) or (L + 1) // 2  # even layers slide
        spec.update(sliding_window=_int(cfg, "sliding_window", mt=mt), num_sliding_layers=n_slide)
    return ArchSpec(**spec)


def _deepseek_v3(cfg: dict, b: _Base) -> ArchSpec:
    mt, L, H = b.mt, b.L, b.H
    nope, rope = _int(cfg, "qk_nope_head_dim", mt=mt), _int(cfg, "qk_rope_head_dim", mt=mt)
    attn = Attention(
        "mla",
        H,
        H,
        nope + rope,
        _int(cfg, "v_head_dim", mt=mt),
        q_lora_rank=_int(cfg, "q_lora_rank", default=None, mt=mt),
        kv_lora_rank=_int(cfg, "kv_lora_rank", mt=mt),
        qk_rope_head_dim=rope,
        qk_nope_head_dim=nope,
        low_rank_bias=b.attn_bias,
    )
    E = _int(cfg, "n_routed_experts", default=0, mt=mt)
    first_dense = _int(cfg, "first_k_dense_replace", default=0, mt=mt)
    freq = _int(cfg, "moe_layer_freq", default=1, mt=mt) or 1
    n_moe = sum(1 for i in range(L) if E and i >= first_dense and i % freq == 0)
    fe = _int(cfg, "moe_intermediate_size", mt=mt)
    check_experts(E, _int(cfg, "num_experts_per_tok", mt=mt))
    moe = MoE(
        E,
        _int(cfg, "num_experts_per_tok", mt=mt),
        fe,
        shared_ffn=fe * _int(cfg, "n_shared_experts", default=0, mt=mt),
    )
    return ArchSpec(**b.common, attention=attn, moe=moe if E else None, num_moe_layers=n_moe)


def _gpt2(cfg: dict, name: str) -> ArchSpec:
    mt = "gpt2"
    h = _int(cfg, "n_embd", "hidden_size", mt=mt)
    H = _int(cfg, "n_head", "num_attention_heads", mt=mt)
    check_heads(h, H, H, False)
    n_inner = _int(cfg, "n_inner", default=None, mt=mt) or 4 * h
    return ArchSpec(
        name=name,
        model_type=mt,
        vocab_size=_int(cfg, "vocab_size", mt=mt),
        hidden_size=h,
        num_layers=_int(cfg, "n_layer", "num_hidden_layers", mt=mt),
        attention=Attention("mha", H, H, h // H, h // H, qkv_bias=True, o_bias=True),
        ffn=int(n_inner),
        gated_mlp=False,
        mlp_bias=True,
        norm="layer",
        norms_per_layer=2,
        tie_embeddings=bool(cfg.get("tie_word_embeddings", True)),
        learned_positions=_int(cfg, "n_positions", "max_position_embeddings", default=1024, mt=mt),
        max_position_embeddings=_int(cfg, "n_positions", "max_position_embeddings", default=1024, mt=mt),
    )


def _gpt_neox(cfg: dict, name: str) -> ArchSpec:
    mt = "gpt_neox"
    h = _int(cfg, "hidden_size", mt=mt)
    H = _int(cfg, "num_attention_heads", mt=mt)
    check_heads(h, H, H, False)
    bias = bool(cfg.get("attention_bias", True))
    return ArchSpec(
        name=name,
        model_type=mt,
        vocab_size=_int(cfg, "vocab_size", mt=mt),
        hidden_size=h,
        num_layers=_int(cfg, "num_hidden_layers", mt=mt),
        attention=Attention("mha", H, H, h // H, h // H, qkv_bias=bias, o_bias=bias),
        ffn=_int(cfg, "intermediate_size", mt=mt),
        gated_mlp=False,
        mlp_bias=True,
        norm="layer",
        norms_per_layer=2,
        tie_embeddings=bool(cfg.get("tie_word_embeddings", False)),
        max_position_embeddings=_int(cfg, "max_position_embeddings", default=None, mt=mt),
    )


def load_config_file(path: str | Path) -> dict:
    """Read a config.json from a local path (a file, or a directory holding config.json); at most
    1 MiB of UTF-8 text (checked before parsing)."""
    p = Path(path)
    try:
        if p.is_dir():
            p = p / "config.json"
    except (OSError, ValueError):
        pass  # read_user_text reports it
    text = read_user_text(p, "model", MAX_CONFIG_BYTES, what="config file")
    try:
        cfg = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError("model", f"'{path}' is not valid JSON (line {e.lineno}: {e.msg})") from None
    except RecursionError:
        raise InputError("model", f"'{path}' is nested too deeply to be a config.json") from None
    if not isinstance(cfg, dict):
        raise InputError("model", f"'{path}' must hold a JSON object (a Hugging Face config.json)")
    return cfg
