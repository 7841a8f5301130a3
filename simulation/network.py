"""The citizens' social network: built once, as networkx would build it, then used as a sparse matrix.

Ties carry participation (the activity arena, 004:2407-2424) and job leads (work contacts
give "new jobs, advantageous information", 004:2367-2373). The graph is a small world
(Watts-Strogatz) built per neighbourhood block, so building stays fast and memory flat at a
million citizens; a few ties per block are rewired across blocks. Each block's edges are exactly
those of ``networkx.watts_strogatz_graph`` with the block's seed, drawn by a compiled kernel that
builds no graph objects (:func:`small_world`; networkx itself took ten seconds for a million). The graph's nodes are
population *slots*: a newcomer who takes a freed slot takes over its ties (moves into the
neighbourhood). Network size and shape are assumptions (docs/calibration.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from .scenario import Network

if TYPE_CHECKING:
    import networkx as nx


def build_ties(n_slots: int, params: Network, rng: np.random.Generator) -> sp.csr_matrix:
    """Binary symmetric adjacency (n_slots x n_slots); ``population.neighbour_means`` averages over it."""
    rows, cols = [], []
    block = max(params.neighbourhood_size, params.mean_degree + 2)
    k = params.mean_degree - params.mean_degree % 2  # Watts-Strogatz needs an even degree
    for start in range(0, n_slots, block):
        size = min(block, n_slots - start)
        if size <= k:
            continue
        seed = int(rng.integers(2**31))
        u, v = small_world(size, k, params.rewiring, seed)
        rows.append(u + start)
        cols.append(v + start)
    if n_slots > block:  # a few ties between neighbourhoods, so the district is one network
        m = max(1, int(n_slots * params.rewiring / 10))
        a, b = rng.integers(0, n_slots, m), rng.integers(0, n_slots, m)
        keep = a != b
        rows.append(a[keep])
        cols.append(b[keep])
    if not rows:
        return sp.csr_matrix((n_slots, n_slots))
    r = np.concatenate(rows)
    c = np.concatenate(cols)
    # undirected: both directions
    adj = sp.coo_matrix((np.ones(2 * len(r)), (np.concatenate([r, c]), np.concatenate([c, r]))),
                        shape=(n_slots, n_slots)).tocsr()
    adj.sum_duplicates()
    adj.data[:] = 1.0
    return adj


def small_world(n: int, k: int, p: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The edges (u, v) of ``networkx.watts_strogatz_graph(n, k, p, seed=seed)``, the same edges,
    drawn without building the graph (:func:`simulation.kernels.network.watts_strogatz_edges`)."""
    from .kernels.network import OUT_OF_WORDS, random_words, watts_strogatz_edges

    half = k // 2
    nodes = np.arange(n, dtype=np.int64)
    ring = np.array([(nodes + j) % n for j in range(1, half + 1)], dtype=np.int64).reshape(half, n)
    # words for every ring place's draw and, with room to spare, the rewirings' choices
    words = 2 * half * n + int(8 * p * half * n) + 64
    while True:
        targets = ring.copy()
        if watts_strogatz_edges(n, k, p, random_words(seed, words), targets) != OUT_OF_WORDS:
            return np.tile(nodes, half), targets.ravel()
        words *= 2


def to_graph(ties: sp.csr_matrix, nodes: np.ndarray | None = None) -> nx.Graph:
    """The network (or the part among ``nodes``) as a networkx graph, for inspection and teaching."""
    import networkx as nx  # only where used (command-line start-up)

    sub = ties if nodes is None else ties[nodes][:, nodes]
    graph = nx.from_scipy_sparse_array(sub)
    if nodes is not None:
        graph = nx.relabel_nodes(graph, dict(enumerate(int(n) for n in nodes)))
    return graph


def extend_ties(ties: sp.csr_matrix, extra: int, params: Network, rng: np.random.Generator) -> sp.csr_matrix:
    """Add ``extra`` new slots (the population outgrew its arrays): a new neighbourhood, tied in."""
    n = ties.shape[0]
    new = build_ties(extra, params, rng)
    m = max(1, extra * params.mean_degree // 10)
    a, b = rng.integers(n, n + extra, m), rng.integers(0, n, m)
    cross = sp.coo_matrix((np.ones(2 * m), (np.concatenate([a, b]), np.concatenate([b, a]))),
                          shape=(n + extra, n + extra))
    out = (sp.block_diag([ties, new], format="csr") + cross.tocsr()).tocsr()
    out.data[:] = 1.0
    return out
