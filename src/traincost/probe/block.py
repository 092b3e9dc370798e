"""One transformer block (RMSNorm, attention with grouped KV heads, SwiGLU MLP) at the per-GPU shard
shapes of a tensor-parallel size, timed forward + backward: the end-to-end check of the probe.
Communication is not part of it (one device). Needs torch."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from traincost.model.arch import ArchSpec
from traincost.probe.measure import DTYPES, Device, sdpa, time_it

# standard deviation of the random weights: GPT-2's initialisation (timing does not depend on the values;
# a small scale keeps bf16 activations finite)
INIT_STD = 0.02


class Block(nn.Module):
    """A Llama-style pre-norm block on one TP rank: heads/TP query heads, max(1, kv/TP) KV heads,
    ffn/TP intermediate size; the hidden size is not split."""

    def __init__(self, arch: ArchSpec, tp: int, dtype, device, attn=sdpa):
        super().__init__()
        self.attn = attn
        a = arch.attention
        h = arch.hidden_size
        self.h, self.dh, self.dv = h, a.head_dim, a.v_head_dim
        self.hq, self.hkv = a.num_heads // tp, max(1, a.num_kv_heads // tp)
        self.gated = arch.gated_mlp
        self.ffn = max(1, (arch.ffn or (arch.moe.expert_ffn if arch.moe else h * 4)) // tp)
        kw = {"dtype": dtype, "device": device}

        def w(*shape):
            return nn.Parameter(torch.randn(*shape, **kw) * INIT_STD)

        self.norm1, self.norm2 = nn.Parameter(torch.ones(h, **kw)), nn.Parameter(torch.ones(h, **kw))
        self.wqkv = w(h, self.hq * self.dh + self.hkv * (self.dh + self.dv))
        self.wo = w(self.hq * self.dv, h)
        self.wup = w(h, (2 if self.gated else 1) * self.ffn)
        self.wdown = w(self.ffn, h)

    def forward(self, x):
        b, s, h = x.shape
        y = F.rms_norm(x, (h,), self.norm1) @ self.wqkv
        q, k, v = y.split([self.hq * self.dh, self.hkv * self.dh, self.hkv * self.dv], dim=-1)
        q = q.view(b, s, self.hq, self.dh).transpose(1, 2)
        k = k.view(b, s, self.hkv, self.dh).transpose(1, 2)
        v = v.view(b, s, self.hkv, self.dv).transpose(1, 2)
        o = self.attn(q, k, v).transpose(1, 2).reshape(b, s, self.hq * self.dv)
        x = x + o @ self.wo
        z = F.rms_norm(x, (h,), self.norm2) @ self.wup
        z = F.silu(z[..., : self.ffn]) * z[..., self.ffn :] if self.gated else F.gelu(z)
        return x + z @ self.wdown


def block_time(
    arch: ArchSpec, tp: int, micro_batch: int, seq_len: int, dtype: str, dev: Device, max_s: float, attn=sdpa
) -> dict:
    """Forward + backward of one block on a (micro_batch, seq_len, hidden) input, with the attention
    implementation the attention measurement found fastest."""
    torch.manual_seed(0)
    blk = Block(arch, tp, DTYPES[dtype], dev.torch_device, attn)
    x = torch.randn(
        micro_batch,
        seq_len,
        arch.hidden_size,
        dtype=DTYPES[dtype],
        device=dev.torch_device,
        requires_grad=True,
    )
    grad = torch.randn_like(x)

    def step():
        for p in (x, *blk.parameters()):
            p.grad = None
        blk(x).backward(grad)

    return time_it(step, dev, max_s, warmup=2, reps=10)
