"""Train a plain autoencoder; print its test reconstruction error.

The loop is the one the site's autoencoder figures were trained with:
the same step (autoencoder.make_step), batches and seed as
autoencoder.train. Taught on the page docs/autoencoder.md.
Run: python snippets/autoencoder.py [--latent-dim 2 --num-epochs 3]
"""

from typing import Literal

from gen_src import autoencoder, data, runtime, snippet


def main(
    latent_dim: int = 2,
    num_epochs: int | None = None,
    profile: Literal["smoke", "quick", "full"] | None = None,
    device: str = "auto",
):
    """num_epochs None takes the profile's number (smoke, quick or full)."""
    profile = profile or runtime.default_profile()
    overrides = {"num_epochs": num_epochs} if num_epochs is not None else {}
    config = autoencoder.config_for(
        profile, latent_dim=latent_dim, **overrides
    )
    runtime.set_seed(config.seed)
    dev = runtime.resolve_device(device)
    train_set, test_set = data.splits(config)  # train_size, test_size
    train_images = train_set.images.to(dev)
    test_images = test_set.images.to(dev)
    # --8<-- [start:train]
    model = autoencoder.Autoencoder(config).to(dev)
    step = autoencoder.make_step(model, config)  # Adam on ||x - d(e(x))||^2
    batches = data.batches(config, train_images)  # shuffled by the seed
    errors = []
    for epoch in range(1, config.num_epochs + 1):
        for minibatch in batches:  # a new shuffle every epoch
            step(minibatch)
        errors.append(autoencoder.evaluate(model, test_images))  # per image
        print(
            f"epoch {epoch}: test error {errors[-1]:.2f} per image "
            f"({errors[-1] / 784:.4f} per pixel)"
        )
    # --8<-- [end:train]
    return {
        "test_recon": errors,
        "latent_dim": config.latent_dim,
        "num_epochs": config.num_epochs,
    }


if __name__ == "__main__":
    snippet.run(main)
