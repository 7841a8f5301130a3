"""Validation: produced from real runs, and able to fail."""

import pandas as pd
import pytest

import simulation as ms
from simulation import validation

from conftest import SCENARIOS


def reps_for(scenario, n=2):
    rows = []
    for k, seed in enumerate(ms.runner.seeds(5, n)):
        r = ms.run(scenario, seed=seed)
        rows.append({"variant": "generalist", "replication": k, "seed": seed, **r.summary,
                     **validation.derived(r.summary)})
    return pd.DataFrame(rows)


def test_a_mis_set_parameter_makes_its_target_fail():
    base = ms.load_scenario(SCENARIOS / "generalist.toml").scaled(8000).replace(
        **{"run.weeks": 156, "run.warmup_weeks": 156})
    good = validation.check_targets(reps_for(base)).set_index("id")
    bad = validation.check_targets(reps_for(base.replace(**{"labour_market.job_finding": 0.03}))).set_index("id")
    assert good.loc["unemp_6_months", "holds"] == "yes"
    assert bad.loc["unemp_6_months", "holds"] == "no", "with a third of the job-finding rate, few leave within 6 months"
    assert bad.loc["unemp_6_months", "simulated"] < good.loc["unemp_6_months", "simulated"]


def test_validate_command_writes_a_report_from_real_runs(marginsim, tmp_path):
    out = tmp_path / "v"
    proc = marginsim("validate", "--replications", 3, "--scenarios", SCENARIOS, "--set", "population.citizens=1500",
                     "--set", "run.weeks=52", "--set", "run.warmup_weeks=26", "--jobs", 2, "--out", out)
    assert proc.returncode == 0, proc.stderr
    table = pd.read_csv(out / "validation.csv")
    reps = pd.read_parquet(out / "replications.parquet")
    assert set(table.id) == {t.id for t in validation.TARGETS} | {p.id for p in validation.PATTERNS}
    assert set(reps.variant) == set(validation.VARIANTS)
    months = table.set_index("id").loc["sa_months"]
    assert months["simulated"] == pytest.approx(reps[reps.variant == "generalist"]["sa_months_per_recipient"].mean())
    handoffs = table.set_index("id").loc["handoffs"]
    paired = (reps[reps.variant == "specialist"].set_index("replication")["handoffs_per_user"]
              - reps[reps.variant == "generalist"].set_index("replication")["handoffs_per_user"]).mean()
    assert handoffs["simulated"] == pytest.approx(paired) and handoffs["holds"] == "yes"
    report = (out / "validation.md").read_text()
    assert "measured targets hold" in report and "| yes |" in report
    misses = table[(table.kind == "target") & (table.holds == "no")]
    assert ("| **no** |" in report) == (len(misses) > 0), "every miss is marked in the report"
    assert "not measured" in report, "targets the model cannot measure are listed, not dropped"


def test_validate_refuses_a_folder_without_the_default_scenarios(marginsim, tmp_path):
    proc = marginsim("validate", "--scenarios", tmp_path, "--out", tmp_path / "v")
    assert proc.returncode == 2 and "generalist.toml" in proc.stderr and "Traceback" not in proc.stderr


def test_calibration_recovers_a_known_parameter():
    from simulation import calibrate
    base = ms.Scenario().scaled(3000).replace(**{"run.weeks": 104, "run.warmup_weeks": 52})
    truth = base.replace(**{"labour_market.job_finding": 0.16})
    seeds = ms.runner.seeds(3, 2)
    rows = [ms.run(truth, seed=s).summary for s in seeds]
    keys = ["unemployment_exit_1_month", "unemployment_exit_6_months"]
    targets = {k: sum(r[k] for r in rows) / len(rows) for k in keys}
    fit = calibrate.fit(base, {"labour_market.job_finding": (0.05, 0.3)}, targets, points=8, replications=2,
                        refine=1, seed=3)
    assert abs(fit.best["labour_market.job_finding"] - 0.16) < 0.04
    assert fit.distance < fit.table["distance"].median()
