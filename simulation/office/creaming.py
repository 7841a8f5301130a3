"""Creaming: under time pressure, follow-up drifts toward the users closest to work.

The office's priority rule orders due sessions (most marginalised first, longest waiting first,
or closest to work first); a caseworker's time pressure pulls any rule toward creaming
(003:984-1000, 003:1222-1233, 004:3508-3512, 004:5763-5779). With no pressure the rule holds.
"""

from __future__ import annotations

import numpy as np

from ..vocabulary import Arena

#: the priority rules, in the order the compiled week's items know them
#: (:func:`simulation.kernels.office.creaming_base` and ``creaming_key`` compute :func:`order_key` item by item)
RULES = ("need_based", "date_order", "creaming")


def pull(pressure: np.ndarray, creaming_under_pressure: float) -> np.ndarray:
    """Per caseworker, how far the order is pulled toward creaming (0 = the rule as written)."""
    # (np.minimum and np.maximum: the same as np.clip, whose wrapper costs more, weekly)
    return creaming_under_pressure * np.minimum(np.maximum(1.0 - 1.0 / np.maximum(pressure, 1e-9), 0.0), 1.0)


def order_key(rule: str, arenas: np.ndarray, who: np.ndarray, waited: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Sort keys (lower first) for due sessions of users ``who``; ``waited`` is weeks since the
    last contact, ``w`` each item's creaming pull. (The week's items compute it user by user in
    their compiled passes, ``kernels.office.creaming_base`` and ``creaming_key``; this is the form
    the tests check those against.)"""
    closeness = arenas[Arena.WORK, who]
    if rule == "need_based":
        base = 1.0 - arenas[:, who].mean(axis=0)
    elif rule == "date_order":
        base = np.clip(waited / 104.0, 0.0, 1.0)
    else:
        base = closeness
    return -((1.0 - w) * base + w * closeness)
