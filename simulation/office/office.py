"""The office: who needs it, releases and assignments, the week's work, and its effects.

An office is a list of units (scenario ``[[office.units]]``), each doing some of four tasks
(intake, economic = social-assistance decisions, work follow-up, housing and social follow-up)
for a target group. The organisation models are unit lists over the same code:

* generalist: one unit does every task, users split among caseworkers by date of birth
  (Kristiansand, 002:4536-4544, 002:4961-4973);
* specialist: reception, economic casework, work follow-up and housing/social units; each
  transfer is a hand-off (002:5089-5093 "four or five" contact points; 002:3813-3841);
* target-group teams: a team owns e.g. youth or the heaviest users for every task
  (002:5097-5133, 002:5164-5172); the rest go to line-split units.

The week (:meth:`Office.step`) reads as the submodels of docs/ODD.md: who needs the office,
with releases and the end of office spells (:meth:`needs_and_registration`), assignments and
hand-offs (handoffs.py), the work items and their priorities (work.py, creaming.py), the allocation of
hours (crowding_out.py), what the done items change (sessions.py), and the census (census.py).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from ..population import Citizens, WeekEvents
from ..scenario import TARGET_GROUPS, Scenario
from ..vocabulary import TASKS, Activity, Benefit, NeedLevel, Task, by_member
from . import census, handoffs, sessions
from .crowding_out import allocate, cover
from .staff import Staff
from .state import FOLLOW_UP_TASKS, NEVER, RELEASE_REASONS, OfficeWeek, UserState, Workspace
from .work import KIND_ACTIVITY, KIND_TASK, SICK_LEAVE_FOLLOW_UP_WEEKS, WorkItems, week_items

#: the release counted when a user leaves the district (moved, died or aged out)
MOVED_OR_AGED_OUT = RELEASE_REASONS.index("moved_or_aged_out")
#: tasks a user can be released from when the need ends (intake ends at intake)
RELEASABLE = (Task.ECONOMIC, Task.WORK, Task.HOUSING_SOCIAL)
#: the benefit codes the week's needs read (:func:`simulation.kernels.office.needs_and_registration`)
NEED_CODES = np.array([Benefit.DISABILITY_BENEFIT, Benefit.EARLY_PENSION, Benefit.SICK_PAY, Benefit.SOCIAL_ASSISTANCE,
                       Benefit.QUALIFICATION_PROGRAMME], dtype=np.int64)


@dataclass
class Needs:
    """This week's needs, as masks over the office's pool of slots, and who in the pool are the
    office's users (registered, or due an intake: the week's work items are theirs)."""

    work: np.ndarray
    economic: np.ndarray
    housing_social: np.ndarray
    users: np.ndarray        # places in the pool, in pool order

    def of(self, task: Task) -> np.ndarray:
        return {Task.ECONOMIC: self.economic, Task.WORK: self.work, Task.HOUSING_SOCIAL: self.housing_social}[task]


class Office:
    """Caseworkers (``staff``) plus what the office knows of every citizen (``users``)."""

    def __init__(self, s: Scenario, capacity: int, rng: np.random.Generator):
        self.staff = Staff(s, rng)
        self._set_units(s)
        self.transition: tuple[int, int, float] | None = None    # (start week, weeks, loss) of a reorganisation
        fu = s.follow_up
        self.interval_by_need = by_member(NeedLevel, {
            NeedLevel.NOT_ASSESSED: fu.interval_standard_weeks, NeedLevel.STANDARD: fu.interval_standard_weeks,
            NeedLevel.SITUATIONAL: fu.interval_situational_weeks, NeedLevel.SPECIAL: fu.interval_special_weeks,
            NeedLevel.PERMANENT: 10**6}, dtype=np.int64)
        self.users = UserState.empty(capacity)
        self.workspace = Workspace()
        self.week: OfficeWeek | None = None
        # slots that could need the office this week, in order: every user and applicant, and the
        # living who need work follow-up or social assistance (set by ``step``; indicators read the
        # office's state through it)
        self.known = np.zeros(0, dtype=np.int64)

    def _set_units(self, s: Scenario) -> None:
        """The unit tables of the organisation in force (``s.office``)."""
        self.s = s
        units = s.office.units
        self.unit_size = np.array([u.staff for u in units], dtype=np.int64)
        self.unit_cap = np.array([u.caseload_cap for u in units], dtype=np.int64)
        self.any_cap = bool(self.unit_cap.any())     # (most offices cap no caseload: the hand-offs skip the check)
        # (units + 1, tasks): the spare last row is "no unit" (-1), which does nothing
        self.unit_does = np.array([[t in u.tasks for t in TASKS] for u in units] + [[False] * len(TASKS)])
        self.unit_interval = np.array([u.follow_up_interval_weeks for u in units], dtype=np.int64)
        self.unit_group = np.array([TARGET_GROUPS.index(u.target_group) for u in units], dtype=np.int64)  # (routing)
        self.unit_of_cw = np.append(self.staff.unit, -1)   # a spare last entry: "no caseworker" (-1) is "no unit"
        self._cover_groups()

    def reorganise(self, r, week: int, rng: np.random.Generator) -> int:
        """Switch to the units of reorganisation ``r``: staff are reassigned to the new posts in
        order (keeping their experience of each task; extra posts get newcomers, missing posts
        lose their holders), every user's caseworkers are released (the relationships are broken:
        the next caseworker reads the case, the user retells it, and the case is in transit for
        the hand-off delay), and a transition of lower productivity begins. Returns the number of
        (user, task) relationships broken."""
        o = self.s.office
        new_office = dataclasses.replace(o, units=r.units, leader_model=r.leader_model or o.leader_model)
        s = dataclasses.replace(self.s, office=new_office)
        old, new = self.staff, Staff(s, rng)
        keep = min(len(old), len(new))
        for name in ("experience", "strain", "sick_until", "vacant_until", "social_worker"):
            getattr(new, name)[:keep] = getattr(old, name)[:keep]
        new.experience[keep:] = 0.0           # extra posts are filled by newcomers
        self.staff = new
        self._set_units(s)
        us = self.users
        held = us.cw[1:] >= 0
        broken = int(held.sum())
        users = np.flatnonzero(held.any(axis=0))
        for row, task in enumerate(FOLLOW_UP_TASKS):
            had = users[us.cw[task, users] >= 0]
            us.reassess[row, had] = True
            us.sessions_same[row, had] = 0
        us.cw[:, users] = -1
        us.blocked_until[users] = np.maximum(us.blocked_until[users], week + o.handoff_delay_weeks)
        self.transition = (week, r.transition_weeks, r.productivity_loss)
        return broken

    def grow(self, extra: int) -> None:
        self.users.grow(extra)

    # ------------------------------------------------------------------------------------
    def step(self, c: Citizens, rng: np.random.Generator, week: int, events: WeekEvents,
             census_of_follow_up: bool = True) -> OfficeWeek:
        """One week of the office (docs/ODD.md, B). ``census_of_follow_up``: count the week's users
        and hours of follow-up by quintile and benefit group (only the indicators read them, so the
        model leaves them out of the spin-up)."""
        us = self.users
        wk = self.week = OfficeWeek()
        self.depart(events.left, wk)
        # (only last week's pool can have had sessions: clearing every slot is the same, and cheaper)
        us.sessions_week.fill(0)
        us.hours_week.fill(0.0)
        self.staff_week(week, rng, pool=self.known)
        pool, need, awaiting, lost = self.needs_and_registration(c, week, wk)
        self.known = pool
        coord = self.assign_all(c, awaiting, lost, week, rng, wk)
        items, ratio = week_items(self, c, week, pool, need, coord)
        budget = self.staff.budget
        wk.pressure = float(np.sum(items.hours[items.klass <= 2]) / max(budget.sum(), 1e-9))
        done = allocate(items.cw, items.klass, items.key, items.hours, budget, self.workspace)
        doer, wk.covered = cover(items.cw, items.klass, items.key, items.hours, done, budget, self.cover_group,
                                 self.helps_group, self.s.office.cover_share, self.workspace)
        done = doer >= 0
        items.cw = np.where(done, doer, items.cw)
        self.book_hours(items, done, wk)
        self.apply(c, items, done, ratio, week, lost, rng, wk)
        if census_of_follow_up:
            census.follow_up_census(self, c, pool, need, items, done, wk)
        return wk    # (caseloads are current: recounted with the releases, kept up by assignments since)

    def needs_and_registration(self, c: Citizens, week: int, wk: OfficeWeek):
        """Who can need the office this week (the pool: those who need work follow-up or social
        assistance, and everyone already known; everything after works on it, in slot order) and
        what they need; new users wait for intake, and those whose need ended before it leave the
        queue; tasks whose need ended are released, and a user with no need left ends the office
        spell; caseloads are recounted.

        Work follow-up: jobseekers, AAP users, programme participants, and workers on long sick
        leave from week 8. Social assistance: means-tested, anyone without means may apply.
        Housing and social follow-up: registered users whose housing or activity is lost.

        Returns the pool, the needs (masks over the pool), who awaits a caseworker for each task
        (in ``TASKS`` order; slots in pool order) and every slot's arenas lost. One compiled pass
        over the population, as these read the same columns
        (:func:`simulation.kernels.office.needs_and_registration`)."""
        from ..kernels import office as k  # numba only where used (command-line start-up)

        us, space, n = self.users, self.workspace, len(c.alive)
        needs = space.array("needs", (3, n), np.bool_)
        awaiting = space.array("awaiting", (4, n), np.int64)
        lost = space.array("lost", n, np.int8)
        users = space.array("users", n, np.int64)
        pool, n_users, counts, tally = k.needs_and_registration(
            c.alive, c.employed, c.in_education, c.benefit, c.short_sick, c.benefit_weeks, c.sa_top_up, c.arenas,
            us.registered, us.intake_due, us.sa_pending, us.sa_applied, us.intake_week, us.cw, us.sessions_same,
            us.blocked_until, us.contact_points, us.handoffs, us.need_level, us.failures, us.had_session,
            us.dialogue_held, us.parked_until, us.last_session, self.staff.caseload, week,
            float(self.s.arenas.loss_threshold), SICK_LEAVE_FOLLOW_UP_WEEKS, NEED_CODES, NEVER, needs, awaiting, lost,
            users)
        wk.new_users = int(tally[k.NEW_USERS])
        wk.releases[:3] += tally[k.RELEASED_EMPLOYED:k.RELEASED_DISABILITY + 1]
        wk.ended_spells += int(tally[k.ENDED_SPELLS])
        wk.ended_contact_points += int(tally[k.ENDED_CONTACT_POINTS])
        wk.ended_handoffs += int(tally[k.ENDED_HANDOFFS])
        wk.ended_to_work += int(tally[k.ENDED_TO_WORK])
        wk.ended_to_disability += int(tally[k.ENDED_TO_DISABILITY])
        m = len(pool)
        need = Needs(work=needs[0, :m], economic=needs[1, :m], housing_social=needs[2, :m], users=users[:n_users])
        return pool, need, [awaiting[task, :counts[task]] for task in range(len(TASKS))], lost

    def assign_all(self, c, awaiting: list[np.ndarray], lost, week, rng, wk) -> np.ndarray:
        """Caseworkers for intake and for every task a user needs and lacks (``awaiting``, by task:
        a task's assignments change only that task's caseworkers, so who awaits each is known up
        front); returns the caseworkers owed hand-off coordination."""
        coord = [handoffs.assign(self, task, awaiting[task], c, lost, week, rng, wk)
                 for task in (Task.INTAKE, *RELEASABLE)]
        return np.concatenate(coord)

    def staff_week(self, week: int, rng: np.random.Generator, pool: np.ndarray) -> None:
        """Strain, sick leave and turnover; a newcomer in a post has no relationship with its
        users, who must retell their case; the week's hours."""
        staff, us = self.staff, self.users
        staff.wear(week, rng)
        if staff.leavers:
            for row, task in enumerate(FOLLOW_UP_TASKS):
                cw = us.cw[task, pool]
                mine = pool[(cw >= 0) & staff.left[np.maximum(cw, 0)]]
                us.sessions_same[row, mine] = 0
                us.reassess[row, mine] = True
        if self.transition is not None:          # a reorganisation's productivity loss fades linearly
            start, weeks, loss = self.transition
            done = (week - start) / weeks if weeks else 1.0
            staff.productivity = 1.0 - loss * (1.0 - done) if done < 1.0 else 1.0
        staff.week_budget(week)

    def _cover_groups(self) -> None:
        """Who may cover whose backlog: within a line in a two-leader office (state and municipal
        staff do not take each other's tasks), anyone in a one-leader office (002:6050-6054)."""
        lines = ("joint", "state", "municipal")
        unit_line = np.array([lines.index(u.line) for u in self.s.office.units])
        if self.s.office.leader_model == "one_leader":
            self.cover_group = np.zeros(len(self.staff), dtype=np.int64)
            self.helps_group = np.ones((len(self.staff), 1), dtype=bool)
            return
        self.cover_group = unit_line[self.staff.unit].astype(np.int64)
        helps = np.zeros((len(self.staff), len(lines)), dtype=bool)
        helps[np.arange(len(self.staff)), self.cover_group] = True
        helps[:, 0] = True                   # a joint unit's backlog may be covered from either line
        helps[self.cover_group == 0, :] = True   # and its staff may cover either line
        self.helps_group = helps

    # ------------------------------------------------------------------------------------
    def depart(self, left: np.ndarray, wk: OfficeWeek) -> None:
        """Citizens who moved away, died or aged out leave every caseload and end their office
        spell (:func:`simulation.kernels.office.leavers_released`); their slots are reset."""
        from ..kernels.office import leavers_released  # numba only where used (command-line start-up)

        us = self.users
        released, ended, points, handed = leavers_released(left, us.cw, us.registered, us.contact_points, us.handoffs)
        wk.releases[MOVED_OR_AGED_OUT] += released
        wk.ended_spells += ended
        wk.ended_contact_points += points
        wk.ended_handoffs += handed
        us.reset(left)

    # ------------------------------------------------------------------------------------
    def book_hours(self, items: WorkItems, done: np.ndarray, wk: OfficeWeek) -> None:
        """Hours by activity per caseworker: casework, the documentation share of it, duties, idle."""
        from ..kernels.office import book_hours  # numba only where used (command-line start-up)

        staff = self.staff
        hba, documented, task_hours = book_hours(items.cw, items.kind, items.hours, done, KIND_ACTIVITY, KIND_TASK,
                                                 len(staff), len(Activity), len(TASKS),
                                                 self.s.caseworkers.documentation_share)
        hba[:, Activity.DOCUMENTATION] = documented
        hba[:, Activity.SWITCHING] = staff.switch_hours
        hba[:, Activity.DUTIES] = staff.duty_hours
        hba[:, Activity.ABSENCE] = staff.absent_hours
        staff.learn(task_hours[:, :len(TASKS)])
        hba[:, Activity.IDLE] = np.maximum(staff.contract_hours - hba.sum(axis=1), 0.0)
        staff.hours_by_activity = hba
        wk.hours = hba.sum(axis=0)

    def apply(self, c: Citizens, items: WorkItems, done, ratio, week: int, lost, rng, wk: OfficeWeek) -> None:
        sessions.intakes(self, c, items, done, week, lost, rng, wk)
        sessions.social_assistance(self, c, items, done, week, wk)
        sessions.assessments(self, c, items, done, lost, wk)
        sessions.dialogue_meetings(self, c, items, done, week, wk)
        sessions.follow_up(self, c, items, done, ratio, week, lost, rng, wk)
