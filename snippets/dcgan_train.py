"""Train DCGAN on Fashion-MNIST and save a grid of samples.

python snippets/dcgan_train.py --num-epochs 2 --out samples.png
Taught on the page docs/dcgan.md, section "Training".
"""

from typing import Literal

from torchvision.utils import save_image

from gen_src import adversarial, dcgan, runtime, snippet


def main(
    profile: Literal["smoke", "quick", "full"] | None = None,
    num_epochs: int | None = None,
    out: str = "",
    seed: int = 0,
):
    profile = profile or runtime.default_profile()
    epochs = {"num_epochs": num_epochs} if num_epochs is not None else {}
    # --8<-- [start:train]
    config = dcgan.config_for(profile, seed=seed, **epochs)
    run = dcgan.train(config)  # make_step: D, then G, every batch
    z = adversarial.fixed_noise(64, config.latent_dim)  # the same z each time
    images = adversarial.to_unit(  # G makes [-1, 1]; plots want [0, 1]
        adversarial.generate(run.models["G"], z)
    )
    if out:
        save_image(images, out, nrow=8)
    h = run.history
    print(
        f"{run.metrics['steps']} steps in {run.seconds:.1f} s on "
        f"{run.device}; last L_D {h['d_loss'][-1]:.3f}, "
        f"L_G {h['g_loss'][-1]:.3f}"
    )
    # --8<-- [end:train]
    return {
        "steps": run.metrics["steps"],
        "d_loss": h["d_loss"][-1],
        "g_loss": h["g_loss"][-1],
        "seconds": run.seconds,
        "pixel_mean": images.mean().item(),
    }


if __name__ == "__main__":
    snippet.run(main)
