"""Results folders: writing a run to disk (manifest + Parquet + figures) and loading it back.

A folder is written under a temporary name and renamed into place only when complete, so an
interrupted or failed run never leaves a folder that looks finished. ``manifest.json`` holds
what is needed to reproduce the run: the scenario as resolved, the seed, the package and
library versions, the git commit of the code, the command line and the timings.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:   # (pandas and the model are imported only where used: command-line start-up)
    import pandas as pd

    from .runner import RunResult

MANIFEST = "manifest.json"
TIMESERIES = "timeseries.parquet"
SUMMARY = "summary.parquet"
PANEL = "panel.parquet"      # only with ``marginsim run --panel`` (docs/panel.md)


class ResultsError(ValueError):
    """A results folder that cannot be written or read (one-line message)."""


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


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


def check_output_folder(folder: Path, *, may_exist: bool = False) -> None:
    """Refuse, before any work, an output folder that cannot be written (one-line ResultsError).

    Catches what would otherwise be found only after a long simulation: a file in the way,
    a path under a file, no permission, a name too long, a full disk. ``may_exist`` allows a
    non-empty folder (a batch being resumed).
    """
    folder = Path(folder)
    limit = _path_limit(Path("."), "PC_NAME_MAX", 255)
    too_long = [part for part in folder.parts if len(part.encode()) > limit]
    if too_long:
        raise ResultsError(f"{str(folder)[:60]}...: the name {too_long[0][:20]!r}... is longer than {limit} bytes; "
                           "choose a shorter --out")
    if len(str(folder.absolute()).encode()) + 80 > _path_limit(Path("."), "PC_PATH_MAX", 4096):
        raise ResultsError(f"{str(folder)[:60]}...: path too long for the files inside it; choose a shorter --out")
    if folder.exists() and not folder.is_dir():
        raise ResultsError(f"{folder}: is a file, not a folder; choose another --out")
    if folder.is_dir() and not may_exist and any(folder.iterdir()):
        raise ResultsError(f"{folder}: output folder already exists and is not empty; choose another --out")
    ancestor = next(p for p in [folder, *folder.absolute().parents] if p.exists())
    if not ancestor.is_dir():
        raise ResultsError(f"{folder}: {ancestor} is a file, so no folder can be made under it; choose another --out")
    try:
        probe = Path(tempfile.mkdtemp(prefix=".marginsim-probe-", dir=folder if folder.is_dir() else ancestor))
        (probe / "probe").write_bytes(b"\0" * 65536)     # a full disk refuses this much
        shutil.rmtree(probe)
    except OSError as exc:
        raise ResultsError(f"{folder}: cannot write here ({exc.strerror or exc}); choose another --out") from None


def _path_limit(folder: Path, name: str, default: int) -> int:
    try:
        return os.pathconf(folder, name)
    except (OSError, ValueError, AttributeError):
        return default


@contextmanager
def staging(final: Path):
    """Write into a hidden sibling folder; rename it to ``final`` only if the block succeeds.

    The rename is atomic and refuses a ``final`` that another process filled meanwhile, so
    two runs writing to one ``--out`` never mix or replace each other's files.
    """
    final = Path(final)
    check_output_folder(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.partial-", dir=final.parent))
    try:
        yield tmp
        try:
            os.replace(tmp, final)     # onto nothing or an empty folder; a filled one refuses
        except OSError:
            raise ResultsError(f"{final}: another process wrote results here meanwhile; "
                               "these were not kept, choose another --out") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _finite(obj):
    """NaN and infinity as null: a manifest stays valid JSON (bare NaN is not)."""
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite(v) for v in obj]
    return obj


def write_json(path: Path, data: dict) -> None:
    """Write JSON atomically: a reader, a crash or a full disk sees the old file or the new one,
    never half of one (NaN and infinity as null)."""
    write_text_atomic(path, json.dumps(_finite(data), indent=2, default=str, allow_nan=False) + "\n")


def write_text_atomic(path: Path, text: str) -> None:
    """Write a text file atomically: a temporary file, flushed to disk, then renamed."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.partial")
    try:
        with tmp.open("w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def read_json(path: Path) -> dict | None:
    """A JSON file's content, or None if it is missing or damaged (truncated, not JSON)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write_run(result: RunResult, folder: Path, *, argv: list[str] | None = None,
              scenario_files: tuple[Path, ...] | list[Path] = (),
              figures: bool = True, started: str | None = None) -> Path:
    """Write one run to ``folder`` (created; must not already hold files). Returns the folder."""
    from . import plots  # matplotlib only when figures are drawn
    from .metrics import steady_state

    with staging(folder) as tmp:
        result.timeseries.to_parquet(tmp / TIMESERIES, index=False)
        result.summary_frame().to_parquet(tmp / SUMMARY, index=False)
        files = [TIMESERIES, SUMMARY]
        panel = None
        if result.panel is not None:
            result.panel.to_parquet(tmp / PANEL, index=False)
            files.append(PANEL)
            panel = {"share": result.panel_spec.share if result.panel_spec else None,
                     "columns": list(result.panel.columns), "rows": len(result.panel),
                     "units": [u.name for u in result.scenario.office.units]}   # the panel's unit codes
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
            **({"panel": panel} if panel else {}),
            "scenario": result.scenario.to_dict(),
        })
    return Path(folder)


@dataclass
class LoadedRun:
    """A run read back from disk."""

    manifest: dict
    timeseries: pd.DataFrame
    summary: dict
    panel: pd.DataFrame | None = None     # the person-week panel, if the run recorded one


def load_run(folder: str | Path) -> LoadedRun:
    """Read a folder written by ``marginsim run`` back into pandas tables."""
    folder = Path(folder)
    path = folder / MANIFEST
    if not path.is_file():
        raise ResultsError(f"{folder}: not a marginsim results folder (no {MANIFEST})")
    manifest = read_json(path)
    if manifest is None or manifest.get("kind", "run") != "run":
        raise ResultsError(f"{folder}: manifest.json is damaged or not a run's")
    import pandas as pd

    summary = pd.read_parquet(folder / SUMMARY).iloc[0].to_dict()
    panel = pd.read_parquet(folder / PANEL) if (folder / PANEL).is_file() else None
    return LoadedRun(manifest, pd.read_parquet(folder / TIMESERIES), summary, panel)
