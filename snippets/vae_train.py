"""Train the VAE; print the test negative ELBO after every epoch.

The loop is the one the site's VAE figures were trained with: the same
step (vae.make_step), the same batches and the same seed as vae.train.
Taught on the page docs/vae.md, section "Training on Fashion-MNIST".
Run: python snippets/vae_train.py --num-epochs 3 [--latent-dim 20 --beta 1]
"""

from typing import Literal

from gen_src import data, runtime, snippet, vae


def main(
    latent_dim: int = 20,
    num_epochs: int | None = None,
    beta: float = 1.0,
    likelihood: Literal["bernoulli", "gaussian"] = "bernoulli",
    profile: Literal["smoke", "quick", "full"] | None = None,
    device: str = "auto",
):
    """num_epochs None takes the profile's number (smoke, quick or full)."""
    profile = profile or runtime.default_profile()
    overrides = {"num_epochs": num_epochs} if num_epochs is not None else {}
    config = vae.config_for(
        profile,
        latent_dim=latent_dim,
        beta=beta,
        likelihood=likelihood,
        **overrides,
    )
    runtime.set_seed(config.seed)
    dev = runtime.resolve_device(device)
    train_set, test_set = data.splits(config)  # train_size, test_size
    train_images = train_set.images.to(dev)
    test_images = test_set.images.to(dev)
    # --8<-- [start:train]
    model = vae.VAE(config).to(dev)
    step = vae.make_step(model, config)  # Adam on the batch's -ELBO
    batches = data.batches(config, train_images)  # shuffled by the seed
    scores = []
    for epoch in range(1, config.num_epochs + 1):
        for minibatch in batches:  # a new shuffle every epoch
            losses = step(minibatch)
        scores.append(vae.evaluate(model, test_images, config))  # nats
        s = scores[-1]
        print(
            f"epoch {epoch}: test -ELBO {s['nelbo']:.1f} = "
            f"recon {s['recon']:.1f} + KL {s['kl']:.1f} nats per image"
        )
    # --8<-- [end:train]
    return {
        "test_nelbo": [s["nelbo"] for s in scores],
        "test_recon": [s["recon"] for s in scores],
        "test_kl": [s["kl"] for s in scores],
        "last_loss": losses["loss"],
        "num_epochs": config.num_epochs,
    }


if __name__ == "__main__":
    snippet.run(main)
