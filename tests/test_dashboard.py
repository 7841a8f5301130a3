"""The classroom dashboard (simulation/app.py).

Fast tests build the dashboard model from plain keyword settings (as SolaraViz does), check
every sidebar control against the model, and render every component with ``solara.render``
(no browser). Browser tests (marked ``browser``) serve the whole app with the solara pytest
plugin (pytest-ipywidgets) and drive Debian's chromium through Playwright; they are skipped
when ``chromium`` is not on PATH. Run only the fast ones with ``pytest -m "not browser"``.
"""

from __future__ import annotations

import importlib.util
import io
import math
import re
import shutil
import signal
import time
import warnings
from pathlib import Path

import ipyvuetify
import ipywidgets
import numpy as np
import pandas as pd
import pytest
import solara
from mesa.visualization.solara_viz import ModelController, _check_model_params
from mesa.visualization.utils import force_update

import simulation as ms
import simulation.app as app
from simulation.app import DashboardModel

ROOT = Path(__file__).resolve().parent.parent
SMALL = dict(citizens=2000, caseworkers=4, warmup_weeks=8)   # builds in about 0.1 s


def small(**settings) -> DashboardModel:
    return DashboardModel(**{**SMALL, **settings})


def images(rc) -> list[bytes]:
    return [w.value for w in rc.find(ipywidgets.Image).widgets]


# --------------------------------------------------------------------------------------------
# The model behind the dashboard
# --------------------------------------------------------------------------------------------


def test_model_builds_from_defaults_and_shows_week_0():
    m = DashboardModel()
    assert m.settings == {**app.DEFAULTS, "rng": 42}
    assert m.params.name == "generalist" and m.params.population.citizens == 20_000
    assert len(m.office.staff) == 16 and m.params.run.weeks == app.WEEKS
    # the warm-up ran inside __init__ without moving Mesa's clock: time 0 shows week 0
    assert m.time == 0 and m.steps == 0 and m.shown_week == 0 and m.recorder.n == 1
    assert len(m.datacollector.get_model_vars_dataframe()) == 1
    assert m.running and m.followed is not None and m.followed_record()["user"]


@pytest.mark.parametrize("organisation", app.ORGANISATIONS)
def test_every_organisation_builds_and_steps(organisation):
    m = small(organisation=organisation)
    assert m.params.name == organisation
    for _ in range(6):
        m.step()
    assert m.time == 6 and m.shown_week == 6 and m.recorder.n == 7
    df = m.datacollector.get_model_vars_dataframe()
    assert list(df.columns) == list(app.REPORTERS) and len(df) == 7
    assert df["Office users"].min() > 0 and (df["2+ arenas lost (%)"] >= df["3+ arenas lost (%)"]).all()
    handoffs = df["Hand-offs"].sum()
    assert (handoffs == 0) if organisation == "generalist" else (handoffs > 0)
    assert sum(m.staff_by_unit().values()) == len(m.office.staff) == len(m.caseworkers)


def test_the_dashboard_shows_the_same_weeks_as_marginsim_run():
    m = DashboardModel(organisation="specialist", citizens=3000, caseworkers=5, rng=9, warmup_weeks=20)
    for _ in range(10):
        m.step()
    scenario = ms.load_scenario(ROOT / "scenarios" / "specialist.toml")
    ref = ms.WelfareModel(scenario, rng=9, citizens=3000, caseworkers=5, weeks=11, warmup_weeks=20).run()
    pd.testing.assert_frame_equal(m.timeseries(), ref.timeseries())


def test_the_seed_box_takes_text():
    assert app._seed("42") == app._seed(42) == 42
    assert app._seed(" 7 ") == 7 and app._seed(np.int64(3)) == 3
    assert app._seed("class 3b") == app._seed("class 3b") != app._seed("class 3c")
    a, b = small(rng="11"), small(rng=11)
    a.step(), b.step()
    pd.testing.assert_frame_equal(a.timeseries(), b.timeseries())


def test_caseload_cap_zero_keeps_the_scenarios_own_caps():
    caps = lambda m: {u.name: u.caseload_cap for u in m.params.office.units}   # noqa: E731
    assert caps(small(organisation="target_group_teams"))["close_follow_up"] == 8
    assert set(caps(small(organisation="target_group_teams")).values()) == {0, 8}
    capped = caps(small(organisation="target_group_teams", caseload_cap=50))
    assert capped["close_follow_up"] == 8 and capped["state_line"] == 50
    assert caps(small(organisation="target_group_teams", caseload_cap=5))["close_follow_up"] == 5


def test_caseworkers_is_total_staff_shared_as_in_the_scenario_file():
    assert len(small(caseworkers=7).office.staff) == 7
    # the proportions of scenarios/specialist.toml, even in a district of 2,000
    m = small(organisation="specialist", caseworkers=16)
    assert m.params.population.citizens == 2000
    assert m.staff_by_unit() == {"reception": 1, "economic": 3, "work": 8, "housing_social": 4}
    half = small(organisation="specialist", caseworkers=8).staff_by_unit()
    assert half["work"] == 4 and half["reception"] == 1 and 7 <= sum(half.values()) <= 9
    # every unit keeps at least one caseworker
    assert small(organisation="specialist", caseworkers=1).staff_by_unit() == {
        "reception": 1, "economic": 1, "work": 1, "housing_social": 1}


def test_following_a_citizen_keeps_their_history():
    m = small(organisation="specialist")
    slot = m.follow(kind="excluded")
    assert m.citizens.arenas_lost(m.params.arenas.loss_threshold)[slot] >= 2
    for _ in range(3):
        m.step()
    f = m.followed
    assert f["slot"] == slot and f["week"] == [0, 1, 2, 3] and len(f["arenas"]) == 4
    assert m.followed_record()["person_id"] == f["person_id"]
    other = m.follow(kind="user")
    assert other != slot and m.followed["since"] == 3 and m.office.registered[other]
    # a citizen who leaves the district: the panel says so and the history stops
    m.citizens.alive[other] = False
    m.step()
    assert m.followed["left_week"] == 4 and m.followed_record() is None
    assert "left the district in week 4" in app.citizen_html(m)


def test_following_does_not_change_the_simulation():
    a, b = small(rng=3), small(rng=3)
    for _ in range(3):
        b.follow(kind="excluded")
        a.step(), b.step()
    pd.testing.assert_frame_equal(a.timeseries(), b.timeseries())


def test_scenarios_are_found_next_to_the_package_with_a_generalist_fallback(monkeypatch, tmp_path):
    assert app.SCENARIO_DIR == ROOT / "scenarios"
    assert app.available_organisations() == app.ORGANISATIONS
    monkeypatch.setattr(app, "SCENARIO_DIR", tmp_path)
    app.organisation_scenario.cache_clear()
    try:
        assert app.available_organisations() == ("generalist",)
        assert app.organisation_scenario("generalist") == ms.Scenario()
        with pytest.raises(FileNotFoundError):
            app.organisation_scenario("specialist")
        with pytest.raises(ValueError, match="unknown organisation"):
            app.organisation_scenario("matrix")
    finally:
        app.organisation_scenario.cache_clear()


# --------------------------------------------------------------------------------------------
# The sidebar controls
# --------------------------------------------------------------------------------------------


def test_every_control_is_a_model_keyword():
    _check_model_params(DashboardModel.__init__, app.MODEL_PARAMS)       # raises on a stray key
    with pytest.raises(ValueError, match="Invalid model parameter"):
        _check_model_params(DashboardModel.__init__, {**app.MODEL_PARAMS, "n_caseworkers": 3})
    assert set(app.MODEL_PARAMS) == set(app.DEFAULTS)
    for name, spec in app.MODEL_PARAMS.items():
        assert spec["value"] == app.DEFAULTS[name], name


def _extremes(spec) -> list:
    if spec["type"] == "Select":
        return list(spec["values"])
    if spec["type"] == "InputText":
        return [spec["value"], "0", "a word"]
    return [spec["min"], spec["max"]]


@pytest.mark.parametrize("name", sorted(app.MODEL_PARAMS))
def test_every_control_value_builds_a_model_that_steps(name):
    for value in _extremes(app.MODEL_PARAMS[name]):
        settings = {**SMALL, "warmup_weeks": 0, name: value}
        m = DashboardModel(**settings)
        m.step()
        assert m.time == 1, (name, value)


# --------------------------------------------------------------------------------------------
# Components, rendered without a browser
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def stepped():
    m = small(organisation="specialist")
    for _ in range(5):
        m.step()
    return m


@pytest.mark.parametrize("index", range(len(app.COMPONENTS)))
def test_every_component_renders(stepped, index):
    component, tab = app.COMPONENTS[index]
    assert tab in (app.CITIZENS, app.OFFICE, app.ONE_CITIZEN)
    _box, rc = solara.render(component(stepped), handle_error=False)
    try:
        pngs = images(rc)
        html = " ".join(w.unsafe_innerHTML for w in rc.find(solara.widgets.HTML).widgets)
        assert pngs or html
        for png in pngs:
            assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000
    finally:
        rc.close()


def test_panels_say_what_students_need(stepped):
    office = app.office_html(stepped)
    assert "specialist</b> office" in office and "caseworkers</b> (reception 1" in office
    assert "hand-offs this week" in office and "time pressure" in office
    person = app.citizen_html(stepped)
    assert f"Citizen {stepped.followed['person_id']} in week 5" in person and "caseworkers met" in person
    assert "social assistance" in app.axis_key_html()


def test_figures_change_when_the_model_steps():
    m = small(organisation="specialist")
    _box, rc = solara.render(app.AxisView(m), handle_error=False)
    _box2, rc2 = solara.render(app.ExclusionPlot[0](m), handle_error=False)
    try:
        before = images(rc) + images(rc2)
        for _ in range(3):
            m.step()
        force_update()
        after = images(rc) + images(rc2)
        assert len(before) == len(after) == 2
        assert all(a != b for a, b in zip(before, after, strict=False))
    finally:
        rc.close(), rc2.close()


def test_long_histories_are_drawn_as_block_means():
    m = small()
    for values in m.datacollector.model_vars.values():
        values.extend([float("nan")] * 1500 + [1.0] * 3000)      # weeks with no value stay gaps
    measures, title, unit, _tab = app.SERIES["waiting"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = app.series_figure(m, measures, title, unit)
        fig.savefig(io.BytesIO(), format="png")
    lines = fig.axes[0].get_lines()
    assert len(lines) == len(measures) and all(len(line.get_xdata()) <= app.MAX_LINE_POINTS for line in lines)
    assert fig.axes[0].get_xlim() == (0, 4500)


def test_the_whole_page_renders_and_reset_rebuilds_the_model():
    _box, rc = solara.render(app.Page(), handle_error=False)
    rc.close()
    model = solara.reactive(small())
    params = solara.reactive({**app.DEFAULTS, **SMALL, "organisation": "specialist"})
    _box, rc = solara.render(ModelController(model, model_parameters=params, play_interval=solara.reactive(20),
                                             render_interval=solara.reactive(1),
                                             use_threads=solara.reactive(False)), handle_error=False)
    try:
        rc.find(ipyvuetify.Btn, children=["Step"]).widget.click()
        assert model.value.time == 1 and model.value.organisation == "generalist"
        rc.find(ipyvuetify.Btn, children=["Reset"]).widget.click()
        assert model.value.organisation == "specialist" and model.value.time == 0
        assert model.value.staff_by_unit()["reception"] == 1
    finally:
        rc.close()


def test_main_serves_the_app_offline_without_telemetry(monkeypatch, capsys):
    seen = {}

    class FakeServer:
        def __init__(self, cmd, env):
            seen.update(cmd=cmd, env=env)

        def wait(self):
            return 0

    monkeypatch.setattr(app.subprocess, "Popen", FakeServer)
    assert app.main(host="0.0.0.0", port=9000) == 0
    cmd = seen["cmd"]
    assert cmd[1:4] == ["-m", "solara", "run"] and "simulation.app" in cmd and "--no-open" in cmd
    assert cmd[cmd.index("--host") + 1] == "0.0.0.0" and cmd[cmd.index("--port") + 1] == "9000"
    assert seen["env"]["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "false"
    out = capsys.readouterr().out
    assert "http://localhost:9000/" in out and "every network interface" in out


def test_main_stops_the_server_on_ctrl_c(monkeypatch):
    calls = []

    class FakeServer:
        def __init__(self, cmd, env):
            pass

        def wait(self, timeout=None):
            calls.append(("wait", timeout))
            if len(calls) == 1:
                raise KeyboardInterrupt
            return -15

        def terminate(self):
            calls.append(("terminate", None))

    handler = signal.getsignal(signal.SIGTERM)
    monkeypatch.setattr(app.subprocess, "Popen", FakeServer)
    assert app.main() == 0
    assert calls == [("wait", None), ("terminate", None), ("wait", 15)]
    assert signal.getsignal(signal.SIGTERM) is handler          # SIGTERM handling is restored


def test_reporters_read_the_weekly_table(stepped):
    row = stepped.timeseries().iloc[-1]
    df = stepped.datacollector.get_model_vars_dataframe()
    last = df.iloc[-1]
    assert last["On social assistance"] == row["on_social_assistance"]
    assert last["Hand-offs"] == row["handoffs"] and last["Idle"] == row["hours_idle"]
    assert math.isclose(last["2+ arenas lost (%)"], 100 * row[["share_lost_2", "share_lost_3", "share_lost_4"]].sum())


# --------------------------------------------------------------------------------------------
# In a browser: the whole app served by the solara pytest plugin, in Debian's chromium
# --------------------------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium")
HAVE_PLUGIN = all(importlib.util.find_spec(m) for m in ("playwright", "pytest_playwright", "solara.test.pytest_plugin"))
browser = pytest.mark.skipif(
    CHROMIUM is None or not HAVE_PLUGIN,
    reason="browser tests need Debian's chromium on PATH (apt-get install chromium) and pytest-ipywidgets + "
           "playwright; never run `playwright install`")
WAIT_MS = 60_000


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch Debian's chromium (no browser download); --no-sandbox because tests may run as root."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "headless": True,
            "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-dev-shm-usage", "--no-first-run", "--disable-extensions"]}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}}


@pytest.fixture
def dashboard(solara_server, solara_app, page_session):
    """The whole app (simulation/app.py) served by solara, opened in a fresh browser session."""
    with solara_app(str(Path(app.__file__).resolve())):
        page_session.set_default_timeout(WAIT_MS)
        page_session.goto(solara_server.base_url)
        page_session.get_by_text(app.TITLE).first.wait_for(timeout=WAIT_MS)
        page_session.get_by_text(re.compile(r"Time:\s*0\.0")).wait_for(timeout=WAIT_MS)
        yield page_session


def _button(page, name):
    return page.get_by_role("button", name=re.compile(rf"^\s*{name}\s*$", re.I))


def _changed_screenshot(locator, before: bytes, timeout_s: float = 30) -> bytes:
    deadline = time.monotonic() + timeout_s
    while True:
        shot = locator.screenshot()
        if shot != before or time.monotonic() > deadline:
            return shot
        time.sleep(0.25)


@browser
@pytest.mark.browser
def test_browser_app_loads_steps_and_the_plots_change(dashboard, tmp_path, request):
    page = dashboard
    imgs = page.locator("img")
    imgs.nth(3).wait_for(timeout=WAIT_MS)              # the Citizens tab: axis, arenas and two plots
    axis, plot = imgs.nth(0), imgs.nth(2)
    axis_before, plot_before = axis.screenshot(), plot.screenshot()
    _button(page, "step").click()
    page.get_by_text(re.compile(rf"Time:\s*{app.RENDER_INTERVAL}\.0")).wait_for(timeout=WAIT_MS)
    assert _changed_screenshot(axis, axis_before) != axis_before
    assert _changed_screenshot(plot, plot_before) != plot_before
    shot = tmp_path / "dashboard-citizens-tab.png"
    page.screenshot(path=shot, full_page=True)
    request.node.user_properties.append(("screenshot", str(shot)))
    print(f"screenshot: {shot}")
    assert shot.stat().st_size > 20_000


@browser
@pytest.mark.browser
def test_browser_switching_organisation_and_reset_rebuild_the_model(dashboard, tmp_path, request):
    page = dashboard
    page.locator(".v-select").first.click()
    page.get_by_role("option", name="specialist").click()
    _button(page, "reset").click()
    page.get_by_role("tab", name=re.compile("page 1", re.I)).click()
    page.get_by_text("specialist office for").wait_for(timeout=WAIT_MS)
    page.get_by_text(re.compile(r"reception 1, economic 3, work 8, housing social 4")).wait_for(timeout=WAIT_MS)
    _button(page, "step").click()
    page.get_by_text(re.compile(rf"The office in week {app.RENDER_INTERVAL}\b")).wait_for(timeout=WAIT_MS)
    page.get_by_role("tab", name=re.compile("page 2", re.I)).click()
    page.get_by_text("Follow another user").wait_for(timeout=WAIT_MS)
    page.get_by_text(re.compile(r"Citizen \d+ in week")).wait_for(timeout=WAIT_MS)
    shot = tmp_path / "dashboard-one-citizen-tab.png"
    page.screenshot(path=shot, full_page=True)
    request.node.user_properties.append(("screenshot", str(shot)))
    print(f"screenshot: {shot}")
