"""The office's passes over its users, in the order of its week (Office.step): who can need it and
what they need, registration and releases, routing and hand-offs, the week's work items and the
pressure, the allocation of hours, the hours booked, what sessions change, and the census.

Each kernel names the Python function it serves; that function stays the entry point and reads
as the mechanism, the kernel does its loop over the pool or the items. Results agree bit for bit
with the numpy code the kernels replaced (tests/test_kernels.py). Scratch arrays come from the
office's workspace (state.Workspace) rather than fresh memory each week."""

from __future__ import annotations

import numpy as np

from .arenas import lost_count
from .compile import compiled, inlined

# ---- the week's work items (office/work.py) --------------------------------------------------
#: the parts of the week's items, in the order they are listed (and so the order of ties)
INTAKE_PART, DECISION_PART, RENEWAL_PART, COORDINATION_PART, ASSESSMENT_PART, DIALOGUE_PART = range(6)
RULE_PARTS = 6
#: then due and early sessions of work follow-up (row 0) and of housing and social follow-up (row 1)
SESSION_PARTS = 4
SESSION_START = RULE_PARTS


#: the task whose caseworker does each rule part (coordination: the receiver, listed apart)
TASK_OF_PART = np.array([0, 1, 1, -1, 2, 2])


@inlined
def rule_key(part, intake_week, sa_applied, next_renewal, week, benefit_weeks):
    """The order of a rule item within its class (lower first): waiting since intake, since the
    application, the renewal date, or the start of the benefit (assessments, dialogue meetings)."""
    if part == INTAKE_PART:
        return intake_week
    if part == DECISION_PART:
        return sa_applied
    if part == RENEWAL_PART:
        return next_renewal
    return week - benefit_weeks


@inlined
def session_norm(unit_norm, on_qualification, qualification_norm, need_norm):
    """Norm weeks between sessions (work.norm_interval for one user): the unit's own norm, else the
    qualification programme's, else by need level."""
    if unit_norm > 0:
        return unit_norm
    return qualification_norm if on_qualification else need_norm


@inlined
def norm_ratio(week, last_session, intake_week, norm, tightest):
    """Weeks waited since the last session (or the intake) / the norm interval, and the weeks
    waited; the ratio is -1 if no session may be held yet: one is brought forward no earlier
    than ``tightest`` share of the norm, and never more than weekly (ratio >= 1 / norm, which for
    whole weeks is a week waited: the same test without a second division)."""
    waited = week - max(last_session, intake_week)
    if waited < 1:
        return -1.0, waited
    ratio = waited / norm
    return (ratio if ratio >= tightest else -1.0), waited


@compiled
def caseworker_demand(rule_demand, coord, coordination_hours, due, session_hours):
    """Each caseworker's demand: the hours of each rule part (coordination added here, in the
    order owed), then of due sessions, summed part by part as the numpy code's per-part
    ``bincount`` did, so the pressure agrees bit for bit."""
    for k in coord:
        rule_demand[COORDINATION_PART, k] += coordination_hours
    demand = np.zeros(rule_demand.shape[1])
    for p in range(RULE_PARTS):
        demand += rule_demand[p]
    for row in range(2):
        demand += due[row] * session_hours
    return demand


@inlined
def creaming_base(rule, work, activity, housing, economy, waited):
    """The priority rule's order of a due session before any creaming pull (creaming.order_key for
    one user): 0 most marginalised first, 1 longest waiting first, 2 closest to work first."""
    if rule == 0:
        return 1.0 - (((work + activity) + housing) + economy) / 4.0
    if rule == 1:
        return min(max(waited / 104.0, 0.0), 1.0)
    return work


@inlined
def session_key(ratio, rule, work, activity, housing, economy, waited):
    """A session's key before any creaming pull: a due one (``ratio`` >= 1) by the priority rule
    (:func:`creaming_base`), an early one by how far it is from due (the nearest first)."""
    if ratio >= 1.0:
        return creaming_base(rule, work, activity, housing, economy, waited)
    return -ratio


@inlined
def creaming_key(base, work, pull):
    """The order of a due session (lower first), creaming.order_key for one user: the rule's
    ``base`` order pulled by ``pull`` toward closeness to ``work``."""
    return -((1.0 - pull) * base + pull * work)


@inlined
def extra_hours(row, reassess, substance_use, housing, language, held, theta, reassessment_hours, service_hours):
    """Hours a session takes beyond its length, work.extra_hours for one user: reading the case after
    a change of caseworker; in housing and social follow-up (row 1), the service the office holds
    for the user's need (work.portfolio_need: ``held``, a tuple of flags: substance use, housing,
    introduction)."""
    extra = (1.0 if reassess else 0.0) * reassessment_hours
    if row == 1 and (held[0] or held[1] or held[2]):
        extra = extra + (1.0 if portfolio_need(held, substance_use, housing, language, theta) else 0.0) * service_hours
    return extra


@inlined
def portfolio_need(held, substance_use, housing, language, theta):
    """Whether the office holds a service for the user's need (work.portfolio_need for one user;
    ``held``, a tuple of flags: substance use, housing, introduction)."""
    return (held[0] and substance_use) or (held[1] and housing < theta) or (held[2] and language)


@compiled
def work_demand(pool, need_work, need_hs, coord, cw, intake_due, intake_week, registered, sa_pending, sa_applied,
                next_renewal, blocked_until, parked_until, last_session, need_level, dialogue_held, benefit, sa_top_up,
                benefit_weeks, work_ability_assessed, short_sick, cw_interval, interval_by_need, week, intake_on,
                rule_hours, session_hours, tightest, interval_qual, codes, dialogue_from, n_staff, rule, reassess,
                held, a, substance_use, language, theta, reassessment_hours, service_hours, part_slot, part_value,
                users):
    """The week's items as each user in ``pool`` brings them (work.week_items), listed part by part
    in pool order, and each caseworker's demand, the hours of intake, rule work and due sessions
    (the time pressure's numerator): one pass over the pool, for the rule work and the
    appointment book alike.

    ``rule_hours``: hours of an item of each rule part; ``codes``: (social assistance, AAP, sick pay,
    qualification programme) benefit codes; ``cw_interval``: each caseworker's unit's own norm (0:
    none); ``rule``: the priority rule (creaming.RULES); ``held`` (3 flags): the portfolio the office
    holds. Part p's items go to rows ``p * len(pool)`` on of ``part_slot`` (caseworker, slot) and
    ``part_value`` (key, hours, norm ratio: weeks waited / norm, work.norm_interval; 0 for rule
    work), an item's fields side by side (a few streams of writes rather than one per field).
    What depends on the caseworkers' pressure is left to :func:`work_items`: a session's hours are
    its extra hours, and a due session's key the priority rule's order before the creaming pull.
    Only the office's users bring items (an intake is due, or a registered user holds a caseworker
    for a task), so the pass is over them only: ``users``, their places in ``pool``, in pool order
    (Office.needs_and_registration). Returns ``counts`` (rule parts, then due and early sessions
    of each follow-up row) and ``demand``, summed part by part, as the numpy code's per-part
    ``bincount`` did, so the pressure agrees bit for bit.
    """
    social_assistance, aap, sick_pay, qualification = codes[0], codes[1], codes[2], codes[3]
    held = (held[0], held[1], held[2])      # (scalars, not an array, into the inlined helper)
    m = len(pool)
    counts = np.zeros(RULE_PARTS + SESSION_PARTS, dtype=np.int64)
    rule_demand = np.zeros((RULE_PARTS, n_staff))
    due = np.zeros((2, n_staff), dtype=np.int64)
    for j in users:
        i = pool[j]
        reg, ben = registered[i], benefit[i]
        f = 0                            # rule work (few users: branches on what most lack)
        if intake_due[i]:
            f |= (intake_on & (cw[0, i] >= 0)) << INTAKE_PART                          # intake waiting
        if cw[1, i] >= 0:
            f |= (sa_pending[i] & reg) << DECISION_PART                                 # an application
            f |= (((ben == social_assistance) | sa_top_up[i]) & (next_renewal[i] <= week)) << RENEWAL_PART
        if reg and cw[2, i] >= 0 and ben in (aap, sick_pay):
            f |= ((ben == aap) & (not work_ability_assessed[i])) << ASSESSMENT_PART      # an assessment
            f |= ((ben == sick_pay) & (not short_sick[i]) & (benefit_weeks[i] >= dialogue_from)
                  & (not dialogue_held[i])) << DIALOGUE_PART                             # a dialogue meeting
        if f:
            for p in range(RULE_PARTS):
                if f >> p & 1:
                    k = p * m + counts[p]
                    counts[p] += 1
                    c = cw[TASK_OF_PART[p], i]
                    part_slot[k, 0], part_slot[k, 1] = c, i
                    part_value[k, 0] = rule_key(p, intake_week[i], sa_applied[i], next_renewal[i], week,
                                                benefit_weeks[i])
                    part_value[k, 1] = rule_hours[p]
                    rule_demand[p, c] += rule_hours[p]
        # the appointment book: a session due, or (with hours to spare) one that may be brought forward
        if not (reg and week >= blocked_until[i] and week >= parked_until[i]):
            continue                     # (most users: a branch, not a computation, is the cheaper)
        for row in range(2):
            c = cw[2 + row, i]
            if c < 0 or not (need_work[j] if row == 0 else need_hs[j]):
                continue
            norm = session_norm(cw_interval[c], ben == qualification, interval_qual, interval_by_need[need_level[i]])
            r, w = norm_ratio(week, last_session[row, i], intake_week[i], norm, tightest)
            if r < 0.0:
                continue
            p = RULE_PARTS + 2 * row + (r < 1.0)     # due, or early
            k = p * m + counts[p]
            counts[p] += 1
            part_slot[k, 0], part_slot[k, 1] = c, i
            part_value[k, 0] = session_key(r, rule, a[0, i], a[1, i], a[2, i], a[3, i], w)
            part_value[k, 1] = extra_hours(row, reassess[row, i], substance_use[i], a[2, i], language[i], held, theta,
                                           reassessment_hours, service_hours)
            part_value[k, 2] = r
            due[row, c] += r >= 1.0
    counts[COORDINATION_PART] = len(coord)
    return counts, caseworker_demand(rule_demand, coord, rule_hours[COORDINATION_PART], due, session_hours)


@compiled
def work_items(counts, m, part_slot, part_value, coord, week, coordination_hours,
               length, pull, a, kinds, klasses, out_cw, out_klass, out_key, out_hours, out_kind, out_who, ratio_of):
    """The week's work items (work.week_items) from :func:`work_demand`'s parts (``m``: the pool's
    length), part after part, coordination in the order owed: caseworker, class, key, hours, kind,
    slot (-1 for coordination) and norm ratio (0 for rule work). A session's hours are its
    caseworker's session length under pressure (``length``) plus its extra hours; a due session's
    key is pulled toward creaming by its caseworker's ``pull``. ``kinds`` and ``klasses``: the
    WorkKind and Priority of each part. Fills the ``out_`` columns and ``ratio_of``."""
    k = 0
    for p in range(len(counts)):
        if p == COORDINATION_PART:
            for c in coord:
                out_cw[k], out_key[k], out_hours[k], out_who[k], ratio_of[k] = c, week, coordination_hours, -1, 0.0
                out_kind[k], out_klass[k] = kinds[p], klasses[p]
                k += 1
            continue
        for src in range(p * m, p * m + counts[p]):
            c, i, key, hours = part_slot[src, 0], part_slot[src, 1], part_value[src, 0], part_value[src, 1]
            out_cw[k], out_who[k], out_key[k] = c, i, key
            out_kind[k], out_klass[k] = kinds[p], klasses[p]
            if p < SESSION_START:
                out_hours[k], ratio_of[k] = hours, 0.0
            else:
                out_hours[k], ratio_of[k] = length[c] + hours, part_value[src, 2]
                if (p - SESSION_START) % 2 == 0:                   # due: the creaming pull
                    out_key[k] = creaming_key(key, a[0, i], pull[c])
            k += 1


# ---- crowding out: the allocation of hours (office/crowding_out.py) ------------------------------
#: runs up to this long are sorted in place (insertion), longer ones by numpy's merge sort
SHORT_RUN = 16


@inlined
def sorts_before(x, y):
    """Whether key ``x`` goes strictly before ``y`` in numpy's sort order (NaN last)."""
    return x < y or (y != y and x == x)


@inlined
def sort_by_key(order, lo, hi, key):
    """``order[lo:hi]`` sorted by ``key`` of its entries, ties in their listed order: the order of
    ``np.argsort(kind="mergesort")``, which a stable sort gives whatever the method. A
    caseworker's class holds a few items: an insertion sort in place, rather than the merge sort's
    three arrays per run."""
    if hi - lo <= SHORT_RUN:
        for a in range(lo + 1, hi):
            k = order[a]
            v = key[k]
            b = a
            while b > lo and sorts_before(v, key[order[b - 1]]):
                order[b] = order[b - 1]
                b -= 1
            order[b] = k
    else:
        mine = order[lo:hi].copy()
        order[lo:hi] = mine[np.argsort(key[mine], kind="mergesort")]


@compiled
def allocate_hours(cw, klass, key, hours, budget, n_classes, order):
    """Which items each caseworker gets done (crowding_out.allocate): items ordered by caseworker,
    class and key (ties in listed order; a counting sort by caseworker and class, then a stable
    sort by key within each, :func:`sort_by_key`), worked down until the next item no longer fits the hours left.

    The hours used are a running sum over all items in that order less the sum before the
    caseworker's first item, as the numpy code's one cumulative sum was, so the two agree bit for bit.
    ``order`` is scratch, as long as the items.
    """
    n, n_buckets = len(cw), len(budget) * n_classes
    start = np.zeros(n_buckets + 1, dtype=np.int64)
    for k in range(n):
        start[cw[k] * n_classes + klass[k] + 1] += 1
    start = np.cumsum(start)
    at = start[:-1].copy()
    for k in range(n):
        b = cw[k] * n_classes + klass[k]
        order[at[b]] = k
        at[b] += 1
    for b in range(n_buckets):
        sort_by_key(order, start[b], start[b + 1], key)
    done = np.empty(n, dtype=np.bool_)
    total = before = 0.0
    last = -1
    for t in range(n):
        k = order[t]
        c, h = cw[k], hours[k]
        total += h
        if c != last:
            before = total - h
            last = c
        # hours are non-negative, so within a caseworker this is a prefix: strict priority
        done[k] = (total - before) <= budget[c] + 1e-9
    return done


@compiled
def spare_capacity(cw, hours, done, budget, cover_share, doer):
    """Each caseworker's hours to spare for colleagues' backlogs (crowding_out.cover): the budget
    less the hours of their done items (summed in item order, as the numpy code's ``bincount``
    did), times ``cover_share``. Fills ``doer`` with the caseworker of each done item, -1 else."""
    used = np.zeros(len(budget))
    for k in range(len(cw)):
        doer[k] = cw[k] if done[k] else -1
        if done[k]:
            used[cw[k]] += hours[k]
    return np.maximum(budget - used, 0.0) * cover_share


@compiled
def backlog_order(items, klass, key, last_class, scratch):
    """``items`` (in item order) sorted by class, then key, ties in item order, as numpy's
    ``lexsort((key, klass))`` would: a stable sort by key within each class. ``scratch``: as
    long as ``items``."""
    n = 0
    for c in range(last_class + 1):
        lo = n
        for k in items:
            if klass[k] == c:
                scratch[n] = k
                n += 1
        sort_by_key(scratch, lo, n, key)
    return scratch[:n]


@compiled
def cover_backlogs(cw, klass, key, hours, done, budget, group_of_cw, helps_group, cover_share, last_class, doer,
                   scratch):
    """Colleagues with spare hours take on others' undone items (crowding_out.cover): intake, rule
    work and due sessions (classes up to ``last_class``) of caseworkers with a backlog, cover group
    by cover group. A group's items, by class and key, are laid end to end against its helpers'
    spare hours, the helpers by spare hours (most first; ties by caseworker): an item goes to the
    helper whose hours hold it whole, one straddling two helpers' hours is left undone. Fills
    ``doer`` (the caseworker who does each item, -1 if nobody); ``scratch``: int64, twice as long
    as the items. Cumulative sums and the search are as the numpy code's, so the two agree bit
    for bit. Returns the number of items covered."""
    capacity = spare_capacity(cw, hours, done, budget, cover_share, doer)
    todo = scratch[:len(cw)]
    n = 0
    for k in range(len(cw)):
        todo[n] = k                      # every item written, the next backlog item over it
        n += (not done[k]) and klass[k] <= last_class and cw[k] >= 0
    if n == 0 or not (capacity > 0).any():
        return 0
    todo = todo[:n]
    in_group = np.empty(n, dtype=np.int64)
    for g in range(helps_group.shape[1]):
        m = 0
        for k in todo:
            in_group[m] = k
            m += group_of_cw[cw[k]] == g
        if m == 0:
            continue
        items = backlog_order(in_group[:m], klass, key, last_class, scratch[len(cw):])
        helpers = np.flatnonzero(helps_group[:, g] & (capacity > 0))
        if len(helpers) == 0:
            continue
        helpers = helpers[np.argsort(-capacity[helpers], kind="mergesort")]
        spare = capacity[helpers]
        cap_end = np.cumsum(spare)
        item_end = np.cumsum(hours[items])
        at = np.minimum(np.searchsorted(cap_end, item_end), len(helpers) - 1)
        given = np.zeros(len(capacity))
        for t in range(len(items)):
            a = at[t]
            start = item_end[t] - hours[items[t]]
            if item_end[t] <= cap_end[-1] + 1e-9 and start >= cap_end[a] - spare[a] - 1e-9:
                doer[items[t]] = helpers[a]
                given[helpers[a]] += hours[items[t]]
        capacity -= given
    covered = 0
    for k in todo:
        covered += doer[k] >= 0
    return covered


@compiled
def book_hours(cw, kind, hours, done, kind_activity, kind_task, n_staff, n_activities, n_tasks, documentation):
    """Hours each caseworker spent on done items (Office.book_hours): by activity (less the
    documentation share), the documentation share, and by task (a spare last column for
    coordination); sums in item order, as the numpy code's ``add.at`` and ``bincount`` did."""
    by_activity = np.zeros((n_staff, n_activities))
    documented = np.zeros(n_staff)
    by_task = np.zeros((n_staff, n_tasks + 1))
    for k in range(len(cw)):
        if done[k]:
            c, h = cw[k], hours[k]
            by_activity[c, kind_activity[kind[k]]] += h * (1.0 - documentation)
            documented[c] += h
            by_task[c, kind_task[kind[k]]] += h
    return by_activity, documented * documentation, by_task


# ---- the follow-up census (office/census.py) ------------------------------------------------------
@compiled
def position_quintiles(pos, quintile, bin_of, by_bin):
    """Quintile of each position in [0, 1] by rank (0 lowest; ties ranked in listed order, as a
    stable sort would): rank r is in quintile r * 5 // n. The four boundary values are found by
    selection (a counting sort into narrow bins, then a sort of the one bin holding each
    boundary), and a value equal to a boundary goes above it once enough of its ties are seen.
    Fills ``quintile``; ``bin_of`` and ``by_bin`` are scratch, as long as ``pos``."""
    n = len(pos)
    n_bins = n // 4 + 1
    start = np.zeros(n_bins + 1, dtype=np.int64)
    for u in range(n):
        b = min(max(int(pos[u] * n_bins), 0), n_bins - 1)     # monotone in the position
        bin_of[u] = b
        start[b + 1] += 1
    start = np.cumsum(start)
    at = start[:-1].copy()
    for u in range(n):
        by_bin[at[bin_of[u]]] = pos[u]
        at[bin_of[u]] += 1
    bound = np.empty(4, dtype=np.int64)      # quintile q + 1 starts at rank ceil((q + 1) n / 5)
    value = np.empty(4)
    below = np.empty(4, dtype=np.int64)      # positions below each boundary value
    b = 0
    for q in range(4):
        bound[q] = -(-(q + 1) * n // 5)
        while start[b + 1] <= bound[q]:
            b += 1
        here = np.sort(by_bin[start[b]:start[b + 1]])
        value[q] = here[bound[q] - start[b]]
        below[q] = start[b] + np.searchsorted(here, value[q])
    equal_seen = np.zeros(4, dtype=np.int64)
    for u in range(n):
        k = 0
        for q in range(4):
            if pos[u] > value[q]:
                k += 1
            elif pos[u] == value[q]:
                k += below[q] + equal_seen[q] >= bound[q]      # its rank among the tied
                equal_seen[q] += 1
        quintile[u] = k


@compiled
def follow_up_census(pool, users_in_pool, need_work, need_hs, registered, a, benefit, benefit_group, n_groups, who,
                     kind, hours, done, follow_up_kind, scratch, scratch_float, user_of):
    """Users needing follow-up and the hours they got, by marginalisation quintile and by benefit
    group (census.follow_up_census). Users are the registered in ``pool`` who need follow-up
    (``need_work`` or ``need_hs``, masks over the pool), found among ``users_in_pool`` (the places
    in the pool of the office's users, registered or due an intake, in pool order);
    quintiles rank them by position (mean arena; ties in slot order, as a stable sort would),
    found by selection rather than a sort; hours are summed over done items of a follow-up kind
    (``follow_up_kind``: a flag per WorkKind), in item order.

    Returns (users by quintile, users by group, hours by quintile, hours by group); all zero if
    fewer than five users need follow-up. ``scratch`` (int64) and ``scratch_float`` are at least
    four and two times as long as ``pool``; ``user_of`` (int64, a scratch entry per slot) finds a
    slot's place among the users.
    """
    quintile_users = np.zeros(5, dtype=np.int64)
    group_users = np.zeros(n_groups, dtype=np.int64)
    quintile_hours = np.zeros(5)
    group_hours = np.zeros(n_groups)
    n, m = 0, len(pool)
    users = scratch[:m]
    for j in users_in_pool:
        users[n] = pool[j]
        n += registered[pool[j]] & (need_work[j] | need_hs[j])
    if n < 5:
        return quintile_users, group_users, quintile_hours, group_hours
    users, quintile, group, bin_of = users[:n], scratch[m:m + n], scratch[2 * m:2 * m + n], scratch[3 * m:3 * m + n]
    pos, by_bin = scratch_float[:n], scratch_float[m:m + n]
    for u in range(n):
        i = users[u]
        pos[u] = (((a[0, i] + a[1, i]) + a[2, i]) + a[3, i]) / 4.0
    position_quintiles(pos, quintile, bin_of, by_bin)
    for u in range(n):
        group[u] = benefit_group[benefit[users[u]]]
        quintile_users[quintile[u]] += 1
        group_users[group[u]] += 1
    for u in range(n):
        user_of[users[u]] = u
    for t in range(len(who)):
        if done[t] and follow_up_kind[kind[t]]:
            u = user_of[who[t]]                 # (a slot not among the users holds a stale or garbage index)
            if 0 <= u < n and users[u] == who[t]:
                quintile_hours[quintile[u]] += hours[t]
                group_hours[group[u]] += hours[t]
    return quintile_users, group_users, quintile_hours, group_hours


# ---- what follow-up sessions change (office/sessions.py) ------------------------------------------
@inlined
def need_level(lost, health, disabled):
    """Need level (work.need_level for one user): 0 arenas lost standard, 1 situational, 2 or more or a
    health problem special; permanent on disability benefit (NeedLevel codes 1-4)."""
    if disabled:
        return 4
    level = min(lost, 2) + 1
    return max(level, 3) if health else level


@compiled
def intakes_done(who, kind, done, intake_kind, week, lost, health, benefit, disability, call_in, error_draws,
                 self_assessment_error, standard, intake_due, registered, last_session, user_need_level):
    """The intakes held this week (sessions.intakes), in item order: the user is registered, the
    follow-up clock starts (the first session comes one interval later) and the need level is set
    (:func:`need_level`); at a group call-in the needs are self-assessed and some placed too low
    (``error_draws``, one per intake held, below ``self_assessment_error``: standard). Returns the
    intakes held."""
    n = 0
    for t in range(len(who)):
        if not (done[t] and kind[t] == intake_kind):
            continue
        i = who[t]
        intake_due[i] = False
        registered[i] = True
        for row in range(last_session.shape[0]):
            last_session[row, i] = week
        level = need_level(lost[i], health[i], benefit[i] == disability)
        if call_in and error_draws[n] < self_assessment_error:
            level = standard
        user_need_level[i] = level
        n += 1
    return n


@compiled
def assessments_done(who, kind, done, assessment_kind, lost, health, benefit, disability, work_ability_assessed,
                     user_need_level):
    """The work-ability assessments held this week (sessions.assessments): disability can now be
    decided, and the need level is set (:func:`need_level`). Returns the assessments held."""
    n = 0
    for t in range(len(who)):
        if done[t] and kind[t] == assessment_kind:
            i = who[t]
            work_ability_assessed[i] = True
            user_need_level[i] = need_level(lost[i], health[i], benefit[i] == disability)
            n += 1
    return n


@compiled
def dialogue_meetings_done(who, kind, done, dialogue_kind, week, graded_return_weeks, meeting_hours, dialogue_held,
                           graded_return_until, sessions_week, hours_week):
    """The dialogue meetings held this week (sessions.dialogue_meetings): activation and graded
    return for ``graded_return_weeks``; the meeting counts as a session of ``meeting_hours``
    (float32, as ``hours_week``). Returns the meetings held."""
    n = 0
    for t in range(len(who)):
        if done[t] and kind[t] == dialogue_kind:
            i = who[t]
            dialogue_held[i] = True
            graded_return_until[i] = week + graded_return_weeks
            sessions_week[i] += 1
            hours_week[i] += meeting_hours
            n += 1
    return n


@inlined
def portfolio_gain(held, substance_use, housing, language, theta, portfolio_effect):
    """The factor on a housing and social session's gain from a service the office holds for the
    user's need (work.portfolio_need for one user; ``held``, a tuple of flags: substance use,
    housing, introduction)."""
    return 1.0 + portfolio_effect * (1.0 if portfolio_need(held, substance_use, housing, language, theta) else 0.0)


@compiled
def follow_up_sessions(who, cw, kind, hours, done, ratio, session_kinds, week, lost, competence, pressure,
                       draws, effects, rules, held, theta, reassessment_hours, service_hours, codes,
                       user_cw, had_session, intake_week, sessions_week, hours_week, sessions_same, reassess,
                       last_session, last_position, failures, parked_until, need_level_of, a, benefit, benefit_weeks,
                       health, substance_use, language, graded_return_until, job_search_help_until):
    """The follow-up sessions held this week and what they change (sessions.follow_up), row by row (0
    work, then 1 housing and social; ``session_kinds``: the WorkKind of each), user by user in item
    order within a row, in one call.

    ``effects``: (continuity start, time per arena lost, effect scale, portfolio effect, work,
    housing, activity and economy effects, qualification uptake); ``rules``: (continuity sessions,
    graded-return weeks, job-search-help weeks, parking after failures, parking review weeks);
    ``codes``: (sick pay, AAP, social assistance, qualification programme, disability benefit);
    ``draws``: a uniform number per work session held, in item order (the uptake of the
    qualification programme). Returns the week's counts: slipped, held (by row), early, first
    sessions, weeks waited for first sessions, parked, qualification starts.
    """
    cs, per_lost, scale, portfolio_effect = effects[0], effects[1], effects[2], effects[3]
    n_cont, graded_weeks, search_weeks, park_after, park_weeks = rules[0], rules[1], rules[2], rules[3], rules[4]
    sick_pay, aap, social_assistance, qualification, disability = codes[0], codes[1], codes[2], codes[3], codes[4]
    held = (held[0], held[1], held[2])      # (scalars, not an array, into the inlined helper)
    slipped = early = first = first_wait = parked = starts = 0
    held_by_row = np.zeros(2, dtype=np.int64)
    d = 0
    for row in range(2):
        task, session_kind = 2 + row, session_kinds[row]
        held_n = 0
        for t in range(len(who)):
            if kind[t] != session_kind:
                continue
            if not done[t]:
                slipped += ratio[t] >= 1.0
                continue
            i, c, h = who[t], cw[t], hours[t]
            held_n += 1
            early += ratio[t] < 1.0
            fresh = not had_session[i]             # a first session: counted with the weeks waited for it
            first += fresh
            first_wait += (week - intake_week[i]) * fresh
            had_session[i] = True
            sessions_week[i] += 1
            hours_week[i] = hours_week[i] + h
            same = sessions_same[row, i]
            own = c == user_cw[task, i]            # held by the user's own caseworker, not a colleague covering
            # reading the case makes no progress
            useful = max(h - extra_hours(row, reassess[row, i], substance_use[i], a[2, i], language[i], held, theta,
                                         reassessment_hours, service_hours), 0.0)
            continuity = cs + (1.0 - cs) * min(same if own else 0, n_cont) / n_cont
            gain = useful * competence[c, task] * continuity / (1.0 + per_lost * lost[i]) * scale
            if row == 1 and (held[0] or held[1] or held[2]):
                gain = gain * portfolio_gain(held, substance_use[i], a[2, i], language[i], theta, portfolio_effect)
            if own:
                reassess[row, i] = False
            if row == 0:
                # the route that fits: activation for the sick and AAP users, job-search help for others;
                # the work arena builds, more for those far from work; perhaps the qualification programme
                a[0, i] = min(a[0, i] + effects[4] * gain * (1.0 - a[0, i]), 1.0)
                ben = benefit[i]
                if ben in (sick_pay, aap):
                    graded_return_until[i] = week + graded_weeks
                else:
                    job_search_help_until[i] = week + search_weeks
                if ben == social_assistance and benefit_weeks[i] >= 26 and need_level_of[i] >= 3 \
                        and draws[d] < effects[8]:
                    benefit[i] = qualification
                    benefit_weeks[i] = 0
                    starts += 1
                d += 1
            else:
                for arena, effect in ((2, effects[5]), (1, effects[6]), (3, effects[7])):
                    a[arena, i] = min(a[arena, i] + effect * gain, 1.0)
            sessions_same[row, i] = same + 1 if own else same
            last_session[row, i] = week
            # progress since the last session; under pressure, users without progress are parked (003:593-605)
            pos = (((a[0, i] + a[1, i]) + a[2, i]) + a[3, i]) / 4.0
            failures[i] = 0 if pos > last_position[i] + 1e-9 else failures[i] + 1
            last_position[i] = pos
            if park_after > 0 and failures[i] >= park_after and pressure[c] > 1.0:
                parked_until[i] = week + park_weeks
                failures[i] = 0
                parked += 1
            need_level_of[i] = need_level(lost_count(a[0, i], a[1, i], a[2, i], a[3, i], theta), health[i],
                                          benefit[i] == disability)
        held_by_row[row] = held_n
    return slipped, held_by_row, early, first, first_wait, parked, starts


# ---- decisions on social assistance (office/sessions.py) --------------------------------------------
@inlined
def decision_weeks(pressure, weeks, longest):
    """Weeks a decision lasts (sessions.decision_period for one caseworker under ``pressure``): the
    recommended ``weeks``, longer as the pressure grows, up to ``longest``."""
    return int(min(max(np.rint(weeks * max(pressure, 1.0)), weeks), max(longest, weeks)))


@compiled
def decisions_and_renewals(who, cw, kind, done, decision_kind, renewal_kind, week, theta, period_weeks, longest,
                           no_benefit, social_assistance, pressure, user_cw, sa_applied, sa_pending, next_renewal,
                           sessions_same, benefit, benefit_weeks, employed, sa_top_up, economy, paid):
    """The social-assistance decisions and renewals done this week and what they change
    (sessions.social_assistance), all decisions first, then all renewals, each in item order.

    A decision grants the application for one decision period (:func:`decision_weeks` under the
    caseworker's ``pressure``): assistance as main income for someone without a benefit or a job,
    else a top-up. A renewal stops assistance for a user whose economy is no longer lost (at
    ``theta``), else renews it (a user on it as main income who has found a job keeps it as a
    top-up). A decision or renewal with the caseworker who also follows the user up counts toward
    their relationship (``sessions_same``). The users paid (granted or renewed) go to ``paid``.
    Returns decisions, renewals, stopped, the weeks the decided applications waited, the weeks of
    the periods granted and of those renewed, and the number paid.
    """
    decisions = renewals = stopped = waited = granted = renewed = n_paid = 0
    for t in range(len(who)):
        if kind[t] != decision_kind or not done[t]:
            continue
        i, c = who[t], cw[t]
        decisions += 1
        waited += week - sa_applied[i]
        if benefit[i] == no_benefit and not employed[i]:
            benefit[i] = social_assistance
            benefit_weeks[i] = 0
        else:
            sa_top_up[i] = True
        paid[n_paid] = i
        n_paid += 1
        sa_pending[i] = False
        for row in range(2):                 # knowing the user (the follow-up tasks' caseworkers)
            sessions_same[row, i] += user_cw[2 + row, i] == c
        weeks = decision_weeks(pressure[c], period_weeks, longest)
        next_renewal[i] = week + weeks
        granted += weeks
    for t in range(len(who)):
        if kind[t] != renewal_kind or not done[t]:
            continue
        i, c = who[t], cw[t]
        renewals += 1
        for row in range(2):
            sessions_same[row, i] += user_cw[2 + row, i] == c
        if economy[i] >= theta:              # means again: assistance stops
            if benefit[i] == social_assistance:
                benefit[i] = no_benefit
            sa_top_up[i] = False
            stopped += 1
            continue
        if benefit[i] == social_assistance and employed[i]:     # in work: kept as a top-up
            benefit[i] = no_benefit
            sa_top_up[i] = True
        weeks = decision_weeks(pressure[c], period_weeks, longest)
        next_renewal[i] = week + weeks
        renewed += weeks
        paid[n_paid] = i
        n_paid += 1
    return decisions, renewals, stopped, waited, granted, renewed, n_paid


# ---- registration, releases, caseloads and who awaits a caseworker (office/office.py) -----------
#: the week's tallies of :func:`needs_and_registration`, in the order it returns them
NEW_USERS, RELEASED_EMPLOYED, RELEASED_NEED_ENDED, RELEASED_DISABILITY = range(4)
ENDED_SPELLS, ENDED_CONTACT_POINTS, ENDED_HANDOFFS, ENDED_TO_WORK, ENDED_TO_DISABILITY = range(4, 9)
TALLIES = 9


@inlined
def intake_queue(needs_office, registered, due):
    """A user's place in the intake queue (:func:`needs_and_registration`): a new user needing the
    office joins it; one whose need ended before the intake leaves it. Returns (due, new, dropped)."""
    if needs_office and not registered and not due:
        return True, True, False
    if due and not needs_office:
        return False, False, True
    return due, False, False


@inlined
def release_reason(employed, disabled):
    """The tally a release counts under: employed, disability, else need ended."""
    if employed:
        return RELEASED_EMPLOYED
    return RELEASED_DISABILITY if disabled else RELEASED_NEED_ENDED


@inlined
def first_holder(task, k, economic, work):
    """Whether caseworker ``k`` (>= 0) holding ``task`` (1 economic, 2 work, 3 housing/social) adds
    the user to their caseload: a caseworker holding two or three of the user's tasks counts them
    once, at the first."""
    if task == 1:
        return True
    if task == 2:
        return k != economic
    return k != economic and k != work


@compiled
def end_office_spells(ended, employed, benefit, disability, never, tally, cw, registered, need_level, failures,
                      handoffs, contact_points, had_session, dialogue_held, parked_until, last_session):
    """The office spells of ``ended`` end (UserState.end_spell, and the intake caseworker released),
    counted in ``tally`` with their contact points, hand-offs and destination."""
    for i in ended:
        tally[ENDED_SPELLS] += 1
        tally[ENDED_CONTACT_POINTS] += contact_points[i]
        tally[ENDED_HANDOFFS] += handoffs[i]
        tally[ENDED_TO_WORK] += employed[i]
        tally[ENDED_TO_DISABILITY] += benefit[i] == disability
        cw[0, i] = -1
        registered[i] = False
        need_level[i] = failures[i] = handoffs[i] = contact_points[i] = 0
        had_session[i] = dialogue_held[i] = False
        parked_until[i] = last_session[0, i] = last_session[1, i] = never


@inlined
def could_need_office(alive, employed, student, ben, short_sick, benefit_weeks, sa_top_up, economy, registered,
                      intake_due, sa_pending, theta, disability, early_pension, sick_pay, social_assistance,
                      qualification, sick_leave_follow_up_weeks):
    """Whether a slot belongs to the office's pool (Office.step): everyone the office already knows
    (registered, due an intake, an application pending) and the living who need work follow-up or
    social assistance this week (:func:`follow_up_needs`, :func:`assistance_need`; housing and
    social follow-up is for registered users only). Anyone else needs nothing of the office: the
    week's pass over the pool would find no need, make no application and change nothing."""
    work, _ = follow_up_needs(alive, employed, student, ben, short_sick, benefit_weeks, False, 1.0, 1.0, theta,
                              disability, early_pension, sick_pay, sick_leave_follow_up_weeks)
    economic, _, _ = assistance_need(alive, student, ben, sa_top_up, economy, False, theta, social_assistance,
                                     qualification)
    return registered | intake_due | sa_pending | work | economic


@inlined
def follow_up_needs(alive, employed, student, ben, short_sick, benefit_weeks, registered, activity, housing, theta,
                    disability, early_pension, sick_pay, sick_leave_follow_up_weeks):
    """Whether a user needs work follow-up (jobseekers, AAP users, programme participants, and workers
    on long sick leave from week ``sick_leave_follow_up_weeks``) and housing and social follow-up (a
    registered user, not on disability benefit, whose activity or housing is lost)."""
    out_of_work = alive & (not employed) & (not student) & (ben != disability) & (ben != early_pension) \
        & (ben != sick_pay)
    long_sick = alive & (ben == sick_pay) & (not short_sick) & (benefit_weeks >= sick_leave_follow_up_weeks)
    housing_social = registered & alive & (ben != disability) & ((housing < theta) | (activity < theta))
    return out_of_work | long_sick, housing_social


@inlined
def assistance_need(alive, student, ben, sa_top_up, economy, pending, theta, social_assistance, qualification):
    """Social assistance is means-tested: anyone living without means, not a student and not on it
    already, may apply; an application no longer eligible is withdrawn. Returns (the economic
    task is needed, an application is pending, one is made this week)."""
    on_sa = (ben == social_assistance) | sa_top_up
    eligible = alive & (not on_sa) & (not student) & (economy < theta)
    applies = eligible and not pending
    pending = (pending | eligible) & eligible
    return alive & (on_sa | (ben == qualification) | pending), pending, applies


@compiled
def office_pool(alive, employed, in_education, benefit, short_sick, benefit_weeks, sa_top_up, a, registered,
                intake_due, sa_pending, theta, codes, sick_leave_follow_up_weeks, lost):
    """The slots that can need the office (:func:`could_need_office`), in slot order, and every
    slot's arenas below ``theta`` into ``lost`` (Citizens.arenas_lost): the part of
    :func:`needs_and_registration` over every slot. A first loop decides slot by slot, nothing
    carried over (so it is vectorised), a second lists the slots kept."""
    disability, early_pension, sick_pay, social_assistance, qualification = \
        codes[0], codes[1], codes[2], codes[3], codes[4]
    n = len(alive)
    keep = np.empty(n, dtype=np.bool_)
    m = 0
    for i in range(n):
        economy = a[3, i]
        lost[i] = lost_count(a[0, i], a[1, i], a[2, i], economy, theta)
        keep[i] = could_need_office(alive[i], employed[i], in_education[i], benefit[i], short_sick[i],
                                    benefit_weeks[i], sa_top_up[i], economy, registered[i], intake_due[i],
                                    sa_pending[i], theta, disability, early_pension, sick_pay, social_assistance,
                                    qualification, sick_leave_follow_up_weeks)
        m += keep[i]
    pool = np.empty(m + 1, dtype=np.int64)
    j = 0
    for i in range(n):           # every slot written, the next kept one over it: no branch to mispredict
        pool[j] = i
        j += keep[i]
    return pool[:m]


@compiled
def needs_and_registration(alive, employed, in_education, benefit, short_sick, benefit_weeks, sa_top_up, a,
                           registered, intake_due, sa_pending, sa_applied, intake_week, cw, sessions_same,
                           blocked_until, contact_points, handoffs, need_level, failures, had_session, dialogue_held,
                           parked_until, last_session, caseload, week, theta, sick_leave_follow_up_weeks, codes,
                           never, needs, awaiting, lost, users):
    """Who needs the office this week and what follows, user by user (Office.needs_and_registration;
    it replaces Office.pool, .needs, .register_and_release and Citizens.arenas_lost, which read the
    same columns): a pass over the population, then one over the pool.

    * the pool (:func:`office_pool`, which also counts every slot's arenas lost): the slots that
      can need the office, in slot order; everything below is for the pool's slots, ``j`` their
      place in it;
    * their needs: work follow-up and housing and social follow-up (:func:`follow_up_needs`), and
      social assistance (:func:`assistance_need`; applications are made, ``sa_applied`` = ``week``,
      and withdrawn, ``sa_pending``, in place); ``needs`` (3, slots): rows work, economic,
      housing and social, entry ``j``;
    * new users wait for intake (``intake_due``, ``intake_week``); an intake no longer needed is
      dropped, and its caseworker released;
    * a registered user's tasks whose need ended are released (the caseworker lets the user go, a
      follow-up relationship ends), counted by reason: employed, disability, need ended;
    * a registered user with no need left ends the office spell (:func:`end_office_spells`, after
      the pass: such a user holds no caseworker and awaits none);
    * ``caseload``: distinct users per caseworker over the economic, work and housing/social tasks,
      counted anew (a user counts once for a caseworker who holds two or three of their tasks);
    * ``awaiting`` (4, slots): the slots awaiting a caseworker, task by task, each in pool order:
      intake for those due it without one, and each task a registered user needs, lacks a
      caseworker for and is not in transit for;
    * ``users``: the places in the pool of the office's users after the pass, registered or due
      an intake, in pool order (all the week's work items are theirs).

    ``codes``: (disability, early pension, sick pay, social assistance, qualification
    programme) benefit codes. Only registered users hold a caseworker for those tasks, and every
    registered user is in the pool, so counting the pool's registered users counts every
    caseload. Running tallies are local variables, not array entries (an entry updated every
    iteration chains the iterations through memory). Returns the pool, the number of users, the
    number awaiting each task and the week's tallies (NEW_USERS ... ENDED_TO_DISABILITY).
    """
    disability, early_pension, sick_pay, social_assistance, qualification = codes[0], codes[1], codes[2], codes[3], \
        codes[4]
    pool = office_pool(alive, employed, in_education, benefit, short_sick, benefit_weeks, sa_top_up, a, registered,
                       intake_due, sa_pending, theta, codes, sick_leave_follow_up_weeks, lost)
    m = len(pool)
    counts = np.zeros(4, dtype=np.int64)
    tally = np.zeros(TALLIES, dtype=np.int64)
    caseload[:] = 0
    ended = np.empty(m + 1, dtype=np.int64)
    new_users = n_intake = n_ended = n_users = 0
    for j in range(m):
        i = pool[j]
        reg, due, ben, live, emp = registered[i], intake_due[i], benefit[i], alive[i], employed[i]
        economy = a[3, i]
        student = in_education[i]
        work, hs = follow_up_needs(live, emp, student, ben, short_sick[i], benefit_weeks[i], reg, a[1, i], a[2, i],
                                   theta, disability, early_pension, sick_pay, sick_leave_follow_up_weeks)
        economic, pending, applies = assistance_need(live, student, ben, sa_top_up[i], economy, sa_pending[i],
                                                     theta, social_assistance, qualification)
        if applies:
            sa_applied[i] = week
        sa_pending[i] = pending
        needs[0, j], needs[1, j], needs[2, j] = work, economic, hs
        need = (economic, work, hs)                                 # by task, economic first
        due, new, dropped = intake_queue(economic or work, reg, due)
        intake_due[i] = due
        new_users += new
        if new:
            intake_week[i] = week
        if dropped:                                                  # (and its caseworker released)
            cw[0, i] = -1
        awaiting[0, n_intake] = i              # who awaits intake (kept if due without a caseworker)
        n_intake += due and cw[0, i] < 0
        users[n_users] = j                     # a user after the pass (kept if so)
        n_users += due or (reg and (economic or work or hs))
        if not reg:
            continue
        reason = release_reason(emp, ben == disability)
        for task in range(1, 4):
            if cw[task, i] >= 0 and not need[task - 1]:             # the need ended: released
                tally[reason] += 1
                cw[task, i] = -1
                if task >= 2:
                    sessions_same[task - 2, i] = 0
        ended[n_ended] = i                     # no need left: the office spell ends (kept if so)
        n_ended += not (economic or work or hs)
        open_ = week >= blocked_until[i]       # (not in transit)
        economic_cw, work_cw = cw[1, i], cw[2, i]
        for task in range(1, 4):
            k = cw[task, i]
            if k >= 0:
                caseload[k] += first_holder(task, k, economic_cw, work_cw)
            elif need[task - 1] and open_:                          # awaits a caseworker
                awaiting[task, counts[task]] = i
                counts[task] += 1
    counts[0] = n_intake
    tally[NEW_USERS] = new_users
    end_office_spells(ended[:n_ended], employed, benefit, disability, never, tally, cw, registered, need_level,
                      failures, handoffs, contact_points, had_session, dialogue_held, parked_until, last_session)
    return pool[:m], n_users, counts, tally


# ---- routing and hand-offs (office/handoffs.py) -----------------------------------------------------
#: target groups of units, as scenario.TARGET_GROUPS lists them
ALL_USERS, YOUTH, HEAVIEST, REFUGEES = range(4)


@compiled
def leavers_released(left, cw, registered, contact_points, handoffs):
    """What leaving ends at the office (Office.depart): the tasks, intake aside, whose caseworker
    the leavers ``left`` held (released), and for registered leavers their office spell with its
    contact points and hand-offs. Returns (tasks released, spells ended, contact points, hand-offs)."""
    released = ended = points = handed = 0
    for i in left:
        for t in range(1, cw.shape[0]):
            released += cw[t, i] >= 0
        if registered[i]:
            ended += 1
            points += contact_points[i]
            handed += handoffs[i]
    return released, ended, points, handed


@compiled
def route_users(idx, task, cw, unit_of_cw, unit_does, open_unit, unit_group, unit_start, unit_size, age,
                youth_age_limit, lost, language, birth_date):
    """The unit and caseworker for each user's ``task`` (handoffs.route): a unit the user already
    deals with that does the task (the first by task), else the first open unit for the user's
    group (``open_unit``: does the task and is not full); within the unit, a caseworker the user
    already has there, else by date of birth. Returns unit and caseworker, -1 where no unit can
    take the user."""
    n = len(idx)
    unit = np.full(n, -1, dtype=np.int64)
    chosen = np.full(n, -1, dtype=np.int64)
    for u in range(n):
        i = idx[u]
        k = -1
        for t in range(cw.shape[0]):
            if unit_does[unit_of_cw[cw[t, i]], task]:
                k = unit_of_cw[cw[t, i]]
                break
        if k < 0:
            for v in range(len(open_unit)):
                g = unit_group[v]
                if open_unit[v] and (g == ALL_USERS or (g == YOUTH and age[i] < youth_age_limit)
                                     or (g == HEAVIEST and lost[i] >= 3) or (g == REFUGEES and language[i])):
                    k = v
                    break
        if k < 0:
            continue
        unit[u] = k
        for t in range(cw.shape[0]):         # one caseworker per unit: the one the user has there
            if cw[t, i] >= 0 and unit_of_cw[cw[t, i]] == k:
                chosen[u] = cw[t, i]
                break
        if chosen[u] < 0:                    # date-split: birthdays in contiguous ranges (002:4536-4544)
            chosen[u] = unit_start[k] + min(int(birth_date[i] * unit_size[k]), unit_size[k] - 1)
    return unit, chosen


@compiled
def take_on(idx, chosen, draws, task, row, cw, blocked_until, lost_total, contact_points, handoffs, sessions_same,
            reassess, parked_until, caseload, week, handoff_loss, lost_weeks, handoff_delay):
    """Users ``idx`` meet caseworkers ``chosen`` for ``task`` (handoffs.assign): a caseworker the user
    has not met is a new contact point; meeting one while having another is a hand-off, which may
    lose the user between units for a while (``draws`` below ``handoff_loss``), else delays
    follow-up and is owed coordination; a new follow-up caseworker (``row`` >= 0) starts the
    relationship afresh and ends parking. A user with no caseworker (``chosen`` -1: every unit
    that could take them is full) waits and takes no draw. Returns the caseworkers owed
    coordination, and the users assigned, handed off and lost."""
    coord = np.empty(len(idx), dtype=np.int64)
    n_coord = assigned = n_lost = d = 0
    for u in range(len(idx)):
        i, k = idx[u], chosen[u]
        if k < 0:
            continue
        draw = draws[d]
        d += 1
        fresh = joins = True
        had = False
        for t in range(cw.shape[0]):
            fresh &= cw[t, i] != k
            joins &= t == 0 or cw[t, i] != k      # new in that caseworker's caseload (intake aside)
            had |= cw[t, i] >= 0
        handoff = fresh and had
        if handoff and draw < handoff_loss:      # lost between units: nobody takes up the task for a while
            blocked_until[i] = week + lost_weeks
            lost_total[i] += 1
            n_lost += 1
            continue
        cw[task, i] = k
        assigned += 1
        contact_points[i] += fresh
        if handoff:
            handoffs[i] += 1
            coord[n_coord] = k
            n_coord += 1
            if task != 0:
                blocked_until[i] = max(blocked_until[i], week + handoff_delay)
        if row >= 0:
            if fresh:
                sessions_same[row, i] = 0
                parked_until[i] = week           # a new caseworker looks at the case afresh
            if handoff:
                reassess[row, i] = True          # the new caseworker reads the case; the user retells it
        if task != 0 and joins:
            caseload[k] += 1
    return coord[:n_coord], assigned, n_coord, n_lost
