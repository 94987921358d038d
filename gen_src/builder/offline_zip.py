"""The offline site as one archive, checked member by member.

    python -m gen_src zip site-offline site-offline.zip

Every file of the built folder goes into the archive under one top folder
(FOLDER/index.html, ...), so that it unzips into a folder of its own.
The archive is written beside its target, then read back: each member's
size and SHA-256 are compared with the file it came from, and the members
with the files. Only then does it replace the target; a damaged archive
is removed, naming the member, and the old one (if any) stays.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import zipfile
from pathlib import Path

FOLDER = "generative-models"  # the folder the archive unzips into
# compressed already: stored as they are (the rest is deflated)
STORED = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".zip", ".woff2")


class ArchiveError(RuntimeError):
    """The archive does not hold the site's files as they are."""


def files_of(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*") if p.is_file())


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write(site: Path, target: Path) -> int:
    """Zip site into target, checked; return the archive's size."""
    site, target = Path(site), Path(target)
    if not (site / "index.html").is_file():
        raise ArchiveError(
            f"{site}/index.html is missing: build the offline site first "
            "(make offline builds it, then zips it)"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, part = tempfile.mkstemp(dir=target.parent, suffix=".zip.part")
    os.close(fd)
    try:
        with zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in files_of(site):
                name = f"{FOLDER}/{path.relative_to(site).as_posix()}"
                stored = path.suffix.lower() in STORED
                archive.write(
                    path,
                    name,
                    zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED,
                )
        check(Path(part), site)
        os.chmod(part, 0o644)
        os.replace(part, target)
    except BaseException:
        Path(part).unlink(missing_ok=True)
        raise
    return target.stat().st_size


def check(archive_path: Path, site: Path) -> None:
    """Read the archive back: the same members as site's files, each of
    the same size and SHA-256; else an ArchiveError naming the first."""
    expected = {
        f"{FOLDER}/{p.relative_to(site).as_posix()}": p for p in files_of(site)
    }
    try:
        with zipfile.ZipFile(archive_path) as archive:
            infos = {i.filename: i for i in archive.infolist()}
            for name in sorted(set(expected) ^ set(infos)):
                where = "archive" if name in infos else "site"
                raise ArchiveError(f"{name}: only in the {where}")
            for name, source in expected.items():
                data = source.read_bytes()
                try:
                    member = archive.read(infos[name])
                except (zipfile.BadZipFile, OSError, EOFError) as err:
                    raise ArchiveError(f"{name}: unreadable ({err})") from err
                if len(member) != len(data) or _digest(member) != _digest(
                    data
                ):
                    raise ArchiveError(
                        f"{name}: {len(member)} bytes in the archive, "
                        f"{len(data)} in {source}, or another SHA-256"
                    )
    except zipfile.BadZipFile as err:
        raise ArchiveError(
            f"{archive_path}: not a zip archive ({err})"
        ) from err


def command(site: str, target: str) -> int:
    try:
        size = write(Path(site), Path(target))
    except ArchiveError as err:
        print(
            f"error: {target} not written: {err}; build and zip again "
            "(make offline)",
            file=sys.stderr,
        )
        return 1
    count = len(files_of(Path(site)))
    print(f"{target}: {count} files, {size / 1e6:.1f} MB, checked")
    return 0
