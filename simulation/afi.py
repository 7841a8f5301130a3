"""The seven case offices of the AFI study (source 002, Fossestøl, Borg & Breit 2016) against the model.

Each office is a scenario file in ``scenarios/offices/`` (see docs/offices.md for how 002's text is
encoded and what is assumed). :func:`compare_offices` runs them and sets the simulated users per
caseworker, staff sick leave and turnover beside what 002 reports: a few caseloads stated by
informants at single offices, two sick-leave rates, and the staff survey's rankings of the offices.
Like :mod:`simulation.validation`, this module reads scenario files; the model knows nothing of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .analysis import interval
from .runner import Task, execute, seeds
from .scenario import Scenario, load_scenario
from .vocabulary import DEFAULT_ROOT_SEED

#: office -> scenario file in the offices folder
OFFICES = {
    "fana": "fana.toml",
    "ytrebygda": "ytrebygda.toml",
    "sagene": "sagene.toml",
    "ostensjo": "ostensjo.toml",
    "lerkendal": "lerkendal.toml",
    "hundvag_og_storhaug": "hundvag_og_storhaug.toml",
    "kristiansand": "kristiansand.toml",
}

#: office -> (state FTE, municipal FTE) as 002 gives them
FTE = {
    "fana": (28, 33),                  # 002:1056-1058, 002:7595-7597
    "ytrebygda": (18, 19),             # 002:8124
    "sagene": (52, 80),                # 002:1060 (002:7694-7696 says 90 municipal)
    "ostensjo": (40, 45),              # 002:1060-1062, 002:8241
    "lerkendal": (41, 58),             # 002:1040, 002:7430-7432
    "hundvag_og_storhaug": (35, 25),   # 002:1032-1034, 002:7850
    "kristiansand": (88, 98),          # 002:1022-1026, 002:7966-7968
}
#: share of FTE left out as leaders, their staff and clerical posts (assumption, docs/offices.md)
LEADERSHIP_SHARE = 0.07


def caseworker_posts(office: str) -> int:
    """Caseworker posts of an office: each line's FTE less the leadership share, rounded."""
    return sum(round(fte * (1 - LEADERSHIP_SHARE)) for fte in FTE[office])


@dataclass(frozen=True)
class SourceFigure:
    """A figure 002 gives for one unit of one office, as the informant or survey put it."""

    office: str
    unit: str            # the unit's name in the office's scenario file
    metric: str          # summary indicator it is compared with (``caseload_<unit>``, ``staff_sick_leave_<unit>``)
    value: str           # as 002 states it
    low: float
    high: float
    source: str
    note: str = ""


SOURCE_CASELOADS = [
    SourceFigure("ytrebygda", "state_follow_up", "caseload", "about 150", 150, 150, "002:8148-8150",
                 "an informant's statement, not a measured average"),
    SourceFigure("ytrebygda", "municipal_follow_up", "caseload", "about 20", 20, 20, "002:8148-8150",
                 "an informant's statement, not a measured average"),
    SourceFigure("ostensjo", "state_follow_up", "caseload", "150, then 100 after four new posts", 100, 150,
                 "002:8288-8292", "100 on average after reinforcement"),
    SourceFigure("lerkendal", "tio_team", "caseload", "7-8", 7, 8, "002:7478-7482",
                 "the scenario's cap of 8 is an input"),
    *[SourceFigure(office, unit, "caseload", "about 70 (a youth contact); 35 (a youth AAP caseworker)", 35, 70,
                   "002:5198-5208", "stated at an unnamed Bergen office without a youth team, set beside the "
                   "youth units here for scale")
      for office, unit in (("sagene", "youth_team"), ("lerkendal", "youth_team"),
                           ("kristiansand", "youth_department"))],
    SourceFigure("ostensjo", "municipal_follow_up", "staff_sick_leave", "17 %", 0.17, 0.17, "002:8304-8306",
                 "described as not work-environment related"),
    SourceFigure("ostensjo", "reception", "staff_sick_leave", "18 %", 0.18, 0.18, "002:8304-8306",
                 "described as not work-environment related"),
]

#: the staff survey's placing of each office (002 gives words, no rates); "" = 002 says nothing
SOURCE_RANKINGS = {
    "fana": {"sick_leave": "lowest", "turnover": "lowest", "workload": "high",
             "source": "002:7678-7682"},
    "ytrebygda": {"sick_leave": "high (survey); relatively low (state leader)", "turnover": "low",
                  "workload": "", "source": "002:8215-8217, 002:8186-8188"},
    "sagene": {"sick_leave": "high", "turnover": "high", "workload": "high", "source": "002:7826-7832"},
    "ostensjo": {"sick_leave": "high", "turnover": "high", "workload": "low", "source": "002:8389-8391"},
    "lerkendal": {"sick_leave": "middle", "turnover": "middle", "workload": "highest", "source": "002:5715-5717"},
    "hundvag_og_storhaug": {"sick_leave": "", "turnover": "", "workload": "",
                            "source": "002:7951-7961 (low on most survey items)"},
    "kristiansand": {"sick_leave": "highest", "turnover": "highest", "workload": "highest",
                     "source": "002:8117-8119"},
}

#: office-level indicators reported beside every unit
OFFICE_METRICS = ("staff_sick_leave", "staff_turnover_per_year", "pressure")


def load_offices(scenario_dir: str | Path, offices=None, overrides=()) -> dict[str, Scenario]:
    """The office scenarios (all, or the names in ``offices``), with ``overrides`` (``key=value``)."""
    names = list(offices) if offices is not None else list(OFFICES)
    unknown = [n for n in names if n not in OFFICES]
    if unknown:
        raise ValueError(f"unknown office {unknown[0]!r}; allowed: {', '.join(OFFICES)}")
    return {n: load_scenario(Path(scenario_dir) / OFFICES[n], list(overrides)) for n in names}


def compare_offices(scenario_dir: str | Path, replications: int = 1, weeks: int | None = None,
                    seed: int = DEFAULT_ROOT_SEED, jobs: int = 1, *, offices=None, citizens: int | None = None,
                    warmup_weeks: int | None = None, overrides=()) -> pd.DataFrame:
    """Run each office and set its simulated caseloads and staff figures beside 002's.

    One row per office and unit: ``staff``, ``line``, simulated ``caseload`` (users per caseworker,
    mean over replications, with a 95 % interval when there are several), the unit's
    ``staff_sick_leave_unit``, the office's ``staff_sick_leave``, ``staff_turnover_per_year`` and
    ``pressure``, and where 002 gives one the source figure (``source_caseload``,
    ``source_sick_leave`` with low/high and ref) and the survey's placing of the office.
    ``citizens`` runs every office on a district of that size with staff scaled in proportion
    (for quick checks); ``weeks`` and ``warmup_weeks`` shorten the run.
    """
    scenarios = load_offices(scenario_dir, offices, overrides)
    if citizens is not None:
        scenarios = {n: s.scaled(int(citizens)) for n, s in scenarios.items()}
    run_changes = {k: v for k, v in (("run.weeks", weeks), ("run.warmup_weeks", warmup_weeks)) if v is not None}
    if run_changes:
        scenarios = {n: s.replace(**run_changes) for n, s in scenarios.items()}
    rep_seeds = seeds(seed, replications)
    tasks = [Task((name, k), s, rep_seeds[k]) for name, s in scenarios.items() for k in range(replications)]
    summaries: dict[str, list[dict]] = {name: [] for name in scenarios}
    execute(tasks, jobs=jobs, on_result=lambda key, result: summaries[key[0]].append(result.summary))
    rows = [row for name, s in scenarios.items() for row in _office_rows(name, s, pd.DataFrame(summaries[name]))]
    return pd.DataFrame(rows)


def _office_rows(name: str, scenario: Scenario, reps: pd.DataFrame) -> list[dict]:
    office = {m: float(reps[m].mean()) if m in reps else np.nan for m in OFFICE_METRICS}
    ranks = SOURCE_RANKINGS[name]
    rows = []
    for unit in scenario.office.units:
        mean, lo, hi = interval(reps.get(f"caseload_{unit.name}", pd.Series(dtype=float)))
        row = {"office": name, "unit": unit.name, "line": unit.line, "target_group": unit.target_group,
               "staff": unit.staff, "replications": len(reps),
               "caseload": mean, "caseload_ci_low": lo, "caseload_ci_high": hi,
               "staff_sick_leave_unit": float(reps[f"staff_sick_leave_{unit.name}"].mean())
               if f"staff_sick_leave_{unit.name}" in reps else np.nan,
               **office,
               "source_rank_sick_leave": ranks["sick_leave"], "source_rank_turnover": ranks["turnover"],
               "source_rank_workload": ranks["workload"], "source_rank_ref": ranks["source"]}
        for kind, column in (("caseload", "source_caseload"), ("staff_sick_leave", "source_sick_leave")):
            fig = next((f for f in SOURCE_CASELOADS if f.office == name and f.unit == unit.name and f.metric == kind),
                       None)
            row.update({column: fig.value if fig else "", f"{column}_low": fig.low if fig else np.nan,
                        f"{column}_high": fig.high if fig else np.nan, f"{column}_ref": fig.source if fig else ""})
        rows.append(row)
    return rows


def _num(x, pct: bool = False) -> str:
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return ""
    return f"{100 * x:.1f} %" if pct else f"{x:.3g}"


def markdown(table: pd.DataFrame) -> str:
    """The comparison as two Markdown tables: units (caseloads, unit sick leave) and offices
    (sick leave, turnover, pressure beside the survey's placing)."""
    lines = ["## The AFI case offices: units", "",
             "Simulated users per caseworker and staff sick leave per unit, beside what 002 states "
             "(informants at single offices; not measured averages).", "",
             "| office | unit | line | staff | caseload (95 % interval) | 002 caseload | sick leave | 002 sick leave "
             "| ref |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in table.itertuples():
        ci = f" ({_num(r.caseload_ci_low)} to {_num(r.caseload_ci_high)})" if not np.isnan(r.caseload_ci_low) else ""
        ref = ", ".join(x for x in (r.source_caseload_ref, r.source_sick_leave_ref) if x)
        lines.append(f"| {r.office} | {r.unit} | {r.line} | {r.staff} | {_num(r.caseload)}{ci} | {r.source_caseload} | "
                     f"{_num(r.staff_sick_leave_unit, pct=True)} | {r.source_sick_leave} | {ref} |")
    lines += ["", "## The AFI case offices: staff", "",
              "Simulated staff sick leave, turnover and pressure per office, beside the staff survey's "
              "placing of the office among the seven (002 gives words, not rates).", "",
              "| office | staff | sick leave | 002 sick leave | turnover per year | 002 turnover | pressure "
              "| 002 workload | ref |",
              "|---|---|---|---|---|---|---|---|---|"]
    for name, g in table.groupby("office", sort=False):
        r = g.iloc[0]
        lines.append(f"| {name} | {int(g['staff'].sum())} | {_num(r.staff_sick_leave, pct=True)} | "
                     f"{r.source_rank_sick_leave} | {_num(r.staff_turnover_per_year, pct=True)} | "
                     f"{r.source_rank_turnover} | {_num(r.pressure)} | {r.source_rank_workload} | "
                     f"{r.source_rank_ref} |")
    return "\n".join(lines) + "\n"
