"""The two generator losses, and their slopes when D rejects the fakes.

Taught on the page docs/gan.md. Run: python snippets/gan_losses.py
"""

import torch

from gen_src import adversarial, snippet


def main(low: float = -8.0, high: float = 2.0, points: int = 6):
    # --8<-- [start:losses]
    # D's logit l on fakes, from "surely fake" (D(G(z)) = 0.0003) upwards
    logits = torch.linspace(low, high, points, requires_grad=True)
    table = {"D": torch.sigmoid(logits).detach()}
    for name, loss_fn in adversarial.G_LOSSES.items():
        # each logit on its own, so the gradient is one sample's dL/dl
        values = torch.stack([loss_fn(one.view(1)) for one in logits])
        (grads,) = torch.autograd.grad(values.sum(), logits)
        table[name], table[name + "_grad"] = values.detach(), grads
    print(
        f"{'D(G(z))':>9} | {'log(1-D)':>9} {'d/dl':>8} | "
        f"{'-log D':>8} {'d/dl':>8}"
    )
    for i in range(points):
        print(
            f"{table['D'][i]:9.4f} | {table['minimax'][i]:9.4f} "
            f"{table['minimax_grad'][i]:8.4f} | "
            f"{table['nonsaturating'][i]:8.4f} "
            f"{table['nonsaturating_grad'][i]:8.4f}"
        )
    # --8<-- [end:losses]
    return {key: value.tolist() for key, value in table.items()}


if __name__ == "__main__":
    snippet.run(main)
