"""Crowding out: how a caseworker's week is filled, mandatory work first.

Every caseworker works down a queue in a fixed order of classes: intake, then the rule work
that "prioritises itself" (benefit decisions with deadlines, renewals, work-ability assessments,
dialogue meetings, hand-off coordination; 001:330-337, 000:6998-7002, 003:984-999), then due
follow-up sessions, then, with hours to spare, sessions brought forward. Follow-up gets what
the rule work leaves: when applications rise, follow-up falls (000:6976-7024, 001:334-337).
Allocation is one compiled pass over all caseworkers' items (a counting sort by caseworker and
class, then by key), :func:`simulation.kernels.office.allocate_hours`.
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
             budget: np.ndarray, workspace=None) -> np.ndarray:
    """Which work items each caseworker gets done this week.

    Items are ordered per caseworker by class (lower first), then key (lower first). A
    caseworker works down the list until the next item no longer fits the hours left, and
    stops there: strict priority, so a long decision is never skipped for a short session.
    Returns a boolean mask over the items. ``workspace``: the office's scratch arrays, if any.
    """
    from ..kernels.office import allocate_hours  # numba only where used (command-line start-up)

    order = np.empty(len(cw), np.int64) if workspace is None else workspace.array("order", len(cw), np.int64)
    return allocate_hours(cw, klass, key, hours, budget, len(Priority), order)


def cover(cw: np.ndarray, klass: np.ndarray, key: np.ndarray, hours: np.ndarray, done: np.ndarray,
          budget: np.ndarray, group_of_cw: np.ndarray, helps_group: np.ndarray, cover_share: float,
          workspace=None) -> tuple[np.ndarray, int]:
    """Colleagues with spare hours take on others' undone items (not early sessions).

    ``group_of_cw``: each caseworker's cover group (the line of their unit, or one group for the
    whole office); ``helps_group``: (caseworkers, groups) who may cover which group. Each helper
    gives at most ``cover_share`` of their spare hours. Within a group, the backlog (by class, then
    key) goes to the helpers with the most spare hours first, each item whole to one helper (an
    item that would straddle two helpers' hours is left undone, so no helper works beyond their
    budget). Returns the caseworker who does each item (the original one, a helper, or -1 if
    nobody does it; items done are those >= 0), and the number of items covered. One compiled
    pass, :func:`simulation.kernels.office.cover_backlogs`; ``workspace``: the office's scratch
    arrays, if any.
    """
    from ..kernels.office import cover_backlogs  # numba only where used (command-line start-up)

    n = len(cw)
    space = workspace
    doer = np.empty(n, np.int64) if space is None else space.array("doer", n, np.int64)
    scratch = np.empty(2 * n, np.int64) if space is None else space.array("cover", 2 * n, np.int64)
    covered = cover_backlogs(cw, klass, key, hours, done, budget, group_of_cw, helps_group, cover_share,
                             int(Priority.DUE_FOLLOW_UP), doer, scratch)
    return doer, covered
