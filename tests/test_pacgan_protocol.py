"""PacGAN's own protocol (gen_src/pacgan_protocol.py): the networks, the
packed data and the simultaneous update, as the authors' code has them."""

from __future__ import annotations

import dataclasses

import pytest
import torch

from gen_src import adversarial, toy
from gen_src import pacgan_protocol as protocol

SMALL = dict(num_examples=400, g_width=16, d_width=8, epochs=2)


def test_the_networks_have_the_papers_shapes():
    nets = protocol.build(protocol.ProtocolConfig(pack=3))
    G, D = nets["G"], nets["D"]
    linears = [m for m in G if isinstance(m, torch.nn.Linear)]
    assert [(m.in_features, m.out_features) for m in linears] == [
        (2, 400), (400, 400), (400, 400), (400, 400), (400, 2)
    ]  # fmt: skip
    assert all(m.bias is None for m in linears[:-1])  # batch norm follows
    assert sum(isinstance(m, torch.nn.BatchNorm1d) for m in G) == 4
    maxouts = [m for m in D if isinstance(m, protocol.Maxout)]
    assert [m.linear.in_features for m in maxouts] == [6, 200, 200]
    assert all(m.pieces == 5 and m.width == 200 for m in maxouts)
    assert D(torch.zeros(7, 6)).shape == (7,)
    assert abs(linears[1].weight.std().item() - 0.02) < 0.002
    assert linears[-1].bias.abs().max() == 0


def test_maxout_takes_the_largest_piece():
    unit = protocol.Maxout(1, 1, 3)
    with torch.no_grad():
        unit.linear.weight.copy_(torch.tensor([[1.0], [-1.0], [0.5]]))
        unit.linear.bias.zero_()
    assert unit(torch.tensor([[2.0], [-3.0]])).flatten().tolist() == [2.0, 3.0]


def test_a_real_pack_is_m_points_of_one_set_of_examples():
    config = protocol.ProtocolConfig(dataset="grid", pack=3, num_examples=200)
    batches = protocol.real_batches(config)
    assert len(batches) == 2 and batches.tensors[0].shape == (200, 6)
    gen = torch.Generator().manual_seed(config.seed)
    points = toy.sample("grid", 200, gen)
    slots = batches.tensors[0].view(200, 3, 2)
    for slot in slots.unbind(1):  # every slot is drawn from the same set
        assert (slot[:, None] == points[None]).all(-1).any(1).all()


def test_one_update_moves_both_networks_from_the_same_weights():
    config = protocol.ProtocolConfig(pack=2, **SMALL)
    nets = protocol.build(config)
    G, D = nets["G"], nets["D"]
    before_g = [p.clone() for p in G.parameters()]
    before_d = [p.clone() for p in D.parameters()]
    step = protocol.make_step(G, D, config, torch.device("cpu"))
    real = next(iter(protocol.real_batches(config)))
    torch.manual_seed(3)
    out = step(real)
    assert set(out) == {"d_loss", "g_loss", "d_real", "d_fake"}
    assert all(not torch.equal(a, b) for a, b in zip(before_g, G.parameters()))
    assert all(not torch.equal(a, b) for a, b in zip(before_d, D.parameters()))
    # D's loss is the GAN's; G's the non-saturating one, at the old weights
    twin = protocol.build(config)
    for net, old in ((twin["G"], before_g), (twin["D"], before_d)):
        with torch.no_grad():
            for p, v in zip(net.parameters(), old):
                p.copy_(v)
    torch.manual_seed(3)
    z = torch.randn(2 * 100, 2).unflatten(0, (2, 100))
    fake = torch.cat([twin["G"](s) for s in z.unbind(0)], dim=1)
    d = adversarial.d_loss(twin["D"](real), twin["D"](fake))
    assert out["d_loss"].item() == pytest.approx(d.item(), rel=1e-6)


def test_a_stack_of_trials_is_each_trial_alone_up_to_rounding():
    config = protocol.ProtocolConfig(pack=2, **SMALL)
    configs = [dataclasses.replace(config, seed=s) for s in (0, 1)]
    stack = protocol.train_many(configs, device="cpu", progress=False)
    alone = [protocol.train(c, device="cpu", progress=False) for c in configs]
    for s, a in zip(stack, alone):
        torch.testing.assert_close(
            s.tensors["samples"], a.tensors["samples"], rtol=1e-4, atol=1e-4
        )
        assert s.metrics["steps"] == 2 * 4  # 400 examples / 100, 2 epochs
    (one,) = protocol.train_many(configs[:1], device="cpu", progress=False)
    assert torch.equal(one.tensors["samples"], alone[0].tensors["samples"])


def test_every_trial_is_scored_on_one_shared_z(monkeypatch):
    seen = []
    generate = adversarial.generate

    def spy(G, z):
        seen.append(z.clone())
        return generate(G, z)

    monkeypatch.setattr(adversarial, "generate", spy)
    for seed, pack in ((0, 1), (1, 2)):
        config = protocol.ProtocolConfig(pack=pack, seed=seed, **SMALL)
        protocol.train(config, device="cpu", progress=False)
    assert len(seen) == 2 and torch.equal(seen[0], seen[1])
    assert torch.equal(seen[0], adversarial.fixed_noise(2500, 2, 2333))


def test_the_statistics_are_refreshed_at_the_final_weights():
    config = protocol.ProtocolConfig(**SMALL)
    G = protocol.build(config)["G"]
    first = G[1]  # the batch norm after z's linear layer
    true_var = G[0].weight.pow(2).sum(1)  # of w . z, z standard normal
    protocol.refresh_statistics(
        G, dataclasses.replace(config, bn_refreshes=0), "cpu"
    )
    assert torch.equal(first.running_var, torch.ones_like(true_var))
    protocol.refresh_statistics(G, config, "cpu")
    kept = 0.95**50  # momentum 0.05, 50 batches
    expected = kept + (1 - kept) * true_var
    ratio = (first.running_var / expected).mean().item()
    assert ratio == pytest.approx(1.0, abs=0.05)
    assert first.num_batches_tracked.item() == 50


@pytest.mark.parametrize(
    "field, value",
    [
        ("epochs", 0),
        ("pack", 0),
        ("dataset", "spiral"),
        ("lr", 0.0),
        ("num_examples", 99),
    ],
)
def test_a_bad_setting_is_named(field, value):
    with pytest.raises(ValueError, match=field):
        protocol.ProtocolConfig(**{field: value})
