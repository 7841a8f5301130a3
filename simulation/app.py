"""The classroom dashboard: a Mesa SolaraViz app over :class:`~simulation.model.WelfareModel`.

Start it with ``marginsim dashboard`` (or ``solara run simulation/app.py``) and open the address
it prints. Students choose an office organisation and its resources in the sidebar, press Reset
to build that office, then Step or Play and watch three tabs (SolaraViz labels them Page 0-2):

* Page 0, citizens: a sample of up to 2,000 citizens on the inclusion-exclusion axis, coloured
  by benefit; the four arenas at a glance; exclusion, office users and benefits over time;
* Page 1, the office: the office this week, caseworker time by activity, hand-offs, waiting
  times, and follow-up hours for the most and least marginalised users (creaming);
* Page 2, one citizen: one office user followed week by week (arena scores, benefit, office
  contact, caseworkers met, hand-offs), with buttons to follow somebody else.

SolaraViz builds the model as ``DashboardModel(**settings)`` from the sidebar controls, so every
control is a plain keyword argument with a default (:data:`MODEL_PARAMS`). One step is one
week. The model simulates a five-year warm-up inside ``__init__`` (the population settles in
about that long), so week 0 is the first week shown and ``model.time`` is the week. Week k is
week k of ``WelfareModel(scenario, rng=seed, citizens=..., caseworkers=..., warmup_weeks=260)``
(tested): the dashboard adds what it shows, not behaviour.

Each browser session gets its own model (``Page`` builds it), so a class can share one server.
Teachers' guide: docs/dashboard.md. Speed: benchmarks/dashboard_speed.py.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import threading
import zlib
from functools import cache
from html import escape
from pathlib import Path

import numpy as np
import solara
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from mesa import DataCollector
from mesa.visualization import SolaraViz
from mesa.visualization.utils import force_update, update_counter

from simulation.caseworkers import ACTIVITY_NAMES
from simulation.metrics import INDEX
from simulation.model import WelfareModel
from simulation.population import ARENAS, BENEFIT_NAMES, Benefit
from simulation.scenario import Scenario, load_scenario

TITLE = "marginsim: marginalisation and welfare follow-up"
ORGANISATIONS = ("generalist", "specialist", "target_group_teams", "benefit_lines")
SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"
PRIORITY_RULES = ("need_based", "date_order", "creaming")

#: the dashboard's defaults: the scenario files' district (20,000 adults, 16 caseworkers)
DEFAULTS = dict(organisation="generalist", caseworkers=16, caseload_cap=0, duty_share=0.25,
                handoff_delay_weeks=2, priority_rule="need_based", creaming_under_pressure=0.5,
                citizens=20_000, rng=42)
WEEKS = 5200          # weeks Play can run (100 years; the recorder is pre-allocated to this)
WARMUP_WEEKS = 260    # simulated inside __init__ before week 0: the model settles in about five years
MAX_POINTS = 2000     # citizens drawn on the axis (a stable sample of the population)
PLAY_INTERVAL_MS = 20
RENDER_INTERVAL = 5   # weeks per Step click and per redraw while playing (sidebar slider)

BENEFIT_LABELS = {
    "none": "no benefit", "unemployment_benefit": "unemployment benefit", "sick_pay": "sick pay",
    "work_assessment_allowance": "work assessment allowance (AAP)", "social_assistance": "social assistance",
    "qualification_programme": "qualification programme (KVP)", "disability_benefit": "disability benefit",
}
BENEFIT_COLOURS = ["#c7c7c7", "#1f77b4", "#17becf", "#2ca02c", "#d62728", "#ff7f0e", "#9467bd"]
ARENA_COLOURS = dict(zip(ARENAS, ["#1f77b4", "#2ca02c", "#8c564b", "#d62728"], strict=False))
FIGSIZE = (6.4, 4.2)
DPI = 80


# --------------------------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------------------------


def available_organisations() -> tuple[str, ...]:
    """Organisation models whose scenario file exists (generalist always: it is the default office)."""
    return tuple(name for name in ORGANISATIONS
                 if name == "generalist" or (SCENARIO_DIR / f"{name}.toml").is_file())


@cache
def organisation_scenario(name: str) -> Scenario:
    """The scenario of an organisation model, from ``scenarios/<name>.toml`` next to the package
    (``Scenario()``, a generalist office, if the repository's scenarios are not there)."""
    if name not in ORGANISATIONS:
        raise ValueError(f"unknown organisation {name!r}; choose one of {', '.join(ORGANISATIONS)}")
    path = SCENARIO_DIR / f"{name}.toml"
    if path.is_file():
        return load_scenario(path)
    if name == "generalist":
        return Scenario()
    raise FileNotFoundError(f"{path}: scenario file not found (the dashboard needs the repository's scenarios/)")


def _seed(value) -> int:
    """The sidebar's seed box gives text: whole numbers are used as they are, other text is hashed."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return int(value)
    text = str(value).strip()
    try:
        return int(text)
    except ValueError:
        return zlib.crc32(text.encode("utf-8"))


def _row(m) -> np.ndarray:
    return m.recorder.data[m.recorder.n - 1]


def _window(m, weeks: int) -> np.ndarray:
    return m.recorder.data[max(0, m.recorder.n - weeks):m.recorder.n]


def _share_lost(m, k: int) -> float:
    r = _row(m)
    return 100.0 * float(sum(r[INDEX[f"share_lost_{j}"]] for j in range(k, 5)))


def _mean_wait(m, total: str, count: str, weeks: int = 4) -> float:
    w = _window(m, weeks)
    n = w[:, INDEX[count]].sum()
    return float(w[:, INDEX[total]].sum() / n) if n > 0 else float("nan")


def _hours_per_user(m, q: int, weeks: int = 13) -> float:
    w = _window(m, weeks)
    n = w[:, INDEX[f"follow_up_users_q{q}"]].sum()
    return float(w[:, INDEX[f"follow_up_hours_q{q}"]].sum() / n) if n > 0 else float("nan")


def _col(name: str):
    return lambda m: float(_row(m)[INDEX[name]])


#: what the live plots show: reporter name (also the legend label) -> function of the model,
#: read from the model's weekly table (metrics.Recorder), collected once per week
REPORTERS = {
    "2+ arenas lost (%)": lambda m: _share_lost(m, 2),
    "3+ arenas lost (%)": lambda m: _share_lost(m, 3),
    "Office users": _col("users"),
    "On social assistance": _col("on_social_assistance"),
    "Waiting for a caseworker": _col("waiting_for_caseworker"),
    **{a.replace("_", "-").capitalize(): _col(f"hours_{a}") for a in ACTIVITY_NAMES},
    "Hand-offs": _col("handoffs"),
    "Lost in hand-off": _col("lost_in_handoff"),
    "Weeks to first follow-up": lambda m: _mean_wait(m, "first_follow_up_wait_weeks_sum", "first_follow_ups"),
    "Weeks to a benefit decision": lambda m: _mean_wait(m, "decision_wait_weeks_sum", "decisions"),
    "Most marginalised fifth": lambda m: _hours_per_user(m, 1),
    "Least marginalised fifth": lambda m: _hours_per_user(m, 5),
    "Time pressure": _col("pressure"),
}


class DashboardModel(WelfareModel):
    """A :class:`WelfareModel` built from the dashboard's plain settings, with what the dashboard shows.

    Args:
        organisation: ``generalist``, ``specialist``, ``target_group_teams`` or ``benefit_lines``
            (scenario files).
        caseworkers: total staff, shared among the office's units in proportion (each unit keeps
            at least one caseworker, so the specialist office has at least 4, the teams office 5, the benefit lines 3).
        caseload_cap: most users per caseworker in every unit; 0 keeps the scenario's own caps
            (the close-follow-up team's 8). A unit's own tighter cap is kept.
        duty_share, handoff_delay_weeks, priority_rule, creaming_under_pressure: as in the
            scenario (``caseworkers.duty_share``, ``office.*``).
        citizens: working-age adults in the district. The office keeps ``caseworkers`` staff
            whatever the population (16 per 20,000 is the scenario files' staffing). Staff are
            shared out in the proportions of the organisation's scenario file, not of
            ``Scenario.scaled(citizens)``, whose units all round to one caseworker in a small
            district (a specialist office of 16 would then be 4 + 4 + 4 + 4, not 1 + 3 + 8 + 4).
        rng: seed (a whole number; other text is hashed).
        warmup_weeks: weeks simulated before week 0, inside ``__init__``.
    """

    def __init__(self, organisation: str = DEFAULTS["organisation"], caseworkers: int = DEFAULTS["caseworkers"],
                 caseload_cap: int = DEFAULTS["caseload_cap"], duty_share: float = DEFAULTS["duty_share"],
                 handoff_delay_weeks: int = DEFAULTS["handoff_delay_weeks"],
                 priority_rule: str = DEFAULTS["priority_rule"],
                 creaming_under_pressure: float = DEFAULTS["creaming_under_pressure"],
                 citizens: int = DEFAULTS["citizens"], rng=DEFAULTS["rng"], warmup_weeks: int = WARMUP_WEEKS):
        base = organisation_scenario(organisation)
        cap = int(caseload_cap)
        if cap > 0:
            units = tuple(dataclasses.replace(u, caseload_cap=min(u.caseload_cap or cap, cap))
                          for u in base.office.units)
            base = dataclasses.replace(base, office=dataclasses.replace(base.office, units=units))
        super().__init__(base, rng=_seed(rng), citizens=int(citizens), caseworkers=int(caseworkers),
                         duty_share=float(duty_share),
                         handoff_delay_weeks=int(handoff_delay_weeks), priority_rule=str(priority_rule),
                         creaming_under_pressure=float(creaming_under_pressure), weeks=WEEKS,
                         warmup_weeks=int(warmup_weeks))
        self.organisation = organisation
        self.settings = dict(organisation=organisation, caseworkers=int(caseworkers), caseload_cap=cap,
                             duty_share=float(duty_share), handoff_delay_weeks=int(handoff_delay_weeks),
                             priority_rule=str(priority_rule),
                             creaming_under_pressure=float(creaming_under_pressure), citizens=int(citizens),
                             rng=_seed(rng))
        # the warm-up and week 0, without advancing Mesa's clock: model.time 0 shows week 0
        while self.week <= 0:
            WelfareModel.step(self)
        self.datacollector = DataCollector(model_reporters=REPORTERS)
        self.datacollector.collect(self)
        self.excluded_at_start = self.excluded_shares()
        self.lost_at_start = self.lost_shares()
        self.followed: dict | None = None
        self.follow()

    @property
    def shown_week(self) -> int:
        """The week the dashboard shows (the last one simulated; equals ``model.time``)."""
        return self.week - 1

    def step(self) -> None:
        super().step()
        self.datacollector.collect(self)
        self._record_followed()

    # ---- what the panels read ----------------------------------------------------------------
    def excluded_shares(self) -> np.ndarray:
        """Share of citizens who have lost each arena (work, activity, housing, economy)."""
        r = _row(self)
        return np.array([r[INDEX[f"excluded_{a}"]] for a in ARENAS])

    def lost_shares(self) -> np.ndarray:
        """Share of citizens with 0, 1, 2, 3 and 4 arenas lost."""
        r = _row(self)
        return np.array([r[INDEX[f"share_lost_{k}"]] for k in range(5)])

    def sample(self, limit: int = MAX_POINTS) -> np.ndarray:
        """Slots of at most ``limit`` living citizens: a stable pseudo-random sample (a citizen
        drawn this week is drawn next week too, as long as they live in the district)."""
        alive = np.flatnonzero(self.citizens.alive)
        if len(alive) <= limit:
            return alive
        key = _slot_hash(alive)
        return alive[np.argpartition(key, limit)[:limit]]

    def unit_names(self) -> list[str]:
        return [u.name for u in self.params.office.units]

    def staff_by_unit(self) -> dict[str, int]:
        counts = np.bincount(self.office.staff.unit, minlength=len(self.params.office.units))
        return dict(zip(self.unit_names(), counts.tolist(), strict=False))

    # ---- one citizen followed through time ---------------------------------------------------
    def follow(self, slot: int | None = None, kind: str = "user") -> int | None:
        """Follow the citizen in ``slot``, or pick one: ``kind`` "user" (an office user who is not
        on disability benefit, preferably with 1-3 arenas lost) or "excluded" (2+ arenas lost).
        Returns the slot followed (None if nobody fits)."""
        if slot is None:
            slot = self._pick(kind)
        if slot is None:
            self.followed = None
            return None
        c = self.citizens
        self.followed = {"slot": int(slot), "person_id": int(c.person_id[slot]), "since": self.shown_week,
                         "left_week": None, "week": [], "arenas": [], "benefit": [], "user": [],
                         "handoffs": [], "contact_points": [], "caseworkers": []}
        self._record_followed()
        return int(slot)

    def _pick(self, kind: str) -> int | None:
        c, o = self.citizens, self.office
        lost = c.arenas_lost(self.params.arenas.loss_threshold)
        current = self.followed["slot"] if self.followed else -1
        if kind == "excluded":
            tiers = [c.alive & (lost >= 2)]
        else:
            user = c.alive & o.registered & (c.benefit != Benefit.DISABILITY_BENEFIT)
            tiers = [user & (lost >= 1) & (lost <= 3), user, c.alive & o.registered]
        tiers.append(c.alive)
        for mask in tiers:
            slots = [int(s) for s in np.flatnonzero(mask) if s != current]
            if slots:
                return self.random.choice(slots)
        return None

    def _record_followed(self) -> None:
        f = self.followed
        if f is None or f["left_week"] is not None:
            return
        slot, c, o = f["slot"], self.citizens, self.office
        if not c.alive[slot] or c.person_id[slot] != f["person_id"]:
            f["left_week"] = self.shown_week
            return
        f["week"].append(self.shown_week)
        f["arenas"].append(c.arenas[:, slot].copy())
        f["benefit"].append(int(c.benefit[slot]))
        f["user"].append(bool(o.registered[slot]))
        f["handoffs"].append(int(o.handoffs[slot]))
        f["contact_points"].append(int(o.contact_points[slot]))
        f["caseworkers"].append(tuple(int(k) for k in o.cw[:, slot]))

    def followed_record(self) -> dict | None:
        """``model.citizen(slot)`` for the followed citizen, while they live in the district."""
        f = self.followed
        if f is None or f["left_week"] is not None:
            return None
        return self.citizen(f["slot"])


def _slot_hash(slots: np.ndarray, salt: int = 0) -> np.ndarray:
    """A fixed pseudo-random number in [0, 1) per population slot (the splitmix64 finaliser)."""
    z = slots.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15 * (salt + 1) % 2**64)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return (z ^ (z >> np.uint64(31))).astype(np.float64) / 2.0**64


# --------------------------------------------------------------------------------------------
# Figures (plain functions: the components below show them; the benchmark times them)
# --------------------------------------------------------------------------------------------


def _figure(left=0.11, right=0.96, bottom=0.13, top=0.91, **kwargs) -> Figure:
    """A figure with fixed margins (a layout engine would draw every figure twice)."""
    fig = Figure(figsize=FIGSIZE, dpi=DPI)
    fig.subplots_adjust(left=left, right=right, bottom=bottom, top=top, **kwargs)
    return fig


def _jitter(slots: np.ndarray) -> np.ndarray:
    """A fixed vertical offset per population slot, so a citizen's mark does not jump about."""
    return (_slot_hash(slots, salt=1) - 0.5) * 0.7


def axis_figure(model: DashboardModel) -> Figure:
    """Citizens on the inclusion-exclusion axis: x = position (mean arena score), y = arenas lost
    (jittered), colour = benefit status; office users ringed; the followed citizen a star.
    (The colour key is HTML beside the figure, :func:`axis_key_html`: a legend would cost a
    third of the redraw.)"""
    c = model.citizens
    slots = model.sample()
    theta = model.params.arenas.loss_threshold
    pos = c.arenas[:, slots].mean(axis=0)
    lost = (c.arenas[:, slots] < theta).sum(axis=0)
    y = lost + _jitter(slots)
    ben = c.benefit[slots]
    user = model.office.registered[slots]
    fig = _figure()
    ax = fig.subplots()
    # one Line2D per benefit status and office contact: Agg stamps markers fast (a scatter with
    # per-point colours costs several times more)
    for k in range(len(BENEFIT_NAMES)):
        mine = ben == k
        ax.plot(pos[mine & ~user], y[mine & ~user], "o", ms=2.6, mew=0, color=BENEFIT_COLOURS[k])
        ax.plot(pos[mine & user], y[mine & user], "o", ms=4.0, mew=0.6, mec="black", color=BENEFIT_COLOURS[k])
    f = model.followed
    if f is not None and f["left_week"] is None:
        s = f["slot"]
        ax.plot([c.arenas[:, s].mean()], (c.arenas[:, s] < theta).sum() + _jitter(np.array([s])), "*",
                ms=16, color="gold", mec="black", mew=1.0, zorder=5)
    ax.set_xlim(0, 1)
    ax.set_ylim(4.6, -0.6)
    ax.set_yticks(range(5))
    ax.set_xlabel("position on the axis (0 = excluded from every arena, 1 = included in all four)")
    ax.set_ylabel("arenas lost")
    n = int(c.alive.sum())
    shown = f"{len(slots):,} of {n:,} citizens" if len(slots) < n else f"all {n:,} citizens"
    ax.set_title(f"Citizens on the inclusion-exclusion axis, week {model.shown_week} ({shown})", fontsize=10)
    return fig


def axis_key_html() -> str:
    """The colour key of :func:`axis_figure`."""
    dot = ('<span style="display:inline-block;width:9px;height:9px;border-radius:50%;background:{};'
           'border:1px solid {};margin:0 3px 0 8px"></span>')
    items = [dot.format(colour, "#333") + BENEFIT_LABELS[name] for name, colour in zip(BENEFIT_NAMES, BENEFIT_COLOURS, strict=False)]
    items.append('<span style="color:#e6b800;margin:0 3px 0 8px">&#9733;</span>followed citizen')
    return ('<div style="font-size:11px;line-height:1.6">' + " ".join(items)
            + '<br><span style="margin-left:8px">Large ringed dots are office users; small dots are not.</span></div>')


def arenas_figure(model: DashboardModel) -> Figure:
    """The four arenas at a glance: the share of citizens who have lost each arena, and the share
    who have lost 1, 2, 3 or all 4 (bars: now; dashed outlines: week 0)."""
    fig = _figure(left=0.10, bottom=0.12, top=0.91)
    ax = fig.subplots()
    now = 100 * np.concatenate([model.excluded_shares(), model.lost_shares()[1:]])
    start = 100 * np.concatenate([model.excluded_at_start, model.lost_at_start[1:]])
    x = np.array([0, 1, 2, 3, 5, 6, 7, 8])
    colours = [ARENA_COLOURS[a] for a in ARENAS] + ["#fdd49e", "#fc8d59", "#d7301f", "#7f0000"]
    ax.bar(x, now, color=colours)
    ax.bar(x, start, fill=False, edgecolor="black", linestyle="--", linewidth=1.0)
    top = max(5.0, 1.3 * max(now.max(), start.max()))
    for i, v in zip(x, now, strict=False):
        ax.text(i, v + top * 0.01, f"{v:.1f}", ha="center", va="bottom", fontsize=8)
    ax.axvline(4, color="grey", linewidth=0.8)
    ax.text(1.5, top * 0.97, "lost this arena", ha="center", va="top", fontsize=9)
    ax.text(6.5, top * 0.97, f"lost this many arenas\n(none: {100 * model.lost_shares()[0]:.1f} %)",
            ha="center", va="top", fontsize=9)
    ax.set_xticks(x, list(ARENAS) + ["1", "2", "3", "all 4"], fontsize=8)
    ax.set_ylim(0, top)
    ax.set_ylabel("% of citizens")
    ax.set_title(f"The four arenas at a glance, week {model.shown_week} (dashed: week 0)", fontsize=10)
    return fig


def citizen_figure(model: DashboardModel) -> Figure:
    """The followed citizen over time: four arena scores (loss threshold dashed), benefit status
    and office contact underneath, hand-offs as dotted vertical lines."""
    fig = _figure(left=0.13, hspace=0.08)
    ax, band = fig.subplots(2, 1, height_ratios=[5, 1], sharex=True)
    f = model.followed
    if f is None or not f["week"]:
        ax.text(0.5, 0.5, "nobody to follow", ha="center", va="center", transform=ax.transAxes)
        return fig
    n = min(len(f["week"]), len(f["arenas"]), len(f["benefit"]), len(f["user"]), len(f["handoffs"]))
    weeks = np.asarray(f["week"][:n])       # (with "Use Threads" the model may step while this draws)
    arenas = np.asarray(f["arenas"][:n])
    for k, a in enumerate(ARENAS):
        ax.plot(weeks, arenas[:, k], color=ARENA_COLOURS[a], label=a, linewidth=1.6,
                drawstyle="steps-post" if len(weeks) < 3 else "default")
    ax.axhline(model.params.arenas.loss_threshold, color="black", linestyle="--", linewidth=0.8)
    ax.text(weeks[-1], model.params.arenas.loss_threshold - 0.015, "arena lost below this line ", fontsize=7,
            ha="right", va="top")
    handoffs = np.asarray(f["handoffs"][:n])
    for w in weeks[1:][np.diff(handoffs) > 0]:
        ax.axvline(w, color="grey", linestyle=":", linewidth=1.0)
    ax.set_ylim(0, 1.02)
    ax.set_ylabel("arena score")
    ax.legend(loc="upper left", fontsize=7, ncols=4)
    ax.set_title(f"Citizen {f['person_id']} from week {f['since']} (dotted lines: hand-offs)", fontsize=10)
    edges = np.append(weeks, weeks[-1] + 1) - 0.5
    ben = np.asarray(f["benefit"][:n])[None, :]
    user = np.asarray(f["user"][:n], dtype=float)[None, :]
    band.pcolormesh(edges, [0, 1], ben, cmap=ListedColormap(BENEFIT_COLOURS), vmin=-0.5, vmax=6.5)
    band.pcolormesh(edges, [1, 1.6], np.where(user > 0, 1.0, np.nan), cmap=ListedColormap(["#444444"]),
                    vmin=0, vmax=1)
    band.set_ylim(0, 1.6)
    band.set_yticks([0.5, 1.3], ["benefit", "office user"], fontsize=7)
    band.set_xlabel("week")
    band.xaxis.set_major_locator(MaxNLocator(integer=True))
    return fig


# --------------------------------------------------------------------------------------------
# Components (each reads Mesa's update counter, so it redraws after every Step)
# --------------------------------------------------------------------------------------------


def _show(fig: Figure, dependencies: list | None = None):
    """A figure as a PNG image (redrawn on every render, or only when ``dependencies`` change)."""
    return solara.FigureMatplotlib(fig, dependencies=dependencies, format="png", pil_kwargs={"compress_level": 1})


@solara.component
def AxisView(model):
    update_counter.get()
    with solara.Column(gap="0px") as column:
        _show(axis_figure(model))
        solara.HTML(unsafe_innerHTML=axis_key_html())
    return column


@solara.component
def ArenasView(model):
    update_counter.get()
    return _show(arenas_figure(model))


def _html_rows(rows) -> str:
    cells = "".join(f'<tr><td style="padding:1px 12px 1px 0">{escape(k)}</td>'
                    f'<td><b>{escape(v)}</b></td></tr>' for k, v in rows)
    return f'<table style="border-collapse:collapse;margin:4px 0">{cells}</table>'


def _words(name: str) -> str:
    return name.replace("_", " ")


def office_html(model: DashboardModel) -> str:
    """The office this week as HTML: organisation, staff by unit, users, waiting, pressure, flows, settings."""
    r = _row(model)
    s = model.settings
    staff = ", ".join(f"{_words(name)} {n}" for name, n in model.staff_by_unit().items())
    rows = [
        ("office users", f"{int(r[INDEX['users']]):,}"),
        ("waiting for a caseworker", f"{int(r[INDEX['waiting_for_caseworker']]):,}"),
        ("on social assistance", f"{int(r[INDEX['on_social_assistance']]):,}"),
        ("time pressure (hours asked / hours there are)", f"{r[INDEX['pressure']]:.2f}"),
        ("hand-offs this week (users lost in them)",
         f"{int(r[INDEX['handoffs']])} ({int(r[INDEX['lost_in_handoff']])})"),
        ("applications waiting for a decision (overdue)",
         f"{int(r[INDEX['pending_applications']])} ({int(r[INDEX['overdue_applications']])})"),
        ("citizens with 2+ arenas lost", f"{_share_lost(model, 2):.1f} %"),
    ]
    settings = (f"Priority rule {_words(s['priority_rule'])}; pull toward creaming under pressure "
                f"{s['creaming_under_pressure']:.1f}; duties {100 * s['duty_share']:.0f} % of hours; hand-off delay "
                f"{s['handoff_delay_weeks']} weeks; caseload cap {s['caseload_cap'] or 'as in the scenario'}; "
                f"seed {s['rng']}.")
    return (f'<div style="font-size:13px;line-height:1.35">'
            f'<div style="font-size:16px;margin-bottom:4px">The office in week {model.shown_week}</div>'
            f'<b>{escape(_words(s["organisation"]))}</b> office for {int(r[INDEX["population"]]):,} citizens: '
            f'<b>{len(model.office.staff)} caseworkers</b> ({escape(staff)}).'
            f'{_html_rows(rows)}<div style="color:#555">{escape(settings)}</div></div>')


def _caseworker_text(model: DashboardModel, cw: int) -> str:
    return f"#{cw} ({_words(model.unit_names()[int(model.office.staff.unit[cw])])})"


def citizen_html(model: DashboardModel) -> str:
    """The followed citizen this week as HTML (``model.citizen(slot)`` plus what the dashboard kept)."""
    f = model.followed
    if f is None:
        return "<p>Nobody to follow.</p>"
    rec = model.followed_record()
    if rec is None:
        return (f"<p><b>Citizen {f['person_id']} left the district in week {f['left_week']}</b> (moved away or "
                "turned 67). Pick somebody else to follow.</p>")
    theta = model.params.arenas.loss_threshold
    lost = [a for a, v in rec["arenas"].items() if v < theta]
    work = "employed" if rec["employed"] else f"out of work for {rec['weeks_out_of_work']} weeks"
    cws = "; ".join(f"{_words(t)}: {_caseworker_text(model, k)}" for t, k in rec["caseworkers"].items())
    met = len({k for row in f["caseworkers"] for k in row if k >= 0})
    user = "yes, need: " + _words(rec["need_level"]) if rec["user"] else "no"
    rows = [
        ("age", f"{rec['age']:.0f}"),
        ("position on the axis", f"{rec['position']:.2f}"),
        ("arenas lost", ", ".join(lost) or "none"),
        ("work", work),
        ("benefit", BENEFIT_LABELS[rec["benefit"]]),
        ("traits", ", ".join(_words(t) for t in rec["traits"]) or "none"),
        ("office user", user),
        ("caseworkers now", cws or "none"),
        (f"caseworkers met since week {f['since']}", str(met)),
        ("contact points in this office spell", str(rec["contact_points"])),
        ("hand-offs in this office spell", str(rec["handoffs"])),
    ]
    return (f'<div style="font-size:13px;line-height:1.35"><div style="font-size:16px;margin:4px 0">'
            f"Citizen {rec['person_id']} in week {model.shown_week}</div>{_html_rows(rows)}</div>")


@solara.component
def OfficeView(model):
    """The office now: organisation, staff by unit, users, pressure, waiting, this week's flows."""
    update_counter.get()
    return solara.HTML(unsafe_innerHTML=office_html(model))


@solara.component
def CitizenView(model):
    """The followed citizen now, with buttons to follow somebody else."""
    update_counter.get()

    def pick(kind):
        model.follow(kind=kind)
        force_update()

    with solara.Column(gap="4px") as column:
        with solara.Row():
            solara.Button("Follow another user", on_click=lambda: pick("user"), outlined=True, small=True)
            solara.Button("Follow someone with 2+ lost", on_click=lambda: pick("excluded"), outlined=True,
                          small=True)
        solara.HTML(unsafe_innerHTML=citizen_html(model))
    return column


@solara.component
def CitizenPlot(model):
    """The followed citizen's arenas, benefit and office contact week by week."""
    update_counter.get()
    with solara.Column(gap="0px") as column:
        _show(citizen_figure(model))
        solara.HTML(unsafe_innerHTML=axis_key_html())
    return column


MAX_LINE_POINTS = 1200   # longer histories are drawn as block means (a redraw stays fast after years)


def _thin(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weeks and values to draw: every week, or block means when there are many (a block with
    no value stays a gap)."""
    x = np.arange(len(y), dtype=float)
    if len(y) <= MAX_LINE_POINTS:
        return x, y
    k = -(-len(y) // MAX_LINE_POINTS)
    n = len(y) // k * k
    blocks = y[:n].reshape(-1, k)
    seen = ~np.isnan(blocks)
    with np.errstate(invalid="ignore"):
        return x[:n].reshape(-1, k).mean(axis=1), np.where(seen, blocks, 0.0).sum(axis=1) / seen.sum(axis=1)


def series_figure(model: DashboardModel, measures: dict[str, str], title: str, ylabel: str) -> Figure:
    """Weekly values of some of the model's DataCollector reporters (:data:`REPORTERS`), one line each.

    The figure is built once per model and plot, then only its lines and limits change: a
    redraw costs about a quarter less than drawing a new figure.
    """
    cache = model.__dict__.setdefault("_series_figures", {})
    if title not in cache:
        fig = _figure()
        ax = fig.subplots()
        lines = [ax.plot([], [], color=colour, label=name, linewidth=1.3)[0] for name, colour in measures.items()]
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(title, fontsize=10)
        ax.set_ylabel(ylabel)
        ax.set_xlabel("week")
        ax.legend(loc="upper left", fontsize=7)
        cache[title] = (fig, ax, lines)
    fig, ax, lines = cache[title]
    data = model.datacollector.model_vars
    top, weeks = 0.0, 1
    for line, name in zip(lines, measures, strict=False):
        y = np.asarray(data[name], dtype=float)
        line.set_data(*_thin(y))
        weeks = max(weeks, len(y) - 1)
        if np.isfinite(y).any():
            top = max(top, float(np.nanmax(y)))
    ax.set_xlim(0, weeks)
    ax.set_ylim(0, top * 1.08 if top > 0 else 1.0)
    return fig


def time_series(measures: dict[str, str], title: str, ylabel: str, page: int):
    """A live plot over time, as Mesa's ``make_plot_component`` makes, reading the same
    ``model.datacollector``, but about twice as fast to redraw (fixed margins, no second
    layout pass, no ``loc="best"`` legend search, long histories drawn as block means)."""
    unknown = set(measures) - set(REPORTERS)
    if unknown:
        raise ValueError(f"not a reporter: {', '.join(sorted(unknown))}")

    @solara.component
    def TimeSeries(model):
        update_counter.get()
        # the figure object is reused, so say when it changed (or the image would not update)
        return _show(series_figure(model, measures, title, ylabel), dependencies=[id(model), model.recorder.n])

    return TimeSeries, page


CITIZENS, OFFICE, ONE_CITIZEN = 0, 1, 2     # tabs, shown as "Page 0", "Page 1", "Page 2"

#: the live plots: name -> (reporters and their colours, title, unit, tab)
SERIES = {
    "exclusion": ({"2+ arenas lost (%)": "#fc8d59", "3+ arenas lost (%)": "#7f0000"},
                  "Excluded: citizens with 2+ and 3+ arenas lost", "% of citizens", CITIZENS),
    "users_and_benefits": ({"Office users": "#555555", "On social assistance": "#d62728",
                            "Waiting for a caseworker": "#ff7f0e"},
                           "Office users and social-assistance recipients", "persons", CITIZENS),
    "caseworker_time": ({"Intake": "#9edae5", "Decisions": "#d62728", "Coordination": "#ff7f0e",
                         "Follow-up": "#2ca02c", "Duties": "#7f7f7f", "Idle": "#b0b0b0"},
                        "Caseworker time by activity", "hours per week", OFFICE),
    "handoffs": ({"Hand-offs": "#9467bd", "Lost in hand-off": "#d62728"},
                 "Hand-offs between caseworkers", "per week", OFFICE),
    "waiting": ({"Weeks to first follow-up": "#1f77b4", "Weeks to a benefit decision": "#d62728"},
                "Waiting (4-week average)", "weeks", OFFICE),
    "creaming": ({"Most marginalised fifth": "#7f0000", "Least marginalised fifth": "#2ca02c"},
                 "Follow-up hours per user and week (13-wk avg.): creaming if green > red", "hours", OFFICE),
}
ExclusionPlot, BenefitsPlot, TimePlot, HandoffPlot, WaitingPlot, CreamingPlot = (
    time_series(*spec) for spec in SERIES.values())

#: (component, tab) in display order
COMPONENTS = [
    (AxisView, CITIZENS), (ArenasView, CITIZENS), ExclusionPlot, BenefitsPlot,
    (OfficeView, OFFICE), TimePlot, HandoffPlot, WaitingPlot, CreamingPlot,
    (CitizenView, ONE_CITIZEN), (CitizenPlot, ONE_CITIZEN),
]

#: the sidebar controls; each key is a DashboardModel keyword (checked by the tests)
MODEL_PARAMS = {
    "organisation": {"type": "Select", "value": DEFAULTS["organisation"], "values": list(available_organisations()),
                     "label": "Office organisation"},
    "caseworkers": {"type": "SliderInt", "value": DEFAULTS["caseworkers"], "min": 1, "max": 48, "step": 1,
                    "label": "Caseworkers (total staff)"},
    "caseload_cap": {"type": "SliderInt", "value": DEFAULTS["caseload_cap"], "min": 0, "max": 200, "step": 5,
                     "label": "Caseload cap (0 = as in the scenario)"},
    "duty_share": {"type": "SliderFloat", "value": DEFAULTS["duty_share"], "min": 0.0, "max": 0.9, "step": 0.05,
                   "label": "Duties (share of hours)"},
    "handoff_delay_weeks": {"type": "SliderInt", "value": DEFAULTS["handoff_delay_weeks"], "min": 0, "max": 12,
                            "step": 1, "label": "Hand-off delay (weeks)"},
    "priority_rule": {"type": "Select", "value": DEFAULTS["priority_rule"], "values": list(PRIORITY_RULES),
                      "label": "Priority rule for follow-up"},
    "creaming_under_pressure": {"type": "SliderFloat", "value": DEFAULTS["creaming_under_pressure"], "min": 0.0,
                                "max": 1.0, "step": 0.1, "label": "Creaming under pressure"},
    "citizens": {"type": "SliderInt", "value": DEFAULTS["citizens"], "min": 2_000, "max": 50_000, "step": 1_000,
                 "label": "Citizens"},
    "rng": {"type": "InputText", "value": DEFAULTS["rng"], "label": "Random seed"},
}


@solara.component
def Page():
    """The whole dashboard. Each browser session builds its own model, so a class can share one server."""
    model = solara.use_memo(DashboardModel, [])
    return SolaraViz(model, components=COMPONENTS, model_params=MODEL_PARAMS, name=TITLE,
                     play_interval=PLAY_INTERVAL_MS, render_interval=RENDER_INTERVAL)


#: module-level page, as Mesa's examples have (``solara run`` uses ``Page``; in Jupyter evaluate ``page``)
page = Page()


# --------------------------------------------------------------------------------------------
# Launcher (``marginsim dashboard``)
# --------------------------------------------------------------------------------------------


def main(host: str = "127.0.0.1", port: int = 8765) -> int:
    """Serve the dashboard with ``solara run`` until Ctrl-C (or SIGTERM).

    Returns 0 when stopped that way (it is the normal way to stop), else the server's exit code.
    Works offline (solara-assets serves the JavaScript and CSS) and sends no telemetry.
    """
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false"}
    cmd = [sys.executable, "-m", "solara", "run", "simulation.app", "--host", host, "--port", str(port),
           "--no-open", "--production"]
    everywhere = host in ("0.0.0.0", "::")
    print(f"marginsim dashboard: open http://{'localhost' if everywhere else host}:{port}/ in a browser "
          "(Ctrl-C to stop)", flush=True)
    if everywhere:
        print("  listening on every network interface: other machines can use this machine's address", flush=True)
    proc = subprocess.Popen(cmd, env=env)
    previous = None
    if threading.current_thread() is threading.main_thread():
        # a SIGTERM to this process must not leave the server running on its own
        previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        print("marginsim dashboard: stopped", flush=True)
        return 0
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _interrupt(signum, frame):
    raise KeyboardInterrupt
