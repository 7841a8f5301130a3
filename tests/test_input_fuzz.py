"""Property-based input test (hypothesis): any scenario document and any ``--set`` strings give
either a valid run or exit 2 with one line and no traceback, never anything else."""

import dataclasses
import io
import json
import math
import typing
from contextlib import redirect_stderr, redirect_stdout

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from simulation import cli
from simulation.scenario import Scenario

from conftest import SCENARIOS


def _scalar_keys(cls=Scenario, prefix=""):
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        if dataclasses.is_dataclass(hints[f.name]):
            yield from _scalar_keys(hints[f.name], f"{prefix}{f.name}.")
        else:
            yield prefix + f.name


KEYS = sorted(_scalar_keys()) + ["office", "run", "nonsense", "office.handof_loss", "population.citizens.x"]
# valid values of these make a run long; keep them small so a valid document runs in a blink
SMALL = {"population.citizens": 400, "run.weeks": 8, "run.warmup_weeks": 4, "network.neighbourhood_size": 400,
         "network.mean_degree": 10}

scalars = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**20, 10**20), st.booleans(),
    st.text(max_size=12), st.sampled_from(["need_based", "creaming", "same_day", "all", "youth", "intake"]))
values = st.one_of(scalars, st.lists(scalars, max_size=3), st.dictionaries(st.sampled_from(["a", "staff", "name"]),
                                                                            scalars, max_size=2))
units = st.lists(st.fixed_dictionaries({}, optional={
    "name": st.text(max_size=8), "tasks": st.lists(st.sampled_from(["intake", "economic", "work", "housing_social",
                                                                    "x"]), max_size=4),
    "target_group": st.sampled_from(["all", "youth", "heaviest", "refugees", "none"]),
    "staff": st.integers(-2, 6), "caseload_cap": st.integers(-1, 40)}), max_size=3)


def _keep_small(item):
    key, value = item
    limit = SMALL.get(key)
    if limit is not None and isinstance(value, (int, float)) and not isinstance(value, bool) and value > limit:
        value = limit
    return key, value


entries = st.lists(st.tuples(st.sampled_from(KEYS), values).map(_keep_small), max_size=6)


def toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf") if math.isinf(v) else repr(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(x)}" for k, x in v.items()) + "}"


def document(items, unit_tables) -> str:
    """A scenario file: tiny defaults, then the random entries (dotted keys, later ones win)."""
    lines = [f'extends = "{SCENARIOS / "generalist.toml"}"', 'name = "fuzz"']
    data = {"population.citizens": 300, "run.weeks": 6, "run.warmup_weeks": 0}
    data.update(dict(items))
    for key, value in data.items():
        lines.append(f"{'.'.join(json.dumps(p) for p in key.split('.'))} = {toml_value(value)}")
    if unit_tables:
        lines.append("office.units = " + toml_value(unit_tables))
    return "\n".join(lines) + "\n"


set_strings = st.one_of(
    st.tuples(st.sampled_from(KEYS), values).map(_keep_small).map(lambda kv: f"{kv[0]}={toml_value(kv[1])}"),
    st.text(max_size=20))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(entries, st.one_of(st.none(), units), st.lists(set_strings, max_size=3))
def test_any_input_gives_a_run_or_one_line_and_exit_2(tmp_path_factory, items, unit_tables, sets):
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / "s.toml"
    try:
        path.write_text(document(items, unit_tables), encoding="utf-8")
    except UnicodeEncodeError:       # a lone surrogate cannot be written as UTF-8: not a file anyone has
        return
    out = folder / "out"
    args = ["run", str(path), "--quiet", "--out", str(out)]
    for s in sets:
        args += ["--set", s]
    stdout, stderr = io.StringIO(), io.StringIO()
    with redirect_stdout(stdout), redirect_stderr(stderr):
        try:
            code = cli.main(args)
        except SystemExit as exc:     # argparse refusing an option
            code = exc.code
    err = stderr.getvalue()
    event(f"exit {code}")
    assert "Traceback" not in err
    if code == 0:
        manifest = json.loads((out / "manifest.json").read_text())
        assert manifest["status"] == "complete" and err == ""
    else:
        assert code == 2, err
        assert len(err.strip().splitlines()) == 1, err
        assert not out.exists() and not list(folder.glob(".out*"))
