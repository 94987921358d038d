"""Algorithm 1 of Goodfellow et al. 2014: k steps of D, then one of G.

Prints the tug of war: D's verdicts on real data, D(x), and on fakes,
D(G(z)), which meet near 1/2 when G's samples match the data. Try
--d-steps 5, or --order g_heavy --g-steps 5 (G moves first, five times).
Page: GAN, "Training: the alternation".
"""

import torch

from gen_src import adversarial, gan, runtime, snippet, toy


def main(profile: str = "", d_steps: int = 1, order: str = "d_first",
         g_steps: int = 1, prints: int = 6, seed: int = 0):
    profile = profile or runtime.default_profile()
    config = gan.config_for(profile, dataset="ring", d_steps=d_steps,
                            order=order, g_steps=g_steps, seed=seed)
    runtime.set_seed(config.seed)
    # --8<-- [start:alternation]
    nets = gan.build(config)
    step = adversarial.make_step(nets["G"], nets["D"], config,
                                 torch.device("cpu"))
    data = torch.Generator().manual_seed(config.seed)
    every = max(1, config.num_steps // prints)
    print(f"{'round':>6} {'L_D':>7} {'L_G':>7} {'D(x)':>6} {'D(G(z))':>8}")
    for t in range(1, config.num_steps + 1):
        # one round: k fresh mini-batches of real data for k D updates,
        # then G's update(s), in the order config.order says
        real = toy.sample("ring", config.d_steps * config.batch_size, data)
        out = step(real)
        if t % every == 0 or t == config.num_steps:
            print(f"{t:6d} {out['d_loss']:7.3f} {out['g_loss']:7.3f} "
                  f"{out['d_real']:6.3f} {out['d_fake']:8.3f}")
    # --8<-- [end:alternation]
    return {**out, "rounds": config.num_steps}


if __name__ == "__main__":
    snippet.run(main)
