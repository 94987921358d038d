"""The VAE loss on one batch: reconstruction + KL, with the closed-form
KL beside a Monte-Carlo estimate of the same number.

Taught on the page docs/vae.md. Run: python snippets/vae_loss.py --batch 8
"""

from typing import Literal

import torch
from torch.distributions import Normal

from gen_src import data, runtime, snippet, vae
from gen_src.config import check_int


def main(
    batch: int = 8,
    draws: int = 2000,
    profile: Literal["smoke", "quick", "full"] | None = None,
    device: str = "auto",
):
    check_int("batch", batch, 1)
    check_int("draws", draws, 1)
    profile = profile or runtime.default_profile()
    # a VAE after one epoch, so the encoder says something about x
    config = vae.config_for(profile, num_epochs=1)
    model = vae.train(config, device=device, progress=False).models["vae"]
    x = data.load("fashion-mnist", "test").images[:batch]
    gen = torch.Generator().manual_seed(0)
    # --8<-- [start:loss]
    with torch.no_grad():
        logits, mu, logvar = model(x, gen)  # one z per image
        loss = vae.vae_loss(logits, x, mu, logvar)
        kl_exact = vae.kl_divergence(mu, logvar)  # (batch,)
        # KL = E_q[log q(z|x) - log p(z)], estimated with many z per x
        q = Normal(mu, torch.exp(0.5 * logvar))
        z = vae.reparameterize(
            mu.expand(draws, *mu.shape), logvar.expand(draws, *mu.shape), gen
        )
        log_ratio = q.log_prob(z) - Normal(0.0, 1.0).log_prob(z)
        kl_mc = log_ratio.sum(-1).mean(0)  # (batch,)
    print(
        f"loss = recon + KL = {loss.recon:.1f} + {loss.kl:.1f} "
        f"= {loss.total:.1f} nats per image"
    )
    print("image  KL closed form  KL Monte Carlo")
    for i in range(batch):
        print(f"{i:5d}  {kl_exact[i]:14.3f}  {kl_mc[i]:14.3f}")
    # --8<-- [end:loss]
    return {
        "total": loss.total.item(),
        "recon": loss.recon.item(),
        "kl": loss.kl.item(),
        "kl_exact": kl_exact.tolist(),
        "kl_mc": kl_mc.tolist(),
    }


if __name__ == "__main__":
    snippet.run(main)
