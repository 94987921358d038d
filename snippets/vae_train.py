"""Train the VAE; print the test negative ELBO after every epoch.

Page: VAE, "Training". Run: python snippets/vae_train.py --num-epochs 3
Options: --latent-dim 20 --beta 1.0 --profile quick --device auto
"""

import torch

from gen_src import data, runtime, snippet, vae


def main(latent_dim: int = 20, num_epochs: int = 0, beta: float = 1.0,
         profile: str = "", device: str = "auto"):
    """num_epochs 0 takes the profile's number (smoke, quick or full)."""
    profile = profile or runtime.default_profile()
    overrides = {"num_epochs": num_epochs} if num_epochs else {}
    config = vae.config_for(profile, latent_dim=latent_dim, beta=beta,
                            **overrides)
    runtime.set_seed(config.seed)
    dev = runtime.resolve_device(device)
    train = data.subset(data.load("fashion-mnist", "train"),
                        config.train_size, config.seed).images.to(dev)
    test = data.subset(data.load("fashion-mnist", "test"),
                       config.test_size, config.seed).images.to(dev)
    # --8<-- [start:train]
    model = vae.VAE(config).to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=config.lr)
    batches = data.Batches(train, batch_size=config.batch_size,
                           generator=torch.Generator().manual_seed(0))
    scores = []
    for epoch in range(1, config.num_epochs + 1):
        model.train()
        for x in batches:
            logits, mu, logvar = model(x)
            loss = vae.vae_loss(logits, x, mu, logvar, beta=config.beta)
            opt.zero_grad()
            loss.total.backward()
            opt.step()
        scores.append(vae.evaluate(model, test, config))  # in nats
        s = scores[-1]
        print(f"epoch {epoch}: test -ELBO {s['nelbo']:.1f} = "
              f"recon {s['recon']:.1f} + KL {s['kl']:.1f} nats per image")
    # --8<-- [end:train]
    return {"test_nelbo": [s["nelbo"] for s in scores],
            "test_recon": [s["recon"] for s in scores],
            "test_kl": [s["kl"] for s in scores],
            "num_epochs": config.num_epochs}


if __name__ == "__main__":
    snippet.run(main)
