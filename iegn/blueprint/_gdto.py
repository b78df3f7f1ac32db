r"""The blueprint's Gradient-Descent Topology Optimization (§3.2), *as specified*.

This module reproduces the pseudocode of the blueprint's §3.2 with its exact semantics,
defects included, so that claims about "the IEGN algorithm" can be checked against what the
blueprint literally says. **It is not a correct algorithm and must never be used as one**; the
corrected counterpart is :func:`iegn.blueprint.corrected_flow`.

What the pseudocode does, line by line:

* ``IEGN_Node(id, load)``: a random embedding ``state_vector`` uniform on :math:`[0, 1)^{128}`
  (``np.random.rand(128)``) and a scalar ``current_load``;
* ``ManifoldOptimizer(nodes, learning_rate=0.01)``: ``adj_matrix`` starts as the
  :math:`N \times N` **zero** matrix, ``alpha = learning_rate``;
* ``compute_ricci_curvature(i, j)``: the proxy
  :math:`R_{ij} = |\ell_i - \ell_j| / (\lVert s_i - s_j \rVert_2 + 10^{-9})`, with loads
  :math:`\ell` and embeddings :math:`s` (no graph, no transport);
* ``step_ricci_flow()``: for every pair :math:`i < j` (all pairs, not edges),
  :math:`g_{ij} \leftarrow g_{ij} - 2\alpha R_{ij}`, symmetric, then the whole matrix is clamped
  at zero, :math:`g \leftarrow \max(g, 0)` (the "ReLU"); the diagonal gets change 0;
* ``minimize_action()``: computes :math:`T = \sum_i \ell_i^2`, :math:`V = \sum_{i,j} g_{ij}`
  (the full matrix: each pair counted twice) and :math:`L = T - V` **before** the step, calls
  ``step_ricci_flow()`` once and returns that :math:`L`.

Known defects (each demonstrated in the claims ledger, claims B08, B09, B15, B16):

* the adjacency matrix starts at zero and every update subtracts a non-negative amount
  :math:`2\alpha R_{ij} \ge 0` (for :math:`\alpha \ge 0`) before clamping at zero, so it stays
  exactly zero forever; with a negative ``learning_rate`` every pair of unequal loads instead
  grows linearly without bound;
* the "curvature" is a load-difference proxy, not Ollivier–Ricci curvature: it is
  non-negative, unbounded, and depends on random embeddings rather than on any graph;
* no node state or load is ever updated, so ``minimize_action`` returns :math:`\sum_i \ell_i^2`
  at every call (from the blueprint's start); it minimises nothing: :math:`V` is never
  differentiated and does not enter the update;
* ``minimize_action`` is called "the main loop" but performs one step; the blueprint has no
  loop, no stopping rule and no entry point. :func:`run_as_specified` is *our* loop that
  calls it a given number of times and records what happens;
* the diffusive term :math:`\frac{1}{N}\nabla_k\Phi^k` of §1.3 does not appear in the code.

The only deviation is opt-in determinism: :func:`make_nodes` (and ``IEGN_Node(..., rng=...)``)
draw the embeddings from a seeded :class:`numpy.random.Generator` with the same distribution;
without ``rng``, ``IEGN_Node`` calls the global ``np.random.rand(128)`` exactly as written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .._arrays import readonly
from .._errors import InvalidArgumentError
from .._validation import as_float_vector, check_int, check_real

__all__ = ["GDTORun", "IEGN_Node", "ManifoldOptimizer", "make_nodes", "run_as_specified"]

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
        Generator for the embedding ``state_vector`` (uniform on ``[0, 1)^128``, like
        ``np.random.rand(128)``). When omitted, the global ``np.random.rand(128)`` is called,
        exactly as the blueprint does.
    """

    def __init__(self, id: int, load: float, *, rng: np.random.Generator | None = None) -> None:  # noqa: A002
        self.id = id
        self.state_vector = np.random.rand(EMBEDDING_DIM) if rng is None else rng.random(EMBEDDING_DIM)
        self.current_load = load


def make_nodes(loads: Sequence[float], *, seed: int = 0) -> list[IEGN_Node]:
    """Nodes ``0..n-1`` with the given loads and embeddings drawn from ``seed``.

    The embeddings are drawn in node order from ``numpy.random.default_rng(seed)``, so the
    same loads and seed always give the same nodes.

    Examples
    --------
    >>> nodes = make_nodes([1.0, 2.0], seed=0)
    >>> [n.id for n in nodes], nodes[0].state_vector.shape
    ([0, 1], (128,))
    """
    values = as_float_vector("loads", loads)
    rng = np.random.default_rng(check_int("seed", seed, minimum=0))
    return [IEGN_Node(i, float(load), rng=rng) for i, load in enumerate(values)]


class ManifoldOptimizer:
    """The blueprint's ``ManifoldOptimizer`` (§3.2), line for line.

    Parameters
    ----------
    nodes
        The nodes; ``adj_matrix`` is indexed by their position in this list.
    learning_rate
        ``alpha``; not validated, as in the blueprint.

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
        r"""The blueprint's proxy :math:`|\ell_i - \ell_j| / (\lVert s_i - s_j\rVert + 10^{-9})`.

        The docstring of §3.2 promises Ollivier–Ricci curvature
        :math:`1 - W_1(m_i, m_j)/d(i, j)`; what is computed is this load-difference ratio
        (claim B08).
        """
        d_ij = np.linalg.norm(self.nodes[i].state_vector - self.nodes[j].state_vector)
        load_diff = abs(self.nodes[i].current_load - self.nodes[j].current_load)
        curvature = load_diff / (d_ij + 1e-9)
        return float(curvature)

    def step_ricci_flow(self) -> None:
        r"""``g_ij += -2 * alpha * R_ij`` for every pair :math:`i < j`, then clamp at zero (ReLU)."""
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
        r"""Compute :math:`L = T - V` before the step, run one flow step, return that :math:`L`.

        :math:`T = \sum_i \ell_i^2` ("kinetic energy": squared loads, no velocity, no 1/2) and
        :math:`V = \sum_{i,j} g_{ij}` (the full matrix). Neither is differentiated: the step
        that follows does not depend on them.
        """
        T = np.sum([n.current_load**2 for n in self.nodes])
        V = np.sum(self.adj_matrix)
        L = T - V
        self.step_ricci_flow()
        return float(L)


@dataclass(frozen=True)
class GDTORun:
    """What :func:`run_as_specified` recorded.

    Attributes
    ----------
    adjacency
        ``adj_matrix`` before the first step and after every step, shape
        ``(iterations + 1, n, n)``.
    lagrangian
        The value returned by each ``minimize_action()`` call, shape ``(iterations,)``.
    proxy
        The proxy ``compute_ricci_curvature(i, j)`` for every pair (zero diagonal), shape
        ``(n, n)``; it never changes during a run.
    learning_rate, seed
        The parameters used.
    """

    adjacency: np.ndarray
    lagrangian: np.ndarray
    proxy: np.ndarray
    learning_rate: float
    seed: int


def run_as_specified(
    loads: Sequence[float],
    *,
    iterations: int = 100,
    learning_rate: float = 0.01,
    seed: int = 0,
    initial: np.ndarray | None = None,
) -> GDTORun:
    r"""Call the blueprint's ``minimize_action()`` ``iterations`` times and record everything.

    The blueprint gives no loop: this is ours, and it only repeats the blueprint's step.
    Nothing here corrects it.

    Parameters
    ----------
    loads
        One finite load per node, shape ``(n,)``.
    iterations
        Number of ``minimize_action()`` calls (>= 0).
    learning_rate
        ``alpha``, any finite real (the blueprint does not restrict it; a negative value makes
        weights grow instead of staying zero).
    seed
        Seed of the random embeddings (:func:`make_nodes`).
    initial
        Replace the blueprint's zero start by this ``(n, n)`` matrix (symmetric, finite). Not
        the blueprint's; for experiments such as "what if the weights started positive".

    Returns
    -------
    GDTORun

    Examples
    --------
    >>> run = run_as_specified([0.0, 1.0], iterations=3)
    >>> float(run.adjacency.max()), run.lagrangian.tolist()
    (0.0, [1.0, 1.0, 1.0])
    """
    loads = as_float_vector("loads", loads)
    iterations = check_int("iterations", iterations, minimum=0)
    alpha = check_real("learning_rate", learning_rate)
    seed = check_int("seed", seed, minimum=0)
    n = loads.shape[0]
    if n == 0:
        raise InvalidArgumentError("loads is empty: the network needs at least one node")
    if initial is not None:
        try:
            start = np.array(initial, dtype=np.float64)
        except (TypeError, ValueError):
            raise InvalidArgumentError(f"initial={initial!r} must be a real ({n}, {n}) matrix") from None
        if not (start.shape == (n, n) and np.all(np.isfinite(start)) and np.array_equal(start, start.T)):
            raise InvalidArgumentError(f"initial must be a finite symmetric ({n}, {n}) matrix, "
                                       f"got shape {start.shape}")
    opt = ManifoldOptimizer(make_nodes(loads.tolist(), seed=seed), learning_rate=alpha)
    if initial is not None:
        opt.adj_matrix = start.copy()
    proxy = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            proxy[i, j] = proxy[j, i] = opt.compute_ricci_curvature(i, j)
    history = [opt.adj_matrix.copy()]
    values = []
    for _ in range(iterations):
        values.append(opt.minimize_action())
        history.append(opt.adj_matrix.copy())
    return GDTORun(*readonly(np.array(history), np.array(values, dtype=np.float64), proxy), alpha, seed)


