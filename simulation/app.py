"""Old name of the classroom dashboard, kept so ``solara run simulation/app.py``,
``from simulation.app import page`` and ``marginsim dashboard`` keep working.

The dashboard lives in the package :mod:`simulation.dashboard`.
"""

from simulation.dashboard.launcher import main
from simulation.dashboard.page import Page, page

__all__ = ["Page", "main", "page"]
