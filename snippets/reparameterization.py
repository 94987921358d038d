"""The reparameterisation trick: gradients reach mu and sigma.

Taught on the page docs/vae.md.
Run: python snippets/reparameterization.py --mu 1.0 --sigma 0.5
"""

import math

import torch

from gen_src import config, snippet, vae


def main(mu: float = 1.0, sigma: float = 0.5, samples: int = 100_000):
    config.check_real("sigma", sigma, above=0)
    config.check_int("samples", samples, 2)
    # --8<-- [start:trick]
    # Estimate the gradient of E[z^2], z ~ N(mu, sigma^2), from samples.
    # Exactly, E[z^2] = mu^2 + sigma^2: d/dmu = 2 mu and
    # d/d(log sigma^2) = sigma^2.
    m = torch.tensor([mu], requires_grad=True)
    logvar = torch.tensor([math.log(sigma**2)], requires_grad=True)
    gen = torch.Generator().manual_seed(0)

    # With the trick: z = mu + sigma * eps is a function of mu and sigma.
    z = vae.reparameterize(m.expand(samples), logvar.expand(samples), gen)
    z.pow(2).mean().backward()
    trick = m.grad.item(), logvar.grad.item()
    print(
        f"with the trick:    dE/dmu = {trick[0]:.3f} (exact {2 * mu:.3f})"
        f", dE/dlogvar = {trick[1]:.3f} (exact {sigma**2:.3f})"
    )

    # Without: draw z from N(mu, sigma^2) directly. The draw is not a
    # function of mu and sigma that autograd can follow: torch treats
    # it as a constant, and the gradient comes out as zero.
    m.grad = logvar.grad = None
    std = torch.exp(0.5 * logvar)
    z = torch.normal(m.expand(samples), std.expand(samples), generator=gen)
    z.pow(2).mean().backward()
    print(
        f"without the trick: dE/dmu = {m.grad.item():.3f}, "
        f"dE/dlogvar = {logvar.grad.item():.3f}"
    )
    # --8<-- [end:trick]
    return {
        "grad_mu": trick[0],
        "exact_grad_mu": 2 * mu,
        "grad_logvar": trick[1],
        "exact_grad_logvar": sigma**2,
        "direct_grad_mu": m.grad.item(),
        "direct_grad_logvar": logvar.grad.item(),
    }


if __name__ == "__main__":
    snippet.run(main)
