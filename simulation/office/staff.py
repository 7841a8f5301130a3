"""The office's staff as arrays over caseworkers: unit, competence, hours, caseload."""

from __future__ import annotations

import numpy as np

from ..scenario import Scenario
from ..vocabulary import TASKS, Activity, Task


class Staff:
    """Arrays over caseworkers: unit, competence, budget, caseload, pressure and last week's hours."""

    def __init__(self, s: Scenario, rng: np.random.Generator):
        units = s.office.units
        self.unit: np.ndarray = np.repeat(np.arange(len(units)), [u.staff for u in units]).astype(np.int32)
        n = len(self.unit)
        self.unit_start: np.ndarray = np.concatenate([[0], np.cumsum([u.staff for u in units])]).astype(np.int64)
        cw = s.caseworkers
        self.social_worker: np.ndarray = rng.random(n) < cw.social_worker_share
        # competence: the unit's level in the tasks it does, a general floor elsewhere
        comp = np.full((n, len(TASKS)), 0.3)
        for k, u in enumerate(units):
            rows = self.unit == k
            for t, task in enumerate(TASKS):
                if task in u.tasks:
                    comp[rows, t] = u.competence
        comp[self.social_worker, Task.HOUSING_SOCIAL] += cw.social_worker_bonus
        self.competence: np.ndarray = np.clip(comp, 0.0, 1.0)
        self.contract_hours: np.ndarray = np.full(n, cw.hours_per_week)
        # hours at work: contract hours less holidays and sick leave; duties take a share of those
        self.absent_hours: np.ndarray = self.contract_hours * cw.absence_share
        self.duty_hours: np.ndarray = (self.contract_hours - self.absent_hours) * cw.duty_share
        self.budget: np.ndarray = self.contract_hours - self.absent_hours - self.duty_hours
        self.caseload: np.ndarray = np.zeros(n, dtype=np.int64)
        self.pressure: np.ndarray = np.ones(n)        # hours asked of each caseworker / hours they have
        self.hours_by_activity: np.ndarray = np.zeros((n, len(Activity)))

    def __len__(self) -> int:
        return len(self.unit)
