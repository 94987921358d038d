"""Train a CVAE, then draw new images of one class.

Taught on the page docs/cvae.md.
Run: python snippets/cvae_sample.py --label Sneaker --count 16 --out s.png
"""

from typing import Literal

import torch
from torchvision.utils import save_image

from gen_src import config, cvae, data, runtime, snippet


def main(
    label: str = "Sneaker",
    count: int = 16,
    profile: Literal["smoke", "quick", "full"] | None = None,
    out: str = "",
    device: str = "auto",
):
    classes = data.FASHION_CLASSES
    config.check_choice("label", label, classes)
    config.check_int("count", count, 1)
    profile = profile or runtime.default_profile()
    run = cvae.train(cvae.config_for(profile), device=device)
    model = run.models["cvae"]
    # --8<-- [start:sample]
    c = classes.index(label)
    labels = torch.full((count,), c)  # ask for this class, count times
    gen = torch.Generator().manual_seed(0)
    images = cvae.sample(model, labels, gen)  # (count, 1, 28, 28)
    # --8<-- [end:sample]
    # A cheap check without a classifier: which class's mean test image
    # is each sample nearest to?
    test = data.load("fashion-mnist", "test")
    means = torch.stack(
        [test.images[test.labels == k].mean(0) for k in range(len(classes))]
    )
    nearest = torch.cdist(images.flatten(1), means.flatten(1)).argmin(1)
    share = (nearest == c).float().mean().item()
    print(
        f"{count} samples of {label!r}; nearest to the {label!r} mean: "
        f"{share:.0%}"
    )
    if out:
        save_image(images, out, nrow=8, pad_value=1.0)
        print(f"saved {out}")
    return {
        "label": c,
        "shape": list(images.shape),
        "share": share,
        "min": images.min().item(),
        "max": images.max().item(),
    }


if __name__ == "__main__":
    snippet.run(main)
