"""The classroom dashboard's page: Solara components over :class:`adapter.Lesson`.

Layout, top to bottom (made for a projector at 1024x768):

* the control bar, always on screen: Play/Pause, Step, Reset (named "Apply and restart"
  while settings are pending), speed, "Week N", the settings in force, and a Settings button
  that folds the settings away (the controls stay);
* the settings, when unfolded: every control shows its value; a changed one is marked as
  pending with the value in use, until "Apply and restart";
* four tabs named by what they show: The axis, The office, One person, Compare; each view
  has a legend and a "what to look for" line (panels.VIEWS).

Mesa's SolaraViz is not used: its tabs ("Page 0"), counter ("Time: 25.0") and Reset (which
read the sliders' values asynchronously) are what issue 17 asked to change. Its conventions
are kept: the model is a Mesa model built from plain keywords (settings.CONTROLS, in the
``model_params`` style), one step is one week, and ``page`` is a module-level element.
Each browser session has its own lesson, so a class can share one server.
"""

from __future__ import annotations

import base64
import dataclasses
import os
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import cast

import ipyvuetify as v
import solara
import solara.server.settings
import traitlets

from . import adapter as A
from . import figures as F
from . import panels as P
from .settings import CONTROLS, DEFAULTS, ORGANISATION_NAMES, Settings, shown

TITLE = "marginsim classroom: marginalisation and welfare follow-up"
TABS = ("The axis", "The office", "One person", "Compare")
AXIS_VIEWS = ("axis", "arenas", "exclusion", "users")
OFFICE_VIEWS = ("time", "waiting", "handoffs", "creaming")
#: Play's pace in weeks per second (the charts redraw as often as the machine allows, with as
#: many weeks per redraw as the pace asks)
PACES = {"a month a second": 4, "a quarter a second": 13, "half a year a second": 26, "a year a second": 52}
DEFAULT_PACE = "half a year a second"
MAX_WEEKS_PER_FRAME = 52

solara.server.settings.theme.show_banner = False   # the "runs on Solara" badge covered an x-axis

CSS = """
.v-btn { text-transform: none !important; font-size: 16px !important; letter-spacing: normal !important; }
.v-tab { text-transform: none !important; font-size: 18px !important; letter-spacing: normal !important; }
.v-label, .v-input, .v-select__selection, .v-list-item__title { font-size: 16px !important; }
.ms-bar { position: sticky; top: 0; z-index: 5; background: #fff; border-bottom: 1px solid #ccc;
          padding: 6px 12px; }
.ms-week { font-size: 26px; font-weight: bold; min-width: 120px; }
.ms-pending { display: block; background: #fff3cd; border-left: 5px solid #e69500; padding: 4px 8px;
              margin-top: 4px; font-size: 16px; }
.ms-control { padding: 2px 8px; min-width: 290px; flex: 1 1 290px; max-width: 480px; }
.ms-control-pending { border-left: 5px solid #e69500; background: #fffaf0; }
.ms-inforce { display: block; font-size: 16px; }
.ms-view { padding: 8px 12px; max-width: 980px; }
.solara-content-main, .v-main__wrap > div { padding: 0 !important; }
"""


class PngView(v.VuetifyTemplate):
    """A PNG chart at its natural width (narrower if the window is), optionally clickable:
    a click sends where it landed as fractions of the image's width and height."""

    template = traitlets.Unicode("""
<template>
  <img :src="src" :alt="alt" :data-view="view" :data-natural-width="width"
       :style="'display:block;width:100%;max-width:' + width + 'px;' + (clickable ? 'cursor:crosshair;' : '')"
       @click="clickable && clicked({x: $event.offsetX / $event.target.clientWidth,
                                     y: $event.offsetY / $event.target.clientHeight})" />
</template>
""").tag(sync=True)
    src = traitlets.Unicode("").tag(sync=True)
    alt = traitlets.Unicode("").tag(sync=True)
    view = traitlets.Unicode("").tag(sync=True)
    width = traitlets.Int(F.WIDTH_PX).tag(sync=True)
    clickable = traitlets.Bool(False).tag(sync=True)
    on_click = traitlets.Any(None, allow_none=True)

    def vue_clicked(self, data):
        if self.on_click is not None:
            self.on_click(float(data["x"]), float(data["y"]))


def data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


@solara.component
def Chart(lesson: A.Lesson, key: str, draw, dependencies: list, on_click=None):
    """A figure drawn (under the lesson's lock) only when ``dependencies`` change."""

    def make():
        with lesson.lock:
            return data_url(F.png(draw()))

    src = solara.use_memo(make, dependencies=[lesson, key, *dependencies])
    return PngView.element(src=src, alt=P.VIEWS[key].name if key in P.VIEWS else key, view=key,
                           clickable=on_click is not None, on_click=on_click)


def Html(html: str):
    return solara.HTML(tag="div", unsafe_innerHTML=html)


@solara.component
def ViewButtons(views, current: solara.Reactive):
    with solara.Row(gap="6px", style={"flex-wrap": "wrap", "margin": "6px 0"}):
        for key in views:
            solara.Button(P.VIEWS[key].name, on_click=lambda key=key: current.set(key),
                          color="primary" if current.value == key else None, outlined=current.value != key,
                          attributes={"data-view-button": key})


# --------------------------------------------------------------------------------------------
# The control bar and the settings
# --------------------------------------------------------------------------------------------


@solara.component
def ControlBar(lesson, draft: solara.Reactive, playing: solara.Reactive, pace: solara.Reactive,
               settings_open: solara.Reactive, restart, step, toggle, tick: int = 0):
    """(``tick`` changes after every step, so the week shown does too.)"""
    pending = draft.value.changed(lesson.settings) if lesson is not None else []
    with solara.Div(classes=["ms-bar"]) as bar:
        with solara.Row(gap="8px", style={"align-items": "center", "flex-wrap": "wrap"}):
            solara.Text(f"Week {lesson.week}" if lesson is not None else "Week \u2013", classes=["ms-week"])
            solara.Button("\u275a\u275a Pause" if playing.value else "\u25b6 Play",
                          on_click=toggle, color="primary",
                          disabled=lesson is None or not lesson.running)
            solara.Button("Step", on_click=step, outlined=True, disabled=lesson is None or playing.value)
            solara.Button("Apply and restart" if pending else "Reset", on_click=restart,
                          color="warning" if pending else None, outlined=not pending, disabled=lesson is None)
            solara.Text("Speed:", style={"font-size": "16px"})
            solara.Select("", value=pace, values=list(PACES), style={"max-width": "230px"}, dense=True)
            solara.Button("Hide settings" if settings_open.value else "Settings",
                          on_click=lambda: settings_open.set(not settings_open.value), outlined=True)
        if lesson is not None:
            solara.Text(f"In force: {lesson.settings.headline()}", classes=["ms-inforce"])
        if pending:
            names = ", ".join(CONTROLS[name]["label"].split(" (")[0].lower() for name in pending)
            solara.Text(f"Changed but not in use yet: {names}. Press \u201cApply and restart\u201d to use them.",
                        classes=["ms-pending"])
    return bar


@solara.component
def Control(name: str, draft: solara.Reactive, in_force: Settings | None):
    spec = CONTROLS[name]
    value = getattr(draft.value, name)

    def set_value(new):
        draft.set(dataclasses.replace(draft.value, **{name: new}))

    is_pending = in_force is not None and getattr(in_force, name) != value
    label = f"{spec['label']}: {shown(name, value)}"
    with solara.Div(classes=["ms-control"] + (["ms-control-pending"] if is_pending else []),
                    attributes={"data-control": name}) as box:
        solara.Text(label, style={"font-size": "16px"})
        if spec["type"] == "Select":
            solara.Select("", value=value, values=spec["values"], on_value=set_value, dense=True)
        elif spec["type"] == "InputText":
            solara.InputText("", value=value, on_value=set_value, continuous_update=True, dense=True)
        else:
            slider = solara.SliderInt if spec["type"] == "SliderInt" else solara.SliderFloat
            slider("", value=value, min=spec["min"], max=spec["max"], step=spec["step"], on_value=set_value,
                   thumb_label=False)
        if is_pending:
            solara.Text(f"pending: in use is {shown(name, getattr(in_force, name))}",
                        style={"font-size": "14px", "color": "#8a5a00"})
    return box


@solara.component
def SettingsPanel(draft: solara.Reactive, in_force: Settings | None):
    style = {"flex-wrap": "wrap", "padding": "4px 8px", "border-bottom": "1px solid #ccc"}
    with solara.Row(gap="4px", style=style) as row:
        for name in CONTROLS:
            Control(name, draft, in_force)
    return row


# --------------------------------------------------------------------------------------------
# The tabs
# --------------------------------------------------------------------------------------------


def series_chart(lesson, key):
    measures, title, unit = P.SERIES[key]
    return Chart(lesson, key, lambda: F.series_figure(lesson.main, measures, title, unit), [lesson.week])


@solara.component
def AxisTab(lesson: A.Lesson, tick: int, refresh):
    view = solara.use_reactive("axis")

    def clicked(fx, fy):
        with lesson.lock:
            slot = F.citizen_at(lesson.main, fx, fy)
        if slot is not None:
            lesson.follow(slot)
            refresh()

    with solara.Column(gap="4px", classes=["ms-view"]) as col:
        ViewButtons(AXIS_VIEWS, view)
        if view.value == "axis":
            Chart(lesson, "axis", lambda: F.axis_figure(lesson.main, lesson.followed),
                  [lesson.week, lesson.followed], on_click=clicked)
            Html(P.benefit_key_html())
            if lesson.followed is not None:
                solara.Text(f"Gold star: person {int(lesson.main.citizens.person_id[lesson.followed])}, followed on "
                            "the One person tab.",
                            style={"font-size": "16px"})
        elif view.value == "arenas":
            Chart(lesson, "arenas", lambda: F.arenas_figure(lesson.main), [lesson.week])
        else:
            series_chart(lesson, view.value)
        Html(P.view_html(view.value))
        if view.value == "arenas":
            Html(f'<div style="{P.SMALL}">{P.WORDS["arena"]}</div>')
    return col


@solara.component
def OfficeTab(lesson: A.Lesson, tick: int):
    view = solara.use_reactive("time")
    with lesson.lock:
        office = P.office_html(lesson.main)
    with solara.Column(gap="4px", classes=["ms-view"]) as col:
        Html(office)
        ViewButtons(OFFICE_VIEWS, view)
        series_chart(lesson, view.value)
        Html(P.view_html(view.value))
    return col


@solara.component
def PersonTab(lesson: A.Lesson, tick: int, refresh):
    with lesson.lock:
        people = A.interesting_people(lesson.main)
        story = lesson.story()
        text = P.story_html(lesson.main, story)

    def pick(slot):
        lesson.follow(slot)
        refresh()

    with solara.Column(gap="4px", classes=["ms-view"]) as col:
        with solara.Row(gap="6px", style={"flex-wrap": "wrap", "align-items": "center"}):
            solara.Text("Follow:", style={"font-size": "16px"})
            for kind, label in A.INTERESTING.items():
                slot = people[kind]
                solara.Button(label, on_click=lambda slot=slot: pick(slot), disabled=slot is None, outlined=True,
                              attributes={"data-pick": kind})
            solara.Text("or click a dot on The axis.", style={"font-size": "16px"})
        threshold = A.loss_threshold(lesson.main)
        Chart(lesson, "person", lambda: F.story_figure(story, threshold), [lesson.week, lesson.followed])
        Html(text)
        Html(P.view_html("person"))
    return col


@solara.component
def CompareTab(lesson: A.Lesson, tick: int, draft: solara.Reactive, restart):
    measure = solara.use_reactive(P.COMPARE_MEASURES[0])
    with solara.Column(gap="4px", classes=["ms-view"]) as col:
        if lesson.other is None:
            Html(f'<div style="{P.TEXT}">No second office yet. Choose one, then press '
                 "\u201cApply and restart\u201d: both offices start again at week 0 with the same people.</div>")
            Control("compare_with", draft, lesson.settings)
            solara.Button("Apply and restart", on_click=restart, color="warning",
                          disabled=draft.value.compare_with == "none")
        else:
            names = (ORGANISATION_NAMES.get(lesson.main.organisation, lesson.main.organisation),
                     ORGANISATION_NAMES.get(lesson.other.organisation, lesson.other.organisation))
            with solara.Row(gap="6px", style={"flex-wrap": "wrap", "margin": "6px 0"}):
                for name in P.COMPARE_MEASURES:
                    solara.Button(name, on_click=lambda name=name: measure.set(name), outlined=measure.value != name,
                                  color="primary" if measure.value == name else None)
            Chart(lesson, "compare", lambda: F.compare_figure(lesson.main, lesson.other, measure.value, names),
                  [lesson.week, measure.value])
            with lesson.lock:
                Html(P.compare_html(lesson.main, lesson.other))
            Control("compare_with", draft, lesson.settings)
        Html(P.view_html("compare"))
    return col


# --------------------------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------------------------


class Spare:
    """One lesson with the default settings, built ahead in the background, so a browser opening
    the page does not wait for five simulated years (``marginsim dashboard`` turns this on with
    ``MARGINSIM_DASHBOARD_PREBUILD=1``; each one taken starts the next)."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.lock = threading.Lock()
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="marginsim-spare")
        self.next: Future | None = self.pool.submit(A.Lesson, DEFAULTS) if enabled else None

    def lesson(self, settings: Settings) -> A.Lesson:
        if not self.enabled or settings != DEFAULTS:
            return A.Lesson(settings)
        with self.lock:
            ready, self.next = self.next, self.pool.submit(A.Lesson, DEFAULTS)
        return ready.result() if ready is not None else A.Lesson(settings)


SPARE = Spare(os.environ.get("MARGINSIM_DASHBOARD_PREBUILD") == "1")


def play(lesson: A.Lesson, playing, pace, redraw) -> None:
    """Step ``lesson`` at the chosen pace while ``playing``, redrawing after each batch of weeks.

    The pace holds whatever a redraw costs: a slow redraw means more weeks per redraw. Each
    batch aims at the time its redraw will be on screen (now plus the last batch's cost), so
    the week shown keeps the pace; a machine too slow for it shows at most a year per redraw.
    """
    rate = PACES[pace.value]
    start, done, cost = time.perf_counter(), 0, 0.0
    while playing.value and lesson.running:
        if PACES[pace.value] != rate:                     # a new pace: count from now
            rate = PACES[pace.value]
            start, done = time.perf_counter(), 0
        t0 = time.perf_counter()
        due = int(rate * (t0 - start + cost)) - done
        if due < 1:
            time.sleep(max(0.0, (done + 1) / rate - (t0 - start + cost)))
            continue
        for _ in range(min(due, MAX_WEEKS_PER_FRAME)):
            with lesson.lock:                              # Pause takes effect within a week: no week
                if not playing.value:                      # starts after Pause has taken the lock
                    break
                lesson.step(1)
        done += due
        redraw()
        time.sleep(0.02)                                   # let a click (Pause) in between redraws
        cost = time.perf_counter() - t0
    if not lesson.running:
        playing.set(False)


def play_or_pause(playing, lesson: A.Lesson | None, redraw) -> None:
    """Play, or Pause and show the last week simulated (the play loop stops within a week)."""
    if not playing.value:
        playing.set(True)
        return
    playing.set(False)
    if lesson is not None:
        with lesson.lock:                       # the week being simulated is finished
            redraw()


@solara.component
def Page():
    """The whole dashboard for one browser session."""
    draft = solara.use_reactive(DEFAULTS)
    lesson = solara.use_reactive(cast(A.Lesson | None, None))
    tick = solara.use_reactive(0)
    playing = solara.use_reactive(False)
    pace = solara.use_reactive(DEFAULT_PACE)
    settings_open = solara.use_reactive(False)
    tab = solara.use_reactive(0)

    def redraw():
        tick.set(tick.value + 1)

    # what to build: the settings read at the moment of the click (never an earlier render's),
    # numbered so a double click builds twice but shows only the last
    wanted = solara.use_reactive((0, draft.value))

    def build():
        number, settings = wanted.value
        built = SPARE.lesson(settings)
        if wanted.value[0] == number:
            lesson.set(built)

    solara.lab.use_task(build, dependencies=[wanted.value[0]], prefer_threaded=True)

    def restart():
        """Apply the settings as the controls show them now, and start again at week 0."""
        settings = draft.value
        playing.set(False)
        lesson.set(None)                       # "Building the office..." until the new one is ready
        wanted.set((wanted.value[0] + 1, settings))

    def toggle():
        play_or_pause(playing, lesson.value, redraw)

    def step():
        if lesson.value is not None:
            lesson.value.step(1)
            redraw()

    current = lesson.value
    solara.lab.use_task(lambda: play(current, playing, pace, redraw) if current is not None else None,
                        dependencies=[playing.value, current], prefer_threaded=True)

    with solara.Column(gap="0px", style={"max-width": "1000px", "padding": "0 8px"}) as main:
        solara.Title(TITLE)
        solara.Style(CSS)
        ControlBar(current, draft, playing, pace, settings_open, restart, step, toggle, tick.value)
        if settings_open.value:
            SettingsPanel(draft, current.settings if current is not None else None)
        with solara.lab.Tabs(value=tab, align="left"):
            for name in TABS:
                solara.lab.Tab(name)
        if current is None:
            Html(f'<div style="{P.TEXT};padding:12px" class="ms-building">Building the office: simulating '
                 f"{A.WARMUP_WEEKS // 52} years before week 0 (a few seconds)\u2026</div>")
        else:
            TabContent(tab.value, current, tick.value, redraw, draft, restart)
    return main


def TabContent(tab: int, lesson: A.Lesson, tick: int, redraw, draft: solara.Reactive, restart):
    """The open tab (only that one is drawn)."""
    if tab == 0:
        return AxisTab(lesson, tick, redraw)
    if tab == 1:
        return OfficeTab(lesson, tick)
    if tab == 2:
        return PersonTab(lesson, tick, redraw)
    return CompareTab(lesson, tick, draft, restart)


#: module-level page, as Mesa's examples have (``solara run`` uses ``Page``; in Jupyter evaluate ``page``)
page = Page()
