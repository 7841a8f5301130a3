"""Caseworkers as Mesa agents, so a class or a notebook can inspect one (``model.caseworkers``).

Their numbers live in arrays owned by :class:`simulation.office.staff.Staff`; the weekly
allocation of their hours is :func:`simulation.office.crowding_out.allocate`.
"""

from __future__ import annotations

import mesa

from .vocabulary import ACTIVITY_NAMES, TASKS, Activity

__all__ = ["ACTIVITY_NAMES", "Activity", "Caseworker"]


class Caseworker(mesa.Agent):
    """One caseworker: a unit, competence in each task, and a trained-social-worker flag."""

    def __init__(self, model, index: int, unit: str):
        super().__init__(model)
        self.index = index
        self.unit = unit

    @property
    def staff(self):
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
