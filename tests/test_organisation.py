"""Organisation mechanisms (issue 14): the same code in every office, each test failing if its
mechanism is removed: learning and forgetting, task switching, re-assessment after a change of
caseworker, strain, reorganisation, contact points across tasks."""

import numpy as np
import pytest

import simulation as ms
from simulation.office.staff import Staff
from simulation.office.work import extra_hours
from simulation.vocabulary import Task

from conftest import SCENARIOS, small


@pytest.fixture(scope="module")
def specialist():
    return ms.load_scenario(SCENARIOS / "specialist.toml")


def test_experience_raises_competence_and_its_absence_lowers_it(specialist):
    staff = Staff(specialist, np.random.default_rng(1))
    before = staff.competence[:, Task.WORK].copy()
    practice = np.zeros_like(staff.experience)
    practice[:, Task.WORK] = 20.0                       # twenty hours of work follow-up a week
    for _ in range(52):
        staff.learn(practice)
    assert (staff.competence[:, Task.WORK] > before).all(), "a year of practice makes caseworkers better at it"
    learnt = staff.competence[:, Task.WORK].copy()
    for _ in range(104):
        staff.learn(np.zeros_like(staff.experience))
    assert (staff.competence[:, Task.WORK] < learnt).all(), "two years without practice: skills fade"
    assert (staff.competence >= specialist.caseworkers.competence_floor - 1e-12).all()


def test_a_specialist_unit_learns_its_task_deeper_than_a_generalist():
    run = {name: ms.run(small(ms.load_scenario(SCENARIOS / f"{name}.toml"), citizens=3000, weeks=104, warmup=156),
                        seed=3).summary for name in ("generalist", "specialist")}
    assert run["specialist"]["competence_work"] > run["generalist"]["competence_generalist"]


def test_switching_between_task_types_costs_time(specialist):
    staff = Staff(specialist, np.random.default_rng(1))
    one = np.zeros_like(staff.experience)
    one[:, Task.WORK] = 10.0
    staff.learn(one)
    staff.week_budget(0)
    focused = staff.budget.copy()
    four = np.full_like(staff.experience, 2.5)
    staff.learn(four)
    staff.week_budget(0)
    lost = specialist.caseworkers.task_switch_hours * 3
    assert np.allclose(focused - staff.budget, lost), "three extra task types cost three switches a week"


def test_a_new_caseworker_costs_a_reassessment(specialist):
    model = ms.WelfareModel(small(specialist, citizens=2000, weeks=30, warmup=20), rng=4).run()
    us = model.office.users
    fresh = np.flatnonzero(us.reassess[0] & (us.cw[Task.WORK] >= 0))
    assert len(fresh), "hand-offs in a specialist office leave users with a new work caseworker"
    hours = extra_hours(model.office, model.citizens, 0, fresh)
    assert np.allclose(hours, specialist.follow_up.reassessment_hours)
    generalist = ms.WelfareModel(small(ms.load_scenario(SCENARIOS / "generalist.toml"), citizens=2000, weeks=30,
                                       warmup=20), rng=4).run()
    users = generalist.office.users
    held = users.reassess[0] & (users.cw[Task.WORK] >= 0)
    assert not held.any(), "one caseworker for everything: nothing to retell"


def test_strain_raises_sick_leave_and_turnover(specialist):
    def weeks_off(pressure, seed=5):
        staff = Staff(specialist.scaled(200_000), np.random.default_rng(seed))   # many caseworkers: counts, not luck
        sick = leavers = 0
        for week in range(52):
            staff.pressure = np.full(len(staff), pressure)
            staff.wear(week, np.random.default_rng(seed + week))
            sick += int((staff.sick_until > week).sum())
            leavers += staff.leavers
        return sick, leavers

    calm, strained = weeks_off(1.0), weeks_off(2.0)
    assert strained[0] > 1.5 * calm[0], "strained caseworkers are off sick more"
    assert strained[1] > 1.5 * calm[1], "and leave more"


def test_a_reorganisation_breaks_relationships_and_costs_a_transition():
    switch = small(ms.load_scenario(SCENARIOS / "specialist_to_generalist.toml"), citizens=2000, weeks=140, warmup=20)
    model = ms.WelfareModel(switch, rng=2)
    productivity = {}
    while model.running:
        model.step()
        productivity[model.week - 1] = model.office.staff.productivity    # (the week just simulated)
    at = switch.reorganisation[0].week
    assert model.relationships_broken > 0
    assert productivity[at] < 1.0 and productivity[at + 4] < 1.0, "the transition costs productivity"
    assert productivity[at - 1] == 1.0 and productivity[max(productivity)] == 1.0
    assert [u.name for u in model.office.s.office.units] == ["generalist"]
    ts = model.timeseries()
    assert ts.loc[ts.week > at + 20, "handoffs"].sum() == 0, "after the switch, no more hand-offs"


def test_contact_points_count_the_caseworkers_met_across_tasks(specialist):
    model = ms.WelfareModel(small(specialist, citizens=2000, weeks=20, warmup=10), rng=6).run()
    us = model.office.users
    users = np.flatnonzero(us.registered)
    distinct = np.array([len({int(x) for x in us.cw[1:, u] if x >= 0}) for u in users])
    # contact points count every caseworker met in the spell, so never fewer than those held now
    assert (us.contact_points[users] >= distinct).all()
    assert (us.contact_points[users] >= 2).any(), "in a specialist office money and work are different people"
