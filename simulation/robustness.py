"""Honest comparisons: what a comparison assumes, and whether its findings survive the assumptions.

Two questions an analyst should ask of "generalist or specialist?":

* *What does this comparison assume?* :func:`assumptions` lists every parameter that differs
  between the compared scenarios (the organisation itself, and anything else), and the
  assumption parameters (no source gives their size) that an organisation comparison can be
  sensitive to, with their values.
* *Does the verdict survive them?* :func:`plan_robustness` and :func:`run_robustness` rerun the
  comparison at the low and the high end of each of those assumptions' plausible ranges (one at
  a time, common random numbers), and :func:`robustness_table` says for each finding whether
  its sign holds across every variant, and which assumption flips it if not.

Like validation.py this module reads scenarios and runs them; the model knows nothing of it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .analysis import interval
from .runner import Task, execute
from .scenario import Scenario, getattr_dotted

#: assumption parameters that can decide an organisation comparison, with a plausible range
#: (docs/organisation.md): hand-off costs, continuity, learning, breadth, strain, covering
ORGANISATION_ASSUMPTIONS: dict[str, tuple[float, float]] = {
    "office.handoff_loss": (0.0, 0.15),
    "office.handoff_delay_weeks": (0, 6),
    "office.handoff_hours": (0.0, 1.5),
    "follow_up.reassessment_hours": (0.0, 2.0),
    "follow_up.continuity_start": (0.25, 0.9),
    "caseworkers.learning_hours": (300.0, 2000.0),
    "caseworkers.task_switch_hours": (0.0, 2.0),
    "caseworkers.strain_sick_leave_factor": (1.0, 8.0),
    "office.cover_share": (0.0, 1.0),
}
#: the findings checked by default: indicator -> which direction is better
FINDINGS = {
    "employment_rate": "higher",
    "share_2plus_lost": "lower",
    "sa_months_per_recipient": "lower",
    "first_follow_up_wait_weeks": "lower",
    "follow_up_hours_per_user_week_q1": "higher",
    "staff_sick_leave": "lower",
}


def _flat(data, prefix="") -> dict:
    out = {}
    for key, value in data.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def _describe_units(units) -> str:
    return "; ".join(f"{u['name']} ({u['staff']}: {', '.join(u['tasks'])}"
                     + (f", {u['target_group']}" if u["target_group"] != "all" else "") + ")" for u in units)


def assumptions(scenarios: list[Scenario]) -> pd.DataFrame:
    """What a comparison of ``scenarios`` assumes: one row per parameter, with a value column per
    scenario and ``kind`` = ``differs`` (set differently in the compared scenarios) or
    ``assumption`` (the same everywhere, no source gives its size, and it can decide the comparison)."""
    sources = dict(_sources(Scenario))
    flats = [_flat(s.to_dict()) for s in scenarios]
    names = [s.name for s in scenarios]
    rows = []
    for key in flats[0]:
        if key in ("name", "description"):
            continue
        values = [f.get(key) for f in flats]
        if key.endswith("units"):
            values = [_describe_units(v) for v in values]
        if any(v != values[0] for v in values[1:]):
            rows.append({"parameter": key, "kind": "differs", "source": sources.get(key, ""),
                         **dict(zip(names, values, strict=False))})
    for key in ORGANISATION_ASSUMPTIONS:
        values = [f[key] for f in flats]
        if all(v == values[0] for v in values[1:]):
            lo, hi = ORGANISATION_ASSUMPTIONS[key]
            rows.append({"parameter": key, "kind": "assumption", "source": sources.get(key, ""),
                         "range": f"{lo} to {hi}", **dict(zip(names, values, strict=False))})
    return pd.DataFrame(rows)


def _sources(cls, prefix=""):
    import dataclasses
    import typing
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        kind = hints[f.name]
        if dataclasses.is_dataclass(kind):
            yield from _sources(kind, f"{prefix}{f.name}.")
        elif "source" in f.metadata:
            yield f"{prefix}{f.name}", f.metadata["source"]


@dataclass(frozen=True)
class Variant:
    """One point of the robustness design: an assumption at one end of its range (or the base)."""

    name: str
    parameter: str | None
    value: float | None


def plan_robustness(ranges: dict[str, tuple[float, float]] | None = None) -> list[Variant]:
    """The base point and, one at a time, each assumption at the low and the high end of its range."""
    ranges = ORGANISATION_ASSUMPTIONS if ranges is None else ranges
    out = [Variant("base", None, None)]
    for key, (lo, hi) in ranges.items():
        out += [Variant(f"{key}={lo}", key, lo), Variant(f"{key}={hi}", key, hi)]
    return out


def _apply(s: Scenario, v: Variant) -> Scenario:
    if v.parameter is None:
        return s
    assert v.value is not None
    value = int(v.value) if isinstance(getattr_dotted(s, v.parameter), int) else v.value
    return s.replace(**{v.parameter: value})


def run_robustness(scenarios: list[Scenario], seeds: list[int], variants: list[Variant], jobs: int = 1,
                   progress=None) -> pd.DataFrame:
    """Every variant x scenario x seed (common random numbers); one row each with the summary."""
    tasks = [Task((v.name, s.name, k), _apply(s, v), seed)
             for v in variants for s in scenarios for k, seed in enumerate(seeds)]
    rows = []
    params = {v.name: v for v in variants}

    def keep(key, result):
        v = params[key[0]]
        rows.append({"variant": key[0], "parameter": v.parameter, "value": v.value, "scenario": key[1],
                     "replication": key[2], **result.summary})
        if progress:
            progress(1)

    execute(tasks, jobs=jobs, on_result=keep)
    return pd.DataFrame(rows)


def robustness_table(reps: pd.DataFrame, baseline: str, findings: dict[str, str] | None = None) -> pd.DataFrame:
    """Per compared scenario and finding: the paired difference against ``baseline`` at the base
    point, its smallest and largest value over the variants, and whether its sign holds in every
    variant (a difference whose interval includes zero at the base point has no sign to hold)."""
    findings = FINDINGS if findings is None else findings
    rows = []
    for scenario in reps["scenario"].unique():
        if scenario == baseline:
            continue
        for metric, better in findings.items():
            if metric not in reps.columns:
                continue
            per_variant = {}
            for variant, g in reps.groupby("variant", sort=False):
                a = g[g["scenario"] == scenario].set_index("replication")[metric]
                b = g[g["scenario"] == baseline].set_index("replication")[metric]
                per_variant[variant] = interval((a - b).dropna())
            mean, lo, hi = per_variant["base"]
            sign = 0 if (np.isnan(lo) or lo <= 0 <= hi) else int(np.sign(mean))
            flips = [v for v, (m, _, _) in per_variant.items() if v != "base" and sign and np.sign(m) != sign]
            means = [m for m, _, _ in per_variant.values()]
            rows.append({"scenario": scenario, "baseline": baseline, "metric": metric, "better": better,
                         "difference": mean, "ci_low": lo, "ci_high": hi,
                         "smallest": float(np.nanmin(means)), "largest": float(np.nanmax(means)),
                         "sign_holds": "no sign (interval includes zero)" if not sign else
                         ("yes" if not flips else "no"), "flipped_by": "; ".join(flips)})
    return pd.DataFrame(rows)


def sentences(table: pd.DataFrame) -> list[str]:
    """One plain sentence per finding."""
    out = []
    for r in table.itertuples():
        if r.sign_holds.startswith("no sign"):
            out.append(f"{r.scenario} vs {r.baseline}, {r.metric}: no difference to test "
                       f"({r.difference:+.4g}, interval {r.ci_low:+.4g} to {r.ci_high:+.4g}).")
        elif r.sign_holds == "yes":
            out.append(f"{r.scenario} vs {r.baseline}, {r.metric}: the difference keeps its sign across every "
                       f"assumption's range ({r.smallest:+.4g} to {r.largest:+.4g}).")
        else:
            out.append(f"{r.scenario} vs {r.baseline}, {r.metric}: the sign depends on the assumptions; "
                       f"it flips at {r.flipped_by} ({r.smallest:+.4g} to {r.largest:+.4g}).")
    return out


def markdown(assumed: pd.DataFrame, table: pd.DataFrame | None = None) -> str:
    """The report sections "What this comparison assumes" and, if run, "Robustness"."""
    names = [c for c in assumed.columns if c not in ("parameter", "kind", "source", "range")]
    lines = ["## What this comparison assumes", "",
             "Parameters set differently in the compared scenarios, then assumptions (no source gives their "
             "size) that are the same in every scenario but can decide an organisation comparison; "
             "`marginsim compare --robustness` reruns the comparison across their ranges.", "",
             "| parameter | kind | " + " | ".join(names) + " | range | source |",
             "|---|---|" + "---|" * len(names) + "---|---|"]
    for r in assumed.to_dict("records"):
        lines.append(f"| `{r['parameter']}` | {r['kind']} | " + " | ".join(str(r[n]) for n in names)
                     + f" | {r.get('range', '') if isinstance(r.get('range'), str) else ''} | {r['source']} |")
    if table is not None and len(table):
        lines += ["", "## Robustness", "",
                  "Each assumption above was set to the low and the high end of its range, one at a time, with "
                  "the same seeds; a finding's sign holds when the paired difference keeps its sign in every variant.",
                  "", "| comparison | indicator | difference at the defaults (95 % interval) | range over variants | "
                  "sign holds | flipped by |", "|---|---|---|---|---|---|"]
        for r in table.itertuples():
            lines.append(f"| {r.scenario} vs {r.baseline} | `{r.metric}` | {r.difference:+.4g} ({r.ci_low:+.4g} "
                         f"to {r.ci_high:+.4g}) | {r.smallest:+.4g} to {r.largest:+.4g} | {r.sign_holds} | "
                         f"{r.flipped_by} |")
        lines += [""] + [f"- {s}" for s in sentences(table)]
    return "\n".join(lines) + "\n"
