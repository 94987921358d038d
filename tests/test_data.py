"""Fashion-MNIST as tensors (gen_src/data.py): in memory, in range, a
fresh copy on every load, seeded subsets and batches."""

from __future__ import annotations

import pytest
import torch

from gen_src import data


def test_loaded_fashion_mnist_is_in_memory_and_in_range():
    test = data.load("fashion-mnist", "test")
    assert test.images.shape == (10_000, 1, 28, 28)
    assert test.images.dtype == torch.float32
    assert 0.0 <= test.images.min() and test.images.max() <= 1.0
    assert test.labels.shape == (10_000,) and len(test.classes) == 10


def test_every_load_hands_out_tensors_of_its_own():
    first = data.load("fashion-mnist", "test")
    first.images.mul_(0)  # a careless run
    first.labels.zero_()
    again = data.load("fashion-mnist", "test")
    assert again.images.max() > 0 and again.labels.max() == 9


def test_subset_is_seeded_and_keeps_labels_aligned():
    test = data.load("fashion-mnist", "test")
    a, b = data.subset(test, 50, seed=1), data.subset(test, 50, seed=1)
    assert len(a) == 50 and torch.equal(a.labels, b.labels)
    assert a.fingerprint.endswith(":50:1")
    assert not torch.equal(a.labels, data.subset(test, 50, seed=2).labels)
    assert data.subset(test, None) is test
    assert data.subset(test, 10**6) is test


def test_batches_length_drop_last_and_errors():
    x = torch.arange(10)
    assert len(data.Batches(x, batch_size=4)) == 2
    kept = data.Batches(x, batch_size=4, drop_last=False)
    assert len(kept) == 3
    assert sorted(torch.cat(list(kept)).tolist()) == list(range(10))
    with pytest.raises(ValueError, match="common length"):
        data.Batches(x, torch.arange(3), batch_size=2)
    with pytest.raises(ValueError, match="common length"):
        data.Batches(batch_size=2)
