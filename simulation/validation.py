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

from . import indicators
from .analysis import interval
from .runner import Task, execute, seeds
from .scenario import Scenario, apply_settings, load_scenario
from .vocabulary import ARCHETYPES, DEFAULT_ROOT_SEED
from .vocabulary import ORGANISATIONS as VOCABULARY_ORGANISATIONS


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


def _district(id, label, source, metric, value, low, high, note=""):
    return Target(id, label, source, "generalist", metric, value, low, high, note)


TARGETS = [
    # --- the district as a whole (docs/calibration_targets.md, "The district as a whole") ---
    _district("employment", "employment rate, 20-66", "SSB register employment 2003-2006", "employment_rate",
              "76-78 %", 0.75, 0.79),
    _district("employment_20_24", "employment rate, 20-24", "SSB register employment 2005-2006", "employment_20_24",
              "about 70 %", 0.64, 0.76),
    _district("employment_25_39", "employment rate, 25-39", "SSB register employment 2005-2006", "employment_25_39",
              "81-83 %", 0.78, 0.86),
    _district("employment_40_54", "employment rate, 40-54", "SSB register employment 2005-2006", "employment_40_54",
              "83-84 %", 0.80, 0.87),
    _district("employment_55_66", "employment rate, 55-66", "SSB register employment 2005-2006", "employment_55_66",
              "64-65 %", 0.60, 0.69),
    _district("disability", "disability benefit, share of 18-66", "NAV 2017, 2020, 2021", "disability_share",
              "9.6-10.5 %", 0.090, 0.110),
    _district("disability_18_29", "disability benefit, share of 18-29", "NAV 2017", "disability_18_29",
              "1.8 %", 0.012, 0.025),
    _district("disability_65_66", "disability benefit, share of 65-66", "NAV 2017 (65-67)", "disability_65_66",
              "32 %", 0.25, 0.40),
    _district("disability_from_aap", "new disability recipients coming from AAP", "NAV 2017, 2020, 2021",
              "disability_from_aap_share", "about 7 in 10", 0.60, 0.80),
    _district("disability_from_sick_pay", "new disability recipients coming from sick pay", "NAV 2017, 2020, 2021",
              "disability_from_sick_pay_share", "about 1 in 10", 0.05, 0.15),
    _district("aap", "AAP recipients, share of 18-66", "NAV 2018", "aap_share", "4.1 %", 0.033, 0.049),
    _district("aap_18_29", "AAP recipients, share of 18-29", "NAV 2018", "aap_18_29", "3.3 %", 0.025, 0.040),
    _district("aap_from_sick_pay", "new AAP recipients who had sick pay just before", "NAV 2018",
              "aap_from_sick_pay_share", "63 %", 0.55, 0.70),
    _district("aap_to_disability", "AAP leavers on disability benefit", "NAV 2018", "aap_exits_to_disability_share",
              "32 % (six months after leaving)", 0.25, 0.40, "model: status at exit"),
    _district("sick_leave", "sickness absence, share of the employed", "SSB/NAV sickness absence statistics",
              "sick_leave_share", "6-7 % of contracted days", 0.055, 0.075),
    _district("sa_per_year", "social-assistance recipients in a year, per 1,000 adults 18-66", "SSB 1998-2009",
              "sa_recipients_per_1000_per_year", "23-32 per 1,000 inhabitants of all ages", 30, 45,
              "the age-specific rates of SSB weighted over 18-66 give about 35"),
    _district("sa_20_24", "social-assistance recipients per 1,000, 20-24", "SSB 2007-2009", "sa_per_1000_20_24",
              "63-65", 50, 78),
    _district("sa_25_29", "social-assistance recipients per 1,000, 25-29", "SSB 2007-2009", "sa_per_1000_25_29",
              "51-53", 40, 65),
    _district("sa_30_39", "social-assistance recipients per 1,000, 30-39", "SSB 2007-2009", "sa_per_1000_30_39",
              "41-43", 32, 52),
    _district("sa_40_49", "social-assistance recipients per 1,000, 40-49", "SSB 2007-2009", "sa_per_1000_40_49",
              "36", 28, 45),
    _district("sa_50_59", "social-assistance recipients per 1,000, 50-59", "SSB 2007-2009", "sa_per_1000_50_59",
              "22-23", 16, 30),
    _district("sa_60_66", "social-assistance recipients per 1,000, 60-66", "SSB 2007-2009", "sa_per_1000_60_66",
              "11-12", 7, 17),
    # --- social assistance and unemployment spells ---
    _district("sa_months", "social assistance: months per recipient in a year", "SSB 2013-2019",
              "sa_months_per_recipient", "5.1-5.5", 5.1, 5.5),
    _district("sa_1_month", "social assistance: recipients with 1 month", "SSB 2017", "sa_share_1_month",
              "20.5 %", 0.15, 0.26),
    _district("sa_upto_2_months", "social assistance: recipients with up to 2 months", "SSB 2017",
              "sa_share_upto_2_months", "35.3 %", 0.26, 0.44),
    _district("sa_6plus_months", "social assistance: recipients with 6+ months", "SSB 2017",
              "sa_share_6plus_months", "38.5 %", 0.29, 0.48),
    _district("sa_12_months", "social assistance: recipients all 12 months", "SSB 2017", "sa_share_12_months",
              "10.2 %", 0.077, 0.128),
    _district("sa_share", "social assistance: recipients as share of adults", "Lima 2023 (18-89)",
              "sa_recipient_share", "about 1.2 %", 0.009, 0.018, "model: weekly stock among 18-66, who receive "
              "more often than 67-89"),
    _district("sa_main_income", "social assistance as main income", "SSB 2016", "sa_main_income_share",
              "about 4 in 10", 0.32, 0.48),
    _district("unemp_1_month", "registered unemployed gone after 1 month", "Andreev 2016",
              "unemployment_exit_1_month", "about 30 %", 0.22, 0.38),
    _district("unemp_6_months", "registered unemployed gone after 6 months", "Andreev 2016",
              "unemployment_exit_6_months", "about 70 %", 0.60, 0.80),
    # --- the office and its staff ---
    Target("idle_generalist", "idle share of caseworker hours", "002:8122-8128 (staffing); issue: time binds",
           "generalist", "time_share_idle", "near zero", 0.0, 0.05),
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


ORGANISATIONS = ARCHETYPES


def _per_organisation(id, label, source, variant, metric, expected):
    """The same pattern experiment in each of the three organisations."""
    return [Pattern(f"{id}_{org}", f"{label} ({org})", source, org, f"{org}_{variant}", metric, expected)
            for org in ORGANISATIONS]


PATTERNS = [
    *_per_organisation("crowding_out", "follow-up crowded out as caseload rises (60 % of the staff)",
                       "000:6976-7024; 001:330-337; 003:992-999", "staff_60", "follow_up_hours_per_user_week", "lower"),
    *_per_organisation("rule_work_first", "rule work keeps its place as caseload rises (decision share of time)",
                       "001:330-337; 000:6998-7002", "staff_60", "time_share_decisions", "higher"),
    *_per_organisation("crowding_out_applications", "a rise in applications crowds out follow-up",
                       "000:6976-7024; 003:984-1000", "applications", "follow_up_hours_per_user_week", "lower"),
    *_per_organisation("applications_take_time", "a rise in applications takes hours for decisions",
                       "000:6976-7024; 003:984-1000", "applications", "time_share_decisions", "higher"),
    *_per_organisation("staffing_employment", "more staff, more employment (160 % of the staff)",
                       "002:8288-8292", "staff_160", "employment_rate", "higher"),
    *_per_organisation("caseload_reduction", "more caseworkers shorten the wait for follow-up (160 % of the staff)",
                       "002:8288-8292", "staff_160", "first_follow_up_wait_weeks", "lower"),
    *_per_organisation("caseload_reduction_sa", "more caseworkers shorten social-assistance receipt (160 % of "
                                                "the staff)",
                       "002:8288-8292", "staff_160", "sa_months_per_recipient", "lower"),
    *_per_organisation("no_follow_up_employment", "without follow-up, employment falls (sessions have no effect)",
                       "Card et al. 2018", "no_follow_up", "employment_rate", "lower"),
    *_per_organisation("no_follow_up_sa", "without follow-up, social-assistance months rise (sessions have no effect)",
                       "Card et al. 2018", "no_follow_up", "sa_months_per_recipient", "higher"),
    Pattern("creaming", "creaming under time pressure (60 % of the staff)", "003:984-1000; 004:5763-5779",
            "generalist", "generalist_staff_60", "creaming_index", "higher"),
    Pattern("handoffs", "specialist offices hand users off", "002:3813-3841; 001:322-328", "generalist",
            "specialist", "handoffs_per_user", "higher"),
    Pattern("contact_points", "specialist offices give users more contact points", "002:5089-5093", "generalist",
            "specialist", "contact_points_per_user", "higher"),
    # P3 and P4 of docs/ODD.md: results of learning, hand-offs and strain, the same code in every office
    Pattern("specialist_competence", "P3: specialists know their task better (learnt competence, staff-weighted)",
            "000:4420-4428; 002:4939-4941", "generalist", "specialist", "competence_mean", "higher"),
    Pattern("lost_at_transfers", "P3: specialist offices lose users at transfers", "002:3813-3841; 001:389",
            "generalist", "specialist", "lost_in_handoff_per_year", "higher"),
    Pattern("generalist_too_demanding", "P4: the generalist role is 'too demanding' (staff sick leave; "
            "specialist minus generalist, so 'lower' means the generalists are off sick more)",
            "002:4983-4985; 002:7496-7500", "generalist", "specialist", "staff_sick_leave", "lower"),
    Pattern("generalist_heaviest", "P4: generalists give the heaviest users less follow-up (hours per "
            "user-week, most marginalised fifth; specialist minus generalist)", "002:4564-4572",
            "generalist", "specialist", "follow_up_hours_per_user_week_q1", "higher"),
    Pattern("duration_dependence", "the longer out of work, the lower the return hazard (hazard ratio month 1 / "
                                   "months 2-6)",
            "004:4445-4455", "generalist", "generalist", "duration_dependence_ratio", "higher"),
    Pattern("several_arenas", "several arenas lost accelerate exclusion (acceleration on vs off)", "004:2859-2871",
            "generalist_no_acceleration", "generalist", "share_2plus_lost", "higher"),
    Pattern("equal_follow_up", "generalist offices equalise follow-up across benefit groups "
            "(gap: absolute log of municipal over state follow-up hours per user-week)", "002:4546-4550; 002:8040-8051",
            "benefit_lines", "generalist", "follow_up_benefit_gap", "lower"),
]


#: the scenario files validation reads from the scenarios folder
SCENARIOS = VOCABULARY_ORGANISATIONS
#: experiments: name -> (scenario it changes, how)
_CHANGES = {
    "staff_60": lambda s: apply_settings(s, caseworkers=round(s.total_staff * 0.6)),
    "staff_160": lambda s: apply_settings(s, caseworkers=round(s.total_staff * 1.6)),
    "no_follow_up": lambda s: s.replace(**{"follow_up.effect_scale": 0.0}),
    "applications": lambda s: s.replace(**{"shocks.application_rate_factor": 2.0}),
}
EXPERIMENTS = {
    **{f"{org}_{name}": (org, change) for org in ORGANISATIONS for name, change in _CHANGES.items()},
    "generalist_no_acceleration": ("generalist", lambda g: g.replace(**{"arenas.acceleration_per_arena_lost": 0.0})),
}
VARIANTS = SCENARIOS + tuple(EXPERIMENTS)
#: what `marginsim validate` reports per organisation about the office's time
OFFICE_INDICATORS = ("time_share_idle", "pressure", "time_share_decisions", "time_share_follow_up",
                     "first_follow_up_wait_weeks", "decision_wait_weeks", "overdue_applications", "slipped_share",
                     "early_share", "decision_period_weeks", "parked_users", "handoffs_per_user",
                     "contact_points_per_user")


def variants(scenarios: dict[str, Scenario]) -> dict[str, Scenario]:
    return {**scenarios, **{name: change(scenarios[base]) for name, (base, change) in EXPERIMENTS.items()}}


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


def run_all(scenario_dir: Path, replications: int, jobs: int = 1, seed: int = DEFAULT_ROOT_SEED, overrides=(),
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


def office_table(reps: pd.DataFrame) -> pd.DataFrame:
    """Per organisation, the office's time: mean and 95 % interval of each of OFFICE_INDICATORS,
    and the users per caseworker of every unit."""
    rows = []
    for org in SCENARIOS:
        g = reps[reps["variant"] == org]
        caseload = [c for c in g.columns if c.startswith("caseload_") and g[c].notna().any()]
        for metric in OFFICE_INDICATORS + tuple(caseload):
            if metric in g.columns:
                mean, lo, hi = interval(g[metric])
                rows.append({"scenario": org, "metric": metric, "mean": mean, "ci_low": lo, "ci_high": hi})
    return pd.DataFrame(rows)


def write(folder: Path, targets: pd.DataFrame, patterns: pd.DataFrame, replications: int, seed: int,
          reps: pd.DataFrame | None = None) -> None:
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
             "## Targets", "", "| target | source | scenario | target value | tolerance | simulated (95 % "
                               "interval) | holds |",
             "|---|---|---|---|---|---|---|"]
    for r in targets.itertuples():
        sim = f"{_num(r.simulated)} ({_num(r.ci_low)} to {_num(r.ci_high)})" if r.holds in ("yes", "no") else r.note
        mark = "**no**" if r.holds == "no" else r.holds
        lines.append(f"| {r.label} | {r.source} | {r.scenario} | {r.target} | {r.tolerance} | {sim} | {mark} |")
    lines += ["", "## Patterns", "",
              "Effect = variant minus baseline (paired by replication); for duration dependence, the hazard "
              "ratio minus 1.", "",
              "| pattern | source | comparison | indicator | expected | effect (95 % interval) | holds |",
              "|---|---|---|---|---|---|---|"]
    for r in patterns.itertuples():
        mark = r.holds if r.holds == "yes" else f"**{r.holds}**"
        lines.append(f"| {r.label} | {r.source} | {r.scenario} | `{r.metric}` | {r.target} | "
                     f"{_num(r.simulated)} ({_num(r.ci_low)} to {_num(r.ci_high)}) | {mark} |")
    if reps is not None:
        office = office_table(reps)
        office.to_csv(folder / "office.csv", index=False)
        lines += ["", "## The office's time, per organisation", "",
                  "Means over replications (95 % interval), over the whole recorded period. Idle share: hours "
                  "with nothing to do; pressure: hours asked (intake, rule work, due sessions) over hours there; "
                  "slipped share: due sessions not held in their week; early share: sessions brought forward "
                  "with hours to spare; caseload: users per caseworker of each unit.", "",
                  "| indicator | " + " | ".join(SCENARIOS) + " |", "|---|" + "---|" * len(SCENARIOS)]
        for metric in office["metric"].unique():
            cells = []
            for org in SCENARIOS:
                r = office[(office["scenario"] == org) & (office["metric"] == metric)]
                cells.append(f"{_num(r['mean'].iloc[0])} ({_num(r['ci_low'].iloc[0])} to {_num(r['ci_high'].iloc[0])})"
                             if len(r) else "")
            label = indicators.label(metric) if indicators.known(metric) else metric
            lines.append(f"| {label} (`{metric}`) | " + " | ".join(cells) + " |")
    lines.append("")
    (folder / "validation.md").write_text("\n".join(lines), encoding="utf-8")
