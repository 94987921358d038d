"""Decode random points of a trained 2-D autoencoder's latent space.

Taught on the page docs/autoencoder.md.
Run: python snippets/ae_random_decode.py --points 64 --out random.png
"""

from typing import Literal

import torch
from torchvision.utils import save_image

from gen_src import autoencoder, data, runtime, snippet


def main(
    points: int = 64,
    profile: Literal["smoke", "quick", "full"] | None = None,
    out: str = "",
    device: str = "auto",
):
    profile = profile or runtime.default_profile()
    run = autoencoder.train(
        autoencoder.config_for(profile, latent_dim=2), device=device
    )
    model = run.models["ae"]
    test = data.subset(
        data.load("fashion-mnist", "test"),
        run.config.test_size,
        run.config.seed,
    ).images
    # --8<-- [start:decode]
    with torch.no_grad():
        codes = model.encoder(test)  # where real images land, (N, 2)
        low, high = codes.min(0).values, codes.max(0).values
        gen = torch.Generator().manual_seed(0)
        z = low + (high - low) * torch.rand(points, 2, generator=gen)
        images = model.decoder(z)  # (points, 1, 28, 28)
        # How far is each random z from the nearest real code, compared
        # with how far real codes are from their nearest neighbour?
        gap = torch.cdist(z, codes).min(1).values.median()
        dist = torch.cdist(codes, codes).fill_diagonal_(float("inf"))
        spacing = dist.min(1).values.median()
    print(
        f"codes fill the box z1 in [{low[0]:.2f}, {high[0]:.2f}], "
        f"z2 in [{low[1]:.2f}, {high[1]:.2f}]"
    )
    print(
        f"random z to nearest code: {gap:.3f} (median); "
        f"code to nearest code: {spacing:.3f}, {gap / spacing:.1f}x"
    )
    # --8<-- [end:decode]
    if out:
        save_image(images, out, nrow=8, pad_value=1.0)
        print(f"saved {out}")
    return {
        "gap": gap.item(),
        "spacing": spacing.item(),
        "ratio": (gap / spacing).item(),
        "low": low.tolist(),
        "high": high.tolist(),
        "images_shape": list(images.shape),
    }


if __name__ == "__main__":
    snippet.run(main)
