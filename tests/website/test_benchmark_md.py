"""{{ modes_table }}: the benchmark JSON and the papers' rows, as a table."""

from __future__ import annotations

import json
import math
import re

import pytest

from gen_src import runtime
from gen_src.builder import bench_modes
from gen_src.website import benchmark_md
from gen_src.website.page_context import PageContext


def _bench(profile, per_method, seeds=3):
    rows = []
    for method, datasets in per_method.items():
        for dataset, runs in datasets.items():
            rows.append(
                {
                    "method": method,
                    "dataset": dataset,
                    "config": {},
                    "seeds": list(range(seeds)),
                    "runs": [
                        {"modes": m, "high_quality": hq, "reverse_kl": kl}
                        for m, hq, kl in runs
                    ],
                }
            )
    return {"profile": profile, "seeds": seeds, "rows": rows}


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setattr(runtime, "home", lambda: tmp_path)
    (tmp_path / "bench").mkdir()
    return tmp_path


def _write(home, profile, data):
    path = benchmark_md.bench_file(profile)  # the held-out seeds
    path.write_text(json.dumps(data))


RUNS = {
    "nonsaturating": {
        "ring": [(8, 0.90, 0.02), (8, 0.92, 0.04), (7, 0.94, 0.03)],
        "grid": [(25, 0.95, 0.03), (25, 0.97, 0.02), (24, 0.96, 0.05)],
    },
    "wgan-gp": {
        "ring": [(8, 0.99, 0.01), (8, 0.99, 0.01), (8, 0.99, 0.01)],
        "grid": [(20, 0.5, float("inf")), (21, 0.6, 0.3), (22, 0.4, 0.2)],
    },
}


def test_site_rows_are_mean_and_standard_error(home):
    _write(home, "quick", _bench("quick", RUNS))
    rows = benchmark_md.rows("en")
    site = [r for r in rows if r["site"]]
    assert [r["method"] for r in site] == ["GAN, non-saturating", "WGAN-GP"]
    modes, text = site[0]["cells"]["ring", "modes"]
    assert modes == pytest.approx(23 / 3)
    se = math.sqrt(
        ((8 - 23 / 3) ** 2 * 2 + (7 - 23 / 3) ** 2) / 2
    ) / math.sqrt(3)
    assert text == f"{23 / 3:.1f} ± {se:.1f}"
    assert site[0]["cells"]["grid", "high_quality"][1] == "96.0 ± 0.6"
    # one run without a high-quality sample: its reverse KL is infinite
    assert site[1]["cells"]["grid", "reverse_kl"] == (math.inf, "∞")


def test_every_published_row_is_in_the_table(home):
    _write(home, "quick", _bench("quick", RUNS))
    html = benchmark_md.table_html("en")
    for row in benchmark_md.published()["rows"]:
        assert f"<th>{row['method']}</th>" in html
    assert "Lin et al. 2018, Table 1" in html
    # PacGAN4 on the grid, as printed in the paper
    assert "24.8 ± 0.2" in html and "93.6 ± 0.6" in html
    # the GDPP paper gives no reverse KL: a dash, not a number
    gdpp = re.search(r"<th>GDPP</th>(.*?)</tr>", html)[1]
    assert gdpp.count("<td>—</td>") == 2


def test_the_best_value_of_each_column_is_bold(home):
    _write(home, "quick", _bench("quick", RUNS))
    html = benchmark_md.table_html("en")
    assert "<strong>8.0 ± 0.0</strong>" in html  # WGAN-GP on the ring
    # the grid's lowest reverse KL: this site's 0.033, below PacGAN4's
    # 0.04 (the site's rows to 3 decimals, the papers' as they print them)
    assert "<strong>0.033 ± 0.009</strong>" in html
    pac4 = re.search(r"<th>PacGAN4</th>(.*?)</tr>", html)[1]
    assert "<td>0.04 ± 0.01</td>" in pac4


def test_both_profiles_each_under_its_own_heading(home):
    _write(home, "quick", _bench("quick", RUNS))
    _write(home, "full", {**_bench("full", RUNS, seeds=3), "first_seed": 5})
    groups = [r["group"] for r in benchmark_md.rows("zh")]
    assert "本站，quick 配置，留出种子 0–2" in groups
    assert "本站，full 配置，留出种子 5–7" in groups


def test_no_benchmark_names_the_command(home):
    with pytest.raises(benchmark_md.TableError, match="bench modes"):
        benchmark_md.expand(
            "{{ modes_table }}",
            PageContext("gan_remedies.md", lang="en", serve=False),
        )


def test_a_damaged_benchmark_names_the_file_and_the_fix(home):
    (home / "bench" / "modes-quick-seeds5.json").write_text('{"rows": [{}]}')
    with pytest.raises(
        benchmark_md.TableError,
        match="modes-quick-seeds5.json.*--profile quick --seeds 5 --first",
    ):
        benchmark_md.table_html("en")


def test_under_serve_a_fault_is_an_error_box(home):
    out = benchmark_md.expand(
        "{{ modes_table }}", PageContext("p.md", lang="en", serve=True)
    )
    assert out.startswith('<p class="figure-error">docs/p.md: ')


# -- the committed benchmarks ------------------------------------------------


@pytest.mark.parametrize("held_out", [True, False], ids=["held-out", "tuning"])
@pytest.mark.parametrize("profile", benchmark_md.PROFILES)
def test_the_benchmarks_the_pages_read_are_not_ignored(profile, held_out):
    """A JSON that .gitignore hides is missing from every fresh clone."""
    import shutil
    import subprocess

    if shutil.which("git") is None or not (runtime.home() / ".git").exists():
        pytest.skip("not a git checkout")
    path = benchmark_md.bench_file(profile, held_out=held_out)
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", str(path)], cwd=runtime.home()
    )
    assert ignored.returncode == 1, f"{path.name} is ignored by .gitignore"


@pytest.mark.parametrize("held_out", [True, False], ids=["held-out", "tuning"])
@pytest.mark.parametrize("profile", benchmark_md.PROFILES)
def test_committed_benchmarks_hold_todays_settings(profile, held_out):
    """The page states the settings the benchmark trained with: if the
    code's defaults change, the benchmark must be run again. The table
    shows seeds 5-9; the settings were chosen on seeds 0-4."""
    data = benchmark_md.load_bench(profile, held_out=held_out)
    name = benchmark_md.bench_file(profile, held_out=held_out).name
    rerun = benchmark_md.rerun_command(profile, held_out=held_out)
    assert data is not None, f"bench/{name} is not committed: run {rerun}"
    assert data["seeds"] >= 5
    first = benchmark_md.HELD_OUT if held_out else 0
    assert data.get("first_seed", 0) == first
    assert all(
        r["seeds"] == list(range(first, first + 5)) for r in data["rows"]
    )
    for row in data["rows"]:
        now = bench_modes.stated_config(row["method"], row["dataset"], profile)
        assert row["config"] == now, (
            f"bench/{name}: {row['method']} on {row['dataset']} trained "
            f"with other settings than today's; run {rerun}"
        )
    methods = {r["method"] for r in data["rows"]}
    assert methods == set(bench_modes.METHODS)
