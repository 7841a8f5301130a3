"""Scenarios: the typed schema of every model parameter, TOML loading and validation.

A scenario is a frozen tree of dataclasses. Each parameter is declared once, here, with its
default, unit, allowed range and source (``seed:line`` against docs/references.md, a statistic, or
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
import functools
import math
import tomllib
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .vocabulary import TASKS

TARGET_GROUPS = ("all", "youth", "heaviest", "refugees")


class ScenarioError(ValueError):
    """A scenario that cannot be used. ``str()`` is one line: ``file: key: what is allowed``."""

    def __init__(self, source: str | None, key: str | None, message: str):
        self.source, self.key, self.message = source, key, message
        parts = [p for p in (source, key) if p]
        super().__init__(": ".join(parts + [message]))


def param(default, doc, *, source, unit="", lo=None, hi=None, choices=None, min_items=1):
    """Declare one scenario parameter with its documentation, allowed values and source.

    ``source`` is required: a seed reference (``002:8150``, ``002:8148-8150``), a named statistic
    named by its key in docs/references.md (``SSB sosialhjelp ...``, ``Folketrygdloven ...``), or
    ``assumption: <why this value>``;
    tests/test_citations.py checks the form and that seed lines exist.
    """
    if not source or not str(source).strip():
        raise ValueError(f"parameter {doc[:40]!r}... declares no source")
    meta = dict(doc=doc, unit=unit, source=source, lo=lo, hi=hi, choices=choices, min_items=min_items)
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

    weeks: int = param(520, "Weeks recorded after the spin-up (520 = 10 years). Every summary indicator "
                       "covers these weeks unless its name says 'last year'.", unit="weeks",
                       source="assumption: ten years, long enough for follow-up effects of 2-3 years (Card et "
                              "al. 2018)",
                       lo=1, hi=5200)
    warmup_weeks: int = param(
        1040, "Spin-up: weeks simulated before recording, so every stock (disability above all, whose "
        "recipients stay for decades) has settled. The manifest records the drift over the recorded window.",
        unit="weeks", source="assumption: 20 years from an initial state drawn near the targets: after 10 the "
                             "disability stock still drifted 3-7 % over the recorded decade, after 20 every "
                             "headline stock drifts less than 5 % (docs/calibration.md)",
        lo=0, hi=5200)


@dataclass(frozen=True)
class Population:
    """The working-age adults (18-66) of the office's district and their turnover."""

    citizens: int = param(
        20_000, "Working-age adults (18-66) in the district; newcomers replace leavers, so the size stays "
        "constant. About a district of 31,000 inhabitants of all ages.",
        unit="persons", source="002:8122-8128 (Ytrebygda, 24,800 inhabitants); size: assumption", lo=50, hi=50_000_000)
    youth_share_of_inflow: float = param(
        0.4, "Share of newcomers who are 18-year-olds (the rest move in aged 20-45).",
        unit="share", source="assumption: a cohort turning 18 is about 2 % of adults 18-66 a year (SSB population "
        "by age), against about 5 % leaving a year", lo=0.0, hi=1.0)
    at_risk_share_of_inflow: float = param(
        0.06, "Share of newcomers not in school who arrive without work, network or means.",
        unit="share", source="004:4593-4597 (new people at risk); share: assumption", lo=0.0, hi=1.0)
    education_share_at_18: float = param(
        0.6, "Share of 18-year-old newcomers still in education.",
        unit="share", source="assumption: SSB, most 18-19-year-olds are in school; employment 20-24 about 70 %",
        lo=0.0, hi=1.0)
    education_exit_per_year: float = param(
        0.2, "Yearly rate of leaving education (a mean of about five years from 18).",
        unit="per year", source="assumption: matches employment lowest at 20-24 (SSB register employment)",
        lo=0.0, hi=5.0)
    work_on_leaving_education: float = param(
        0.7, "Share of those leaving education who go straight into work (the rest seek it).",
        unit="share", source="assumption: most graduates find work quickly (SSB)", lo=0.0, hi=1.0)
    language_share_of_movers: float = param(
        0.4, "Share of people moving in with limited Norwegian (a complexity trait).",
        unit="share", source="002:4584-4586, 002:8302-8304 (immigrant users); share: assumption", lo=0.0, hi=1.0)
    substance_use_share: float = param(
        0.02, "Share with substance use problems among newcomers (complexity trait).",
        unit="share", source="002:3393-3397; share: assumption", lo=0.0, hi=1.0)
    low_income_share: float = param(
        0.1, "Share with a low wage and minimum-rate benefits: their own income may not reach the "
        "social-assistance norm, so they get top-ups.",
        unit="share", source="SSB sosialhjelp (2016): social assistance is the main income of about 4 in 10 recipients "
        "(the rest get top-ups); share sized to it", lo=0.0, hi=1.0)
    partner_share: float = param(
        0.65, "Share of adults who come to live with an earning partner at some age.", unit="share",
        source="assumption: SSB household statistics, about two in three adults 30-66 live in couples", lo=0.0, hi=1.0)
    partner_mean_wait_years: float = param(
        8.0, "Mean years after age 20 until one lives with a partner (exponential).", unit="years",
        source="assumption: SSB, few couples at 20-24, most by 30-39; SA highest at 20-29 (SSB)", lo=0.1, hi=60.0)
    disabled_share_at_entry: float = param(
        0.015, "Share of 18-year-old newcomers already on disability benefit (born or early disabled).",
        unit="share", source="NAV uføretrygd (2017): 1.8 % of 18-29 on disability benefit; share: "
                             "assumption", lo=0.0, hi=1.0)
    move_away_per_year: float = param(
        0.03, "Yearly probability of moving out of the district.", unit="per year",
        source="assumption: SSB migration between municipalities, about 3-4 % of adults a year", lo=0.0, hi=1.0)
    mortality_at_40: float = param(
        0.0011, "Yearly probability of death at age 40 (rises by mortality_growth per year of age).",
        unit="per year", source="SSB dødelighetstabeller (about 0.1 % at 40, 0.6 % at 60)", lo=0.0, hi=0.1)
    mortality_growth: float = param(
        0.085, "Growth of the death rate per year of age (Gompertz).", unit="per year",
        source="SSB dødelighetstabeller (mortality doubles about every 8 years)", lo=0.0, hi=0.3)
    disability_mortality_factor: float = param(
        2.5, "Death rate on disability benefit relative to others of the same age.", unit="factor",
        source="assumption: disability recipients' excess mortality (NAV notes speak of exits by death)",
        lo=1.0, hi=20.0)
    early_pension_age: float = param(62.0, "Earliest age of contractual early retirement (AFP).", unit="years",
                                     source="Folketrygdloven (old-age pension from 62 with contractual early "
                                            "retirement, AFP)", lo=50.0, hi=80.0)
    early_pension_per_year: float = param(
        0.15, "Yearly rate at which employed people from early_pension_age retire early.",
        unit="per year", source="assumption: with disability, matches employment 55-66 of 64-65 % "
                                "(SSB)", lo=0.0, hi=1.0)
    retirement_age: float = param(67.0, "Age at which citizens leave the working-age population.",
                                  unit="years", source="Folketrygdloven (age limit 67)", lo=50.0, hi=80.0)
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
        unit="per week", source="004:4445-4455, 003:433-436; rate fitted to Andreev 2016 (docs/calibration.md)",
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

    job_loss: float = param(0.0015, "Weekly hazard of losing a job (about 8 % a year, temporary jobs included).",
                            unit="per week", source="assumption: NAV registered unemployment inflow, about 4 % of "
                            "the employed a year", lo=0.0, hi=0.5)
    job_loss_housing_lost_factor: float = param(
        3.0, "Multiplier on job loss when the housing arena is lost.",
        unit="factor", source="004:2442-2446; size: assumption", lo=1.0, hi=50.0)
    job_loss_complexity_factor: float = param(
        1.0, "Added to the job-loss multiplier per complexity trait (health, substance use).",
        unit="factor", source="004:2859-2871; size: assumption", lo=0.0, hi=20.0)
    eviction: float = param(0.0002, "Weekly hazard of losing one's home.",
                            unit="per week", source="assumption: about 1 % a year, higher without "
                                                    "means", lo=0.0, hi=0.5)
    eviction_economy_lost_factor: float = param(
        8.0, "Multiplier on eviction when the economy arena is lost.",
        unit="factor", source="004:2446-2456; size: assumption", lo=1.0, hi=100.0)
    debt: float = param(0.0008, "Weekly hazard of a debt or income shock.",
                        unit="per week", source="SSB 2017: 20.5 % of recipients get one month (short spells come "
                        "from shocks); rate calibrated", lo=0.0, hi=0.5)
    debt_out_of_work_factor: float = param(
        1.2, "Multiplier on debt shocks while out of work.",
        unit="factor", source="004:2359-2373; size: assumption", lo=1.0, hi=50.0)
    debt_steady_income_factor: float = param(
        0.3, "Multiplier on debt shocks on disability benefit or early pension (a steady, predictable income).",
        unit="factor", source="SSB sosialhjelp: social assistance lowest at 60-66 (11-12 per 1,000); size: assumption",
        lo=0.0, hi=50.0)
    debt_savings_per_year: float = param(
        0.04, "Debt and income shocks fall by this rate per year of age (savings and assets buffer them).",
        unit="per year", source="SSB sosialhjelp: social assistance falls with age from 20-24 to 60-66; size: "
                                "assumption", lo=0.0, hi=0.5)
    application_rate_factor: float = param(
        1.0, "Multiplier on debt and income shocks: a rise in social-assistance applications (the "
        "crowding-out experiment sets it above 1).", unit="factor",
        source="000:6976-7024, 003:984-1000 (applications crowd out follow-up); 1 = the calibrated district",
        lo=0.0, hi=20.0)
    eviction_size: float = param(0.5, "Drop in the housing arena on eviction.", unit="score",
                                 source="assumption: an eviction loses the housing arena from any secure home",
                                 lo=0.0, hi=1.0)
    debt_size: float = param(0.5, "Drop in the economy arena on a debt shock.", unit="score",
                             source="assumption: a shock large enough to lose the economy arena from a wage",
                             lo=0.0, hi=1.0)


@dataclass(frozen=True)
class Health:
    """Sick leave, long-term illness, work assessment allowance (AAP) and disability benefit."""

    short_sick_leave: float = param(
        0.008, "Weekly hazard that an employed person starts a short sick-leave spell.",
        unit="per week", source="SSB sykefravær: sickness absence 6-7 % of contracted days; hazard "
                                "calibrated", lo=0.0, hi=0.5)
    short_sick_recovery: float = param(
        0.4, "Weekly recovery from a short sick-leave spell (mean about 2.5 weeks).", unit="per week",
        source="assumption: most sick-leave spells last a few weeks (NAV sickness statistics)", lo=0.0, hi=1.0)
    illness_at_40: float = param(
        0.15, "Yearly hazard of a long-term health problem at age 40 (sick leave if employed, else AAP).",
        unit="per year", source="NAV AAP 2018: AAP 4.1 % of 18-66; rate calibrated", lo=0.0, hi=1.0)
    illness_growth: float = param(
        0.02, "Growth of the illness hazard per year of age.", unit="per year",
        source="NAV uføretrygd (2017): disability 1.8 % of 18-29, 32 % of 65-67; growth calibrated", lo=0.0, hi=0.3)
    illness_out_of_work_factor: float = param(
        2.0, "Illness hazard out of work relative to in work.", unit="factor",
        source="NAV AAP 2018: 63 % of new AAP recipients had sick pay just before (37 % came from outside work); "
        "size calibrated", lo=0.0, hi=20.0)
    sick_recovery: float = param(0.035, "Weekly hazard of recovering from long-term sick leave.",
                                 unit="per week", source="assumption: about 1 in 6 long spells reach the one-year "
                                 "limit (NAV sickness statistics)", lo=0.0, hi=1.0)
    sick_pay_weeks: int = param(52, "Maximum weeks of sick pay, then AAP.",
                                unit="weeks", source="Folketrygdloven ch. 8 (sick pay for up to one "
                                                     "year)", lo=1, hi=520)
    disability_at_sick_pay_end: float = param(
        0.05, "Probability of going straight to disability benefit when sick pay runs out.",
        unit="probability", source="NAV uføretrygd (2017): about 1 in 10 new disability recipients come from "
                                   "sick pay", lo=0.0, hi=1.0)
    aap_recovery: float = param(0.004, "Weekly hazard that an AAP user's work ability is restored.",
                                unit="per week", source="NAV AAP 2018: 46 % of AAP leavers in work six months later; "
                                "calibrated", lo=0.0, hi=1.0)
    work_on_aap_recovery: float = param(
        0.6, "Share of those leaving AAP restored who go straight into work (the rest seek it).",
        unit="share", source="NAV AAP 2018 (46 % in work six months after leaving); share: assumption", lo=0.0, hi=1.0)
    aap_weeks: int = param(156, "Maximum weeks of AAP.", unit="weeks",
                           source="Folketrygdloven ch. 11 (AAP for up to three years)", lo=1, hi=1040)
    disability_decision: float = param(
        0.0012, "Weekly hazard of a disability decision for an assessed AAP user aged 40 (grows with age).",
        unit="per week", source="NAV AAP 2018: 32 % of AAP leavers on disability benefit six months later; calibrated",
        lo=0.0, hi=1.0)
    disability_age_growth: float = param(
        0.06, "Growth per year of age of the odds of disability at a decision or at the end of AAP.",
        unit="per year", source="NAV uføretrygd (2017): most disability recipients are 50+; size: "
                                "assumption", lo=0.0, hi=0.3)
    disability_other_per_year: float = param(
        0.08, "Yearly hazard, at age 40, of disability benefit for someone out of work with a lasting health "
        "problem and no state benefit (routes other than AAP and sick pay; grows with age).", unit="per year",
        source="NAV uføretrygd: about 2 in 10 new recipients come neither from AAP nor from sick pay; rate calibrated",
        lo=0.0, hi=1.0)
    disability_at_aap_end: float = param(
        0.35, "Probability, at age 40, of disability benefit when AAP runs out (else back to job seeking).",
        unit="probability", source="004:743-751, 004:3735-3751; share: assumption", lo=0.0, hi=1.0)


@dataclass(frozen=True)
class LabourMarket:
    """Finding work, and the unemployment benefit that comes with losing it."""

    job_finding: float = param(
        0.085, "Weekly hazard of finding work for a jobseeker with a full work arena and no complexity. "
        "Most jobseekers leave unemployment quickly without help.",
        unit="per week", source="004:2879-2883; fitted to Andreev 2016 (docs/calibration.md)", lo=0.0, hi=1.0)
    job_finding_floor: float = param(
        0.15, "Share of the job-finding hazard that does not fade with the work arena: the long-term "
        "unemployed still find work, more slowly.", unit="share",
        source="Andreev 2016: few exits a month after six months, but exits continue; size: assumption", lo=0.0, hi=1.0)
    work_arena_elasticity: float = param(
        2.0, "Job finding scales with the work arena to this power.",
        unit="exponent", source="004:4445-4455; calibrated to Andreev 2016", lo=0.0, hi=10.0)
    complexity_penalty: float = param(
        0.35, "Each complexity trait (health, substance use, language) cuts job finding by this share.",
        unit="share", source="004:2891-2896; size: assumption", lo=0.0, hi=1.0)
    job_lead_weight: float = param(
        0.3, "Share of job finding that depends on how many of one's network contacts are employed.",
        unit="share", source="004:2367-2373 (work contacts give new jobs); size: assumption", lo=0.0, hi=1.0)
    unemployment_benefit_eligible: float = param(
        0.7, "Share of job losers aged 25+ with enough earnings history for unemployment benefit.",
        unit="share", source="assumption: NAV, most registered unemployed with a work history receive it",
        lo=0.0, hi=1.0)
    unemployment_benefit_eligible_young: float = param(
        0.3, "The same share for job losers under 25 (short earnings histories).", unit="share",
        source="assumption: young people more often lack the earnings required; SSB: social assistance "
        "highest at 20-29", lo=0.0, hi=1.0)
    unemployment_benefit_weeks: int = param(
        104, "Maximum weeks of unemployment benefit.", unit="weeks",
        source="Folketrygdloven ch. 4 (52 or 104 weeks)", lo=1, hi=520)


@dataclass(frozen=True)
class Benefits:
    """Income each status gives (as an economy-arena level) and what it costs (NOK per week)."""

    economy_employed: float = param(0.85, "Economy level a wage allows (also on sick pay, which replaces the wage).",
                                    unit="score", source="assumption: a wage keeps the economy arena well above "
                                    "the loss threshold", lo=0.0, hi=1.0)
    economy_state_benefit: float = param(
        0.6, "Economy level on unemployment benefit, AAP or disability benefit.", unit="score",
        source="assumption: state benefits replace about two thirds of a wage (Norwegian rules)", lo=0.0, hi=1.0)
    economy_qualification: float = param(0.45, "Economy level on the qualification programme (KVP).",
                                         unit="score", source="Sosialtjenesteloven (KVP benefit 2G a year, above "
                                         "social assistance); level: assumption", lo=0.0, hi=1.0)
    economy_social_assistance: float = param(
        0.3, "Economy level social assistance lifts a recipient to: a minimum, still below the loss threshold.",
        unit="score", source="SSB sosialhjelp: social assistance as main income for about 4 in 10 recipients; "
                             "level: assumption",
        lo=0.0, hi=1.0)
    economy_partner_income: float = param(
        0.5, "Economy level a partner's earnings give someone with little income of their own.", unit="score",
        source="assumption: a partner's wage lifts a household above the social-assistance norm (means test by "
               "household)",
        lo=0.0, hi=1.0)
    economy_student: float = param(0.55, "Economy level in education (student loan and grant).", unit="score",
                                   source="assumption: student support keeps the economy above the loss threshold",
                                   lo=0.0, hi=1.0)
    economy_pension: float = param(0.7, "Economy level on early pension (AFP).", unit="score",
                                   source="assumption: a pension of about two thirds of a wage", lo=0.0, hi=1.0)
    economy_no_income: float = param(0.05, "Economy level with no income at all.", unit="score",
                                     source="assumption: nothing to live on", lo=0.0, hi=1.0)
    low_income_factor: float = param(
        0.6, "Income of the low-income group relative to others on the same wage or benefit: a low wage "
        "still holds the economy, a minimum-rate benefit does not.", unit="share",
        source="assumption: minimum-rate AAP and unemployment benefit fall below the social-assistance norm",
        lo=0.0, hi=1.0)
    nok_unemployment_benefit: float = param(4_500.0, "Unemployment benefit paid per week.", unit="NOK/week",
                                            source="assumption: 62.4 % of a median wage (Norwegian "
                                                   "rules)", lo=0.0, hi=1e6)
    nok_sick_pay: float = param(6_500.0, "Sick pay per week.", unit="NOK/week",
                                source="assumption: full wage up to 6G (Norwegian rules)", lo=0.0, hi=1e6)
    nok_work_assessment_allowance: float = param(4_600.0, "AAP per week.", unit="NOK/week",
                                                 source="assumption: 66 % of earlier income (Norwegian rules)",
                                                 lo=0.0, hi=1e6)
    nok_social_assistance: float = param(2_400.0, "Social assistance per week.", unit="NOK/week",
                                         source="assumption: national guideline rates for a single adult plus housing",
                                         lo=0.0, hi=1e6)
    nok_qualification_programme: float = param(4_800.0, "KVP benefit per week (2G a year).", unit="NOK/week",
                                               source="Sosialtjenesteloven (KVP benefit 2G a year)", lo=0.0, hi=1e6)
    nok_disability_benefit: float = param(5_800.0, "Disability benefit per week.", unit="NOK/week",
                                          source="assumption: 66 % of earlier income (Norwegian rules)", lo=0.0, hi=1e6)
    nok_staff_hour: float = param(650.0, "Cost of one caseworker hour, overheads included.", unit="NOK/hour",
                                  source="assumption: a caseworker's pay with overheads", lo=0.0, hi=1e5)


@dataclass(frozen=True)
class Caseworkers:
    """Caseworkers' time, how they learn, and how strain wears on them: the same in every unit."""

    hours_per_week: float = param(37.5, "Contract hours per week.", unit="hours",
                                  source="assumption: the full-time week of 37.5 hours in collective agreements",
                                  lo=1.0, hi=80.0)
    holiday_share: float = param(
        0.11, "Share of contract hours on holiday: five weeks and the public holidays.", unit="share",
        source="assumption: 25 working days' holiday and about 10 public holidays a year (Norwegian rules)",
        lo=0.0, hi=0.9)
    duty_share: float = param(
        0.25, "Share of hours at work eaten by duties and meetings: reception shifts, phone duty, staff "
              "meetings, reporting.",
        unit="share", source="002:2361-2379, 002:1688-1700 (duties); share: assumption (no seed figure)",
        lo=0.0, hi=0.95)
    documentation_share: float = param(
        0.25, "Share of every casework hour spent documenting it (case notes, letters, the activity plan).",
        unit="share", source="assumption: documentation is part of every item's hours (see docs/ODD.md)",
        lo=0.0, hi=0.9)
    social_worker_share: float = param(
        0.36, "Share of caseworkers who are trained social workers (sosionom), unless a unit sets its own.",
        unit="share", source="002:6125-6129, 002:6303 (35.9-36.1 %)", lo=0.0, hi=1.0)
    social_worker_bonus: float = param(
        0.1, "Competence added in housing and social follow-up and in social-assistance decisions for a "
        "trained social worker (training, not experience).",
        unit="score", source="002:6763-6779, 004:2910-2918; size: assumption", lo=0.0, hi=1.0)
    competence_floor: float = param(
        0.3, "Competence in a task never done.", unit="score",
        source="assumption: a newcomer can hold a conversation but knows neither rules nor measures", lo=0.0, hi=1.0)
    competence_ceiling: float = param(
        0.9, "Competence in a task after long experience of it.", unit="score",
        source="assumption: nobody is perfect", lo=0.0, hi=1.0)
    learning_hours: float = param(
        700.0, "Hours of practice in a task that take a caseworker about two thirds of the way from floor "
        "to ceiling (learning by doing).", unit="hours",
        source="002:4939-4941 (specialisation builds competence); 002 (new staff leave 'after two years' "
        "training'); size: assumption", lo=1.0, hi=100_000.0)
    forgetting_per_year: float = param(
        0.25, "Share of a task's experience lost in a year without practising it.", unit="per year",
        source="assumption: skills and rules not used fade within a few years", lo=0.0, hi=5.0)
    task_switch_hours: float = param(
        0.75, "Hours a week lost for every task type beyond the first a caseworker works on that week "
        "(switching between rules, systems and kinds of conversation).", unit="hours",
        source="002:4983-4985, 002:7496-7500 (the generalist role 'too demanding'); size: assumption",
        lo=0.0, hi=20.0)
    sick_leave_per_week: float = param(
        0.014, "Weekly hazard that an unstrained caseworker starts a sick-leave spell.", unit="per week",
        source="SSB sykefravær (about 6 % in public administration); hazard: assumption (spells of about four weeks)",
        lo=0.0, hi=1.0)
    sick_leave_weeks: float = param(4.0, "Mean length of a caseworker's sick-leave spell.", unit="weeks",
                                    source="assumption: a spell of about a month, as most sick-leave spells are "
                                           "short", lo=1.0, hi=52.0)
    strain_sick_leave_factor: float = param(
        4.0, "Sick-leave hazard rises by this factor per unit of strain (strain 0.5 triples it).",
        unit="factor", source="002:8304-8306 (17-18 % sick leave in strained units); size calibrated to it "
        "(docs/calibration.md)", lo=0.0, hi=100.0)
    strain_weeks: float = param(
        13.0, "Weeks over which strain builds up and wears off (moving average of overload).", unit="weeks",
        source="assumption: overload wears on people over about a quarter", lo=1.0, hi=520.0)
    turnover_per_year: float = param(
        0.08, "Yearly probability that an unstrained caseworker leaves the office.", unit="per year",
        source="assumption: a public-sector turnover of about 8 % a year", lo=0.0, hi=1.0)
    strain_turnover_factor: float = param(
        3.0, "Turnover rises by this factor per unit of strain.", unit="factor",
        source="002:7966-8059, 002:3205 (Kristiansand: highest workload, sick leave and turnover); size: assumption",
        lo=0.0, hi=100.0)
    vacancy_weeks: int = param(12, "Weeks a post stays empty after someone leaves.", unit="weeks",
                               source="assumption: advertising, hiring and notice take about three months",
                               lo=0, hi=104)


@dataclass(frozen=True)
class Unit:
    """One unit or team of the office: which tasks it does, for whom, with how many caseworkers."""

    name: str = param("office", "Name of the unit.", source="assumption: a label")
    tasks: tuple[str, ...] = param(
        list(TASKS), "Tasks the unit does: intake (reception), economic (social assistance decisions), "
        "work (follow-up toward work: jobseekers, sick leave, AAP, qualification programme), "
        "housing_social (housing and social follow-up).", choices=TASKS, source="002:4797-4809 (the units of an "
                                                                                "office)")
    target_group: str = param("all", "Users the unit serves: all, youth (under youth_age_limit), heaviest "
                              "(3+ arenas lost when assigned), refugees (limited Norwegian).", choices=TARGET_GROUPS,
                              source="002:5097-5133, 002:5164-5172 (target-group teams)")
    staff: int = param(44, "Caseworkers in the unit.", unit="persons",
                       source="002:8122-8128 (Ytrebygda: 37 FTE for 24,800 inhabitants, about 15,600 adults: "
                       "2.4 per 1,000 adults), less leadership; see docs/calibration.md", lo=1, hi=1_000_000)
    caseload_cap: int = param(0, "Most users per caseworker (0 = no cap). A full caseworker passes new users to the "
                              "colleague with most room; when the whole unit is full they go to the next unit that "
                              "fits, or wait.",
                              unit="users", source="002:8148-8150, 002:7480-7482", lo=0, hi=100_000)
    line: str = param(
        "joint", "Who employs the unit's staff: state (NAV), municipal (social services) or joint. In a "
        "two-leader office staff do not cover for the other line.", choices=("state", "municipal", "joint"),
        source="002:6050-6054 (leader models), 002:6115-6121 (state and municipal staff)")
    experience_years: float = param(
        3.0, "Years of experience of the unit's staff at the start, spread over the tasks the unit does.",
        unit="years", source="002:6143-6149 (38.6 % without earlier agency experience); years: assumption",
        lo=0.0, hi=40.0)
    social_worker_share: float = param(
        -1.0, "Share of the unit's staff who are trained social workers (-1 = the office's "
              "caseworkers.social_worker_share).",
        unit="share", source="002:6125-6145 (education by unit and office)", lo=-1.0, hi=1.0)
    follow_up_interval_weeks: int = param(
        0, "Norm weeks between follow-up sessions for this unit's users (0 = by need level). A close "
        "follow-up team's norm is weekly; like every norm it slips under pressure.", unit="weeks",
        source="002:7474-7482 (7-8 users per caseworker), 002:3427-3435 (several times a week)", lo=0, hi=104)


@dataclass(frozen=True)
class Office:
    """How the office is organised and how it spends caseworker time."""

    units: tuple[Unit, ...] = param([Unit()], "The office's units ([[office.units]] tables), tried in "
                                   "order: a user's task goes to the first unit that does it for their group.",
                                   source="002:4797-4809")
    leader_model: str = param(
        "one_leader", "one_leader: one head for state and municipal staff, who cover for each other's backlog "
        "within cover_share of their spare hours; two_leader: separate state and municipal lines, and hours do "
        "not flow across the line.", choices=("one_leader", "two_leader"),
        source="002:6050-6054 (22 two-leader, 10 one-leader offices), 002:1038-1044, 002:7848-7899")
    cover_share: float = param(
        0.5, "Share of a caseworker's spare hours that may go to covering another unit's backlog (within the "
        "line in a two-leader office, across the office in a one-leader office).", unit="share",
        source="002:4742-4746 (follow-up staff cover the reception); share: assumption", lo=0.0, hi=1.0)
    portfolio: tuple[str, ...] = param(
        [], "Municipal services the office holds beyond the minimum solution (social assistance, KVP and "
        "advice): substance_use, housing, introduction. Each adds its weekly workload and lets housing and "
        "social follow-up act on the matching need.", choices=("substance_use", "housing", "introduction"),
        source="002:6082-6107 (portfolios of the big-city offices)", min_items=0)
    service_hours_per_user: float = param(
        0.5, "Weekly hours a held portfolio service takes per user who needs it (substance use, housing lost, "
        "limited Norwegian), on top of follow-up.", unit="hours",
        source="002:3431-3433 (several meetings a week for substance-use and housing users); hours: assumption",
        lo=0.0, hi=40.0)
    reception: str = param(
        "same_day", "same_day: new users are taken in at once; group_call_in: called in groups every "
        "call_in_interval_weeks with a short interview and self-assessed needs.",
        source="000:7319-7324; 002:7984-8000", choices=("same_day", "group_call_in"))
    call_in_interval_weeks: int = param(2, "Weeks between group call-ins.", unit="weeks",
                                        source="002:7986-7988 (within 14 days)", lo=1, hi=26)
    intake_hours: float = param(1.0, "Caseworker hours for a same-day intake conversation.",
                                unit="hours", source="assumption: one conversation with notes", lo=0.0, hi=20.0)
    call_in_hours: float = param(0.25, "Caseworker hours per user at a group call-in (5 minutes optional).",
                                 unit="hours", source="002:7988-7990", lo=0.0, hi=20.0)
    self_assessment_error: float = param(
        0.4, "At a group call-in, the probability that a user who needs more is placed at standard need.",
        unit="probability", source="002:4886-4898, 002:7992-8000; size: assumption", lo=0.0, hi=1.0)
    decision_deadline_weeks: int = param(4, "Weeks within which a social-assistance application must be decided.",
                                         unit="weeks", source="003:984-990", lo=1, hi=52)
    decision_period_weeks: int = param(
        4, "Weeks a social-assistance decision lasts before renewal, at no time pressure.",
        unit="weeks", source="003:1002-1008 (one month recommended)", lo=1, hi=52)
    longest_decision_period_weeks: int = param(
        13, "Longest decision period a caseworker under time pressure grants (graded: the period grows "
        "with the caseworker's pressure).", unit="weeks", source="003:1002-1008 (some grant up to three months)",
        lo=1, hi=52)
    decision_hours: float = param(2.0, "Hours to decide a new social-assistance application.",
                                  unit="hours", source="assumption: means test, documentation and a "
                                                       "letter", lo=0.0, hi=40.0)
    renewal_hours: float = param(0.75, "Hours to renew or end a social-assistance decision.",
                                 unit="hours", source="assumption: a shorter check of the same", lo=0.0, hi=40.0)
    assessment_hours: float = param(
        4.0, "Hours for a work-ability assessment (arbeidsevnevurdering) of a new AAP user; until it is "
        "done no disability decision can be made.", unit="hours",
        source="004:1365-1385 (assessments under NAV Act §14a); hours: assumption", lo=0.0, hi=40.0)
    dialogue_meeting_hours: float = param(
        2.0, "Hours for the dialogue meeting NAV holds with a worker on long sick leave (by week 26).",
        unit="hours", source="Folketrygdloven ch. 8 (dialogue meeting 2 within 26 weeks); hours: assumption: a "
                             "prepared meeting with notes", lo=0.0, hi=40.0)
    priority_rule: str = param(
        "need_based", "Which due users get follow-up first: need_based (most marginalised first), "
        "date_order (longest waiting first), creaming (closest to work first).",
        source="002:4546-4550; 003:593-605", choices=("need_based", "date_order", "creaming"))
    creaming_under_pressure: float = param(
        1.0, "How far time pressure (demand above hours) pulls any rule toward creaming (0 = not at all).",
        unit="share", source="003:984-1000, 003:1222-1233, 004:5763-5779; size: assumption", lo=0.0, hi=1.0)
    tightest_interval_share: float = param(
        0.5, "With hours to spare, follow-up intervals tighten to this share of their norm, never below a week.",
        unit="share", source="assumption: free hours become earlier appointments (003:1002-1008 describes the "
        "reverse, slipping under pressure)", lo=0.05, hi=1.0)
    shortest_session_share: float = param(
        0.6, "Under time pressure sessions are shortened and standardised, down to this share of their length.",
        unit="share", source="003:984-1000 (standardised, shorter contact under pressure); size: assumption",
        lo=0.1, hi=1.0)
    parking_after_failures: int = param(
        3, "Under time pressure, park a user after this many sessions in a row without progress (0 = never).",
        unit="sessions", source="003:593-605, 003:1409-1454", lo=0, hi=100)
    parking_review_weeks: int = param(
        26, "A parked user's case is reviewed after this many weeks (parking also ends with a new caseworker).",
        unit="weeks", source="004:1389-1410 (reassessment of needs); weeks: assumption", lo=1, hi=520)
    handoff_delay_weeks: int = param(
        2, "Weeks a transferred user waits before any follow-up session (the case is in transit).",
        unit="weeks", source="002:3813-3841 (delays at transfers); size: assumption", lo=0, hi=52)
    handoff_loss: float = param(
        0.05, "Probability a transferred user is lost between units: no new caseworker and no sessions for lost_weeks.",
        unit="probability", source="002:3813-3841, 001:389; size: assumption", lo=0.0, hi=1.0)
    lost_weeks: int = param(13, "Weeks a user lost at a transfer goes without new caseworkers or sessions.",
                            unit="weeks", source="assumption: a quarter, until the next routine check", lo=0, hi=520)
    handoff_hours: float = param(0.5, "Coordination hours the receiving caseworker spends per hand-off.",
                                 unit="hours", source="001:391-395; size: assumption", lo=0.0, hi=20.0)


@dataclass(frozen=True)
class FollowUp:
    """What a follow-up session costs and does. Effects are sized to what evaluations find
    (Card, Kluve & Weber 2018): small at first, larger after two to three years."""

    session_hours: float = param(1.5, "Caseworker hours per follow-up session: the meeting, preparation and notes.",
                                 unit="hours", source="002:1945-1949 (30-minute conversations), 001:422-424 "
                                                      "(20-minute consultations); preparation and notes: assumption",
                                 lo=0.05, hi=20.0)
    interval_standard_weeks: int = param(26, "Norm weeks between sessions at standard need.",
                                         unit="weeks", source="002:1475-1482 (called in twice a year)", lo=1, hi=104)
    interval_situational_weeks: int = param(8, "Norm weeks between sessions at situational need.",
                                            unit="weeks", source="assumption: between twice a year and the "
                                                                 "special norm",
                                            lo=1, hi=104)
    interval_special_weeks: int = param(3, "Norm weeks between sessions at special need.",
                                        unit="weeks", source="assumption: close but not weekly follow-up", lo=1, hi=104)
    interval_qualification_weeks: int = param(
        1, "Norm weeks between sessions in the qualification programme (full-time, closely followed up).",
        unit="weeks", source="004:3542-3548 (the programme); norm: assumption", lo=1, hi=104)
    effect_scale: float = param(
        1.0, "Multiplier on every effect of follow-up (0 = sessions change nothing: the no-follow-up "
        "counterfactual of `marginsim validate`).", unit="factor",
        source="assumption: 1 = the sizes below", lo=0.0, hi=10.0)
    job_search_boost: float = param(
        0.1, "Relative rise in a jobseeker's job-finding hazard in the weeks after a work session "
        "(job-search help acts soon, and a little).", unit="share",
        source="Card et al. 2018 (job-search assistance: small short-run effects); size: assumption",
        lo=0.0, hi=5.0)
    job_search_help_weeks: int = param(8, "Weeks a session's job-search help lasts.", unit="weeks",
                                       source="assumption: until the next routine contact", lo=0, hi=104)
    graded_return_boost: float = param(
        0.05, "Relative rise in recovery from long sick leave or AAP in the weeks after activation "
        "(a session or dialogue meeting).", unit="share",
        source="Card et al. 2018 (small effects); size: assumption", lo=0.0, hi=5.0)
    graded_return_weeks: int = param(8, "Weeks activation and graded return keep working after a session.",
                                     unit="weeks", source="assumption: until the next routine contact", lo=0, hi=104)
    work_effect: float = param(
        0.01, "Gain in the work arena per session-hour at full competence and continuity, nothing lost, "
        "scaled by the distance from work (1 - work arena): human capital that builds over years.",
        unit="score per hour", source="Card et al. 2018 (larger effects after 2-3 years, larger for the "
        "long-term unemployed); size calibrated to the no-follow-up experiment", lo=0.0, hi=1.0)
    housing_effect: float = param(0.04, "Gain in the housing arena per housing/social session-hour.",
                                  unit="score per hour", source="002:3427-3435 (direction); size: "
                                                                "assumption", lo=0.0, hi=1.0)
    activity_effect: float = param(0.03, "Gain in the activity arena per housing/social session-hour.",
                                   unit="score per hour", source="004:4341-4351 (direction); size: assumption",
                                   lo=0.0, hi=1.0)
    economy_effect: float = param(0.03, "Gain in the economy arena per housing/social session-hour (debt help).",
                                  unit="score per hour", source="004:2446-2456 (direction); size: assumption",
                                  lo=0.0, hi=1.0)
    time_per_arena_lost: float = param(
        0.6, "Each arena lost divides the gain per hour by (1 + this): the more arenas lost, the more "
        "time the same progress takes.", unit="factor", source="004:2942-2968 (direction); size: assumption",
        lo=0.0, hi=10.0)
    reassessment_hours: float = param(
        1.0, "Extra hours of the first session with a new caseworker after a change: reading the case and "
        "the user retelling it.", unit="hours",
        source="002:3813-3841 (what is lost at a transfer), 002:5089-5093; hours: assumption", lo=0.0, hi=20.0)
    portfolio_effect: float = param(
        0.5, "Relative gain in housing and social sessions' effect for a user whose need (substance use, housing "
        "lost, limited Norwegian) matches a service the office holds.", unit="share",
        source="002:6082-6107 (portfolio), 002:3427-3435; size: assumption", lo=0.0, hi=5.0)
    continuity_start: float = param(
        0.5, "Effect of the first session with a new caseworker, relative to an established relationship.",
        unit="share", source="003:367-369, 004:5451-5457; size: assumption", lo=0.0, hi=1.0)
    continuity_sessions: int = param(4, "Sessions with the same caseworker until the relationship is established.",
                                     unit="sessions", source="assumption: a few meetings to know a user", lo=1, hi=100)
    qualification_uptake: float = param(
        0.02, "Chance per work session that a long-term social-assistance user at special need "
        "is enrolled in the qualification programme (KVP).", unit="probability",
        source="004:3542-3548; rate: assumption", lo=0.0, hi=1.0)
    qualification_weeks: int = param(52, "Length of the qualification programme.", unit="weeks",
                                     source="Sosialtjenesteloven (one year, may be extended)", lo=1, hi=208)


@dataclass(frozen=True)
class Network:
    """The social network: who knows whom."""

    mean_degree: int = param(6, "Average number of ties per citizen.", unit="ties",
                             source="assumption: a small circle of close contacts", lo=2, hi=100)
    rewiring: float = param(0.1, "Share of ties that reach outside one's local circle (small world).",
                            unit="share", source="assumption: small-world networks (Watts-Strogatz)", lo=0.0, hi=1.0)
    neighbourhood_size: int = param(2000, "Citizens per neighbourhood block the network is built in.",
                                    unit="persons", source="assumption: keeps building fast and memory flat",
                                    lo=20, hi=1_000_000)


@dataclass(frozen=True)
class Reorganisation:
    """A change of organisation at a given week: new units, staff reassigned, a transition."""

    week: int = param(0, "Recorded week at which the office switches to the new units.", unit="weeks",
                      source="assumption: set by the analyst", lo=0, hi=5200)
    units: tuple[Unit, ...] = param([Unit()], "The new units ([[reorganisation.units]] tables).",
                                    source="000 and 002 (the offices' history is a series of such switches)")
    leader_model: str = param("", "The new leader model ('' = unchanged).",
                              choices=("", "one_leader", "two_leader"), source="002:6050-6054")
    transition_weeks: int = param(
        26, "Weeks of lower productivity after the switch (new routines, new colleagues, new systems).",
        unit="weeks", source="002:1032-1034, 002:7966-8059 (offices reorganising); weeks: assumption", lo=0, hi=520)
    productivity_loss: float = param(
        0.2, "Share of casework hours lost at the start of the transition, falling linearly to 0.", unit="share",
        source="assumption: a fifth of the time goes to learning new routines at first", lo=0.0, hi=1.0)


@dataclass(frozen=True)
class Scenario:
    """A whole scenario: every parameter of a run, with defaults for a generalist office."""

    name: str = param("base", "Short name used in tables and figures.", source="assumption: a label")
    description: str = param("A generalist district office with default parameters.",
                             "One or two sentences on what the scenario is for.", source="assumption: a label")
    run: Run = field(default_factory=Run)
    population: Population = field(default_factory=Population)
    arenas: Arenas = field(default_factory=Arenas)
    shocks: Shocks = field(default_factory=Shocks)
    health: Health = field(default_factory=Health)
    labour_market: LabourMarket = field(default_factory=LabourMarket)
    benefits: Benefits = field(default_factory=Benefits)
    caseworkers: Caseworkers = field(default_factory=Caseworkers)
    office: Office = field(default_factory=Office)
    follow_up: FollowUp = field(default_factory=FollowUp)
    network: Network = field(default_factory=Network)
    reorganisation: tuple[Reorganisation, ...] = param(
        [], "Changes of organisation during the run ([[reorganisation]] tables), in week order.",
        source="000, 002 (the offices' history of reorganisations)")

    def to_dict(self) -> dict[str, Any]:
        """Plain nested dict (tuples as lists), as written to manifests."""
        return _plain(dataclasses.asdict(self))

    def replace(self, **dotted: Any) -> Scenario:
        """A copy with dotted keys changed, validated: ``s.replace(**{"office.handoff_loss": 0.1})``."""
        data = self.to_dict()
        for key, value in dotted.items():
            _set_dotted(data, key, value, source=None, must_exist=True)
        return from_dict(data, source=None)

    def scaled(self, citizens: int) -> Scenario:
        """The same office for another population, with the same staff per adult: total staff =
        round(staff per adult x ``citizens``), shared over the units in proportion to their staff by
        largest remainder (:func:`share_out`); a reorganisation's units likewise. Every unit keeps at
        least one caseworker (a unit without staff would strand its users), so an office of k units
        never has fewer than k and a very small district gets more staff per adult than asked for;
        ``marginsim compare`` prints staff per 1,000 adults and warns when scenarios differ."""
        moved = self.replace(**{"population.citizens": citizens})      # validates citizens
        ratio = moved.population.citizens / self.population.citizens

        def scale(units):
            shares = share_out(round(sum(u.staff for u in units) * ratio), [u.staff for u in units])
            return tuple(dataclasses.replace(u, staff=n) for u, n in zip(units, shares, strict=True))

        return dataclasses.replace(
            moved,
            office=dataclasses.replace(moved.office, units=scale(self.office.units)),
            reorganisation=tuple(dataclasses.replace(r, units=scale(r.units)) for r in self.reorganisation),
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


def derived(build):
    """Decorator for a value computed from a scenario (or one of its sections) and reused every week.

    A scenario is frozen, so the same object always gives the same value. The object last asked
    about is recognised by identity: hashing a whole nested scenario, as ``lru_cache`` does on
    every call, costs more each week than the week's bookkeeping of a small district. Other
    scenarios (several models in one process) fall back to an ``lru_cache``.
    """
    cached = functools.lru_cache(maxsize=32)(build)
    last: list = [(None, None)]     # (scenario, value) as one tuple: models may step in several threads
                                    # (the dashboard builds the next model while one runs)

    @functools.wraps(build)
    def value(s):
        seen, v = last[0]
        if seen is not s:
            v = cached(s)
            last[0] = (s, v)
        return v

    return value


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


#: settings over every unit of the office, given as plain numbers (:func:`apply_settings`, ``--set``)
UNIT_TOTALS = ("caseworkers", "caseload_cap")


def apply_settings(scenario: Scenario, **settings: Any) -> Scenario:
    """Apply plain keyword settings: the :data:`SETTINGS` shortcuts, plus ``caseworkers`` (total
    staff, shared among units in proportion) and ``caseload_cap`` (for every unit). ``citizens``
    without ``caseworkers`` keeps staff per adult (:meth:`Scenario.scaled`); with it, the given
    staff wins."""
    if not settings:
        return scenario
    settings = dict(settings)
    staff = settings.pop("caseworkers", None)
    cap = settings.pop("caseload_cap", None)
    citizens = settings.pop("citizens", None) if staff is None else None
    if citizens is not None:
        scenario = scenario.scaled(citizens)
    dotted = {}
    for name, value in settings.items():
        if name not in SETTINGS:
            allowed = list(SETTINGS) + list(UNIT_TOTALS)
            raise ScenarioError("settings", name, _unknown_message(name, allowed))
        dotted[SETTINGS[name]] = value
    data = scenario.to_dict()
    for key, value in dotted.items():
        _set_dotted(data, key, value, source="settings", must_exist=True)
    units = data["office"]["units"]
    if staff is not None:
        staff = _check_value(int, {"lo": 1, "hi": 1_000_000}, staff, "settings", "caseworkers")
        for u, n in zip(units, share_out(staff, [u["staff"] for u in units]), strict=False):
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
    # ``caseworkers=N`` or ``caseload_cap=N`` (numbers, not tables): over every unit, as
    # :func:`apply_settings` does, after any new population size
    totals = {k: overrides.pop(k) for k in UNIT_TOTALS if k in overrides and not isinstance(overrides[k], dict)}
    # a new population keeps the file's staff per adult, unless the units' staff are set too
    units_set = any(k.startswith("office.units") for k in overrides)
    citizens = None if units_set else overrides.pop("population.citizens", None)
    for key, value in overrides.items():
        _set_dotted(data, key, value, source=f"{source} (--set)", must_exist=True)
    try:
        scenario = from_dict(data, source=source)
        scenario = scenario if citizens is None else scenario.scaled(citizens)
        return apply_settings(scenario, **totals)
    except ScenarioError as exc:
        if exc.key in overrides or exc.key in totals or citizens is not None and exc.key == "population.citizens":
            raise ScenarioError(f"{source} (--set)", exc.key, exc.message) from None   # from the command line: say so
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


def getattr_dotted(obj, dotted: str, default=...):
    try:
        for part in dotted.split("."):
            obj = getattr(obj, part)
    except AttributeError:
        if default is ...:
            raise
        return default
    return obj


def _set_dotted(data: dict, key: str, value: Any, *, source, must_exist: bool) -> None:
    parts = key.split(".")
    node: Any = data
    cls: Any = Scenario
    for depth, part in enumerate(parts):
        names = _field_names(cls)
        if part not in names:
            raise ScenarioError(source, key, _unknown_message(part, names))
        if depth == len(parts) - 1:
            node[part] = value
            return
        sub: Any = _field_types(cls)[part]
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
    last = -1
    for i, r in enumerate(scenario.reorganisation):
        _check_office(dataclasses.replace(scenario.office, units=r.units), source)   # the same rules apply
        if r.week <= last:
            raise ScenarioError(source, f"reorganisation[{i}].week", "reorganisations must come in increasing "
                                                                     "week order")
        last = r.week
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
                raise ScenarioError(source, key, f"must be a non-empty array of [[{key}]] tables")
            values[name] = tuple(_build(Unit, v, source, f"{key}[{i}].") for i, v in enumerate(value))
        elif kind == tuple[Reorganisation, ...]:
            if not isinstance(value, list):
                raise ScenarioError(source, key, "must be an array of [[reorganisation]] tables")
            values[name] = tuple(_build(Reorganisation, v, source, f"{key}[{i}].") for i, v in enumerate(value))
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


def _check_number(kind, value, source, key) -> int | float:
    """A whole number (a float like 3.0 accepted) or a finite number; booleans and NaN refused."""
    if kind is int:
        if not isinstance(value, bool) and isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        raise ScenarioError(source, key, f"must be a whole number, got {_tname(value)} {_shown(value)}")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ScenarioError(source, key, f"must be a number, got {_tname(value)} {_shown(value)}")
    if not math.isfinite(value):
        raise ScenarioError(source, key, f"must be a finite number, got {value!r}")
    return float(value)


def _check_text(value, source, key) -> None:
    if not isinstance(value, str):
        raise ScenarioError(source, key, f"must be a string, got {_tname(value)} {_shown(value)}")
    if key.endswith("name") and not usable_name(value):     # names become folder and file names
        raise ScenarioError(source, key, f"{_shown(value)} is not a usable name: 1 to {MAX_NAME_CHARS} "
                                         "characters, no control characters, no / or \\, not . or ..")


def _check_value(kind, meta, value, source, key):
    choices, lo, hi = meta.get("choices"), meta.get("lo"), meta.get("hi")
    if kind in (int, float):
        value = _check_number(kind, value, source, key)
    elif kind is str:
        _check_text(value, source, key)
    elif kind == tuple[str, ...]:
        least = meta.get("min_items", 1)
        if not isinstance(value, list) or len(value) < least or not all(isinstance(v, str) for v in value):
            raise ScenarioError(source, key, "must be a non-empty array of strings" if least else "must be an "
                                                                                                  "array of strings")
        for item in value:
            if item not in choices:
                raise ScenarioError(source, key, f"{_shown(item)} is not allowed; choose from {', '.join(choices)}")
        if len(set(value)) != len(value):
            raise ScenarioError(source, key, "lists an entry twice")
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
                                f"no unit with target_group = \"all\" does the task '{task}'; every user must "
                                f"have somewhere to go")
    for j, unit in enumerate(office.units):
        shadow = _shadowing_units(office.units[:j], unit)
        if shadow:
            raise ScenarioError(source, f"office.units[{j}]",
                                f"unit '{unit.name}' can never receive a user: earlier unit "
                                f"{', '.join(repr(u) for u in shadow)} "
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
             "Sources are `seed:line` against docs/references.md (see docs/sources.md), a named statistic,",
             "or `assumption` (listed in docs/calibration.md).", ""]
    top = [f for f in dataclasses.fields(Scenario) if f.name in ("name", "description", "reorganisation")]
    groups: list[tuple[str, Any, Any]] = [("", Scenario, top)]
    groups += [(name, cls, dataclasses.fields(cls)) for name, cls in _sections()]
    groups.append(("office.units[]", Unit, dataclasses.fields(Unit)))
    groups.append(("reorganisation[]", Reorganisation, dataclasses.fields(Reorganisation)))
    for prefix, cls, fields in groups:
        if prefix:
            lines += [f"## `[{prefix}]`" if not prefix.endswith("[]") else f"## `[[{prefix[:-2]}]]`", "",
                      (cls.__doc__ or "").strip(), ""]
        lines += ["| key | default | unit | allowed | source | meaning |", "|---|---|---|---|---|---|"]
        for f in fields:
            if f.name == "units":
                default = "one generalist unit"
            elif f.name == "reorganisation":
                default = "none"
            else:
                value = f.default if f.default is not dataclasses.MISSING else f.default_factory()
                default = f"`{_toml_value(value)}`"
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
        out.append(f"[{name}]  # {' '.join((cls.__doc__ or '').split())}")
        for f in dataclasses.fields(cls):
            if f.name == "units":
                continue
            m = f.metadata
            comment = f"{m['unit']}; {m['source']}" if m["unit"] else m["source"]
            default = f.default if f.default is not dataclasses.MISSING else f.default_factory()  # type: ignore[operator]
            out.append(f"{f.name} = {_toml_value(default)}  # {comment}")
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
