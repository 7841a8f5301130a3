"""The person-week panel: one row per sampled citizen and recorded week (docs/panel.md).

Researchers follow people rather than weekly totals: who enters, who finds work, who ends up
on social assistance, who is handed from unit to unit. :class:`PanelRecorder` is called once
per recorded week by the model, asks the model for the state of the sampled citizens
(``WelfareModel.person_state``) and copies it into preallocated column chunks of compact
dtypes, so a full panel of 20,000 citizens over 520 weeks (about 10 M rows) fits in under half
a gigabyte. It knows nothing of files: ``frame()`` returns a DataFrame; results.py writes it.

Sampling is by person, not by week: a person is in the panel if a hash of their person id and
the run's seed falls under the share, so the same person is sampled every week they live in the
district, people who arrive later are sampled at the same rate, and the sample never touches
the model's random numbers (a run gives the same results with or without a panel).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .population import ARENAS, BENEFIT_NAMES

DEFAULT_SHARE = 0.05
CHUNK_ROWS = 1 << 18   # rows per preallocated chunk (about 11 MB): memory grows in small steps

#: the panel's columns and their dtypes, in order (docs/panel.md says what each means)
COLUMNS: dict[str, type] = {
    "person_id": np.int32, "week": np.int16, "age": np.float32, "benefit": np.int8, "employed": np.bool_,
    "social_assistance": np.bool_,
    **{f"arena_{a}": np.float32 for a in ARENAS},
    "arenas_lost": np.int8, "unit": np.int16, "caseworker": np.int32, "sessions": np.int16,
    "hours": np.float32, "handoffs": np.int16,
}
ROW_BYTES = sum(np.dtype(t).itemsize for t in COLUMNS.values())
_STATE = [name for name in COLUMNS if name != "week"]     # the keys of WelfareModel.person_state


@dataclass(frozen=True)
class PanelSpec:
    """Which citizens a panel follows: a ``share`` of persons in (0, 1], or ``"all"``."""

    share: float | str = DEFAULT_SHARE

    def __post_init__(self):
        if self.share == "all":
            return
        if isinstance(self.share, bool) or not isinstance(self.share, (int, float)) or not 0 < self.share <= 1:
            raise ValueError(f"panel share must be a number in (0, 1] or 'all', got {self.share!r}")
        object.__setattr__(self, "share", float(self.share))

    @classmethod
    def of(cls, value: "PanelSpec | float | str") -> "PanelSpec":
        """A spec from a spec, a share, ``"all"`` or the text of either (as typed on a command line)."""
        if isinstance(value, PanelSpec):
            return value
        if isinstance(value, str) and value != "all":
            try:
                value = float(value)
            except ValueError:
                raise ValueError(f"panel share must be a number in (0, 1] or 'all', got {value!r}") from None
        return cls(value)

    @property
    def fraction(self) -> float:
        return 1.0 if self.share == "all" else float(self.share)


def sample_draw(person_id: np.ndarray, seed: int | None) -> np.ndarray:
    """A uniform number in [0, 1) per person, fixed by the person id and the seed (splitmix64).

    A person is sampled when their draw is below the share; the draw does not depend on the
    week, the slot or anything else in the model.
    """
    key = np.random.SeedSequence([0 if seed is None else int(seed), 0x9A7E1]).generate_state(1, np.uint64)[0]
    z = person_id.astype(np.uint64) ^ key
    z += np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z ^= z >> np.uint64(31)
    return (z >> np.uint64(11)).astype(np.float64) * 2.0 ** -53


class PanelRecorder:
    """Collects the panel week by week in preallocated chunks; ``frame()`` returns it.

    Args:
        spec: the sample (a :class:`PanelSpec`, a share, or ``"all"``).
        seed: the run's seed (the sample is a function of it and the person ids).
        weeks: recorded weeks, to size the chunks of a small panel.
    """

    def __init__(self, spec: PanelSpec | float | str, seed: int | None, weeks: int):
        self.spec = PanelSpec.of(spec)
        self.seed = seed
        self.rows = 0
        self._chunks: list[dict[str, np.ndarray]] = []
        self._fill = CHUNK_ROWS               # rows used in the last chunk (full: none open yet)
        self._chunk_rows = CHUNK_ROWS
        self._weeks = weeks
        self._ids = np.zeros(0, dtype=np.int64)       # person id per slot when last looked at
        self._in = np.zeros(0, dtype=bool)            # is that person sampled

    # ---- which slots --------------------------------------------------------------------
    def sampled_slots(self, model) -> np.ndarray:
        """The population slots of living sampled persons this week, in slot order.

        The one place the panel reads the population directly (``citizens.alive`` and
        ``citizens.person_id``); draws are cached per slot and redone only where a new person
        has taken the slot.
        """
        alive, ids = model.citizens.alive, model.citizens.person_id
        if self.spec.share == "all":
            return np.flatnonzero(alive)
        if len(ids) != len(self._ids):                   # the population arrays grew
            grown = len(ids) - len(self._ids)
            self._ids = np.concatenate([self._ids, np.full(grown, -1, np.int64)])
            self._in = np.concatenate([self._in, np.zeros(grown, bool)])
        changed = np.flatnonzero(ids != self._ids)
        if len(changed):
            self._ids[changed] = ids[changed]
            self._in[changed] = sample_draw(ids[changed], self.seed) < self.spec.fraction
        return np.flatnonzero(alive & self._in)

    # ---- recording -------------------------------------------------------------------------
    def record(self, model, week: int) -> None:
        """Append this week's rows: one per living sampled citizen."""
        slots = self.sampled_slots(model)
        state = model.person_state(slots)
        if len(slots) and state["person_id"].max() > np.iinfo(np.int32).max:
            raise OverflowError("person ids beyond 2**31 do not fit the panel's int32 person_id column")
        n, done = len(slots), 0
        while done < n:
            if self._fill == self._chunk_rows:
                self._open_chunk(n)
            chunk, at = self._chunks[-1], self._fill
            k = min(n - done, self._chunk_rows - at)
            for name in _STATE:
                chunk[name][at:at + k] = state[name][done:done + k]
            chunk["week"][at:at + k] = week
            self._fill += k
            done += k
        self.rows += n

    def _open_chunk(self, rows_per_week: int) -> None:
        if not self._chunks:   # a small panel: one chunk sized for the whole run (with 20 % to spare)
            self._chunk_rows = int(min(CHUNK_ROWS, max(1024, 1.2 * rows_per_week * self._weeks)))
        self._chunks.append({name: np.empty(self._chunk_rows, dtype=t) for name, t in COLUMNS.items()})
        self._fill = 0

    @property
    def nbytes(self) -> int:
        """Memory held by the chunks."""
        return sum(a.nbytes for chunk in self._chunks for a in chunk.values())

    # ---- result ----------------------------------------------------------------------------
    def frame(self, *, release: bool = False) -> pd.DataFrame:
        """The panel so far (columns :data:`COLUMNS`; ``benefit`` a categorical of ``BENEFIT_NAMES``).

        Rows come week by week (within a week in population-slot order). With ``release`` the
        recorder lets go of each column's chunks as soon as the column is joined and is empty
        afterwards, so memory peaks at the panel plus one column instead of twice the panel.
        """
        chunks, used = self._chunks, self._fill       # the last chunk holds ``used`` rows
        if release:
            self._chunks, self.rows, self._fill = [], 0, self._chunk_rows
        columns = {}
        for name, dtype in COLUMNS.items():
            parts = [chunk.pop(name) if release else chunk[name] for chunk in chunks]
            if parts:
                parts[-1] = parts[-1][:used]
            values = np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)
            del parts
            if name == "benefit":
                values = pd.Categorical.from_codes(values, categories=list(BENEFIT_NAMES))
            columns[name] = values
        return pd.DataFrame(columns, copy=False)
