"""Indicators: one row per recorded week, and the run summary computed from them.

The weekly row is computed from model state with a handful of array reductions (no per-agent
reporters, which are the main cost of Mesa's DataCollector in sweeps). Column names are the
public vocabulary of every results table; docs/ODD.md ("Observation") describes each.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .caseworkers import ACTIVITY_NAMES
from .organisation import BENEFIT_GROUPS, RELEASE_REASONS, OfficeWeek
from .population import ARENAS, BENEFIT_NAMES, JOBSEEKER, Benefit, WeekEvents, count_lost

AXIS_BINS = 10
COLUMNS = (
    ["week", "population", "inflow", "outflow", "mean_position"]
    + [f"axis_bin_{k}" for k in range(AXIS_BINS)]
    + [f"share_lost_{k}" for k in range(5)]
    + [f"excluded_{a}" for a in ARENAS]
    + ["employed_share", "jobseekers"]
    + [f"on_{b}" for b in BENEFIT_NAMES[1:]]
    + ["jobs_found", "jobs_lost", "to_disability", "evictions", "qualification_starts"]
    + ["users", "new_users", "waiting_for_intake", "waiting_for_caseworker", "assignments"]
    + [f"hours_{a}" for a in ACTIVITY_NAMES]
    + ["pressure", "decisions", "renewals", "pending_applications", "overdue_applications",
       "overdue_renewals", "decision_wait_weeks_sum", "sessions_work", "sessions_housing_social",
       "first_follow_ups", "first_follow_up_wait_weeks_sum", "handoffs", "lost_in_handoff",
       "mean_contact_points", "ended_spells", "ended_contact_points", "ended_handoffs",
       "ended_to_work", "ended_to_disability"]
    + [f"released_{r}" for r in RELEASE_REASONS]
    + [f"follow_up_hours_q{q}" for q in range(1, 6)]
    + [f"follow_up_users_q{q}" for q in range(1, 6)]
    + [f"follow_up_hours_{g}" for g in BENEFIT_GROUPS]
    + [f"follow_up_users_{g}" for g in BENEFIT_GROUPS]
    + ["benefits_paid_nok", "staff_cost_nok"]
)
INDEX = {name: i for i, name in enumerate(COLUMNS)}


class Recorder:
    """Pre-allocated weekly table; ``row`` fills one week, ``frame`` returns a DataFrame."""

    def __init__(self, weeks: int):
        self.data = np.zeros((weeks, len(COLUMNS)))
        self.n = 0
        self.sa_month_hist = np.zeros(13, dtype=np.int64)   # months on social assistance per recipient-year
        self.spells = []                                   # (start_week, duration) of ended unemployment spells
        self.unit_caseload = []                            # mean users per caseworker, per unit, each week

    def record(self, model, week: int, events: WeekEvents, wk: OfficeWeek) -> None:
        c, office, s = model.citizens, model.office, model.params
        theta = s.arenas.loss_threshold
        alive = c.alive
        n = int(np.count_nonzero(alive))
        below = c.arenas < theta
        # small integer codes counted value by value: faster than np.bincount at these sizes
        lost = np.where(alive, count_lost(below), 5)             # empty slots go to a spare bin
        position = c.position()
        pos_bin = np.minimum((position * AXIS_BINS).astype(np.int8), AXIS_BINS - 1)
        pos_bin[~alive] = AXIS_BINS
        ben_counts = _counts(np.where(alive, c.benefit, len(Benefit)), len(Benefit))
        r = self.data[self.n]
        r[INDEX["week"]] = week
        r[INDEX["population"]] = n
        r[INDEX["inflow"]] = len(events.arrived)
        r[INDEX["outflow"]] = len(events.left)
        bins = _counts(pos_bin, AXIS_BINS)
        r[INDEX["mean_position"]] = position[alive].sum() / n
        i = INDEX["axis_bin_0"]
        r[i:i + AXIS_BINS] = bins / n
        i = INDEX["share_lost_0"]
        r[i:i + 5] = _counts(lost, 5) / n
        i = INDEX["excluded_work"]
        r[i:i + 4] = (below & alive).sum(axis=1) / n
        employed = c.employed & alive
        r[INDEX["employed_share"]] = np.count_nonzero(employed) / n
        r[INDEX["jobseekers"]] = np.count_nonzero(JOBSEEKER.take(c.benefit) & alive & ~employed)
        i = INDEX["on_unemployment_benefit"]
        r[i:i + len(Benefit) - 1] = ben_counts[1:]
        for name in ("jobs_found", "jobs_lost", "to_disability", "evictions"):
            r[INDEX[name]] = getattr(events, name)
        r[INDEX["qualification_starts"]] = wk.qualification_starts
        known = office.known         # every user, applicant and benefit holder: the office's state is read here
        reg, ben_k = office.registered[known], c.benefit[known]
        r[INDEX["users"]] = np.count_nonzero(reg)
        r[INDEX["new_users"]] = wk.new_users
        r[INDEX["waiting_for_intake"]] = np.count_nonzero(office.intake_due[known])
        r[INDEX["waiting_for_caseworker"]] = np.count_nonzero(
            reg & (office.cw[2, known] < 0) & ~c.employed[known]
            & (ben_k != Benefit.DISABILITY_BENEFIT) & (ben_k != Benefit.SICK_PAY))
        r[INDEX["assignments"]] = wk.assignments
        i = INDEX["hours_intake"]
        r[i:i + len(ACTIVITY_NAMES)] = wk.hours
        r[INDEX["pressure"]] = wk.pressure
        r[INDEX["decisions"]] = wk.decisions
        r[INDEX["renewals"]] = wk.renewals
        alive_k, deadline = c.alive[known], s.office.decision_deadline_weeks
        pending = office.sa_pending[known] & alive_k
        r[INDEX["pending_applications"]] = np.count_nonzero(pending)
        r[INDEX["overdue_applications"]] = np.count_nonzero(pending & (week - office.sa_applied[known] > deadline))
        r[INDEX["overdue_renewals"]] = np.count_nonzero((ben_k == Benefit.SOCIAL_ASSISTANCE) & alive_k
                                                        & (week - office.next_renewal[known] > deadline))
        r[INDEX["decision_wait_weeks_sum"]] = wk.decision_wait_weeks
        r[INDEX["sessions_work"]], r[INDEX["sessions_housing_social"]] = wk.sessions
        r[INDEX["first_follow_ups"]] = wk.first_follow_ups
        r[INDEX["first_follow_up_wait_weeks_sum"]] = wk.first_follow_up_wait_weeks
        r[INDEX["handoffs"]] = wk.handoffs
        r[INDEX["lost_in_handoff"]] = wk.lost_in_handoff
        r[INDEX["mean_contact_points"]] = office.contact_points[known[reg]].mean() if reg.any() else 0.0
        for name in ("ended_spells", "ended_contact_points", "ended_handoffs", "ended_to_work", "ended_to_disability"):
            r[INDEX[name]] = getattr(wk, name)
        i = INDEX[f"released_{RELEASE_REASONS[0]}"]
        r[i:i + len(RELEASE_REASONS)] = wk.releases
        i = INDEX["follow_up_hours_q1"]
        r[i:i + 5] = wk.quintile_hours
        r[i + 5:i + 10] = wk.quintile_users
        i = INDEX[f"follow_up_hours_{BENEFIT_GROUPS[0]}"]
        r[i:i + len(BENEFIT_GROUPS)] = wk.group_hours
        r[i + len(BENEFIT_GROUPS):i + 2 * len(BENEFIT_GROUPS)] = wk.group_users
        b = s.benefits
        rates = np.array([0.0, b.nok_unemployment_benefit, b.nok_sick_pay, b.nok_work_assessment_allowance,
                          b.nok_social_assistance, b.nok_qualification_programme, b.nok_disability_benefit])
        r[INDEX["benefits_paid_nok"]] = ben_counts @ rates
        r[INDEX["staff_cost_nok"]] = model.office.staff.contract_hours.sum() * b.nok_staff_hour
        staff = office.staff
        self.unit_caseload.append(np.bincount(staff.unit, weights=staff.caseload, minlength=len(office.unit_size))
                                  / office.unit_size)
        self.n += 1
        for part in events.spells_ended:
            if len(part):
                self.spells.append(part)
        if week % 52 == 51:      # end of a recorded year: months on social assistance per recipient
            months = np.where(alive, c.sa_months_last_year, 13)
            self.sa_month_hist += np.bincount(months, minlength=14)[:13]

    def frame(self) -> pd.DataFrame:
        df = pd.DataFrame(self.data[: self.n], columns=list(COLUMNS))
        df["week"] = df["week"].astype(np.int64)
        return df

    def ended_spells(self) -> np.ndarray:
        return np.concatenate(self.spells) if self.spells else np.zeros((0, 2), dtype=np.int64)


def _counts(codes: np.ndarray, k: int) -> np.ndarray:
    """How many of ``codes`` equal 0, 1, ..., k-1."""
    return np.array([np.count_nonzero(codes == v) for v in range(k)])


def _ratio(num: float, den: float) -> float:
    return float(num / den) if den > 0 else float("nan")


def summarise(ts: pd.DataFrame, sa_month_hist: np.ndarray, spells: np.ndarray,
              open_spell_starts: np.ndarray, citizens_start: int) -> dict[str, float]:
    """The run's headline indicators (one value each) from the weekly table and spell records."""
    weeks = len(ts)
    years = weeks / 52.0
    last = ts.tail(min(52, weeks))
    pop_years = ts["population"].sum() / 52.0
    out: dict[str, float] = {
        "weeks": weeks,
        "citizens_start": citizens_start,
        "citizens_end": float(ts["population"].iloc[-1]),
        "inflow": float(ts["inflow"].sum()),
        "outflow": float(ts["outflow"].sum()),
        "mean_position": float(last["mean_position"].mean()),
        "share_0_lost": float(last["share_lost_0"].mean()),
        "share_2plus_lost": float(last[["share_lost_2", "share_lost_3", "share_lost_4"]].sum(axis=1).mean()),
        "share_3plus_lost": float(last[["share_lost_3", "share_lost_4"]].sum(axis=1).mean()),
    }
    for a in ARENAS:
        out[f"excluded_{a}"] = float(last[f"excluded_{a}"].mean())
    out["employment_rate"] = float(last["employed_share"].mean())
    out["jobseeker_share"] = float((last["jobseekers"] / last["population"]).mean())
    out["sa_recipient_share"] = float((ts["on_social_assistance"] / ts["population"]).mean())
    recipients = sa_month_hist[1:].sum()
    months = np.arange(13)
    out["sa_months_per_recipient"] = _ratio((sa_month_hist * months).sum(), recipients)
    out["sa_share_1_month"] = _ratio(sa_month_hist[1], recipients)
    out["sa_share_upto_2_months"] = _ratio(sa_month_hist[1:3].sum(), recipients)
    out["sa_share_6plus_months"] = _ratio(sa_month_hist[6:].sum(), recipients)
    out["sa_share_8plus_months"] = _ratio(sa_month_hist[8:].sum(), recipients)
    out["sa_share_12_months"] = _ratio(sa_month_hist[12], recipients)
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
    out["to_disability_per_1000_per_year"] = _ratio(ts["to_disability"].sum() * 1000, pop_years)
    out["users_share"] = float((ts["users"] / ts["population"]).mean())
    out["user_exits_to_work_per_year"] = _ratio(ts["ended_to_work"].sum(), years)
    out["user_exits_to_disability_per_year"] = _ratio(ts["ended_to_disability"].sum(), years)
    hours = ts[[f"hours_{a}" for a in ACTIVITY_NAMES]].sum()
    for a in ACTIVITY_NAMES:
        out[f"time_share_{a}"] = _ratio(hours[f"hours_{a}"], hours.sum())
    out["pressure"] = float(ts["pressure"].mean())
    out["decision_wait_weeks"] = _ratio(ts["decision_wait_weeks_sum"].sum(), ts["decisions"].sum())
    out["overdue_applications"] = float(ts["overdue_applications"].mean())
    out["overdue_renewals"] = float(ts["overdue_renewals"].mean())
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
    return out


def summary_keys() -> list[str]:
    """The names of the run summary's indicators (from a one-week table of zeros)."""
    ts = pd.DataFrame(np.ones((1, len(COLUMNS))), columns=list(COLUMNS))
    return list(summarise(ts, np.zeros(13, dtype=np.int64), np.zeros((0, 2)), np.zeros(0), 1))
