"""What a comparison assumes, and whether its findings survive the assumptions (issue 14)."""

import pandas as pd

import simulation as ms
from simulation import robustness as rb

from conftest import SCENARIOS, small


def test_assumptions_list_what_differs_and_the_shared_assumptions():
    g, s = (ms.load_scenario(SCENARIOS / f"{n}.toml") for n in ("generalist", "specialist"))
    a = rb.assumptions([g, s])
    differs = a[a["kind"] == "differs"]
    assert list(differs["parameter"]) == ["office.units"]            # the organisation, and nothing else
    shared = set(a.loc[a["kind"] == "assumption", "parameter"])
    assert shared == set(rb.ORGANISATION_ASSUMPTIONS)
    changed = s.replace(**{"office.handoff_loss": 0.2})
    a = rb.assumptions([g, changed])
    assert "office.handoff_loss" in set(a.loc[a["kind"] == "differs", "parameter"])
    assert "office.handoff_loss" not in set(a.loc[a["kind"] == "assumption", "parameter"])


def _reps(base_diff, variant_diffs):
    """Synthetic replications: scenario B minus A differs by the given amount per variant (+ small noise)."""
    rows = []
    for variant, diff in [("base", base_diff), *variant_diffs.items()]:
        for k, noise in enumerate((-0.01, 0.0, 0.01)):
            rows.append({"variant": variant, "scenario": "A", "replication": k, "employment_rate": 0.7})
            rows.append({"variant": variant, "scenario": "B", "replication": k, "employment_rate": 0.7 + diff + noise})
    return pd.DataFrame(rows)


def test_a_finding_holds_only_if_its_sign_survives_every_variant():
    held = rb.robustness_table(_reps(0.05, {"x=0": 0.03, "x=1": 0.08}), "A", {"employment_rate": "higher"})
    assert held["sign_holds"].iloc[0] == "yes"
    flipped = rb.robustness_table(_reps(0.05, {"x=0": -0.04, "x=1": 0.08}), "A", {"employment_rate": "higher"})
    assert flipped["sign_holds"].iloc[0] == "no" and flipped["flipped_by"].iloc[0] == "x=0"
    assert flipped["smallest"].iloc[0] < 0 < flipped["largest"].iloc[0]
    none = rb.robustness_table(_reps(0.0, {"x=0": 0.03}), "A", {"employment_rate": "higher"})
    assert none["sign_holds"].iloc[0].startswith("no sign")


def test_robustness_runs_every_variant_with_common_seeds():
    ss = [small(ms.load_scenario(SCENARIOS / f"{n}.toml"), citizens=1500, weeks=30, warmup=10)
          for n in ("generalist", "specialist")]
    variants = rb.plan_robustness({"office.handoff_delay_weeks": (0, 6)})
    reps = rb.run_robustness(ss, [1, 2], variants)
    assert sorted(reps["variant"].unique()) == sorted(v.name for v in variants)
    assert len(reps) == len(variants) * 2 * 2
    # the generalist office has no hand-offs: its results do not depend on the hand-off delay
    g = reps[reps["scenario"] == "generalist"].set_index(["variant", "replication"])["handoffs_per_user"]
    assert (g == 0).all()
    text = rb.markdown(rb.assumptions(ss), rb.robustness_table(reps, "generalist"))
    assert "## What this comparison assumes" in text and "## Robustness" in text
