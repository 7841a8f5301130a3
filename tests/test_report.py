"""The comparison report: "In brief" first, verdicts against the smallest difference that matters,
windows named, figures in the table's units, one self-contained HTML file."""

import re

import matplotlib
import numpy as np
import pandas as pd
import pytest

from simulation import analysis, compare, indicators, plots, report

from conftest import SCENARIOS

matplotlib.use("Agg")
FILES = [SCENARIOS / f"{n}.toml" for n in ("generalist", "specialist", "target_group_teams")]


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    undescribed = folder / "undescribed.toml"
    undescribed.write_text(f'extends = "{SCENARIOS / "specialist.toml"}"\nname = "undescribed"\n')
    plan = compare.plan_comparison(FILES + [undescribed], replications=3, weeks=30, root_seed=5,
                                   overrides=["population.citizens=8000", "run.warmup_weeks=10"])
    compare.run_comparison(plan, folder / "out", jobs=1)
    return compare.load_comparison(folder / "out")


def _section(md: str, title: str) -> str:
    return md.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_in_brief_leads_and_holds_only_differences_that_matter(finished):
    md = (finished.folder / "report.md").read_text()
    assert md.index("## In brief") < md.index("## What was compared") < md.index("## Headline table")
    findings = re.findall(r"^\d\. (.+)$", _section(md, "In brief"), flags=re.M)
    assert 0 < len(findings) <= report.IN_BRIEF_MAX
    s = finished.summary
    sizes = []
    for text in findings:
        scenario = re.match(r"\*\*(\w+)\*\*", text).group(1)
        label = re.search(r"than generalist on (.+?): ", text).group(1)
        metric = next(m for m in s.metric.unique() if indicators.label(m) == label)
        row = s[(s.scenario == scenario) & (s.metric == metric)].iloc[0]
        assert row.verdict in ("higher", "lower") and abs(row["diff"]) >= row.threshold
        assert not row.diff_low <= 0 <= row.diff_high
        assert indicators.format_interval(metric, row["diff"], row.diff_low, row.diff_high) in text
        sizes.append(abs(row["diff"]) / row.threshold)
    assert sizes == sorted(sizes, reverse=True), "ranked by size against the threshold"


def _summary_row(diff, low, high, threshold):
    return {"diff": diff, "diff_low": low, "diff_high": high, "threshold": threshold}


def test_a_clear_but_tiny_difference_is_no_practical_difference():
    assert analysis.verdict(_summary_row(0.00057, 0.00023, 0.001, 0.005)) == "no practical difference"
    assert analysis.verdict(_summary_row(0.02, 0.01, 0.03, 0.005)) == "higher"
    assert analysis.verdict(_summary_row(0.02, -0.01, 0.05, 0.005)) == "no clear difference"


def test_brief_never_lists_a_difference_below_its_threshold():
    """Many replications make a tiny difference 'clear'; it still stays out of In brief."""
    rng = np.random.default_rng(1)
    rows = []
    for scenario, shift in (("a", 0.0), ("b", 0.0006)):             # +0.0006 on the axis, threshold 0.005
        for k in range(400):
            rows.append({"scenario": scenario, "replication": k,
                         "mean_position": 0.92 + shift + rng.normal(0, 0.0005),
                         "first_follow_up_wait_weeks": 9.0 + (3.0 if scenario == "b" else 0) + rng.normal(0, 0.5)})
    summary = analysis.summarise_replications(pd.DataFrame(rows))
    pos = summary[(summary.scenario == "b") & (summary.metric == "mean_position")].iloc[0]
    assert pos.diff_low > 0 and pos.verdict == "no practical difference"
    found = report.brief(summary, "a")
    assert len(found) == 1 and "weeks from intake to first follow-up" in found[0] and "worse" in found[0]


def test_every_table_and_figure_names_its_window(finished):
    md = (finished.folder / "report.md").read_text()
    tables = [block for block in md.split("\n\n") if block.startswith("| ")]
    data_tables = [t for t in tables if "− generalist" in t.splitlines()[0]]
    assert data_tables and all("| window |" in t.splitlines()[0] for t in data_tables)
    assert "| 30 weeks |" in md
    captions = re.findall(r"^\*(.+)\*$", md, flags=re.M)
    assert len(captions) == 5 and all(re.search(r"weeks \d+-\d+", c) for c in captions)
    assert "rising bars" not in md or "would show creaming" in md


def test_scenarios_are_named_and_descriptions_not_inherited(finished):
    md = (finished.folder / "report.md").read_text()
    compared = _section(md, "What was compared")
    assert "| undescribed | (no description) |" in compared
    assert "| specialist | Reception, economic" in compared and ".toml" not in compared
    assert "per 1,000 adults" in compared and "**Staffing differs:**" not in compared


def test_report_html_is_one_self_contained_file(finished):
    html = (finished.folder / "report.html").read_text()
    sources = re.findall(r'src="([^"]+)"', html)
    assert len(sources) == 5 and all(s.startswith("data:image/png;base64,") for s in sources)
    assert "figures/" not in html and "<ol>" in html


def test_values_in_the_report_come_from_the_summary(finished):
    md = (finished.folder / "report.md").read_text()
    s = finished.summary
    for metric in ("handoffs_per_user", "share_2plus_lost", "cost_nok_per_exit_to_work"):
        for name in ("generalist", "specialist", "target_group_teams"):
            value = s[(s.scenario == name) & (s.metric == metric)]["mean"].iloc[0]
            assert indicators.format_value(metric, value) in md


def test_figures_use_the_tables_units_and_start_at_zero(finished):
    fig = plots.compare_bars(finished.summary, ["share_2plus_lost", "handoffs_per_user"])
    share_ax, handoff_ax = fig.axes[:2]
    means = finished.summary[finished.summary.metric == "share_2plus_lost"]["mean"].to_numpy()
    assert [p.get_height() for p in share_ax.patches] == pytest.approx(100 * means)
    assert "(%)" in share_ax.get_title() and share_ax.get_ylim()[0] <= 0 and handoff_ax.get_ylim()[0] <= 0
    ts = finished.timeseries(["mean_position", "share_lost_2", "share_lost_3", "share_lost_4"])
    over = plots.compare_over_time(ts)
    assert over.axes[0].get_ylim()[0] == 0 and over.axes[1].get_ylim() == (0, 1)


def test_a_difference_from_a_baseline_of_zero_is_not_ranked_by_a_size_it_does_not_have():
    """A relative threshold against a baseline of zero is taken from the other value, so every such
    difference would be the same multiple (1 / 10 %) of it: In brief says it is a difference from
    zero and ranks it after the findings with a real size, whatever that multiple would be."""
    rng = np.random.default_rng(2)
    rows = []
    for scenario in ("a", "b"):
        for k in range(30):
            rows.append({"scenario": scenario, "replication": k,
                         "share_3plus_lost": (0.002 + rng.normal(0, 0.0001)) if scenario == "b" else 0.0,
                         "first_follow_up_wait_weeks": 9.0 + (1.5 if scenario == "b" else 0) + rng.normal(0, 0.3)})
    summary = analysis.summarise_replications(pd.DataFrame(rows))
    found = report.brief(summary, "a")
    assert len(found) == 2
    assert "intake to first follow-up" in found[0] and "times the smallest difference" in found[0]
    assert "3 or more arenas" in found[1] and "a has none: a difference from zero" in found[1]
    assert "times the smallest difference" not in found[1]
