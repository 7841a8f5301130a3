"""The indicator catalogue covers every summary indicator, and each entry is complete."""

import math

import pytest

from simulation import indicators, metrics

from conftest import ROOT


def test_every_summary_indicator_has_a_catalogue_entry(small_runs):
    """Adding an indicator to metrics.summarise without an entry in simulation/indicators.py fails here."""
    keys = set(metrics.summary_keys())
    for result in small_runs.values():           # the three organisations (their caseload_<unit> keys too)
        keys |= set(result.summary)
    missing = sorted(k for k in keys if not indicators.known(k))
    assert not missing, f"add these to simulation/indicators.py: {missing}"


def test_no_catalogue_entry_outlives_its_indicator(small_runs):
    keys = set(metrics.summary_keys()).union(*(r.summary for r in small_runs.values()))
    stale = [n for n in indicators.CATALOGUE if not n.endswith("_*") and n not in keys]
    assert not stale, f"these catalogue entries are no longer in the summary: {stale}"


@pytest.mark.parametrize("name", list(indicators.CATALOGUE))
def test_entry_is_complete(name):
    e = indicators.CATALOGUE[name]
    assert e.label and e.label == e.label.strip() and e.unit
    assert e.better in ("higher", "lower", None)
    assert e.window in indicators.WINDOWS and e.topic in indicators.TOPICS
    assert isinstance(e.fmt.format(0.123), str)
    assert e.reason, "every threshold (and every indicator without one) says why"
    if e.better is not None or e.headline:
        assert e.min_difference is not None and e.min_difference > 0, "a compared indicator needs a threshold"
        assert "assumption" in e.reason or ":" in e.reason, "a threshold is marked as an assumption or sourced"
    # a last-year value says so, in its name (if the name mentions a window) and in its label
    if "last_year" in name:
        assert e.window == indicators.LAST_YEAR
    assert (e.window == indicators.LAST_YEAR) == ("last year" in e.label)


def test_every_list_of_indicators_names_catalogued_ones():
    from simulation import plots
    for name in (*indicators.RUN_HEADLINE, *plots.OUTCOME_BARS, *plots.OFFICE_BARS):
        assert name in indicators.CATALOGUE, name


def test_family_entries_name_their_member():
    e = indicators.get("caseload_state_line")
    assert "'state_line'" in e.label and e.name == "caseload_state_line"
    assert indicators.label("employment_20_24") == "adults aged 20-24 in work (at each year's end)"
    assert indicators.label("drift_share_2plus_lost").startswith("drift of adults outside 2 or more arenas")
    assert not indicators.known("disability_new_indicator"), "an age-band family takes only age bands"
    with pytest.raises(KeyError, match="indicator catalogue"):
        indicators.get("no_such_indicator")


def test_relative_and_absolute_thresholds():
    share = indicators.get("share_2plus_lost")        # 10 % of the baseline
    assert share.threshold(0.004) == pytest.approx(0.0004)
    wait = indicators.get("first_follow_up_wait_weeks")   # one week, whatever the baseline
    assert wait.threshold(3.0) == wait.threshold(30.0) == 1.0
    assert math.isnan(indicators.get("weeks").threshold(520))


def test_a_difference_and_its_interval_share_one_precision():
    text = indicators.format_interval("mean_position", 0.00057, 0.00023, 0.001)
    assert text == "+0.00057 (+0.00023 to +0.00100)"
    assert indicators.format_interval("share_2plus_lost", -0.0012, -0.002, -0.0004) == \
        "−0.120 pp (−0.200 pp to −0.040 pp)"
    assert indicators.format_value("share_2plus_lost", 0.0123) == "1.23%"
    assert indicators.format_value("share_2plus_lost", float("nan")) == "n/a"


def test_windows_in_words():
    assert indicators.window_text("mean_position", 520) == "over the 10 recorded years (weeks 0-519)"
    last_year = indicators.Indicator("x_last_year", "x, last year", "share", "{:.1%}", None, indicators.LAST_YEAR,
                                     "people", None, False, "test")
    indicators.CATALOGUE["x_last_year"] = last_year
    try:
        assert indicators.window_text("x_last_year", 520) == "over the last recorded year (weeks 468-519)"
    finally:
        del indicators.CATALOGUE["x_last_year"]
    assert indicators.window_text("pressure", 520) == "over the 10 recorded years (weeks 0-519)"
    assert indicators.window_text("pressure", 30) == "over the 30 recorded weeks (weeks 0-29)"


def test_docs_list_the_catalogue():
    text = (ROOT / "docs" / "indicators.md").read_text(encoding="utf-8")
    assert indicators.markdown_table() in text, "run `make docs` to regenerate docs/indicators.md"
