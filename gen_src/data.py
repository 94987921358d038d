"""Fashion-MNIST (and MNIST) as in-memory tensors (the 2-D toy data: toy).

load() reads a split as tensors, subset() draws a seeded part of it, and
Batches serves shuffled mini-batches; where the files are, and whether
they are whole, is dataset_files.py's job. Every load() hands out tensors
of its own, so no run can change another's data in place.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .dataset_files import DATASETS, check_idx, fingerprint, prepare

if TYPE_CHECKING:
    import torch

FASHION_CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
MNIST_CLASSES = tuple(str(i) for i in range(10))


@dataclass(frozen=True)
class ImageData:
    """One split as tensors: images in [0, 1], shape (N, 1, 28, 28)."""

    images: torch.Tensor
    labels: torch.Tensor
    classes: tuple[str, ...]
    fingerprint: str

    def __len__(self) -> int:
        return len(self.labels)


def load(name: str = "fashion-mnist", split: str = "train") -> ImageData:
    """One split as float tensors in [0, 1], new ones on every call."""
    if split not in ("train", "test"):
        raise ValueError(f"split={split!r} is unknown; choose train or test")
    raw = prepare(name) / DATASETS[name] / "raw"
    prefix = "train" if split == "train" else "t10k"
    paths = tuple(
        raw / f"{prefix}-{kind}-ubyte"
        for kind in ("images-idx3", "labels-idx1")
    )
    stats = tuple((p.stat().st_size, p.stat().st_mtime_ns) for p in paths)
    images, labels = _read_split(paths, stats)
    classes = FASHION_CLASSES if name == "fashion-mnist" else MNIST_CLASSES
    return ImageData(
        images.unsqueeze(1).float().div_(255.0),
        labels.long(),
        classes,
        fingerprint(name),
    )


@functools.lru_cache(maxsize=4)
def _read_split(paths: tuple[Path, Path], stats: tuple):
    """(images (N, 28, 28), labels (N,)) as uint8, read once per state of
    the files; load() makes fresh float copies from them."""
    return tuple(_idx_tensor(path) for path in paths)


def _idx_tensor(path: Path):
    import torch

    raw = path.read_bytes()
    check_idx(path, raw)
    dims = [
        int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big")
        for i in range(raw[3])
    ]
    return torch.frombuffer(
        bytearray(raw), dtype=torch.uint8, offset=4 + 4 * len(dims)
    ).view(*dims)


def subset(data: ImageData, size: int | None, seed: int = 0) -> ImageData:
    """A class-balanced-by-chance random subset (the whole set if None)."""
    if size is None or size >= len(data):
        return data
    import torch

    gen = torch.Generator().manual_seed(seed)
    idx = torch.randperm(len(data), generator=gen)[:size]
    return ImageData(
        data.images[idx],
        data.labels[idx],
        data.classes,
        f"{data.fingerprint}:{size}:{seed}",
    )


def splits(config, device=None) -> tuple[ImageData, ImageData]:
    """The training and test images a config asks for (train_size,
    test_size, seed), on the device: the same subsets for every run."""
    out = []
    for split, size in (
        ("train", config.train_size),
        ("test", config.test_size),
    ):
        part = subset(load(config.dataset, split), size, config.seed)
        if device is not None:
            part = dataclasses.replace(
                part,
                images=part.images.to(device),
                labels=part.labels.to(device),
            )
        out.append(part)
    return out[0], out[1]


def batches(config, *tensors: torch.Tensor) -> "Batches":
    """Mini-batches of config.batch_size, shuffled by config.seed."""
    import torch

    return Batches(
        *tensors,
        batch_size=config.batch_size,
        generator=torch.Generator().manual_seed(config.seed),
    )


class Batches:
    """Shuffled mini-batches of in-memory tensors, reshuffled every pass.

    No DataLoader: the data already sits in memory as tensors, and a
    per-image transform would only slow training down.
    """

    def __init__(
        self,
        *tensors: torch.Tensor,
        batch_size: int,
        generator: torch.Generator | None = None,
        drop_last: bool = True,
    ):
        if not tensors or any(len(t) != len(tensors[0]) for t in tensors):
            raise ValueError("Batches needs tensors of one common length")
        self.tensors = tensors
        self.batch_size = batch_size
        self.generator = generator
        self.drop_last = drop_last

    def to(self, device) -> Batches:
        """The same batches, their tensors moved to device once."""
        return Batches(
            *(t.to(device) for t in self.tensors),
            batch_size=self.batch_size,
            generator=self.generator,
            drop_last=self.drop_last,
        )

    def __len__(self) -> int:
        n = len(self.tensors[0])
        full, rest = divmod(n, self.batch_size)
        return full + (0 if self.drop_last or not rest else 1)

    def __iter__(self):
        import torch

        order = torch.randperm(len(self.tensors[0]), generator=self.generator)
        for i in range(len(self)):
            idx = order[i * self.batch_size : (i + 1) * self.batch_size]
            picked = tuple(t[idx] for t in self.tensors)
            yield picked if len(picked) > 1 else picked[0]
