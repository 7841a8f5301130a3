"""Parameter sweeps: a sweep file, its design, runs streamed to disk, resume, failures as data.

A sweep file (TOML, usually in ``scenarios/sweeps/``)::

    name = "handoffs_and_duties"
    base = "../specialist.toml"      # scenario the points change (path relative to this file)
    design = "morris"                # grid | lhs | morris | sobol
    samples = 8                      # lhs points; morris trajectories; sobol base sample (power of 2)
    replications = 2                 # runs per point; replication r of every point uses the same seed
    seed = 1                         # root seed (numpy SeedSequence)
    weeks = 260                      # optional: recorded weeks for every run
    outputs = ["share_2plus_lost", "first_follow_up_wait_weeks"]

    [parameters]
    "office.handoff_loss" = { low = 0.0, high = 0.2 }
    "caseworkers.duty_share" = { low = 0.1, high = 0.4 }
    "office.priority_rule" = { values = ["need_based", "creaming"] }   # grid and lhs only
    caseworkers = { low = 10, high = 24 }                               # total staff (a plain setting)

Parameters are dotted scenario keys or the plain settings of :data:`simulation.scenario.SETTINGS`
(plus ``caseworkers`` and ``caseload_cap``). Every point is validated before anything runs.

Output folder: ``manifest.json``, ``design.csv`` (the points), ``runs/`` (one Parquet row per
finished run, written as it finishes), ``failures/`` (one JSON per run that raised: parameters,
seed, error), ``results.parquet`` (all runs, tidy) and, for Morris and Sobol, ``sensitivity/``.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import os
import typing
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import metrics
from .batch import Batch, failures_of, run_batch
from .results import ResultsError, file_sha256, read_json
from .runner import STALL_TIMEOUT_S, RunResult, Task, seeds
from .sampling import DESIGNS, Parameter, design
from .scenario import (
    SETTINGS,
    UNIT_TOTALS,
    Scenario,
    ScenarioError,
    apply_settings,
    getattr_dotted,
    load_scenario,
    parse_value,
    read_toml,
    usable_name,
)

SWEEP_KEYS = ("name", "description", "base", "design", "samples", "replications", "seed", "weeks",
              "warmup_weeks", "outputs", "max_runs", "parameters")
#: Sweep keys the command line may change: ``--set samples=16`` or ``--set design.samples=16``.
SETTABLE = ("name", "description", "design", "samples", "replications", "seed", "weeks", "warmup_weeks",
            "outputs", "max_runs")
#: A design with more runs than this is refused as a likely typo (raise ``max_runs`` to mean it).
MAX_RUNS = 100_000
#: Fewest samples that give indices: Morris needs two trajectories, Sobol two base rows.
MIN_SAMPLES = {"grid": 1, "lhs": 1, "morris": 2, "sobol": 2}


@dataclass
class Sweep:
    """A sweep: base scenario, parameters, design, replications and outputs of interest."""

    name: str
    base: Scenario
    parameters: list[Parameter]
    design: str = "grid"
    samples: int = 8
    replications: int = 1
    seed: int = 1
    outputs: list[str] = field(default_factory=lambda: ["share_2plus_lost"])
    source: str | None = None
    files: list[Path] = field(default_factory=list)
    bases: dict[str, Scenario] = field(default_factory=dict)   # the `scenario` parameter's files


    def points(self) -> pd.DataFrame:
        return design(self.parameters, self.design, self.samples, self.seed)

    def scenario_at(self, point: dict) -> Scenario:
        """The base scenario with one point's values applied (validated)."""
        dotted = {k: v for k, v in point.items() if "." in k}
        plain = {k: v for k, v in point.items() if "." not in k and k != "scenario"}
        s = self.bases[point["scenario"]] if "scenario" in point else self.base
        s = s.replace(**dotted) if dotted else s
        return apply_settings(s, **plain) if plain else s

    def signature(self) -> dict:
        return {"base": self.base.to_dict(), "bases": {k: v.to_dict() for k, v in self.bases.items()},
                "design": self.design, "samples": self.samples,
                "replications": self.replications, "seed": self.seed,
                "parameters": [p.__dict__ | {"values": list(p.values)} for p in self.parameters]}


def _err(source, key, message):
    return ScenarioError(source, key, message)


def _is_integer(base: Scenario, name: str) -> bool:
    if name in UNIT_TOTALS:
        return True
    if "." not in name:
        return False
    node: typing.Any = Scenario
    for part in name.split("."):
        node = typing.get_type_hints(node)[part]
    return node is int


def _hint(word, allowed) -> str:
    near = difflib.get_close_matches(str(word), list(allowed), n=1)
    return f"; did you mean '{near[0]}'?" if near else ""


@dataclass
class _SweepDoc:
    """A sweep file's table with the command line's changes, and who said what (for errors)."""

    path: Path
    data: dict
    from_cli: set = field(default_factory=set)      # keys set with --set

    def err(self, key, message) -> ScenarioError:
        top = (key or "").split(".")[0]
        return _err(f"{self.path} (--set)" if top in self.from_cli else str(self.path), key, message)

    def whole(self, key, default, minimum, maximum=None):
        value = self.data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum or (
                maximum is not None and value > maximum):
            top = f" and at most {maximum}" if maximum is not None else ""
            raise self.err(key, f"must be a whole number of at least {minimum}{top}, got {value!r}")
        return value


def load_sweep(path: str | Path, overrides=()) -> Sweep:
    """Read and validate a sweep file; every problem is a one-line ScenarioError naming file and key.

    ``overrides`` are ``--set`` strings: sweep keys (``samples=16``, ``design.samples=16``,
    ``replications=3``) change the sweep; every other key changes the base scenario(s).
    """
    sweep_sets, scenario_sets = _split_overrides(overrides)
    _check_bare_keys(Path(path), scenario_sets)
    doc = _read_sweep(Path(path), sweep_sets)
    kind, samples, replications, seed, max_runs = _design_settings(doc)
    files = _scenario_files(doc, kind)
    extra = _horizon(doc) + scenario_sets        # the file's horizon first, so --set run.weeks wins
    bases = {f: load_scenario(doc.path.parent / f, extra) for f in files}
    base_path = doc.data.get("base", files[0] if files else None)
    if not isinstance(base_path, str):
        raise doc.err("base", "must be a path to a scenario file")
    base = load_scenario(doc.path.parent / base_path, extra)
    sweep = Sweep(name=_sweep_name(doc), base=base, parameters=_parameters(doc, base, kind, files),
                  design=kind, samples=samples, replications=replications, seed=seed, outputs=_outputs(doc),
                  source=str(doc.path), files=[doc.path, doc.path.parent / base_path]
                  + [doc.path.parent / f for f in bases], bases=bases)
    _check_size(doc, sweep, max_runs)
    check_points(sweep)
    return sweep


def _split_overrides(overrides) -> tuple[dict, list[str]]:
    """``--set`` strings for the sweep itself (its SETTABLE keys) and for the scenarios."""
    sweep_sets, scenario_sets = {}, []
    for item in overrides or ():
        key, sep, raw = str(item).partition("=")
        name = key.strip().removeprefix("design.") if key.strip().startswith("design.") else key.strip()
        if sep and name in SETTABLE:
            sweep_sets[name] = parse_value(raw.strip())
        else:
            scenario_sets.append(item)
    return sweep_sets, scenario_sets


def _check_bare_keys(path: Path, scenario_sets: list[str]) -> None:
    """A ``--set`` key without a dot that is neither a sweep key nor a scenario's top-level key is
    a mistyped sweep key far more often than a scenario one: say so against the sweep file."""
    top = {f.name for f in dataclasses.fields(Scenario)} | set(UNIT_TOTALS)
    for item in scenario_sets:
        key = str(item).partition("=")[0].strip()
        if key and "." not in key and key not in top:
            raise ScenarioError(f"{path} (--set)", key, f"unknown key '{key}'{_hint(key, SETTABLE + tuple(top))} "
                                f"(sweep keys: {', '.join(SETTABLE)}; a scenario value is set as section.key)")


def _read_sweep(path: Path, sweep_sets: dict) -> _SweepDoc:
    data = read_toml(path, what="sweep file")
    doc = _SweepDoc(path, {**data, **sweep_sets}, set(sweep_sets))
    for key in data:
        if key not in SWEEP_KEYS:
            raise doc.err(key, f"unknown key '{key}'{_hint(key, SWEEP_KEYS)} (allowed: {', '.join(SWEEP_KEYS)})")
    if not isinstance(doc.data.get("parameters"), dict) or not doc.data["parameters"]:
        raise doc.err("parameters", "name at least one parameter, "
                                    "e.g. \"office.handoff_loss\" = { low = 0, high = 0.2 }")
    if "base" not in data and "scenario" not in doc.data["parameters"]:
        raise doc.err("base", "is required (or sweep over scenario files with a `scenario` parameter)")
    return doc


def _design_settings(doc: _SweepDoc) -> tuple[str, int, int, int, int]:
    kind = doc.data.get("design", "grid")
    if kind not in DESIGNS:
        raise doc.err("design", f"{kind!r} is not a design; choose one of {', '.join(DESIGNS)}{_hint(kind, DESIGNS)}")
    samples = doc.whole("samples", 8, MIN_SAMPLES[kind], 1_000_000)
    if kind == "sobol" and samples & (samples - 1):
        raise doc.err("samples", f"Sobol designs need a power of two (e.g. 8, 16, 32), got {samples}")
    replications = doc.whole("replications", 1, 1, 10_000)
    seed = doc.whole("seed", 1, 0, 2**63 - 1)
    max_runs = doc.whole("max_runs", MAX_RUNS, 1)
    return kind, samples, replications, seed, max_runs


def _horizon(doc: _SweepDoc) -> list[str]:
    return [f"run.{key}={doc.whole(key, 1, 0 if key == 'warmup_weeks' else 1)}"
            for key in ("weeks", "warmup_weeks") if key in doc.data]


def _sweep_name(doc: _SweepDoc) -> str:
    name = doc.data.get("name", doc.path.stem)
    if not isinstance(name, str) or not usable_name(name):
        raise doc.err("name", f"{str(name)[:40]!r} is not a usable name: 1 to 64 characters, no control "
                              "characters, no / or \\ (it becomes a folder name)")
    return name


def _scenario_files(doc: _SweepDoc, kind: str) -> list[str]:
    """The files of a `scenario` parameter (sweeping organisations), or none."""
    spec = doc.data["parameters"].get("scenario")
    if spec is None:
        return []
    key = "parameters.scenario"
    if not isinstance(spec, dict) or set(spec) != {"values"}:
        raise doc.err(key, "must be { values = [\"a.toml\", \"b.toml\"] } (scenario files, not a range)")
    files = spec["values"]
    if not isinstance(files, list) or not files or not all(isinstance(f, str) for f in files):
        raise doc.err(key, "values must be a non-empty array of scenario file paths")
    if kind in ("morris", "sobol"):
        raise doc.err(key, f"{kind} designs need numeric ranges; sweep scenario files with grid or lhs")
    return files


def _parameters(doc: _SweepDoc, base: Scenario, kind: str, files: list[str]) -> list[Parameter]:
    params = []
    for name, spec in doc.data["parameters"].items():
        if name == "scenario":
            params.append(Parameter(name, values=tuple(files)))
        else:
            _check_parameter_name(doc, base, name)
            params.append(_parameter(doc, base, kind, name, spec))
    return params


def _check_parameter_name(doc: _SweepDoc, base: Scenario, name: str) -> None:
    key = f"parameters.{name}"
    if "." in name:
        try:   # an unknown key fails here with the nearest valid one
            base.replace(**{name: getattr_dotted(base, name, default=None)})
        except ScenarioError as exc:
            raise doc.err(key, exc.message) from None
    elif name not in SETTINGS and name not in UNIT_TOTALS:
        allowed = list(SETTINGS) + list(UNIT_TOTALS)
        raise doc.err(key, f"unknown parameter '{name}'{_hint(name, allowed)}: use a dotted scenario key "
                           f"(office.handoff_loss) or one of {', '.join(allowed)}")


def _parameter(doc: _SweepDoc, base: Scenario, kind: str, name: str, spec) -> Parameter:
    key = f"parameters.{name}"
    if not isinstance(spec, dict) or not ({"values"} <= spec.keys() or {"low", "high"} <= spec.keys()):
        raise doc.err(key, "must be { values = [...] } or { low = ..., high = ... }")
    unknown = set(spec) - {"values", "low", "high", "steps"}
    if unknown:
        raise doc.err(key, f"unknown field {sorted(unknown)[0]!r} (allowed: values, low, high, steps)")
    integer = _is_integer(base, name)
    if "values" in spec:
        return _value_list(doc, base, kind, name, spec["values"], integer)
    return _value_range(doc, base, name, spec, integer)


def _value_list(doc: _SweepDoc, base: Scenario, kind: str, name: str, values, integer: bool) -> Parameter:
    key = f"parameters.{name}"
    if not isinstance(values, list) or not values:
        raise doc.err(key, "empty range: values must be an array of at least one value")
    if kind in ("morris", "sobol"):
        raise doc.err(key, f"{kind} designs need a numeric range {{ low = ..., high = ... }}, not a list")
    for value in values:
        _check_setting(doc, base, name, value)
    return Parameter(name, values=tuple(values), integer=integer)


def _value_range(doc: _SweepDoc, base: Scenario, name: str, spec: dict, integer: bool) -> Parameter:
    key = f"parameters.{name}"
    low, high = spec["low"], spec["high"]
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in (low, high)):
        raise doc.err(key, f"low and high must be finite numbers, got {low!r} and {high!r}")
    if not low < high:
        raise doc.err(key, f"empty range: low ({low}) must be below high ({high})")
    for value in (low, high):
        _check_setting(doc, base, name, round(value) if integer else value)
    steps = spec.get("steps", 3)
    if isinstance(steps, bool) or not isinstance(steps, int) or not 2 <= steps <= 10_000:
        raise doc.err(key, f"steps must be a whole number from 2 to 10000, got {steps!r}")
    return Parameter(name, low=low, high=high, steps=steps, integer=integer)


def _check_setting(doc: _SweepDoc, base: Scenario, name: str, value) -> None:
    """One swept value, checked by the scenario schema (types, ranges, whole numbers)."""
    try:
        if "." in name:
            base.replace(**{name: value})
        else:
            apply_settings(base, **{name: value})
    except ScenarioError as exc:
        raise doc.err(f"parameters.{name}", exc.message) from None
    units = len(base.office.units)
    if name == "caseworkers" and value < units:    # fewer would be raised to one per unit, not as recorded
        raise doc.err(f"parameters.{name}", f"{value!r} is out of range; the office has {units} units, so at "
                                            f"least {units} (one per unit)")


def _outputs(doc: _SweepDoc) -> list[str]:
    outputs = doc.data.get("outputs", ["share_2plus_lost"])
    known = metrics.summary_keys()
    if not isinstance(outputs, list) or not outputs:
        raise doc.err("outputs", "must list at least one summary indicator")
    for out in outputs:
        if out not in known:
            raise doc.err("outputs", f"unknown indicator {str(out)[:40]!r}{_hint(out, known)}")
    return outputs


def design_size(sweep: Sweep) -> int:
    """Points the design will have, computed without building it."""
    k = len(sweep.parameters)
    if sweep.design == "grid":
        return math.prod(len(p.values) if p.values else p.steps for p in sweep.parameters)
    return sweep.samples * {"lhs": 1, "morris": k + 1, "sobol": k + 2}[sweep.design]


def _check_size(doc: _SweepDoc, sweep: Sweep, max_runs: int) -> None:
    runs = design_size(sweep) * sweep.replications
    if runs > max_runs:
        raise doc.err("max_runs", f"the design has {runs:,} runs, more than {max_runs:,}; "
                                  "shrink it, or set max_runs (in the file or with --set max_runs=N) if you mean it")


def check_points(sweep: Sweep) -> pd.DataFrame:
    """Build every point's scenario once, so a bad value stops the sweep before anything runs."""
    points = sweep.points()
    for i, point in enumerate(points.to_dict("records")):
        try:
            scenario = sweep.scenario_at(point)
        except ScenarioError as exc:
            raise _err(sweep.source, f"parameters.{exc.key or ''}".rstrip("."),
                       f"point {i} ({point}): {exc.message}") from None
        if "caseworkers" in point and scenario.total_staff != point["caseworkers"]:   # raised to one per unit
            raise _err(sweep.source, "parameters.caseworkers",
                       f"point {i} ({point}): {point['caseworkers']} is fewer than the office's "
                       f"{len(scenario.office.units)} units (one caseworker per unit at least)")
    return points


# --------------------------------------------------------------------------------------------


def _run_path(folder: Path, point: int, rep: int) -> Path:
    return folder / "runs" / f"point-{point:05d}-rep-{rep:03d}.parquet"


def finished(folder: Path) -> set[tuple[int, int]]:
    out = set()
    for p in (Path(folder) / "runs").glob("point-*-rep-*.parquet"):
        _, point, _, rep = p.stem.split("-")
        out.add((int(point), int(rep)))
    return out


class SweepBatch(Batch):
    """A sweep as a batch: every design point times every replication seed."""

    kind, signature_key = "sweep", "sweep"

    def __init__(self, sweep: Sweep):
        self.sweep = sweep
        self.points = sweep.points()
        self.records = self.points.to_dict("records")
        self.seeds = seeds(sweep.seed, sweep.replications)

    def signature(self) -> dict:
        return self.sweep.signature()

    def manifest(self) -> dict:
        sweep = self.sweep
        return {"name": sweep.name, "design": sweep.design, "points": len(self.points),
                "replications": sweep.replications, "runs": len(self.points) * sweep.replications,
                "root_seed": sweep.seed, "seeds": self.seeds,
                "seed_method": "numpy.random.SeedSequence(seed).generate_state(replications); replication r of "
                               "every point uses seeds[r]",
                "outputs": sweep.outputs, "parameters": [p.name for p in sweep.parameters],
                "files": {str(p): file_sha256(p) for p in sweep.files}}

    def tasks(self) -> list[Task]:
        return [Task((i, r), self.sweep.scenario_at(self.records[i]), self.seeds[r])
                for i in range(len(self.points)) for r in range(self.sweep.replications)]

    def finished(self, folder: Path) -> set:
        return finished(folder)

    def store(self, folder: Path, key, result: RunResult) -> None:
        i, r = key
        path = _run_path(folder, i, r)
        path.parent.mkdir(exist_ok=True)
        tmp = path.with_name(f".{path.name}.partial")
        pd.DataFrame([{"point": i, "replication": r, "seed": result.seed, **self.records[i],
                       **result.summary}]).to_parquet(tmp, index=False)
        os.replace(tmp, path)

    def failure_name(self, key) -> str:
        return f"point-{key[0]:05d}-rep-{key[1]:03d}"

    def failure_record(self, key) -> dict:
        i, r = key
        return {"point": i, "replication": r, "seed": self.seeds[r], "parameters": self.records[i]}

    def start(self, folder: Path) -> None:
        self.points.rename_axis("point").to_csv(folder / "design.csv")

    def finish(self, folder: Path, failed: int) -> tuple[str, dict]:
        results = load_runs(folder)
        results.to_parquet(folder / "results.parquet", index=False)
        if self.sweep.design not in ("morris", "sobol"):
            return ("complete_with_failures" if failed else "complete"), {}
        if failed:      # indices need every point; a resume that runs them writes sensitivity/
            return "complete_with_failures", {"sensitivity": f"not computed: {failed} runs failed"}
        from . import sensitivity
        sensitivity.write_analysis(self.sweep, results, folder / "sensitivity")
        return "complete", {"sensitivity": "sensitivity/sensitivity.md"}


def run_sweep(sweep: Sweep, folder: str | Path, *, jobs: int = 1, scheduler: str | None = None,
              resume: bool = False, progress=None, argv=None, stall_timeout: float = STALL_TIMEOUT_S) -> pd.DataFrame:
    """Run every (point, replication) not yet on disk; returns the tidy results table.

    Runs that raise are recorded under ``failures/`` and the sweep goes on; a resumed sweep
    retries them. Seeds: replication r of every point uses ``seeds(seed, replications)[r]``.
    ``complete`` in the manifest means every output is on disk, sensitivity indices included.
    """
    run_batch(SweepBatch(sweep), folder, jobs=jobs, scheduler=scheduler, resume=resume, progress=progress,
              argv=argv, stall_timeout=stall_timeout)
    return load_runs(Path(folder))


def load_runs(folder: Path) -> pd.DataFrame:
    parts = sorted((Path(folder) / "runs").glob("point-*-rep-*.parquet"))
    if not parts:
        return pd.DataFrame()
    return pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True).sort_values(
        ["point", "replication"], ignore_index=True)


def load_failures(folder: str | Path) -> pd.DataFrame:
    """Runs that raised: point, replication, seed, parameters, error (one row each)."""
    return pd.DataFrame([read_json(p) or {"file": p.name, "error": "failure record damaged"}
                         for p in failures_of(Path(folder))])


def load_sweep_results(folder: str | Path) -> pd.DataFrame:
    """A sweep's results as one tidy table: point, replication, seed, parameters, indicators."""
    folder = Path(folder)
    if not (folder / "manifest.json").is_file():
        raise ResultsError(f"{folder}: not a marginsim sweep folder (no manifest.json)")
    if (folder / "results.parquet").is_file():
        return pd.read_parquet(folder / "results.parquet")
    return load_runs(folder)


def sweep_from_manifest(folder: str | Path) -> Sweep:
    """Rebuild a finished sweep's definition from its manifest (for re-analysis without the files)."""
    from .scenario import from_dict
    m = read_json(Path(folder) / "manifest.json")
    if m is None or m.get("kind") != "sweep" or "sweep" not in m:
        what = "damaged" if m is None else f"a {m.get('kind', 'unknown')!r} folder's"
        raise ResultsError(f"{folder}: not a sweep folder (its manifest.json is {what}); "
                           "sensitivity indices come from a morris or sobol sweep folder")
    sig = m["sweep"]
    params = [Parameter(p["name"], values=tuple(p["values"]), low=p["low"], high=p["high"], steps=p["steps"],
                        integer=p["integer"]) for p in sig["parameters"]]
    return Sweep(name=m["name"], base=from_dict(sig["base"]), parameters=params, design=sig["design"],
                 samples=sig["samples"], replications=sig["replications"], seed=sig["seed"], outputs=m["outputs"],
                 bases={k: from_dict(v) for k, v in sig.get("bases", {}).items()})
