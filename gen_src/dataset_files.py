"""Where the image datasets' files are, and whether they are whole.

Fashion-MNIST (and MNIST) are found, in this order:
1. the folder in the environment variable GEN_DATA_DIR;
2. data/ in the repository (in a checkout), else in the current folder;
3. /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist);
4. torchvision's own download, when the network allows it.

Only the four raw IDX files are read, the same bytes the fingerprint
hashes (torchvision's loader would prefer a stale processed/*.pt); each
is checked against its header. Nothing here needs torch, so a warm site
build (which only checks its cache) never imports it. data.py makes the
tensors.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import math
import os
import tempfile
from pathlib import Path

from . import runtime

DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")
DATASETS = {"fashion-mnist": "FashionMNIST", "mnist": "MNIST"}
RAW_FILES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)
# IDX header: magic (2 zero bytes, dtype 0x08, ndim) then ndim big-endian
# sizes; images are 28x28, so the expected size follows from the header.
IDX_UBYTE = 0x08


class DatasetError(RuntimeError):
    """The dataset is missing, truncated or corrupt; the text says why."""


def _local_data() -> Path:
    return runtime.home() / "data"


def search_dirs() -> list[Path]:
    """The places searched for the raw files, in order."""
    dirs = []
    if os.environ.get("GEN_DATA_DIR"):
        dirs.append(Path(os.environ["GEN_DATA_DIR"]))
    dirs += [_local_data(), DEBIAN_DIR]
    return dirs


def prepared_root() -> Path:
    """Where torchvision's raw layout is written: GEN_DATA_DIR or data/."""
    return Path(os.environ.get("GEN_DATA_DIR") or _local_data())


def _find_raw(folder: Path, stem: str) -> Path | None:
    """A raw file directly in folder, plain or gzipped."""
    for name in (stem, stem + ".gz"):
        if (folder / name).is_file():
            return folder / name
    return None


def check_idx(path: Path, data: bytes, size: int | None = None) -> None:
    """Fail, naming the file, unless data is a complete IDX ubyte file.

    size: the file's length when data holds only its header.
    """
    size = len(data) if size is None else size
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != IDX_UBYTE:
        raise DatasetError(
            f"{path} is not an IDX file (bad header). Delete it and run "
            "`make data` again, or reinstall dataset-fashion-mnist."
        )
    ndim = data[3]
    dims = [
        int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)
    ]
    want = 4 + 4 * ndim + math.prod(dims)
    if size != want:
        raise DatasetError(
            f"{path} is truncated or corrupt: it holds {size} bytes "
            f"but its header promises {want}. Delete it and run `make data` "
            "again, or reinstall dataset-fashion-mnist."
        )


def check_idx_file(path: Path) -> None:
    """check_idx for a plain file on disk, reading only its header."""
    with open(path, "rb") as f:
        head = f.read(4)
        head += f.read(4 * head[3]) if len(head) == 4 else b""
    check_idx(path, head, size=path.stat().st_size)


def _read_raw(path: Path) -> bytes:
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as f:
                return f.read()
        return path.read_bytes()
    except (OSError, EOFError, gzip.BadGzipFile) as err:
        raise DatasetError(
            f"{path} cannot be read ({err}). Delete it and run `make data` "
            "again, or reinstall dataset-fashion-mnist."
        ) from err


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def prepare(name: str = "fashion-mnist", download: bool = True) -> Path:
    """Make sure root/<Name>/raw holds the four IDX files; return root.

    Local copies are found and decompressed into torchvision's layout; the
    network is tried only when no copy exists anywhere.
    """
    if name not in DATASETS:
        raise ValueError(
            f"dataset={name!r} is unknown; choose one of {', '.join(DATASETS)}"
        )
    folder = DATASETS[name]
    root = prepared_root()
    raw = root / folder / "raw"
    if name == "fashion-mnist":
        searched = search_dirs()
    else:
        searched = [d for d in search_dirs() if d != DEBIAN_DIR]
    for base in searched:
        found = {
            s: _find_raw(base / folder / "raw", s)
            or (_find_raw(base, s) if name == "fashion-mnist" else None)
            for s in RAW_FILES
        }
        if all(found.values()):
            for stem, src in found.items():
                dst = raw / stem
                if src == dst:
                    check_idx_file(src)
                    continue
                if dst.is_file() and dst.stat().st_size > 0:
                    continue  # checked below when loaded
                data = _read_raw(src)
                check_idx(src, data)
                _write_atomic(dst, data)
            return root
    if download and name not in _download_failed:
        if _download(name, root):
            return root
        _download_failed.add(name)  # once per process: say it, not retry
    places = ", ".join(str(d) for d in searched)
    fixes = (
        "run `make data` (it installs Debian's dataset-fashion-mnist: "
        "sudo apt-get install dataset-fashion-mnist), or set "
        "GEN_DATA_DIR to a folder with the four IDX files"
        if name == "fashion-mnist"
        else "connect to the internet and run `python -m gen_src data`, or "
        "set GEN_DATA_DIR to a folder with the four IDX files"
    )
    raise DatasetError(
        f"{name} was not found: no {', '.join(RAW_FILES)} (plain or .gz) "
        f"in {places}, and torchvision could not download it. Fix: {fixes}."
    )


_download_failed: set[str] = set()


def _download(name: str, root: Path) -> bool:
    from torchvision import datasets

    cls = getattr(datasets, DATASETS[name])
    try:
        cls(str(root), train=True, download=True)
        cls(str(root), train=False, download=True)
    except Exception:  # no network: the caller explains what to do
        return False
    return True


def fingerprint(name: str = "fashion-mnist") -> str:
    """A short content hash of the dataset's raw files (no torch needed).

    Hashed once per process for each state of the files (path, size,
    modification time), so a build can ask for it often.
    """
    raw = prepare(name) / DATASETS[name] / "raw"
    stats = tuple(
        (stem, (raw / stem).stat().st_size, (raw / stem).stat().st_mtime_ns)
        for stem in RAW_FILES
    )
    return _fingerprint(raw, stats)


@functools.lru_cache(maxsize=8)
def _fingerprint(raw: Path, stats: tuple = ()) -> str:
    digest = hashlib.sha256()
    for stem in RAW_FILES:
        with open(raw / stem, "rb") as f:
            digest.update(hashlib.file_digest(f, "sha256").digest())
    return digest.hexdigest()[:16]


def ensure_dataset() -> Path:
    """Entry point of `make data`: prepare Fashion-MNIST, check every
    file, print the path."""
    root = prepare("fashion-mnist")
    for stem in RAW_FILES:
        check_idx_file(root / "FashionMNIST" / "raw" / stem)
    print(f"Fashion-MNIST ready in {root / 'FashionMNIST' / 'raw'}")
    return root
