"""The follow-up census: hours and users needing follow-up, by marginalisation quintile (the
creaming index) and by benefit group (state, municipal, none: equal follow-up, 002:8040-8051)."""

from __future__ import annotations

import numpy as np

from ..population import Citizens
from .state import BENEFIT_GROUP, BENEFIT_GROUPS, OfficeWeek
from .work import FOLLOW_UP_KINDS, WorkItems


def follow_up_census(office, c: Citizens, pool: np.ndarray, needs_follow_up: np.ndarray, items: WorkItems,
                     done: np.ndarray, wk: OfficeWeek) -> None:
    """``needs_follow_up`` is a mask over ``pool``."""
    users = pool[office.users.registered[pool] & needs_follow_up]
    if len(users) < 5:
        return
    pos = c.position(users)
    q = np.empty(len(users), dtype=np.int64)
    q[np.argsort(pos, kind="stable")] = np.arange(len(users)) * 5 // len(users)   # 0 = most marginalised
    g = BENEFIT_GROUP.take(c.benefit[users])
    wk.quintile_users += np.bincount(q, minlength=5)
    wk.group_users += np.bincount(g, minlength=len(BENEFIT_GROUPS))
    sess = done & np.isin(items.kind, FOLLOW_UP_KINDS)
    who = items.who[sess]
    at = np.minimum(np.searchsorted(users, who), len(users) - 1)
    ok = users[at] == who
    h = items.hours[sess][ok]
    wk.quintile_hours += np.bincount(q[at][ok], weights=h, minlength=5)
    wk.group_hours += np.bincount(g[at][ok], weights=h, minlength=len(BENEFIT_GROUPS))
