"""The office: which unit and caseworker does what for whom, hand-offs, and the weekly work.

An office is a list of units (scenario ``[[office.units]]``), each doing some of four tasks
(intake, economic = social-assistance decisions, work follow-up, housing and social
follow-up) for a target group. The three organisation models are three unit lists:

* generalist: one unit does every task, users split among caseworkers by date of birth
  (Kristiansand, 002:4536-4544, 002:4961-4973);
* specialist: reception, economic casework, work follow-up and housing/social units; each
  transfer is a hand-off (002:5089-5093 "four or five" contact points; 002:3813-3841);
* target-group teams: a team owns e.g. youth or the heaviest users for every task
  (002:5097-5133, 002:5164-5172); the rest go to line-split units.

Routing rule: a user's task goes to a caseworker they already have whose unit does that task
(one caseworker does everything within a unit; a team "owns the user"), otherwise to the
first unit that does the task for the user's group; within a unit, date-split by birthday,
respecting the caseload cap. Meeting a new caseworker while already having one is a
hand-off: delay, coordination hours, and a risk of being lost between units.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .caseworkers import (ECONOMIC, HOUSING_SOCIAL, INTAKE, WORK_TASK, Activity, Staff,
                          allocate)
from .population import ACTIVITY, ECONOMY, HOUSING, WORK, Benefit, Citizens, NeedLevel, WeekEvents
from .scenario import TASKS, Scenario

RELEASE_REASONS = ("employed", "need_ended", "disability", "moved_or_aged_out")
# who pays a user's benefit: the state (NAV's state side), the municipality (social assistance and
# the qualification programme), or nobody yet; the lines a specialist office splits (002:8040-8051)
BENEFIT_GROUPS = ("state", "municipal", "no_benefit")
BENEFIT_GROUP = np.array([{Benefit.NONE: 2, Benefit.SOCIAL_ASSISTANCE: 1, Benefit.QUALIFICATION_PROGRAMME: 1}.get(b, 0)
                          for b in Benefit], dtype=np.int64)   # indexed by Benefit
FOLLOW_UP_TASKS = (WORK_TASK, HOUSING_SOCIAL)   # rows 0 and 1 of the per-task session arrays
NEVER = -10**6

# work-item kinds
K_INTAKE, K_DECISION, K_RENEWAL, K_COORDINATION, K_WORK, K_HOUSING_SOCIAL = range(6)
KIND_ACTIVITY = np.array([Activity.INTAKE, Activity.DECISIONS, Activity.DECISIONS,
                          Activity.COORDINATION, Activity.FOLLOW_UP, Activity.FOLLOW_UP])


@dataclass
class OfficeWeek:
    """What the office did this week (read by metrics.py)."""

    hours: np.ndarray                                  # by Activity, summed over caseworkers
    releases: np.ndarray = field(default_factory=lambda: np.zeros(len(RELEASE_REASONS), np.int64))
    new_users: int = 0
    assignments: int = 0                               # (user, task) assignments, tasks but intake
    handoffs: int = 0
    lost_in_handoff: int = 0
    intakes: int = 0
    decisions: int = 0
    renewals: int = 0
    sessions: np.ndarray = field(default_factory=lambda: np.zeros(2, np.int64))
    decision_wait_weeks: float = 0.0                   # summed over decisions made
    first_follow_up_wait_weeks: float = 0.0            # summed over first sessions
    first_follow_ups: int = 0
    ended_spells: int = 0                              # office spells (registrations) ended
    ended_contact_points: int = 0
    ended_handoffs: int = 0
    ended_to_work: int = 0
    ended_to_disability: int = 0
    qualification_starts: int = 0
    quintile_hours: np.ndarray = field(default_factory=lambda: np.zeros(5))
    quintile_users: np.ndarray = field(default_factory=lambda: np.zeros(5))
    group_hours: np.ndarray = field(default_factory=lambda: np.zeros(len(BENEFIT_GROUPS)))
    group_users: np.ndarray = field(default_factory=lambda: np.zeros(len(BENEFIT_GROUPS)))
    pressure: float = 0.0                              # demanded / available hours, office-wide
    # panel (WelfareModel.person_state): the citizen slot and hours of each follow-up session given
    served: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    served_hours: np.ndarray = field(default_factory=lambda: np.zeros(0))


def session_gain(fu, competence, sessions_before, arenas_lost):
    """Progress from one follow-up session, before the arena-specific effect sizes.

    ``gain = session_hours * competence * continuity / (1 + time_per_arena_lost * arenas_lost)``
    where continuity rises from ``continuity_start`` on the first session with a caseworker to
    1 after ``continuity_sessions`` sessions (a fixed contact person, 003:367-369,
    004:5451-5457). The more arenas lost, the more time the same progress takes (004:2942-2968).
    """
    continuity = fu.continuity_start + (1.0 - fu.continuity_start) * np.minimum(
        sessions_before, fu.continuity_sessions) / fu.continuity_sessions
    return fu.session_hours * competence * continuity / (1.0 + fu.time_per_arena_lost * arenas_lost)


class Office:
    """Caseworkers (``staff``) plus per-citizen office state, as arrays over population slots."""

    COLUMNS = {
        "registered": (bool, False), "intake_due": (bool, False), "intake_week": (np.int32, 0),
        "need_level": (np.int8, 0), "failures": (np.int16, 0), "last_position": (np.float64, 0.0),
        "had_session": (bool, False), "blocked_until": (np.int32, NEVER), "handoffs": (np.int16, 0),
        "contact_points": (np.int16, 0), "sa_pending": (bool, False), "sa_applied": (np.int32, 0),
        "next_renewal": (np.int32, 0), "lost_total": (np.int16, 0),
    }

    def __init__(self, s: Scenario, capacity: int, rng: np.random.Generator):
        self.s = s
        self.staff = Staff(s, rng)
        units = s.office.units
        self.unit_size = np.array([u.staff for u in units], dtype=np.int64)
        self.unit_cap = np.array([u.caseload_cap for u in units], dtype=np.int64)
        # (units + 1, tasks): the spare last row is "no unit" (-1), which does nothing
        self.unit_does = np.array([[t in u.tasks for t in TASKS] for u in units] + [[False] * len(TASKS)])
        self.unit_interval = np.array([u.follow_up_interval_weeks for u in units], dtype=np.int64)
        fu = s.follow_up
        self.interval_by_need = np.array([fu.interval_standard_weeks, fu.interval_standard_weeks,
                                          fu.interval_situational_weeks, fu.interval_special_weeks,
                                          10**6], dtype=np.int64)
        self.unit_of_cw = np.append(self.staff.unit, -1)   # a spare last entry: "no caseworker" (-1) is "no unit"
        self._alloc(capacity)
        self.week: OfficeWeek | None = None
        # slots that could need the office this week, in order: every user, applicant and benefit
        # holder is among them (set by ``step``; indicators read the office's state through it)
        self.known = np.zeros(0, dtype=np.int64)

    def _alloc(self, capacity: int) -> None:
        for name, (dtype, fill) in self.COLUMNS.items():
            setattr(self, name, np.full(capacity, fill, dtype=dtype))
        self.cw = np.full((len(TASKS), capacity), -1, dtype=np.int32)
        self.last_session = np.full((2, capacity), NEVER, dtype=np.int32)
        self.sessions_same = np.zeros((2, capacity), dtype=np.int16)

    def grow(self, extra: int) -> None:
        for name, (dtype, fill) in self.COLUMNS.items():
            setattr(self, name, np.concatenate([getattr(self, name), np.full(extra, fill, dtype=dtype)]))
        self.cw = np.concatenate([self.cw, np.full((len(TASKS), extra), -1, np.int32)], axis=1)
        self.last_session = np.concatenate([self.last_session, np.full((2, extra), NEVER, np.int32)], axis=1)
        self.sessions_same = np.concatenate([self.sessions_same, np.zeros((2, extra), np.int16)], axis=1)

    # ------------------------------------------------------------------------------------
    def step(self, c: Citizens, rng: np.random.Generator, week: int, events: WeekEvents) -> OfficeWeek:
        s = self.s
        theta = s.arenas.loss_threshold
        wk = self.week = OfficeWeek(hours=np.zeros(len(Activity)))
        self._depart(events.left, wk)

        # --- who can need the office: out of work, on a benefit, economy lost, or already known.
        # Everything below works on this pool (about a tenth of the population), in slot order.
        a, ben = c.arenas, c.benefit
        pool = np.flatnonzero((c.alive & (~c.employed | (ben != Benefit.NONE) | (a[ECONOMY] < theta)))
                              | self.registered | self.intake_due | self.sa_pending)
        self.known = pool
        alive, ben = c.alive[pool], ben[pool]

        # --- needs ------------------------------------------------------------------------
        need_work = alive & ~c.employed[pool] & (ben != Benefit.DISABILITY_BENEFIT) & (ben != Benefit.SICK_PAY)
        # means-tested: anyone without other benefits whose economy is lost may apply
        eligible = alive & (ben == Benefit.NONE) & (a[ECONOMY, pool] < theta)
        pending = self.sa_pending[pool]
        apply = eligible & ~pending
        self.sa_applied[pool[apply]] = week
        pending = (pending | apply) & eligible           # withdrawn if no longer eligible
        self.sa_pending[pool] = pending
        need_econ = alive & ((ben == Benefit.SOCIAL_ASSISTANCE) | (ben == Benefit.QUALIFICATION_PROGRAMME) | pending)
        needs_office = need_work | need_econ
        reg = self.registered[pool]
        need_hs = reg & alive & (ben != Benefit.DISABILITY_BENEFIT) & (
            (a[HOUSING, pool] < theta) | (a[ACTIVITY, pool] < theta))

        due = self.intake_due[pool]
        new = needs_office & ~reg & ~due
        self.intake_week[pool[new]] = week
        wk.new_users = int(np.count_nonzero(new))
        gone = due & ~needs_office
        due = (due | new) & ~gone
        self.intake_due[pool] = due
        self._release(INTAKE, pool[gone & (self.cw[INTAKE, pool] >= 0)], c, wk)

        # --- releases and end of registration ------------------------------------------------
        needs = ((ECONOMIC, need_econ), (WORK_TASK, need_work), (HOUSING_SOCIAL, need_hs))
        for task, need in needs:
            self._release(task, pool[reg & (self.cw[task, pool] >= 0) & ~need], c, wk)
        self._end_registration(pool[reg & ~(needs_office | need_hs)], c, wk)

        # --- assignments -------------------------------------------------------------------
        self._update_caseload(pool)
        open_ = week >= self.blocked_until[pool]
        lost = c.arenas_lost(theta)
        coord = [self._assign(INTAKE, pool[due & (self.cw[INTAKE, pool] < 0)], c, lost, week, rng, wk)]
        reg = self.registered[pool]
        for task, need in needs:
            coord.append(self._assign(task, pool[reg & need & open_ & (self.cw[task, pool] < 0)],
                                      c, lost, week, rng, wk))
        coord = np.concatenate(coord)

        # --- the week's work ------------------------------------------------------------------
        items = self._work_items(c, week, pool, need_work, need_hs, coord)
        budget = self.staff.budget
        wk.pressure = float(np.sum(items[3]) / budget.sum())
        done = allocate(items[0], items[1], items[2], items[3], budget)
        self._book_hours(items, done, wk)
        given = done & ((items[4] == K_WORK) | (items[4] == K_HOUSING_SOCIAL))   # panel: sessions per citizen
        wk.served, wk.served_hours = items[5][given], items[3][given]
        self._apply(items, done, c, week, lost, rng, wk)
        self._follow_up_census(c, pool, need_work | need_hs, items, done, wk)
        return wk    # (caseloads are current: recounted after releases, kept up by _assign since)

    # ------------------------------------------------------------------------------------
    def _depart(self, left: np.ndarray, wk: OfficeWeek) -> None:
        """Citizens who moved away or aged out leave every caseload; their slots are reset."""
        held = self.cw[1:, left] >= 0
        wk.releases[RELEASE_REASONS.index("moved_or_aged_out")] += int(held.sum())
        ended = left[self.registered[left]]
        wk.ended_spells += len(ended)
        wk.ended_contact_points += int(self.contact_points[ended].sum())
        wk.ended_handoffs += int(self.handoffs[ended].sum())
        for name, (dtype, fill) in self.COLUMNS.items():
            getattr(self, name)[left] = fill
        self.cw[:, left] = -1
        self.last_session[:, left] = NEVER
        self.sessions_same[:, left] = 0

    def _release(self, task: int, idx: np.ndarray, c: Citizens, wk: OfficeWeek) -> None:
        if len(idx) == 0:
            return
        if task != INTAKE:
            reason = np.where(c.employed[idx], 0, np.where(c.benefit[idx] == Benefit.DISABILITY_BENEFIT, 2, 1))
            wk.releases += np.bincount(reason, minlength=len(RELEASE_REASONS))
        self.cw[task, idx] = -1
        if task in FOLLOW_UP_TASKS:
            self.sessions_same[FOLLOW_UP_TASKS.index(task), idx] = 0

    def _end_registration(self, idx: np.ndarray, c: Citizens, wk: OfficeWeek) -> None:
        if len(idx) == 0:
            return
        self._release(INTAKE, idx, c, wk)
        wk.ended_spells += len(idx)
        wk.ended_contact_points += int(self.contact_points[idx].sum())
        wk.ended_handoffs += int(self.handoffs[idx].sum())
        wk.ended_to_work += int(c.employed[idx].sum())
        wk.ended_to_disability += int((c.benefit[idx] == Benefit.DISABILITY_BENEFIT).sum())
        self.registered[idx] = False
        for name in ("need_level", "failures", "handoffs", "contact_points", "had_session"):
            getattr(self, name)[idx] = 0
        self.last_session[:, idx] = NEVER

    def _update_caseload(self, pool: np.ndarray | None = None) -> None:
        """Distinct users per caseworker over the economic, work and housing/social tasks.

        ``pool``: slots that include every registered user (only they have caseworkers).
        """
        cw = self.cw if pool is None else self.cw[:, pool]
        e, w, h = cw[ECONOMIC], cw[WORK_TASK], cw[HOUSING_SOCIAL]
        ids = np.concatenate([e[e >= 0], w[(w >= 0) & (w != e)], h[(h >= 0) & (h != e) & (h != w)]])
        self.staff.caseload = np.bincount(ids, minlength=len(self.staff))

    # ------------------------------------------------------------------------------------
    def _route(self, task: int, idx: np.ndarray, held_unit: np.ndarray, c: Citizens, lost: np.ndarray) -> np.ndarray:
        """The unit for each user: one they already deal with that does the task, else the first matching.

        ``held_unit``: (tasks, users) units of the caseworkers each user has, -1 for none.
        """
        does = self.unit_does[held_unit, task]
        unit = np.where(does.any(axis=0), held_unit[does.argmax(axis=0), np.arange(len(idx))], -1)
        p = self.s.population
        for k, u in enumerate(self.s.office.units):
            if not self.unit_does[k, task] or self._unit_full(k):
                continue                 # a full capped team: the user goes to the next unit that fits
            if u.target_group == "youth":
                group = c.age[idx] < p.youth_age_limit
            elif u.target_group == "heaviest":
                group = lost[idx] >= 3
            elif u.target_group == "refugees":
                group = c.language[idx]
            else:
                group = True
            unit[(unit < 0) & group] = k
        return unit

    def _unit_full(self, k: int) -> bool:
        cap = self.unit_cap[k]
        if cap == 0:
            return False
        lo, hi = self.staff.unit_start[k], self.staff.unit_start[k + 1]
        return bool((self.staff.caseload[lo:hi] >= cap).all())

    def _assign(self, task: int, idx: np.ndarray, c: Citizens, lost: np.ndarray, week: int,
                rng: np.random.Generator, wk: OfficeWeek) -> np.ndarray:
        """Give users ``idx`` a caseworker for ``task``; returns the caseworkers owed hand-off coordination."""
        if len(idx) == 0:
            return np.zeros(0, dtype=np.int64)
        staff = self.staff
        held = self.cw[:, idx]
        held_unit = self.unit_of_cw[held]
        unit = self._route(task, idx, held_unit, c, lost)
        routed = unit >= 0            # every unit that could take them is full: they wait
        if not routed.all():
            idx, unit, held, held_unit = idx[routed], unit[routed], held[:, routed], held_unit[:, routed]
        # reuse a caseworker the user already has in that unit (one caseworker per unit)
        match = held_unit == unit[None, :]
        reuse = match.any(axis=0)
        chosen = np.where(reuse, held[np.argmax(match, axis=0), np.arange(len(idx))], -1)
        # date-split within the unit: birthdays in contiguous ranges per caseworker (002:4536-4544)
        split = ~reuse
        size = self.unit_size[unit[split]]
        # birth date as a fraction of the year, so a unit of any size splits evenly
        chosen[split] = staff.unit_start[unit[split]] + np.minimum(
            (c.birth_date[idx[split]] * size).astype(np.int64), size - 1)
        if task != INTAKE:   # a caseworker taking on a user (not already in their caseload) respects the cap
            joins = ~(held[1:] == chosen[None, :]).any(axis=0)
            chosen = self._apply_caps(chosen, unit, joins, idx)
        ok = chosen >= 0
        idx, chosen, held = idx[ok], chosen[ok], held[:, ok]
        fresh = ~(held == chosen[None, :]).any(axis=0)          # a caseworker the user has not met
        joins = ~(held[1:] == chosen[None, :]).any(axis=0)      # new in that caseworker's caseload
        handoff = fresh & (held >= 0).any(axis=0)
        lost_now = handoff & (rng.random(len(idx)) < self.s.office.handoff_loss)
        # lost between units: nobody takes up the task for a while (recorded, not silent)
        li = idx[lost_now]
        self.blocked_until[li] = week + self.s.office.lost_weeks
        self.lost_total[li] += 1
        wk.lost_in_handoff += len(li)
        keep = ~lost_now
        idx, chosen, fresh, handoff, joins = idx[keep], chosen[keep], fresh[keep], handoff[keep], joins[keep]
        self.cw[task, idx] = chosen
        if task != INTAKE:
            wk.assignments += len(idx)
        self.contact_points[idx[fresh]] += 1
        hi = idx[handoff]
        self.handoffs[hi] += 1
        wk.handoffs += len(hi)
        if task != INTAKE:
            self.blocked_until[hi] = np.maximum(self.blocked_until[hi], week + self.s.office.handoff_delay_weeks)
        if task in FOLLOW_UP_TASKS:
            self.sessions_same[FOLLOW_UP_TASKS.index(task), idx[fresh]] = 0
        if task != INTAKE:
            np.add.at(staff.caseload, chosen[joins], 1)
        return chosen[handoff].astype(np.int64)

    def _apply_caps(self, chosen, unit, joins, idx):
        """Caseload caps: a full caseworker passes new users to the least-loaded colleague, else they wait."""
        caps = self.unit_cap[unit]
        capped = joins & (caps > 0)
        if not capped.any():
            return chosen
        load = self.staff.caseload
        order = np.flatnonzero(capped)
        order = order[np.argsort(self.intake_week[idx[order]], kind="stable")]   # who asked first
        cws = chosen[order]
        srt = np.argsort(cws, kind="stable")
        rank = np.empty(len(cws), dtype=np.int64)
        _, starts, counts = np.unique(cws[srt], return_index=True, return_counts=True)
        rank[srt] = np.arange(len(cws)) - np.repeat(starts, counts)
        fits = load[cws] + rank < caps[order]
        overflow = order[~fits]
        chosen[overflow] = -1
        extra = np.bincount(cws[fits], minlength=len(load))
        for i in overflow:              # few: only when a unit has room elsewhere
            u = unit[i]
            lo, hi = self.staff.unit_start[u], self.staff.unit_start[u + 1]
            room = caps[i] - (load[lo:hi] + extra[lo:hi])
            if room.max() <= 0:
                continue
            j = lo + int(np.argmax(room))
            chosen[i] = j
            extra[j] += 1
        return chosen

    # ------------------------------------------------------------------------------------
    def _work_items(self, c, week, pool, need_work, need_hs, coord):
        """All work items of the week as parallel arrays: caseworker, class, key, hours, kind, citizen.

        Class 0 is intake, class 1 the mandatory rule work (social-assistance decisions by date
        against the 4-week deadline, 003:984-990; renewals; hand-off coordination), class 2
        follow-up sessions in the order of the priority rule. Time pressure pulls the follow-up
        order toward creaming (003:984-1000, 004:5763-5779).

        ``need_work`` and ``need_hs`` are masks over ``pool`` (slots, in order).
        """
        s, o = self.s, self.s.office
        parts = []   # (caseworkers, keys, citizens) arrays and (class, hours, kind) per group of items

        def add(cw, klass, key, hours, kind, who):
            parts.append((cw, key, who, klass, hours, kind))

        call_in = o.reception == "group_call_in"
        if not call_in or week % o.call_in_interval_weeks == 0:
            who = pool[self.intake_due[pool] & (self.cw[INTAKE, pool] >= 0)]
            add(self.cw[INTAKE, who], 0, self.intake_week[who], o.call_in_hours if call_in else o.intake_hours,
                K_INTAKE, who)
        econ = self.cw[ECONOMIC]
        reg, econ_p = self.registered[pool], econ[pool]
        who = pool[self.sa_pending[pool] & reg & (econ_p >= 0)]
        add(econ[who], 1, self.sa_applied[who], o.decision_hours, K_DECISION, who)
        who = pool[(c.benefit[pool] == Benefit.SOCIAL_ASSISTANCE) & (econ_p >= 0) & (self.next_renewal[pool] <= week)]
        add(econ[who], 1, self.next_renewal[who], o.renewal_hours, K_RENEWAL, who)
        add(coord, 1, np.full(len(coord), week), o.handoff_hours, K_COORDINATION, np.full(len(coord), -1))

        due = []
        for row, (task, need, kind) in enumerate(((WORK_TASK, need_work, K_WORK),
                                                   (HOUSING_SOCIAL, need_hs, K_HOUSING_SOCIAL))):
            cw = self.cw[task]
            cand = pool[reg & need & (cw[pool] >= 0) & (week >= self.blocked_until[pool])]
            unit_iv = self.unit_interval[self.staff.unit[cw[cand]]]
            interval = np.where(unit_iv > 0, unit_iv, self.interval_by_need[self.need_level[cand]])
            ok = week - self.last_session[row, cand] >= interval
            if o.parking_after_failures > 0:        # parked users get no sessions (003:593-605)
                ok &= self.failures[cand] < o.parking_after_failures
            due.append((row, kind, cand[ok]))

        # time pressure per caseworker: all hours asked of them / hours they have
        budget = self.staff.budget
        demand = np.zeros(len(budget))
        for cw, _, _, _, hours, _ in parts:
            demand += np.bincount(cw, minlength=len(budget)) * hours
        session = s.follow_up.session_hours
        for row, kind, who in due:
            demand += np.bincount(self.cw[FOLLOW_UP_TASKS[row], who], minlength=len(budget)) * session
        pull = o.creaming_under_pressure * np.clip(1.0 - budget / np.maximum(demand, 1e-9), 0.0, 1.0)
        self.staff.pressure = demand / budget

        closeness = c.arenas[WORK]
        for row, kind, who in due:
            if o.priority_rule == "need_based":
                base = 1.0 - c.position(who)
            elif o.priority_rule == "date_order":
                since = week - np.maximum(self.last_session[row, who], self.intake_week[who])
                base = np.clip(since / 104.0, 0.0, 1.0)
            else:
                base = closeness[who]
            cw = self.cw[FOLLOW_UP_TASKS[row], who]
            w = pull[cw]
            add(cw, 2, -((1.0 - w) * base + w * closeness[who]), session, kind, who)
        counts = [len(p[0]) for p in parts]
        return (np.concatenate([p[0] for p in parts]).astype(np.int64),
                np.repeat(np.array([p[3] for p in parts], np.int8), counts),
                np.concatenate([p[1] for p in parts]).astype(np.float64),
                np.repeat(np.array([p[4] for p in parts], np.float64), counts),
                np.repeat(np.array([p[5] for p in parts], np.int8), counts),
                np.concatenate([p[2] for p in parts]).astype(np.int64))

    def _book_hours(self, items, done, wk: OfficeWeek) -> None:
        staff = self.staff
        n = len(staff)
        hba = np.zeros((n, len(Activity)))
        act = KIND_ACTIVITY[items[4][done]]
        np.add.at(hba, (items[0][done], act), items[3][done])
        hba[:, Activity.DUTIES] = staff.duty_hours
        hba[:, Activity.IDLE] = staff.contract_hours - hba.sum(axis=1)
        staff.hours_by_activity = hba
        wk.hours = hba.sum(axis=0)

    def _apply(self, items, done, c: Citizens, week, lost, rng, wk: OfficeWeek) -> None:
        s, o, fu = self.s, self.s.office, self.s.follow_up
        cw_all, _, _, hours, kind, who_all = items
        kd = kind[done]
        who = who_all[done]
        cws = cw_all[done]

        i = who[kd == K_INTAKE]
        wk.intakes = len(i)
        self.intake_due[i] = False
        self.registered[i] = True
        # the intake conversation starts the follow-up clock: the first session comes one need-level
        # interval later, so a user placed too low waits long (002:7996-8000)
        self.last_session[:, i] = week
        level = self._assess(c, i, lost[i])
        if o.reception == "group_call_in":   # self-assessed needs: some placed too low (002:7992-8000)
            level = np.where(rng.random(len(i)) < o.self_assessment_error, NeedLevel.STANDARD, level)
        self.need_level[i] = level

        i = who[kd == K_DECISION]
        wk.decisions = len(i)
        wk.decision_wait_weeks = float((week - self.sa_applied[i]).sum())
        c.benefit[i] = Benefit.SOCIAL_ASSISTANCE
        c.benefit_weeks[i] = 0
        self.sa_pending[i] = False
        self.next_renewal[i] = week + o.decision_period_weeks
        i = who[kd == K_RENEWAL]
        wk.renewals = len(i)
        self.next_renewal[i] = week + o.decision_period_weeks

        a = c.arenas
        theta = s.arenas.loss_threshold
        for row, (k, task) in enumerate(((K_WORK, WORK_TASK), (K_HOUSING_SOCIAL, HOUSING_SOCIAL))):
            sel = kd == k
            i, cw = who[sel], cws[sel]
            wk.sessions[row] = len(i)
            if not len(i):
                continue
            first = ~self.had_session[i]
            wk.first_follow_ups += int(first.sum())
            wk.first_follow_up_wait_weeks += float((week - self.intake_week[i[first]]).sum())
            self.had_session[i] = True
            # effect: hours x competence x continuity, divided by the arenas already lost (004:2942-2968)
            same = self.sessions_same[row, i]
            gain = session_gain(fu, self.staff.competence[cw, task], same, lost[i])
            if task == WORK_TASK:
                a[WORK, i] = np.minimum(a[WORK, i] + fu.work_effect * gain, 1.0)
                kvp = ((c.benefit[i] == Benefit.SOCIAL_ASSISTANCE) & (c.benefit_weeks[i] >= 26)
                       & (self.need_level[i] >= NeedLevel.SPECIAL) & (rng.random(len(i)) < fu.qualification_uptake))
                c.benefit[i[kvp]] = Benefit.QUALIFICATION_PROGRAMME
                c.benefit_weeks[i[kvp]] = 0
                wk.qualification_starts += int(kvp.sum())
            else:
                a[HOUSING, i] = np.minimum(a[HOUSING, i] + fu.housing_effect * gain, 1.0)
                a[ACTIVITY, i] = np.minimum(a[ACTIVITY, i] + fu.activity_effect * gain, 1.0)
            self.sessions_same[row, i] = same + 1
            self.last_session[row, i] = week
            # progress since the last session decides parking; need level is reassessed (004:1389-1410)
            now = a[:, i]
            pos = now.mean(axis=0)
            progressed = pos > self.last_position[i] + 1e-9
            self.failures[i] = np.where(progressed, 0, self.failures[i] + 1)
            self.last_position[i] = pos
            self.need_level[i] = self._assess(c, i, (now < theta).sum(axis=0))

    @staticmethod
    def _assess(c: Citizens, idx: np.ndarray, lost: np.ndarray) -> np.ndarray:
        """Need level from ``lost`` (arenas lost, one per idx) and health (004:1365-1385).

        0 arenas lost: standard; 1: situational; 2 or more, or a health problem: special.
        """
        lv = np.minimum(lost, 2).astype(np.int64) + 1
        lv = np.where(c.health[idx], np.maximum(lv, NeedLevel.SPECIAL), lv)
        return np.where(c.benefit[idx] == Benefit.DISABILITY_BENEFIT, NeedLevel.PERMANENT, lv).astype(np.int8)

    def _follow_up_census(self, c, pool, needs_follow_up, items, done, wk: OfficeWeek) -> None:
        """Follow-up hours and users needing follow-up, by marginalisation quintile (the creaming
        index) and by benefit group (state, municipal, none: equal follow-up, 002:8040-8051).

        ``needs_follow_up`` is a mask over ``pool``.
        """
        users = pool[self.registered[pool] & needs_follow_up]
        if len(users) < 5:
            return
        pos = c.position(users)
        q = np.empty(len(users), dtype=np.int64)
        q[np.argsort(pos, kind="stable")] = np.arange(len(users)) * 5 // len(users)   # 0 = most marginalised
        g = BENEFIT_GROUP.take(c.benefit[users])
        wk.quintile_users += np.bincount(q, minlength=5)
        wk.group_users += np.bincount(g, minlength=len(BENEFIT_GROUPS))
        kind, who, hours = items[4], items[5], items[3]
        sess = done & ((kind == K_WORK) | (kind == K_HOUSING_SOCIAL))
        # sessions went to users needing follow-up when the week began; their quintile, if a user
        at = np.minimum(np.searchsorted(users, who[sess]), len(users) - 1)
        ok = users[at] == who[sess]
        h = hours[sess][ok]
        wk.quintile_hours += np.bincount(q[at][ok], weights=h, minlength=5)
        wk.group_hours += np.bincount(g[at][ok], weights=h, minlength=len(BENEFIT_GROUPS))
