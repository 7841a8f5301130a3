"""The follow-up census: hours and users needing follow-up, by marginalisation quintile (the
creaming index) and by benefit group (state, municipal, none: equal follow-up, 002:8040-8051)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..population import Citizens
from .state import BENEFIT_GROUP, BENEFIT_GROUPS, OfficeWeek
from .work import FOLLOW_UP_KINDS, WorkItems, WorkKind

if TYPE_CHECKING:
    from .office import Needs

#: a flag per WorkKind: the kinds whose hours count as follow-up
IS_FOLLOW_UP = np.isin(np.arange(len(WorkKind)), FOLLOW_UP_KINDS)


def follow_up_census(office, c: Citizens, pool: np.ndarray, need: Needs, items: WorkItems,
                     done: np.ndarray, wk: OfficeWeek) -> None:
    """Registered users who need follow-up (work, or housing and social: ``need`` of ``pool``),
    ranked by position into quintiles (0 = most marginalised) and split by benefit group, and the
    hours of follow-up done for them this week: one compiled pass over the office's users
    (:func:`simulation.kernels.office.follow_up_census`)."""
    from ..kernels.office import follow_up_census as census  # numba only where used (command-line start-up)

    space, m = office.workspace, len(pool)
    q_users, g_users, q_hours, g_hours = census(pool, need.users, need.work, need.housing_social,
                                                office.users.registered, c.arenas, c.benefit,
                                                BENEFIT_GROUP, len(BENEFIT_GROUPS), items.who, items.kind,
                                                items.hours, done, IS_FOLLOW_UP,
                                                space.array("census", 4 * m, np.int64),
                                                space.array("census_float", 2 * m, np.float64),
                                                space.array("census_user_of", len(c.alive), np.int64))
    wk.quintile_users += q_users
    wk.group_users += g_users
    wk.quintile_hours += q_hours
    wk.group_hours += g_hours
