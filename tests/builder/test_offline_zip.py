"""The offline site's archive (gen_src/builder/offline_zip.py): every file
under one folder, read back and checked member by member before it
replaces the target; a damaged archive is named and never left behind."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from gen_src.builder import cli, offline_zip


@pytest.fixture
def site(tmp_path) -> Path:
    root = tmp_path / "site"
    (root / "zh").mkdir(parents=True)
    (root / "index.html").write_text("<h1>home</h1>" * 50)
    (root / "zh" / "index.html").write_text("<h1>首页</h1>")
    (root / "figure.png").write_bytes(bytes(range(256)) * 8)
    return root


def test_every_file_goes_in_under_one_folder_as_it_is(site, tmp_path):
    target = tmp_path / "out" / "site.zip"
    size = offline_zip.write(site, target)
    assert size == target.stat().st_size
    with zipfile.ZipFile(target) as archive:
        names = sorted(archive.namelist())
        assert names == [
            "generative-models/figure.png",
            "generative-models/index.html",
            "generative-models/zh/index.html",
        ]
        assert (
            archive.read("generative-models/zh/index.html")
            == (site / "zh" / "index.html").read_bytes()
        )
        png = archive.getinfo("generative-models/figure.png")
        assert png.compress_type == zipfile.ZIP_STORED
    assert not list(target.parent.glob("*.part"))


def _truncating(monkeypatch, victim: str):
    """ZipFile.write that cuts one member to half its bytes, as a disk
    that filled up or a writer that died would leave it."""
    original = zipfile.ZipFile.write

    def write(self, filename, arcname=None, compress_type=None, **kw):
        if arcname and arcname.endswith(victim):
            data = Path(filename).read_bytes()
            return self.writestr(arcname, data[: len(data) // 2])
        return original(self, filename, arcname, compress_type, **kw)

    monkeypatch.setattr(zipfile.ZipFile, "write", write)


def test_a_truncated_member_is_caught_and_nothing_replaces_the_target(
    site, tmp_path, monkeypatch
):
    target = tmp_path / "site.zip"
    target.write_bytes(b"the archive of an earlier build")
    _truncating(monkeypatch, "zh/index.html")
    with pytest.raises(offline_zip.ArchiveError, match=r"zh/index\.html"):
        offline_zip.write(site, target)
    assert target.read_bytes() == b"the archive of an earlier build"
    assert not list(tmp_path.glob("*.part"))


def test_a_member_missing_or_extra_is_named(site, tmp_path):
    target = tmp_path / "site.zip"
    offline_zip.write(site, target)
    (site / "late.html").write_text("written after the archive")
    with pytest.raises(offline_zip.ArchiveError, match="late.html: only in"):
        offline_zip.check(target, site)


def test_the_command_says_what_failed_in_one_line(
    site, tmp_path, monkeypatch, capsys
):
    _truncating(monkeypatch, "figure.png")
    target = tmp_path / "site.zip"
    assert cli.main(["zip", str(site), str(target)]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "figure.png" in err and "make offline" in err
    assert not target.exists()


def test_a_folder_that_is_not_a_built_site_is_refused(tmp_path, capsys):
    assert cli.main(["zip", str(tmp_path), str(tmp_path / "a.zip")]) == 1
    assert "index.html is missing" in capsys.readouterr().err


def test_the_command_reports_the_files_and_the_size(site, tmp_path, capsys):
    assert cli.main(["zip", str(site), str(tmp_path / "a.zip")]) == 0
    assert "3 files" in capsys.readouterr().out
