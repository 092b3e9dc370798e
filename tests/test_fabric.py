"""The scale-out fabric of large clusters: one non-blocking fat tree by default (NVIDIA's reference
architectures), or pods of N accelerators with an oversubscribed tier above them (`fabric:` in a hardware
file). A limit must limit: groups inside a pod are unchanged, groups spanning pods slow down."""

from __future__ import annotations

import pytest
import yaml

import traincost
from traincost import catalog
from traincost.errors import InputError

H100_PODS = {
    "id": "h100-pods",
    "name": "H100 SXM in 1,024-GPU non-blocking pods, 4:1 above",
    "vendor": "NVIDIA",
    "generation": "hopper",
    "peak_tflops": {"bf16": 989.4, "fp16": 989.4, "fp8": 1978.9},
    "memory_gb": 80,
    "memory_bw_tbps": 3.35,
    "tdp_w": 700,
    "node_size": 8,
    "scale_up_size": 8,
    "scale_up_bw_gbs": 450,
    "scale_out_bw_gbs": 50,
    "fabric": {"pod_size": 1024, "oversubscription": 4},
}


def _file(tmp_path, entry) -> str:
    path = tmp_path / "hw.yaml"
    path.write_text(yaml.safe_dump({"accelerators": [entry]}))
    return str(path)


def _tokens(gpu: str, gpus: int, hardware_file: str) -> float:
    r = traincost.plan(
        model="llama-3.1-70b", gpu=gpu, gpus=gpus, hardware_file=hardware_file, tp=8, pp=4, interleave=4
    )
    return r.best["throughput"]["tokens_per_s"]


def test_an_oversubscribed_tier_slows_only_groups_that_span_pods(tmp_path):
    hw = _file(tmp_path, H100_PODS)
    # 512 GPUs: the data-parallel groups stay inside one 1,024-GPU pod, nothing changes
    assert _tokens("h100-pods", 512, hw) == pytest.approx(_tokens("h100-sxm", 512, hw), rel=1e-9)
    # 16,384 GPUs: the gradient reduce-scatter and parameter all-gather cross pods at a quarter of the NIC rate
    assert _tokens("h100-pods", 16384, hw) < 0.8 * _tokens("h100-sxm", 16384, hw)


@pytest.mark.parametrize(
    "fabric, field",
    [
        ({"pod_size": 1024, "oversubscription": 0.5}, "fabric.oversubscription"),
        ({"pod_size": 0, "oversubscription": 2}, "fabric.pod_size"),
        ({"pod_size": 10**9, "oversubscription": 2}, "fabric.pod_size"),
        ({"pod_size": float("nan"), "oversubscription": 2}, "fabric.pod_size"),
        ({"pod_size": float("inf"), "oversubscription": 2}, "fabric.pod_size"),
        ({"pod_size": 1024, "oversubscription": float("nan")}, "fabric.oversubscription"),
        ({"pod_size": 1024}, "fabric"),
        ("fat tree", "fabric"),
    ],
)
def test_bad_fabric_is_refused_naming_the_field(tmp_path, fabric, field):
    with pytest.raises(InputError) as e:
        catalog.load_hardware_file(_file(tmp_path, H100_PODS | {"fabric": fabric}))
    assert field in e.value.field
