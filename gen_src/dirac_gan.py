"""The Dirac GAN: which training methods converge (Mescheder et al. 2018).

The smallest GAN there is. The real data is one point, x = 0; G has one
parameter theta and puts all its mass at x = theta; D has one parameter
psi and scores a point x as D(x) = psi x (a logit, or a critic's score).
The game's only equilibrium is theta = psi = 0: G on the data, and D
unable to tell. Each method here plays it with the site's own losses
(gen_src.adversarial, gen_src.wgan) on these two one-parameter networks,
with plain gradient steps, from the same start, simultaneously (both
players step from the same point) and alternately (D, then G; Algorithm
1). Their section 2 shows that the unregularised GAN does not converge,
their section 3 that WGAN with clipping and WGAN-GP do not either while
instance noise does, and section 4 that R1 does. Taught
on the page docs/gan_convergence.md, section "Which training converges:
the Dirac GAN".
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from . import adversarial, runtime, wgan
from . import config as cfg
from .loop import Run

METHODS = ("gan", "wgan", "wgan-gp", "instance-noise", "r1")
MODES = ("simultaneous", "alternating")
CONVERGED = 0.05  # distance to the equilibrium that counts as there
TAIL = 0.1  # a path's distance: its mean over this last share of steps


@dataclass(frozen=True, kw_only=True)
class DiracConfig(cfg.Config):
    """Every setting of the experiment, the same in every profile (it
    trains in seconds). R1's gamma and the clipping bound are the defaults
    of the authors' Dirac GAN code; WGAN-GP's is the site's critic loss,
    its target slope 1."""

    dataset: str = cfg.choice("dirac", ("dirac",))  # one point, x = 0
    lr: float = cfg.real(0.1, above=0)  # h, the step of both players
    num_steps: int = cfg.integer(1000, 1)  # steps of each player
    start: tuple[float, float] = cfg.reals((1.0, 1.0), -5, 5, length=2)
    clip: float = cfg.real(0.3, above=0)  # WGAN: |psi| <= clip
    gp_weight: float = cfg.real(1.0, 0)  # WGAN-GP's lambda
    r1: float = cfg.real(0.3, 0)  # R1's gamma
    noise: float = cfg.real(1.0, 0)  # instance noise: its std
    batch_size: int = cfg.integer(1000, 1)  # noise samples per step
    seed: int = cfg.integer(0, 0)


def config_for(profile: str, **overrides) -> DiracConfig:
    runtime.check_profile(profile)
    return DiracConfig(**overrides)


# --8<-- [start:networks]
class Point(nn.Module):
    """G: every z goes to one point, theta."""

    def __init__(self, theta: float):
        super().__init__()
        self.theta = nn.Parameter(torch.tensor([theta]))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.theta.expand(len(z), 1)


def build(config: DiracConfig) -> dict[str, nn.Module]:
    D = nn.Linear(1, 1, bias=False)  # D(x) = psi x
    with torch.no_grad():
        D.weight.fill_(config.start[1])
    return {"G": Point(config.start[0]), "D": D}


# --8<-- [end:networks]


# --8<-- [start:games]
def with_instance_noise(game: adversarial.Game, std: float):
    """D sees every point, real or generated, with Gaussian noise added
    (Sonderby et al. 2017; Arjovsky & Bottou 2017)."""

    def blur(x):
        return x + std * torch.randn_like(x)

    return adversarial.Game(
        critic=lambda D, real, fake: game.critic(D, blur(real), blur(fake)),
        generator=lambda D, fake: game.generator(D, blur(fake)),
    )


def game(method: str, config: DiracConfig) -> adversarial.Game:
    """The site's losses for each method: the GAN's (minimax, as in the
    paper's analysis), WGAN's critic without and with its penalty."""
    cfg.check_choice("method", method, METHODS)
    if method in ("wgan", "wgan-gp"):
        weight = config.gp_weight if method == "wgan-gp" else 0.0
        return adversarial.Game(
            critic=lambda D, real, fake: wgan.critic_loss(
                D, real, fake, weight
            ),
            generator=wgan.generator_loss,
        )
    plain = adversarial.gan_game(
        "minimax", r1=config.r1 if method == "r1" else 0.0
    )
    if method == "instance-noise":
        return with_instance_noise(plain, config.noise)
    return plain


# --8<-- [end:games]


# --8<-- [start:play]
def play(method: str, mode: str, config: DiracConfig) -> torch.Tensor:
    """(theta, psi) after each step, from the start: (num_steps + 1,
    2)."""
    cfg.check_choice("mode", mode, MODES)
    torch.manual_seed(config.seed)
    nets = build(config)
    G, D = nets["G"], nets["D"]
    rules = game(method, config)
    real = torch.zeros(config.batch_size, 1)  # the data: x = 0
    z = torch.zeros(config.batch_size, 1)  # G ignores it
    opt_g = torch.optim.SGD(G.parameters(), lr=config.lr)
    opt_d = torch.optim.SGD(D.parameters(), lr=config.lr)

    def d_loss():
        return rules.critic(D, real, G(z).detach())[0]

    def g_loss():
        return rules.generator(D, G(z))

    path = [torch.cat([G.theta, D.weight.flatten()]).detach()]
    for _ in range(config.num_steps):
        if mode == "simultaneous":  # both gradients at the same point
            grads = [
                torch.autograd.grad(d_loss(), D.weight)[0],
                torch.autograd.grad(g_loss(), G.theta)[0],
            ]
            D.weight.grad, G.theta.grad = grads
            opt_d.step(), opt_g.step()
        else:  # D first, then G against the new D
            opt_d.zero_grad(), d_loss().backward(), opt_d.step()
            opt_g.zero_grad(), g_loss().backward(), opt_g.step()
        if method == "wgan":
            with torch.no_grad():
                D.weight.clamp_(-config.clip, config.clip)
        path.append(torch.cat([G.theta, D.weight.flatten()]).detach())
    return torch.stack(path)


# --8<-- [end:play]


LIMIT = 3.0  # the field is drawn over [-LIMIT, LIMIT]^2


def field(method: str, config: DiracConfig, size: int = 11) -> torch.Tensor:
    """The direction each player's gradient step takes, -grad, on a
    size x size grid over [-LIMIT, LIMIT]^2: (size, size, 4) of theta,
    psi, d theta, d psi."""
    torch.manual_seed(config.seed)
    rules = game(method, config)
    axis = torch.linspace(-LIMIT, LIMIT, size)
    out = torch.zeros(size, size, 4)
    real = torch.zeros(config.batch_size, 1)
    z = torch.zeros(config.batch_size, 1)
    nets = build(config)
    G, D = nets["G"], nets["D"]
    for i, psi in enumerate(axis):
        for j, theta in enumerate(axis):
            with torch.no_grad():
                G.theta.fill_(theta), D.weight.fill_(psi)
            d = rules.critic(D, real, G(z).detach())[0]
            (g_psi,) = torch.autograd.grad(d, D.weight)
            (g_theta,) = torch.autograd.grad(rules.generator(D, G(z)), G.theta)
            out[i, j] = torch.stack(
                [theta, psi, -g_theta.flatten()[0], -g_psi.flatten()[0]]
            )
    return out


def train(
    config: DiracConfig, *, device: str = "auto", progress: bool = True
) -> Run:
    """Every method, both ways, from config.start; each path's distance
    from the equilibrium at its end (the mean over its last tenth of
    steps: instance noise keeps a path moving within its noise). On the
    CPU: two numbers are no work for a GPU."""
    import time

    started = time.perf_counter()
    tensors, metrics = {}, {}
    for method in METHODS:
        key = method.replace("-", "_")
        tensors[f"field_{key}"] = field(method, config)
        for mode in MODES:
            path = play(method, mode, config)
            tensors[f"path_{key}_{mode}"] = path
            end = float(
                distance(path)[-max(1, int(TAIL * len(path))) :].mean()
            )
            metrics[f"{key}_{mode}_distance"] = end
            metrics[f"{key}_{mode}_converged"] = float(end < CONVERGED)
            if progress:
                print(f"[dirac_gan] {method} {mode}: {end:.3g} from (0, 0)")
    return Run(
        config=config,
        models=build(config),
        history={},
        metrics=metrics,
        tensors=tensors,
        seconds=time.perf_counter() - started,
        device=runtime.device_name(torch.device("cpu")),
    )


def distance(path: torch.Tensor) -> torch.Tensor:
    """Each step's distance from the equilibrium (0, 0)."""
    return path.norm(dim=1)


COST = {"dirac_gan": 0.1}
RUNS = {"dirac_gan": lambda profile: config_for(profile)}
