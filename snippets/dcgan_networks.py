"""DCGAN's two networks, layer by layer, with every output shape.

Taught on the page docs/dcgan.md, section "The networks".
"""

import torch

from gen_src import dcgan, snippet


def main(latent_dim: int = 64, channels: int = 64, batch: int = 16):
    config = dcgan.DCGANConfig(latent_dim=latent_dim, channels=channels)
    nets = dcgan.build(config)
    shapes = {}
    # --8<-- [start:shapes]
    x = torch.randn(batch, config.latent_dim)  # a batch of z
    for name in ("G", "D"):
        print(f"{name}: input {tuple(x.shape)}")
        with torch.no_grad():
            x = x[:, :, None, None] if name == "G" else x  # z as 1x1 image
            for layer in nets[name].net:
                x = layer(x)
                print(f"  {layer.__class__.__name__:<16} {tuple(x.shape)}")
        shapes[name] = tuple(x.shape)  # G: images; D: logits (B, 1, 1, 1)
        params = sum(p.numel() for p in nets[name].parameters())
        print(f"  {params:,} parameters")
    # --8<-- [end:shapes]
    return shapes


if __name__ == "__main__":
    snippet.run(main)
