"""Caseworkers: Mesa agents with limited hours, and the weekly allocation of those hours.

Every caseworker has contract hours, loses a share to duties (reception shifts, phone duty,
reporting; 002:2361-2379, 002:1688-1700) and spends the rest on a queue of work items in a
fixed order of classes: intake first, then benefit decisions and hand-off coordination
(mandatory work that "prioritises itself", 001:330-337, 000:6998-7002, 003:992-999), then
follow-up sessions in the order of the office's priority rule. Allocation is vectorised over
all caseworkers at once: one sort, one cumulative sum, one comparison with the budget.

The caseworker objects are Mesa agents so a class or a notebook can inspect one
(``model.caseworkers``); their numbers live in arrays owned by :class:`Staff`.
"""

from __future__ import annotations

from enum import IntEnum

import mesa
import numpy as np

from .scenario import TASKS, Scenario

INTAKE, ECONOMIC, WORK_TASK, HOUSING_SOCIAL = range(4)


class Activity(IntEnum):
    """What caseworker hours are spent on (the columns of the time-use table)."""

    INTAKE = 0
    DECISIONS = 1
    COORDINATION = 2
    FOLLOW_UP = 3
    DUTIES = 4
    IDLE = 5


ACTIVITY_NAMES = tuple(a.name.lower() for a in Activity)


class Caseworker(mesa.Agent):
    """One caseworker: a unit, competence in each task, and a trained-social-worker flag."""

    def __init__(self, model, index: int, unit: str):
        super().__init__(model)
        self.index = index
        self.unit = unit

    @property
    def staff(self) -> "Staff":
        return self.model.office.staff

    @property
    def competence(self) -> dict[str, float]:
        return dict(zip(TASKS, self.staff.competence[self.index].round(3).tolist()))

    @property
    def social_worker(self) -> bool:
        return bool(self.staff.social_worker[self.index])

    @property
    def caseload(self) -> int:
        """Users currently assigned to this caseworker for any task but intake."""
        return int(self.staff.caseload[self.index])

    @property
    def hours_last_week(self) -> dict[str, float]:
        return dict(zip(ACTIVITY_NAMES, self.staff.hours_by_activity[self.index].round(2).tolist()))

    def __repr__(self) -> str:
        return f"Caseworker(#{self.index}, unit={self.unit!r}, caseload={self.caseload})"


class Staff:
    """Arrays over caseworkers: unit, competence, budget, caseload and last week's hours."""

    def __init__(self, s: Scenario, rng: np.random.Generator):
        units = s.office.units
        self.unit = np.repeat(np.arange(len(units)), [u.staff for u in units]).astype(np.int32)
        n = len(self.unit)
        self.unit_start = np.concatenate([[0], np.cumsum([u.staff for u in units])]).astype(np.int64)
        cw = s.caseworkers
        self.social_worker = rng.random(n) < cw.social_worker_share
        # competence: the unit's level in the tasks it does, a general floor elsewhere
        comp = np.full((n, len(TASKS)), 0.3)
        for k, u in enumerate(units):
            rows = self.unit == k
            for t, task in enumerate(TASKS):
                if task in u.tasks:
                    comp[rows, t] = u.competence
        comp[self.social_worker, HOUSING_SOCIAL] += cw.social_worker_bonus
        self.competence = np.clip(comp, 0.0, 1.0)
        self.contract_hours = np.full(n, cw.hours_per_week)
        self.duty_hours = self.contract_hours * cw.duty_share
        self.budget = self.contract_hours - self.duty_hours
        self.caseload = np.zeros(n, dtype=np.int64)
        self.pressure = np.zeros(n)          # hours asked of each caseworker / hours they have
        self.hours_by_activity = np.zeros((n, len(Activity)))

    def __len__(self) -> int:
        return len(self.unit)


def allocate(cw: np.ndarray, klass: np.ndarray, key: np.ndarray, hours: np.ndarray,
             budget: np.ndarray) -> np.ndarray:
    """Which work items each caseworker gets done this week.

    Items are ordered per caseworker by class (lower first), then key (lower first). A
    caseworker works down the list until the next item no longer fits the hours left, and
    stops there: strict priority, so a long decision is never skipped for a short session.
    Returns a boolean mask over the items.
    """
    if len(cw) == 0:
        return np.zeros(0, dtype=bool)
    order = np.lexsort((key, klass, cw))
    c = cw[order]
    h = hours[order]
    cum = np.cumsum(h)
    first = np.searchsorted(c, c, side="left")          # index of each caseworker's first item
    before = cum[first] - h[first]                       # hours used by earlier caseworkers
    # hours are non-negative, so within a caseworker this is a prefix: strict priority
    done_sorted = (cum - before) <= budget[c] + 1e-9
    done = np.empty_like(done_sorted)
    done[order] = done_sorted
    return done
