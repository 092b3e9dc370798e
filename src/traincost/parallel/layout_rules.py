"""Which fixed parallel sizes a model's shape allows, with the rule each comes from.

* Tensor parallelism splits the attention heads and the key/value heads (query groups) evenly over the
  TP ranks: Megatron-LM ``megatron/core/transformer/attention.py`` computes
  ``num_attention_heads_per_partition = divide(num_attention_heads, world_size)`` and
  ``num_query_groups_per_partition = divide(num_query_groups, world_size)``, and ``divide`` asserts that
  the numerator is divisible. So TP must divide both the heads and the KV heads (the layout search uses
  the same rule).
* Expert parallelism places ``num_experts / EP`` whole experts on each rank: Megatron-LM
  ``megatron/core/transformer/moe/moe_layer.py`` (``BaseMoELayer``) asserts ``num_moe_experts % ep_size == 0``; the
  expert ranks come out of the data (and context) parallel ranks, so EP must also divide DP x CP.
* Context parallelism with load balancing for causal attention cuts the sequence into 2 x CP chunks
  (Megatron-LM / Transformer Engine ``get_batch_on_this_cp_rank``): CP must divide seq_len / 2.
* Pipeline parallelism gives each stage whole layers: PP (times the virtual stages) at most the layers.
"""

from __future__ import annotations

from traincost.errors import InputError

# presentation: an error lists at most this many valid tensor-parallel sizes
MAX_LISTED_TP = 12


def check_layout_fits_model(arch, seq_len: int, fixed: dict) -> None:
    a = arch.attention
    heads, kv = a.num_heads, (a.num_heads if a.kind == "mla" else a.num_kv_heads)
    tp = fixed.get("tp")
    if tp is not None and (heads % tp or kv % tp):
        ok = [t for t in range(1, min(heads, kv) + 1) if heads % t == 0 and kv % t == 0]
        raise InputError(
            "tp",
            f"{arch.name} has {heads} attention heads and {kv} KV heads; TP must divide both "
            f"(Megatron-LM rule), so it can be {', '.join(map(str, ok[:MAX_LISTED_TP]))} (got {tp})",
        )
    ep = fixed.get("ep")
    if ep is not None and ep > 1 and arch.moe is not None and arch.moe.num_experts % ep:
        raise InputError(
            "ep", f"{arch.name} has {arch.moe.num_experts} experts; EP must divide them (got {ep})"
        )
    cp = fixed.get("cp")
    if cp is not None and cp > 1 and seq_len % (2 * cp):
        raise InputError(
            "cp",
            f"context parallelism cuts the sequence into 2 x CP chunks: {seq_len} tokens do not "
            f"split into {2 * cp} (got cp={cp})",
        )
    pp, v = fixed.get("pp"), fixed.get("interleave") or 1
    if pp is not None and pp * v > arch.num_layers:
        raise InputError(
            "pp", f"{arch.name} has {arch.num_layers} layers; PP x interleave ({pp} x {v}) cannot exceed them"
        )
