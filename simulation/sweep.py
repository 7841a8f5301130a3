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

import difflib
import json
import os
import tomllib
import typing
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import metrics
from .results import ResultsError, environment, file_sha256, now_iso, open_batch_folder, write_json
from .runner import RunFailed, RunResult, Task, execute, seeds
from .sampling import DESIGNS, Parameter, design
from .scenario import SETTINGS, Scenario, ScenarioError, apply_settings, load_scenario

SWEEP_KEYS = ("name", "description", "base", "design", "samples", "replications", "seed", "weeks",
              "warmup_weeks", "outputs", "parameters")
PLAIN_INT = ("caseworkers", "caseload_cap")


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
    if name in PLAIN_INT:
        return True
    if "." not in name:
        return False
    node: typing.Any = Scenario
    for part in name.split("."):
        node = typing.get_type_hints(node)[part]
    return node is int


def load_sweep(path: str | Path, overrides=()) -> Sweep:
    """Read and validate a sweep file; every problem is a one-line ScenarioError naming file and key."""
    path = Path(path)
    src = str(path)
    if not path.is_file():
        raise _err(src, None, "sweep file not found")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise _err(src, None, f"not valid TOML ({exc})") from None
    for key in data:
        if key not in SWEEP_KEYS:
            near = difflib.get_close_matches(key, SWEEP_KEYS, n=1)
            hint = f"; did you mean '{near[0]}'?" if near else ""
            raise _err(src, key, f"unknown key '{key}'{hint} (allowed: {', '.join(SWEEP_KEYS)})")
    if "parameters" not in data:
        raise _err(src, "parameters", "is required")
    scenario_files = (data["parameters"].get("scenario") or {}).get("values") if isinstance(
        data["parameters"], dict) and isinstance(data["parameters"].get("scenario"), dict) else None
    if "base" not in data and not scenario_files:
        raise _err(src, "base", "is required (or sweep over scenario files with a `scenario` parameter)")
    kind = data.get("design", "grid")
    if kind not in DESIGNS:
        near = difflib.get_close_matches(str(kind), DESIGNS, n=1)
        hint = f"; did you mean '{near[0]}'?" if near else ""
        raise _err(src, "design", f"'{kind}' is not a design; choose one of {', '.join(DESIGNS)}{hint}")

    def whole(key, default, minimum):
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise _err(src, key, f"must be a whole number of at least {minimum}, got {value!r}")
        return value

    samples = whole("samples", 8, 1)
    replications = whole("replications", 1, 1)
    seed = whole("seed", 1, 0)
    if kind == "sobol" and samples & (samples - 1):
        raise _err(src, "samples", f"Sobol designs need a power of two (e.g. 8, 16, 32), got {samples}")
    # the sweep file's horizon first, so the command line's --set (e.g. run.weeks) wins
    extra = [f"run.{key}={whole(key, 1, 0 if key == 'warmup_weeks' else 1)}"
             for key in ("weeks", "warmup_weeks") if key in data] + list(overrides)
    bases = {}
    if scenario_files:
        if kind in ("morris", "sobol"):
            raise _err(src, "parameters.scenario", f"{kind} designs need numeric ranges; sweep scenario files with grid or lhs")
        for f in scenario_files:
            if not isinstance(f, str):
                raise _err(src, "parameters.scenario", "values must be scenario file paths")
            bases[f] = load_scenario(path.parent / f, extra)
    base_path = data.get("base", scenario_files[0] if scenario_files else None)
    if not isinstance(base_path, str):
        raise _err(src, "base", "must be a path to a scenario file")
    base_file = path.parent / base_path
    base = load_scenario(base_file, extra)

    params_data = data["parameters"]
    if not isinstance(params_data, dict) or not params_data:
        raise _err(src, "parameters", "name at least one parameter, e.g. \"office.handoff_loss\" = { low = 0, high = 0.2 }")
    params = []
    for name, spec in params_data.items():
        key = f"parameters.{name}"
        if name == "scenario":
            params.append(Parameter(name, values=tuple(scenario_files)))
            continue
        if "." in name:
            try:   # an unknown key fails here with the nearest valid one
                base.replace(**{name: getattr_dotted(base, name, default=None)})
            except ScenarioError as exc:
                raise _err(src, key, exc.message) from None
        elif name not in SETTINGS and name not in PLAIN_INT:
            allowed = list(SETTINGS) + list(PLAIN_INT)
            near = difflib.get_close_matches(name, allowed, n=1)
            hint = f"; did you mean '{near[0]}'?" if near else ""
            raise _err(src, key, f"unknown parameter '{name}'{hint}: use a dotted scenario key "
                                 f"(office.handoff_loss) or one of {', '.join(allowed)}")
        if not isinstance(spec, dict) or not ({"values"} <= spec.keys() or {"low", "high"} <= spec.keys()):
            raise _err(src, key, "must be { values = [...] } or { low = ..., high = ... }")
        unknown = set(spec) - {"values", "low", "high", "steps"}
        if unknown:
            raise _err(src, key, f"unknown field {sorted(unknown)[0]!r} (allowed: values, low, high, steps)")
        integer = _is_integer(base, name)
        if "values" in spec:
            values = spec["values"]
            if not isinstance(values, list) or not values:
                raise _err(src, key, "empty range: values must list at least one value")
            if kind in ("morris", "sobol"):
                raise _err(src, key, f"{kind} designs need a numeric range {{ low = ..., high = ... }}, not a list")
            params.append(Parameter(name, values=tuple(values), integer=integer))
        else:
            low, high = spec["low"], spec["high"]
            if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (low, high)):
                raise _err(src, key, "low and high must be numbers")
            if not low < high:
                raise _err(src, key, f"empty range: low ({low}) must be below high ({high})")
            steps = spec.get("steps", 3)
            if isinstance(steps, bool) or not isinstance(steps, int) or steps < 2:
                raise _err(src, key, f"steps must be a whole number of at least 2, got {steps!r}")
            params.append(Parameter(name, low=low, high=high, steps=steps, integer=integer))
    outputs = data.get("outputs", ["share_2plus_lost"])
    known = metrics.summary_keys()
    if not isinstance(outputs, list) or not outputs:
        raise _err(src, "outputs", "must list at least one summary indicator")
    for out in outputs:
        if out not in known:
            near = difflib.get_close_matches(str(out), known, n=1)
            hint = f"; did you mean '{near[0]}'?" if near else ""
            raise _err(src, "outputs", f"unknown indicator '{out}'{hint}")
    sweep = Sweep(name=str(data.get("name", path.stem)), base=base, parameters=params, design=kind,
                  samples=samples, replications=replications, seed=seed, outputs=outputs, source=src,
                  files=[path, base_file] + [path.parent / f for f in bases], bases=bases)
    check_points(sweep)
    return sweep


def getattr_dotted(obj, dotted: str, default=...):
    try:
        for part in dotted.split("."):
            obj = getattr(obj, part)
    except AttributeError:
        if default is ...:
            raise
        return default
    return obj


def check_points(sweep: Sweep) -> pd.DataFrame:
    """Build every point's scenario once, so a bad value stops the sweep before anything runs."""
    points = sweep.points()
    for i, point in enumerate(points.to_dict("records")):
        try:
            sweep.scenario_at(point)
        except ScenarioError as exc:
            raise _err(sweep.source, f"parameters.{exc.key or ''}".rstrip("."),
                       f"point {i} ({point}): {exc.message}") from None
    return points


# --------------------------------------------------------------------------------------------


def _run_path(folder: Path, point: int, rep: int) -> Path:
    return folder / "runs" / f"point-{point:05d}-rep-{rep:03d}.parquet"


def _failure_path(folder: Path, point: int, rep: int) -> Path:
    return folder / "failures" / f"point-{point:05d}-rep-{rep:03d}.json"


def finished(folder: Path) -> set[tuple[int, int]]:
    out = set()
    for p in (folder / "runs").glob("point-*-rep-*.parquet"):
        _, point, _, rep = p.stem.split("-")
        out.add((int(point), int(rep)))
    return out


def run_sweep(sweep: Sweep, folder: str | Path, *, jobs: int = 1, scheduler: str | None = None,
              resume: bool = False, progress=None, argv=None) -> pd.DataFrame:
    """Run every (point, replication) not yet on disk; returns the tidy results table.

    Runs that raise are recorded under ``failures/`` and the sweep goes on; a resumed sweep
    retries them. Seeds: replication r of every point uses ``seeds(seed, replications)[r]``.
    """
    folder = Path(folder)
    manifest_path = folder / "manifest.json"
    open_batch_folder(folder, resume=resume, kind="sweep", key="sweep", signature=sweep.signature())
    points = sweep.points()
    rep_seeds = seeds(sweep.seed, sweep.replications)
    (folder / "runs").mkdir(exist_ok=True)
    points.rename_axis("point").to_csv(folder / "design.csv")
    manifest = {"kind": "sweep", "status": "running", "started": now_iso(), "command": argv, "name": sweep.name,
                "design": sweep.design, "points": len(points), "replications": sweep.replications,
                "runs": len(points) * sweep.replications, "root_seed": sweep.seed, "seeds": rep_seeds,
                "seed_method": "numpy.random.SeedSequence(seed).generate_state(replications); replication r of "
                               "every point uses seeds[r]",
                "outputs": sweep.outputs, "parameters": [p.name for p in sweep.parameters],
                "files": {str(p): file_sha256(p) for p in sweep.files}, "jobs": jobs, "scheduler": scheduler,
                "environment": environment(), "sweep": sweep.signature()}
    write_json(manifest_path, manifest)
    done = finished(folder)
    records = points.to_dict("records")
    tasks = [Task((i, r), sweep.scenario_at(records[i]), rep_seeds[r])
             for i in range(len(points)) for r in range(sweep.replications) if (i, r) not in done]
    failures = {"n": 0}

    def store(key, result) -> None:
        i, r = key
        if isinstance(result, RunFailed):
            failures["n"] += 1
            path = _failure_path(folder, i, r)
            path.parent.mkdir(exist_ok=True)
            write_json(path, {"point": i, "replication": r, "seed": rep_seeds[r],
                              "parameters": records[i], "error": result.error})
        else:
            _failure_path(folder, i, r).unlink(missing_ok=True)
            row = {"point": i, "replication": r, "seed": result.seed, **records[i], **result.summary}
            path = _run_path(folder, i, r)
            tmp = path.with_name(f".{path.name}.partial")
            pd.DataFrame([row]).to_parquet(tmp, index=False)
            os.replace(tmp, path)
        if progress:
            progress(1)

    try:
        if progress and done:
            progress(len(done))
        execute(tasks, jobs=jobs, on_result=store, scheduler=scheduler, catch_errors=True)
    except BaseException:
        manifest.update(status="interrupted", finished_runs=len(finished(folder)), stopped=now_iso())
        write_json(manifest_path, manifest)
        raise
    results = load_runs(folder)
    results.to_parquet(folder / "results.parquet", index=False)
    n_failed = len(list((folder / "failures").glob("*.json"))) if (folder / "failures").is_dir() else 0
    manifest.update(status="complete" if n_failed == 0 else "complete_with_failures", finished=now_iso(),
                    finished_runs=len(results), failed_runs=n_failed)
    write_json(manifest_path, manifest)
    if sweep.design in ("morris", "sobol") and n_failed == 0:
        from . import sensitivity
        sensitivity.write_analysis(sweep, results, folder / "sensitivity")
    return results


def load_runs(folder: Path) -> pd.DataFrame:
    parts = sorted((Path(folder) / "runs").glob("point-*-rep-*.parquet"))
    if not parts:
        return pd.DataFrame()
    return pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True).sort_values(
        ["point", "replication"], ignore_index=True)


def load_failures(folder: str | Path) -> pd.DataFrame:
    rows = [json.loads(p.read_text()) for p in sorted((Path(folder) / "failures").glob("*.json"))]
    return pd.DataFrame(rows)


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
    m = json.loads((Path(folder) / "manifest.json").read_text(encoding="utf-8"))
    sig = m["sweep"]
    params = [Parameter(p["name"], values=tuple(p["values"]), low=p["low"], high=p["high"], steps=p["steps"],
                        integer=p["integer"]) for p in sig["parameters"]]
    return Sweep(name=m["name"], base=from_dict(sig["base"]), parameters=params, design=sig["design"],
                 samples=sig["samples"], replications=sig["replications"], seed=sig["seed"], outputs=m["outputs"],
                 bases={k: from_dict(v) for k, v in sig.get("bases", {}).items()})
