"""How fast the classroom dashboard runs, printed as one JSON line per population size.

While playing, the page steps the lesson at the chosen pace (``page.PACES``; default half a year,
26 weeks, a second) and redraws the open view after each batch of weeks: a slow redraw means
more weeks per redraw, not a slower pace. This script measures, in-process and without a
browser, for ``simulation.dashboard`` (one office, and two when comparing):

* ``build_s``: building the lesson (population, network, office, five-year warm-up): Reset;
* ``model_weeks_per_s``: weeks simulated per second with no drawing (one office / two);
* ``figure_png_ms``: each chart drawn and encoded to PNG (median of ``--repeats``);
* ``redraw_ms``: re-rendering each tab after a step, as the page does (median);
* ``played_weeks_per_s``: the page's own play loop (``page.play``) run for ``--seconds`` on each
  tab at the default pace, redrawing the tab after each batch, and ``capacity_weeks_per_s``: the
  same with no pace limit (what this machine could do); ``meets_20_weeks_per_s`` is true when
  every tab played at 20 weeks a second or more;
* ``first_view_s``: from a new session to the first chart rendered, server side: a page with
  a lesson built ahead (``marginsim dashboard`` does that) and one without.

With ``--browser``, it also serves the dashboard as ``marginsim dashboard`` does (a ``solara run``
process) and opens it in Debian's chromium at 1024x768 through Playwright: ``browser.first_render_s``
(address opened to first chart shown, default district) and ``played_weeks_per_s`` (weeks
shown after ``--seconds`` of Play, divided by the time) in the default district and in a district
of 2,000 set through the controls (caseworkers scaled with it).

Times are ``time.perf_counter``; the load average at the start is reported, because everything
here is CPU-bound and slows on a busy machine. Examples::

    python benchmarks/dashboard_speed.py                       # 2,000 citizens
    python benchmarks/dashboard_speed.py --citizens 2000 20000 --browser
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

import matplotlib
import mesa
import solara

from simulation.dashboard import adapter as A
from simulation.dashboard import figures as F
from simulation.dashboard import page as PG
from simulation.dashboard import panels as P
from simulation.dashboard.settings import CONTROLS, DEFAULTS, Settings

LOAD = round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None


def settings_for(citizens: int, organisation: str, compare_with: str = "none") -> Settings:
    """The office scaled with the district (the generalist scenario's staff per citizen, at least 4)."""
    staff = max(4, round(DEFAULTS.caseworkers * citizens / DEFAULTS.citizens))
    return Settings(organisation=organisation, citizens=citizens, caseworkers=staff, compare_with=compare_with)


def figures(lesson: A.Lesson) -> dict:
    m = lesson.main
    out = {"axis": lambda: F.axis_figure(m, lesson.followed), "arenas": lambda: F.arenas_figure(m),
           "person": lambda: F.story_figure(lesson.story(), A.loss_threshold(m))}
    out.update({key: (lambda spec=spec: F.series_figure(m, *spec)) for key, spec in P.SERIES.items()})
    if lesson.other is not None:
        out["compare"] = lambda: F.compare_figure(m, lesson.other, "2+ arenas lost (%)", ("first", "second"))
    return out


def png_ms(make) -> float:
    start = time.perf_counter()
    F.png(make())
    return (time.perf_counter() - start) * 1000


class Flag:
    """What ``page.play`` reads as ``playing`` and ``pace`` (a reactive's ``value`` and ``set``)."""

    def __init__(self, value):
        self.value = value

    def set(self, value):
        self.value = value


def tab_element(lesson: A.Lesson, tab: int, tick: int):
    if tab == 0:
        return PG.AxisTab(lesson, tick, lambda: None)
    if tab == 1:
        return PG.OfficeTab(lesson, tick)
    if tab == 2:
        return PG.PersonTab(lesson, tick, lambda: None)
    return PG.CompareTab(lesson, tick, solara.reactive(lesson.settings), lambda: None)


def play_tab(lesson: A.Lesson, tab: int, seconds: float, pace: str | None, repeats: int) -> tuple[float, float]:
    """(median redraw ms, weeks per second) of one tab: its redraws timed, then ``page.play`` run."""
    tick = solara.reactive(0)

    @solara.component
    def Bench():
        return tab_element(lesson, tab, tick.value)

    _box, rc = solara.render(Bench(), handle_error=False)
    try:
        times = []
        for _ in range(repeats):
            lesson.step(1)
            t0 = time.perf_counter()
            tick.set(tick.value + 1)
            times.append((time.perf_counter() - t0) * 1000)
        playing = Flag(True)
        rates = dict(PG.PACES)
        if pace is None:                      # no limit: what the machine can do
            PG.PACES["unlimited"] = 10**6
        pace_flag = Flag(pace or "unlimited")
        start_week = lesson.week
        timer = threading.Timer(seconds, lambda: playing.set(False))
        t0 = time.perf_counter()
        timer.start()
        PG.play(lesson, playing, pace_flag, lambda: tick.set(tick.value + 1))
        elapsed = time.perf_counter() - t0
        PG.PACES.clear()
        PG.PACES.update(rates)
        return statistics.median(times), (lesson.week - start_week) / elapsed
    finally:
        rc.close()


class Ready:
    """A lesson built ahead, as ``page.Spare`` hands it out."""

    def __init__(self, lesson: A.Lesson):
        self.ready = lesson

    def lesson(self, settings: Settings) -> A.Lesson:
        return self.ready


def first_view_s(settings: Settings, ahead: bool) -> float:
    """A new session: the Page rendered until its first chart exists (server side)."""
    saved = PG.DEFAULTS, PG.SPARE
    PG.DEFAULTS = settings
    PG.SPARE = Ready(A.Lesson(settings)) if ahead else PG.Spare(False)
    try:
        t0 = time.perf_counter()
        _box, rc = solara.render(PG.Page(), handle_error=False)
        while not rc.find(PG.PngView).widgets:
            time.sleep(0.01)
        took = time.perf_counter() - t0
        rc.close()
        return took
    finally:
        PG.DEFAULTS, PG.SPARE = saved


def measure(citizens: int, seconds: float, repeats: int, organisation: str) -> dict:
    one = settings_for(citizens, organisation)
    t0 = time.perf_counter()
    lesson = A.Lesson(one)
    build_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    lesson.step(40)
    single = 40 / (time.perf_counter() - t0)

    second = "generalist" if organisation != "generalist" else "specialist"
    two = settings_for(citizens, organisation, compare_with=second)
    t0 = time.perf_counter()
    pair = A.Lesson(two)
    build_pair_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    pair.step(40)
    double = 40 / (time.perf_counter() - t0)

    figure_ms = {name: statistics.median(png_ms(make) for _ in range(repeats)) for name, make in figures(pair).items()}
    redraw, played, capacity = {}, {}, {}
    for tab, name in enumerate(PG.TABS):
        target = pair if tab == 3 else lesson
        redraw[name], played[name] = play_tab(target, tab, seconds, PG.DEFAULT_PACE, repeats)
        _, capacity[name] = play_tab(target, tab, seconds, None, 1)
    return {
        "benchmark": "dashboard_speed", "citizens": citizens, "organisation": organisation,
        "caseworkers": one.caseworkers, "warmup_weeks": A.WARMUP_WEEKS,
        "build_s": round(build_s, 3), "build_two_offices_s": round(build_pair_s, 3),
        "model_weeks_per_s": {"one_office": round(single, 1), "two_offices": round(double, 1)},
        "figure_png_ms": {k: round(v, 1) for k, v in figure_ms.items()},
        "redraw_ms": {k: round(v, 1) for k, v in redraw.items()},
        "pace_weeks_per_s": PG.PACES[PG.DEFAULT_PACE],
        "played_weeks_per_s": {k: round(v, 1) for k, v in played.items()},
        "capacity_weeks_per_s": {k: round(v, 1) for k, v in capacity.items()},
        "meets_20_weeks_per_s": min(played.values()) >= 20,
        "first_view_s": {"built_ahead": round(first_view_s(one, True), 2),
                         "built_on_opening": round(first_view_s(one, False), 2)},
        "load_avg_1min_at_start": LOAD,
        "machine": f"{platform.platform()} | {os.cpu_count()} cores",
        "versions": {"python": platform.python_version(), "mesa": mesa.__version__,
                     "solara": solara.__version__, "matplotlib": matplotlib.__version__},
    }


# --------------------------------------------------------------------------------------------
# In a browser: the served dashboard, as a teacher opens it
# --------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _play(page, seconds: float) -> float:
    """Weeks shown per second of Play (the week counter read before Play and after Pause)."""
    def week() -> int:
        return int(page.locator(".ms-week").inner_text().split()[-1])

    start = week()
    page.get_by_role("button", name="\u25b6 Play").click()
    t0 = time.perf_counter()
    time.sleep(seconds)
    page.get_by_role("button", name="\u275a\u275a Pause").click()
    elapsed = time.perf_counter() - t0
    page.get_by_role("button", name="\u25b6 Play").wait_for(timeout=60_000)
    return round((week() - start) / elapsed, 1)


def browser_measure(seconds: float) -> dict:
    """Serve with ``marginsim dashboard``'s command, wait until the server answers and the default
    office is built ahead (as when a teacher starts it before class), then open it in chromium."""
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    if chromium is None:
        return {"skipped": "chromium not on PATH (apt-get install chromium)"}
    port = _free_port()
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false", "SOLARA_THEME_SHOW_BANNER": "false",
           "MARGINSIM_DASHBOARD_PREBUILD": "1"}
    server = subprocess.Popen([sys.executable, "-m", "solara", "run", "simulation.dashboard.page", "--host",
                               "127.0.0.1", "--port", str(port), "--no-open", "--production"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        t0 = time.perf_counter()
        while True:
            try:
                urllib.request.urlopen(url, timeout=2).read()
                break
            except OSError:
                if time.perf_counter() - t0 > 120:
                    raise
                time.sleep(0.3)
        server_start_s = time.perf_counter() - t0
        time.sleep(5)                                     # the default office is built ahead meanwhile
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
            page = b.new_page(viewport={"width": 1024, "height": 768})
            t0 = time.perf_counter()
            page.goto(url)
            page.locator("img[data-view=axis]").wait_for(timeout=120_000)
            first = time.perf_counter() - t0
            played = {DEFAULTS.citizens: _play(page, seconds)}
            # a small district through the controls, as a teacher would set it: citizens to the
            # slider's minimum, caseworkers scaled with them
            small = settings_for(CONTROLS["citizens"]["min"], "generalist")
            page.get_by_role("button", name="Settings").click()
            page.locator("[data-control=citizens]").get_by_role("slider").focus()
            page.keyboard.press("Home")
            page.locator("[data-control=caseworkers]").get_by_role("slider").focus()
            for _ in range(DEFAULTS.caseworkers - small.caseworkers):
                page.keyboard.press("ArrowLeft")
            page.get_by_role("button", name="Apply and restart").click()
            page.get_by_text(f"In force: generalist office, {small.caseworkers} caseworkers, "
                             f"{small.citizens:,} citizens").wait_for(timeout=120_000)
            page.locator("img[data-view=axis]").wait_for(timeout=120_000)
            played[small.citizens] = _play(page, seconds)
            b.close()
        return {"server_start_s": round(server_start_s, 2), "first_render_s_default_district": round(first, 2),
                "played_weeks_per_s": {f"{n}_citizens": v for n, v in played.items()}}
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--citizens", type=int, nargs="+", default=[2000], help="population sizes (default 2000)")
    parser.add_argument("--seconds", type=float, default=4.0, help="seconds of play per tab (default 4)")
    parser.add_argument("--repeats", type=int, default=7, help="redraws per median (default 7)")
    parser.add_argument("--organisation", default="specialist", choices=A.S.ORGANISATIONS,
                        help="office organisation (default specialist: it has hand-offs to draw)")
    parser.add_argument("--browser", action="store_true", help="also time the served page in Debian's chromium")
    args = parser.parse_args(argv)
    for n in args.citizens:
        print(json.dumps(measure(n, args.seconds, args.repeats, args.organisation)), flush=True)
    if args.browser:
        print(json.dumps({"benchmark": "dashboard_speed_browser", **browser_measure(args.seconds),
                          "load_avg_1min_at_start": LOAD}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
