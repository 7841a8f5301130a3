"""Crowding out: how a caseworker's week is filled, mandatory work first.

Every caseworker works down a queue in a fixed order of classes: intake, then the rule work
that "prioritises itself" (benefit decisions with deadlines, renewals, work-ability assessments,
dialogue meetings, hand-off coordination; 001:330-337, 000:6998-7002, 003:984-999), then due
follow-up sessions, then, with hours to spare, sessions brought forward. Follow-up gets what
the rule work leaves: when applications rise, follow-up falls (000:6976-7024, 001:334-337).
Allocation is vectorised over all caseworkers at once: one sort, one cumulative sum.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np


class Priority(IntEnum):
    """Classes of work, done in this order by every caseworker."""

    INTAKE = 0
    RULE_WORK = 1
    DUE_FOLLOW_UP = 2
    EARLY_FOLLOW_UP = 3


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
