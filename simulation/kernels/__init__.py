"""Compiled kernels for the hot passes of the weekly step (numba, compiled once and cached on disk).

Each kernel fuses what plain-numpy code did in many passes over arrays of the population's size
into one loop over the slots, and does the same floating-point operations in the same order as
its plain-numpy reference, so the two agree bit for bit (tests/test_kernels.py checks each kernel
against its reference on small inputs). Draws inside kernels come from a counter-based stream
keyed from the run's generator (:mod:`.compile`). numba is imported only when a kernel is first
used, never by the command line's start-up.

Modules are named after the submodel, kernels after the mechanism they implement:

* :mod:`.arenas`: :func:`arena_drift`, the weekly move of the four arenas toward their targets
  (population.drift, a loop the compiler vectorises); :func:`arenas_lost`
  (Citizens.arenas_lost); :func:`contacts_means`, what each citizen sees of their contacts' work
  and activity (population.neighbour_means);
* :mod:`.life_events`: :func:`leaving_and_shocks`, :func:`transitions` and
  :func:`bookkeeping`, a citizen's week outside the office (population.step);
* :mod:`.arrivals`: :func:`~.arrivals.empty_slots`, the slots newcomers take (WelfareModel._free_slots),
  :func:`~.arrivals.arrive`, a person taking an empty slot (population._fill_new), and
  :func:`~.arrivals.newcomers`, a newcomer's status (population.add_newcomers);
* :mod:`.network`: :func:`~.network.watts_strogatz_edges`, each neighbourhood's small world, with
  networkx's edges (network.small_world);
* :mod:`.census`: :func:`population_census` and :func:`office_census`, the week's counts for the
  indicators over the population and over the office's known slots (metrics.Recorder);
* :mod:`.staff`: :func:`~.staff.wear` and :func:`~.staff.hours_there`, the staff's strain, sick
  leave, turnover and hours (office/staff.py);
* :mod:`.office`, the office's week, in its order: ``needs_and_registration`` (with ``office_pool``),
  who can need the office and what they need, registration, releases, caseloads, who awaits a
  caseworker, and the arenas lost (Office.needs_and_registration);
  ``route_users`` and ``take_on``, routing and hand-offs (office/handoffs.py); ``work_demand`` and
  ``work_items``, the week's work items and the time pressure (office/work.py, with
  ``creaming_base`` and ``creaming_key`` for creaming.py); ``allocate_hours``, the allocation of
  hours by priority, and ``cover_backlogs``, colleagues' cover of backlogs (office/crowding_out.py);
  ``book_hours``; ``decisions_and_renewals``, social-assistance decisions, ``intakes_done``,
  ``assessments_done`` and ``dialogue_meetings_done``, and ``follow_up_sessions``, what sessions change
  (office/sessions.py); ``leavers_released``, what leaving ends (Office.depart); ``follow_up_census``
  (office/census.py). These are imported from :mod:`.office` where used.

A helper called inside a kernel's loop takes scalars, not arrays, and is inlined (``inlined``):
passing arrays to a call costs more than such a helper's work.
"""

from .arenas import arena_drift, arenas_lost, contacts_means
from .census import office_census, population_census
from .compile import compiled, stream_root, uniform, uniform_reference, week_key

__all__ = ["arena_drift", "arenas_lost", "compiled", "contacts_means", "office_census",
           "population_census", "stream_root", "uniform", "uniform_reference",
           "week_key"]
