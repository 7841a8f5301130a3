"""How kernels are compiled, and the counter-based random draws they share.

Draws inside a kernel come from a counter-based stream: a citizen's uniform number for one
purpose in one week is a hash (splitmix64) of the week's key, the citizen's slot and the
purpose. The week's key is a hash of the week and a root drawn once from the run's one
``numpy.random.Generator`` (:func:`stream_root`), so one seed still drives everything; a draw
does not depend on which other citizens drew, or in what order, so a kernel and its plain-numpy
reference (:func:`uniform_reference`) agree bit for bit.
"""

from __future__ import annotations

import numba as nb
import numpy as np

#: compile options: cache=True keeps the machine code on disk between processes (sweep workers
#: load it instead of compiling); no fastmath, so floating point is exactly numpy's
compiled = nb.njit(cache=True, nogil=True, fastmath=False)
#: a helper called from kernels' loops, inlined into its caller (a call that passes arrays costs
#: more than the helper's work)
inlined = nb.njit(cache=True, nogil=True, fastmath=False, inline="always")

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_PURPOSE = np.uint64(0xD6E8FEB86659FD93)
_TO_UNIT = 1.0 / 9007199254740992.0          # 2**-53


@compiled
def uniform(key, slot, purpose):
    """A uniform number in [0, 1) for ``slot`` and ``purpose`` (small integers) under the week's ``key`` (uint64)."""
    z = key + np.uint64(slot) * _GOLDEN + np.uint64(purpose) * _PURPOSE
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    z = z ^ (z >> np.uint64(31))
    return np.float64(z >> np.uint64(11)) * _TO_UNIT


@inlined
def by_code(code, table):
    """``table[code]`` for a small tuple ``table`` (by benefit code, say), chosen by selects over the
    tuple: a lookup in an array stops the compiler from vectorising the loop it is in."""
    value = table[0]
    for k, entry in enumerate(table):
        value = entry if code == k else value
    return value


def uniform_reference(key: int, slots: np.ndarray, purpose: int) -> np.ndarray:
    """:func:`uniform` for many slots in plain numpy (the tests' reference)."""
    with np.errstate(over="ignore"):
        z = np.uint64(key) + slots.astype(np.uint64) * _GOLDEN + np.uint64(purpose) * _PURPOSE
        z = (z ^ (z >> np.uint64(30))) * _MIX1
        z = (z ^ (z >> np.uint64(27))) * _MIX2
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) * _TO_UNIT


def stream_root(rng: np.random.Generator) -> int:
    """The root of a run's counter-based stream, drawn once from the run's generator (one seed drives everything)."""
    return int(rng.integers(0, 2**63, dtype=np.int64))


def week_key(root: int, week: int) -> np.uint64:
    """The key of one week's draws: a hash of the stream's root and the week (negative in the spin-up).

    Keys depend on nothing else, so two scenarios run with the same seed draw the same uniform for
    the same citizen slot, week and purpose: common random numbers for comparisons, whatever the
    office does in between.
    """
    mask = 2**64 - 1                     # (the mix of :func:`uniform`, in Python integers)
    z = (root + (week % 2**64) * int(_GOLDEN)) & mask
    z = ((z ^ (z >> 30)) * int(_MIX1)) & mask
    z = ((z ^ (z >> 27)) * int(_MIX2)) & mask
    return np.uint64(z ^ (z >> 31))
