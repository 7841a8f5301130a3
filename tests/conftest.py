"""Shared fixtures: small scenarios that run in well under a second."""

from pathlib import Path

import pytest

import simulation as ms

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
ORGANISATIONS = ("generalist", "specialist", "target_group_teams")


def small(scenario: ms.Scenario, citizens: int = 3000, weeks: int = 104, warmup: int = 52) -> ms.Scenario:
    """The same office for a small district and a short horizon."""
    return scenario.scaled(citizens).replace(**{"run.weeks": weeks, "run.warmup_weeks": warmup})


@pytest.fixture(scope="session")
def organisations() -> dict[str, ms.Scenario]:
    return {name: ms.load_scenario(SCENARIOS / f"{name}.toml") for name in ORGANISATIONS}


@pytest.fixture(scope="session")
def small_runs(organisations) -> dict[str, ms.RunResult]:
    """One small run per organisation, shared by the tests that only read results."""
    return {name: ms.run(small(s), seed=7) for name, s in organisations.items()}
