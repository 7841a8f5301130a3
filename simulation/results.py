"""Results folders: writing a run to disk (manifest + Parquet + figures) and loading it back.

A folder is written under a temporary name and renamed into place only when complete, so an
interrupted or failed run never leaves a folder that looks finished. ``manifest.json`` holds
what is needed to reproduce the run: the scenario as resolved, the seed, the package and
library versions, the git commit of the code, the command line and the timings.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pandas as pd

from .runner import RunResult

MANIFEST = "manifest.json"
TIMESERIES = "timeseries.parquet"
SUMMARY = "summary.parquet"


class ResultsError(ValueError):
    """A results folder that cannot be written or read (one-line message)."""


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def default_run_dir(root: Path, name: str, seed: int) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return root / f"{stamp}-{name}-seed{seed}"


def environment() -> dict:
    """Versions, platform and the git commit of the code that produced a result."""
    def ver(pkg):
        try:
            return version(pkg)
        except PackageNotFoundError:
            return None
    return {
        "marginsim": ver("marginsim"), "python": sys.version.split()[0], "mesa": ver("mesa"),
        "numpy": ver("numpy"), "pandas": ver("pandas"), "networkx": ver("networkx"),
        "platform": platform.platform(), "git_commit": git_commit(),
    }


def git_commit() -> str:
    here = Path(__file__).resolve().parent
    try:
        rev = subprocess.run(["git", "-C", str(here), "rev-parse", "HEAD"], capture_output=True, text=True,
                             timeout=5, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(here), "status", "--porcelain", "--", "."], capture_output=True,
                               text=True, timeout=5).stdout.strip()
        return rev + ("-dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def file_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@contextmanager
def staging(final: Path):
    """Write into a hidden sibling folder; rename it to ``final`` only if the block succeeds."""
    final = Path(final)
    if final.exists() and any(final.iterdir()):
        raise ResultsError(f"{final}: output folder already exists and is not empty; choose another --out")
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.partial-", dir=final.parent))
    try:
        yield tmp
        if final.exists():
            final.rmdir()
        os.replace(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def open_batch_folder(folder: Path, *, resume: bool, kind: str, key: str, signature: dict) -> None:
    """A comparison or sweep folder: new, or (with ``resume``) one started with the same definition.

    Refuses a non-empty folder without ``resume`` and a folder started with another definition
    (``manifest[key] != signature``), so nothing finished is overwritten or mixed up.
    """
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        if not resume:
            raise ResultsError(f"{folder}: output folder already exists and is not empty; "
                               "use --resume to complete it, or choose another --out")
        path = folder / MANIFEST
        old = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        if old.get("kind") != kind or old.get(key) != signature:
            raise ResultsError(f"{folder}: was started with another {kind} (other scenarios, settings or seeds); "
                               "cannot resume it with this one")
    folder.mkdir(parents=True, exist_ok=True)


def write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")


def write_run(result: RunResult, folder: Path, *, argv: list[str] | None = None,
              scenario_files: list[Path] = (), figures: bool = True, started: str | None = None) -> Path:
    """Write one run to ``folder`` (created; must not already hold files). Returns the folder."""
    from . import plots   # matplotlib only when figures are drawn
    from .metrics import steady_state

    with staging(folder) as tmp:
        result.timeseries.to_parquet(tmp / TIMESERIES, index=False)
        result.summary_frame().to_parquet(tmp / SUMMARY, index=False)
        files = [TIMESERIES, SUMMARY]
        if figures:
            files += [str(p.relative_to(tmp)) for p in plots.run_figures(result.timeseries, tmp / "figures",
                                                                         title=result.scenario.name)]
        write_json(tmp / MANIFEST, {
            "kind": "run", "status": "complete", "created": now_iso(), "started": started,
            "command": argv, "scenario_name": result.scenario.name,
            "scenario_files": {str(p): file_sha256(p) for p in scenario_files},
            "seed": result.seed, "weeks": result.scenario.run.weeks,
            "warmup_weeks": result.scenario.run.warmup_weeks,
            "steady_state": steady_state(result.summary, result.scenario.run.warmup_weeks),
            "timings": result.timings, "environment": environment(), "files": files + [MANIFEST],
            "scenario": result.scenario.to_dict(),
        })
    return Path(folder)


@dataclass
class LoadedRun:
    """A run read back from disk."""

    manifest: dict
    timeseries: pd.DataFrame
    summary: dict


def load_run(folder: str | Path) -> LoadedRun:
    """Read a folder written by ``marginsim run`` back into pandas tables."""
    folder = Path(folder)
    path = folder / MANIFEST
    if not path.is_file():
        raise ResultsError(f"{folder}: not a marginsim results folder (no {MANIFEST})")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    summary = pd.read_parquet(folder / SUMMARY).iloc[0].to_dict()
    return LoadedRun(manifest, pd.read_parquet(folder / TIMESERIES), summary)
