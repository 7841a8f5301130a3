"""The dashboard's words: a legend and a "what to look for" line per view, written for students
with no modelling background, and the HTML panels (the office this week, one person's story,
two offices compared). docs/dashboard.md quotes every "what to look for" line (tested), so the
class plan and the screen say the same thing.

Text is at least 16 px (small print 14 px): it must be read from the back of a classroom.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

import numpy as np

from simulation.population import ARENAS, BENEFIT_NAMES

from . import adapter as A
from .figures import BENEFIT_COLOURS
from .settings import ORGANISATION_NAMES

BENEFIT_LABELS = {
    "none": "no benefit", "unemployment_benefit": "unemployment benefit", "sick_pay": "sick pay",
    "work_assessment_allowance": "work assessment allowance (AAP)", "social_assistance": "social assistance",
    "qualification_programme": "qualification programme (KVP)", "disability_benefit": "disability benefit",
    "early_pension": "early pension",
}


def benefit_label(code: int) -> str:
    name = BENEFIT_NAMES[int(code)]
    return BENEFIT_LABELS.get(name, name.replace("_", " "))
ROLE_NAMES = {"intake": "intake", "economic": "money (social assistance)", "work": "work",
              "housing_social": "housing and social"}

TEXT = "font-size:16px;line-height:1.45"
SMALL = "font-size:14px;line-height:1.4;color:#444"


@dataclass(frozen=True)
class View:
    """One chart or panel: its name on screen, a legend and what to look for."""

    name: str
    legend: str
    look_for: str


WORDS = {
    "arena": "An <b>arena</b> is a part of life where one can be included or shut out: work, activity "
             "(education, training, something to do), housing and economy (money to live on).",
    "pressure": "<b>Time pressure</b> is the hours of work asked of the caseworkers divided by the hours they "
                "have. Below 1 there is slack; above 1 some of the work is not done.",
    "creaming": "<b>Creaming</b>: when time is short, help drifts to the people quickest to help (those closest "
                "to work), away from those who need it most.",
}

VIEWS = {
    "axis": View(
        "Citizens on the axis",
        "Each dot is one person in the district (a fixed sample of up to 2,000). Left to right: their place on "
        "the inclusion-exclusion axis, the average of four scores, one per arena of life, from 0 (shut out of "
        "all four) to 1 (fully included in all four). Top to bottom: how many arenas they have lost; an arena "
        "is lost when its score falls below a line. Colour: their benefit. A large ringed dot is someone the "
        "welfare office follows up. The gold star is the person on the One person tab. Click a dot to follow "
        "that person.",
        "Most people sit at the top right, included everywhere. Watch the tail to the left and below: who is "
        "in it, which benefit they get, and whether the office follows them up."),
    "arenas": View(
        "The four arenas",
        "Left: the share of all citizens who have lost each arena. Right: the share who have lost 1, 2, 3 or all "
        "4 arenas at the same time. The dashed outline is week 0, for comparison.",
        "Losing two or more arenas at once is what we call exclusion: does that bar grow or shrink as the "
        "weeks go by?"),
    "exclusion": View(
        "Excluded over time",
        "The share of citizens who have lost two or more arenas (orange) and three or more (dark red), week by "
        "week. \u201c2+ arenas lost\u201d means shut out of at least two of work, activity, housing and economy "
        "at the same time.",
        "A line that keeps rising means the office is not keeping up: compare it after changing the number of "
        "caseworkers."),
    "users": View(
        "Office users over time",
        "Office users: people the welfare office follows up. On social assistance: people living on the "
        "municipality's last-resort benefit. Waiting for a caseworker: users who have no caseworker yet.",
        "When waiting rises, watch social assistance: people who wait long for help stay longer on benefits."),
    "time": View(
        "Caseworker time",
        "The caseworkers' hours each week, by what they are spent on: intake of new users, benefit decisions, "
        "coordination (passing a user from one caseworker to another), follow-up sessions, fixed duties "
        "(reception, phone, reporting) and idle time.",
        "When idle time is gone the office is under time pressure: watch which activity shrinks first."),
    "waiting": View(
        "Waiting",
        "Weeks from a user's first contact to their first follow-up session, and weeks to a decision on social "
        "assistance (averages of the last 4 weeks).",
        "Waiting is how time pressure reaches the citizen: which wait grows first when you cut caseworkers?"),
    "handoffs": View(
        "Hand-offs",
        "A hand-off is a user passed from one caseworker or unit to another. Lost in hand-off: users who drop "
        "out of follow-up while their case is in transit. A generalist office has none: one caseworker does "
        "everything for a user.",
        "More hand-offs mean more people for the citizen to meet and more coordination hours for the office."),
    "creaming": View(
        "Creaming",
        "Follow-up hours per user and week for the most marginalised fifth of users (red) and the least "
        "marginalised fifth (green), averaged over 13 weeks. " + WORDS["creaming"],
        "Green above red is creaming: does it appear when time pressure passes 1?"),
    "person": View(
        "One person",
        "One person from the chart of citizens and up to two years of their life in the model: their four "
        "arena scores, their benefit, whether the office follows them up, the caseworkers they met, hand-offs "
        "and follow-up sessions.",
        "Follow one person through a hand-off: whom do they meet, how long do they wait, and does anything "
        "change in their arenas?"),
    "compare": View(
        "Compare",
        "Two offices side by side: the office in force (grey) and a second organisation (red), with the same "
        "settings and seed and built from the same starting people (the population drawn five years before "
        "week 0). They step together. Each office then lives its own weeks, so the people's luck is not the "
        "same week by week in both: small differences are noise.",
        "What changes when only the organisation changes? Read the bottom chart, the second office minus the "
        "first, and try another seed: differences that stay are the organisation's."),
}

#: the charts over time: view -> (reporters and colours, title, unit)
SERIES = {
    "exclusion": ({"2+ arenas lost (%)": "#fc8d59", "3+ arenas lost (%)": "#7f0000"},
                  "Citizens with 2+ and 3+ arenas lost", "% of citizens"),
    "users": ({"Office users": "#555555", "On social assistance": "#d62728", "Waiting for a caseworker": "#ff7f0e"},
              "Office users, social assistance and waiting", "persons"),
    "time": ({"Intake": "#9edae5", "Decisions": "#d62728", "Coordination": "#ff7f0e", "Follow-up": "#2ca02c",
              "Duties": "#7f7f7f", "Idle": "#b0b0b0"}, "Caseworker time by activity", "hours per week"),
    "handoffs": ({"Hand-offs": "#9467bd", "Lost in hand-off": "#d62728"}, "Hand-offs between caseworkers", "per week"),
    "waiting": ({"Weeks to first follow-up": "#1f77b4", "Weeks to a benefit decision": "#d62728"},
                "Waiting (4-week average)", "weeks"),
    "creaming": ({"Most marginalised fifth": "#7f0000", "Least marginalised fifth": "#2ca02c"},
                 "Follow-up hours per user and week (13-week average)", "hours"),
}

#: what the Compare tab can draw and tabulate (reporter names)
COMPARE_MEASURES = ("2+ arenas lost (%)", "On social assistance", "Waiting for a caseworker",
                    "Weeks to first follow-up", "Hand-offs", "Most marginalised fifth", "Time pressure",
                    "Office users")


def view_html(key: str) -> str:
    """The legend and the "what to look for" line of a view."""
    v = VIEWS[key]
    return (f'<div style="{TEXT};max-width:940px"><div>{v.legend}</div>'
            f'<div style="margin-top:6px"><b>What to look for:</b> {escape(v.look_for)}</div></div>')


def benefit_key_html() -> str:
    """The colour key of the axis chart and the story's benefit band."""
    dot = ('<span style="display:inline-block;width:14px;height:14px;border-radius:50%;background:{};'
           'border:1px solid #333;margin:0 4px 0 12px;vertical-align:middle"></span>')
    items = [dot.format(colour) + benefit_label(k) for k, colour in enumerate(BENEFIT_COLOURS)]
    return f'<div style="{TEXT}">' + " ".join(items) + "</div>"


def _rows(rows) -> str:
    cells = "".join(f'<tr><td style="padding:2px 16px 2px 0">{k}</td><td><b>{escape(v)}</b></td></tr>'
                    for k, v in rows)
    return f'<table style="border-collapse:collapse;margin:4px 0;{TEXT}">{cells}</table>'


def _words(name: str) -> str:
    return name.replace("_", " ")


def office_html(model: A.DashboardModel) -> str:
    """The office this week: organisation, staff by unit, users, waiting, time pressure, flows."""
    w = A.this_week
    staff = ", ".join(f"{_words(name)} {n}" for name, n in model.staff_by_unit().items())
    name = ORGANISATION_NAMES.get(model.organisation, model.organisation)
    rows = [
        ("office users", f"{int(w(model, 'users')):,}"),
        ("waiting for a caseworker", f"{int(w(model, 'waiting_for_caseworker')):,}"),
        ("on social assistance", f"{int(w(model, 'on_social_assistance')):,}"),
        ("time pressure (hours asked / hours there are)", f"{w(model, 'pressure'):.2f}"),
        ("hand-offs this week (users lost in them)",
         f"{int(w(model, 'handoffs'))} ({int(w(model, 'lost_in_handoff'))})"),
        ("applications waiting for a decision (overdue)",
         f"{int(w(model, 'pending_applications'))} ({int(w(model, 'overdue_applications'))})"),
        ("citizens with 2+ arenas lost", f"{A.share_lost(model, 2):.1f} %"),
    ]
    return (f'<div style="{TEXT}"><b>{escape(name)}</b> office in week {model.shown_week}, for '
            f'{int(w(model, "population")):,} citizens: <b>{A.staff_count(model)} caseworkers</b> ({escape(staff)}).'
            f'{_rows(rows)}<div style="{SMALL}">{WORDS["pressure"]}</div></div>')


# --------------------------------------------------------------------------------------------
# One person's story in words
# --------------------------------------------------------------------------------------------


def _caseworker(model: A.DashboardModel, cw: int) -> str:
    return f"caseworker #{cw} ({_words(model.caseworker_unit(cw))} unit)"


def story_events(model: A.DashboardModel, story: A.Story) -> list[tuple[int, str]]:
    """What happened to the person, week by week, in words (from the recorded weeks)."""
    theta = A.loss_threshold(model)
    out = []
    lost = story.arenas < theta
    for i in range(1, len(story.weeks)):
        week, said = int(story.weeks[i]), []
        for k, a in enumerate(ARENAS):
            if lost[i, k] != lost[i - 1, k]:
                said.append(f"lost the {a} arena" if lost[i, k] else f"got the {a} arena back")
        if story.employed[i] != story.employed[i - 1]:
            said.append("found work" if story.employed[i] else "lost their job")
        if story.benefit[i] != story.benefit[i - 1]:
            said.append(f"{benefit_label(story.benefit[i - 1])} \u2192 {benefit_label(story.benefit[i])}")
        if story.user[i] != story.user[i - 1]:
            said.append("became an office user" if story.user[i] else "left the office's follow-up")
        handed = story.handoffs[i] > story.handoffs[i - 1]
        for r, role in enumerate(A.ROLES):
            before, now = int(story.caseworkers[i - 1, r]), int(story.caseworkers[i, r])
            if now >= 0 and now != before:
                how = "handed off to" if handed else "got"
                said.append(f"{how} {_caseworker(model, now)} for {ROLE_NAMES[role]}")
        if handed and not any("handed off" in s for s in said):
            said.append("handed off (the case is in transit)")
        if story.session[i]:
            said.append("had a follow-up session")
        if said:
            out.append((week, "; ".join(said)))
    return out


def story_html(model: A.DashboardModel, story: A.Story | None, max_events: int = 12) -> str:
    """One person's facts now and their story in words."""
    if story is None:
        return (f'<div style="{TEXT}">Nobody picked yet: click a dot on the axis chart, or use a button '
                "above.</div>")
    theta = A.loss_threshold(model)
    lost = [a for a, v in zip(ARENAS, story.arenas[-1], strict=True) if v < theta]
    met = sorted({int(k) for k in story.caseworkers.ravel() if k >= 0})
    handoffs = int(np.clip(np.diff(story.handoffs.astype(int)), 0, None).sum())
    since = int(story.weeks[0])
    if story.here:
        rec = model.citizen(story.slot)
        head = f"Person {story.person_id}, age {rec['age']:.0f}, in week {model.shown_week}"
        work = "employed" if rec["employed"] else f"out of work for {rec['weeks_out_of_work']} weeks"
    else:
        head = f"Person {story.person_id} left the district after week {int(story.weeks[-1])}"
        work = "employed" if story.employed[-1] else "out of work"
    rows = [
        ("arenas lost", ", ".join(lost) or "none"),
        ("work", work),
        ("benefit", benefit_label(story.benefit[-1])),
        ("office user", "yes" if story.user[-1] else "no"),
        (f"caseworkers met since week {since}",
         f"{len(met)}" + (": " + ", ".join(f"#{k} ({_words(model.caseworker_unit(k))})" for k in met) if met else "")),
        (f"hand-offs since week {since}", str(handoffs)),
        (f"follow-up sessions since week {since}", str(int(story.session.sum()))),
    ]
    events = story_events(model, story)
    shown = events[-max_events:]
    items = "".join(f"<li><b>week {w}</b>: {escape(t)}</li>" for w, t in shown)
    hidden = len(events) - len(shown)
    more = f"<div style='{SMALL}'>({hidden} earlier events not shown)</div>" if hidden else ""
    story_text = f"<ul style='margin:4px 0 0 0'>{items}</ul>{more}" if items else (
        f"<div>Nothing has changed for this person since week {since}.</div>")
    gone = "" if story.here else " (moved away or turned 67)"
    return (f'<div style="{TEXT}"><div style="font-size:20px;margin-bottom:4px"><b>{escape(head)}</b>{gone}</div>'
            f'{_rows(rows)}<div style="margin-top:6px"><b>What happened</b> (from week {since}):</div>{story_text}'
            f'<div style="{SMALL};margin-top:4px">A caseworker can change without a hand-off: when a user '
            "leaves the office and comes back, they may get someone new.</div></div>")


# --------------------------------------------------------------------------------------------
# Two offices compared
# --------------------------------------------------------------------------------------------


def compare_html(main: A.DashboardModel, other: A.DashboardModel) -> str:
    """Both offices, measure by measure: the average since week 0 and the difference."""
    names = [ORGANISATION_NAMES.get(m.organisation, m.organisation) for m in (main, other)]
    head = (f"<tr><th style='text-align:left;padding-right:16px'>average of weeks 0\u2013{main.shown_week}</th>"
            f"<th style='padding:0 12px'>{escape(names[0])}</th><th style='padding:0 12px'>{escape(names[1])}</th>"
            "<th style='padding:0 12px'>difference</th></tr>")
    rows = []
    for measure in COMPARE_MEASURES:
        a, b = main.series(measure), other.series(measure)
        n = min(len(a), len(b))
        ma, mb = (float(np.nanmean(x[:n])) if np.isfinite(x[:n]).any() else float("nan") for x in (a, b))
        cell = "<td style='text-align:right;padding:0 12px'>"
        rows.append(f"<tr><td style='padding-right:16px'>{escape(measure)}</td>{cell}{ma:,.2f}</td>{cell}{mb:,.2f}</td>"
                    f"{cell}<b>{mb - ma:+,.2f}</b></td></tr>")
    return f'<table style="border-collapse:collapse;{TEXT}">{head}{"".join(rows)}</table>'
