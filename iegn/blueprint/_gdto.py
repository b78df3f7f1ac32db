"""The blueprint's Gradient-Descent Topology Optimization (§3.2), *as specified*.

This module reproduces the pseudocode of the blueprint's §3.2 with its exact semantics,
defects included, so that claims about "the IEGN algorithm" can be checked against what the
blueprint literally says. **It is not a correct algorithm and must never be used as one.**
Known defects (each demonstrated in the claims ledger):

* the adjacency matrix starts at zero and every update subtracts a non-negative amount
  before clamping at zero, so it stays zero forever;
* the "curvature" is a load-difference proxy, not Ollivier–Ricci curvature;
* no node state or load is ever updated.

The only deviation is determinism: the random 128-dimensional embeddings are drawn from a
seeded :class:`numpy.random.Generator` instead of the global ``np.random.rand``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["IEGN_Node", "ManifoldOptimizer", "make_nodes"]

EMBEDDING_DIM = 128  # "High-dim embedding", §3.2


class IEGN_Node:  # noqa: N801 - the blueprint's name, kept on purpose
    """A node of the blueprint's network: an id, a random embedding and a scalar load.

    Parameters
    ----------
    id
        Node index.
    load
        "Scalar energy term" (``current_load``).
    rng
        Generator for the embedding ``state_vector`` (uniform on ``[0, 1)^128`` as
        ``np.random.rand(128)``); a fresh unseeded one when omitted.
    """

    def __init__(self, id: int, load: float, *, rng: np.random.Generator | None = None) -> None:  # noqa: A002
        rng = np.random.default_rng() if rng is None else rng
        self.id = id
        self.state_vector = rng.random(EMBEDDING_DIM)
        self.current_load = load


def make_nodes(loads: Sequence[float], *, seed: int = 0) -> list[IEGN_Node]:
    """Nodes ``0..n-1`` with the given loads and embeddings drawn from ``seed``.

    Examples
    --------
    >>> nodes = make_nodes([1.0, 2.0], seed=0)
    >>> [n.id for n in nodes], nodes[0].state_vector.shape
    ([0, 1], (128,))
    """
    rng = np.random.default_rng(seed)
    return [IEGN_Node(i, float(load), rng=rng) for i, load in enumerate(loads)]


class ManifoldOptimizer:
    """The blueprint's ``ManifoldOptimizer`` (§3.2), line for line.

    Examples
    --------
    The adjacency matrix never leaves zero, whatever the step:

    >>> opt = ManifoldOptimizer(make_nodes([0.0, 5.0, 1.0], seed=1), learning_rate=10.0)
    >>> for _ in range(3):
    ...     _ = opt.minimize_action()
    >>> bool((opt.adj_matrix == 0).all())
    True
    """

    def __init__(self, nodes: list[IEGN_Node], learning_rate: float = 0.01) -> None:
        self.nodes = nodes
        self.adj_matrix = np.zeros((len(nodes), len(nodes)))
        self.alpha = learning_rate

    def compute_ricci_curvature(self, i: int, j: int) -> float:
        """The blueprint's proxy: ``|load_i - load_j| / (||s_i - s_j|| + 1e-9)``."""
        d_ij = np.linalg.norm(self.nodes[i].state_vector - self.nodes[j].state_vector)
        load_diff = abs(self.nodes[i].current_load - self.nodes[j].current_load)
        curvature = load_diff / (d_ij + 1e-9)
        return float(curvature)

    def step_ricci_flow(self) -> None:
        """``g_ij += -2 * alpha * R_ij`` for every pair, then clamp at zero (ReLU)."""
        N = len(self.nodes)
        delta_g = np.zeros((N, N))
        for i in range(N):
            for j in range(i + 1, N):
                R_ij = self.compute_ricci_curvature(i, j)
                change = -2 * R_ij * self.alpha
                delta_g[i][j] = change
                delta_g[j][i] = change
        self.adj_matrix += delta_g
        self.adj_matrix = np.maximum(self.adj_matrix, 0)

    def minimize_action(self) -> float:
        """Compute ``L = T - V`` (T = sum of squared loads, V = sum of weights), then flow."""
        T = np.sum([n.current_load**2 for n in self.nodes])
        V = np.sum(self.adj_matrix)
        L = T - V
        self.step_ricci_flow()
        return float(L)
