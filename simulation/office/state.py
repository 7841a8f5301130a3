"""The office's declared state: what it knows of each citizen (:class:`UserState`, arrays over
population slots) and what it did in a week (:class:`OfficeWeek`)."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field, fields

import numpy as np

from ..vocabulary import Activity, Benefit, Task, by_member

NEVER = -(10**6)
RELEASE_REASONS = ("employed", "need_ended", "disability", "moved_or_aged_out")
# who pays a user's benefit: the state (NAV's state side), the municipality (social assistance and
# the qualification programme), or nobody yet; the lines a specialist office splits (002:8040-8051)
BENEFIT_GROUPS = ("state", "municipal", "no_benefit")
BENEFIT_GROUP = by_member(Benefit, {Benefit.NONE: 2, Benefit.SOCIAL_ASSISTANCE: 1,
                                    Benefit.QUALIFICATION_PROGRAMME: 1, Benefit.EARLY_PENSION: 2},
                          default=0, dtype=np.int64)
#: follow-up tasks: rows of the per-task appointment arrays
FOLLOW_UP_TASKS = (Task.WORK, Task.HOUSING_SOCIAL)


def column(dtype, fill=0, rows: int = 0):
    """Declare one per-citizen array (``rows`` > 0: a (rows, capacity) array)."""
    return field(default=None, metadata={"dtype": dtype, "fill": fill, "rows": rows})


@dataclass(eq=False)
class UserState:
    """What the office knows of every population slot."""

    registered: np.ndarray = column(bool, False)        # a user of the office (after intake)
    intake_due: np.ndarray = column(bool, False)
    intake_week: np.ndarray = column(np.int32, 0)
    need_level: np.ndarray = column(np.int8, 0)          # NeedLevel
    failures: np.ndarray = column(np.int16, 0)           # sessions in a row without progress
    parked_until: np.ndarray = column(np.int32, NEVER)   # no sessions before this week (003:593-605)
    last_position: np.ndarray = column(np.float64, 0.0)
    had_session: np.ndarray = column(bool, False)
    blocked_until: np.ndarray = column(np.int32, NEVER)  # in transit or lost at a hand-off
    handoffs: np.ndarray = column(np.int16, 0)           # in the current office spell
    contact_points: np.ndarray = column(np.int16, 0)     # caseworkers met in the current office spell
    sa_pending: np.ndarray = column(bool, False)         # a social-assistance application awaits decision
    sa_applied: np.ndarray = column(np.int32, 0)
    next_renewal: np.ndarray = column(np.int32, 0)       # the current decision period ends
    dialogue_held: np.ndarray = column(bool, False)      # sick leave: the dialogue meeting is held
    lost_total: np.ndarray = column(np.int16, 0)
    sessions_week: np.ndarray = column(np.int16, 0)      # sessions received this week (the panel reads it)
    hours_week: np.ndarray = column(np.float32, 0.0)     # follow-up hours received this week
    cw: np.ndarray = column(np.int32, -1, rows=len(Task))              # caseworker per task, -1 none
    last_session: np.ndarray = column(np.int32, NEVER, rows=len(FOLLOW_UP_TASKS))
    sessions_same: np.ndarray = column(np.int16, 0, rows=len(FOLLOW_UP_TASKS))   # contacts with the current caseworker
    reassess: np.ndarray = column(bool, False, rows=len(FOLLOW_UP_TASKS))   # a new caseworker must read the case

    @classmethod
    def empty(cls, capacity: int) -> UserState:
        u = cls()
        for f in _columns():
            shape = (f.metadata["rows"], capacity) if f.metadata["rows"] else capacity
            setattr(u, f.name, np.full(shape, f.metadata["fill"], dtype=f.metadata["dtype"]))
        return u

    def grow(self, extra: int) -> None:
        for f in _columns():
            old = getattr(self, f.name)
            shape = (f.metadata["rows"], extra) if f.metadata["rows"] else extra
            setattr(self, f.name, np.concatenate([old, np.full(shape, f.metadata["fill"], old.dtype)], axis=-1))

    def reset(self, idx: np.ndarray) -> None:
        """Forget slots ``idx`` (they moved away or aged out)."""
        for name, fill, rows in _empty_values():
            if rows:
                getattr(self, name)[:, idx] = fill
            else:                       # (``[..., idx]`` would cost five times as much, weekly)
                getattr(self, name)[idx] = fill

    def end_spell(self, idx: np.ndarray) -> None:
        """End the office spell of ``idx``: the user is no longer registered."""
        self.registered[idx] = False
        for name in ("need_level", "failures", "handoffs", "contact_points", "had_session", "dialogue_held"):
            getattr(self, name)[idx] = 0
        self.parked_until[idx] = NEVER
        self.last_session[:, idx] = NEVER


@functools.cache
def _columns():
    """The declared columns (found once)."""
    return tuple(f for f in fields(UserState) if "dtype" in f.metadata)


@functools.cache
def _empty_values():
    """(name, empty value, rows) of each declared column, for ``reset`` each week."""
    return tuple((f.name, f.metadata["fill"], f.metadata["rows"]) for f in _columns())


@dataclass
class OfficeWeek:
    """What the office did this week (read by metrics.py)."""

    hours: np.ndarray = field(default_factory=lambda: np.zeros(len(Activity)))   # by Activity
    releases: np.ndarray = field(default_factory=lambda: np.zeros(len(RELEASE_REASONS), np.int64))
    new_users: int = 0
    assignments: int = 0                               # (user, task) assignments, tasks but intake
    handoffs: int = 0
    lost_in_handoff: int = 0
    intakes: int = 0
    decisions: int = 0
    renewals: int = 0
    sa_stopped: int = 0                                # decisions that ended social assistance
    assessments: int = 0
    dialogue_meetings: int = 0
    sessions: np.ndarray = field(default_factory=lambda: np.zeros(len(FOLLOW_UP_TASKS), np.int64))
    slipped_sessions: int = 0                          # due sessions not held this week
    early_sessions: int = 0                            # sessions held before their norm (hours to spare)
    parked: int = 0                                    # users parked this week
    decision_wait_weeks: float = 0.0                   # summed over decisions made
    decision_period_weeks: float = 0.0                 # summed over decisions and renewals
    first_follow_up_wait_weeks: float = 0.0            # summed over first sessions
    first_follow_ups: int = 0
    ended_spells: int = 0                              # office spells (registrations) ended
    ended_contact_points: int = 0
    ended_handoffs: int = 0
    ended_to_work: int = 0
    ended_to_disability: int = 0
    qualification_starts: int = 0
    covered: int = 0                                   # items done by a colleague covering a backlog
    quintile_hours: np.ndarray = field(default_factory=lambda: np.zeros(5))
    quintile_users: np.ndarray = field(default_factory=lambda: np.zeros(5))
    group_hours: np.ndarray = field(default_factory=lambda: np.zeros(len(BENEFIT_GROUPS)))
    group_users: np.ndarray = field(default_factory=lambda: np.zeros(len(BENEFIT_GROUPS)))
    pressure: float = 0.0                              # demanded / available hours, office-wide


class Workspace:
    """Scratch arrays the week's compiled passes fill, reused from week to week.

    Fresh arrays of the pool's size each week would cost more than the passes that fill them
    (the allocator hands large blocks back to the system, and the memory is faulted in anew).
    Not state: nothing in them outlives the step that fills them.
    """

    def __init__(self) -> None:
        self._buffers: dict[str, np.ndarray] = {}

    def array(self, name: str, shape: int | tuple[int, ...], dtype) -> np.ndarray:
        """A scratch array ``name`` of ``shape`` (contents undefined), grown with room to spare."""
        n = shape if isinstance(shape, int) else math.prod(shape)
        buf = self._buffers.get(name)
        if buf is None or buf.dtype != dtype or len(buf) < n:
            buf = self._buffers[name] = np.empty(n + n // 4 + 64, dtype=dtype)
        return buf[:n].reshape(shape)
