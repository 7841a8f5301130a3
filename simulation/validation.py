"""Validation: how well the default scenarios match what is known, and whether the patterns the
sources describe appear, each with its interval over replications. Misses are reported, not hidden.

Targets are those of docs/calibration_targets.md (statistics and seed facts), each
with the tolerance argued in docs/calibration.md. Pattern experiments change one thing against a
baseline with common random numbers and report the paired effect with its 95 % interval; a
pattern holds when the interval excludes zero in the direction the source describes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .analysis import interval
from .runner import Task, execute, seeds
from .scenario import Scenario, apply_settings, load_scenario


@dataclass(frozen=True)
class Target:
    id: str
    label: str
    source: str
    scenario: str          # which default scenario the target is read from
    metric: str            # summary indicator ("" = not measured by the model)
    value: str             # the target as the source states it
    low: float | None = None
    high: float | None = None
    note: str = ""


TARGETS = [
    Target("sa_months", "social assistance: months per recipient in a year", "SSB 2013-2019", "generalist",
           "sa_months_per_recipient", "5.1-5.5", 5.1, 5.5),
    Target("sa_1_month", "social assistance: recipients with 1 month", "SSB 2017", "generalist",
           "sa_share_1_month", "20.5 %", 0.15, 0.26),
    Target("sa_upto_2_months", "social assistance: recipients with up to 2 months", "SSB 2017", "generalist",
           "sa_share_upto_2_months", "35.3 %", 0.26, 0.44),
    Target("sa_6plus_months", "social assistance: recipients with 6+ months", "SSB 2017", "generalist",
           "sa_share_6plus_months", "38.5 %", 0.29, 0.48),
    Target("sa_12_months", "social assistance: recipients all 12 months", "SSB 2017", "generalist",
           "sa_share_12_months", "10.2 %", 0.077, 0.128),
    Target("sa_share", "social assistance: recipients as share of adults", "Lima 2023 (18-89)", "generalist",
           "sa_recipient_share", "about 1.2 %", 0.009, 0.015, "model: weekly stock among 18-66"),
    Target("unemp_1_month", "registered unemployed gone after 1 month", "Andreev 2016", "generalist",
           "unemployment_exit_1_month", "about 30 %", 0.22, 0.38),
    Target("unemp_6_months", "registered unemployed gone after 6 months", "Andreev 2016", "generalist",
           "unemployment_exit_6_months", "about 70 %", 0.60, 0.80),
    Target("sa_main_income", "social assistance as main income", "SSB 2016", "generalist", "",
           "about 4 in 10", note="not applicable: social assistance is the sole income of those out of work"),
    Target("caseload_state", "users per caseworker, state follow-up", "002:8148-8150, 002:8288-8292", "specialist",
           "caseload_work", "about 150 (100 after reinforcement)", 80, 170),
    Target("caseload_municipal", "users per caseworker, municipal follow-up", "002:8148-8150", "specialist",
           "caseload_housing_social", "about 20", 12, 30),
    Target("caseload_tio", "users per caseworker, close follow-up team", "002:7480-7482", "target_group_teams",
           "caseload_close_follow_up", "7-8", 5, 8, "the cap (8) is an input"),
    Target("caseload_youth", "users per caseworker, youth contact", "002:5198-5208", "target_group_teams",
           "caseload_youth_team", "about 70", 50, 90),
    Target("decision_deadline", "weeks from application to decision", "003:984-990", "specialist",
           "decision_wait_weeks", "within 4 weeks", 0, 4),
    Target("kvp_to_work", "qualification programme exits to work", "004:3542-3548", "generalist", "",
           "35 %", note="not measured yet: exits from the programme by destination are not recorded"),
    Target("pilots_to_work", "social-service work pilots: clients into work", "001:375-382", "generalist", "",
           "23 %", note="not measured yet: no pilot cohort in the model"),
]


@dataclass(frozen=True)
class Pattern:
    id: str
    label: str
    source: str
    baseline: str          # variant names (see variants())
    variant: str
    metric: str
    expected: str          # "higher" or "lower": the variant against the baseline


PATTERNS = [
    Pattern("crowding_out", "follow-up crowded out as caseload rises (half the staff)",
            "000:6976-7024; 001:330-337; 003:992-999", "generalist", "generalist_half_staff",
            "follow_up_hours_per_user_week", "lower"),
    Pattern("rule_work_first", "rule work keeps its place as caseload rises (decision share of time)",
            "001:330-337; 000:6998-7002", "generalist", "generalist_half_staff", "time_share_decisions", "higher"),
    Pattern("creaming", "creaming under time pressure (half the staff)", "003:984-1000; 004:5763-5779",
            "generalist", "generalist_half_staff", "creaming_index", "higher"),
    Pattern("handoffs", "specialist offices hand users off", "002:3813-3841; 001:322-328", "generalist",
            "specialist", "handoffs_per_user", "higher"),
    Pattern("contact_points", "specialist offices give users more contact points", "002:5089-5093", "generalist",
            "specialist", "contact_points_per_user", "higher"),
    Pattern("duration_dependence", "the longer out of work, the lower the return hazard (hazard ratio month 1 / months 2-6)",
            "004:4445-4455", "generalist", "generalist", "duration_dependence_ratio", "higher"),
    Pattern("several_arenas", "several arenas lost accelerate exclusion (acceleration on vs off)", "004:2859-2871",
            "generalist_no_acceleration", "generalist", "share_2plus_lost", "higher"),
    Pattern("equal_follow_up", "generalist offices equalise follow-up across benefit groups "
            "(gap: absolute log of municipal over state follow-up hours per user-week)", "002:4546-4550; 002:8040-8051",
            "benefit_lines", "generalist", "follow_up_benefit_gap", "lower"),
    Pattern("caseload_reduction", "more caseworkers shorten the wait for follow-up (one and a half times the staff)",
            "002:8288-8292", "generalist", "generalist_more_staff", "first_follow_up_wait_weeks", "lower"),
    Pattern("caseload_reduction_sa", "more caseworkers shorten social-assistance receipt",
            "002:8288-8292", "generalist", "generalist_more_staff", "sa_months_per_recipient", "lower"),
]


#: the scenario files validation reads from the scenarios folder
SCENARIOS = ("generalist", "specialist", "target_group_teams", "benefit_lines")
#: experiments on the generalist office: name -> how it changes the scenario
EXPERIMENTS = {
    "generalist_half_staff": lambda g: apply_settings(g, caseworkers=max(1, g.total_staff // 2)),
    "generalist_more_staff": lambda g: apply_settings(g, caseworkers=round(g.total_staff * 1.5)),
    "generalist_no_acceleration": lambda g: g.replace(**{"arenas.acceleration_per_arena_lost": 0.0}),
}
VARIANTS = SCENARIOS + tuple(EXPERIMENTS)


def variants(scenarios: dict[str, Scenario]) -> dict[str, Scenario]:
    return {**scenarios, **{name: change(scenarios["generalist"]) for name, change in EXPERIMENTS.items()}}


def derived(summary: dict) -> dict:
    """Indicators computed from the summary for the pattern experiments."""
    hours = [summary[f"follow_up_hours_per_user_week_q{q}"] for q in range(1, 6)]
    e1, e6 = summary["unemployment_exit_1_month"], summary["unemployment_exit_6_months"]
    early = e1 / 4.33                                        # weekly exit hazard in the first month
    later = (e6 - e1) / max(1e-9, (1 - e1)) / 21.7           # average weekly hazard in months 2-6
    ratio = summary["follow_up_municipal_to_state"]
    return {"follow_up_hours_per_user_week": float(np.nanmean(hours)),
            "duration_dependence_ratio": early / later if later > 0 else np.nan,
            "follow_up_benefit_gap": abs(float(np.log(ratio))) if ratio > 0 else np.nan}


def run_all(scenario_dir: Path, replications: int, jobs: int = 1, seed: int = 20261122, overrides=(),
            progress=None) -> pd.DataFrame:
    """Every variant x replication; one row each (common random numbers across variants)."""
    scenarios = {n: load_scenario(Path(scenario_dir) / f"{n}.toml", list(overrides)) for n in SCENARIOS}
    runs = variants(scenarios)
    rep_seeds = seeds(seed, replications)
    tasks = [Task((name, k), s, rep_seeds[k]) for name, s in runs.items() for k in range(replications)]
    rows = []

    def keep(key, result):
        rows.append({"variant": key[0], "replication": key[1], "seed": result.seed, **result.summary,
                     **derived(result.summary)})
        if progress:
            progress(1)

    execute(tasks, jobs=jobs, on_result=keep)
    return pd.DataFrame(rows).sort_values(["variant", "replication"], ignore_index=True)


def check_targets(reps: pd.DataFrame) -> pd.DataFrame:
    out = []
    for t in TARGETS:
        row = {"kind": "target", "id": t.id, "label": t.label, "source": t.source, "scenario": t.scenario,
               "target": t.value, "tolerance": f"{t.low} to {t.high}" if t.low is not None else "", "note": t.note}
        g = reps[reps["variant"] == t.scenario]
        if not t.metric or t.metric not in g.columns:
            out.append({**row, "simulated": np.nan, "ci_low": np.nan, "ci_high": np.nan,
                        "holds": "not measured" if not t.note.startswith("not applicable") else "not applicable"})
            continue
        mean, lo, hi = interval(g[t.metric])
        holds = "yes" if t.low <= mean <= t.high else "no"
        out.append({**row, "metric": t.metric, "simulated": mean, "ci_low": lo, "ci_high": hi, "holds": holds})
    return pd.DataFrame(out)


def check_patterns(reps: pd.DataFrame) -> pd.DataFrame:
    out = []
    for p in PATTERNS:
        base = reps[reps["variant"] == p.baseline].set_index("replication")[p.metric]
        var = reps[reps["variant"] == p.variant].set_index("replication")[p.metric]
        if p.baseline == p.variant:          # a ratio tested against 1 (no dependence)
            effect, lo, hi = interval(var - 1.0)
        else:
            effect, lo, hi = interval(var - base)
        if np.isnan(lo) or lo <= 0 <= hi:
            holds = "no (interval includes zero)"
        else:
            holds = "yes" if (effect > 0) == (p.expected == "higher") else "no (opposite direction)"
        out.append({"kind": "pattern", "id": p.id, "label": p.label, "source": p.source,
                    "scenario": f"{p.variant} vs {p.baseline}" if p.baseline != p.variant else p.variant,
                    "metric": p.metric, "target": f"{p.expected}" + (" than 1" if p.baseline == p.variant else ""),
                    "simulated": effect, "ci_low": lo, "ci_high": hi, "holds": holds,
                    "baseline_mean": float(base.mean()), "variant_mean": float(var.mean())})
    return pd.DataFrame(out)


def _num(x) -> str:
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return ""
    return f"{x:.4g}"


def write(folder: Path, targets: pd.DataFrame, patterns: pd.DataFrame, replications: int, seed: int) -> None:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    pd.concat([targets, patterns], ignore_index=True).to_csv(folder / "validation.csv", index=False)
    held = (targets["holds"] == "yes").sum()
    measured = targets["holds"].isin(["yes", "no"]).sum()
    lines = ["# marginsim validation", "",
             f"The default scenarios, {replications} replications each (root seed {seed}, common random numbers). "
             "Intervals are 95 % t intervals over replications. Targets and tolerances: "
             "docs/calibration_targets.md and docs/calibration.md. "
             f"**{held} of {measured} measured targets hold** (a target holds when the mean over replications "
             "lies inside its tolerance; the interval shows how sure that is); every miss is listed.", "",
             "## Targets", "", "| target | source | scenario | target value | tolerance | simulated (95 % interval) | holds |",
             "|---|---|---|---|---|---|---|"]
    for r in targets.itertuples():
        sim = f"{_num(r.simulated)} ({_num(r.ci_low)} to {_num(r.ci_high)})" if r.holds in ("yes", "no") else r.note
        mark = "**no**" if r.holds == "no" else r.holds
        lines.append(f"| {r.label} | {r.source} | {r.scenario} | {r.target} | {r.tolerance} | {sim} | {mark} |")
    lines += ["", "## Patterns", "",
              "Effect = variant minus baseline (paired by replication); for duration dependence, the hazard ratio minus 1.", "",
              "| pattern | source | comparison | indicator | expected | effect (95 % interval) | holds |",
              "|---|---|---|---|---|---|---|"]
    for r in patterns.itertuples():
        mark = r.holds if r.holds == "yes" else f"**{r.holds}**"
        lines.append(f"| {r.label} | {r.source} | {r.scenario} | `{r.metric}` | {r.target} | "
                     f"{_num(r.simulated)} ({_num(r.ci_low)} to {_num(r.ci_high)}) | {mark} |")
    lines.append("")
    (folder / "validation.md").write_text("\n".join(lines), encoding="utf-8")
