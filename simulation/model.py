"""WelfareModel: the Mesa model tying citizens, the social network and the office together.

One ``step()`` is one week, always in this order (docs/ODD.md, "Process overview"):

1. citizens: newcomers, ageing, death and moving out, shocks, job finding, sick leave, AAP and
   disability, arena drift (population.py);
2. the office: needs, releases, assignments and hand-offs, the week's work in priority order,
   decisions and effects of follow-up (simulation/office/);
3. indicators for the week (metrics.py), once the spin-up is over.

The model knows nothing of files, command lines or executors: it takes a :class:`Scenario`
(or plain keyword settings, as Mesa's visualisation expects) and a seed.
"""

from __future__ import annotations

import mesa
import numpy as np
import pandas as pd

from . import metrics, network, population
from .caseworkers import Caseworker
from .office import Office
from .panel import PanelRecorder, PanelSpec
from .population import Citizens
from .scenario import Scenario, apply_settings
from .vocabulary import TASKS, Task


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
        self.citizens = Citizens.empty(capacity)
        population.initialise(self.citizens, s, self.rng)
        self.citizens.ties = network.build_ties(capacity, s.network, self.rng)
        self.office = Office(s, capacity, self.rng)
        self.relationships_broken = 0
        self._make_caseworkers()
        self.week = -s.run.warmup_weeks          # recorded weeks are 0 .. run.weeks-1 (spin-up before)
        self.recorder = metrics.Recorder(s.run.weeks)
        self.citizens_at_start: int | None = None
        self.panel = None if panel is None else PanelRecorder(panel, rng, s.run.weeks)
        self.running = True

    # ------------------------------------------------------------------------------------
    def step(self) -> None:
        if self.week == 0:
            self.citizens_at_start = int(self.citizens.alive.sum())
        events = population.step(self.citizens, self.params, self.rng, self.week, self._free_slots)
        for r in self.params.reorganisation:
            if r.week == self.week:
                self.reorganise(r)
        office_week = self.office.step(self.citizens, self.rng, self.week, events, census_of_follow_up=self.week >= 0)
        if self.week >= 0:
            self.recorder.record(self, self.week, events, office_week)
            if self.panel is not None:
                self.panel.record(self, self.week)
        self.week += 1
        self.running = self.week < self.params.run.weeks

    def reorganise(self, r) -> None:
        """Switch the office to the units of reorganisation ``r`` now (docs/ODD.md, reorganisation)."""
        self.relationships_broken += self.office.reorganise(r, self.week, self.rng)
        for agent in list(self.caseworkers):
            agent.remove()
        self._make_caseworkers()

    def _make_caseworkers(self) -> None:
        units = [u.name for u in self.office.s.office.units]
        for i, k in enumerate(self.office.staff.unit):
            Caseworker(self, i, units[k])
        self.caseworkers = self.agents_by_type[Caseworker]

    def run(self) -> WelfareModel:
        """Simulate the spin-up and every recorded week."""
        while self.running:
            self.step()
        return self

    def _free_slots(self, k: int) -> np.ndarray:
        """k empty population slots, growing every array (and the network) if there are too few."""
        from .kernels.arrivals import empty_slots  # numba only where used (command-line start-up)

        free = empty_slots(self.citizens.alive, k)
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
                                starts[starts >= 0], self.citizens_at_start or 0, self.recorder.age_profiles)
        out["relationships_broken"] = float(self.relationships_broken)
        units = self.office.s.office.units           # (after any reorganisation: the final units)
        caseload = [x for x in self.recorder.unit_caseload if len(x) == len(units)]
        if caseload:   # users per caseworker in each unit (the caseload targets)
            out.update({f"caseload_{u.name}": float(m) for u, m in zip(units, np.mean(caseload, axis=0), strict=False)})
        by_unit = [x for x in self.recorder.unit_staff if x.shape[1] == len(units)]
        if by_unit:    # staff sick leave and competence by unit (002:8304-8306; the generalist's breadth)
            sick, comp = np.mean(by_unit, axis=0)
            out.update({f"staff_sick_leave_{u.name}": float(v) for u, v in zip(units, sick, strict=False)})
            out.update({f"competence_{u.name}": float(v) for u, v in zip(units, comp, strict=False)})
            out["competence_mean"] = float(np.average(comp, weights=[u.staff for u in units]))
        return out

    # ---- teaching: one citizen as a readable record ---------------------------------------
    def citizen(self, slot: int) -> dict:
        """A readable snapshot of the citizen in population slot ``slot``."""
        c, us = self.citizens, self.office.users
        theta = self.params.arenas.loss_threshold
        arenas = dict(zip(population.ARENAS, c.arenas[:, slot].round(3).tolist(), strict=False))
        return {
            "slot": slot, "person_id": int(c.person_id[slot]), "alive": bool(c.alive[slot]),
            "age": round(float(c.age[slot]), 1), "arenas": arenas,
            "position": round(float(c.arenas[:, slot].mean()), 3),
            "arenas_lost": int((c.arenas[:, slot] < theta).sum()),
            "employed": bool(c.employed[slot]), "in_education": bool(c.in_education[slot]),
            "weeks_out_of_work": int(c.weeks_out[slot]),
            "benefit": population.BENEFIT_NAMES[c.benefit[slot]],
            "social_assistance_top_up": bool(c.sa_top_up[slot]),
            "need_level": population.NeedLevel(int(us.need_level[slot])).name.lower(),
            "traits": [t for t in ("health", "substance_use", "language", "low_income") if getattr(c, t)[slot]],
            "user": bool(us.registered[slot]),
            "caseworkers": {t: int(us.cw[k, slot]) for k, t in enumerate(TASKS) if us.cw[k, slot] >= 0},
            "handoffs": int(us.handoffs[slot]), "contact_points": int(us.contact_points[slot]),
        }

    def person_state(self, slots: np.ndarray) -> dict[str, np.ndarray]:
        """Person-level state of population slots ``slots`` (the panel's columns, docs/panel.md)."""
        c, us = self.citizens, self.office.users
        slots = np.asarray(slots, dtype=np.int64)
        cw = us.cw[:, slots]
        main = np.where(cw[Task.WORK] >= 0, cw[Task.WORK], np.where(cw[Task.ECONOMIC] >= 0, cw[Task.ECONOMIC],
                                                                      cw[Task.INTAKE]))
        unit = np.where(main >= 0, self.office.unit_of_cw[main], -1)
        a = c.arenas[:, slots]
        return {
            "person_id": c.person_id[slots], "age": c.age[slots].astype(np.float32),
            "benefit": c.benefit[slots].astype(np.int8), "employed": c.employed[slots].copy(),
            "social_assistance": (c.on_social_assistance()[slots]),
            "arena_work": a[0].astype(np.float32), "arena_activity": a[1].astype(np.float32),
            "arena_housing": a[2].astype(np.float32), "arena_economy": a[3].astype(np.float32),
            "arenas_lost": population.count_lost(a < self.params.arenas.loss_threshold).astype(np.int8),
            "unit": unit.astype(np.int16), "caseworker": main.astype(np.int32),
            "sessions": us.sessions_week[slots].astype(np.int16), "hours": us.hours_week[slots].astype(np.float32),
            "handoffs": us.handoffs[slots].astype(np.int16),
        }

    def __repr__(self) -> str:
        return (f"WelfareModel({self.params.name!r}, citizens={int(self.citizens.alive.sum())}, "
                f"caseworkers={len(self.office.staff)}, week={self.week})")

