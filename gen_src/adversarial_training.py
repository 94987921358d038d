"""Training a pair of adversarial networks: the loop around the step.

The real images of each round, the learning-rate cool-down, the average
of G's weights, and train_adversarial, which trains the MLP GAN
(gen_src.gan), DCGAN (gen_src.dcgan) and WGAN-GP (gen_src.wgan) with
gen_src.adversarial's step; a run on the 2-D data passes in its points
and what it records (gen_src.toy_training). Taught on the page
docs/gan.md.
"""

from __future__ import annotations

import torch
from torch import nn

from . import adversarial, cuda_graphs, data, loop, runtime, stacking
from .adversarial import Game
from .loop import Progress, Run, fit


def real_batches(config, device: torch.device) -> data.Batches:
    """k mini-batches of Fashion-MNIST per round, as one tensor, scaled to
    [-1, 1] (G ends in tanh), kept on the device. (On the 2-D data:
    toy_training.real_batches.)"""
    gen = torch.Generator().manual_seed(config.seed)
    size = config.batch_size * config.d_steps
    images = data.subset(
        data.load(config.dataset, "train"), config.train_size, config.seed
    ).images
    return data.Batches(
        (images * 2 - 1).to(device), batch_size=size, generator=gen
    )


def lr_factor(t: int, total: int, cooldown: float) -> float:
    """1 until the last `cooldown` share of the steps, then down to 0."""
    left = (total - t) / max(cooldown * total, 1e-9)
    return min(1.0, max(0.0, left))


def cooldown(step, config, total: int) -> list:
    """Schedules that keep the lr of both optimisers of step, then lower
    it linearly to 0 over the last config.lr_cooldown share of the total
    rounds. Call .step() on each after every round."""
    return [
        torch.optim.lr_scheduler.LambdaLR(
            opt, lambda t: lr_factor(t, total, config.lr_cooldown)
        )
        for opt in step.optimizers
    ]


def verdict_gap(history: dict, share: float = 0.1) -> dict[str, float]:
    """How far D tells real from generated, at the start and at the end
    of training: the mean of D(x) - D(G(z)) over the first and the last
    tenth of the rounds (a GAN's probabilities; a critic's scores, whose
    gap estimates the Wasserstein distance)."""
    gap = [r - f for r, f in zip(history["d_real"], history["d_fake"])]
    m = max(1, int(len(gap) * share))
    return {
        "d_gap_start": sum(gap[:m]) / m,
        "d_gap_end": sum(gap[-m:]) / m,
    }


def train_adversarial(
    config,
    models: dict[str, nn.Module],
    *,
    device,
    progress,
    label: str,
    game: Game | None = None,
    batches: data.Batches | None = None,
    recording=None,
) -> Run:
    """Train models G and D with make_step: the MLP GAN, DCGAN, WGAN-GP.

    batches: the real data of each round (Fashion-MNIST if None);
    recording: what a run keeps along the way besides its losses, with
    callbacks(G, shown_G, D) and finish(state) -> tensors
    (toy_training.Recording: the snapshots and the replay).
    """
    dev = runtime.resolve_device(device)
    G, D = models["G"].to(dev).train(), models["D"].to(dev).train()
    if batches is None and config.is_toy:
        raise ValueError(
            f"dataset={config.dataset!r}: a run on the 2-D data brings its "
            "points; pass **toy_training.extras(config), as gan.train does"
        )
    batches = real_batches(config, dev) if batches is None else batches.to(dev)
    (run,) = _train(
        [config],
        [models],
        stacking.Alone([G, D], dev),
        batches,
        [recording],
        progress=progress,
        label=label,
        game=game,
    )
    return run


def train_stack(
    configs: list,
    build,
    *,
    device,
    progress,
    label: str,
    game: Game | None = None,
) -> list[Run]:
    """Runs on the 2-D data that differ only by seed, trained as one
    stack (gen_src.stacking); build(config) makes a run's networks. Run
    k comes out as train_adversarial trains it alone, up to rounding; a
    stack of one is the run alone."""
    from . import toy_training

    labels = [f"{label} seed {c.seed}" for c in configs]
    stacking.check_stackable(configs, labels)
    if not configs[0].is_toy:
        raise ValueError(
            f"dataset={configs[0].dataset!r}: only runs on the 2-D data "
            "train as a stack (dropout and batch norm draw or keep state "
            "across runs); train each run on images alone"
        )
    if game is not None and game.unstackable and len(configs) > 1:
        raise ValueError(
            f"{label} cannot train as a stack: {game.unstackable}; "
            "train each run alone"
        )
    dev = runtime.resolve_device(device)
    models, generators, extras = [], [], []
    for config in configs:  # as the family's train() starts a run alone
        runtime.set_seed(config.seed)
        models.append(build(config))
        generators.append(stacking.continued_generator(dev))
        extras.append(toy_training.extras(config))
    if len(configs) == 1:
        return [
            train_adversarial(
                configs[0],
                models[0],
                device=device,
                progress=progress,
                label=label,
                game=game,
                **extras[0],
            )
        ]
    networks = [
        [m["G"].to(dev).train(), m["D"].to(dev).train()] for m in models
    ]
    runs = stacking.Stack(networks, generators, dev)
    batches = stacking.Zipped([e["batches"].to(dev) for e in extras])
    recordings = [e["recording"] for e in extras]
    return _train(
        configs,
        models,
        runs,
        batches,
        recordings,
        progress=progress,
        label=f"{label} x{len(configs)}",
        game=game,
    )


def _train(
    configs, models, runs, batches, recordings, *, progress, label, game
) -> list[Run]:
    """The loop for one run (stacking.Alone) or a stack of them."""
    config, dev = configs[0], runs.device
    Gs, Ds = [m["G"] for m in models], [m["D"] for m in models]
    step = adversarial.make_step(Gs[0], Ds[0], config, dev, game, runs)
    # on a GPU, each round replayed as one CUDA graph (gen_src.cuda_graphs)
    step = cuda_graphs.graphed(step, dev, getattr(runs, "generators", ()))
    epochs = 1 if config.is_toy else config.num_epochs
    total = len(batches) * epochs
    schedules = cooldown(step, config, total)
    callbacks = [(1, lambda state: [s.step() for s in schedules])]
    for G, D, recording in zip(Gs, Ds, recordings):
        shown_G = G
        if config.g_ema:
            shown_G = torch.optim.swa_utils.AveragedModel(
                G,
                multi_avg_fn=torch.optim.swa_utils.get_ema_multi_avg_fn(
                    config.g_ema
                ),
            )
            callbacks.append(
                (1, lambda state, a=shown_G, g=G: a.update_parameters(g))
            )
        if recording is not None:
            callbacks += recording.callbacks(G, shown_G, D)
    shown = Progress(every=max(1, total // 10), label=label)
    state = fit(
        step,
        batches,
        num_epochs=epochs,
        on_step=callbacks,
        progress=shown if progress else None,
    )
    seconds = state.seconds / runs.size  # each run's share of a stack
    out = []
    for k, (config, nets, recording) in enumerate(
        zip(configs, models, recordings)
    ):
        tensors = {} if recording is None else recording.finish(state)
        history = loop.run_history(state.history, k, runs.size)
        if runs.size > 1:
            nets = {name: stacking.detach(m) for name, m in nets.items()}
        out.append(
            Run(
                config=config,
                models={name: m.eval().cpu() for name, m in nets.items()},
                history=history,
                metrics={
                    "steps": state.step,
                    "seconds_per_step": seconds / max(state.step, 1),
                    **verdict_gap(history),
                },
                tensors=tensors,
                seconds=seconds,
                device=runtime.device_name(dev),
            )
        )
    return out
