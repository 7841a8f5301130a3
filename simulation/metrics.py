"""Indicators: one row per recorded week, yearly age profiles, and the run summary.

The weekly row is computed from model state with a handful of array reductions (no per-agent
reporters, which are the main cost of Mesa's DataCollector in sweeps). Column names are the
public vocabulary of every results table; docs/ODD.md ("Observation") describes each.

One window: every summary indicator covers the whole recorded period (``run.weeks`` after the
spin-up) unless its name ends in ``_last_year``. Age profiles are taken at the end of each
recorded year and averaged over the years.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .office import BENEFIT_GROUPS, RELEASE_REASONS, OfficeWeek
from .population import ARENAS, BENEFIT_NAMES, JOBSEEKER, Benefit, WeekEvents
from .scenario import derived
from .vocabulary import ACTIVITY_NAMES, WEEKS_PER_YEAR, Task, by_member

AXIS_BINS = 10
#: the window every summary indicator covers, as named in summaries, reports and the dashboard
WINDOW = "the whole recorded period"
COLUMNS = (
    ["week", "population", "inflow", "outflow", "deaths", "mean_position"]
    + [f"axis_bin_{k}" for k in range(AXIS_BINS)]
    + [f"share_lost_{k}" for k in range(5)]
    + [f"excluded_{a}" for a in ARENAS]
    + ["employed_share", "employed_20_66", "population_20_66", "in_education", "jobseekers", "sick_leave_share"]
    + [f"on_{b}" for b in BENEFIT_NAMES[1:]]
    + ["sa_main_income", "sa_top_ups"]
    + ["jobs_found", "jobs_lost", "to_aap", "to_aap_from_sick_pay", "aap_exits", "aap_exits_to_disability",
       "to_disability", "to_disability_from_aap", "to_disability_from_sick_pay", "evictions", "qualification_starts"]
    + ["users", "new_users", "waiting_for_intake", "waiting_for_caseworker", "assignments"]
    + [f"hours_{a}" for a in ACTIVITY_NAMES]
    + ["pressure", "decisions", "renewals", "sa_stopped", "decision_period_weeks_sum", "assessments",
       "dialogue_meetings", "pending_applications", "overdue_applications",
       "overdue_renewals", "decision_wait_weeks_sum", "sessions_work", "sessions_housing_social",
       "slipped_sessions", "early_sessions", "parked", "parked_users",
       "first_follow_ups", "first_follow_up_wait_weeks_sum", "handoffs", "lost_in_handoff",
       "mean_contact_points", "ended_spells", "ended_contact_points", "ended_handoffs",
       "ended_to_work", "ended_to_disability"]
    + [f"released_{r}" for r in RELEASE_REASONS]
    + [f"follow_up_hours_q{q}" for q in range(1, 6)]
    + [f"follow_up_users_q{q}" for q in range(1, 6)]
    + [f"follow_up_hours_{g}" for g in BENEFIT_GROUPS]
    + [f"follow_up_users_{g}" for g in BENEFIT_GROUPS]
    + ["staff_posts", "staff_sick", "staff_vacant", "staff_leavers", "staff_strain", "covered_items"]
    + ["benefits_paid_nok", "staff_cost_nok"]
)
INDEX = {name: i for i, name in enumerate(COLUMNS)}

#: age bands of the calibration targets: name -> (from age, to age) (docs/calibration_targets.md)
EMPLOYMENT_BANDS = {"20_24": (20, 25), "25_39": (25, 40), "40_54": (40, 55), "55_66": (55, 67)}
DISABILITY_BANDS = {"18_29": (18, 30), "30_39": (30, 40), "40_49": (40, 50), "50_59": (50, 60), "60_66": (60, 67),
                    "65_66": (65, 67)}
SA_BANDS = {"20_24": (20, 25), "25_29": (25, 30), "30_39": (30, 40), "40_49": (40, 50), "50_59": (50, 60),
            "60_66": (60, 67)}
#: headline stocks whose drift over the recorded window shows whether the run was in steady state
STOCKS = ("employment_rate", "disability_share", "aap_share", "sa_recipient_share", "share_2plus_lost", "users_share")


class Recorder:
    """Pre-allocated weekly table; ``record`` fills one week, ``frame`` returns a DataFrame."""

    def __init__(self, weeks: int):
        self.data = np.zeros((weeks, len(COLUMNS)))
        self.n = 0
        self.sa_month_hist = np.zeros(13, dtype=np.int64)   # months on social assistance per recipient-year
        self.spells: list[np.ndarray] = []                 # (start_week, duration) of ended unemployment spells
        self.unit_caseload: list[np.ndarray] = []          # mean users per caseworker, per unit, each week
        self.unit_staff: list[np.ndarray] = []             # per unit: sick share, competence in its tasks
        self.age_profiles: list[dict[str, float]] = []     # one per recorded year
        self.position = np.empty(0)    # each living citizen's position this week (kept: no weekly allocation)

    def record(self, model, week: int, events: WeekEvents, wk: OfficeWeek) -> None:
        c, office, s = model.citizens, model.office, model.params
        us = office.users
        alive = c.alive
        if len(self.position) < c.capacity:
            self.position = np.empty(c.capacity)
        counts = _population_counts(c, s.arenas.loss_threshold, self.position)
        n = int(counts[-1])
        k = AXIS_BINS
        ben_counts = counts[k + 9:k + 9 + len(Benefit)]
        n_employed, employed_adults, adults, in_education, n_jobseekers, top_ups = counts[k + 9 + len(Benefit):-1]
        r = self.data[self.n]
        r[INDEX["week"]] = week
        r[INDEX["population"]] = n
        r[INDEX["inflow"]] = len(events.arrived)
        r[INDEX["outflow"]] = len(events.left)
        r[INDEX["deaths"]] = events.deaths
        r[INDEX["mean_position"]] = self.position[:n].sum() / n
        i = INDEX["axis_bin_0"]
        r[i:i + AXIS_BINS] = counts[:k] / n
        i = INDEX["share_lost_0"]
        r[i:i + 5] = counts[k:k + 5] / n
        i = INDEX["excluded_work"]
        r[i:i + 4] = counts[k + 5:k + 9] / n
        r[INDEX["employed_share"]] = n_employed / n
        r[INDEX["employed_20_66"]] = employed_adults
        r[INDEX["population_20_66"]] = adults
        r[INDEX["in_education"]] = in_education
        r[INDEX["jobseekers"]] = n_jobseekers
        r[INDEX["sick_leave_share"]] = ben_counts[Benefit.SICK_PAY] / max(n_employed, 1)
        i = INDEX["on_unemployment_benefit"]
        r[i:i + len(Benefit) - 1] = ben_counts[1:]
        r[INDEX["sa_main_income"]] = ben_counts[Benefit.SOCIAL_ASSISTANCE]
        r[INDEX["sa_top_ups"]] = top_ups
        r[INDEX["on_social_assistance"]] = ben_counts[Benefit.SOCIAL_ASSISTANCE] + top_ups   # all recipients
        for name in ("jobs_found", "jobs_lost", "to_aap", "to_aap_from_sick_pay", "aap_exits",
                     "aap_exits_to_disability", "to_disability", "to_disability_from_aap",
                     "to_disability_from_sick_pay", "evictions"):
            r[INDEX[name]] = getattr(events, name)
        r[INDEX["qualification_starts"]] = wk.qualification_starts
        # every user and applicant, and all who need work follow-up or social assistance (office.known):
        # the office's state is read here
        users, intake, waiting, parked, pending, overdue, overdue_renewals, contacts = _office_counts(
            c, us, office.known, week, s.office.decision_deadline_weeks)
        r[INDEX["users"]] = users
        r[INDEX["new_users"]] = wk.new_users
        r[INDEX["waiting_for_intake"]] = intake
        r[INDEX["waiting_for_caseworker"]] = waiting
        r[INDEX["assignments"]] = wk.assignments
        i = INDEX["hours_intake"]
        r[i:i + len(ACTIVITY_NAMES)] = wk.hours
        for name in ("pressure", "decisions", "renewals", "sa_stopped", "assessments", "dialogue_meetings",
                     "slipped_sessions", "early_sessions", "parked", "first_follow_ups", "handoffs", "lost_in_handoff",
                     "ended_spells", "ended_contact_points", "ended_handoffs", "ended_to_work", "ended_to_disability"):
            r[INDEX[name]] = getattr(wk, name)
        r[INDEX["decision_period_weeks_sum"]] = wk.decision_period_weeks
        r[INDEX["parked_users"]] = parked
        r[INDEX["pending_applications"]] = pending
        r[INDEX["overdue_applications"]] = overdue
        r[INDEX["overdue_renewals"]] = overdue_renewals
        r[INDEX["decision_wait_weeks_sum"]] = wk.decision_wait_weeks
        r[INDEX["sessions_work"]], r[INDEX["sessions_housing_social"]] = wk.sessions
        r[INDEX["first_follow_up_wait_weeks_sum"]] = wk.first_follow_up_wait_weeks
        # (the contact points are integers: their sum is exact, so this is numpy's mean over the users)
        r[INDEX["mean_contact_points"]] = contacts / users if users else 0.0
        i = INDEX[f"released_{RELEASE_REASONS[0]}"]
        r[i:i + len(RELEASE_REASONS)] = wk.releases
        i = INDEX["follow_up_hours_q1"]
        r[i:i + 5] = wk.quintile_hours
        r[i + 5:i + 10] = wk.quintile_users
        i = INDEX[f"follow_up_hours_{BENEFIT_GROUPS[0]}"]
        r[i:i + len(BENEFIT_GROUPS)] = wk.group_hours
        r[i + len(BENEFIT_GROUPS):i + 2 * len(BENEFIT_GROUPS)] = wk.group_users
        b = s.benefits
        r[INDEX["benefits_paid_nok"]] = ben_counts @ weekly_rates(b) + top_ups * b.nok_social_assistance * 0.5
        r[INDEX["staff_cost_nok"]] = office.staff.contract_hours.sum() * b.nok_staff_hour
        staff = office.staff
        sick = (staff.sick_until > week) & (staff.vacant_until <= week)
        r[INDEX["staff_posts"]] = len(staff)
        r[INDEX["staff_sick"]] = np.count_nonzero(sick)
        r[INDEX["staff_vacant"]] = np.count_nonzero(staff.vacant_until > week)
        r[INDEX["staff_leavers"]] = staff.leavers
        r[INDEX["staff_strain"]] = staff.strain.mean()
        r[INDEX["covered_items"]] = wk.covered
        if week % 13 == 0:    # competence and sick leave by unit, quarterly (the competence matrix is small)
            here = staff.present(week)
            does = office.unit_does[staff.unit]
            comp = (staff.competence * does).sum(axis=1) / does.sum(axis=1)
            size = office.unit_size
            present = np.maximum(np.bincount(staff.unit, weights=here, minlength=len(size)), 1)
            self.unit_staff.append(np.stack([np.bincount(staff.unit, weights=sick, minlength=len(size)) / size,
                                             np.bincount(staff.unit, weights=comp * here, minlength=len(size))
                                             / present]))
        self.unit_caseload.append(np.bincount(staff.unit, weights=staff.caseload, minlength=len(office.unit_size))
                                  / office.unit_size)
        self.n += 1
        for part in events.spells_ended:
            if len(part):
                self.spells.append(part)
        if week % WEEKS_PER_YEAR == WEEKS_PER_YEAR - 1:      # end of a recorded year
            months = np.where(alive, c.sa_months_last_year, 13)
            self.sa_month_hist += np.bincount(months, minlength=14)[:13]
            self.age_profiles.append(age_profile(c))

    def frame(self) -> pd.DataFrame:
        df = pd.DataFrame(self.data[: self.n], columns=list(COLUMNS))
        df["week"] = df["week"].astype(np.int64)
        return df

    def ended_spells(self) -> np.ndarray:
        return np.concatenate(self.spells) if self.spells else np.zeros((0, 2), dtype=np.int64)


@derived
def weekly_rates(b) -> np.ndarray:
    """NOK a week paid to a holder of each benefit code (``b``: the scenario's benefits section)."""
    rates = np.zeros(len(Benefit))
    for ben, nok in ((Benefit.UNEMPLOYMENT_BENEFIT, b.nok_unemployment_benefit), (Benefit.SICK_PAY, b.nok_sick_pay),
                     (Benefit.WORK_ASSESSMENT_ALLOWANCE, b.nok_work_assessment_allowance),
                     (Benefit.SOCIAL_ASSISTANCE, b.nok_social_assistance),
                     (Benefit.QUALIFICATION_PROGRAMME, b.nok_qualification_programme),
                     (Benefit.DISABILITY_BENEFIT, b.nok_disability_benefit)):
        rates[ben] = nok
    rates.setflags(write=False)     # (shared by every week of every run with these rates)
    return rates


def age_profile(c) -> dict[str, float]:
    """Employment, disability, AAP and social assistance in the past year, by the targets' age bands."""
    alive, age = c.alive, c.age
    out: dict[str, float] = {}

    def share(mask, lo, hi):
        band = alive & (age >= lo) & (age < hi)
        return float(np.count_nonzero(mask & band)) / max(int(np.count_nonzero(band)), 1)

    for name, (lo, hi) in EMPLOYMENT_BANDS.items():
        out[f"employment_{name}"] = share(c.employed, lo, hi)
    disabled = c.benefit == Benefit.DISABILITY_BENEFIT
    for name, (lo, hi) in DISABILITY_BANDS.items():
        out[f"disability_{name}"] = share(disabled, lo, hi)
    out["aap_18_29"] = share(c.benefit == Benefit.WORK_ASSESSMENT_ALLOWANCE, 18, 30)
    for name, (lo, hi) in SA_BANDS.items():
        out[f"sa_per_1000_{name}"] = 1000 * share(c.sa_months_last_year > 0, lo, hi)
    return out


#: benefits whose holders, out of work and education, wait for a work caseworker when they have none
AWAITS_CASEWORKER = by_member(Benefit, {Benefit.DISABILITY_BENEFIT: False, Benefit.SICK_PAY: False,
                                        Benefit.EARLY_PENSION: False}, default=True, dtype=bool)


def _population_counts(c, theta: float, position: np.ndarray) -> np.ndarray:
    """The week's counts over the living in one compiled pass, and each living slot's position into
    ``position`` (:func:`simulation.kernels.population_census`, which documents both)."""
    from .kernels import population_census  # numba only where used (command-line start-up)

    return population_census(c.arenas, c.alive, c.benefit, c.employed, c.age, c.in_education, c.sa_top_up,
                             JOBSEEKER, theta, AXIS_BINS, len(Benefit), 20.0, position)


def _office_counts(c, us, known: np.ndarray, week: int, deadline: int) -> np.ndarray:
    """The week's counts over the office's known slots in one compiled pass
    (:func:`simulation.kernels.office_census`, which documents the layout)."""
    from .kernels import office_census  # numba only where used (command-line start-up)

    return office_census(known, us.registered, us.intake_due, us.cw[Task.WORK], us.parked_until, us.sa_pending,
                         us.sa_applied, us.next_renewal, us.contact_points, c.alive, c.employed, c.in_education,
                         c.benefit, c.sa_top_up, AWAITS_CASEWORKER, int(Benefit.SOCIAL_ASSISTANCE), week, deadline)


def _ratio(num: Any, den: Any) -> float:
    return float(num / den) if den > 0 else float("nan")


def summarise(ts: pd.DataFrame, sa_month_hist: np.ndarray, spells: np.ndarray,
              open_spell_starts: np.ndarray, citizens_start: int,
              age_profiles: list[dict[str, float]] | None = None) -> dict[str, float]:
    """The run's headline indicators (one value each) over the whole recorded window."""
    weeks = len(ts)
    years = weeks / 52.0
    pop = ts["population"]
    pop_years = pop.sum() / 52.0
    out: dict[str, float] = {
        "weeks": weeks,
        "citizens_start": citizens_start,
        "citizens_end": float(pop.iloc[-1]),
        "inflow": float(ts["inflow"].sum()),
        "outflow": float(ts["outflow"].sum()),
        "mean_position": float(ts["mean_position"].mean()),
        "share_0_lost": float(ts["share_lost_0"].mean()),
        "share_2plus_lost": float(ts[["share_lost_2", "share_lost_3", "share_lost_4"]].sum(axis=1).mean()),
        "share_3plus_lost": float(ts[["share_lost_3", "share_lost_4"]].sum(axis=1).mean()),
    }
    for a in ARENAS:
        out[f"excluded_{a}"] = float(ts[f"excluded_{a}"].mean())
    out["employment_rate"] = float((ts["employed_20_66"] / ts["population_20_66"]).mean())
    out["employment_share_18_66"] = float(ts["employed_share"].mean())
    out["disability_share"] = float((ts["on_disability_benefit"] / pop).mean())
    out["aap_share"] = float((ts["on_work_assessment_allowance"] / pop).mean())
    out["sick_leave_share"] = float(ts["sick_leave_share"].mean())
    out["in_education_share"] = float((ts["in_education"] / pop).mean())
    out["early_pension_share"] = float((ts["on_early_pension"] / pop).mean())
    out["jobseeker_share"] = float((ts["jobseekers"] / pop).mean())
    out["sa_recipient_share"] = float((ts["on_social_assistance"] / pop).mean())
    out["sa_main_income_share"] = _ratio(ts["sa_main_income"].sum(), ts["on_social_assistance"].sum())
    to_dis = ts["to_disability"].sum()
    out["disability_from_aap_share"] = _ratio(ts["to_disability_from_aap"].sum(), to_dis)
    out["disability_from_sick_pay_share"] = _ratio(ts["to_disability_from_sick_pay"].sum(), to_dis)
    out["aap_from_sick_pay_share"] = _ratio(ts["to_aap_from_sick_pay"].sum(), ts["to_aap"].sum())
    out["aap_exits_to_disability_share"] = _ratio(ts["aap_exits_to_disability"].sum(), ts["aap_exits"].sum())
    recipients = sa_month_hist[1:].sum()
    months = np.arange(13)
    out["sa_months_per_recipient"] = _ratio((sa_month_hist * months).sum(), recipients)
    out["sa_share_1_month"] = _ratio(sa_month_hist[1], recipients)
    out["sa_share_upto_2_months"] = _ratio(sa_month_hist[1:3].sum(), recipients)
    out["sa_share_6plus_months"] = _ratio(sa_month_hist[6:].sum(), recipients)
    out["sa_share_8plus_months"] = _ratio(sa_month_hist[8:].sum(), recipients)
    out["sa_share_12_months"] = _ratio(sa_month_hist[12], recipients)
    out["sa_recipients_per_1000_per_year"] = _ratio(1000 * recipients, pop_years)
    if age_profiles:
        for key in age_profiles[0]:
            out[key] = float(np.mean([p[key] for p in age_profiles]))
    # unemployment exits: spells starting early enough to be seen for six months
    horizon = weeks - 26
    starts = np.concatenate([spells[:, 0], open_spell_starts]) if len(spells) else open_spell_starts
    n_start = int(((starts >= 0) & (starts < horizon)).sum())
    window = (spells[:, 0] >= 0) & (spells[:, 0] < horizon) if len(spells) else np.zeros(0, bool)
    dur = spells[window, 1] if len(spells) else np.zeros(0)
    out["unemployment_exit_1_month"] = _ratio((dur <= 4).sum(), n_start)
    out["unemployment_exit_6_months"] = _ratio((dur <= 26).sum(), n_start)
    out["unemployment_spells"] = n_start
    out["jobs_found_per_1000_per_year"] = _ratio(ts["jobs_found"].sum() * 1000, pop_years)
    out["to_disability_per_1000_per_year"] = _ratio(to_dis * 1000, pop_years)
    out["users_share"] = float((ts["users"] / pop).mean())
    out["user_exits_to_work_per_year"] = _ratio(ts["ended_to_work"].sum(), years)
    out["user_exits_to_disability_per_year"] = _ratio(ts["ended_to_disability"].sum(), years)
    hours = ts[[f"hours_{a}" for a in ACTIVITY_NAMES]].sum()
    for a in ACTIVITY_NAMES:
        out[f"time_share_{a}"] = _ratio(hours[f"hours_{a}"], hours.sum())
    out["pressure"] = float(ts["pressure"].mean())
    out["decision_wait_weeks"] = _ratio(ts["decision_wait_weeks_sum"].sum(), ts["decisions"].sum())
    out["decision_period_weeks"] = _ratio(ts["decision_period_weeks_sum"].sum(),
                                          ts["decisions"].sum() + ts["renewals"].sum())
    out["overdue_applications"] = float(ts["overdue_applications"].mean())
    out["overdue_renewals"] = float(ts["overdue_renewals"].mean())
    sessions = ts["sessions_work"].sum() + ts["sessions_housing_social"].sum()
    out["sessions_per_user_year"] = _ratio(sessions, (ts["users"].sum() / 52.0))
    due_held = sessions - ts["early_sessions"].sum()
    out["slipped_share"] = _ratio(ts["slipped_sessions"].sum(), ts["slipped_sessions"].sum() + due_held)
    out["early_share"] = _ratio(ts["early_sessions"].sum(), sessions)
    out["parked_users"] = float(ts["parked_users"].mean())
    out["first_follow_up_wait_weeks"] = _ratio(ts["first_follow_up_wait_weeks_sum"].sum(), ts["first_follow_ups"].sum())
    out["waiting_for_caseworker"] = float(ts["waiting_for_caseworker"].mean())
    out["handoffs_per_user"] = _ratio(ts["ended_handoffs"].sum(), ts["ended_spells"].sum())
    out["contact_points_per_user"] = _ratio(ts["ended_contact_points"].sum(), ts["ended_spells"].sum())
    out["lost_in_handoff_per_year"] = _ratio(ts["lost_in_handoff"].sum(), years)
    hpu = [_ratio(ts[f"follow_up_hours_q{q}"].sum(), ts[f"follow_up_users_q{q}"].sum()) for q in range(1, 6)]
    for q, v in enumerate(hpu, start=1):
        out[f"follow_up_hours_per_user_week_q{q}"] = v
    out["creaming_index"] = _ratio(hpu[4] - hpu[0], hpu[4] + hpu[0])
    by_group = {g: _ratio(ts[f"follow_up_hours_{g}"].sum(), ts[f"follow_up_users_{g}"].sum()) for g in BENEFIT_GROUPS}
    for g, v in by_group.items():
        out[f"follow_up_hours_per_user_week_{g}"] = v
    # 1 = users on municipal benefits get as much follow-up per week as users on state benefits
    out["follow_up_municipal_to_state"] = _ratio(by_group["municipal"], by_group["state"])
    out["benefits_nok_per_citizen_year"] = _ratio(ts["benefits_paid_nok"].sum(), pop_years)
    # what the office and its benefits cost per user who left it for work (a cost-effectiveness view)
    out["cost_nok_per_exit_to_work"] = _ratio(ts["benefits_paid_nok"].sum() + ts["staff_cost_nok"].sum(),
                                              ts["ended_to_work"].sum())
    out["staff_nok_per_citizen_year"] = _ratio(ts["staff_cost_nok"].sum(), pop_years)
    posts = ts["staff_posts"]
    out["staff_sick_leave"] = float((ts["staff_sick"] / posts).mean())
    out["staff_vacancy_share"] = float((ts["staff_vacant"] / posts).mean())
    out["staff_turnover_per_year"] = _ratio(ts["staff_leavers"].sum(), posts.mean() * years)
    out["staff_strain"] = float(ts["staff_strain"].mean())
    out["covered_items_per_week"] = float(ts["covered_items"].mean())
    out.update(drift(out, ts))
    return out


def stock_series(ts: pd.DataFrame) -> dict[str, pd.Series]:
    """Weekly series of the headline stocks (shares of the population)."""
    pop = ts["population"]
    return {
        "employment_rate": ts["employed_20_66"] / ts["population_20_66"],
        "disability_share": ts["on_disability_benefit"] / pop,
        "aap_share": ts["on_work_assessment_allowance"] / pop,
        "sa_recipient_share": ts["on_social_assistance"] / pop,
        "share_2plus_lost": ts[["share_lost_2", "share_lost_3", "share_lost_4"]].sum(axis=1),
        "users_share": ts["users"] / pop,
    }


def drift(out: dict[str, float], ts: pd.DataFrame) -> dict[str, float]:
    """Steady-state check: each headline stock's change from the first to the last recorded year,
    relative to its mean (``drift_<stock>``). Needs two years; nan otherwise."""
    res = {}
    for name, series in stock_series(ts).items():
        if len(series) < 2 * WEEKS_PER_YEAR:
            res[f"drift_{name}"] = float("nan")
            continue
        first, last = series.iloc[:WEEKS_PER_YEAR].mean(), series.iloc[-WEEKS_PER_YEAR:].mean()
        res[f"drift_{name}"] = _ratio(last - first, series.mean())
    return res


def summary_keys() -> list[str]:
    """The names of the run summary's indicators (from a one-week table of ones)."""
    ts = pd.DataFrame(np.ones((1, len(COLUMNS))), columns=list(COLUMNS))
    from .population import Citizens
    profile = age_profile(Citizens.empty(1))
    return list(summarise(ts, np.zeros(13, dtype=np.int64), np.zeros((0, 2)), np.zeros(0), 1, [profile]))


#: largest relative change of a headline stock from the first to the last recorded year that
#: still counts as steady state (docs/calibration.md, "Steady state")
DRIFT_TOLERANCE = 0.10


def steady_state(summary: dict[str, float], spin_up_weeks: int) -> dict:
    """The convergence check a manifest records: spin-up, each stock's drift, and a verdict."""
    drifts = {k.removeprefix("drift_"): v for k, v in summary.items() if k.startswith("drift_")}
    known = {k: v for k, v in drifts.items() if v == v}   # (nan: fewer than two recorded years)
    over = sorted(k for k, v in known.items() if abs(v) > DRIFT_TOLERANCE)
    if not known:
        verdict = "not checked (fewer than two recorded years)"
    elif over:
        verdict = "drifting: " + ", ".join(over)
    else:
        verdict = "settled"
    return {"spin_up_weeks": spin_up_weeks, "window": WINDOW, "tolerance": DRIFT_TOLERANCE,
            "drift": drifts, "verdict": verdict}
