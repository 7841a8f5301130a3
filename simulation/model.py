"""WelfareModel: the Mesa model tying citizens, the social network and the office together.

One ``step()`` is one week, always in this order (docs/ODD.md, "Process overview"):

1. citizens: newcomers, ageing and moving out, shocks, job finding and benefit transitions,
   arena drift (population.py);
2. the office: needs, releases, assignments and hand-offs, the week's work in priority order,
   effects of follow-up (organisation.py, caseworkers.py);
3. indicators for the week (metrics.py), once the warm-up is over.

The model knows nothing of files, command lines or executors: it takes a :class:`Scenario`
(or plain keyword settings, as Mesa's visualisation expects) and a seed.
"""

from __future__ import annotations

import mesa
import numpy as np
import pandas as pd

from . import metrics, network, population
from .caseworkers import ECONOMIC, HOUSING_SOCIAL, INTAKE, WORK_TASK, Caseworker
from .organisation import Office
from .panel import PanelRecorder, PanelSpec
from .population import Citizens
from .scenario import Scenario, apply_settings


class WelfareModel(mesa.Model):
    """A district's working-age adults and the welfare office that follows them up.

    Args:
        scenario: the parameters; defaults to ``Scenario()`` (a generalist office).
        rng: integer seed; the one source of randomness (``model.rng``).
        panel: record a person-week panel of a sample of citizens (``simulation.panel``);
            ``model.panel.frame()`` returns it after the run.
        **settings: plain keyword shortcuts (``citizens=2000, priority_rule="creaming"``...;
            see :data:`simulation.scenario.SETTINGS`) applied on top of the scenario.
    """

    def __init__(self, scenario: Scenario | None = None, *, rng: int | None = None,
                 panel: PanelSpec | None = None, **settings):
        if rng is not None:
            rng = int(rng)   # mesa seeds random.Random with it: numpy integers are refused
        super().__init__(rng=rng)
        s = apply_settings(scenario or Scenario(), **settings)
        self.params = s   # (Mesa reserves model.scenario for its own Scenario objects)
        self.seed = rng
        capacity = int(s.population.citizens * 1.05) + 16   # grows if the population does
        self.citizens = Citizens(capacity)
        population.initialise(self.citizens, s, self.rng)
        self.citizens.ties = network.build_ties(capacity, s.network, self.rng)
        self.office = Office(s, capacity, self.rng)
        units = [u.name for u in s.office.units]
        for i, k in enumerate(self.office.staff.unit):
            Caseworker(self, i, units[k])
        self.caseworkers = self.agents_by_type[Caseworker]
        self.week = -s.run.warmup_weeks          # recorded weeks are 0 .. run.weeks-1
        self.recorder = metrics.Recorder(s.run.weeks)
        self.citizens_at_start: int | None = None
        self.panel = None if panel is None else PanelRecorder(panel, rng, s.run.weeks)
        self.running = True

    # ------------------------------------------------------------------------------------
    def step(self) -> None:
        if self.week == 0:
            self.citizens_at_start = int(self.citizens.alive.sum())
        events = population.step(self.citizens, self.params, self.rng, self.week, self._free_slots)
        office_week = self.office.step(self.citizens, self.rng, self.week, events)
        if self.week >= 0:
            self.recorder.record(self, self.week, events, office_week)
            if self.panel is not None:
                self.panel.record(self, self.week)
        self.week += 1
        self.running = self.week < self.params.run.weeks

    def run(self) -> "WelfareModel":
        """Simulate the warm-up and every recorded week."""
        while self.running:
            self.step()
        return self

    def _free_slots(self, k: int) -> np.ndarray:
        """k empty population slots, growing every array (and the network) if there are too few."""
        free = np.flatnonzero(~self.citizens.alive)[:k]
        if len(free) < k:
            extra = max(k - len(free), self.citizens.capacity // 10)
            old = self.citizens.capacity
            self.citizens.grow(extra)
            self.office.grow(extra)
            self.citizens.ties = network.extend_ties(self.citizens.ties, extra, self.params.network, self.rng)
            free = np.concatenate([free, np.arange(old, old + k - len(free))])
        return free

    @property
    def ties(self):
        """The social network over population slots (sparse adjacency; ``network.to_graph`` for networkx)."""
        return self.citizens.ties

    # ---- results ----------------------------------------------------------------------
    def timeseries(self) -> pd.DataFrame:
        """One row per recorded week (columns: :data:`simulation.metrics.COLUMNS`)."""
        return self.recorder.frame()

    def summary(self) -> dict[str, float]:
        """Headline indicators of the recorded weeks."""
        starts = self.citizens.spell_start[self.citizens.alive]
        out = metrics.summarise(self.timeseries(), self.recorder.sa_month_hist, self.recorder.ended_spells(),
                                starts[starts >= 0], self.citizens_at_start or 0)
        if self.recorder.unit_caseload:   # users per caseworker in each unit (the caseload targets)
            means = np.mean(self.recorder.unit_caseload, axis=0)
            out.update({f"caseload_{u.name}": float(m) for u, m in zip(self.params.office.units, means)})
        return out

    # ---- researchers: the person-level panel (simulation/panel.py) ---------------------------
    def person_state(self, slots: np.ndarray) -> dict[str, np.ndarray]:
        """This week's state of the citizens in population ``slots``, one equal-length array per key.

        Keys (docs/panel.md): person_id, age, benefit (int8 code into
        ``population.BENEFIT_NAMES``), employed, arena_work, arena_activity, arena_housing,
        arena_economy, arenas_lost, unit (-1: none), caseworker (-1: none; the work follow-up
        caseworker, else the economic, else the housing/social, else the intake one), sessions
        and hours (follow-up sessions and their hours received this week), handoffs (in the
        current office spell).
        """
        c, o = self.citizens, self.office
        slots = np.asarray(slots, dtype=np.int64)
        a = c.arenas[:, slots]
        held = o.cw[np.array([WORK_TASK, ECONOMIC, HOUSING_SOCIAL, INTAKE])[:, None], slots]   # in that preference
        cw = held[(held >= 0).argmax(axis=0), np.arange(len(slots))]                         # (-1 if none held)
        wk = o.week
        served = np.zeros(0, np.int64) if wk is None else wk.served
        hours = np.zeros(0) if wk is None else wk.served_hours
        state = {
            "person_id": c.person_id[slots], "age": c.age[slots].astype(np.float32),
            "benefit": c.benefit[slots].astype(np.int8), "employed": c.employed[slots],
        }
        for k, name in enumerate(population.ARENAS):
            state[f"arena_{name}"] = a[k].astype(np.float32)
        state.update({
            "arenas_lost": population.count_lost(a < self.params.arenas.loss_threshold),
            "unit": o.unit_of_cw[cw].astype(np.int16), "caseworker": cw,
            "sessions": np.bincount(served, minlength=c.capacity)[slots].astype(np.int16),
            "hours": np.bincount(served, weights=hours, minlength=c.capacity)[slots].astype(np.float32),
            "handoffs": o.handoffs[slots].astype(np.int16),
        })
        return state

    # ---- teaching: one citizen as a readable record ---------------------------------------
    def citizen(self, slot: int) -> dict:
        """A readable snapshot of the citizen in population slot ``slot``."""
        c, o = self.citizens, self.office
        theta = self.params.arenas.loss_threshold
        arenas = dict(zip(population.ARENAS, c.arenas[:, slot].round(3).tolist()))
        return {
            "slot": slot, "person_id": int(c.person_id[slot]), "alive": bool(c.alive[slot]),
            "age": round(float(c.age[slot]), 1), "arenas": arenas,
            "position": round(float(c.arenas[:, slot].mean()), 3),
            "arenas_lost": int((c.arenas[:, slot] < theta).sum()),
            "employed": bool(c.employed[slot]), "weeks_out_of_work": int(c.weeks_out[slot]),
            "benefit": population.BENEFIT_NAMES[c.benefit[slot]],
            "need_level": population.NeedLevel(int(o.need_level[slot])).name.lower(),
            "traits": [t for t in ("health", "substance_use", "language") if getattr(c, t)[slot]],
            "user": bool(o.registered[slot]),
            "caseworkers": {t: int(o.cw[k, slot]) for k, t in enumerate(("intake", "economic", "work", "housing_social"))
                            if o.cw[k, slot] >= 0},
            "handoffs": int(o.handoffs[slot]), "contact_points": int(o.contact_points[slot]),
        }

    def __repr__(self) -> str:
        return (f"WelfareModel({self.params.name!r}, citizens={int(self.citizens.alive.sum())}, "
                f"caseworkers={len(self.office.staff)}, week={self.week})")

