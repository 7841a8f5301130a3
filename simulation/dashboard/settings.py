"""What the teacher can set, and how the settings in force are named on screen.

A :class:`Settings` value is what one model is built from. The page keeps two: the *draft*
(what the controls show) and the settings *in force* (what the running model was built
from); they differ exactly when a change is pending. :data:`CONTROLS` describes the controls
in Mesa's ``model_params`` style (type, value, limits, label), and every key is a keyword of
:class:`~simulation.dashboard.adapter.DashboardModel` (tested).
"""

from __future__ import annotations

import dataclasses
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from simulation.scenario import Scenario, load_scenario
from simulation.vocabulary import ORGANISATIONS

PRIORITY_RULES = ("need_based", "date_order", "creaming")
SCENARIO_DIR = Path(__file__).resolve().parent.parent.parent / "scenarios"

#: short plain names used on screen
ORGANISATION_NAMES = {"generalist": "generalist", "specialist": "specialist",
                      "target_group_teams": "target-group teams", "benefit_lines": "benefit lines"}


def available_organisations() -> tuple[str, ...]:
    """Organisation models whose scenario file exists (generalist always: it is the default office)."""
    return tuple(name for name in ORGANISATIONS
                 if name == "generalist" or (SCENARIO_DIR / f"{name}.toml").is_file())


@cache
def organisation_scenario(name: str) -> Scenario:
    """The scenario of an organisation model, from ``scenarios/<name>.toml`` next to the package
    (``Scenario()``, a generalist office, if the repository's scenarios are not there)."""
    if name not in ORGANISATIONS:
        raise ValueError(f"unknown organisation {name!r}; choose one of {', '.join(ORGANISATIONS)}")
    path = SCENARIO_DIR / f"{name}.toml"
    if path.is_file():
        return load_scenario(path)
    if name == "generalist":
        return Scenario()
    raise FileNotFoundError(f"{path}: scenario file not found (the dashboard needs the repository's scenarios/)")


#: the defaults of the controls are the generalist scenario's own values, so they follow its calibration
_BASE = organisation_scenario("generalist")


def seed_number(text) -> int:
    """The integer seed for what the teacher typed: a whole number is used as it is, other text
    gets a stable CRC-32 (the same number on every machine and run, unlike Python's ``hash``)."""
    if isinstance(text, int) and not isinstance(text, bool):
        return int(text)
    if hasattr(text, "__index__") and not isinstance(text, (str, bool)):   # numpy integers
        return int(text)
    stripped = str(text).strip()
    try:
        return int(stripped)
    except ValueError:
        return zlib.crc32(stripped.encode("utf-8"))


@dataclass(frozen=True)
class Settings:
    """One office and its district, as the teacher set them (defaults: scenarios/generalist.toml,
    its district, staff and office rules)."""

    organisation: str = "generalist"
    caseworkers: int = sum(u.staff for u in _BASE.office.units)
    caseload_cap: int = 0                                   # 0: each unit's cap as in its scenario
    duty_share: float = _BASE.caseworkers.duty_share
    handoff_delay_weeks: int = _BASE.office.handoff_delay_weeks
    priority_rule: str = _BASE.office.priority_rule
    creaming_under_pressure: float = _BASE.office.creaming_under_pressure
    citizens: int = _BASE.population.citizens
    seed: str = "42"              # as typed; :func:`seed_number` turns it into the model's seed
    compare_with: str = "none"    # a second office built beside the first (the Compare tab)

    def model_settings(self, organisation: str | None = None) -> dict:
        """The keywords of one :class:`DashboardModel` (the second office: ``organisation``)."""
        out = dataclasses.asdict(self)
        del out["compare_with"], out["seed"]
        out["organisation"] = organisation or self.organisation
        out["rng"] = seed_number(self.seed)
        return out

    def changed(self, other: Settings) -> list[str]:
        """Names of the settings that differ from ``other``."""
        return [f.name for f in dataclasses.fields(self) if getattr(self, f.name) != getattr(other, f.name)]

    def headline(self) -> str:
        """The settings in force in one line, as every tab names them."""
        text = (f"{ORGANISATION_NAMES.get(self.organisation, self.organisation)} office, "
                f"{self.caseworkers} caseworkers, {self.citizens:,} citizens, seed \u201c{self.seed}\u201d")
        if self.compare_with != "none":
            text += f"; compared with a {ORGANISATION_NAMES.get(self.compare_with, self.compare_with)} office"
        return text


DEFAULTS = Settings()

#: the controls (Mesa's model_params style); ``label`` is shown with the current value
CONTROLS: dict[str, dict[str, Any]] = {
    "organisation": {"type": "Select", "values": list(available_organisations()), "label": "Office organisation"},
    "caseworkers": {"type": "SliderInt", "min": 1, "max": max(48, 3 * DEFAULTS.caseworkers), "step": 1,
                    "label": "Caseworkers (total staff)"},
    "caseload_cap": {"type": "SliderInt", "min": 0, "max": 200, "step": 5,
                     "label": "Caseload cap (0 = as in the scenario)"},
    "duty_share": {"type": "SliderFloat", "min": 0.0, "max": 0.9, "step": 0.05, "label": "Duties (share of hours)"},
    "handoff_delay_weeks": {"type": "SliderInt", "min": 0, "max": 12, "step": 1, "label": "Hand-off delay (weeks)"},
    "priority_rule": {"type": "Select", "values": list(PRIORITY_RULES), "label": "Priority rule for follow-up"},
    "creaming_under_pressure": {"type": "SliderFloat", "min": 0.0, "max": 1.0, "step": 0.1,
                                "label": "Creaming under pressure"},
    "citizens": {"type": "SliderInt", "min": 2_000, "max": 50_000, "step": 1_000, "label": "Citizens"},
    "seed": {"type": "InputText", "label": "Random seed (any text)"},
    "compare_with": {"type": "Select", "values": ["none", *available_organisations()],
                     "label": "Compare with a second office"},
}
for _name, _spec in CONTROLS.items():
    _spec["value"] = getattr(DEFAULTS, _name)


def shown(name: str, value) -> str:
    """A setting's value as the controls show it (always visible, not only while dragging)."""
    if name == "duty_share":
        return f"{100 * value:.0f} %"
    if name == "caseload_cap":
        return "as in the scenario" if value == 0 else str(value)
    if name == "citizens":
        return f"{value:,}"
    if name == "creaming_under_pressure":
        return f"{value:.1f}"
    if name == "seed":
        return f"\u201c{value}\u201d"
    if name in ("organisation", "compare_with"):
        return ORGANISATION_NAMES.get(value, value)
    return str(value).replace("_", " ")
