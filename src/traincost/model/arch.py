"""Model architecture: one typed spec for every supported transformer family, exact parameter
counts, and FLOPs per token counted matmul by matmul.

Sources for the counting conventions:

* A matmul of an (m x k) by a (k x n) matrix costs 2·m·k·n FLOPs; the backward pass costs twice the
  forward (one GEMM for the data gradient, one for the weight gradient). Megatron-LM,
  ``megatron/training/training.py`` (``num_floating_point_operations``): "3x: Each GEMM in the model
  needs to be performed 3 times (forward pass, backward wgrad, backward dgrad)".
* Attention scores and values are counted over the (causally masked) key positions actually attended
  (Megatron: "/ 2 # causal mask (only half of the mask is non-zero)"; we use the exact mean number of
  keys per query, (s+1)/2, and the sliding window where the model has one).
* Model FLOPs (the MFU numerator) exclude recomputation; hardware FLOPs include it (PaLM, Chowdhery
  et al. 2022, Appendix B; Korthikanti et al. 2022). FlashAttention recomputes the score matrix
  Q·K^T in its backward kernel (PyTorch ``torch.utils.flop_counter.sdpa_backward_flop_count``).
* MoE: only the routed experts a token visits, plus the router and shared experts, count
  (torchtitan ``num_flops_per_token`` "based on active parameters only"; Megatron ``routed_flops``).
* 6N is kept for comparison only (Kaplan et al. 2020, Table 1: C ≈ 6N per token).

A Hugging Face ``config.json`` becomes an ArchSpec in model/hf_config.py. Parameter counts are checked in the tests against instantiating the Hugging Face classes on the
meta device; FLOPs against ``torch.utils.flop_counter.FlopCounterMode``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Recompute = Literal["none", "selective", "full"]

SIX_N = 6.0  # Kaplan et al. 2020, Table 1: C ≈ 6N training FLOPs per token (kept for comparison only)

SUPPORTED_MODEL_TYPES = (
    "llama",
    "mistral",
    "mixtral",
    "qwen2",
    "qwen2_moe",
    "qwen3",
    "qwen3_moe",
    "gemma",
    "gemma2",
    "deepseek_v3",
    "olmo2",
    "gpt_neox",
    "gpt2",
)


@dataclass(frozen=True)
class Attention:
    """Self-attention of one layer. ``kind='mha'`` covers MHA, GQA and MQA; ``'mla'`` is DeepSeek's
    multi-head latent attention (DeepSeek-V2/V3 papers, arXiv 2405.04434 / 2412.19437)."""

    kind: Literal["mha", "mla"]
    num_heads: int
    num_kv_heads: int
    head_dim: int  # query/key head dimension (MLA: nope + rope)
    v_head_dim: int
    qkv_bias: bool = False
    o_bias: bool = False
    qk_norm: Literal["none", "per_head", "full"] = "none"
    # MLA only
    q_lora_rank: int | None = None
    kv_lora_rank: int = 0
    qk_rope_head_dim: int = 0
    qk_nope_head_dim: int = 0
    low_rank_bias: bool = False  # bias on q_a_proj / kv_a_proj_with_mqa (DeepSeek 'attention_bias')


@dataclass(frozen=True)
class MoE:
    """Mixture-of-experts feed-forward: a router, ``num_experts`` routed experts of which ``top_k``
    are active per token, and optional always-active shared experts."""

    num_experts: int
    top_k: int
    expert_ffn: int
    shared_ffn: int = 0  # total intermediate size of the shared expert(s)
    shared_gate: bool = False  # Qwen2-MoE's sigmoid gate on the shared expert (a Linear(h, 1))


@dataclass(frozen=True)
class ArchSpec:
    """Everything about a decoder-only transformer that its size and FLOPs depend on."""

    name: str
    model_type: str
    vocab_size: int
    hidden_size: int
    num_layers: int
    attention: Attention
    ffn: int  # intermediate size of the dense MLP
    gated_mlp: bool  # SwiGLU/GeGLU (3 matrices) vs GeLU MLP (2 matrices)
    mlp_bias: bool = False
    norm: Literal["rms", "layer"] = "rms"
    norms_per_layer: int = 2
    tie_embeddings: bool = False
    learned_positions: int = 0  # rows of a learned absolute position embedding (GPT-2), else 0
    moe: MoE | None = None
    num_moe_layers: int = 0  # layers whose MLP is the MoE block; the others use the dense MLP
    sliding_window: int | None = None
    num_sliding_layers: int = 0
    max_position_embeddings: int | None = None

    # ---------------------------------------------------------------- parameters
    @property
    def num_dense_layers(self) -> int:
        return self.num_layers - self.num_moe_layers

    def _norm_params(self, width: int) -> int:
        return width * (2 if self.norm == "layer" else 1)

    def attention_params(self) -> int:
        a, h = self.attention, self.hidden_size
        if a.kind == "mla":
            q_out = a.num_heads * a.head_dim
            if a.q_lora_rank:
                q = h * a.q_lora_rank + a.q_lora_rank + a.q_lora_rank * q_out  # q_a, q_a_norm, q_b
                q += a.q_lora_rank if a.low_rank_bias else 0
            else:
                q = h * q_out
            kv_a = h * (a.kv_lora_rank + a.qk_rope_head_dim) + (
                a.kv_lora_rank + a.qk_rope_head_dim if a.low_rank_bias else 0
            )
            kv = kv_a + a.kv_lora_rank + a.kv_lora_rank * a.num_heads * (a.qk_nope_head_dim + a.v_head_dim)
            o = a.num_heads * a.v_head_dim * h + (h if a.low_rank_bias else 0)
            return q + kv + o
        q_out, k_out, v_out = (
            a.num_heads * a.head_dim,
            a.num_kv_heads * a.head_dim,
            a.num_kv_heads * a.v_head_dim,
        )
        n = h * (q_out + k_out + v_out) + a.num_heads * a.v_head_dim * h
        if a.qkv_bias:
            n += q_out + k_out + v_out
        if a.o_bias:
            n += h
        if a.qk_norm == "per_head":
            n += 2 * a.head_dim
        elif a.qk_norm == "full":
            n += q_out + k_out
        return n

    def mlp_params(self, ffn: int | None = None, bias: bool | None = None) -> int:
        f, h = self.ffn if ffn is None else ffn, self.hidden_size
        bias = self.mlp_bias if bias is None else bias
        if self.gated_mlp:
            return 3 * h * f + ((2 * f + h) if bias else 0)
        return 2 * h * f + ((f + h) if bias else 0)

    def expert_params(self) -> int:
        assert self.moe is not None
        return self.mlp_params(self.moe.expert_ffn, bias=False)

    def moe_params(self) -> int:
        m, h = self.moe, self.hidden_size
        assert m is not None
        n = h * m.num_experts + m.num_experts * self.expert_params()
        if m.shared_ffn:
            n += self.mlp_params(m.shared_ffn, bias=False)
        if m.shared_gate:
            n += h
        return n

    def layer_norm_params(self) -> int:
        return self.norms_per_layer * self._norm_params(self.hidden_size)

    @property
    def embedding_params(self) -> int:
        """Token embedding + learned position embedding + the output projection when it is not tied."""
        emb = self.vocab_size * self.hidden_size + self.learned_positions * self.hidden_size
        return emb if self.tie_embeddings else emb + self.vocab_size * self.hidden_size

    @property
    def params(self) -> int:
        """Total parameters, exactly as the Hugging Face model instantiated from the config has."""
        per_layer = self.attention_params() + self.layer_norm_params()
        n = self.num_layers * per_layer + self.num_dense_layers * self.mlp_params()
        if self.moe is not None:
            n += self.num_moe_layers * self.moe_params()
        return n + self.embedding_params + self._norm_params(self.hidden_size)

    @property
    def non_embedding_params(self) -> int:
        return self.params - self.embedding_params

    @property
    def active_params(self) -> int:
        """Parameters a token passes through: all of them for a dense model; for MoE, the routed
        experts it does not visit are left out."""
        if self.moe is None:
            return self.params
        idle = self.moe.num_experts - self.moe.top_k
        return self.params - self.num_moe_layers * idle * self.expert_params()

    # ---------------------------------------------------------------- FLOPs
    def keys_per_query(self, seq_len: int, causal: bool = True, sliding: bool = False) -> float:
        """Mean number of key positions each query attends to."""
        s = seq_len
        if not causal:
            return float(s)
        w = self.sliding_window if sliding and self.sliding_window else None
        if w is None or w >= s:
            return (s + 1) / 2
        # positions 0..w-1 attend i+1 keys, the remaining s-w attend w keys
        return (w * (w + 1) / 2 + (s - w) * w) / s

    def forward_flops(self, seq_len: int, causal: bool = True) -> FlopBreakdown:
        """Forward FLOPs per token, by kind of matmul (biases, norms, softmax and other elementwise work
        are not matmuls and are not counted, as in MFU accounting)."""
        a, h = self.attention, self.hidden_size
        if a.kind == "mla":
            q_out = a.num_heads * a.head_dim
            q = (h * a.q_lora_rank + a.q_lora_rank * q_out) if a.q_lora_rank else h * q_out
            kv = h * (a.kv_lora_rank + a.qk_rope_head_dim) + a.kv_lora_rank * a.num_heads * (
                a.qk_nope_head_dim + a.v_head_dim
            )
            proj = 2 * (q + kv + a.num_heads * a.v_head_dim * h)
        else:
            proj = (
                2 * h * (a.num_heads * a.head_dim + a.num_kv_heads * (a.head_dim + a.v_head_dim))
                + 2 * a.num_heads * a.v_head_dim * h
            )
        # attention core: scores (q·k over head_dim) and context (p·v over v_head_dim)
        per_key = 2 * a.num_heads * (a.head_dim + a.v_head_dim)
        full = self.num_layers - self.num_sliding_layers
        k_full = self.keys_per_query(seq_len, causal, sliding=False)
        k_slide = self.keys_per_query(seq_len, causal, sliding=True)
        core = per_key * (full * k_full + self.num_sliding_layers * k_slide)
        scores = core * a.head_dim / (a.head_dim + a.v_head_dim)

        mlp = self.num_dense_layers * 2 * (3 if self.gated_mlp else 2) * h * self.ffn
        router = experts = 0.0
        if self.moe is not None:
            m, k = self.moe, self.moe.top_k
            router = self.num_moe_layers * 2 * h * (m.num_experts + (1 if m.shared_gate else 0))
            per_expert = 2 * (3 if self.gated_mlp else 2) * h
            experts = self.num_moe_layers * per_expert * (k * m.expert_ffn + m.shared_ffn)
        return FlopBreakdown(
            attention_proj=float(self.num_layers * proj),
            attention_core=float(core),
            attention_scores=float(scores),
            mlp=float(mlp),
            moe_router=float(router),
            moe_experts=float(experts),
            logits=float(2 * h * self.vocab_size),
        )

    def flops_per_token(
        self, seq_len: int, causal: bool = True, recompute: Recompute = "none", flash_attention: bool = True
    ) -> FlopsPerToken:
        """Training FLOPs per token: model FLOPs (fwd + bwd = 3x forward) and hardware FLOPs
        (model FLOPs plus what recomputation runs again)."""
        fwd = self.forward_flops(seq_len, causal)
        model = 3 * fwd.total
        layers_fwd = fwd.total - fwd.logits
        if recompute == "full":
            extra = layers_fwd  # Megatron full recompute re-runs every transformer layer's forward
        elif recompute == "selective" and not flash_attention:
            extra = fwd.attention_core  # Korthikanti et al. 2022: recompute the attention core only
        else:
            extra = 0.0
        if flash_attention:
            extra += fwd.attention_scores  # FlashAttention's backward recomputes Q·K^T
        return FlopsPerToken(
            forward=fwd.total,
            training=model,
            hardware=model + extra,
            six_n=SIX_N * self.active_params,
            breakdown=fwd,
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class FlopBreakdown:
    attention_proj: float
    attention_core: float
    attention_scores: float  # the Q·K^T part of attention_core (recomputed by FlashAttention)
    mlp: float
    moe_router: float
    moe_experts: float
    logits: float

    @property
    def total(self) -> float:
        return (
            self.attention_proj
            + self.attention_core
            + self.mlp
            + self.moe_router
            + self.moe_experts
            + self.logits
        )


@dataclass(frozen=True)
class FlopsPerToken:
    forward: float
    training: float  # model FLOPs: forward + backward, no recomputation (MFU numerator)
    hardware: float  # with recomputation (HFU numerator)
    six_n: float  # 6 x active parameters, for comparison
    breakdown: FlopBreakdown = field(repr=False)
