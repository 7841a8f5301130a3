"""marginsim: agent-based simulation of marginalisation and welfare follow-up.

Citizens move along an inclusion-exclusion axis across four arenas (work, activity, housing,
economy); caseworkers with limited time follow them up; scenario files compare how the welfare
office is organised. Quick start::

    import simulation as ms
    scenario = ms.load_scenario("scenarios/specialist.toml", {"office.handoff_loss": 0.1})
    result = ms.run(scenario, seed=1)
    result.timeseries.plot(x="week", y="share_lost_2")
    result.summary["creaming_index"]
"""

from .scenario import Scenario, ScenarioError, load_scenario
from .version import package_version

__version__ = package_version()

#: names imported on first use, so `marginsim --help` and scenario checks do not load Mesa
_LAZY = {"WelfareModel": "model", "RunResult": "runner", "run": "runner"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = ["Scenario", "ScenarioError", "WelfareModel", "RunResult", "load_scenario", "run", "__version__"]
