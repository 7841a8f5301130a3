"""The social network's small world, built without graph objects.

:func:`watts_strogatz_edges` draws networkx's ``watts_strogatz_graph(n, k, p, seed)`` (networkx
3.x, its algorithm unchanged since 2.0): the same draws from the same Python ``random.Random``
stream, so the same edges. What costs in networkx is the graph of dicts it builds and edits (about
nine seconds of the ten it took to build a million citizens' network); here the ring's edges are
an array, one row per ring distance, and the rewiring edits it in place.

The draws: ``Random.random()`` takes two 32-bit words of the Mersenne Twister, ``(a >> 5) * 2**26
+ (b >> 6)`` over ``2**53``; ``Random.choice(seq)`` takes ``getrandbits(b)`` (one word shifted
right by ``32 - b``, ``b = len(seq).bit_length()``) until it is below ``len(seq)``. The words are
drawn ahead in bulk from the same generator (:func:`random_words`); ``Random.getrandbits(32 * m)``
returns them little end first in the order drawn.
"""

from __future__ import annotations

import random

import numpy as np

from .compile import compiled, inlined

#: what :func:`watts_strogatz_edges` returns when the words drawn ahead ran out (draw more and repeat)
OUT_OF_WORDS = -1


def random_words(seed: int, m: int) -> np.ndarray:
    """The first ``m`` 32-bit words of ``random.Random(seed)``'s stream, in the order drawn."""
    bits = random.Random(seed).getrandbits(32 * m)
    return np.frombuffer(bits.to_bytes(4 * m, "little"), dtype="<u4").astype(np.uint32)


@inlined
def _random(words, used):
    """``Random.random()`` from the two words at ``words[used]``."""
    a = words[used] >> np.uint32(5)
    b = words[used + 1] >> np.uint32(6)
    return (np.float64(a) * 67108864.0 + np.float64(b)) * (1.0 / 9007199254740992.0)


@inlined
def _choice(words, used, shift, n):
    """``Random.choice(range(n))`` from ``words[used:]``: (node, words used so far); node -1 if they ran out."""
    while used < len(words):
        w = np.int64(words[used] >> shift)
        used += 1
        if w < n:
            return w, used
    return np.int64(-1), used


@inlined
def _new_tie(words, used, shift, n, u, tied, degree):
    """networkx's choice of u's new contact: a node drawn again while it is u or already tied to
    u. Returns (node, words used so far); node -1 if the words ran out, -2 if u is tied to
    everyone (networkx checks that after drawing again, and skips the rewiring)."""
    w, used = _choice(words, used, shift, n)
    while w >= 0 and (w == u or tied[u, w]):
        w, used = _choice(words, used, shift, n)
        if degree[u] >= n - 1:
            return np.int64(-2), used
    return w, used


@compiled
def watts_strogatz_edges(n, k, p, words, targets):
    """networkx's Watts-Strogatz rewiring of the ring ``targets`` ((k // 2, n): node u's j-th ring
    neighbour is ``targets[j - 1, u]``, ``(u + j) % n``), in place, with the words of its
    ``random.Random``; edge (u, targets[j - 1, u]) is the graph's edge for ring place (j, u).

    Returns the words used, or ``OUT_OF_WORDS``. (Each ring place keeps exactly one edge: a
    place's edge is removed only when that place is rewired, and a new edge never repeats one
    that exists, so the places stay distinct.)
    """
    half = k // 2
    bits = 0
    while (1 << bits) <= n:         # getrandbits(n.bit_length())
        bits += 1
    shift = np.uint32(32 - bits)
    degree = np.full(n, 2 * half, dtype=np.int64)
    # who is tied to whom now, for has_edge: a dense matrix of one block (a few thousand nodes)
    tied = np.zeros((n, n), dtype=np.bool_)
    for j in range(half):
        for u in range(n):
            tied[u, targets[j, u]] = True
            tied[targets[j, u], u] = True
    used = 0
    for j in range(half):           # outer loop: ring distance; inner: node order (as networkx)
        for u in range(n):
            if used + 2 > len(words):
                return OUT_OF_WORDS
            x = _random(words, used)
            used += 2
            if x >= p:
                continue
            w, used = _new_tie(words, used, shift, n, u, tied, degree)
            if w == -1:
                return OUT_OF_WORDS
            if w >= 0:
                v = targets[j, u]
                tied[u, v] = tied[v, u] = False
                tied[u, w] = tied[w, u] = True
                degree[v] -= 1
                degree[w] += 1
                targets[j, u] = w
    return used
