"""The one module of the dashboard that reads the model's internals.

Everything the views show comes from here: :class:`DashboardModel` (a ``WelfareModel`` built
from the dashboard's plain settings, with a Mesa ``DataCollector`` of what the charts draw),
:class:`Stories` (a rolling two-year record of the citizens drawn on the axis, so one person's
story can be told), :func:`interesting_people` and :class:`Lesson` (the office on screen and,
when comparing, a second office stepping with it).

The office is being rewritten (its state moves into dataclasses), so every read of the
office's per-citizen arrays is a small named function below (``office_users``,
``handoff_counts``, ``caseworker_ids``, ``had_session``, ``unit_of_caseworker``...): repoint
those, and nothing else in the dashboard needs to change. The rest uses the model's public
API: ``WelfareModel(scenario, rng=seed, **settings)``, ``step()``, ``week``, ``timeseries()``,
``citizen(slot)`` and the ``citizens`` arrays.
"""

from __future__ import annotations

import dataclasses
import threading

import numpy as np
from mesa import DataCollector

from simulation.caseworkers import ACTIVITY_NAMES
from simulation.metrics import INDEX
from simulation.model import WelfareModel
from simulation.population import ARENAS, Benefit
from simulation.scenario import Scenario

from . import settings as S
from .settings import organisation_scenario

WEEKS = 5200          # weeks Play can run (100 years; the weekly table is pre-allocated to this)
WARMUP_WEEKS = 260    # simulated inside __init__ before week 0: the model settles in about five years
MAX_POINTS = 2000     # citizens drawn on the axis and remembered for their stories
STORY_WEEKS = 104     # how far back a story goes (two years)
ROLES = ("intake", "economic", "work", "housing_social")   # a user's caseworker per task


# --------------------------------------------------------------------------------------------
# Reads of the office's per-citizen state (repoint these when the office changes)
# --------------------------------------------------------------------------------------------


def _users(model):
    """Where the office keeps its per-citizen state (``office.users`` in the office package,
    the office itself before it)."""
    return getattr(model.office, "users", model.office)


def office_users(model, slots=slice(None)) -> np.ndarray:
    """True for citizens registered as office users."""
    return _users(model).registered[slots]


def handoff_counts(model, slots=slice(None)) -> np.ndarray:
    """Hand-offs in each citizen's current office spell (the office counts them)."""
    return _users(model).handoffs[slots]


def caseworker_ids(model, slots=slice(None)) -> np.ndarray:
    """(roles, citizens): each citizen's caseworker per role (:data:`ROLES`), -1 for none."""
    return _users(model).cw[:, slots]


def had_session(model, slots=slice(None)) -> np.ndarray:
    """True for citizens who had a follow-up session in the week just simulated."""
    return (_users(model).last_session[:, slots] == model.week - 1).any(axis=0)


def unit_of_caseworker(model) -> np.ndarray:
    """The unit index of every caseworker."""
    return model.office.staff.unit


def staff_count(model) -> int:
    return len(model.office.staff)


def unit_names(model) -> list[str]:
    """The office's units now (the office's own scenario: a reorganisation may have changed them)."""
    return [u.name for u in model.office.s.office.units]


def loss_threshold(model) -> float:
    """An arena score below this is an arena lost."""
    return model.params.arenas.loss_threshold


# --------------------------------------------------------------------------------------------
# The weekly table (metrics.Recorder): what the charts over time draw
# --------------------------------------------------------------------------------------------


def _row(m) -> np.ndarray:
    return m.recorder.data[m.recorder.n - 1]


def _window(m, weeks: int) -> np.ndarray:
    return m.recorder.data[max(0, m.recorder.n - weeks):m.recorder.n]


def share_lost(m, k: int) -> float:
    """Percent of citizens with ``k`` or more arenas lost, this week."""
    r = _row(m)
    return 100.0 * float(sum(r[INDEX[f"share_lost_{j}"]] for j in range(k, 5)))


def this_week(m, column: str) -> float:
    """One column of the weekly table (metrics.COLUMNS), this week."""
    return float(_row(m)[INDEX[column]])


def _mean_wait(m, total: str, count: str, weeks: int = 4) -> float:
    w = _window(m, weeks)
    n = w[:, INDEX[count]].sum()
    return float(w[:, INDEX[total]].sum() / n) if n > 0 else float("nan")


def _hours_per_user(m, q: int, weeks: int = 13) -> float:
    w = _window(m, weeks)
    n = w[:, INDEX[f"follow_up_users_q{q}"]].sum()
    return float(w[:, INDEX[f"follow_up_hours_q{q}"]].sum() / n) if n > 0 else float("nan")


def _col(name: str):
    return lambda m: this_week(m, name)


#: what the charts over time show: reporter name (also the legend label) -> function of the
#: model, collected once per week by a Mesa DataCollector
REPORTERS = {
    "2+ arenas lost (%)": lambda m: share_lost(m, 2),
    "3+ arenas lost (%)": lambda m: share_lost(m, 3),
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


# --------------------------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------------------------


def _with_cap(base: Scenario, cap: int) -> Scenario:
    """Every unit's caseload cap at most ``cap`` (0: the scenario's own caps); a tighter own cap is kept."""
    if cap <= 0:
        return base
    units = tuple(dataclasses.replace(u, caseload_cap=min(u.caseload_cap or cap, cap)) for u in base.office.units)
    return dataclasses.replace(base, office=dataclasses.replace(base.office, units=units))


class DashboardModel(WelfareModel):
    """A :class:`WelfareModel` built from the dashboard's plain settings, with what the views need.

    Args:
        organisation: ``generalist``, ``specialist``, ``target_group_teams`` or ``benefit_lines``
            (scenario files).
        caseworkers: total staff, shared among the office's units in the proportions of the
            scenario file (each unit keeps at least one caseworker).
        caseload_cap: most users per caseworker in every unit; 0 keeps the scenario's own caps.
        duty_share, handoff_delay_weeks, priority_rule, creaming_under_pressure: as in the
            scenario (``caseworkers.duty_share``, ``office.*``).
        citizens: working-age adults in the district (the office keeps ``caseworkers`` staff).
        rng: seed (a whole number, or text: :func:`settings.seed_number`).
        warmup_weeks: weeks simulated before week 0, inside ``__init__``.

    Week k shown is week k of ``WelfareModel(scenario, rng=seed, citizens=..., caseworkers=...,
    warmup_weeks=260)`` (tested): the dashboard adds what it shows, not behaviour.
    """

    def __init__(self, organisation: str = S.DEFAULTS.organisation, caseworkers: int = S.DEFAULTS.caseworkers,
                 caseload_cap: int = S.DEFAULTS.caseload_cap, duty_share: float = S.DEFAULTS.duty_share,
                 handoff_delay_weeks: int = S.DEFAULTS.handoff_delay_weeks,
                 priority_rule: str = S.DEFAULTS.priority_rule,
                 creaming_under_pressure: float = S.DEFAULTS.creaming_under_pressure,
                 citizens: int = S.DEFAULTS.citizens, rng=S.DEFAULTS.seed, warmup_weeks: int = WARMUP_WEEKS):
        base = _with_cap(organisation_scenario(organisation), int(caseload_cap))
        super().__init__(base, rng=S.seed_number(rng), citizens=int(citizens), caseworkers=int(caseworkers),
                         duty_share=float(duty_share), handoff_delay_weeks=int(handoff_delay_weeks),
                         priority_rule=str(priority_rule), creaming_under_pressure=float(creaming_under_pressure),
                         weeks=WEEKS, warmup_weeks=int(warmup_weeks))
        self.organisation = organisation
        self.settings = dict(organisation=organisation, caseworkers=int(caseworkers), caseload_cap=int(caseload_cap),
                             duty_share=float(duty_share), handoff_delay_weeks=int(handoff_delay_weeks),
                             priority_rule=str(priority_rule),
                             creaming_under_pressure=float(creaming_under_pressure), citizens=int(citizens),
                             rng=S.seed_number(rng))
        # the warm-up and week 0, without advancing Mesa's clock: model.time 0 shows week 0
        while self.week <= 0:
            WelfareModel.step(self)
        self.datacollector = DataCollector(model_reporters=REPORTERS)
        self.datacollector.collect(self)
        self.excluded_at_start = self.excluded_shares()
        self.lost_at_start = self.lost_shares()
        self.stories = Stories(self)

    @property
    def shown_week(self) -> int:
        """The week on screen (the last one simulated; equals ``model.time``)."""
        return self.week - 1

    def step(self) -> None:
        super().step()
        self.datacollector.collect(self)
        self.stories.record(self)

    # ---- what the views read ------------------------------------------------------------------
    def series(self, name: str) -> np.ndarray:
        """One reporter (:data:`REPORTERS`) for every week shown so far."""
        return np.asarray(self.datacollector.model_vars[name], dtype=float)

    def excluded_shares(self) -> np.ndarray:
        """Share of citizens who have lost each arena (work, activity, housing, economy)."""
        r = _row(self)
        return np.array([r[INDEX[f"excluded_{a}"]] for a in ARENAS])

    def lost_shares(self) -> np.ndarray:
        """Share of citizens with 0, 1, 2, 3 and 4 arenas lost."""
        r = _row(self)
        return np.array([r[INDEX[f"share_lost_{k}"]] for k in range(5)])

    def drawn(self) -> np.ndarray:
        """Slots of the citizens drawn on the axis: the living ones among :class:`Stories`' watched slots."""
        return self.stories.slots[self.citizens.alive[self.stories.slots]]

    def staff_by_unit(self) -> dict[str, int]:
        counts = np.bincount(unit_of_caseworker(self), minlength=len(unit_names(self)))
        return dict(zip(unit_names(self), counts.tolist(), strict=False))

    def caseworker_unit(self, cw: int) -> str:
        return unit_names(self)[int(unit_of_caseworker(self)[cw])]

    def lost_count(self, slots) -> np.ndarray:
        return (self.citizens.arenas[:, slots] < loss_threshold(self)).sum(axis=0)


# --------------------------------------------------------------------------------------------
# Stories: the watched citizens' last two years
# --------------------------------------------------------------------------------------------


def _slot_hash(slots: np.ndarray, salt: int = 0) -> np.ndarray:
    """A fixed pseudo-random number in [0, 1) per population slot (the splitmix64 finaliser)."""
    z = slots.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15 * (salt + 1) % 2**64)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return (z ^ (z >> np.uint64(31))).astype(np.float64) / 2.0**64


@dataclasses.dataclass
class Story:
    """One person's weeks (oldest first) while they lived in their slot, at most :data:`STORY_WEEKS`."""

    slot: int
    person_id: int
    weeks: np.ndarray          # week numbers
    arenas: np.ndarray         # (weeks, 4) arena scores
    benefit: np.ndarray        # Benefit codes
    employed: np.ndarray
    user: np.ndarray           # office user that week
    session: np.ndarray        # had a follow-up session that week
    caseworkers: np.ndarray    # (weeks, roles) caseworker ids, -1 none
    handoffs: np.ndarray       # the office's hand-off count in the current spell
    here: bool                 # still in the district


class Stories:
    """A rolling record of the watched citizens (a fixed pseudo-random set of population slots,
    about :data:`MAX_POINTS` of them living): one row per week for the last :data:`STORY_WEEKS`
    weeks. Reading it never changes the simulation."""

    def __init__(self, model: DashboardModel, limit: int = MAX_POINTS):
        alive = int(model.citizens.alive.sum())
        self.fraction = min(1.0, limit / max(alive, 1))
        self.capacity = model.citizens.capacity
        self.slots = self._watched(self.capacity)
        w, h = len(self.slots), STORY_WEEKS
        self.week = np.full(h, -1, np.int64)
        self.person = np.full((h, w), -1, np.int64)
        self.arenas = np.zeros((h, 4, w), np.float32)
        self.benefit = np.zeros((h, w), np.int8)
        self.flags = np.zeros((h, w), np.uint8)            # 1 employed, 2 office user, 4 session
        self.cw = np.full((h, len(ROLES), w), -1, np.int16)
        self.handoffs = np.zeros((h, w), np.int16)
        self.n = 0                                          # weeks recorded in all
        self.record(model)

    def _watched(self, capacity: int) -> np.ndarray:
        slots = np.arange(capacity)
        return slots[_slot_hash(slots) < self.fraction]

    def record(self, model: DashboardModel) -> None:
        if model.citizens.capacity != self.capacity:       # the district outgrew its arrays
            self._grow(model.citizens.capacity)
        s, c, i = self.slots, model.citizens, self.n % STORY_WEEKS
        self.week[i] = model.shown_week
        self.person[i] = np.where(c.alive[s], c.person_id[s], -1)
        self.arenas[i] = c.arenas[:, s]
        self.benefit[i] = c.benefit[s]
        self.flags[i] = (c.employed[s].astype(np.uint8) | (office_users(model, s).astype(np.uint8) << 1)
                         | (had_session(model, s).astype(np.uint8) << 2))
        self.cw[i] = caseworker_ids(model, s)
        self.handoffs[i] = handoff_counts(model, s)
        self.n += 1

    def _grow(self, capacity: int) -> None:
        """Watch the new slots too (the old ones keep their records)."""
        new = self._watched(capacity)
        new = new[new >= self.capacity]
        for name in ("person", "benefit", "flags", "handoffs", "arenas", "cw"):
            old = getattr(self, name)
            fill = -1 if name in ("person", "cw") else 0
            extra = np.full(old.shape[:-1] + (len(new),), fill, old.dtype)
            setattr(self, name, np.concatenate([old, extra], axis=-1))
        self.slots = np.concatenate([self.slots, new])
        self.capacity = capacity

    def _order(self) -> np.ndarray:
        """Ring rows, oldest first."""
        k = min(self.n, STORY_WEEKS)
        return (np.arange(self.n - k, self.n)) % STORY_WEEKS

    def column(self, slot: int) -> int | None:
        """The record's column of a watched slot (None if the slot is not watched)."""
        j = int(np.searchsorted(self.slots, slot))   # sorted: slots added on growth are all larger
        return j if j < len(self.slots) and self.slots[j] == slot else None

    def story(self, slot: int) -> Story | None:
        """The story of whoever lives (or last lived) in ``slot``, if it is watched."""
        j = self.column(slot)
        if j is None:
            return None
        rows = self._order()
        person = self.person[rows, j]
        now = person[-1]
        here = now >= 0
        if not here:                       # gone: the story of the last person who lived there
            seen = np.flatnonzero(person >= 0)
            if not len(seen):
                return None
            now = person[seen[-1]]
            rows = rows[:seen[-1] + 1]
            person = person[:seen[-1] + 1]
        differ = np.flatnonzero(person != now)
        rows = rows[differ[-1] + 1:] if len(differ) else rows
        flags = self.flags[rows, j]
        return Story(slot=int(slot), person_id=int(now), weeks=self.week[rows].copy(),
                     arenas=self.arenas[rows, :, j].copy(), benefit=self.benefit[rows, j].copy(),
                     employed=(flags & 1) > 0, user=(flags & 2) > 0, session=(flags & 4) > 0,
                     caseworkers=self.cw[rows, :, j].copy(), handoffs=self.handoffs[rows, j].copy(), here=bool(here))

    def events(self, threshold: float, weeks: int = 26) -> dict[str, np.ndarray]:
        """Watched slots where, in the last ``weeks`` weeks, something happened to the same person:
        ``handed_off``, ``found_work``, ``lost_second_arena``. Most recent first."""
        rows = self._order()[-(weeks + 1):]
        if len(rows) < 2:
            return {kind: np.zeros(0, int) for kind in ("handed_off", "found_work", "lost_second_arena")}
        person = self.person[rows]
        same = (person[1:] == person[:-1]) & (person[1:] >= 0)
        lost = (self.arenas[rows] < threshold).sum(axis=1)
        employed = (self.flags[rows] & 1) > 0
        found = {
            "handed_off": same & (np.diff(self.handoffs[rows].astype(np.int32), axis=0) > 0),
            "found_work": same & employed[1:] & ~employed[:-1],
            "lost_second_arena": same & (lost[1:] >= 2) & (lost[:-1] < 2),
        }
        alive_now = person[-1] >= 0
        out = {}
        for kind, hit in found.items():
            hit = hit & (person[1:] == person[-1]) & alive_now      # still here, the same person
            last = np.where(hit.any(axis=0), hit.shape[0] - 1 - np.argmax(hit[::-1], axis=0), -1)
            cols = np.flatnonzero(last >= 0)
            cols = cols[np.argsort(-last[cols], kind="stable")]
            out[kind] = self.slots[cols]
        return out


INTERESTING = {
    "handed_off": "someone handed off",
    "found_work": "someone who found work",
    "lost_second_arena": "someone who lost a second arena",
}


def interesting_people(model: DashboardModel, weeks: int = 26) -> dict[str, int | None]:
    """One drawn citizen per kind of event in :data:`INTERESTING` (the most recent), or None."""
    found = model.stories.events(loss_threshold(model), weeks)
    return {kind: (int(found[kind][0]) if len(found[kind]) else None) for kind in INTERESTING}


def first_person(model: DashboardModel) -> int | None:
    """Whom to follow at the start: someone recently handed off, else an office user under 60
    with 1-3 arenas lost, else any office user, else anyone drawn (so the person stays a while)."""
    people = interesting_people(model)
    if people["handed_off"] is not None:
        return people["handed_off"]
    s = model.drawn()
    if not len(s):
        return None
    c = model.citizens
    lost = model.lost_count(s)
    user = office_users(model, s) & (c.benefit[s] != Benefit.DISABILITY_BENEFIT)
    for mask in (user & (lost >= 1) & (lost <= 3) & (c.age[s] < 60), user & (c.age[s] < 60), user):
        if mask.any():
            return int(s[np.flatnonzero(mask)[0]])
    return int(s[0])


# --------------------------------------------------------------------------------------------
# The lesson: the office on screen, and a second one to compare
# --------------------------------------------------------------------------------------------


class Lesson:
    """What one browser session shows: the office built from ``settings`` and, when
    ``settings.compare_with`` names one, a second office with the same settings, seed and
    initial people, stepping with it. ``lock`` is held while stepping and while drawing."""

    def __init__(self, settings: S.Settings, warmup_weeks: int = WARMUP_WEEKS):
        self.settings = settings
        self.lock = threading.RLock()
        self.main = DashboardModel(**settings.model_settings(), warmup_weeks=warmup_weeks)
        self.other = (DashboardModel(**settings.model_settings(settings.compare_with), warmup_weeks=warmup_weeks)
                      if settings.compare_with != "none" else None)
        self.followed = first_person(self.main)

    @property
    def week(self) -> int:
        return self.main.shown_week

    @property
    def models(self) -> list[DashboardModel]:
        return [m for m in (self.main, self.other) if m is not None]

    def step(self, weeks: int = 1) -> None:
        with self.lock:
            for _ in range(weeks):
                for m in self.models:
                    if m.running:
                        m.step()

    @property
    def running(self) -> bool:
        return all(m.running for m in self.models)

    def follow(self, slot: int | None) -> None:
        self.followed = None if slot is None else int(slot)

    def story(self) -> Story | None:
        return None if self.followed is None else self.main.stories.story(self.followed)
