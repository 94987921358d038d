"""For a fixed generator, the best discriminator is p_data/(p_data + p_g).

Goodfellow et al. 2014, Proposition 1, checked in 1-D: p_g is held fixed
(here simply a Gaussian we can sample), D is trained with the GAN's
discriminator loss, and D(x) is compared with the formula.
Taught on the page docs/gan.md, section "The optimal discriminator".
"""

import math
from typing import Literal

import torch

from gen_src import adversarial, gan, runtime, snippet


def normal_pdf(x, mean, std):
    return torch.exp(-0.5 * ((x - mean) / std) ** 2) / (
        std * math.sqrt(2 * math.pi)
    )


def main(
    profile: Literal["smoke", "quick", "full"] | None = None,
    mean_data: float = 1.0,
    std_data: float = 0.5,
    mean_g: float = -0.5,
    std_g: float = 1.0,
    seed: int = 0,
):
    profile = profile or runtime.default_profile()
    num_steps = {"smoke": 400, "quick": 1000, "full": 2000}[
        runtime.check_profile(profile)
    ]
    runtime.set_seed(seed)
    # --8<-- [start:optimal]
    D = gan.Discriminator((1,), hidden=(64, 64))
    opt = torch.optim.Adam(D.parameters(), lr=3e-3)
    for _ in range(num_steps):
        real = mean_data + std_data * torch.randn(1024, 1)  # x ~ p_data
        fake = mean_g + std_g * torch.randn(1024, 1)  # G(z) ~ p_g, fixed
        loss = adversarial.d_loss(D(real), D(fake))
        opt.zero_grad()
        loss.backward()
        opt.step()

    # compare where both densities are not negligible
    x = torch.linspace(mean_data - 2 * std_data, mean_data + 2 * std_data, 9)
    p_data = normal_pdf(x, mean_data, std_data)
    p_g = normal_pdf(x, mean_g, std_g)
    best = p_data / (p_data + p_g)  # D*(x), Proposition 1
    with torch.no_grad():
        learned = torch.sigmoid(D(x.view(-1, 1)))
    print(f"{'x':>6} {'D(x)':>7} {'D*(x)':>7}")
    for xi, d, b in zip(x, learned, best):
        print(f"{xi:6.2f} {d:7.3f} {b:7.3f}")
    # --8<-- [end:optimal]
    error = (learned - best).abs()
    print(f"max |D - D*| = {error.max():.3f}")
    return {
        "max_error": error.max().item(),
        "mean_error": error.mean().item(),
        "d_loss": loss.item(),
    }


if __name__ == "__main__":
    snippet.run(main)
