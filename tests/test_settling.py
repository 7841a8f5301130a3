"""How long the spin-up must be (simulation.settling, scripts/spin_up.py): yearly stocks, and the
bias and noise of a recorded window's mean, against plain numpy on made-up series."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from simulation import settling
from simulation.vocabulary import WEEKS_PER_YEAR

ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent


def weekly_table(per_week: dict[str, np.ndarray]) -> pd.DataFrame:
    """A weekly table with the columns the headline stocks are built from: the population is 1,000
    and everything else as given (0 where not given)."""
    n = len(next(iter(per_week.values())))
    cols = ["employed_20_66", "population_20_66", "on_disability_benefit", "on_work_assessment_allowance",
            "on_social_assistance", "share_lost_2", "share_lost_3", "share_lost_4", "users"]
    table = pd.DataFrame({c: np.zeros(n) for c in cols})
    table["population"] = 1000.0
    table["population_20_66"] = 800.0
    for c, v in per_week.items():
        table[c] = v
    return table


def test_yearly_stocks_are_yearly_means_of_whole_years():
    weeks = np.arange(2 * WEEKS_PER_YEAR + 10)
    disabled = 100.0 + weeks                      # rises by one person a week
    table = settling.yearly_stocks(weekly_table({"on_disability_benefit": disabled}))
    assert list(table.index) == [0, 1]            # the ten weeks of a third year are left out
    expected = [disabled[:52].mean() / 1000, disabled[52:104].mean() / 1000]
    assert table["disability_share"].to_numpy() == pytest.approx(expected)
    assert set(table.columns) >= {"employment_rate", "share_2plus_lost", "users_share"}


def relaxing(years: int, level: float, start: float, years_to_settle: float, offset: float = 0.0) -> pd.DataFrame:
    """Yearly stocks that move from ``start`` towards ``level`` exponentially, plus ``offset``."""
    t = np.arange(years)
    x = level + (start - level) * np.exp(-t / years_to_settle) + offset
    return pd.DataFrame({"disability_share": x, "employment_rate": np.full(years, 0.75 + offset)})


def test_window_bias_is_the_windows_distance_from_the_long_run_mean():
    runs = [relaxing(40, 0.11, 0.09, 6.0) for _ in range(3)]
    table = settling.window_bias(runs, window_years=10, spin_ups=[0, 5, 10], reference_years=20)
    x = runs[0]["disability_share"].to_numpy()
    long_run = x[20:].mean()
    for s in (0, 5, 10):
        assert table.loc[f"spin-up {s}", "disability_share"] == pytest.approx((x[s:s + 10].mean() / long_run - 1) * 100)
    biases = table.loc[["spin-up 0", "spin-up 5", "spin-up 10"], "disability_share"].to_numpy()
    assert biases[0] < biases[1] < biases[2] < 0          # a stock rising to its level: less bias, later
    assert table.loc["spin-up 0", "employment_rate"] == pytest.approx(0.0)   # a settled stock: none
    assert table.loc["single-run noise", "employment_rate"] == pytest.approx(0.0)   # identical runs


def test_single_run_noise_is_the_spread_of_window_means_between_runs():
    offsets = [-0.01, 0.0, 0.02]
    runs = [relaxing(30, 0.11, 0.11, 5.0, offset=o) for o in offsets]
    table = settling.window_bias(runs, window_years=5, spin_ups=[0], reference_years=10)
    # each run has two windows in the reference years, both at 0.75 + its offset
    means = np.repeat(0.75 + np.array(offsets), 2)
    assert table.loc["single-run noise", "employment_rate"] == pytest.approx(
        means.std(ddof=1) / means.mean() * 100)


def test_window_bias_refuses_runs_too_short_or_uneven():
    runs = [relaxing(30, 0.11, 0.09, 6.0)]
    with pytest.raises(ValueError, match="too short"):
        settling.window_bias(runs, window_years=10, spin_ups=[0, 5, 10], reference_years=15)
    with pytest.raises(ValueError, match="same length"):
        settling.window_bias(runs + [relaxing(31, 0.11, 0.09, 6.0)], 5, [0], 10)
    with pytest.raises(ValueError, match="at least one window"):
        settling.window_bias(runs, window_years=10, spin_ups=[0], reference_years=5)


def test_the_script_prints_the_table_for_a_small_district(tmp_path):
    scenario = tmp_path / "small.toml"
    scenario.write_text("[population]\ncitizens = 1500\n[run]\nweeks = 52\n")   # the rest at defaults
    out = tmp_path / "yearly.csv"
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "spin_up.py"), "--scenario", str(scenario),
                           "--replications", "2", "--years", "4", "--reference-years", "2", "--jobs", "1",
                           "--out", str(out)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "| spin-up 0 |" in done.stdout and "| single-run noise |" in done.stdout
    yearly = pd.read_csv(out)
    assert len(yearly) == 2 * 4 and {"replication", "year", "disability_share"} <= set(yearly.columns)


def test_the_script_names_a_missing_scenario_and_exits_2(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "spin_up.py"), "--scenario",
                           str(tmp_path / "nowhere.toml")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "nowhere.toml" in done.stderr and "Traceback" not in done.stderr
