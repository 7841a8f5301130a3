"""Shared fixtures: the command line (in this process or a fresh one) and small scenarios that
run in well under a second.

Test modules take what they share from here as fixtures; they never import each other."""

import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

import simulation as ms

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
ORGANISATIONS = ("generalist", "specialist", "target_group_teams")

# a district and horizon small enough for a command-line test (a second or two per run)
TINY_SETTINGS = ("population.citizens=1500", "run.weeks=20", "run.warmup_weeks=10")


def small(scenario: ms.Scenario, citizens: int = 3000, weeks: int = 104, warmup: int = 52) -> ms.Scenario:
    """The same office for a small district and a short horizon."""
    return scenario.scaled(citizens).replace(**{"run.weeks": weeks, "run.warmup_weeks": warmup})


class Invocation(NamedTuple):
    """What a command left: exit code and output (unpacks as ``code, out, err``)."""

    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def marginsim(capsys, monkeypatch):
    """Run ``marginsim ARGS...`` in this process; returns ``Invocation(returncode, stdout, stderr)``.

    Arguments may be paths or numbers. ``cwd=`` runs it from another folder. A usage error or
    ``--version`` (argparse's SystemExit) is returned as its exit code, as a shell would see it.
    """
    from simulation import cli

    def invoke(*args, cwd=None) -> Invocation:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        capsys.readouterr()  # drop anything printed before
        try:
            code = cli.main([str(a) for a in args])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        out, err = capsys.readouterr()
        return Invocation(code, out, err)

    return invoke


@pytest.fixture
def marginsim_process():
    """Run ``python -m simulation ARGS...`` in a fresh process, as a user runs it.

    For what only a fresh process shows: worker processes, signals, import side effects.
    Returns ``Invocation(returncode, stdout, stderr)``.
    """
    def invoke(*args, cwd=None, timeout=300) -> Invocation:
        proc = subprocess.run([sys.executable, "-m", "simulation", *map(str, args)], capture_output=True,
                              text=True, cwd=cwd, timeout=timeout)
        return Invocation(proc.returncode, proc.stdout, proc.stderr)

    return invoke


@pytest.fixture(scope="session")
def organisations() -> dict[str, ms.Scenario]:
    return {name: ms.load_scenario(SCENARIOS / f"{name}.toml") for name in ORGANISATIONS}


@pytest.fixture(scope="session")
def small_runs(organisations) -> dict[str, ms.RunResult]:
    """One small run per organisation, shared by the tests that only read results."""
    return {name: ms.run(small(s), seed=7) for name, s in organisations.items()}


@pytest.fixture
def tiny_scenario() -> ms.Scenario:
    """The specialist office for 1,500 citizens over 20 recorded weeks (about a second)."""
    return ms.load_scenario(SCENARIOS / "specialist.toml", list(TINY_SETTINGS))


@pytest.fixture
def tiny_scenario_file(tmp_path) -> Path:
    """A scenario file that extends specialist.toml down to the tiny district and horizon."""
    path = tmp_path / "tiny.toml"
    citizens, weeks, warmup = (s.split("=")[1] for s in TINY_SETTINGS)
    path.write_text(f'extends = "{(SCENARIOS / "specialist.toml").as_posix()}"\nname = "tiny"\n'
                    f"[population]\ncitizens = {citizens}\n[run]\nweeks = {weeks}\nwarmup_weeks = {warmup}\n",
                    encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------------
# Shared experiments (each run once per session; tests only read their results)
# --------------------------------------------------------------------------------------------

#: staff as a share of the default (per 1,000 adults) in the staffing sweep
STAFFING = (0.6, 0.8, 1.0, 1.3, 1.6)
#: replications of each shared experiment, with common seeds across its arms
SEEDS = (1, 2)


def staffed(scenario: ms.Scenario, share: float) -> ms.Scenario:
    """The same office with ``share`` of its staff (at least one caseworker per unit)."""
    from simulation.scenario import apply_settings
    return apply_settings(scenario, caseworkers=round(scenario.total_staff * share))


@pytest.fixture(scope="session")
def staffing_sweep(organisations) -> dict[float, list[ms.RunResult]]:
    """A 5,000-adult generalist district with 60-160 % of the default staff, two recorded years
    after one of spin-up; one run per seed in :data:`SEEDS`, keyed by staff share."""
    base = small(organisations["generalist"], citizens=5000, weeks=104, warmup=52)
    return {share: [ms.run(staffed(base, share), seed=seed) for seed in SEEDS] for share in STAFFING}


@pytest.fixture(scope="session")
def application_runs(organisations, small_runs) -> dict[str, list[tuple[ms.RunResult, ms.RunResult]]]:
    """Per organisation, (as usual, with three times the debt and income shocks: a rise in
    applications) for seeds 7 (the usual run is ``small_runs``) and 8."""
    def pair(name, seed):
        s = organisations[name]
        usual = small_runs[name] if seed == 7 else ms.run(small(s), seed=seed)
        return usual, ms.run(small(s).replace(**{"shocks.application_rate_factor": 3.0}), seed=seed)
    return {name: [pair(name, seed) for seed in (7, 8)] for name in organisations}
