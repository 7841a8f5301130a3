"""The welfare office, one module per submodel of docs/ODD.md:

* ``office.py``: the week in order (needs, releases, assignments, work, effects, census);
* ``handoffs.py``: routing users to units and caseworkers, caps, hand-offs;
* ``work.py``: the week's work items and the appointment book (norms that slip and tighten);
* ``creaming.py``: the order of due sessions, pulled toward those closest to work under pressure;
* ``crowding_out.py``: the allocation of hours, rule work before follow-up;
* ``sessions.py``: decisions, assessments, dialogue meetings and what sessions change;
* ``census.py``: follow-up hours by marginalisation quintile and benefit group;
* ``state.py`` and ``staff.py``: the declared state.
"""

from .crowding_out import allocate
from .office import Office
from .state import BENEFIT_GROUPS, RELEASE_REASONS, OfficeWeek, UserState

__all__ = ["BENEFIT_GROUPS", "RELEASE_REASONS", "Office", "OfficeWeek", "UserState", "allocate"]
