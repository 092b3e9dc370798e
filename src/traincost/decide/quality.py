"""Expected quality: loss estimates from published scaling laws. Estimates, never benchmark scores.

* From scratch: the parametric law L(N, D) = E + A/N^alpha + B/D^beta with Epoch AI's refit of
  Chinchilla (Besiroglu et al. 2024, arXiv 2404.10102: A = 482.01, B = 2085.43, E = 1.8172,
  alpha = 0.3478, beta = 0.3658), in nats per token of the MassiveText-like data it was fitted on. Use it
  for differences between options, not as an absolute prediction for your data.
* Compute-optimal allocation under C = 6ND (closed form, Hoffmann et al. 2022 Approach 3 as coded in the
  Epoch notebook): G = (alpha·A / (beta·B))^(1/(alpha+beta)), N_opt = G·(C/6)^(beta/(alpha+beta)),
  D_opt = (C/6)/N_opt.
* Continued pre-training: a user's own fit of the D-CPT law (Que et al. 2024, arXiv 2406.01375),
  L(N, D, r) = E + A/N^alpha + B·r^eta/D^beta + C/(r + eps)^gamma, with D the CPT dataset size (all trained
  tokens, domain and general) and r the domain share of the mixture, so D = domain tokens / r. Its
  published coefficients are not available. traincost's own CPT law, with ranges and forgetting, is in
  ``decide/cpt.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

from traincost import catalog

# training compute C = 6 N D FLOPs (forward 2 + backward 4 per parameter per token: Kaplan et al. 2020,
# arXiv 2001.08361, Table 1; Hoffmann et al. 2022)
TRAIN_FLOPS_PER_PARAM_TOKEN = 6

_EPOCH_CAT = catalog.cpt()["epoch_chinchilla"]
EPOCH = {k: float(_EPOCH_CAT[k]) for k in ("E", "A", "B", "alpha", "beta")}
EPOCH_SOURCE = _EPOCH_CAT["source"]


def chinchilla_loss(
    n_params: float,
    tokens: float,
    E: float = EPOCH["E"],
    A: float = EPOCH["A"],
    B: float = EPOCH["B"],
    alpha: float = EPOCH["alpha"],
    beta: float = EPOCH["beta"],
) -> float:
    """L(N, D) = E + A/N^alpha + B/D^beta (nats per token)."""
    return E + A / n_params**alpha + B / tokens**beta


def compute_optimal(
    flops: float,
    A: float = EPOCH["A"],
    B: float = EPOCH["B"],
    alpha: float = EPOCH["alpha"],
    beta: float = EPOCH["beta"],
) -> tuple[float, float]:
    """(N_opt, D_opt) for a compute budget C = 6·N·D."""
    G = ((alpha * A) / (beta * B)) ** (1 / (alpha + beta))
    a = beta / (alpha + beta)
    n_opt = G * (flops / TRAIN_FLOPS_PER_PARAM_TOKEN) ** a
    return n_opt, (flops / TRAIN_FLOPS_PER_PARAM_TOKEN) / n_opt


@dataclass(frozen=True)
class CptLaw:
    """D-CPT law coefficients (Que et al. 2024 form). The defaults are rough (see module docstring)."""

    E: float = EPOCH["E"]
    A: float = EPOCH["A"]
    alpha: float = EPOCH["alpha"]
    B: float = EPOCH["B"]
    beta: float = EPOCH["beta"]
    eta: float = 0.0
    C: float = 0.0
    gamma: float = 0.0
    epsilon: float = 1e-3
    ratio: float = 1.0  # domain share r of the continued pre-training mixture
    rough: bool = True

    def loss(self, n_params: float, domain_tokens: float) -> float:
        """Domain loss after CPT on `domain_tokens` at domain share r: the law's D is the whole CPT dataset,
        D = domain_tokens / r (Que et al. 2024 define D as the dataset size and r as the mixture ratio)."""
        r = self.ratio
        d = domain_tokens / r
        return (
            self.E
            + self.A / n_params**self.alpha
            + self.B * r**self.eta / d**self.beta
            + (self.C / (r + self.epsilon) ** self.gamma if self.C else 0.0)
        )


@dataclass(frozen=True)
class Quality:
    loss: float  # the headline: domain loss for CPT, loss for from-scratch training (nats/token, estimate)
    kind: str  # continued-pretraining | from-scratch
    law: str
    source: str
    loss_general: (
        float | None
    )  # CPT: the base model's general loss after pre-training + CPT tokens (Epoch law)
    tokens_per_param: float
    compute_optimal_tokens_per_param: float
    rough: bool
    label: str = "loss estimate from a published scaling law, not a benchmark score"

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def expected_quality(
    n_params: float, tokens: float, kind: str, pretraining_tokens: float | None, law: CptLaw | None = None
) -> Quality:
    """Quality estimate of a run of `tokens` on a model of `n_params` (active) parameters."""
    c = TRAIN_FLOPS_PER_PARAM_TOKEN * n_params * tokens
    n_opt, d_opt = compute_optimal(c)
    opt_ratio = d_opt / n_opt
    if kind == "from-scratch" or not pretraining_tokens:
        return Quality(
            loss=chinchilla_loss(n_params, tokens),
            kind="from-scratch",
            law="epoch-chinchilla",
            source=EPOCH_SOURCE,
            loss_general=None,
            tokens_per_param=tokens / n_params,
            compute_optimal_tokens_per_param=opt_ratio,
            rough=False,
        )
    law = law or CptLaw()
    total = pretraining_tokens + tokens
    return Quality(
        loss=law.loss(n_params, tokens),
        kind="continued-pretraining",
        law="d-cpt",
        source=(
            "D-CPT law form (Que et al. 2024, arXiv 2406.01375) with "
            + (
                "rough default coefficients: the Epoch law on the domain tokens alone (an upper bound; "
                "fit your own on pilot runs)"
                if law.rough
                else "user-supplied coefficients"
            )
        ),
        loss_general=chinchilla_loss(n_params, total),
        tokens_per_param=total / n_params,
        compute_optimal_tokens_per_param=compute_optimal(TRAIN_FLOPS_PER_PARAM_TOKEN * n_params * total)[1]
        / compute_optimal(TRAIN_FLOPS_PER_PARAM_TOKEN * n_params * total)[0],
        rough=law.rough,
    )
