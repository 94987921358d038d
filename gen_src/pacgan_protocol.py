"""PacGAN's toy experiment as its authors' code runs it (Lin et al. 2018,
Table 1), to hold the site's numbers against the paper's on equal terms.

Read in fjxmlzn/PacGAN, synthetic_data_experiments: the numbers in
2DRing_GAN&PacGAN/config.py and 2DGrid_GAN&PacGAN/config.py; the networks
and batch norm's updates in 2DGrid_GAN&PacGAN/pacgan_task.py; the losses
in PacGAN/pacgan/bricks.py; the packed data in PacGAN/pacgan/datasets.py
and streams.py; z in distributions.py; the scored points (GraphLogger)
and the 3-standard-deviation rule (MetricLogger) in extensions.py; and
the update in ALI's ali/algorithms.py (ali_algorithm):

- G: 4 hidden layers of 400 units, each linear without bias, batch norm
  (epsilon 1e-4, blocks' default), ReLU; a linear output with bias. z is
  2-D standard normal.
- D: 3 maxout layers of 200 units with 5 pieces each, then a linear
  output: a logit. D judges a pack of m points at once.
- Weights drawn from N(0, 0.02^2), biases 0.
- Adam with learning rate 1e-4 and beta1 0.8 (beta2 0.999, epsilon 1e-8:
  blocks' defaults), for both networks. (Blocks changed the meaning of
  beta1 in January 2017, to today's; their code is of 2018 and pins no
  version, so 0.8 is read in today's sense.)
- The data: 100,000 points of the mixture, drawn once; a training
  example is a pack of m of them, each slot drawn with replacement from
  the 100,000. A batch is 100 packs, an epoch 1,000 batches, 400 epochs.
- One update changes D and G at once, from the gradients of the same
  batch (simultaneous gradient steps): D lowers softplus(-l_real) +
  softplus(l_fake), G lowers softplus(-l_fake), the non-saturating loss.
- G makes each slot of the fake packs from its own batch of 100 z, so
  batch norm normalises each slot apart; the population statistics move
  5% of the way to the batch's each update.
- The 2,500 scored points come from G with the population statistics
  (eval mode), after the last epoch; 10 trials.

As theirs, the population statistics move 50 more times on 50 batches
at the final weights before the scored points are drawn (their code does
so at the end of every epoch; the statistics of earlier epochs have faded
by 0.95^1000 when the last is scored), and the 2,500 scored z are one
draw (seed 2333) shared by every trial and every m: theirs from Theano's
MRG generator (MRG_RandomStreams), ours from torch's, so the draws
differ. Two things differ:
blocks updates the population statistics once a step, with the mean of
the m slots' statistics, where torch's batch norm updates them once per
slot; and blocks averages the standard deviation sqrt(biased variance +
epsilon), torch the unbiased variance. The scoring is the site's
(gen_src.metrics.modes), the same rule as theirs.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from . import adversarial, data, loop, runtime, stacking, toy
from . import config as cfg
from .metrics import modes

PACKS = (1, 2, 3, 4)  # Table 1's rows: GAN, PacGAN2, PacGAN3, PacGAN4


@dataclass(frozen=True, kw_only=True)
class ProtocolConfig(cfg.Config):
    """One trial of Table 1: a data set and a pack size m."""

    dataset: str = cfg.choice("ring", toy.TOY_DATASETS)
    pack: int = cfg.integer(1, 1)  # m: points D judges at once
    epochs: int = cfg.integer(400, 1)
    num_examples: int = cfg.integer(100_000, 1)  # the training set
    batch_size: int = cfg.integer(100, 1)  # packs per batch
    g_width: int = cfg.integer(400, 1)
    g_layers: int = cfg.integer(4, 1)
    d_width: int = cfg.integer(200, 1)
    d_layers: int = cfg.integer(3, 1)
    pieces: int = cfg.integer(5, 1)  # of each maxout unit
    init_std: float = cfg.real(0.02, above=0)
    lr: float = cfg.real(1e-4, above=0)
    betas: tuple[float, float] = cfg.reals((0.8, 0.999), 0, 1, length=2)
    bn_momentum: float = cfg.real(0.05, 0, 1)
    num_samples: int = cfg.integer(modes.NUM_SAMPLES, 1)  # scored
    scored_seed: int = cfg.integer(2333, 0)  # one z for every trial
    bn_refreshes: int = cfg.integer(50, 0)  # before the points are scored
    seed: int = cfg.integer(0, 0)

    @property
    def method(self) -> str:
        return "gan" if self.pack == 1 else f"pacgan{self.pack}"

    def check(self) -> None:
        if self.num_examples < self.batch_size:
            raise ValueError(
                f"num_examples={self.num_examples} is out of range for "
                f"batch_size={self.batch_size}: it must be at least one "
                "batch of packs"
            )


class Maxout(nn.Module):
    """The largest of `pieces` linear functions, for each of `width` units."""

    def __init__(self, width_in: int, width: int, pieces: int):
        super().__init__()
        self.linear = nn.Linear(width_in, width * pieces)
        self.width, self.pieces = width, pieces

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.linear(x).view(-1, self.width, self.pieces)
        return y.max(dim=-1).values  # (B, width)


def build(config: ProtocolConfig) -> dict[str, nn.Module]:
    layers, width = [], 2
    for _ in range(config.g_layers):
        layers += [
            nn.Linear(width, config.g_width, bias=False),
            nn.BatchNorm1d(config.g_width, 1e-4, config.bn_momentum),
            nn.ReLU(),
        ]
        width = config.g_width
    G = nn.Sequential(*layers, nn.Linear(width, 2))
    layers, width = [], 2 * config.pack
    for _ in range(config.d_layers):
        layers.append(Maxout(width, config.d_width, config.pieces))
        width = config.d_width
    D = nn.Sequential(*layers, nn.Linear(width, 1), nn.Flatten(0))
    for net in (G, D):
        for m in net.modules():
            if isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, std=config.init_std)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
    return {"G": G, "D": D}


def real_batches(config: ProtocolConfig) -> data.Batches:
    """Packs of m points, each slot drawn with replacement from one set
    of num_examples points, as rows (num_examples, 2m)."""
    gen = torch.Generator().manual_seed(config.seed)
    points = toy.sample(config.dataset, config.num_examples, gen)
    slots = [
        points[torch.randint(len(points), (len(points),), generator=gen)]
        for _ in range(config.pack)
    ]
    return data.Batches(
        torch.cat(slots, dim=1), batch_size=config.batch_size, generator=gen
    )


def make_step(G, D, config: ProtocolConfig, device, runs=None):
    """One simultaneous update of D and G from one batch of real packs
    (B, 2m); runs: this run alone (None) or a stack (gen_src.stacking)."""
    runs = runs or stacking.Alone([G, D], device)
    g_weights, d_weights = list(runs.parameters(0)), list(runs.parameters(1))
    opt_g = torch.optim.Adam(g_weights, config.lr, betas=config.betas)
    opt_d = torch.optim.Adam(d_weights, config.lr, betas=config.betas)
    m = config.pack

    def losses(G, D, real, z):  # one run; z: (m, B, 2), a batch per slot
        fake = torch.cat([G(slot) for slot in z.unbind(0)], dim=1)
        real_logits, fake_logits = D(real), D(fake)
        return (
            adversarial.d_loss(real_logits, fake_logits),
            adversarial.g_loss_nonsaturating(fake_logits),
            real_logits,
            fake_logits,
        )

    def step(real: torch.Tensor) -> dict[str, torch.Tensor]:
        G.train(), D.train()
        real = real.to(device)
        n = real.shape[runs.dim]
        z = runs.noise(m * n, 2).unflatten(-2, (m, n))
        ld, lg, real_out, fake_out = runs.each(losses, real, z)
        # each network's gradient of its own loss, both at today's weights
        d_grads = torch.autograd.grad(
            runs.total(ld), d_weights, retain_graph=True
        )
        g_grads = torch.autograd.grad(runs.total(lg), g_weights)
        for weights, grads in ((d_weights, d_grads), (g_weights, g_grads)):
            for w, g in zip(weights, grads):
                w.grad = g
        opt_d.step()
        opt_g.step()
        return {
            "d_loss": runs.value(ld),
            "g_loss": runs.value(lg),
            "d_real": runs.value(torch.sigmoid(real_out)),
            "d_fake": runs.value(torch.sigmoid(fake_out)),
        }

    return step


def train_many(
    configs: list[ProtocolConfig], *, device: str = "auto", progress=True
) -> list[loop.Run]:
    """Trials that differ only by seed, as one stack (one trial: alone);
    each scored on num_samples points of G in eval mode."""
    labels = [f"{c.method}-{c.dataset} seed {c.seed}" for c in configs]
    stacking.check_stackable(configs, labels)
    dev = runtime.resolve_device(device)
    nets, generators, batches = [], [], []
    for config in configs:
        runtime.set_seed(config.seed)
        built = build(config)
        nets.append([built["G"].to(dev).train(), built["D"].to(dev).train()])
        generators.append(stacking.continued_generator(dev))
        batches.append(real_batches(config).to(dev))
    if len(configs) == 1:
        runs, rounds = stacking.Alone(nets[0], dev), batches[0]
    else:
        runs = stacking.Stack(nets, generators, dev)
        rounds = stacking.Zipped(batches)
    first = configs[0]
    state = loop.fit(
        make_step(*nets[0], first, dev, runs),
        rounds,
        num_epochs=first.epochs,
        progress=loop.Progress(
            every=max(1, len(rounds) * first.epochs // 20),
            label=f"{first.method}-{first.dataset} x{len(configs)}",
        )
        if progress
        else None,
    )
    out = []
    for k, (config, (G, D)) in enumerate(zip(configs, nets)):
        if runs.size > 1:
            G, D = stacking.detach(G), stacking.detach(D)
        refresh_statistics(G, config, dev)
        z = adversarial.fixed_noise(config.num_samples, 2, config.scored_seed)
        samples = adversarial.generate(G, z)  # eval: population statistics
        out.append(
            loop.Run(
                config=config,
                models={"G": G.eval().cpu(), "D": D.eval().cpu()},
                history=loop.run_history(state.history, k, runs.size),
                metrics={
                    "steps": state.step,
                    **modes.score(samples, config.dataset),
                },
                tensors={"samples": samples},
                seconds=state.seconds / runs.size,
                device=runtime.device_name(dev),
            )
        )
    return out


@torch.no_grad()
def refresh_statistics(G: nn.Module, config: ProtocolConfig, device) -> None:
    """Move G's batch norm statistics bn_refreshes times, each on a batch
    of batch_size z at the final weights, as their code does before it
    scores."""
    gen = torch.Generator(device).manual_seed(config.seed)
    G.train()
    for _ in range(config.bn_refreshes):
        G(torch.randn(config.batch_size, 2, generator=gen, device=device))


def train(config: ProtocolConfig, **kwargs) -> loop.Run:
    """One trial alone."""
    (run,) = train_many([config], **kwargs)
    return run
