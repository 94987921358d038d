"""How much likelihood the ELBO leaves out: the importance-weighted bound.

Burda, Grosse & Salakhutdinov 2015 ("Importance Weighted Autoencoders"):
with k samples z_i ~ q(z|x),

    log p(x) >= L_k = E log (1/k) sum_i p(x|z_i) p(z_i) / q(z_i|x),

L_1 is the ELBO, L_k rises with k and reaches log p(x) as k grows. Here
L_k is estimated for the site's trained VAE: the gap between L_1 and the
largest L_k is (a lower estimate of) how loose the ELBO is. Taught on the
page docs/evaluation.md, section "Likelihood: how loose is the ELBO?".
"""

from __future__ import annotations

import math

import torch

from .. import loop

KS = (1, 10, 100, 1000, 5000)


# --8<-- [start:iwae]
def log_weights(
    model,
    x: torch.Tensor,
    k: int,
    generator: torch.Generator | None = None,
    chunk: int = 100,
) -> torch.Tensor:
    """log p(x|z) + log p(z) - log q(z|x) for k draws z ~ q(z|x) per image:
    (N, k), in nats (a Bernoulli decoder, as the site's VAE)."""
    from torch.distributions import Normal

    x = x.to(next(model.parameters()).device)
    with loop.evaluating(model):
        mu, logvar = model.encoder(x.flatten(1))  # (N, latent) each
        q = Normal(mu, torch.exp(0.5 * logvar))
        prior = Normal(0.0, 1.0)
        out = []
        for start in range(0, k, chunk):
            n = min(chunk, k - start)
            eps = torch.randn((n, *mu.shape), generator=generator).to(mu)
            z = mu + torch.exp(0.5 * logvar) * eps  # (n, N, latent)
            logits = model.decoder(z)  # (n, N, 784)
            log_px = -torch.nn.functional.binary_cross_entropy_with_logits(
                logits, x.flatten(1).expand_as(logits), reduction="none"
            ).sum(-1)
            log_w = log_px + prior.log_prob(z).sum(-1) - q.log_prob(z).sum(-1)
            out.append(log_w.T.cpu())  # (N, n)
    return torch.cat(out, dim=1)


def iwae_bounds(
    model, x: torch.Tensor, ks=KS, seed: int = 0
) -> dict[int, float]:
    """L_k averaged over the images, for each k. max(ks) draws per image,
    split into groups of k: L_k is the mean over the groups (one group for
    the largest k), so that small k are estimated with less noise."""
    gen = torch.Generator().manual_seed(seed)
    w = log_weights(model, x, max(ks), gen).double()  # (N, max k)
    bounds = {}
    for k in ks:
        groups = w[:, : w.shape[1] // k * k].reshape(len(w), -1, k)
        bounds[k] = (
            (torch.logsumexp(groups, dim=2) - math.log(k)).mean().item()
        )
    return bounds


# --8<-- [end:iwae]


def bound_scores(model, x, largest_k: int, seed: int) -> dict[str, float]:
    """L_k for every k of KS up to largest_k, as metrics (iwae_k10, ...),
    with the tightest (iwae_largest_k) and how far the ELBO, L_1, sits
    below it at least (iwae_gap)."""
    bounds = iwae_bounds(model, x, [k for k in KS if k <= largest_k], seed)
    scores = {f"iwae_k{k}": value for k, value in bounds.items()}
    scores["iwae_largest_k"] = bounds[max(bounds)]
    scores["iwae_gap"] = bounds[max(bounds)] - bounds[1]
    return scores
