"""Scenarios: the typed schema of every model parameter, TOML loading and validation.

A scenario is a frozen tree of dataclasses. Each parameter is declared once, here, with its
default, unit, allowed range and source (``seed:line`` into ../shared/seeds, a statistic, or
``assumption``). From this single declaration come:

* validation of scenario files (unknown key with the nearest valid one, wrong type, out of
  range), raised as :class:`ScenarioError` that prints as one line;
* ``scenarios/base.toml`` and ``docs/scenario-reference.md`` (``python -m simulation.scenario``
  regenerates both; a test checks they are current).

Scenario files may ``extends = "other.toml"`` (path relative to the file): tables are merged
key by key, arrays (such as ``office.units``) are replaced whole.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import tomllib
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TASKS = ("intake", "economic", "work", "housing_social")
TARGET_GROUPS = ("all", "youth", "heaviest", "refugees")


class ScenarioError(ValueError):
    """A scenario that cannot be used. ``str()`` is one line: ``file: key: what is allowed``."""

    def __init__(self, source: str | None, key: str | None, message: str):
        self.source, self.key, self.message = source, key, message
        parts = [p for p in (source, key) if p]
        super().__init__(": ".join(parts + [message]))


def param(default, doc, *, unit="", source="assumption", lo=None, hi=None, choices=None):
    """Declare one scenario parameter with its documentation and allowed values."""
    meta = dict(doc=doc, unit=unit, source=source, lo=lo, hi=hi, choices=choices)
    if isinstance(default, (list, tuple)):
        value = tuple(default)
        return field(default_factory=lambda: value, metadata=meta)
    return field(default=default, metadata=meta)


# --------------------------------------------------------------------------------------------
# Sections
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """How long to simulate."""

    weeks: int = param(520, "Weeks recorded after the warm-up (520 = 10 years).", unit="weeks", lo=1, hi=5200)
    warmup_weeks: int = param(
        104, "Weeks simulated before recording, so spells, caseloads and benefit histories exist.",
        unit="weeks", lo=0, hi=1040)


@dataclass(frozen=True)
class Population:
    """The working-age adults of the office's district and their turnover."""

    citizens: int = param(
        20_000, "Working-age adults (18-66) in the district at the start. The seed offices (37-186 FTE) "
        "serve larger districts; this default is a district of about 20,000 adults with a matching staff.",
        unit="persons", source="002:1022-1064 (office sizes); scaled", lo=50, hi=50_000_000)
    employed_share: float = param(
        0.945, "Share employed at initialisation: near the level the model settles at, so the warm-up is short.",
        unit="share", source="the model's own steady state (docs/calibration.md)", lo=0.0, hi=1.0)
    inflow_per_1000_per_year: float = param(
        50.0, "New adults per 1,000 citizens per year: youth turning 18 and people moving in; "
        "balances ageing out (about 20) and moving away (30). Society keeps producing people at risk.",
        unit="per 1000 per year", source="004:4593-4597 (steady inflow); rate: assumption", lo=0.0, hi=500.0)
    youth_share_of_inflow: float = param(
        0.6, "Share of newcomers who are 18-year-olds (the rest move in aged 20-45).",
        unit="share", source="assumption", lo=0.0, hi=1.0)
    at_risk_share_of_inflow: float = param(
        0.046, "Share of newcomers who arrive with weak arenas (no job, little network, thin economy).",
        unit="share", source="004:4593-4597 (new people at risk); share fitted to SSB social-assistance months (docs/calibration.md)", lo=0.0, hi=1.0)
    language_share_of_movers: float = param(
        0.4, "Share of people moving in with limited Norwegian (a complexity trait).",
        unit="share", source="002:4584-4586, 002:8302-8304 (immigrant users); share: assumption", lo=0.0, hi=1.0)
    health_share: float = param(
        0.08, "Share with a long-term health problem at initialisation (complexity trait).",
        unit="share", source="004:2891-2896 (complexity); share: assumption", lo=0.0, hi=1.0)
    substance_use_share: float = param(
        0.02, "Share with substance use problems at initialisation and among newcomers (complexity trait).",
        unit="share", source="002:3393-3397; share: assumption", lo=0.0, hi=1.0)
    move_away_per_year: float = param(
        0.03, "Yearly probability of moving out of the district.", unit="per year", lo=0.0, hi=1.0)
    retirement_age: float = param(67.0, "Age at which citizens leave the working-age population.",
                                  unit="years", source="Norwegian pension age", lo=50.0, hi=80.0)
    youth_age_limit: float = param(
        25.0, "Users younger than this belong to the youth target group.",
        unit="years", source="002:5135-5137 (<25); 002:4971-4973 (<26)", lo=18.0, hi=40.0)


@dataclass(frozen=True)
class Arenas:
    """The four arenas (work, activity, housing, economy) and how they pull on each other."""

    loss_threshold: float = param(
        0.4, "An arena score below this counts as the arena lost.",
        unit="score", source="004:2302-2308 (falling outside arenas); threshold: assumption", lo=0.01, hi=0.99)
    acceleration_per_arena_lost: float = param(
        0.5, "Each arena already lost speeds every downward drift by this fraction.",
        unit="factor per arena", source="004:2859-2871; size: assumption", lo=0.0, hi=5.0)
    work_rate_employed: float = param(
        0.05, "Weekly pull of the work arena toward 1 while employed (work attachment rebuilds).",
        unit="per week", source="004:2359-2373; rate: assumption", lo=0.0, hi=1.0)
    work_decay_out_of_work: float = param(
        0.0118, "Weekly decay of the work arena while out of work: the longer out, the lower the "
        "expectation of returning (duration dependence).",
        unit="per week", source="004:4445-4455, 003:433-436; rate fitted (simulation.calibrate, docs/calibration.md)",
        lo=0.0, hi=1.0)
    economy_rate: float = param(
        0.06, "Weekly pull of the economy arena toward the level the income source allows.",
        unit="per week", source="004:2446-2456; rate: assumption", lo=0.0, hi=1.0)
    housing_rate: float = param(
        0.02, "Weekly pull of the housing arena toward secure (if economy holds) or insecure housing.",
        unit="per week", source="004:2442-2456; rate: assumption", lo=0.0, hi=1.0)
    activity_rate: float = param(
        0.03, "Weekly pull of the activity arena toward what work, network and money allow.",
        unit="per week", source="004:2375-2424, 004:4341-4351; rate: assumption", lo=0.0, hi=1.0)
    isolation_from_poverty: float = param(
        0.3, "How much a lost economy lowers the activity target (shame, no money for participation).",
        unit="score", source="004:4341-4351; size: assumption", lo=0.0, hi=1.0)
    network_weight: float = param(
        0.3, "Weight of neighbours' participation in the activity target.",
        unit="score", source="004:2407-2424; size: assumption", lo=0.0, hi=1.0)


@dataclass(frozen=True)
class Shocks:
    """Weekly hazards of events that push people outward; each depends on the other arenas."""

    job_loss: float = param(0.0008, "Weekly hazard of losing a job (about 4 % a year).",
                            unit="per week", source="assumption", lo=0.0, hi=0.5)
    job_loss_housing_lost_factor: float = param(
        3.0, "Multiplier on job loss when the housing arena is lost.",
        unit="factor", source="004:2442-2446; size: assumption", lo=1.0, hi=50.0)
    job_loss_complexity_factor: float = param(
        1.0, "Added to the job-loss multiplier per complexity trait (health, substance use).",
        unit="factor", source="004:2859-2871; size: assumption", lo=0.0, hi=20.0)
    illness: float = param(0.002, "Weekly hazard of a long-term health problem (sick leave or AAP).",
                           unit="per week", source="assumption", lo=0.0, hi=0.5)
    eviction: float = param(0.0002, "Weekly hazard of losing one's home.",
                            unit="per week", source="assumption", lo=0.0, hi=0.5)
    eviction_economy_lost_factor: float = param(
        8.0, "Multiplier on eviction when the economy arena is lost.",
        unit="factor", source="004:2446-2456; size: assumption", lo=1.0, hi=100.0)
    debt: float = param(0.0005, "Weekly hazard of a debt or income shock.",
                        unit="per week", source="calibrated to SSB short social-assistance spells (20.5 % one month)", lo=0.0, hi=0.5)
    debt_out_of_work_factor: float = param(
        3.0, "Multiplier on debt shocks while out of work.",
        unit="factor", source="004:2359-2373; size: assumption", lo=1.0, hi=50.0)
    eviction_size: float = param(0.5, "Drop in the housing arena on eviction.", unit="score", lo=0.0, hi=1.0)
    debt_size: float = param(0.5, "Drop in the economy arena on a debt shock.", unit="score", lo=0.0, hi=1.0)


@dataclass(frozen=True)
class LabourMarket:
    """Finding work, and the state benefits that come with losing it."""

    job_finding: float = param(
        0.097, "Weekly hazard of finding work for a jobseeker with a full work arena and no complexity. "
        "Most jobseekers leave unemployment quickly without help.",
        unit="per week", source="004:2879-2883; fitted to Andreev 2016 and SSB (simulation.calibrate, docs/calibration.md)",
        lo=0.0, hi=1.0)
    work_arena_elasticity: float = param(
        2.0, "Job finding scales with the work arena to this power.",
        unit="exponent", source="004:4445-4455; calibrated", lo=0.0, hi=10.0)
    complexity_penalty: float = param(
        0.35, "Each complexity trait (health, substance use, language) cuts job finding by this share.",
        unit="share", source="004:2891-2896; size: assumption", lo=0.0, hi=1.0)
    job_lead_weight: float = param(
        0.3, "Share of job finding that depends on how many of one's network contacts are employed.",
        unit="share", source="004:2367-2373 (work contacts give new jobs); size: assumption", lo=0.0, hi=1.0)
    unemployment_benefit_eligible: float = param(
        0.7, "Share of job losers with enough earnings history for unemployment benefit.",
        unit="share", source="assumption", lo=0.0, hi=1.0)
    unemployment_benefit_weeks: int = param(
        104, "Maximum weeks of unemployment benefit.", unit="weeks",
        source="Norwegian rules (52 or 104 weeks)", lo=1, hi=520)
    sick_pay_weeks: int = param(52, "Maximum weeks of sick pay, then work assessment allowance.",
                                unit="weeks", source="Norwegian rules (one year)", lo=1, hi=520)
    sick_recovery: float = param(0.035, "Weekly hazard of recovering from sick leave.",
                                 unit="per week", source="assumption", lo=0.0, hi=1.0)
    aap_weeks: int = param(156, "Maximum weeks of work assessment allowance (AAP).",
                           unit="weeks", source="Norwegian rules (three years)", lo=1, hi=1040)
    aap_recovery: float = param(0.006, "Weekly hazard that an AAP user's health allows job seeking again.",
                                unit="per week", source="assumption", lo=0.0, hi=1.0)
    disability_at_aap_end: float = param(
        0.5, "Probability of permanent disability benefit when AAP runs out (else back to job seeking).",
        unit="probability", source="004:743-751, 004:3735-3751; share: assumption", lo=0.0, hi=1.0)


@dataclass(frozen=True)
class Benefits:
    """Income each status gives (as an economy-arena level) and what it costs (NOK per week)."""

    economy_employed: float = param(0.85, "Economy level a wage allows (also on sick pay, which replaces the wage).",
                                    unit="score", lo=0.0, hi=1.0)
    economy_state_benefit: float = param(
        0.6, "Economy level on unemployment benefit, AAP or disability benefit.", unit="score", lo=0.0, hi=1.0)
    economy_qualification: float = param(0.45, "Economy level on the qualification programme (KVP).",
                                         unit="score", lo=0.0, hi=1.0)
    economy_social_assistance: float = param(
        0.3, "Economy level on social assistance: a minimum, still below the loss threshold.",
        unit="score", source="SSB: social assistance as main income for about 4 in 10 recipients", lo=0.0, hi=1.0)
    economy_no_income: float = param(0.05, "Economy level with no income at all.", unit="score", lo=0.0, hi=1.0)
    nok_unemployment_benefit: float = param(4_500.0, "Unemployment benefit paid per week.", unit="NOK/week", lo=0.0, hi=1e6)
    nok_sick_pay: float = param(6_500.0, "Sick pay per week.", unit="NOK/week", lo=0.0, hi=1e6)
    nok_work_assessment_allowance: float = param(4_600.0, "AAP per week.", unit="NOK/week", lo=0.0, hi=1e6)
    nok_social_assistance: float = param(2_400.0, "Social assistance per week.", unit="NOK/week", lo=0.0, hi=1e6)
    nok_qualification_programme: float = param(4_800.0, "KVP benefit per week (2G a year).", unit="NOK/week", lo=0.0, hi=1e6)
    nok_disability_benefit: float = param(5_800.0, "Disability benefit per week.", unit="NOK/week", lo=0.0, hi=1e6)
    nok_staff_hour: float = param(650.0, "Cost of one caseworker hour, overheads included.", unit="NOK/hour", lo=0.0, hi=1e5)


@dataclass(frozen=True)
class Caseworkers:
    """Caseworkers' time and competence, common to every unit."""

    hours_per_week: float = param(37.5, "Contract hours per week.", unit="hours",
                                  source="Norwegian full-time week", lo=1.0, hi=80.0)
    duty_share: float = param(
        0.25, "Share of hours eaten by duties: reception shifts, phone duty, reporting.",
        unit="share", source="002:2361-2379, 002:1688-1700 (duties); share: assumption (no seed figure)",
        lo=0.0, hi=0.95)
    social_worker_share: float = param(
        0.36, "Share of caseworkers who are trained social workers (sosionom).",
        unit="share", source="002:6125-6129, 002:6303 (35.9-36.1 %)", lo=0.0, hi=1.0)
    social_worker_bonus: float = param(
        0.2, "Competence added in housing and social follow-up for a trained social worker.",
        unit="score", source="002:6763-6779, 004:2910-2918; size: assumption", lo=0.0, hi=1.0)


@dataclass(frozen=True)
class Unit:
    """One unit or team of the office: which tasks it does, for whom, with how many caseworkers."""

    name: str = param("office", "Name of the unit.")
    tasks: tuple[str, ...] = param(
        list(TASKS), "Tasks the unit does: intake (reception), economic (social assistance decisions), "
        "work (work follow-up), housing_social (housing and social follow-up).", choices=TASKS)
    target_group: str = param("all", "Users the unit serves: all, youth (under youth_age_limit), heaviest "
                              "(3+ arenas lost when assigned), refugees (limited Norwegian).", choices=TARGET_GROUPS)
    staff: int = param(16, "Caseworkers in the unit.", unit="persons", lo=1, hi=1_000_000)
    caseload_cap: int = param(0, "Most users per caseworker (0 = no cap). A full caseworker passes new users to the "
                              "colleague with most room; when the whole unit is full they go to the next unit that "
                              "fits, or wait.",
                              unit="users", source="002:8148-8150, 002:7480-7482", lo=0, hi=100_000)
    competence: float = param(
        0.6, "Competence in the unit's tasks (0-1); specialised units know their task better.",
        unit="score", source="000:4420-4428, 002:4939-4941 (specialisation for competence); values: assumption",
        lo=0.0, hi=1.0)
    follow_up_interval_weeks: int = param(
        0, "Fixed weeks between follow-up sessions for this unit's users (0 = by need level; "
        "a close follow-up team sees users weekly).", unit="weeks",
        source="002:7474-7482 (7-8 users per caseworker), 002:3427-3435 (several times a week); weekly: assumption",
        lo=0, hi=104)


@dataclass(frozen=True)
class Office:
    """How the office is organised and how it spends caseworker time."""

    units: tuple[Unit, ...] = param([Unit()], "The office's units ([[office.units]] tables), tried in "
                                   "order: a user's task goes to the first unit that does it for their group.")
    reception: str = param(
        "same_day", "same_day: new users are taken in at once; group_call_in: called in groups every "
        "call_in_interval_weeks with a short interview and self-assessed needs.",
        source="000:7319-7324; 002:7984-8000", choices=("same_day", "group_call_in"))
    call_in_interval_weeks: int = param(2, "Weeks between group call-ins.", unit="weeks",
                                        source="002:7986-7988 (within 14 days)", lo=1, hi=26)
    intake_hours: float = param(1.0, "Caseworker hours for a same-day intake conversation.",
                                unit="hours", source="assumption", lo=0.0, hi=20.0)
    call_in_hours: float = param(0.25, "Caseworker hours per user at a group call-in (5 minutes optional).",
                                 unit="hours", source="002:7988-7990", lo=0.0, hi=20.0)
    self_assessment_error: float = param(
        0.4, "At a group call-in, the probability that a user who needs more is placed at standard need.",
        unit="probability", source="002:4886-4898, 002:7992-8000; size: assumption", lo=0.0, hi=1.0)
    decision_deadline_weeks: int = param(4, "Weeks within which a social-assistance application must be decided.",
                                         unit="weeks", source="003:984-990", lo=1, hi=52)
    decision_period_weeks: int = param(
        4, "Weeks a social-assistance decision lasts before renewal (4 recommended; some grant 13).",
        unit="weeks", source="003:1004-1008", lo=1, hi=52)
    decision_hours: float = param(2.0, "Hours to decide a new social-assistance application.",
                                  unit="hours", source="assumption", lo=0.0, hi=40.0)
    renewal_hours: float = param(0.75, "Hours to renew a social-assistance decision.",
                                 unit="hours", source="assumption", lo=0.0, hi=40.0)
    priority_rule: str = param(
        "need_based", "Which due users get follow-up first: need_based (most marginalised first), "
        "date_order (longest waiting first), creaming (closest to work first).",
        source="002:4546-4550; 003:593-605", choices=("need_based", "date_order", "creaming"))
    creaming_under_pressure: float = param(
        0.5, "How far time pressure (demand above hours) pulls any rule toward creaming (0 = not at all).",
        unit="share", source="003:984-1000, 003:1222-1233, 004:5763-5779; size: assumption", lo=0.0, hi=1.0)
    parking_after_failures: int = param(
        0, "Park users after this many follow-up sessions in a row without progress (0 = never park).",
        unit="sessions", source="003:593-605, 003:1409-1454", lo=0, hi=100)
    handoff_delay_weeks: int = param(
        2, "Weeks a transferred user waits before any follow-up session (the case is in transit).",
        unit="weeks", source="002:3813-3841 (delays at transfers); size: assumption", lo=0, hi=52)
    handoff_loss: float = param(
        0.05, "Probability a transferred user is lost between units: no new caseworker and no sessions for lost_weeks.",
        unit="probability", source="002:3813-3841, 001:389; size: assumption", lo=0.0, hi=1.0)
    lost_weeks: int = param(13, "Weeks a user lost at a transfer goes without new caseworkers or sessions.",
                            unit="weeks", source="assumption", lo=0, hi=520)
    handoff_hours: float = param(0.5, "Coordination hours the receiving caseworker spends per hand-off.",
                                 unit="hours", source="001:391-395; size: assumption", lo=0.0, hi=20.0)


@dataclass(frozen=True)
class FollowUp:
    """What a follow-up session costs and does."""

    session_hours: float = param(1.0, "Caseworker hours per follow-up session, preparation and notes included.",
                                 unit="hours", source="001:422-424 (20-minute consultations); assumption", lo=0.05, hi=20.0)
    interval_standard_weeks: int = param(26, "Weeks between sessions at standard need.",
                                         unit="weeks", source="002:1475-1482 (called in twice a year)", lo=1, hi=104)
    interval_situational_weeks: int = param(8, "Weeks between sessions at situational need.",
                                            unit="weeks", source="assumption", lo=1, hi=104)
    interval_special_weeks: int = param(3, "Weeks between sessions at special need.",
                                        unit="weeks", source="assumption", lo=1, hi=104)
    work_effect: float = param(
        0.2, "Gain in the work arena per session-hour at full competence and continuity, nothing lost.",
        unit="score per hour", source="004:3496-3506 (direction); size: assumption", lo=0.0, hi=1.0)
    housing_effect: float = param(0.06, "Gain in the housing arena per housing/social session-hour.",
                                  unit="score per hour", source="002:3427-3435 (direction); size: assumption", lo=0.0, hi=1.0)
    activity_effect: float = param(0.05, "Gain in the activity arena per housing/social session-hour.",
                                   unit="score per hour", source="assumption", lo=0.0, hi=1.0)
    time_per_arena_lost: float = param(
        0.6, "Each arena lost divides the gain per hour by (1 + this): the more arenas lost, the more "
        "time the same progress takes.", unit="factor", source="004:2942-2968 (direction); size: assumption",
        lo=0.0, hi=10.0)
    continuity_start: float = param(
        0.5, "Effect of the first session with a new caseworker, relative to an established relationship.",
        unit="share", source="003:367-369, 004:5451-5457; size: assumption", lo=0.0, hi=1.0)
    continuity_sessions: int = param(4, "Sessions with the same caseworker until the relationship is established.",
                                     unit="sessions", source="assumption", lo=1, hi=100)
    qualification_uptake: float = param(
        0.01, "Chance per work session that a long-term social-assistance user at special need "
        "is enrolled in the qualification programme (KVP).", unit="probability",
        source="004:3542-3548; rate: assumption", lo=0.0, hi=1.0)
    qualification_weeks: int = param(52, "Length of the qualification programme.", unit="weeks",
                                     source="Norwegian rules (one year, may be extended)", lo=1, hi=208)


@dataclass(frozen=True)
class Network:
    """The social network: who knows whom."""

    mean_degree: int = param(6, "Average number of ties per citizen.", unit="ties",
                             source="assumption", lo=2, hi=100)
    rewiring: float = param(0.1, "Share of ties that reach outside one's local circle (small world).",
                            unit="share", source="assumption", lo=0.0, hi=1.0)
    neighbourhood_size: int = param(2000, "Citizens per neighbourhood block the network is built in.",
                                    unit="persons", source="assumption (keeps building fast and memory flat)",
                                    lo=20, hi=1_000_000)


@dataclass(frozen=True)
class Scenario:
    """A whole scenario: every parameter of a run, with defaults for a generalist office."""

    name: str = param("base", "Short name used in tables and figures.")
    description: str = param("A generalist district office with default parameters.",
                             "One or two sentences on what the scenario is for.")
    run: Run = field(default_factory=Run)
    population: Population = field(default_factory=Population)
    arenas: Arenas = field(default_factory=Arenas)
    shocks: Shocks = field(default_factory=Shocks)
    labour_market: LabourMarket = field(default_factory=LabourMarket)
    benefits: Benefits = field(default_factory=Benefits)
    caseworkers: Caseworkers = field(default_factory=Caseworkers)
    office: Office = field(default_factory=Office)
    follow_up: FollowUp = field(default_factory=FollowUp)
    network: Network = field(default_factory=Network)

    def to_dict(self) -> dict[str, Any]:
        """Plain nested dict (tuples as lists), as written to manifests."""
        return _plain(dataclasses.asdict(self))

    def replace(self, **dotted: Any) -> "Scenario":
        """A copy with dotted keys changed, validated: ``s.replace(**{"office.handoff_loss": 0.1})``."""
        data = self.to_dict()
        for key, value in dotted.items():
            _set_dotted(data, key, value, source=None, must_exist=True)
        return from_dict(data, source=None)

    def scaled(self, citizens: int) -> "Scenario":
        """The same office for another population: every unit's staff scales in proportion."""
        factor = citizens / self.population.citizens
        units = [dataclasses.replace(u, staff=max(1, round(u.staff * factor))) for u in self.office.units]
        return dataclasses.replace(
            self,
            population=dataclasses.replace(self.population, citizens=citizens),
            office=dataclasses.replace(self.office, units=tuple(units)),
        )

    @property
    def total_staff(self) -> int:
        return sum(u.staff for u in self.office.units)


#: Plain keyword settings (for the dashboard's sliders and quick experiments) -> scenario keys.
SETTINGS = {
    "citizens": "population.citizens",
    "weeks": "run.weeks",
    "warmup_weeks": "run.warmup_weeks",
    "duty_share": "caseworkers.duty_share",
    "priority_rule": "office.priority_rule",
    "creaming_under_pressure": "office.creaming_under_pressure",
    "handoff_delay_weeks": "office.handoff_delay_weeks",
    "handoff_loss": "office.handoff_loss",
    "reception": "office.reception",
    "decision_period_weeks": "office.decision_period_weeks",
}


def share_out(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` caseworkers over units in proportion to ``weights`` (largest remainder);
    a unit left empty takes one from the largest, so every unit keeps at least one. The parts add
    up to ``total`` (or to the number of units, if that is larger)."""
    import math
    total = max(total, len(weights))
    exact = [total * w / sum(weights) for w in weights]
    parts = [math.floor(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (parts[i] - exact[i], i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    for i in range(len(parts)):
        if parts[i] == 0:
            parts[max(range(len(parts)), key=lambda j: parts[j])] -= 1
            parts[i] = 1
    return parts


def apply_settings(scenario: Scenario, **settings: Any) -> Scenario:
    """Apply plain keyword settings: the :data:`SETTINGS` shortcuts, plus ``caseworkers`` (total
    staff, shared among units in proportion) and ``caseload_cap`` (for every unit)."""
    if not settings:
        return scenario
    settings = dict(settings)
    staff = settings.pop("caseworkers", None)
    cap = settings.pop("caseload_cap", None)
    dotted = {}
    for name, value in settings.items():
        if name not in SETTINGS:
            raise ScenarioError("settings", name, _unknown_message(name, list(SETTINGS) + ["caseworkers", "caseload_cap"]))
        dotted[SETTINGS[name]] = value
    data = scenario.to_dict()
    for key, value in dotted.items():
        _set_dotted(data, key, value, source="settings", must_exist=True)
    units = data["office"]["units"]
    if staff is not None:
        staff = _check_value(int, {"lo": 1, "hi": 1_000_000}, staff, "settings", "caseworkers")
        for u, n in zip(units, share_out(staff, [u["staff"] for u in units])):
            u["staff"] = n
    if cap is not None:
        cap_field = next(f for f in dataclasses.fields(Unit) if f.name == "caseload_cap")
        cap = _check_value(int, cap_field.metadata, cap, "settings", "caseload_cap")
        for u in units:
            u["caseload_cap"] = cap
    return from_dict(data, source="settings")


def _plain(obj):
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    return obj


# --------------------------------------------------------------------------------------------
# Loading and validation
# --------------------------------------------------------------------------------------------


MAX_FILE_BYTES = 1_000_000   # a scenario file is a few kB; anything larger is not one
MAX_EXTENDS_DEPTH = 32       # deeper chains are a mistake (or a loop through copies)
MAX_NAME_CHARS = 64          # names become folder and file names


def load_scenario(path: str | Path, overrides: dict[str, Any] | list[str] | None = None) -> Scenario:
    """Read a scenario file (following ``extends``), apply overrides and validate.

    ``overrides`` is a dict of dotted keys (``{"office.priority_rule": "creaming"}``) or a list
    of ``key.path=value`` strings as given to ``--set`` (values parsed as TOML, bare words as
    strings). Raises :class:`ScenarioError` naming the file and key on any problem; a problem
    in a file it extends names that file.
    """
    path = Path(path)
    layers = _read_chain(path)
    data: dict[str, Any] = {}
    for _, layer in layers:
        data = _merge(data, layer)
    source = str(path)
    overrides = _parse_overrides(overrides)
    for key, value in overrides.items():
        _set_dotted(data, key, value, source=f"{source} (--set)", must_exist=True)
    try:
        return from_dict(data, source=source)
    except ScenarioError as exc:
        if exc.key in overrides:      # a bad value that came from the command line: say so
            raise ScenarioError(f"{source} (--set)", exc.key, exc.message) from None
        origin = _origin(exc.key, layers)
        if origin is not None and origin != path:
            raise ScenarioError(str(origin), exc.key, exc.message) from None
        raise


def _read_chain(path: Path) -> list[tuple[Path, dict[str, Any]]]:
    """The file and the files it extends, as (file, table) from the root parent down to ``path``."""
    layers: list[tuple[Path, dict[str, Any]]] = []
    seen: list[Path] = []
    current, child = path, None
    while True:
        if len(seen) >= MAX_EXTENDS_DEPTH:
            raise ScenarioError(str(path), "extends", f"chain of more than {MAX_EXTENDS_DEPTH} files; "
                                                      "shorten it (a scenario usually extends one base)")
        if current.resolve() in seen:
            raise ScenarioError(str(current), "extends", "circular extends chain")
        data = read_toml(current, what="scenario file", parent_of=child)
        seen.append(current.resolve())
        parent = data.pop("extends", None)
        layers.insert(0, (current, data))
        if parent is None:
            return layers
        if not isinstance(parent, str) or not parent.strip():
            raise ScenarioError(str(current), "extends", "must be a file path string")
        if Path(parent).suffix.lower() != ".toml":
            raise ScenarioError(str(current), "extends", "must name a .toml scenario file")
        current, child = current.parent / parent, current


def read_toml(path: Path, *, what: str, parent_of: Path | None = None) -> dict[str, Any]:
    """Read a TOML file into a dict; every problem is one ScenarioError naming the file.

    ``parent_of`` is the scenario that extends this file: then a file that is not a scenario
    (another program's settings, say) is refused without echoing any of its keys or values.
    """
    source = str(path)
    if path.is_dir():
        raise ScenarioError(source, None, f"is a folder, not a {what}")
    if not path.is_file():
        where = f" (extended by {parent_of})" if parent_of is not None else ""
        raise ScenarioError(source, None, f"{what} not found{where}")
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ScenarioError(source, None, f"cannot read the {what} ({exc.strerror or exc})") from None
    if len(raw) > MAX_FILE_BYTES:
        raise ScenarioError(source, None, f"is larger than {MAX_FILE_BYTES:,} bytes; not a {what}")
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")    # a byte-order mark is harmless
    except UnicodeDecodeError:
        raise ScenarioError(source, None, "not a UTF-8 text file") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        if parent_of is not None:
            raise ScenarioError(source, None, f"extended by {parent_of}, but not valid TOML") from None
        raise ScenarioError(source, None, f"not valid TOML ({exc})") from None
    if parent_of is not None and not set(data) <= set(_field_names(Scenario)) | {"extends"}:
        raise ScenarioError(source, None, f"extended by {parent_of}, but not a marginsim scenario "
                                          "(it has top-level keys that are not scenario sections)")
    return data


def _origin(key: str | None, layers: list[tuple[Path, dict[str, Any]]]) -> Path | None:
    """The last file in an extends chain that wrote ``key`` (or the table holding it)."""
    if not key:
        return None
    parts = [p for p in key.replace("[", ".[").split(".") if p and not p.startswith("[")]
    for file, data in reversed(layers):
        node: Any = data
        for part in parts:
            if not isinstance(node, dict):
                return file      # this file set a whole value (an array of units) that holds the key
            if part not in node:
                break
            node = node[part]
        else:
            return file
    return None


def _merge(base: dict, top: dict) -> dict:
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _parse_overrides(overrides) -> dict[str, Any]:
    if overrides is None:
        return {}
    if isinstance(overrides, dict):
        return dict(overrides)
    parsed = {}
    for item in overrides:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise ScenarioError("--set", item, "expected key.path=value")
        parsed[key.strip()] = parse_value(raw.strip())
    return parsed


def parse_value(raw: str) -> Any:
    """Parse a command-line value as TOML (numbers, booleans, arrays); bare words stay strings."""
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw


def _set_dotted(data: dict, key: str, value: Any, *, source, must_exist: bool) -> None:
    parts = key.split(".")
    node, cls = data, Scenario
    for depth, part in enumerate(parts):
        names = _field_names(cls)
        if part not in names:
            raise ScenarioError(source, key, _unknown_message(part, names))
        if depth == len(parts) - 1:
            node[part] = value
            return
        sub = _field_types(cls)[part]
        if not dataclasses.is_dataclass(sub):
            raise ScenarioError(source, key, f"'{'.'.join(parts[:depth + 1])}' is a value, not a table")
        node = node.setdefault(part, {})
        if not isinstance(node, dict):
            raise ScenarioError(source, key, f"'{'.'.join(parts[:depth + 1])}' is a table, but is set to "
                                             f"{_tname(node)} (by another --set or the file)")
        cls = sub


def _unknown_message(name: str, allowed) -> str:
    near = difflib.get_close_matches(name, list(allowed), n=1, cutoff=0.6)
    hint = f"; did you mean '{near[0]}'?" if near else ""
    return f"unknown key '{name}'{hint} (allowed: {', '.join(sorted(allowed))})"


def _field_names(cls) -> list[str]:
    return [f.name for f in dataclasses.fields(cls)]


def _field_types(cls) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def from_dict(data: dict[str, Any], source: str | None = None) -> Scenario:
    """Build and validate a Scenario from a nested dict (as read from TOML)."""
    scenario = _build(Scenario, data, source, prefix="")
    _check_office(scenario.office, source)
    return scenario


def _build(cls, data, source, prefix):
    if not isinstance(data, dict):
        raise ScenarioError(source, prefix.rstrip(".") or None, f"must be a table, got {_tname(data)}")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    types = _field_types(cls)
    for key in data:
        if key not in fields:
            raise ScenarioError(source, prefix + key, _unknown_message(key, fields))
    values = {}
    for name, value in data.items():
        key = prefix + name
        kind = types[name]
        if dataclasses.is_dataclass(kind):
            values[name] = _build(kind, value, source, key + ".")
        elif kind == tuple[Unit, ...]:
            if not isinstance(value, list) or not value:
                raise ScenarioError(source, key, "must be a non-empty array of [[office.units]] tables")
            values[name] = tuple(_build(Unit, v, source, f"{key}[{i}].") for i, v in enumerate(value))
        else:
            values[name] = _check_value(kind, fields[name].metadata, value, source, key)
    return cls(**values)


def _tname(value) -> str:
    return {bool: "a boolean", int: "an integer", float: "a number", str: "a string",
            list: "an array", dict: "a table"}.get(type(value), type(value).__name__)


def _shown(value, limit: int = 40) -> str:
    """A value as quoted in an error: repr, cut short (an error is one line)."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def usable_name(name: str) -> bool:
    """A scenario or unit name that can become part of a folder or file name."""
    return (0 < len(name) <= MAX_NAME_CHARS and name.strip() == name and name not in (".", "..")
            and not any(c in name for c in "/\\") and all(c.isprintable() for c in name))


def _check_value(kind, meta, value, source, key):
    choices, lo, hi = meta.get("choices"), meta.get("lo"), meta.get("hi")
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            else:
                raise ScenarioError(source, key, f"must be a whole number, got {_tname(value)} {_shown(value)}")
    elif kind is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ScenarioError(source, key, f"must be a number, got {_tname(value)} {_shown(value)}")
        value = float(value)
        if not math.isfinite(value):
            raise ScenarioError(source, key, f"must be a finite number, got {value!r}")
    elif kind is str:
        if not isinstance(value, str):
            raise ScenarioError(source, key, f"must be a string, got {_tname(value)} {_shown(value)}")
        if key.endswith("name") and not usable_name(value):
            raise ScenarioError(source, key, f"{_shown(value)} is not a usable name: 1 to {MAX_NAME_CHARS} "
                                             "characters, no control characters, no / or \\, not . or ..")
    elif kind == tuple[str, ...]:
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            raise ScenarioError(source, key, "must be a non-empty array of strings")
        for item in value:
            if item not in choices:
                raise ScenarioError(source, key, f"{_shown(item)} is not allowed; choose from {', '.join(choices)}")
        if len(set(value)) != len(value):
            raise ScenarioError(source, key, "lists a task twice")
        return tuple(value)
    if choices and kind is str and value not in choices:
        near = difflib.get_close_matches(value, choices, n=1, cutoff=0.5)
        hint = f"; did you mean '{near[0]}'?" if near else ""
        raise ScenarioError(source, key, f"{_shown(value)} is not allowed; choose one of {', '.join(choices)}{hint}")
    if lo is not None and value < lo or hi is not None and value > hi:
        raise ScenarioError(source, key, f"{value!r} is out of range; allowed {lo} to {hi}")
    return value


def _check_office(office: Office, source) -> None:
    names = [u.name for u in office.units]
    if len(set(names)) != len(names):
        raise ScenarioError(source, "office.units", "unit names must be unique")
    for task in TASKS:
        if not any(task in u.tasks and u.target_group == "all" for u in office.units):
            raise ScenarioError(source, "office.units",
                                f"no unit with target_group = \"all\" does the task '{task}'; every user must have somewhere to go")
    for j, unit in enumerate(office.units):
        shadow = _shadowing_units(office.units[:j], unit)
        if shadow:
            raise ScenarioError(source, f"office.units[{j}]",
                                f"unit '{unit.name}' can never receive a user: earlier unit {', '.join(repr(u) for u in shadow)} "
                                "takes all its tasks for its users and has no caseload_cap; "
                                "move it up, narrow the earlier unit, or give that unit a caseload_cap")


def _shadowing_units(earlier: tuple[Unit, ...], unit: Unit) -> list[str]:
    """Earlier units that take every task of ``unit`` for its users and never pass any on (no cap).

    Tasks go to the first unit that does them for the user's group; an uncapped unit never
    passes users on, so a later unit whose every task is taken that way sits idle.
    """
    takers = []
    for task in unit.tasks:
        taker = next((u for u in earlier if task in u.tasks and u.caseload_cap == 0
                      and u.target_group in ("all", unit.target_group)), None)
        if taker is None:
            return []
        takers.append(taker.name)
    return list(dict.fromkeys(takers))


# --------------------------------------------------------------------------------------------
# Generated documentation: docs/scenario-reference.md and scenarios/base.toml
# --------------------------------------------------------------------------------------------


def _sections():
    types = _field_types(Scenario)
    for f in dataclasses.fields(Scenario):
        if dataclasses.is_dataclass(types[f.name]):
            yield f.name, types[f.name]


def _allowed(meta) -> str:
    if meta.get("choices"):
        return ", ".join(meta["choices"])
    lo, hi = meta.get("lo"), meta.get("hi")
    return f"{lo} to {hi}" if lo is not None else ""


def reference_markdown() -> str:
    """The scenario reference page: every key with default, unit, allowed values and source."""
    lines = ["# Scenario reference", "",
             "Generated from `simulation/scenario.py` by `python -m simulation.scenario`; do not edit by hand.",
             "Sources are `seed:line` into `../shared/seeds/` (see docs/sources.md), a named statistic,",
             "or `assumption` (listed in docs/calibration.md).", ""]
    groups = [("", Scenario, [f for f in dataclasses.fields(Scenario) if f.name in ("name", "description")])]
    groups += [(name, cls, dataclasses.fields(cls)) for name, cls in _sections()]
    groups.append(("office.units[]", Unit, dataclasses.fields(Unit)))
    for prefix, cls, fields in groups:
        if prefix:
            lines += [f"## `[{prefix}]`" if not prefix.endswith("[]") else "## `[[office.units]]`", "",
                      (cls.__doc__ or "").strip(), ""]
        lines += ["| key | default | unit | allowed | source | meaning |", "|---|---|---|---|---|---|"]
        for f in fields:
            if f.name == "units":
                default = "one generalist unit"
            else:
                default = f.default if f.default is not dataclasses.MISSING else f.default_factory()
                default = f"`{_toml_value(default)}`"
            m = f.metadata
            lines.append(f"| `{f.name}` | {default} | {m['unit']} | {_allowed(m)} | {m['source']} | {m['doc']} |")
        lines.append("")
    return "\n".join(lines)


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def template_toml() -> str:
    """``scenarios/base.toml``: every key at its default, with unit and source as comments."""
    out = ["# The shared base scenario: every parameter at its default, with unit and source.",
           "# Generated by `python -m simulation.scenario`; edit defaults in simulation/scenario.py.",
           "# Other scenarios say `extends = \"base.toml\"` and change only what differs.",
           "# Full reference: docs/scenario-reference.md", "",
           'name = "base"', f"description = {_toml_value(Scenario().description)}", ""]
    for name, cls in _sections():
        out.append(f"[{name}]  # {(cls.__doc__ or '').strip()}")
        for f in dataclasses.fields(cls):
            if f.name == "units":
                continue
            m = f.metadata
            comment = f"{m['unit']}; {m['source']}" if m["unit"] else m["source"]
            out.append(f"{f.name} = {_toml_value(f.default)}  # {comment}")
        out.append("")
    for unit in Office().units:
        out.append("[[office.units]]  # one unit does every task for every user (generalist)")
        for f in dataclasses.fields(Unit):
            out.append(f"{f.name} = {_toml_value(getattr(unit, f.name))}")
    return "\n".join(out) + "\n"


if __name__ == "__main__":  # pragma: no cover - developer tool (same as `make docs`)
    root = Path(__file__).resolve().parent.parent
    (root / "docs" / "scenario-reference.md").write_text(reference_markdown(), encoding="utf-8")
    (root / "scenarios" / "base.toml").write_text(template_toml(), encoding="utf-8")
    print("wrote docs/scenario-reference.md and scenarios/base.toml")
