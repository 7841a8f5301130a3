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

from .model import WelfareModel
from .runner import RunResult, run
from .scenario import Scenario, ScenarioError, load_scenario
from .version import package_version

__version__ = package_version()

__all__ = ["Scenario", "ScenarioError", "WelfareModel", "RunResult", "load_scenario", "run", "__version__"]
