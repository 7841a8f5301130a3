"""The indicator catalogue: one entry per summary indicator, read by everything that shows one.

Each entry says what an indicator of the run summary (``simulation.metrics.summarise``) is in
plain words: its label, unit, how to format it, which direction is better (if any), the window
it is computed over, and the smallest difference that matters in practice, with the reason for
that threshold. The CLI, the comparison report, its figures, sweeps, sensitivity and the
dashboard take labels and formats from here; there is no second label table.

Adding an indicator to ``metrics.summarise`` means adding one :func:`_entry` call below:
``tests/test_indicators.py`` fails for any summary key without an entry (and for any entry the
summary no longer has). Families whose names depend on the scenario (``caseload_<unit>``) are
one entry whose name ends in ``_*``.

Thresholds (``min_difference``) are judgements, not statistics: each one is marked
"assumption" with its reason. A difference smaller than the threshold is reported as "no
practical difference" even when its interval excludes zero (docs/indicators.md).
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass

#: windows an indicator can be computed over
RECORDED = "recorded period"          # every recorded week (the summary's one window, metrics.WINDOW)
LAST_YEAR = "last recorded year"      # the last 52 recorded weeks (names end in "_last_year")
START = "start of recording"          # a snapshot at week 0
END = "end of recording"              # a snapshot at the last recorded week
WINDOWS = (RECORDED, LAST_YEAR, START, END)

#: topics, in the order the report shows them
TOPICS = {"people": "People on the margin", "office": "How the office works", "cost": "Cost",
          "run": "The run itself"}


@dataclass(frozen=True)
class Indicator:
    """One summary indicator as people read it."""

    name: str                        # the summary key (a family ends in ``_*``; its label has ``{member}``)
    label: str                       # plain words, lower case, no unit
    unit: str                        # "share" (a fraction, shown in %), "weeks", "persons", "NOK", ...
    fmt: str                         # format of one value, e.g. "{:.1%}"
    better: str | None               # "higher", "lower" or None (no direction is better)
    window: str                      # one of WINDOWS
    topic: str                       # a key of TOPICS
    min_difference: float | None     # smallest difference that matters in practice (None: not compared)
    relative: bool                   # min_difference is a fraction of the baseline's value, not an amount
    reason: str                      # why that threshold
    headline: bool = False           # shown in the report's table and considered for its "In brief"
    note: str = ""                   # what a reader new to the model needs to read the number

    @property
    def is_share(self) -> bool:
        return self.unit == "share"

    def threshold(self, baseline: float, other: float = math.nan) -> float:
        """The smallest difference that matters against ``baseline`` (in the indicator's own units);
        a relative threshold against a baseline of zero is taken relative to ``other``."""
        if self.min_difference is None:
            return math.nan
        if not self.relative:
            return self.min_difference
        ref = abs(baseline) if baseline else abs(other)
        return self.min_difference * ref

    def threshold_text(self) -> str:
        """The threshold in words: "0.5 percentage points", "10 % of the baseline", "1 week"."""
        if self.min_difference is None:
            return "not set"
        if self.relative:
            return f"{self.min_difference:.0%} of the baseline value"
        if self.is_share:
            return f"{self.min_difference * 100:g} pp"
        return f"{self.min_difference:g} {self.unit}"

    def axis(self) -> tuple[float, str]:
        """How figures show it: a scale factor and an axis label in the table's units."""
        if self.is_share:
            return 100.0, f"{self.label} (%)"
        return 1.0, f"{self.label} ({self.unit})" if self.unit else self.label


CATALOGUE: dict[str, Indicator] = {}


def _entry(name, label, unit, fmt, better, *, window=RECORDED, topic="people", min_difference=None,
           relative=False, reason="", headline=False, note="") -> None:
    CATALOGUE[name] = Indicator(name, label, unit, fmt, better, window, topic, min_difference, relative,
                                reason, headline, note)


# ---- reasons shared by several thresholds (each an assumption, stated once) ----
_RARE = ("assumption: a change of a tenth in a rare state is what a district office would notice in its "
         "caseload; smaller changes are within the year-to-year swing of local statistics")
_SHARE_OF_ADULTS = ("assumption: half a percentage point of adults (100 people in a district of 20,000) is "
                    "about the smallest change municipal statistics show from one year to the next")
_RECIPIENT_SHARE = ("assumption: 2 percentage points of recipients is about the precision of the SSB "
                    "distribution of months on assistance for one municipality")
_TIME = ("assumption: 2 percentage points of contract hours is about 45 minutes a caseworker a week, the "
         "smallest change a team leader would plan around")
_FLOW = ("assumption: 5 % more or fewer people a year is a change an office would see in its own "
         "figures; smaller changes drown in yearly variation")
_COST = "assumption: budgets are planned to a few per cent; 5 % is a change a budget would register"
_META = "describes the run, not an outcome"

# ---- the run itself ----
_entry("weeks", "recorded weeks", "weeks", "{:.0f}", None, topic="run", reason=_META)
_entry("citizens_start", "adults at the start", "persons", "{:,.0f}", None, window=START, topic="run", reason=_META)
_entry("citizens_end", "adults at the end", "persons", "{:,.0f}", None, window=END, topic="run", reason=_META)
_entry("inflow", "adults who moved in or turned 18", "persons", "{:,.0f}", None, topic="run", reason=_META)
_entry("outflow", "adults who moved away or retired", "persons", "{:,.0f}", None, topic="run", reason=_META)

# ---- people on the margin ----
_entry("mean_position", "mean position on the inclusion-exclusion axis",
       "position", "{:.3f}", "higher", min_difference=0.005, headline=True,
       note="the mean of the four arena scores: 0 = outside every arena, 1 = fully inside all four",
       reason="assumption: half a hundredth of the axis is about one adult in 50 losing or regaining a whole "
              "arena; smaller shifts are invisible to anyone working with the people concerned")
_entry("share_0_lost", "adults in all four arenas", "share", "{:.1%}", "higher",
       min_difference=0.005, reason=_SHARE_OF_ADULTS)
_entry("share_2plus_lost", "adults outside 2 or more arenas", "share", "{:.2%}", "lower",
       min_difference=0.10, relative=True, reason=_RARE, headline=True)
_entry("share_3plus_lost", "adults outside 3 or more arenas", "share", "{:.2%}", "lower",
       min_difference=0.10, relative=True, reason=_RARE, headline=True)
for _arena in ("work", "activity", "housing", "economy"):
    _entry(f"excluded_{_arena}", f"adults outside the {_arena} arena", "share", "{:.2%}", "lower",
           min_difference=0.10, relative=True, reason=_RARE)
_entry("employment_rate", "adults aged 20-66 in work", "share", "{:.1%}", "higher",
       min_difference=0.005, reason=_SHARE_OF_ADULTS, headline=True)
_entry("jobseeker_share", "adults seeking work", "share", "{:.2%}", "lower",
       min_difference=0.10, relative=True, reason=_RARE)
_entry("employment_share_18_66", "adults aged 18-66 in work", "share", "{:.1%}", "higher",
       min_difference=0.005, reason=_SHARE_OF_ADULTS)
_entry("disability_share", "adults on disability benefit", "share", "{:.1%}", "lower",
       min_difference=0.005, reason=_SHARE_OF_ADULTS, headline=True)
_entry("aap_share", "adults on work assessment allowance (AAP)", "share", "{:.1%}", None,
       min_difference=0.10, relative=True, headline=True,
       reason=_RARE + "; no direction is better: fewer on AAP can mean more in work or more on disability benefit")
_entry("sick_leave_share", "adults on sick leave", "share", "{:.1%}", None,
       min_difference=0.10, relative=True, reason=_RARE)
_entry("in_education_share", "adults in education", "share", "{:.1%}", None,
       min_difference=0.10, relative=True, reason=_RARE)
_entry("early_pension_share", "adults on early pension", "share", "{:.1%}", None,
       min_difference=0.10, relative=True, reason=_RARE)
_entry("sa_main_income_share", "recipients with social assistance as their main income", "share", "{:.1%}", None,
       min_difference=0.02, reason=_RECIPIENT_SHARE)
_entry("disability_from_aap_share", "new disability benefits that came from AAP", "share", "{:.1%}", None,
       min_difference=0.02, reason="assumption: 2 percentage points of new disability benefits")
_entry("disability_from_sick_pay_share", "new disability benefits that came straight from sick pay", "share",
       "{:.1%}", None, min_difference=0.02, reason="assumption: 2 percentage points of new disability benefits")
_entry("aap_from_sick_pay_share", "new AAP spells that came from sick pay", "share", "{:.1%}", None,
       min_difference=0.02, reason="assumption: 2 percentage points of new AAP spells")
_entry("aap_exits_to_disability_share", "AAP spells that ended in disability benefit", "share", "{:.1%}", "lower",
       min_difference=0.02, reason="assumption: 2 percentage points of ended AAP spells")
_entry("employment_*", "adults aged {member} in work (at each year's end)", "share", "{:.1%}", "higher",
       min_difference=0.005, reason=_SHARE_OF_ADULTS)
_entry("disability_*", "adults aged {member} on disability benefit (at each year's end)", "share", "{:.1%}",
       "lower", min_difference=0.10, relative=True, reason=_RARE)
_entry("aap_18_29", "adults aged 18-29 on AAP (at each year's end)", "share", "{:.1%}", None,
       min_difference=0.10, relative=True, reason=_RARE)
_entry("sa_per_1000_*", "adults aged {member} with social assistance in the past year, per 1,000 (at each year's end)",
       "per 1,000", "{:.1f}", "lower", min_difference=0.10, relative=True, reason=_RARE)
_entry("sa_recipient_share", "adults on social assistance", "share", "{:.2%}", "lower",
       min_difference=0.10, relative=True, reason=_RARE, headline=True)
_entry("sa_months_per_recipient", "months on social assistance per recipient and year", "months", "{:.2f}",
       "lower", min_difference=0.25, headline=True,
       reason="assumption: a week of assistance per recipient-year; shorter differences are within the "
              "4-week decision period (003:1004-1008)")
_entry("sa_recipients_per_1000_per_year", "social-assistance recipients per 1,000 adults a year", "per 1,000 a year",
       "{:.1f}", "lower", min_difference=0.10, relative=True, reason=_RARE)
_entry("sa_share_1_month", "recipients with assistance in only 1 month of a year", "share", "{:.1%}", None,
       min_difference=0.02, reason=_RECIPIENT_SHARE)
_entry("sa_share_upto_2_months", "recipients with assistance in at most 2 months of a year", "share", "{:.1%}",
       None, min_difference=0.02, reason=_RECIPIENT_SHARE)
_entry("sa_share_6plus_months", "recipients with assistance in 6 or more months of a year", "share", "{:.1%}",
       "lower", min_difference=0.02, reason=_RECIPIENT_SHARE, headline=True)
_entry("sa_share_8plus_months", "recipients with assistance in 8 or more months of a year", "share", "{:.1%}",
       "lower", min_difference=0.02, reason=_RECIPIENT_SHARE)
_entry("sa_share_12_months", "recipients with assistance in all 12 months of a year", "share", "{:.1%}",
       "lower", min_difference=0.02, reason=_RECIPIENT_SHARE)
_entry("unemployment_exit_1_month", "unemployment spells ended within 1 month", "share", "{:.1%}", "higher",
       min_difference=0.02, reason="assumption: 2 percentage points of spells, about the precision of the "
                                   "NAV/SSB exit rates the model is calibrated to (docs/calibration.md)")
_entry("unemployment_exit_6_months", "unemployment spells ended within 6 months", "share", "{:.1%}", "higher",
       min_difference=0.02, headline=True,
       reason="assumption: 2 percentage points of spells, about the precision of the NAV/SSB exit rates "
              "the model is calibrated to (docs/calibration.md)")
_entry("unemployment_spells", "unemployment spells started", "spells", "{:,.0f}", None,
       min_difference=0.05, relative=True, reason=_FLOW)
_entry("jobs_found_per_1000_per_year", "jobs found per 1,000 adults a year", "per 1,000 a year", "{:.1f}",
       "higher", min_difference=0.05, relative=True, reason=_FLOW)
_entry("to_disability_per_1000_per_year", "new disability benefits per 1,000 adults a year", "per 1,000 a year",
       "{:.2f}", "lower", min_difference=0.10, relative=True, reason=_RARE, headline=True)
_entry("users_share", "adults who are office users", "share", "{:.2%}", None,
       min_difference=0.10, relative=True, reason=_RARE)
_entry("user_exits_to_work_per_year", "office users leaving for work, per year", "persons a year", "{:,.0f}",
       "higher", min_difference=0.05, relative=True, reason=_FLOW, headline=True)
_entry("user_exits_to_disability_per_year", "office users leaving for disability benefit, per year",
       "persons a year", "{:,.1f}", "lower", min_difference=0.10, relative=True, reason=_RARE)

# ---- how the office works ----
for _activity, _better, _head in (("intake", None, False), ("decisions", None, True),
                                  ("coordination", "lower", False), ("follow_up", "higher", True),
                                  ("documentation", None, False), ("switching", "lower", False),
                                  ("duties", None, False), ("absence", None, False), ("idle", None, True)):
    _words = {"follow_up": "follow-up", "idle": "nothing (idle)", "coordination": "coordinating hand-offs",
              "documentation": "case notes and letters", "switching": "switching between kinds of task",
              "absence": "holidays, sick leave and vacant posts (absence)"}
    _entry(f"time_share_{_activity}", f"caseworker time on {_words.get(_activity, _activity)}", "share",
           "{:.1%}", _better, topic="office", min_difference=0.02, reason=_TIME, headline=_head)
_entry("pressure", "time pressure", "ratio", "{:.2f}", "lower", topic="office", min_difference=0.05,
       note="hours of work asked of the office ÷ hours it has after duties; above 1 the office cannot do it all",
       reason="assumption: 5 % more work than time is about two hours a week per caseworker")
_entry("decision_wait_weeks", "weeks from application to social-assistance decision", "weeks", "{:.2f}", "lower",
       topic="office", min_difference=0.25, headline=True,
       reason="assumption: about one working day; applicants wait in days, and the deadline is 4 weeks "
              "(003:984-990)")
_entry("overdue_applications", "applications past the decision deadline (weekly mean)", "applications",
       "{:.1f}", "lower", topic="office", min_difference=1.0,
       reason="assumption: one application more or less in the weekly backlog")
_entry("overdue_renewals", "renewals past the deadline (weekly mean)", "renewals", "{:.1f}", "lower",
       topic="office", min_difference=1.0, reason="assumption: one renewal more or less in the weekly backlog")
_entry("decision_period_weeks", "weeks a social-assistance decision lasts", "weeks", "{:.1f}", None, topic="office",
       min_difference=1.0, reason="assumption: a week more or less between renewals (4 recommended, 003:1004-1008)")
_entry("sessions_per_user_year", "follow-up sessions per user a year", "sessions", "{:.1f}", "higher", topic="office",
       min_difference=0.10, relative=True, headline=True, reason=_RARE)
_entry("slipped_share", "planned sessions that slipped past their due week", "share", "{:.1%}", "lower",
       topic="office", min_difference=0.02, reason=_TIME)
_entry("early_share", "sessions held before they were due", "share", "{:.1%}", None, topic="office",
       min_difference=0.02, reason=_TIME)
_entry("parked_users", "users parked after sessions without progress (weekly mean)", "persons", "{:.1f}", "lower",
       topic="office", min_difference=0.10, relative=True, reason=_RARE)
_entry("first_follow_up_wait_weeks", "weeks from intake to first follow-up", "weeks", "{:.1f}", "lower",
       topic="office", min_difference=1.0, headline=True,
       reason="assumption: a week of waiting is what a user notices; follow-up is planned in weeks")
_entry("waiting_for_caseworker", "users waiting for a caseworker (weekly mean)", "persons", "{:.1f}", "lower",
       topic="office", min_difference=0.10, relative=True, reason=_RARE)
_entry("handoffs_per_user", "hand-offs per user", "hand-offs", "{:.2f}", "lower", topic="office",
       min_difference=0.1, headline=True,
       reason="assumption: one user in ten handed on once more; each hand-off risks delay and loss (002:3813-3841)")
_entry("contact_points_per_user", "caseworkers a user meets", "caseworkers", "{:.2f}", "lower", topic="office",
       min_difference=0.25, headline=True,
       reason="assumption: one user in four meeting one more caseworker (003:367-369: users tell their story again)")
_entry("lost_in_handoff_per_year", "users lost at hand-offs, per year", "persons a year", "{:.1f}", "lower",
       topic="office", min_difference=0.10, relative=True, reason=_RARE, headline=True)
for _q in range(1, 6):
    _who = {1: " (most marginalised fifth)", 5: " (most included fifth)"}.get(_q, "")
    _entry(f"follow_up_hours_per_user_week_q{_q}", f"follow-up hours per user-week, quintile {_q}{_who}",
           "hours", "{:.3f}", None, topic="office", min_difference=0.10, relative=True, reason=_RARE)
_entry("creaming_index", "creaming index", "index", "{:+.2f}", "lower", topic="office",
       min_difference=0.05, headline=True,
       note="follow-up hours per user for the most included fifth against the most marginalised fifth: "
            "+1 = all to the most included (creaming), 0 = equal, −1 = all to the most marginalised",
       reason="assumption: 0.05 is about a tenth more follow-up to one end of the axis than the other")
for _group, _on in (("state", "state benefits"), ("municipal", "social assistance or KVP"),
                    ("no_benefit", "no benefit")):
    _entry(f"follow_up_hours_per_user_week_{_group}", f"follow-up hours per user-week, users on {_on}",
           "hours", "{:.3f}", None, topic="office", min_difference=0.10, relative=True, reason=_RARE)
_entry("follow_up_municipal_to_state", "follow-up for municipal against state benefit users (1 = equal)", "ratio",
       "{:.2f}", None, topic="office", min_difference=0.1,
       reason="assumption: a tenth more or less follow-up for one line (002:8040-8051 asks for equal follow-up)")
_entry("staff_sick_leave", "caseworkers on sick leave", "share", "{:.1%}", "lower", topic="office",
       min_difference=0.01, reason="assumption: one percentage point of staff; SSB reports sick leave to 0.1 points "
                                   "but offices vary by several (002:8304-8306)")
_entry("staff_vacancy_share", "caseworker posts vacant", "share", "{:.1%}", "lower", topic="office",
       min_difference=0.01, reason="assumption: one percentage point of posts, about one post in a large office")
_entry("staff_turnover_per_year", "caseworkers leaving per post and year", "per post a year", "{:.2f}", "lower",
       topic="office", min_difference=0.02, reason="assumption: two leavers per hundred posts a year")
_entry("staff_strain", "caseworker strain (mean)", "index", "{:.2f}", "lower", topic="office",
       min_difference=0.05, note="a slow average of overload (time pressure above 1); 0 = never overloaded",
       reason="assumption: 0.05 is a sustained overload of about 5 % of a caseworker's hours")
_entry("covered_items_per_week", "work items covered by another unit, per week", "items", "{:.1f}", None,
       topic="office", min_difference=0.10, relative=True, reason=_RARE)
_entry("relationships_broken", "user-caseworker relationships broken by reorganisations", "relationships",
       "{:,.0f}", "lower", topic="office", min_difference=0.10, relative=True, reason=_RARE,
       note="each is a user who must start again with a new caseworker (003:367-369)")
_entry("staff_sick_leave_*", "caseworkers on sick leave in the unit '{member}'", "share", "{:.1%}", "lower",
       topic="office", min_difference=0.01, reason="assumption: one percentage point of staff")
_entry("competence_*", "mean competence in the unit '{member}'", "score", "{:.2f}", "higher", topic="office",
       min_difference=0.05, reason="assumption: a twentieth of the competence scale, about a year's experience")
_entry("caseload_*", "users per caseworker in the unit '{member}'", "users", "{:.1f}", None, topic="office",
       min_difference=0.10, relative=True, reason=_RARE)

# ---- the steady-state check (metrics.drift) ----
_entry("drift_*", "drift of {member}: change from the first to the last recorded year, relative to its mean",
       "share", "{:+.1%}", None, topic="run",
       reason="a check that the run was in steady state (docs/calibration.md), not an outcome to compare")

# ---- cost ----
_entry("benefits_nok_per_citizen_year", "benefits paid per adult a year", "NOK", "{:,.0f}", None, topic="cost",
       min_difference=0.05, relative=True, reason=_COST)
_entry("staff_nok_per_citizen_year", "staff cost per adult a year", "NOK", "{:,.0f}", None, topic="cost",
       min_difference=0.05, relative=True, reason=_COST)
_entry("cost_nok_per_exit_to_work", "benefits and staff cost per user leaving for work", "NOK", "{:,.0f}", "lower",
       topic="cost", min_difference=0.05, relative=True, reason=_COST, headline=True)


# --------------------------------------------------------------------------------------------
# Reading the catalogue
# --------------------------------------------------------------------------------------------


def get(name: str) -> Indicator:
    """The entry for a summary key (a family entry for ``caseload_<unit>``); KeyError if none."""
    if name in CATALOGUE:
        return CATALOGUE[name]
    for key, entry in CATALOGUE.items():
        if key.endswith("_*") and name.startswith(key[:-1]) and len(name) > len(key) - 1:
            member = name[len(key) - 1:]
            if "aged {member}" in entry.label and not re.fullmatch(r"\d+_\d+", member):
                continue            # an age-band family takes only age bands ("employment_20_24")
            return dataclasses.replace(entry, name=name, label=entry.label.format(member=_member(key, member)))
    raise KeyError(f"{name!r} is not in the indicator catalogue (simulation/indicators.py)")


def _member(family: str, member: str) -> str:
    """A family member's own part in words: an age band "20_24" -> "20-24", a stock -> its label."""
    if family == "drift_*":
        return label(member)
    if member.replace("_", "").isdigit():
        return member.replace("_", "-")
    return member


def known(name: str) -> bool:
    try:
        get(name)
    except KeyError:
        return False
    return True


def label(name: str) -> str:
    """The plain label of a summary key (the key itself if it is not catalogued, e.g. timings)."""
    return get(name).label if known(name) else name


def labels(names=None) -> dict[str, str]:
    """``{name: label}`` for ``names`` (default: every fixed entry); what the dashboard shows."""
    names = [n for n in CATALOGUE if not n.endswith("_*")] if names is None else names
    return {n: label(n) for n in names}


def headline(topic: str | None = None) -> list[str]:
    """The headline indicators (in catalogue order), optionally of one topic."""
    return [n for n, e in CATALOGUE.items() if e.headline and (topic is None or e.topic == topic)]


def format_value(name: str, value) -> str:
    """One value in the indicator's format; "n/a" for a missing value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return get(name).fmt.format(value)


def _decimals(e: Indicator, size: float) -> int:
    """Decimals that show ``size`` to two significant digits, never fewer than the indicator's format has."""
    spec = e.fmt.split(".")
    base = int(spec[1][0]) if len(spec) > 1 else 0
    size = abs(size) * (100.0 if e.is_share else 1.0)
    if not size or math.isnan(size):
        return base
    return min(max(base, 1 - math.floor(math.log10(size))), 8)


def format_difference(name: str, value: float, signed: bool = True, decimals: int | None = None) -> str:
    """A difference in the indicator's units with an explicit sign; shares differ in percentage points."""
    if value is None or math.isnan(value):
        return "n/a"
    e = get(name)
    decimals = _decimals(e, value) if decimals is None else decimals
    size = abs(value) * (100.0 if e.is_share else 1.0)
    text = f"{size:,.{decimals}f}" + (" pp" if e.is_share else "")
    sign = ("+" if value >= 0 else "−") if signed else ""
    return sign + text


def format_interval(name: str, diff: float, low: float, high: float) -> str:
    """"+1.2 pp (+0.8 pp to +1.6 pp)": a difference and its interval at one precision, enough to
    show the interval's half-width to two significant digits (and an end near zero as non-zero)."""
    e = get(name)
    half = (high - low) / 2 if not (math.isnan(low) or math.isnan(high)) else diff
    d = base = _decimals(e, half or diff)
    scale = 100.0 if e.is_share else 1.0
    # an end of the interval that is not zero must not print as zero (it may be what excludes zero)
    while d < base + 3 and any(v and not math.isnan(v) and round(abs(v) * scale, d) == 0 for v in (low, high)):
        d += 1
    return (f"{format_difference(name, diff, decimals=d)} "
            f"({format_difference(name, low, decimals=d)} to {format_difference(name, high, decimals=d)})")


def window_text(name: str, weeks: int) -> str:
    """Which weeks an indicator covers, in words: "over the 10 recorded years (weeks 0-519)"."""
    w = get(name).window
    if w == LAST_YEAR:
        first = max(0, weeks - 52)
        return f"over the last recorded year (weeks {first}-{weeks - 1})"
    if w == START:
        return "at the start of recording (week 0)"
    if w == END:
        return f"at the end of recording (week {weeks - 1})"
    years = weeks / 52
    whole_years = abs(years - round(years)) < 1e-9 and years >= 1
    span = f"{years:.0f} recorded years" if whole_years else f"{weeks} recorded weeks"
    return f"over the {span} (weeks 0-{weeks - 1})"


#: what ``marginsim run`` prints, in order (a test checks each is catalogued)
RUN_HEADLINE = ("mean_position", "share_2plus_lost", "employment_rate", "disability_share", "aap_share",
                "sa_recipient_share", "sa_months_per_recipient", "unemployment_exit_6_months",
                "time_share_follow_up", "time_share_idle",
                "first_follow_up_wait_weeks", "handoffs_per_user", "contact_points_per_user", "creaming_index")


def cli_headline() -> list[tuple[str, str, str]]:
    """``(key, label, format)`` of the indicators ``marginsim run`` prints."""
    return [(n, CATALOGUE[n].label, CATALOGUE[n].fmt) for n in RUN_HEADLINE]


def markdown_table() -> str:
    """The catalogue as a Markdown table (docs/indicators.md embeds it; a test keeps it current)."""
    rows = ["| indicator | label | unit | window | better | smallest difference that matters | why |",
            "|---|---|---|---|---|---|---|"]
    for n, e in CATALOGUE.items():
        text = f"{e.label} ({e.note})" if e.note else e.label
        rows.append(f"| `{n}` | {text} | {e.unit} | {e.window} | {e.better or '—'} | "
                    f"{e.threshold_text() if e.min_difference is not None else '—'} | {e.reason} |")
    return "\n".join(rows)


BEGIN, END_MARK = "<!-- catalogue: generated by `make docs` -->", "<!-- end of catalogue -->"


def update_docs(path) -> None:
    """Rewrite the generated table between the markers of docs/indicators.md."""
    from pathlib import Path
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END_MARK)
    path.write_text(f"{head}{BEGIN}\n{markdown_table()}\n{END_MARK}{tail}", encoding="utf-8")
