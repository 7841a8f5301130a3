"""The classroom dashboard (simulation/dashboard/).

Fast tests build the dashboard's model and lesson from plain settings, check the controls, the
stories, the click-to-citizen mapping, text sizes in every figure, and render every tab with
``solara.render`` (no browser). Browser tests (marked ``browser``) serve the page with the solara
pytest plugin (pytest-ipywidgets) and drive Debian's chromium through Playwright at projector
size (1024x768), sharing one page; they are skipped when ``chromium`` is not on PATH. Their
screenshots (one per view) are kept in the test's output folder and, with
``MARGINSIM_DOCS_IMG=docs/img``, written as small PNGs for docs/dashboard.md.
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
import re
import shutil
import signal
import time
import zlib
from pathlib import Path

import ipyvuetify
import numpy as np
import pandas as pd
import pytest
import solara
from mesa.visualization.solara_viz import _check_model_params

import simulation as ms
import simulation.app as app_shim
from simulation.dashboard import adapter as A
from simulation.dashboard import figures as F
from simulation.dashboard import launcher
from simulation.dashboard import page as PG
from simulation.dashboard import panels as P
from simulation.dashboard import settings as S
from simulation.dashboard.adapter import DashboardModel

ROOT = Path(__file__).resolve().parent.parent
SMALL = dict(citizens=2000, caseworkers=4, warmup_weeks=8)   # builds in about 0.1 s


def small(**settings) -> DashboardModel:
    return DashboardModel(**{**SMALL, **settings})


def small_lesson(**settings) -> A.Lesson:
    return A.Lesson(S.Settings(**{"citizens": 2000, "caseworkers": 4, **settings}), warmup_weeks=8)


# --------------------------------------------------------------------------------------------
# The model behind the dashboard
# --------------------------------------------------------------------------------------------


def test_model_builds_from_defaults_and_shows_week_0():
    m = DashboardModel()
    assert m.settings == {**S.DEFAULTS.model_settings(), "rng": 42}
    base = S.organisation_scenario("generalist")             # the defaults are the generalist scenario's
    assert m.params.name == "generalist" and m.params.population.citizens == base.population.citizens
    assert A.staff_count(m) == S.DEFAULTS.caseworkers == sum(u.staff for u in base.office.units)
    assert m.params.office.creaming_under_pressure == base.office.creaming_under_pressure
    assert m.params.run.weeks == A.WEEKS
    # the warm-up ran inside __init__ without moving Mesa's clock: week 0 is on screen
    assert m.steps == 0 and m.shown_week == 0 and m.recorder.n == 1
    assert len(m.datacollector.get_model_vars_dataframe()) == 1
    assert 1900 <= len(m.drawn()) <= 2100 and m.running


@pytest.mark.parametrize("organisation", S.ORGANISATIONS)
def test_every_organisation_builds_and_steps(organisation):
    m = small(organisation=organisation)
    assert m.params.name == organisation
    for _ in range(6):
        m.step()
    assert m.shown_week == 6 and m.recorder.n == 7
    df = m.datacollector.get_model_vars_dataframe()
    assert list(df.columns) == list(A.REPORTERS) and len(df) == 7
    assert df["Office users"].min() > 0 and (df["2+ arenas lost (%)"] >= df["3+ arenas lost (%)"]).all()
    handoffs = df["Hand-offs"].sum()
    assert (handoffs == 0) if organisation == "generalist" else (handoffs > 0)
    assert sum(m.staff_by_unit().values()) == A.staff_count(m) == len(m.caseworkers)


def test_the_dashboard_shows_the_same_weeks_as_marginsim_run():
    m = DashboardModel(organisation="specialist", citizens=3000, caseworkers=5, rng=9, warmup_weeks=20)
    for _ in range(10):
        m.step()
    scenario = ms.load_scenario(ROOT / "scenarios" / "specialist.toml")
    ref = ms.WelfareModel(scenario, rng=9, citizens=3000, caseworkers=5, weeks=A.WEEKS, warmup_weeks=20)
    while ref.week < 11:                    # the same horizon: the dashboard can play 100 years
        ref.step()
    pd.testing.assert_frame_equal(m.timeseries(), ref.timeseries())


def test_seeds_are_shown_as_typed_and_hashed_stably():
    assert S.seed_number("42") == S.seed_number(42) == 42
    assert S.seed_number(" 7 ") == 7 and S.seed_number(np.int64(3)) == 3
    # text: CRC-32, the same on every machine and run (Python's hash() is salted per process)
    assert S.seed_number("class A") == zlib.crc32(b"class A") == 1194628101
    assert S.seed_number("class A") != S.seed_number("class B")
    settings = S.Settings(seed="class A")
    assert "seed \u201cclass A\u201d" in settings.headline()
    assert settings.model_settings()["rng"] == 1194628101
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
    assert A.staff_count(small(caseworkers=7)) == 7
    specialist = S.organisation_scenario("specialist")
    full = sum(u.staff for u in specialist.office.units)
    m = small(organisation="specialist", caseworkers=full)     # the file's own staffing, in a small district
    assert m.params.population.citizens == 2000
    assert m.staff_by_unit() == {u.name: u.staff for u in specialist.office.units}
    # every unit keeps at least one caseworker
    one_each = {u.name: 1 for u in specialist.office.units}
    assert small(organisation="specialist", caseworkers=1).staff_by_unit() == one_each


def test_scenarios_are_found_next_to_the_package_with_a_generalist_fallback(monkeypatch, tmp_path):
    assert S.SCENARIO_DIR == ROOT / "scenarios"
    assert S.available_organisations() == S.ORGANISATIONS
    monkeypatch.setattr(S, "SCENARIO_DIR", tmp_path)
    A.organisation_scenario.cache_clear()
    try:
        assert S.available_organisations() == ("generalist",)
        assert A.organisation_scenario("generalist") == ms.Scenario()
        with pytest.raises(FileNotFoundError):
            A.organisation_scenario("specialist")
        with pytest.raises(ValueError, match="unknown organisation"):
            A.organisation_scenario("matrix")
    finally:
        A.organisation_scenario.cache_clear()


# --------------------------------------------------------------------------------------------
# Settings and controls
# --------------------------------------------------------------------------------------------


def test_every_control_is_a_setting_and_builds_the_model_keywords():
    assert set(S.CONTROLS) == {f.name for f in __import__("dataclasses").fields(S.Settings)}
    _check_model_params(DashboardModel.__init__, S.DEFAULTS.model_settings())     # raises on a stray key
    with pytest.raises(ValueError, match="Invalid model parameter"):
        _check_model_params(DashboardModel.__init__, {**S.DEFAULTS.model_settings(), "n_caseworkers": 3})
    for name, spec in S.CONTROLS.items():
        assert spec["value"] == getattr(S.DEFAULTS, name), name


def _extremes(spec) -> list:
    if spec["type"] == "Select":
        return list(spec["values"])
    if spec["type"] == "InputText":
        return [spec["value"], "0", "a word"]
    return [spec["min"], spec["max"]]


@pytest.mark.parametrize("name", sorted(set(S.CONTROLS) - {"compare_with"}))
def test_every_control_value_builds_a_model_that_steps(name):
    for value in _extremes(S.CONTROLS[name]):
        settings = S.Settings(**{"citizens": 2000, "caseworkers": 4, name: value})
        m = DashboardModel(**settings.model_settings(), warmup_weeks=0)
        m.step()
        assert m.shown_week == 1, (name, value)


def test_pending_settings_are_the_ones_that_differ_from_those_in_force():
    draft = S.Settings(caseworkers=10, organisation="specialist")
    assert draft.changed(S.DEFAULTS) == ["organisation", "caseworkers"]
    assert S.DEFAULTS.changed(S.DEFAULTS) == []
    assert S.shown("duty_share", 0.25) == "25 %" and S.shown("caseload_cap", 0) == "as in the scenario"
    assert "compared with a specialist office" in S.Settings(compare_with="specialist").headline()


# --------------------------------------------------------------------------------------------
# Stories, interesting people, the comparison
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def stepped() -> A.Lesson:
    lesson = small_lesson(organisation="specialist", compare_with="generalist")
    lesson.step(30)
    return lesson


def test_a_story_is_the_persons_recorded_weeks(stepped):
    m = stepped.main
    slot = int(m.drawn()[5])
    story = m.stories.story(slot)
    rec = m.citizen(slot)
    assert story.person_id == rec["person_id"] and story.here
    assert story.weeks[-1] == m.shown_week and np.all(np.diff(story.weeks) == 1)
    assert np.allclose(story.arenas[-1], list(rec["arenas"].values()), atol=1e-3)
    assert bool(story.user[-1]) == rec["user"] and story.handoffs[-1] == rec["handoffs"]
    assert set(story.caseworkers[-1][story.caseworkers[-1] >= 0]) == set(rec["caseworkers"].values())
    few = A.Stories(m, limit=100)                     # only watched citizens have stories
    assert 50 < len(few.slots) < 200
    assert few.story(int(np.setdiff1d(np.arange(m.citizens.capacity), few.slots)[0])) is None


def test_a_new_person_in_a_slot_starts_a_new_story():
    m = small()
    m.step()
    slot = int(m.drawn()[0])
    m.citizens.person_id[slot] = 10**9        # as if somebody else moved into the slot
    m.step()
    story = m.stories.story(slot)
    assert story.person_id == 10**9 and list(story.weeks) == [m.shown_week]


def test_interesting_people_had_what_their_button_says(stepped):
    m = stepped.main
    people = A.interesting_people(m)
    assert all(slot is not None for slot in people.values()), people
    handed = m.stories.story(people["handed_off"])
    assert (np.diff(handed.handoffs.astype(int)) > 0).any()
    worker = m.stories.story(people["found_work"])
    assert (~worker.employed[:-1] & worker.employed[1:]).any()
    lost = (m.stories.story(people["lost_second_arena"]).arenas < A.loss_threshold(m)).sum(axis=1)
    assert ((lost[:-1] < 2) & (lost[1:] >= 2)).any()
    words = P.story_html(m, handed)
    assert "handed off" in words and f"Person {handed.person_id}" in words


def test_reading_stories_does_not_change_the_simulation():
    a, b = small(rng=3), small(rng=3)
    for _ in range(4):
        A.interesting_people(b), A.first_person(b), b.stories.story(int(b.drawn()[0]))
        a.step(), b.step()
    pd.testing.assert_frame_equal(a.timeseries(), b.timeseries())


def test_compared_offices_start_from_the_same_people_and_step_together(stepped):
    # the same seed gives the same people before any week is simulated, whatever the office
    one = ms.WelfareModel(A.organisation_scenario("generalist"), rng=5, citizens=2000)
    two = ms.WelfareModel(A.organisation_scenario("specialist"), rng=5, citizens=2000)
    assert np.array_equal(one.citizens.arenas, two.citizens.arenas)
    assert np.array_equal(one.citizens.age, two.citizens.age)
    main, other = stepped.main, stepped.other
    assert (main.organisation, other.organisation) == ("specialist", "generalist")
    assert main.shown_week == other.shown_week == 30
    assert main.settings["rng"] == other.settings["rng"]
    assert len(main.series("Hand-offs")) == len(other.series("Hand-offs")) == 31
    assert other.series("Hand-offs").sum() == 0 < main.series("Hand-offs").sum()
    html = P.compare_html(main, other)
    assert "weeks 0\u201330" in html and "specialist" in html and "generalist" in html


# --------------------------------------------------------------------------------------------
# Figures and words
# --------------------------------------------------------------------------------------------


def _all_figures(lesson: A.Lesson) -> dict:
    m = lesson.main
    out = {"axis": F.axis_figure(m, lesson.followed), "arenas": F.arenas_figure(m),
           "person": F.story_figure(lesson.story(), A.loss_threshold(m)),
           "compare": F.compare_figure(m, lesson.other, "Hand-offs", ("specialist", "generalist"))}
    out.update({key: F.series_figure(m, *spec) for key, spec in P.SERIES.items()})
    return out


def test_every_figure_is_projector_sized_with_no_text_under_14_px(stepped):
    for name, fig in _all_figures(stepped).items():
        sizes = F.text_sizes_px(fig)
        assert sizes and min(sizes) >= 14, name
        assert round(fig.get_figwidth() * fig.dpi) == F.WIDTH_PX, name
        assert F.png(fig)[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_click_on_a_dot_finds_that_citizen(stepped):
    m = stepped.main
    slots, x, y = F.axis_points(m)
    b = F.AXIS_BOX
    for i in (0, len(slots) // 2, int(np.argmin(x))):
        fx = b["left"] + (x[i] - F.AXIS_XLIM[0]) / (F.AXIS_XLIM[1] - F.AXIS_XLIM[0]) * (b["right"] - b["left"])
        fy = 1 - (b["bottom"] + (y[i] - F.AXIS_YLIM[0]) / (F.AXIS_YLIM[1] - F.AXIS_YLIM[0]) * (b["top"] - b["bottom"]))
        hit = F.citizen_at(m, fx, fy)
        # the nearest dot: this citizen, or one drawn on exactly the same spot
        assert hit is not None
        j = int(np.flatnonzero(slots == hit)[0])
        assert abs(x[j] - x[i]) < 1e-9 and abs(y[j] - y[i]) < 1e-9
    assert F.citizen_at(m, 0.01, 0.01) is None          # outside the plot
    assert F.citizen_at(m, b["left"] + 0.01, 1 - b["bottom"] - 0.01) is None   # an empty corner


def test_every_view_explains_itself_and_the_class_plan_quotes_it():
    lines = (ROOT / "docs" / "dashboard.md").read_text().splitlines()
    docs = " ".join(" ".join(re.sub(r"^>\s?", "", line) for line in lines).split())   # quotes unwrapped
    for key, view in P.VIEWS.items():
        html = P.view_html(key)
        assert "What to look for:" in html and view.legend[:40] in html
        assert " ".join(view.look_for.split()) in docs, f"docs/dashboard.md does not quote the {key} view's line"
    assert P.WORDS["creaming"] in P.VIEWS["creaming"].legend
    assert "Time pressure" in P.office_html(small())
    assert "social assistance" in P.benefit_key_html()


# --------------------------------------------------------------------------------------------
# The page, rendered without a browser
# --------------------------------------------------------------------------------------------


def _pngs(rc) -> list[str]:
    return [w.src for w in rc.find(PG.PngView).widgets]


@pytest.mark.parametrize("tab", ["AxisTab", "OfficeTab", "PersonTab", "CompareTab"])
def test_every_tab_renders_a_chart_and_its_words(stepped, tab):
    args = {"AxisTab": (stepped, 0, lambda: None), "OfficeTab": (stepped, 0),
            "PersonTab": (stepped, 0, lambda: None),
            "CompareTab": (stepped, 0, solara.reactive(stepped.settings), lambda: None)}[tab]
    _box, rc = solara.render(getattr(PG, tab)(*args), handle_error=False)
    try:
        srcs = _pngs(rc)
        html = " ".join(w.unsafe_innerHTML for w in rc.find(solara.widgets.HTML).widgets)
        assert len(srcs) == 1 and srcs[0].startswith("data:image/png;base64,") and len(srcs[0]) > 10_000
        assert "What to look for:" in html
    finally:
        rc.close()


def test_the_page_marks_pending_settings_and_restart_uses_the_latest_values(monkeypatch):
    monkeypatch.setattr(PG, "DEFAULTS", S.Settings(citizens=2000, caseworkers=4))
    _box, rc = solara.render(PG.Page(), handle_error=False)
    try:
        texts = lambda: " ".join(str(w.children) for w in rc.find(ipyvuetify.Html).widgets)   # noqa: E731

        def wait_for(found):            # the office is built, and drawn, in a thread
            deadline = time.monotonic() + 60
            while not found() and time.monotonic() < deadline:
                time.sleep(0.1)

        wait_for(lambda: rc.find(PG.PngView).widgets)
        assert "In force: generalist office, 4 caseworkers" in texts()
        rc.find(ipyvuetify.Btn, children=["Settings"]).widget.click()
        wait_for(lambda: rc.find(ipyvuetify.Slider).widgets)
        slider = rc.find(ipyvuetify.Slider).widgets[0]      # caseworkers (the first slider)
        for value in (5, 6, 7, 9, 8):                       # fast changes, then restart at once
            slider.v_model = value
        assert "Changed but not in use yet: caseworkers" in texts()
        assert "pending: in use is 4" in texts()
        rc.find(ipyvuetify.Btn, children=["Apply and restart"]).widget.click()
        wait_for(lambda: rc.find(PG.PngView).widgets)
        assert "In force: generalist office, 8 caseworkers" in texts()
        assert "Changed but not in use yet" not in texts()
        rc.find(ipyvuetify.Btn, children=["Step"]).widget.click()
        assert "Week 1" in texts()
    finally:
        rc.close()


# --------------------------------------------------------------------------------------------
# The launcher and the old name
# --------------------------------------------------------------------------------------------


def test_the_old_module_name_still_serves_the_dashboard():
    assert app_shim.main is launcher.main and app_shim.Page is PG.Page


def test_main_serves_the_app_offline_without_telemetry_or_badge(monkeypatch, capsys):
    seen = {}

    class FakeServer:
        def __init__(self, cmd, env):
            seen.update(cmd=cmd, env=env)

        def wait(self):
            return 0

    monkeypatch.setattr(launcher.subprocess, "Popen", FakeServer)
    assert launcher.main(host="0.0.0.0", port=9000) == 0
    cmd = seen["cmd"]
    assert cmd[1:4] == ["-m", "solara", "run"] and "simulation.dashboard.page" in cmd and "--no-open" in cmd
    assert cmd[cmd.index("--host") + 1] == "0.0.0.0" and cmd[cmd.index("--port") + 1] == "9000"
    assert seen["env"]["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "false"
    assert seen["env"]["SOLARA_THEME_SHOW_BANNER"] == "false"
    assert seen["env"]["MARGINSIM_DASHBOARD_PREBUILD"] == "1"
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
    monkeypatch.setattr(launcher.subprocess, "Popen", FakeServer)
    assert launcher.main() == 0
    assert calls == [("wait", None), ("terminate", None), ("wait", 15)]
    assert signal.getsignal(signal.SIGTERM) is handler


# --------------------------------------------------------------------------------------------
# In a browser: one page at projector size, shared by the tests below (they run in order)
# --------------------------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium")
HAVE_PLUGIN = all(importlib.util.find_spec(m) for m in ("playwright", "pytest_playwright", "solara.test.pytest_plugin"))
browser = pytest.mark.skipif(
    CHROMIUM is None or not HAVE_PLUGIN,
    reason="browser tests need Debian's chromium on PATH (apt-get install chromium) and pytest-ipywidgets + "
           "playwright; never run `playwright install`")
WAIT_MS = 60_000
PROJECTOR = {"width": 1024, "height": 768}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch Debian's chromium (no browser download); --no-sandbox because tests may run as root."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "headless": True,
            "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-dev-shm-usage", "--no-first-run", "--disable-extensions"]}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PROJECTOR}


@pytest.fixture(scope="module")
def artefacts(tmp_path_factory) -> Path:
    """Screenshots and timings of the browser tests (printed; also docs/img with MARGINSIM_DOCS_IMG)."""
    path = tmp_path_factory.mktemp("dashboard-artefacts")
    print(f"dashboard screenshots and timings: {path}")
    return path


DOCS_SHOTS = ("axis", "time", "person", "pending", "compare")    # the pictures docs/dashboard.md shows


def keep(page, artefacts: Path, name: str) -> Path:
    """A screenshot of the viewport, kept as an artefact (and as a small PNG for the docs)."""
    shot = artefacts / f"{name}.png"
    page.screenshot(path=shot)
    docs = os.environ.get("MARGINSIM_DOCS_IMG")
    if docs and name in DOCS_SHOTS:
        from PIL import Image
        Path(docs).mkdir(parents=True, exist_ok=True)
        with Image.open(shot) as img:
            img.convert("RGB").quantize(colors=128, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(
                Path(docs) / f"dashboard-{name}.png", optimize=True)
    return shot


@pytest.fixture(scope="module")
def classroom(solara_server, page_session, artefacts):
    """The dashboard served in-process, opened once at 1024x768 like a projector.

    As with ``marginsim dashboard``, the default office is built ahead when the server starts;
    the page is opened once it is ready (a teacher opens the page after starting the server)."""
    import solara.server.app as server_app

    PG.SPARE = PG.Spare(True)
    PG.SPARE.next.result()
    if "__default__" in server_app.apps:
        server_app.apps["__default__"].close()
    script = server_app.AppScript("simulation.dashboard.page")
    script.init()
    server_app.apps["__default__"] = script
    page = page_session
    page.set_viewport_size(PROJECTOR)
    page.set_default_timeout(WAIT_MS)
    start = time.perf_counter()
    page.goto(solara_server.base_url)
    page.get_by_text(re.compile(r"^Week 0$")).wait_for()
    page.locator("img[data-view=axis]").wait_for()
    first_render = time.perf_counter() - start
    (artefacts / "timings.json").write_text(json.dumps({"first_render_s": round(first_render, 2)}))
    print(f"first render: {first_render:.1f} s")
    try:
        yield page
    finally:
        script.close()
        server_app.apps.pop("__default__", None)
        PG.SPARE = PG.Spare(False)


def _button(page, name):
    return page.get_by_role("button", name=re.compile(rf"^\s*{name}\s*$"))


def _week(page) -> int:
    return int(page.locator(".ms-week").inner_text().split()[-1])


def _in_view(page, locator) -> bool:
    box = locator.bounding_box()
    vp = page.viewport_size
    return box is not None and box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= vp["width"] \
        and box["y"] + box["height"] <= vp["height"]


def _controls_on_screen(page) -> bool:
    play = page.get_by_role("button", name=re.compile(r"Play|Pause"))
    return all(_in_view(page, b) for b in (play, _button(page, "Step"), page.locator(".ms-bar .v-btn").nth(2)))


LEGIBILITY_JS = """
() => {
  const small = [];
  for (const el of document.querySelectorAll('body *')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.offsetParent) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.bottom < 0 || r.top > innerHeight) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < 14) small.push(el.tagName + ' ' + size + 'px: ' + el.textContent.trim().slice(0, 40));
  }
  const imgs = [...document.querySelectorAll('img[data-view]')].map(i => ({
    view: i.dataset.view, shown: i.getBoundingClientRect().width, natural: i.naturalWidth}));
  const banner = document.body.innerText.includes('runs on Solara');
  return {small, imgs, scrollWidth: document.documentElement.scrollWidth, banner};
}
"""


def _assert_legible(page, where: str) -> None:
    found = page.evaluate(LEGIBILITY_JS)
    assert not found["small"], (where, found["small"][:5])
    assert found["scrollWidth"] <= PROJECTOR["width"], (where, "cut off at the right")
    assert not found["banner"], "the Solara badge is shown"
    for img in found["imgs"]:
        # the smallest text in a figure, in screen pixels, once the browser has scaled the image
        assert img["natural"] > 0, (where, img)
        assert F.SMALLEST_PT * F.DPI / 72 * img["shown"] / img["natural"] >= 14, (where, img)


@browser
@pytest.mark.browser
def test_browser_projector_size_every_view_legible_with_named_tabs(classroom, artefacts):
    page = classroom
    assert [page.get_by_role("tab").nth(i).inner_text() for i in range(4)] == list(PG.TABS)
    assert "seed \u201c42\u201d" in page.locator(".ms-inforce").inner_text()
    for tab, views in (("The axis", PG.AXIS_VIEWS), ("The office", PG.OFFICE_VIEWS)):
        page.get_by_role("tab", name=tab).click()
        for key in views:
            page.get_by_role("button", name=P.VIEWS[key].name, exact=True).click()
            page.locator(f"img[data-view={key}]").wait_for()
            page.get_by_text("What to look for:").first.wait_for()
            _assert_legible(page, key)
            assert _controls_on_screen(page)
            assert "In force:" in page.locator(".ms-inforce").inner_text()
            keep(page, artefacts, key)
    # the settings fold away; Play, Step and Reset stay on screen, also scrolled down
    _button(page, "Settings").click()
    page.locator("[data-control=caseworkers]").wait_for()
    assert _controls_on_screen(page)
    _assert_legible(page, "settings")
    keep(page, artefacts, "settings")
    _button(page, "Hide settings").click()
    page.locator(".ms-control").first.wait_for(state="detached")     # (the tabs move up)
    page.mouse.wheel(0, 2000)
    time.sleep(0.5)
    assert _controls_on_screen(page)
    keep(page, artefacts, "scrolled")
    page.mouse.wheel(0, -4000)
    page.get_by_role("tab", name="The axis").click()
    page.get_by_role("button", name=P.VIEWS["axis"].name, exact=True).click()
    page.locator("img[data-view=axis]").wait_for()


@browser
@pytest.mark.browser
def test_browser_play_steps_at_pace_and_pause_stops(classroom, artefacts):
    page = classroom
    start = _week(page)
    page.get_by_role("button", name=re.compile("Play")).click()
    t0 = time.perf_counter()
    time.sleep(4)
    page.get_by_role("button", name=re.compile("Pause")).click()
    elapsed = time.perf_counter() - t0
    time.sleep(1)
    played = _week(page) - start
    timings = json.loads((artefacts / "timings.json").read_text())
    timings["weeks_per_s_playing_default_district"] = round(played / elapsed, 1)
    (artefacts / "timings.json").write_text(json.dumps(timings))
    print(f"played {played} weeks in {elapsed:.1f} s")
    assert played > 0
    stopped = _week(page)
    time.sleep(1)
    assert _week(page) == stopped
    _button(page, "Step").click()
    page.get_by_text(re.compile(rf"^Week {stopped + 1}$")).wait_for()


@browser
@pytest.mark.browser
def test_browser_clicking_a_dot_follows_that_citizen(classroom, artefacts):
    from PIL import Image
    page = classroom
    img = page.locator("img[data-view=axis]")
    before = page.get_by_text(re.compile("^Gold star")).inner_text()
    red = np.array([0xd6, 0x27, 0x28])                       # a social-assistance dot
    deadline = time.perf_counter() + WAIT_MS / 1000
    while True:             # (the chart's image may still be on its way from the server: look again)
        pixels = np.asarray(Image.open(io.BytesIO(img.screenshot())).convert("RGB")).astype(int)
        ys, xs = np.nonzero(np.abs(pixels - red).sum(axis=2) < 40)
        if len(xs) or time.perf_counter() > deadline:
            break
        page.wait_for_timeout(200)
    assert len(xs), "no red dot on the axis chart"
    img.click(position={"x": float(xs[0]), "y": float(ys[0])})
    page.wait_for_function("b => !document.body.innerText.includes(b)", arg=before)
    person = re.search(r"person (\d+)", page.get_by_text(re.compile("^Gold star")).inner_text()).group(1)
    keep(page, artefacts, "axis-clicked")
    page.get_by_role("tab", name="One person").click()
    page.get_by_text(re.compile(rf"^Person {person}\b")).first.wait_for()
    page.locator("img[data-view=person]").wait_for()
    assert "social assistance" in page.locator(".ms-view").inner_text()
    _assert_legible(page, "one person")
    keep(page, artefacts, "person")


@browser
@pytest.mark.browser
def test_browser_pending_settings_and_reset_after_fast_changes(classroom, artefacts):
    page = classroom
    _button(page, "Settings").click()
    control = page.locator("[data-control=caseworkers]")
    slider = control.get_by_role("slider")
    start = S.DEFAULTS.caseworkers
    for expected in (start - 3, start + 2):
        now = int(slider.get_attribute("aria-valuenow"))
        slider.focus()
        key = "ArrowLeft" if expected < now else "ArrowRight"
        for _ in range(abs(now - expected)):
            page.keyboard.press(key, delay=0)
        # the change is marked as pending until applied
        page.get_by_text(re.compile("Changed but not in use yet: caseworkers")).wait_for()
        page.locator("[data-control=caseworkers].ms-control-pending").wait_for()
        assert "pending: in use is" in control.inner_text()
        if expected < start:
            keep(page, artefacts, "pending")
        _button(page, "Apply and restart").click()         # at once, after the last key
        page.get_by_text(re.compile(rf"In force: generalist office, {expected} caseworkers")).wait_for()
        page.get_by_text(re.compile(r"^Week 0$")).wait_for()
        assert page.get_by_text("Changed but not in use yet").count() == 0
        page.locator("[data-control=caseworkers].ms-control-pending").wait_for(state="detached")
    _button(page, "Hide settings").click()
    page.locator(".ms-control").first.wait_for(state="detached")     # (the tabs move up)


@browser
@pytest.mark.browser
def test_browser_compare_steps_both_offices(classroom, artefacts):
    page = classroom
    page.get_by_role("tab", name="Compare").click()
    page.get_by_text("No second office yet").wait_for()
    keep(page, artefacts, "compare-empty")
    page.locator(".ms-view [data-control=compare_with] .v-select").click()
    page.get_by_role("option", name="specialist").click()
    page.get_by_role("button", name="Apply and restart").first.click()
    page.locator("img[data-view=compare]").wait_for()
    page.get_by_text(re.compile("compared with a specialist office")).wait_for()
    for week in (1, 2, 3):
        _button(page, "Step").click()
        page.get_by_text(re.compile(rf"average of weeks 0\u2013{week}")).wait_for()
    table = page.locator(".ms-view table").inner_text()
    assert "generalist" in table and "specialist" in table
    handoffs = [line for line in table.splitlines() if line.startswith("Hand-offs")][0].split()
    assert float(handoffs[1]) == 0 and float(handoffs[2]) > 0      # only the specialist office hands off
    page.get_by_role("button", name="\u25b6 Play").click()                # both offices play together
    deadline = time.monotonic() + 12
    while _week(page) < 26 and time.monotonic() < deadline:
        time.sleep(0.5)
    page.get_by_role("button", name="\u275a\u275a Pause").click()
    page.get_by_role("button", name="\u25b6 Play").wait_for()
    # the comparison table follows the week on screen (both offices stepped)
    page.wait_for_function("""() => {
        const week = document.querySelector('.ms-week').innerText.split(' ').pop();
        const table = document.querySelector('.ms-view table');
        return table && table.innerText.includes('weeks 0\u2013' + week + '\t');
    }""")
    assert _week(page) > 3
    page.get_by_role("button", name="2+ arenas lost (%)", exact=True).click()
    _assert_legible(page, "compare")
    keep(page, artefacts, "compare")
