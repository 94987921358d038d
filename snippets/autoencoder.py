"""Train a plain autoencoder; print its test reconstruction error.

Page: Autoencoder, "Training". Run: python snippets/autoencoder.py
Options: --latent-dim 2 --num-epochs 3 --profile quick --device auto
"""

import torch

from gen_src import autoencoder, data, runtime, snippet


def main(latent_dim: int = 2, num_epochs: int = 0, profile: str = "",
         device: str = "auto"):
    """num_epochs 0 takes the profile's number (smoke, quick or full)."""
    profile = profile or runtime.default_profile()
    overrides = {"num_epochs": num_epochs} if num_epochs else {}
    config = autoencoder.config_for(profile, latent_dim=latent_dim,
                                    **overrides)
    runtime.set_seed(config.seed)
    dev = runtime.resolve_device(device)
    train = data.subset(data.load("fashion-mnist", "train"),
                        config.train_size, config.seed).images.to(dev)
    test = data.subset(data.load("fashion-mnist", "test"),
                       config.test_size, config.seed).images.to(dev)
    # --8<-- [start:train]
    model = autoencoder.Autoencoder(config).to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=config.lr)
    batches = data.Batches(train, batch_size=config.batch_size,
                           generator=torch.Generator().manual_seed(0))
    errors = []
    for epoch in range(1, config.num_epochs + 1):
        model.train()
        for x in batches:
            loss = autoencoder.reconstruction_loss(x, model(x))
            opt.zero_grad()
            loss.backward()
            opt.step()
        errors.append(autoencoder.evaluate(model, test))  # ||x-d(e(x))||^2
        print(f"epoch {epoch}: test error {errors[-1]:.2f} per image "
              f"({errors[-1] / 784:.4f} per pixel)")
    # --8<-- [end:train]
    return {"test_recon": errors, "latent_dim": config.latent_dim,
            "num_epochs": config.num_epochs}


if __name__ == "__main__":
    snippet.run(main)
