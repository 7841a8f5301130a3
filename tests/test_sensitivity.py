"""The noise rule: a parameter is influential only when its index clears replication noise."""

import numpy as np
import pandas as pd
import pytest

from simulation import sensitivity
from simulation.sampling import Parameter
from simulation.scenario import Scenario
from simulation.sweep import Sweep


def synthetic(design, samples, replications, noise_sd=1.0, seed=3):
    """A sweep whose output is 3 x `effect` plus noise; `unread` is a parameter the 'model' never
    reads (each run's noise is independent of it, as a different seed stream would be)."""
    sweep = Sweep(name="synthetic", base=Scenario(), design=design, samples=samples, replications=replications,
                  seed=seed, outputs=["creaming_index"],
                  parameters=[Parameter("effect", low=0.0, high=1.0), Parameter("unread", low=0.0, high=1.0)])
    points = sweep.points()
    rng = np.random.default_rng(seed)
    rows = [{"point": i, "replication": r, "creaming_index": 3 * x + rng.normal(0, noise_sd)}
            for i, x in enumerate(points["effect"]) for r in range(replications)]
    return sweep, pd.DataFrame(rows)


@pytest.mark.parametrize("design, samples", [("sobol", 128), ("morris", 40)])
def test_a_parameter_the_model_never_reads_is_not_influential(design, samples, tmp_path):
    sweep, results = synthetic(design, samples, replications=2)
    table = sensitivity.write_analysis(sweep, results, tmp_path).set_index("parameter")
    key, conf = sensitivity.KEY[design]
    unread, effect = table.loc["unread"], table.loc["effect"]
    # the old rule ("its interval excludes zero") would have said the unread parameter drives the output
    assert unread[key] - unread[conf] > 0
    assert unread["verdict"] == "not distinguishable from noise"
    assert effect["verdict"] == "influential"
    md = (tmp_path / "sensitivity.md").read_text()
    assert "`unread`" in md and "(not distinguishable from noise)" in md and "creaming index" in md


def test_the_noise_level_tracks_the_noise():
    quiet = sensitivity.replication_noise(*synthetic("sobol", 64, 3, noise_sd=0.1))
    loud = sensitivity.replication_noise(*synthetic("sobol", 64, 3, noise_sd=2.0))
    assert quiet["noise"].max() < 0.05 < 0.5 < loud["noise"].max()


def test_one_replication_cannot_call_anything_influential(tmp_path):
    sweep, results = synthetic("sobol", 64, replications=1)
    table = sensitivity.write_analysis(sweep, results, tmp_path)
    assert set(table["verdict"]) == {"noise unknown"}
    assert any("cannot be estimated" in w for w in table.attrs["warnings"])


def test_a_design_too_small_says_how_many_samples_it_needs(tmp_path):
    sweep, results = synthetic("sobol", 8, replications=2, noise_sd=0.3)
    table = sensitivity.write_analysis(sweep, results, tmp_path)
    (warning,) = table.attrs["warnings"]
    needed = int(warning.split("about ")[1].split(" samples")[0])
    assert "cannot separate signal from noise" in warning and needed > 8 and needed & (needed - 1) == 0
    assert "Warning:" in (tmp_path / "sensitivity.md").read_text()
