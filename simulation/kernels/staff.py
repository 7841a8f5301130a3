"""The staff's week (office/staff.py): strain, sick leave and turnover (:func:`wear`), and the
hours each caseworker has for casework (:func:`hours_there`).

An office has tens to a few hundred posts, so these loops are short; as plain numpy they were
some twenty small array operations a week, a cost fixed per week that a small district pays as
often as a large one. The draws are made by the caller, in the plain form's order
(tests/test_kernels.py checks both kernels against it).
"""

from __future__ import annotations

from .compile import compiled, inlined


@inlined
def present(sick_until, vacant_until, week):
    """At work this week: neither sick nor a vacant post (Staff.present for one post)."""
    return sick_until <= week and vacant_until <= week


@compiled
def wear(week, pressure, strain, sick_until, vacant_until, experience, left, sick_draw, spell, leave_draw,
         strain_weeks, sick_leave_per_week, strain_sick_leave_factor, turnover_per_week, strain_turnover_factor,
         vacancy_weeks):
    """Strain moves toward last week's overload (pressure above 1) over ``strain_weeks``; a
    caseworker present falls sick (``sick_draw``) for ``spell`` weeks, or else leaves
    (``leave_draw``), each more often under strain. A leaver's post stays vacant for
    ``vacancy_weeks``; the newcomer starts without experience or strain. Marks ``left``;
    returns the number of leavers."""
    leavers = 0
    for k in range(len(pressure)):
        overload = max(pressure[k] - 1.0, 0.0)
        strain[k] += (overload - strain[k]) / strain_weeks
        here = present(sick_until[k], vacant_until[k], week)
        sick = here and sick_draw[k] < sick_leave_per_week * (1.0 + strain_sick_leave_factor * strain[k])
        if sick:
            sick_until[k] = week + spell[k]
        leave = here and not sick and leave_draw[k] < turnover_per_week * (1.0 + strain_turnover_factor * strain[k])
        left[k] = leave
        if leave:
            vacant_until[k] = week + vacancy_weeks
            experience[k, :] = 0.0
            strain[k] = 0.0
            leavers += 1
    return leavers


@compiled
def hours_there(week, contract_hours, sick_until, vacant_until, task_types, holiday_share, duty_share,
                task_switch_hours, productivity, absent, duty, switch, budget):
    """Each caseworker's week: absent hours (all of them when sick or the post is vacant, else the
    holiday share), duties (a share of the hours at work), the time lost switching between task
    types (one switch fewer than last week's task types), and the rest for casework, times the
    productivity (below 1 in a reorganisation's transition)."""
    for k in range(len(contract_hours)):
        here = present(sick_until[k], vacant_until[k], week)
        absent[k] = contract_hours[k] * holiday_share if here else contract_hours[k]
        at_work = contract_hours[k] - absent[k]
        duty[k] = at_work * duty_share
        switch[k] = task_switch_hours * max(task_types[k] - 1, 0) if here else 0.0
        budget[k] = max(at_work - duty[k] - switch[k], 0.0) * productivity
