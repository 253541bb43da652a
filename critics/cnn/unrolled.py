"""The unrolled critic (Metz et al. 2017) for the generator's step: the generator is judged by the critic as it
would be after k more Adam steps against these very images, with gradients through those steps, so it is
rewarded for images the critic cannot easily learn to reject (a collapsed batch is easy to reject).

The steps run on a functional copy of the critic's parameters (``torch.func.functional_call``), in eval mode
(no batch-norm statistics or spectral-norm iterations move), with the optimiser's moments as constants: the
critic itself and its optimiser are left exactly as they were.
"""

from __future__ import annotations

import math
from typing import Any

import torch
from torch.func import functional_call

from coevo import losses

CNNCritic = Any  # critics.cnn.critic.CNNCritic, which imports this module

UNROLLED = ("minimax", "nonsaturating", "hinge")  # losses whose critic takes plain Adam steps (no penalty, no clip)


def adam_step(param: torch.Tensor, grad: torch.Tensor, moments: tuple[torch.Tensor, torch.Tensor, float],
              lr: float, betas: tuple[float, float], eps: float) -> tuple[torch.Tensor, tuple]:
    """One step of ``torch.optim.Adam`` (no weight decay, no AMSGrad) as differentiable tensor arithmetic."""
    exp_avg, exp_avg_sq, step = moments
    step += 1
    exp_avg = betas[0] * exp_avg + (1 - betas[0]) * grad
    exp_avg_sq = betas[1] * exp_avg_sq + (1 - betas[1]) * grad * grad
    denom = (exp_avg_sq + 1e-30).sqrt() / math.sqrt(1 - betas[1] ** step) + eps  # + 1e-30: finite slope at 0
    return param - lr / (1 - betas[0] ** step) * exp_avg / denom, (exp_avg, exp_avg_sq, step)


def start_moments(critic: CNNCritic, param: torch.nn.Parameter) -> tuple[torch.Tensor, torch.Tensor, float]:
    """The optimiser's moments and step count of ``param`` now (zeros before its first step)."""
    state = critic.opt.state.get(param, {})
    if not state:
        return torch.zeros_like(param), torch.zeros_like(param), 0.0
    return state["exp_avg"].detach(), state["exp_avg_sq"].detach(), float(state["step"])


def unrolled_scores(critic: CNNCritic, images: torch.Tensor) -> torch.Tensor:
    """Scores ``(N,)`` of ``images`` by the critic after ``critic.unroll`` Adam steps on (its last real batch,
    ``images``), differentiable w.r.t. ``images`` through every step."""
    if not isinstance(critic.opt, torch.optim.Adam):
        raise ValueError("unroll needs an Adam critic")
    group = critic.opt.param_groups[0]
    lr, betas, eps = float(group["lr"]), tuple(group["betas"]), float(group["eps"])
    names = [name for name, _ in critic.net.named_parameters()]
    originals = [p for _, p in critic.net.named_parameters()]
    params = list(originals)
    moments = [start_moments(critic, p) for p in originals]
    buffers = dict(critic.net.named_buffers())
    real, fake = critic._pack(critic.last_real), critic._pack(images)
    critic.net.eval()

    def run(weights: list[torch.Tensor], batch: torch.Tensor, sizes: tuple[int, ...] | None) -> torch.Tensor:
        return functional_call(critic.net, {**dict(zip(names, weights)), **buffers}, (batch,), {"sizes": sizes})

    for _ in range(critic.unroll):
        logits = run(params, torch.cat([real, fake]), (len(real), len(fake)))
        loss = losses.critic_loss(critic.loss, logits[: len(real)], logits[len(real):])
        grads = torch.autograd.grad(loss, params, create_graph=True, allow_unused=True)
        stepped = [(p, m) if g is None else adam_step(p, g, m, lr, betas, eps)  # Adam skips a gradless one
                   for p, g, m in zip(params, grads, moments)]
        params, moments = [p for p, _ in stepped], [m for _, m in stepped]
    return critic._spread(run(params, fake, None), len(images))
