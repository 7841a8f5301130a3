"""How fast the classroom dashboard runs, printed as one JSON line per population size.

What SolaraViz does while playing is: sleep ``play_interval`` ms, step the model
``render_interval`` times, then redraw every component of the open tab. This script measures
each part in-process, without a browser, for ``DashboardModel`` (simulation/app.py):

* ``build_s``: building the model (population, network, office, the warm-up) -- what Reset costs;
* ``model_steps_per_s``: ``model.step()`` alone (the week, the DataCollector, the followed citizen);
* ``figure_png_ms``: each figure drawn and encoded to PNG in memory (median of ``--repeats``);
* ``tab_render_ms``: re-rendering a whole tab after a step, as the dashboard does (the Solara
  components rendered with ``solara.render``, then Mesa's ``force_update``): figures, PNG
  encoding and widget updates (median);
* ``played_steps_per_s``: a real play loop per tab (sleep, steps, redraw) timed end to end with
  the app's defaults (``play_interval_ms``, ``render_interval``): weeks simulated per second
  *while drawing*; ``meets_10_steps_per_s`` is true when every tab reaches 10;
* ``render_interval_for_10_per_s``: the smallest render interval (the sidebar slider, odd
  values) at which the slowest tab would reach 10 steps per second on this machine (from the
  measured cost of a redraw while playing).

The office is scaled with the population (16 caseworkers per 20,000 citizens, at least 1).
Times are ``time.perf_counter``; the load average at the start is reported, because the
figures are CPU-bound and drop on a busy machine. Example::

    python benchmarks/dashboard_speed.py                       # 2,000 citizens
    python benchmarks/dashboard_speed.py --citizens 2000 20000 --steps 60
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import statistics
import sys
import time

import matplotlib
import mesa
import solara
from mesa.visualization.solara_viz import _wrap_component
from mesa.visualization.utils import force_update

import simulation.app as app

TAB_NAMES = {app.CITIZENS: "citizens", app.OFFICE: "office", app.ONE_CITIZEN: "one_citizen"}


def figures(model) -> dict:
    """Every figure the dashboard draws: name -> function returning a matplotlib Figure."""
    out = {"axis": lambda: app.axis_figure(model), "arenas": lambda: app.arenas_figure(model),
           "citizen": lambda: app.citizen_figure(model)}
    for name, (measures, title, unit, _tab) in app.SERIES.items():
        out[name] = (lambda m=measures, t=title, u=unit: app.series_figure(model, m, t, u))
    return out


def png_ms(make) -> float:
    start = time.perf_counter()
    fig = make()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", pil_kwargs={"compress_level": 1})
    return (time.perf_counter() - start) * 1000


@solara.component
def Tab(model, page: int):
    """One tab of the dashboard: its components, wrapped as SolaraViz wraps them."""
    with solara.Column() as column:
        for component, tab in app.COMPONENTS:
            if tab == page:
                _wrap_component(component)(model)
    return column


def measure(citizens: int, steps: int, repeats: int, organisation: str) -> dict:
    caseworkers = max(1, round(16 * citizens / 20_000))
    t0 = time.perf_counter()
    model = app.DashboardModel(organisation=organisation, citizens=citizens, caseworkers=caseworkers, rng=1)
    build_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    for _ in range(steps):
        model.step()
    step_s = (time.perf_counter() - t0) / steps

    figure_ms = {name: statistics.median(png_ms(make) for _ in range(repeats))
                 for name, make in figures(model).items()}

    r, play = app.RENDER_INTERVAL, app.PLAY_INTERVAL_MS
    tab_ms, played = {}, {}
    for page, name in TAB_NAMES.items():
        _box, rc = solara.render(Tab(model, page), handle_error=False)
        times = []
        for _ in range(repeats):
            model.step()
            t0 = time.perf_counter()
            force_update()
            times.append((time.perf_counter() - t0) * 1000)
        tab_ms[name] = statistics.median(times)
        # the play loop of mesa's ModelController (sleep, render_interval steps, redraw), timed
        weeks = 0
        t0 = time.perf_counter()
        while weeks < steps:
            time.sleep(play / 1000)
            for _ in range(r):
                model.step()
            weeks += r
            force_update()
        played[name] = weeks / (time.perf_counter() - t0)
        rc.close()

    # per redraw, everything but the steps and the sleep, as measured while playing (slowest tab)
    overhead = max(r / rate - r * step_s - play / 1000 for rate in played.values())
    needed = next((k for k in range(1, 101, 2) if k / (play / 1000 + k * step_s + overhead) >= 10), None)
    return {
        "benchmark": "dashboard_speed", "citizens": citizens, "organisation": organisation,
        "caseworkers": len(model.office.staff), "warmup_weeks": app.WARMUP_WEEKS,
        "build_s": round(build_s, 3),
        "model_steps_per_s": round(1 / step_s, 1), "ms_per_step": round(step_s * 1000, 2),
        "figure_png_ms": {k: round(v, 1) for k, v in figure_ms.items()},
        "tab_render_ms": {k: round(v, 1) for k, v in tab_ms.items()},
        "render_interval": r, "play_interval_ms": play,
        "played_steps_per_s": {k: round(v, 1) for k, v in played.items()},
        "meets_10_steps_per_s": min(played.values()) >= 10,
        "render_interval_for_10_per_s": needed,
        "points_drawn": int(min(app.MAX_POINTS, model.citizens.alive.sum())),
        "load_avg_1min_at_start": LOAD,
        "machine": f"{platform.platform()} | {os.cpu_count()} cores",
        "versions": {"python": platform.python_version(), "mesa": mesa.__version__,
                     "solara": solara.__version__, "matplotlib": matplotlib.__version__},
    }


LOAD = round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--citizens", type=int, nargs="+", default=[2000], help="population sizes (default 2000)")
    parser.add_argument("--steps", type=int, default=40, help="weeks per timed section (default 40)")
    parser.add_argument("--repeats", type=int, default=7, help="redraws per median (default 7)")
    parser.add_argument("--organisation", default="specialist", choices=app.ORGANISATIONS,
                        help="office organisation (default specialist: it has hand-offs to draw)")
    args = parser.parse_args(argv)
    for n in args.citizens:
        print(json.dumps(measure(n, args.steps, args.repeats, args.organisation)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
