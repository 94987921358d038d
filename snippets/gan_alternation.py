"""Algorithm 1 of Goodfellow et al. 2014: k steps of D, then one of G.

Prints the tug of war: D's verdicts on real data, D(x), and on fakes,
D(G(z)), which meet near 1/2 when G's samples match the data. The loop is
the one the site's toy GANs were trained with (gan.train): the same step,
batches, seed and learning-rate cool-down. G uses the non-saturating
loss, introduced further down the page. Try --d-steps 5, or
--order g_heavy --g-steps 5 (G moves first, five times per round).
Taught on the page docs/gan.md, section "The k-step algorithm".
"""

from typing import Literal

import torch

from gen_src import (
    adversarial,
    adversarial_training,
    gan,
    runtime,
    snippet,
    toy_training,
)


def main(
    profile: Literal["smoke", "quick", "full"] | None = None,
    d_steps: int = 1,
    order: Literal["d_first", "g_first", "g_heavy"] = "d_first",
    g_steps: int = 1,
    prints: int = 6,
    seed: int = 0,
):
    profile = profile or runtime.default_profile()
    config = gan.config_for(
        profile,
        dataset="ring",
        d_steps=d_steps,
        order=order,
        g_steps=g_steps,
        seed=seed,
    )
    runtime.set_seed(config.seed)
    cpu = torch.device("cpu")
    # --8<-- [start:alternation]
    nets = gan.build(config)
    step = adversarial.make_step(nets["G"], nets["D"], config, cpu)
    # each item: k fresh mini-batches of real points, one per D update
    batches = toy_training.real_batches(config)
    schedules = adversarial_training.cooldown(step, config, len(batches))
    every = max(1, len(batches) // prints)
    print(f"{'round':>6} {'L_D':>7} {'L_G':>7} {'D(x)':>6} {'D(G(z))':>8}")
    for t, real in enumerate(batches, start=1):
        out = step(real)  # k updates of D, then G's, in config.order
        for schedule in schedules:
            schedule.step()
        if t % every == 0 or t == len(batches):
            print(
                f"{t:6d} {out['d_loss']:7.3f} {out['g_loss']:7.3f} "
                f"{out['d_real']:6.3f} {out['d_fake']:8.3f}"
            )
    # --8<-- [end:alternation]
    return {**out, "rounds": len(batches)}


if __name__ == "__main__":
    snippet.run(main)
