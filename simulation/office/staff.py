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
from ..vocabulary import TASKS, WEEKS_PER_YEAR, Activity, Task

#: casework hours in a year of experience (starting experience is given in years)
CASEWORK_HOURS_PER_YEAR = 1000.0
NOT_YET = -(10**6)
#: the tasks a social worker's training helps with: social-assistance decisions, housing and social follow-up
_SOCIAL_WORK_TASKS = np.array([Task.ECONOMIC, Task.HOUSING_SOCIAL])


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
        # this week's hours (week_budget): absent, duties, switching between task types, casework
        self.absent_hours: np.ndarray = np.zeros(n)
        self.duty_hours: np.ndarray = np.zeros(n)
        self.switch_hours: np.ndarray = np.zeros(n)
        self.budget: np.ndarray = np.zeros(n)
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
        comp[:, _SOCIAL_WORK_TASKS] += cw.social_worker_bonus * self.social_worker[:, None]
        return np.minimum(np.maximum(comp, 0.0, out=comp), 1.0, out=comp)   # (np.clip's wrapper costs more, weekly)

    def present(self, week: int) -> np.ndarray:
        return (self.sick_until <= week) & (self.vacant_until <= week)

    def week_budget(self, week: int) -> None:
        """Hours there this week: contract hours less holidays, sick leave and vacancies; less
        duties; less the time lost switching between task types; less a transition's loss
        (:func:`simulation.kernels.staff.hours_there`)."""
        from ..kernels.staff import hours_there  # numba only where used (command-line start-up)

        cw = self.s.caseworkers
        hours_there(week, self.contract_hours, self.sick_until, self.vacant_until, self.task_types, cw.holiday_share,
                    cw.duty_share, cw.task_switch_hours, self.productivity, self.absent_hours, self.duty_hours,
                    self.switch_hours, self.budget)

    def wear(self, week: int, rng: np.random.Generator) -> None:
        """Strain builds from overload; it raises sick leave and leaving. Leavers' posts stay
        vacant, then a newcomer without experience takes the post (and its caseload)
        (:func:`simulation.kernels.staff.wear`)."""
        from ..kernels.staff import wear  # numba only where used (command-line start-up)

        cw = self.s.caseworkers
        n = len(self)
        sick_draw = rng.random(n)
        spell = rng.geometric(1.0 / cw.sick_leave_weeks, n)
        leave_draw = rng.random(n)
        self.leavers = wear(week, self.pressure, self.strain, self.sick_until, self.vacant_until, self.experience,
                            self.left, sick_draw, spell, leave_draw, cw.strain_weeks, cw.sick_leave_per_week,
                            cw.strain_sick_leave_factor, cw.turnover_per_year / WEEKS_PER_YEAR,
                            cw.strain_turnover_factor, cw.vacancy_weeks)

    def learn(self, task_hours: np.ndarray) -> None:
        """A week of practice: ``task_hours`` (caseworkers, tasks) of casework done per task."""
        cw = self.s.caseworkers
        self.experience *= 1.0 - cw.forgetting_per_year / WEEKS_PER_YEAR
        self.experience += task_hours
        self.task_types = np.maximum((task_hours > 0).sum(axis=1), 1)
