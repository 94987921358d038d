"""Train a GAN on the ring of 8 Gaussians and count the modes it reaches.

Try --loss minimax --d-steps 3 (D ahead: the minimax loss can collapse;
compare the modes each loss reaches with --d-steps 3), or --dataset grid.
Taught on the page docs/gan.md.
"""

from typing import Literal

from gen_src import gan, runtime, snippet


def main(
    profile: Literal["smoke", "quick", "full"] | None = None,
    dataset: Literal["ring", "grid"] = "ring",
    loss: Literal["minimax", "nonsaturating"] = "nonsaturating",
    d_steps: int = 1,
    seed: int = 0,
):
    profile = profile or runtime.default_profile()
    # --8<-- [start:train]
    config = gan.config_for(
        profile, dataset=dataset, loss=loss, d_steps=d_steps, seed=seed
    )
    run = gan.train(config)
    m = gan.score(run)  # the modes of 2,500 samples (the PacGAN protocol)
    print(f"{config.num_steps} rounds in {run.seconds:.1f} s on {run.device}")
    print(f"modes captured      {m['modes']} of {m['num_modes']}")
    print(f"high-quality share  {m['high_quality']:.1%}")
    print(f"reverse KL          {m['reverse_kl']:.3f} (0 = all modes even)")
    print(f"largest mode share  {m['largest_mode_share']:.1%}")
    # --8<-- [end:train]
    return m


if __name__ == "__main__":
    snippet.run(main)
