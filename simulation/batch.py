"""One batch runner for comparisons and sweeps: plan, stream to disk, resume, failures, lock.

A batch is many runs whose results go to one folder. :func:`run_batch` does, for any
:class:`Batch` (a comparison or a sweep):

1. check the folder before any work: usable, and either new or (``resume``) started with the
   same definition (read from ``manifest.json`` or, if that is damaged, from
   ``signature.json``, written once at the start);
2. take ``.lock`` in the folder, so a second writer is refused instead of mixing results;
3. write ``manifest.json`` (atomically, with pid and host) and run what is not yet on disk,
   storing each run as it finishes; a run that raises is recorded in ``failures/`` and the
   batch goes on; a run whose worker dies is retried (``runner.execute``);
4. write the batch's outputs (tables, report, sensitivity indices) and only then mark the
   manifest ``complete``. An interruption at any point leaves ``interrupted`` and a folder
   that ``resume`` completes without redoing finished runs.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
from pathlib import Path

from .results import ResultsError, check_output_folder, environment, now_iso, read_json, write_json
from .runner import STALL_TIMEOUT_S, RunFailed, RunResult, Task, check_scheduler, execute

MANIFEST = "manifest.json"
SIGNATURE = "signature.json"
LOCK = ".lock"
FAILURES = "failures"


class Batch:
    """What a comparison or a sweep tells the batch runner (subclasses fill these in)."""

    kind = "batch"              # written to the manifest; a resume must find the same kind
    signature_key = "plan"      # manifest key holding the definition a resume must match

    def signature(self) -> dict:
        raise NotImplementedError

    def manifest(self) -> dict:
        """Descriptive manifest fields (names, seeds, files)."""
        raise NotImplementedError

    def tasks(self) -> list[Task]:
        raise NotImplementedError

    def start(self, folder: Path) -> None:
        """Write what describes the batch before any run (a sweep's design table)."""

    def finished(self, folder: Path) -> set:
        """Keys of the runs already on disk."""
        raise NotImplementedError

    def store(self, folder: Path, key, result: RunResult) -> None:
        """Write one finished run (atomically)."""
        raise NotImplementedError

    def failure_name(self, key) -> str:
        raise NotImplementedError

    def failure_record(self, key) -> dict:
        """What to record with a failed run: its parameters and seed."""
        raise NotImplementedError

    def finish(self, folder: Path, failed: int) -> tuple[str, dict]:
        """Write the outputs after the runs; return the final status and manifest additions."""
        raise NotImplementedError


def failures_of(folder: Path) -> list[Path]:
    return sorted((Path(folder) / FAILURES).glob("*.json"))


def run_batch(batch: Batch, folder: str | Path, *, jobs: int = 1, scheduler: str | None = None,
              resume: bool = False, progress=None, argv=None, stall_timeout: float = STALL_TIMEOUT_S) -> dict:
    """Run a batch into ``folder`` (see the module docstring); returns the final manifest."""
    folder = Path(folder)
    prepare_folder(folder, batch, resume=resume)
    if scheduler is not None:
        try:
            check_scheduler(scheduler)
        except ValueError as exc:
            raise ResultsError(f"--scheduler: {exc}") from None
    folder.mkdir(parents=True, exist_ok=True)
    with FolderLock(folder):
        return _run_locked(batch, folder, jobs, scheduler, progress, argv, stall_timeout)


def _run_locked(batch: Batch, folder: Path, jobs, scheduler, progress, argv, stall_timeout) -> dict:
    manifest = {"kind": batch.kind, "status": "running", "started": now_iso(), "command": argv,
                "pid": os.getpid(), "host": socket.gethostname(), **batch.manifest(),
                "jobs": jobs, "scheduler": scheduler, "environment": environment(),
                batch.signature_key: batch.signature()}
    write_json(folder / MANIFEST, manifest)
    if read_json(folder / SIGNATURE) is None:
        write_json(folder / SIGNATURE, {"kind": batch.kind, batch.signature_key: batch.signature()})
    batch.start(folder)
    done = batch.finished(folder)
    tasks = [t for t in batch.tasks() if t.key not in done]

    def on_result(key, result) -> None:
        failure = folder / FAILURES / f"{batch.failure_name(key)}.json"
        if isinstance(result, RunFailed):
            failure.parent.mkdir(exist_ok=True)
            write_json(failure, {**batch.failure_record(key), "error": result.error})
        else:
            batch.store(folder, key, result)
            failure.unlink(missing_ok=True)
        if progress:
            progress(1)

    try:
        if progress and done:
            progress(len(done))
        execute(tasks, jobs=jobs, on_result=on_result, scheduler=scheduler, catch_errors=True,
                stall_timeout=stall_timeout)
        manifest.update(status="finishing")      # outputs not yet written: not complete
        write_json(folder / MANIFEST, manifest)
        failed = len(failures_of(folder))
        status, extra = batch.finish(folder, failed)
    except BaseException:
        manifest.update(status="interrupted", stopped=now_iso(), finished_runs=len(batch.finished(folder)))
        _write_quietly(folder / MANIFEST, manifest)
        raise
    manifest.update(status=status, finished=now_iso(), finished_runs=len(batch.finished(folder)),
                    failed_runs=failed, **extra)
    write_json(folder / MANIFEST, manifest)
    return manifest


def _write_quietly(path: Path, data: dict) -> None:
    """Record an interruption if the disk allows; the original error is the one to report."""
    with contextlib.suppress(OSError):
        write_json(path, data)


def prepare_folder(folder: Path, batch: Batch, *, resume: bool) -> None:
    """A batch folder: new, or (with ``resume``) one started with the same definition.

    Refuses a non-empty folder without ``resume`` and a folder started with another definition,
    so nothing finished is overwritten or mixed up. A damaged manifest (a full disk, a crash
    of another program) is not fatal: the definition is also in ``signature.json``, and the
    manifest is rebuilt from it and from the runs on disk.
    """
    check_output_folder(folder, may_exist=True)
    FolderLock(folder).refuse_if_held()
    if not folder.is_dir() or not any(folder.iterdir()):
        return
    if not resume:
        raise ResultsError(f"{folder}: output folder already exists and is not empty; "
                           "use --resume to complete it, or choose another --out")
    recorded = read_json(folder / MANIFEST)
    if recorded is None or batch.signature_key not in recorded:
        recorded = read_json(folder / SIGNATURE)
    if recorded is None:
        raise ResultsError(f"{folder}: neither manifest.json nor signature.json can be read, so it is unknown "
                           "which batch this folder holds; cannot resume it")
    if recorded.get("kind") != batch.kind or recorded.get(batch.signature_key) != batch.signature():
        raise ResultsError(f"{folder}: was started with another {batch.kind} (other scenarios, settings or "
                           "seeds); cannot resume it with this one")


def describe_status(manifest: dict) -> str:
    """The manifest's status in words; a ``running`` whose process is gone says so."""
    status = manifest.get("status", "unknown")
    if status in ("running", "finishing") and manifest.get("pid"):
        host, pid = manifest.get("host"), manifest["pid"]
        if host == socket.gethostname() and not _alive(pid):
            return f"{status} by process {pid} on {host}, which has ended (stopped without notice)"
        return f"{status} (process {pid} on {host})"
    return status


class FolderLock:
    """``.lock`` in a batch folder, held while this process writes to it.

    A second ``compare`` or ``sweep`` on the same folder is refused with the holder's pid
    and host. A lock left by a process that no longer runs on this host is taken over.
    """

    def __init__(self, folder: Path):
        self.folder, self.path = Path(folder), Path(folder) / LOCK
        self.mine = {"pid": os.getpid(), "host": socket.gethostname(), "since": now_iso()}

    def refuse_if_held(self) -> None:
        """Refuse at once if a live process holds the lock (checked again, atomically, on entry)."""
        if self.path.is_file():
            holder = read_json(self.path) or {}
            if not self._stale(holder):
                raise self._held(holder)

    def _held(self, holder: dict) -> ResultsError:
        return ResultsError(f"{self.folder}: another marginsim (process {holder.get('pid', '?')} on "
                            f"{holder.get('host', '?')}) is writing to this folder; wait for it to end, or "
                            f"delete {self.path} if it has")

    def __enter__(self) -> FolderLock:
        for attempt in (1, 2):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                holder = read_json(self.path) or {}
                if attempt == 1 and self._stale(holder):
                    self.path.unlink(missing_ok=True)
                    continue
                raise self._held(holder) from None
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(self.mine, fh)
            return self
        raise AssertionError("unreachable")   # pragma: no cover

    def __exit__(self, *exc) -> None:
        if (read_json(self.path) or {}).get("pid") == self.mine["pid"]:
            self.path.unlink(missing_ok=True)

    @staticmethod
    def _stale(holder: dict) -> bool:
        if not holder.get("pid"):
            return True     # a lock file cut short: its writer died while writing it
        return holder.get("host") == socket.gethostname() and not _alive(int(holder["pid"]))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True
