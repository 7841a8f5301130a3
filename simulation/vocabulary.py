"""The model's vocabulary in one place: arenas, benefits, need levels, tasks, time use, calendar.

Every table indexed by one of these enums is built from a mapping keyed by its members
(:func:`by_member`), never from a list whose order must silently match the enum's.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import IntEnum

import numpy as np

WEEKS_PER_YEAR = 52
#: a calendar month in weeks (52 / 12); months are counted as SSB counts them (any receipt in a month)
WEEKS_PER_MONTH = WEEKS_PER_YEAR / 12


def month_of_year(week: int) -> int:
    """Calendar month (0-11) of a simulated week, counting 52-week years from week 0."""
    return (week % WEEKS_PER_YEAR) * 12 // WEEKS_PER_YEAR


class Arena(IntEnum):
    """The four arenas for inclusion (004:190-197, 004:2353-2460); rows of ``Citizens.arenas``."""

    WORK = 0
    ACTIVITY = 1
    HOUSING = 2
    ECONOMY = 3


ARENAS = tuple(a.name.lower() for a in Arena)


class Benefit(IntEnum):
    """A citizen's main income status, one at a time (social assistance on top of a wage or a
    state benefit is the separate flag ``Citizens.sa_top_up``).

    SOCIAL_ASSISTANCE is social assistance as the main income: no wage and no state benefit.
    EARLY_PENSION is contractual early retirement (AFP) from 62: out of work, not a NAV user.
    """

    NONE = 0
    UNEMPLOYMENT_BENEFIT = 1
    SICK_PAY = 2
    WORK_ASSESSMENT_ALLOWANCE = 3
    SOCIAL_ASSISTANCE = 4
    QUALIFICATION_PROGRAMME = 5
    DISABILITY_BENEFIT = 6
    EARLY_PENSION = 7


BENEFIT_NAMES = tuple(b.name.lower() for b in Benefit)


class NeedLevel(IntEnum):
    """Need for follow-up after the NAV Act §14a assessment (004:1365-1385)."""

    NOT_ASSESSED = 0
    STANDARD = 1
    SITUATIONAL = 2
    SPECIAL = 3
    PERMANENT = 4


class Task(IntEnum):
    """What a unit can do for a user; a user has at most one caseworker per task."""

    INTAKE = 0
    ECONOMIC = 1          # social-assistance decisions and renewals
    WORK = 2              # work follow-up: jobseekers, sick leave, AAP, qualification programme
    HOUSING_SOCIAL = 3    # housing and social follow-up (municipal)


TASKS = tuple(t.name.lower() for t in Task)


class Activity(IntEnum):
    """What caseworker hours are spent on (the columns of the time-use table)."""

    INTAKE = 0
    DECISIONS = 1         # social-assistance decisions and renewals, work-ability assessments
    COORDINATION = 2      # hand-offs between caseworkers
    FOLLOW_UP = 3         # sessions, dialogue meetings
    DOCUMENTATION = 4     # case notes and letters for every item above
    SWITCHING = 5         # time lost switching between task types
    DUTIES = 6            # reception and phone duty, meetings, reporting
    ABSENCE = 7           # holidays, staff sick leave and vacant posts
    IDLE = 8


ACTIVITY_NAMES = tuple(a.name.lower() for a in Activity)

#: the three office archetypes and the pre-reform split (scenario files of the same names)
ORGANISATIONS = ("generalist", "specialist", "target_group_teams", "benefit_lines")
#: the three archetypes compared throughout (validation, notebooks, the demo)
ARCHETYPES = ORGANISATIONS[:3]
#: the root seed from which batches (compare, validate, the AFI offices) derive their run seeds
DEFAULT_ROOT_SEED = 20261122


def by_member(enum: type[IntEnum], values: Mapping, default=0.0, dtype=np.float64) -> np.ndarray:
    """An array indexed by ``enum`` codes, filled from ``{member: value}``; others get ``default``."""
    unknown = set(values) - set(enum)
    if unknown:
        raise KeyError(f"not members of {enum.__name__}: {sorted(unknown)}")
    out = np.full(len(enum), default, dtype=dtype)
    for member, value in values.items():
        out[int(member)] = value
    return out
