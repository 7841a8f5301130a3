"""The office's staff as arrays over caseworkers: unit, experience and competence, hours,
caseload, strain, sick leave and vacancies.

Competence is learnt, not set (002:4939-4941): each caseworker's experience of a task grows
with the hours spent on it and fades without practice, and competence rises with experience
from ``competence_floor`` toward ``competence_ceiling``. A caseworker who does one task a lot
becomes good at it; one who does four is broader and shallower. Strain is a moving average
of overload (hours asked over hours there, above 1); it raises sick leave and the chance of
leaving. A post left empty stays vacant for ``vacancy_weeks``; the newcomer starts without
experience (002:8304-8306, 002:4983-4985).
"""

from __future__ import annotations

import numpy as np

from ..scenario import Scenario
from ..vocabulary import TASKS, Activity, Task, WEEKS_PER_YEAR

#: casework hours in a year of experience (starting experience is given in years)
CASEWORK_HOURS_PER_YEAR = 1000.0
NOT_YET = -(10**6)


class Staff:
    """Arrays over caseworkers (one row per post)."""

    def __init__(self, s: Scenario, rng: np.random.Generator):
        units = s.office.units
        self.s = s
        self.unit: np.ndarray = np.repeat(np.arange(len(units)), [u.staff for u in units]).astype(np.int32)
        n = len(self.unit)
        self.unit_start: np.ndarray = np.concatenate([[0], np.cumsum([u.staff for u in units])]).astype(np.int64)
        cw = s.caseworkers
        share = np.array([u.social_worker_share if u.social_worker_share >= 0 else cw.social_worker_share
                          for u in units])[self.unit]
        self.social_worker: np.ndarray = rng.random(n) < share
        # experience (hours) of each task: the unit's staff have spread their years over its tasks
        self.experience: np.ndarray = np.zeros((n, len(TASKS)))
        for k, u in enumerate(units):
            rows = self.unit == k
            for t, task in enumerate(TASKS):
                if task in u.tasks:
                    self.experience[rows, t] = u.experience_years * CASEWORK_HOURS_PER_YEAR / len(u.tasks)
        self.contract_hours: np.ndarray = np.full(n, cw.hours_per_week)
        self.caseload: np.ndarray = np.zeros(n, dtype=np.int64)
        self.pressure: np.ndarray = np.ones(n)        # hours asked of each caseworker / hours they have
        self.strain: np.ndarray = np.zeros(n)
        self.sick_until: np.ndarray = np.full(n, NOT_YET, dtype=np.int64)
        self.vacant_until: np.ndarray = np.full(n, NOT_YET, dtype=np.int64)
        self.task_types: np.ndarray = np.ones(n)      # task types worked on last week
        self.hours_by_activity: np.ndarray = np.zeros((n, len(Activity)))
        self.productivity: float = 1.0                 # below 1 during a reorganisation's transition
        self.leavers = 0                               # this week
        self.left: np.ndarray = np.zeros(n, dtype=bool)   # posts whose holder left this week
        self.week_budget(-1)

    def __len__(self) -> int:
        return len(self.unit)

    @property
    def competence(self) -> np.ndarray:
        """(caseworkers, tasks): learnt competence, plus training for social workers in the
        tasks that draw on it (housing and social follow-up, social-assistance decisions)."""
        cw = self.s.caseworkers
        learnt = 1.0 - np.exp(-self.experience / cw.learning_hours)
        comp = cw.competence_floor + (cw.competence_ceiling - cw.competence_floor) * learnt
        comp[:, (Task.ECONOMIC, Task.HOUSING_SOCIAL)] += cw.social_worker_bonus * self.social_worker[:, None]
        return np.clip(comp, 0.0, 1.0)

    def present(self, week: int) -> np.ndarray:
        return (self.sick_until <= week) & (self.vacant_until <= week)

    def week_budget(self, week: int) -> None:
        """Hours there this week: contract hours less holidays, sick leave and vacancies; less
        duties; less the time lost switching between task types; less a transition's loss."""
        cw = self.s.caseworkers
        here = self.present(week)
        self.absent_hours: np.ndarray = np.where(here, self.contract_hours * cw.holiday_share, self.contract_hours)
        at_work = self.contract_hours - self.absent_hours
        self.duty_hours: np.ndarray = at_work * cw.duty_share
        self.switch_hours: np.ndarray = np.where(here, cw.task_switch_hours * np.maximum(self.task_types - 1, 0), 0.0)
        casework = np.maximum(at_work - self.duty_hours - self.switch_hours, 0.0)
        self.budget: np.ndarray = casework * self.productivity

    def wear(self, week: int, rng: np.random.Generator) -> None:
        """Strain builds from overload; it raises sick leave and leaving. Leavers' posts stay
        vacant, then a newcomer without experience takes the post (and its caseload)."""
        cw = self.s.caseworkers
        overload = np.maximum(self.pressure - 1.0, 0.0)
        self.strain += (overload - self.strain) / cw.strain_weeks
        here = self.present(week)
        n = len(self)
        u = rng.random(n)
        sick = here & (u < cw.sick_leave_per_week * (1.0 + cw.strain_sick_leave_factor * self.strain))
        spell = rng.geometric(1.0 / cw.sick_leave_weeks, n)
        self.sick_until = np.where(sick, week + spell, self.sick_until)
        leave = here & ~sick & (rng.random(n) < cw.turnover_per_year / WEEKS_PER_YEAR
                                * (1.0 + cw.strain_turnover_factor * self.strain))
        self.leavers = int(leave.sum())
        self.left = leave
        self.vacant_until = np.where(leave, week + cw.vacancy_weeks, self.vacant_until)
        # the newcomer arrives with no experience and no strain
        self.experience[leave] = 0.0
        self.strain[leave] = 0.0

    def learn(self, task_hours: np.ndarray) -> None:
        """A week of practice: ``task_hours`` (caseworkers, tasks) of casework done per task."""
        cw = self.s.caseworkers
        self.experience *= 1.0 - cw.forgetting_per_year / WEEKS_PER_YEAR
        self.experience += task_hours
        self.task_types = np.maximum((task_hours > 0).sum(axis=1), 1)
