"""One citizen's story, for teaching: find a citizen whose weeks show the model's mechanisms, follow
them week by week, and tell what happened in plain sentences built from the record.

``find_story`` runs a model and picks a citizen who starts inside all four arenas, loses them one
after another and is handed off between caseworkers; ``follow`` replays the same seed (runs are
reproducible) and records that citizen every week; ``narrate`` turns the record into sentences.
Notebook 01 uses all three, so its text never quotes a number the run did not produce.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .model import WelfareModel
from .population import ARENAS
from .scenario import Scenario

TASK_WORDS = {"intake": "intake", "economic": "social-assistance decisions", "work": "work follow-up",
              "housing_social": "housing and social follow-up"}


@dataclass(frozen=True)
class Story:
    """Who was chosen, and what their weeks show."""

    slot: int                # the citizen's population slot
    person_id: int
    weeks: int               # recorded weeks followed
    first_loss_week: int     # the week the first arena was lost (-1: none)
    second_loss_week: int    # the week a second arena was lost (-1: none)
    most_lost: int           # most arenas lost at once
    handoffs: int            # hand-offs between caseworkers by the end
    shows: tuple[str, ...]   # the mechanisms the story shows, in words


def _warm(scenario: Scenario, seed: int) -> WelfareModel:
    model = WelfareModel(scenario, rng=seed)
    while model.week < 0:          # the warm-up: weeks before week 0 are simulated but not recorded
        model.step()
    return model


def find_story(scenario: Scenario, seed: int, weeks: int) -> Story:
    """Run ``weeks`` recorded weeks and choose the citizen whose story shows most: inside all four
    arenas at week 0, then arenas lost one after another (in different weeks), then a hand-off.
    Among those: most arenas lost, then most hand-offs, then the earliest first loss. If nobody
    shows everything, the criteria relax in that order (the returned ``shows`` says what is left)."""
    model = _warm(scenario, seed)
    c = model.citizens
    theta = scenario.arenas.loss_threshold
    n = len(c.alive)                                  # slots that exist at week 0 (arrays may grow later)
    person = c.person_id[:n].copy()
    lost_at_start = (c.arenas[:, :n] < theta).sum(axis=0)
    first = {k: np.full(n, -1) for k in (1, 2)}
    most = np.zeros(n, dtype=int)
    for _ in range(weeks):
        week = model.week
        model.step()
        same = (c.person_id[:n] == person) & c.alive[:n]     # the same person still lives in the district
        lost = (c.arenas[:, :n] < theta).sum(axis=0)
        most = np.where(same, np.maximum(most, lost), most)
        for k in first:
            first[k] = np.where((first[k] < 0) & (lost >= k) & same, week, first[k])
    same = (c.person_id[:n] == person) & c.alive[:n]
    handoffs = np.zeros(n, dtype=int)
    for slot in np.flatnonzero(same & (most >= 1)):      # the public record, for the few who lost an arena
        handoffs[slot] = model.citizen(int(slot))["handoffs"]
    tests = [("starts inside all four arenas", lost_at_start == 0),
             ("loses arenas one after another", (first[1] >= 0) & (first[2] > first[1])),
             ("is handed off between caseworkers", handoffs >= 1)]
    for keep in range(len(tests), -1, -1):
        ok = same.copy()
        for _, test in tests[:keep]:
            ok &= test
        if ok.any():
            break
    slots = np.flatnonzero(ok)
    first_loss = np.where(first[1][slots] >= 0, first[1][slots], weeks)
    best = slots[np.lexsort((first_loss, -handoffs[slots], -most[slots]))[0]]
    return Story(int(best), int(person[best]), weeks, int(first[1][best]), int(first[2][best]), int(most[best]),
                 int(handoffs[best]), tuple(name for name, _ in tests[:keep]))


def follow(scenario: Scenario, seed: int, slot: int, weeks: int) -> pd.DataFrame:
    """Replay the run and record one citizen every recorded week: arenas, position, benefit, office
    status, the unit of each caseworker they have, and the hours their work caseworker spent last week."""
    model = _warm(scenario, seed)
    unit_of = {cw.index: cw.unit for cw in model.caseworkers}
    by_index = {cw.index: cw for cw in model.caseworkers}
    rows = []
    for _ in range(weeks):
        week = model.week
        model.step()
        r = model.citizen(slot)
        work_cw = r["caseworkers"].get("work")
        hours = by_index[work_cw].hours_last_week if work_cw is not None else {}
        rows.append({"week": week, **r["arenas"], "position": r["position"], "arenas_lost": r["arenas_lost"],
                     "employed": r["employed"], "benefit": r["benefit"], "user": r["user"],
                     "need_level": r["need_level"], "handoffs": r["handoffs"], "contact_points": r["contact_points"],
                     "units": {TASK_WORDS[t]: unit_of[k] for t, k in r["caseworkers"].items()},
                     "work_caseworker": work_cw, "work_caseworker_hours": hours})
    return pd.DataFrame(rows)


def narrate(story: pd.DataFrame, threshold: float) -> list[str]:
    """The week-by-week record in sentences: arenas lost and regained, jobs, benefits, becoming an
    office user, and hand-offs (who follows them up afterwards)."""
    lines = []
    prev = None
    for row in story.itertuples(index=False):
        w = f"Week {row.week}:"
        if prev is None:
            inside = [a for a in ARENAS if getattr(row, a) >= threshold]
            lines.append(f"{w} inside {len(inside)} of the four arenas ({', '.join(inside) or 'none'}), "
                         f"position {row.position:.2f}, {'in work' if row.employed else 'out of work'}, "
                         f"benefit: {row.benefit.replace('_', ' ')}.")
            prev = row
            continue
        for a in ARENAS:
            before, now = getattr(prev, a), getattr(row, a)
            if before >= threshold > now:
                lines.append(f"{w} lost the {a} arena (score {now:.3f}, below {threshold}); "
                             f"{row.arenas_lost} of four lost now.")
            elif before < threshold <= now:
                lines.append(f"{w} back inside the {a} arena (score {now:.3f}).")
        if row.employed != prev.employed:
            lines.append(f"{w} {'found a job' if row.employed else 'lost their job'}.")
        if row.benefit != prev.benefit:
            before, now = prev.benefit.replace("_", " "), row.benefit.replace("_", " ")
            lines.append(f"{w} benefit changed from {before} to {now}.")
        if row.user and not prev.user:
            lines.append(f"{w} became a user of the office.")
        elif prev.user and not row.user:
            lines.append(f"{w} is no longer an office user.")
        if row.handoffs > prev.handoffs:
            who = "; ".join(f"{task} by the {unit} unit" for task, unit in row.units.items()) or "nobody yet"
            lines.append(f"{w} handed off (hand-off number {row.handoffs}); now followed up: {who}.")
        prev = row
    return lines
