"""What to measure for a model: the GEMM shapes its layers produce under candidate tensor-parallel sizes,
its attention shape, and the message sizes its layouts move. Pure functions of the architecture."""

from __future__ import annotations

from dataclasses import dataclass

from traincost.model.arch import ArchSpec

# algorithm setting: each GEMM is also measured at 1/16 of its token count (at least 64 rows) so the fitted
# curve spans small GEMMs too
SMALL_GEMM_DIVISOR = 16
SMALL_GEMM_MIN_ROWS = 64  # algorithm setting: smallest token count measured


@dataclass(frozen=True)
class Gemm:
    m: int  # tokens
    k: int
    n: int
    what: str  # e.g. "mlp.up tp=4 mb=1"

    @property
    def flops(self) -> float:
        return 2.0 * self.m * self.k * self.n


def tp_sizes(arch: ArchSpec, wanted: list[int]) -> list[int]:
    """The candidate TP sizes that split the attention heads evenly."""
    h = arch.attention.num_heads
    return [t for t in wanted if t >= 1 and h % t == 0] or [1]


def layer_gemms(arch: ArchSpec, tp: int, tokens: int) -> list[tuple[str, int, int]]:
    """(name, K, N) of the forward GEMMs of one dense layer on one TP rank (Megatron splits: QKV and MLP
    up column-wise, output and MLP down row-wise); M is the tokens of the micro-batch."""
    a, h = arch.attention, arch.hidden_size
    qkv = a.num_heads * a.head_dim + a.num_kv_heads * (a.head_dim + a.v_head_dim)
    ffn = arch.moe.expert_ffn if arch.moe and not arch.ffn else arch.ffn
    up = (2 if arch.gated_mlp else 1) * ffn
    return [
        ("attn.qkv", h, max(1, qkv // tp)),
        ("attn.out", max(1, a.num_heads * a.v_head_dim // tp), h),
        ("mlp.up", h, max(1, up // tp)),
        ("mlp.down", max(1, ffn // tp), h),
    ]


def model_gemms(arch: ArchSpec, tps: list[int], micro_batches: list[int], seq_len: int) -> list[Gemm]:
    """Every distinct forward GEMM of the model for the candidate TP sizes and micro-batches, plus a few
    smaller token counts of the same weights so that the fitted curve spans small GEMMs too."""
    out: dict[tuple[int, int, int], Gemm] = {}
    for t in tps:
        for b in micro_batches:
            for name, k, n in layer_gemms(arch, t, b * seq_len):
                for m in (b * seq_len, max(SMALL_GEMM_MIN_ROWS, b * seq_len // SMALL_GEMM_DIVISOR)):
                    out.setdefault((m, k, n), Gemm(m, k, n, f"{name} tp={t} mb={b}"))
    return list(out.values())


def message_sizes(arch: ArchSpec, tps: list[int], micro_batches: list[int], seq_len: int) -> list[int]:
    """Bytes the layouts move per collective: a TP region's bf16 activations (2 x tokens x hidden) and a
    pipeline send (that / TP) for each candidate."""
    h = arch.hidden_size
    out = set()
    for b in micro_batches:
        act = 2 * b * seq_len * h
        out.add(act)
        out.update(act // t for t in tps)
    return sorted(out)
