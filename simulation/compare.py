"""Comparing scenarios: replications with common random numbers, streamed to disk, resumable.

``plan_comparison`` checks the input (and refuses what cannot be compared);
``run_comparison`` runs what is not yet on disk and then writes the tables, figures and the
report. Each finished replication is written at once under ``runs/`` (atomically), so an
interrupted comparison keeps what had finished and ``resume=True`` completes the rest.

Folder layout::

    manifest.json            plan, seeds, versions, pid and host, status (running / finishing /
                             interrupted / incomplete / complete); written by simulation/batch.py
    signature.json, .lock    the plan (for resuming a damaged manifest); held while writing
    runs/<scenario>/rep-<k>.timeseries.parquet, rep-<k>.summary.parquet
    failures/<scenario>-rep-<k>.json   a replication that raised (seed, error)
    replications.parquet     one row per scenario and replication (all summary indicators)
    summary.csv              one row per scenario and metric: mean, 95 % interval, paired difference
    figures/*.png, report.md, report.html
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import analysis
from .batch import Batch, describe_status, run_batch
from .results import ResultsError, file_sha256, read_json
from .runner import RunResult, Task, seeds
from .scenario import Scenario, ScenarioError, load_scenario
from .vocabulary import DEFAULT_ROOT_SEED  # (also read as compare.DEFAULT_ROOT_SEED)

DEFAULT_REPLICATIONS = 20


@dataclass
class ComparisonPlan:
    """What to compare: validated scenarios (in order; the first is the baseline) and seeds."""

    scenarios: list[Scenario]
    files: list[Path]
    replications: int
    root_seed: int = DEFAULT_ROOT_SEED
    seeds: list[int] = field(default_factory=list)

    def __post_init__(self):
        self.seeds = self.seeds or seeds(self.root_seed, self.replications)

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.scenarios]

    def signature(self) -> dict:
        """What must match for a resumed comparison to continue this one."""
        return {"scenarios": [s.to_dict() for s in self.scenarios], "seeds": self.seeds}


def plan_comparison(files, replications: int = DEFAULT_REPLICATIONS, weeks: int | None = None,
                    overrides=(), root_seed: int = DEFAULT_ROOT_SEED) -> ComparisonPlan:
    """Load and check the scenarios of a comparison; raises ScenarioError (one line) if they cannot be compared."""
    if replications < 2:
        raise ScenarioError("--replications", None, f"must be at least 2 to give an interval, got {replications}")
    if not files:
        raise ScenarioError(None, None, "name at least one scenario file")
    overrides = list(overrides) + ([f"run.weeks={weeks}"] if weeks is not None else [])
    scenarios = [load_scenario(f, overrides) for f in files]
    names = [s.name for s in scenarios]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise ScenarioError(None, "name", f"two scenarios are both named {sorted(dup)[0]!r}; names must differ")
    folded = [n.casefold() for n in names]
    same = [n for n in names if folded.count(n.casefold()) > 1]
    if same:
        raise ScenarioError(None, "name", f"scenarios {same[0]!r} and {same[1]!r} differ only in case; names become "
                                          "folder names, so they must differ in more than case")
    horizons = {(s.run.weeks, s.run.warmup_weeks) for s in scenarios}
    if len(horizons) > 1:
        desc = ", ".join(f"{s.name}: {s.run.weeks}+{s.run.warmup_weeks}" for s in scenarios)
        raise ScenarioError(None, "run.weeks", f"scenarios have different horizons ({desc} weeks); "
                                               "set one with --weeks (and --set run.warmup_weeks=N)")
    return ComparisonPlan(scenarios, [Path(f) for f in files], replications, root_seed)


def _rep_paths(folder: Path, name: str, k: int) -> tuple[Path, Path]:
    d = folder / "runs" / name     # names are checked to be usable folder names (scenario.py)
    return d / f"rep-{k:03d}.timeseries.parquet", d / f"rep-{k:03d}.summary.parquet"


def _atomic_parquet(df: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.partial")
    df.to_parquet(tmp, index=False)
    os.replace(tmp, path)


def finished(folder: Path, plan: ComparisonPlan) -> set[tuple[str, int]]:
    """Replications already on disk (the summary file is written last, so it marks completion)."""
    return {(n, k) for n in plan.names for k in range(plan.replications) if _rep_paths(folder, n, k)[1].is_file()}


class ComparisonBatch(Batch):
    """A comparison as a batch: every scenario times every replication seed."""

    kind, signature_key = "comparison", "plan"

    def __init__(self, plan: ComparisonPlan):
        self.plan = plan

    def signature(self) -> dict:
        return self.plan.signature()

    def manifest(self) -> dict:
        plan = self.plan
        return {
            "scenario_names": plan.names, "baseline": plan.names[0],
            "scenario_files": {str(p): file_sha256(p) for p in plan.files},
            "replications": plan.replications, "root_seed": plan.root_seed,
            "seed_method": "numpy.random.SeedSequence(root_seed).generate_state(replications); "
                           "replication k of every scenario uses seeds[k] (common random numbers)",
            "weeks": plan.scenarios[0].run.weeks, "warmup_weeks": plan.scenarios[0].run.warmup_weeks}

    def tasks(self) -> list[Task]:
        plan = self.plan
        return [Task((s.name, k), s, plan.seeds[k]) for s in plan.scenarios for k in range(plan.replications)]

    def finished(self, folder: Path) -> set:
        return finished(folder, self.plan)

    def store(self, folder: Path, key, result: RunResult) -> None:
        name, k = key
        ts_path, sum_path = _rep_paths(folder, name, k)
        _atomic_parquet(result.timeseries, ts_path)
        row = {"scenario": name, "replication": k, "seed": result.seed, **result.summary, **{
            f"timing_{t}": v for t, v in result.timings.items()}}
        _atomic_parquet(pd.DataFrame([row]), sum_path)    # last: marks the replication finished

    def failure_name(self, key) -> str:
        return f"{key[0]}-rep-{key[1]:03d}"

    def failure_record(self, key) -> dict:
        return {"scenario": key[0], "replication": key[1], "seed": self.plan.seeds[key[1]]}

    def finish(self, folder: Path, failed: int) -> tuple[str, dict]:
        if failed:       # intervals and paired differences need every replication
            return "incomplete", {"failures": f"{failed} replications failed; see failures/, "
                                              "rerun with --resume to retry them"}
        write_outputs(self.plan, folder)
        return "complete", {"files": ["replications.parquet", "summary.csv", "report.md", "report.html", "figures/"]}


def run_comparison(plan: ComparisonPlan, folder: Path, *, jobs: int = 1, resume: bool = False,
                   progress=None, argv=None) -> Path:
    """Run every replication not yet on disk, then write tables, figures and the report.

    A replication that raises is recorded in ``failures/``, the others go on, and the
    manifest ends ``incomplete`` (no report) until a resume succeeds in running it.
    """
    run_batch(ComparisonBatch(plan), folder, jobs=jobs, resume=resume, progress=progress, argv=argv)
    return Path(folder)


def write_outputs(plan: ComparisonPlan, folder: Path) -> None:
    """Tables, figures and the report from the replications on disk (again after --robustness)."""
    from . import plots, report

    loaded = load_comparison(folder, require_complete=False)
    reps = loaded.replications
    reps.to_parquet(folder / "replications.parquet", index=False)
    summary = analysis.summarise_replications(reps)
    summary.to_csv(folder / "summary.csv", index=False)
    figures = plots.comparison_figures(loaded, summary, folder / "figures")
    report.write_comparison_report(plan, summary, reps, figures, folder)


@dataclass
class Comparison:
    """A comparison read back from disk, as tidy pandas tables."""

    manifest: dict
    replications: pd.DataFrame        # one row per scenario and replication
    summary: pd.DataFrame | None      # one row per scenario and metric (None until complete)
    folder: Path

    def __repr__(self) -> str:
        m = self.manifest
        return (f"Comparison({', '.join(m['scenario_names'])}: {len(self.replications)} of "
                f"{len(m['scenario_names']) * m['replications']} replications, folder={str(self.folder)!r})")

    def timeseries(self, columns: list[str] | None = None) -> pd.DataFrame:
        """Weekly tables of every replication, stacked, with ``scenario`` and ``replication`` columns."""
        parts = []
        for name in self.manifest["scenario_names"]:
            for k in range(self.manifest["replications"]):
                ts_path, _ = _rep_paths(self.folder, name, k)
                if ts_path.is_file():
                    df = pd.read_parquet(ts_path, columns=(["week"] + columns) if columns else None)
                    parts.append(df.assign(scenario=name, replication=k))
        return pd.concat(parts, ignore_index=True)


def load_comparison(folder: str | Path, require_complete: bool = True) -> Comparison:
    """Load a comparison folder: ``load_comparison("results/compare").summary`` etc."""
    folder = Path(folder)
    path = folder / "manifest.json"
    if not path.is_file():
        raise ResultsError(f"{folder}: not a marginsim comparison folder (no manifest.json)")
    manifest = read_json(path)
    if manifest is None:
        raise ResultsError(f"{folder}: manifest.json is damaged; complete the comparison with --resume")
    if manifest.get("kind") != "comparison":
        raise ResultsError(f"{folder}: holds a {manifest.get('kind')!r}, not a comparison")
    if require_complete and manifest.get("status") != "complete":
        raise ResultsError(f"{folder}: comparison is {describe_status(manifest)}; complete it with --resume")
    parts = [pd.read_parquet(p) for name in manifest["scenario_names"]
             for p in sorted((folder / "runs" / name).glob("rep-*.summary.parquet"))]
    reps = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    summary_path = folder / "summary.csv"
    summary = pd.read_csv(summary_path) if summary_path.is_file() and manifest.get("status") == "complete" else None
    return Comparison(manifest, reps, summary, folder)
