r"""Discrete Ricci curvatures of undirected graphs: Ollivier–Ricci, Lin–Lu–Yau and Forman.

**Ollivier–Ricci** :cite:p:`ollivier2009ricci`. For an edge :math:`xy`,

.. math:: \kappa_\alpha(x, y) = 1 - \frac{W_1(m_x^\alpha, m_y^\alpha)}{d(x, y)},

with :math:`W_1` the optimal transport cost for the graph distance :math:`d` and the lazy
random-walk measure of idleness :math:`\alpha`

.. math:: m_x^\alpha = \alpha\,\delta_x + (1-\alpha)\sum_{z\sim x} \frac{w_{xz}}{d_x}\,\delta_z,
          \qquad d_x = \sum_{z\sim x} w_{xz}.

Conventions. Without ``weight`` every edge has length 1 and :math:`w_{xz} = 1` (the classical
unweighted curvature). With ``weight="attr"``, the attribute is the edge **length**: it
defines :math:`d` (shortest-path distance) and, with ``measure="inverse-length"`` (default),
the random walk moves to a neighbour with probability proportional to :math:`1/w_{xz}`
(short edges are strong ties). ``measure="uniform"`` ignores the lengths in the walk.
``measure="grc"`` reproduces GraphRicciCurvature 0.6.1's default weighting (probability
proportional to :math:`e^{-w_{xz}^2}`, its ``exp_power=2, base=e``, and its rule of walking
uniformly when those weights sum to at most :data:`GRC_UNIFORM_BELOW`) so its users get
identical numbers.

:math:`W_1` is computed **exactly**: each edge's transport problem is a small linear program
solved exactly in compiled loops (see :mod:`._engine`); with ``exact=True`` it is solved in
rational arithmetic by the primal-dual method and proved optimal (integer potentials dual
feasible, a plan on their tight cells primal feasible, equal objectives), and the curvature is
returned as :class:`fractions.Fraction`, for idleness fractions of any denominator.

**Lin–Lu–Yau** :cite:p:`lin2011ricci`: :math:`\kappa_{LLY}(x,y) = \lim_{\alpha\to1}
\kappa_\alpha(x,y)/(1-\alpha)`. The idleness function :math:`\alpha\mapsto\kappa_\alpha` is
linear on :math:`[1/(\max(d_x,d_y)+1), 1]` :cite:p:`bourne2018ollivier`, so on unweighted graphs
:math:`\kappa_{LLY} = 2\kappa_{1/2}`.

**Forman** :cite:p:`forman2003bochner,sreejith2016forman`: for unit node weights,
:math:`F(e) = w_e\bigl(\frac{1}{w_e}+\frac{1}{w_e} - \sum_{e'\sim_x e}\frac{1}{\sqrt{w_ew_{e'}}}
- \sum_{e'\sim_y e}\frac{1}{\sqrt{w_ew_{e'}}}\bigr)`, which is :math:`4 - d_x - d_y` unweighted;
the augmented version adds :math:`3` per triangle containing :math:`e` (unweighted).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal

import networkx as nx
import numpy as np

from .._errors import InvalidArgumentError, InvalidGraphError
from .._validation import check_int, check_option, check_real
from ._engine import GRC_UNIFORM_BELOW, OllivierEngine
from ._laplacian import check_graph

__all__ = [
    "CURVATURE_KINDS",
    "GRC_UNIFORM_BELOW",
    "MEASURES",
    "CurvatureResult",
    "forman_ricci",
    "lin_lu_yau",
    "ollivier_ricci",
    "set_edge_curvature",
]

#: The curvatures of this module, as named by ``iegn curvature --kind``.
CURVATURE_KINDS: tuple[str, ...] = ("ollivier", "lin-lu-yau", "forman", "forman-augmented")
#: Neighbour weightings of the random-walk measure of :func:`ollivier_ricci`.
MEASURES: tuple[str, ...] = ("inverse-length", "uniform", "grc")

Edge = tuple[Any, Any]


@dataclass(frozen=True)
class CurvatureResult(Mapping[Edge, Any]):
    """Curvature of every edge: a read-only mapping ``(u, v) -> value``.

    Either orientation of an edge finds the value (``result[u, v] == result[v, u]``); iteration
    yields each edge once, in ``G.edges`` order.

    Attributes
    ----------
    kind
        One of :data:`CURVATURE_KINDS`.
    by_edge
        ``{(u, v): value}`` in ``G.edges`` order (floats, or Fractions with ``exact=True``);
        the mapping methods (``keys()``, ``values()``, ``items()``) read it.
    idleness, weight, measure
        The parameters used (``None`` where they do not apply).
    """

    kind: str
    by_edge: Mapping[Edge, Any]
    idleness: float | None = None
    weight: str | None = None
    measure: str | None = None
    _index: dict[Edge, Edge] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for u, v in self.by_edge:
            self._index[(u, v)] = (u, v)
            self._index[(v, u)] = (u, v)

    def __getitem__(self, edge: Edge) -> Any:
        if isinstance(edge, (str, bytes)) or not isinstance(edge, (tuple, list)) or len(edge) != 2:
            raise KeyError(edge)
        try:
            return self.by_edge[self._index[tuple(edge)]]
        except TypeError:  # an unhashable node label
            raise KeyError(edge) from None

    def __iter__(self) -> Iterator[Edge]:
        return iter(self.by_edge)

    def __len__(self) -> int:
        return len(self.by_edge)

    def as_array(self) -> np.ndarray:
        """The values as a float64 array, in edge order."""
        return np.array([float(x) for x in self.by_edge.values()], dtype=np.float64)


def set_edge_curvature(G: nx.Graph, result: CurvatureResult, *, name: str | None = None) -> None:
    """Write ``result`` onto ``G`` as the edge attribute ``name`` (default: ``result.kind``).

    The one function of this module that mutates a graph; nothing else does.

    Raises
    ------
    InvalidGraphError
        ``G`` is not a simple undirected graph, or lacks an edge of ``result``.
    InvalidArgumentError
        ``result`` is not a :class:`CurvatureResult`, or ``name`` is not a non-empty string.
    """
    check_graph(G, require_edges=False)
    if not isinstance(result, CurvatureResult):
        raise InvalidArgumentError(f"result={result!r} must be a CurvatureResult")
    if not (name is None or (isinstance(name, str) and name)):
        raise InvalidArgumentError(f"name={name!r} must be a non-empty string or None")
    attr = name or result.kind
    missing = next((e for e in result.by_edge if not G.has_edge(*e)), None)
    if missing is not None:  # checked before writing anything: no half-written graph
        raise InvalidGraphError(f"edge {missing!r} of the result is not in the graph")
    for (u, v), val in result.by_edge.items():
        G[u][v][attr] = val


def _lengths(G: nx.Graph, weight: str | None) -> dict[Edge, float]:
    check_graph(G, weight=weight)
    if weight is None:
        return {(u, v): 1.0 for u, v in G.edges}
    return {(u, v): float(d[weight]) for u, v, d in G.edges(data=True)}


def _measure(G: nx.Graph, x: Any, alpha: float, weight: str | None, measure: str,
             length: dict[Edge, float]) -> dict[Any, float]:
    nbrs = list(G[x])
    if measure == "uniform" or weight is None:
        raw = [1.0] * len(nbrs)
    elif measure == "inverse-length":
        raw = [1.0 / length.get((x, z), length.get((z, x), 1.0)) for z in nbrs]
    else:  # "grc": GraphRicciCurvature 0.6.1, exp_power=2, base=e, and its fallback rule
        # w * w, not w ** 2: a product overflows to inf (e^{-inf} = 0, the limit) where ** raises
        raw = [math.exp(-(w * w)) for w in (length.get((x, z), length.get((z, x), 1.0)) for z in nbrs)]
        if sum(raw) <= GRC_UNIFORM_BELOW:
            raw = [1.0] * len(nbrs)
    total = sum(raw)
    m = {x: alpha}
    for z, r in zip(nbrs, raw):
        m[z] = m.get(z, 0.0) + (1.0 - alpha) * r / total
    return m


def _exact_measure(G: nx.Graph, x: Any, alpha: Fraction) -> dict[Any, Fraction]:
    nbrs = list(G[x])
    m = {x: alpha}
    for z in nbrs:
        m[z] = m.get(z, Fraction(0)) + (1 - alpha) / len(nbrs)
    return m


def _augment(supply: list[Fraction], demand: list[Fraction], tight: list[list[int]],
             flow: dict[tuple[int, int], Fraction]) -> tuple[set[int], set[int]]:
    """Augment ``flow`` (in place) to a maximum flow from the supplies to the demands along the
    ``tight`` cells (uncapacitated), exactly.

    Edmonds–Karp: shortest augmenting paths found by BFS, at most O(V E) augmentations
    whatever the rational capacities :cite:p:`edmonds1972theoretical`. Returns the rows and
    columns the last search reached from the rows with supply left (empty when all is shipped).
    """
    n_i, n_j = len(supply), len(demand)
    back: list[list[int]] = [[] for _ in range(n_j)]
    for i, js in enumerate(tight):
        for j in js:
            back[j].append(i)
    out = [sum((f for (i, _), f in flow.items() if i == r), Fraction(0)) for r in range(n_i)]
    inn = [sum((f for (_, j), f in flow.items() if j == c), Fraction(0)) for c in range(n_j)]
    while True:
        # BFS over rows (i) and columns (n_i + j) of the residual network
        parent: dict[int, int] = {i: -1 for i in range(n_i) if out[i] < supply[i]}
        queue = list(parent)
        end = -1
        for node in queue:
            if node < n_i:
                for j in tight[node]:
                    if n_i + j not in parent:
                        parent[n_i + j] = node
                        queue.append(n_i + j)
                        if inn[j] < demand[j]:
                            end = n_i + j
                            break
                if end >= 0:
                    break
            else:
                for i in back[node - n_i]:
                    if i not in parent and flow.get((i, node - n_i), 0) > 0:
                        parent[i] = node
                        queue.append(i)
        if end < 0:
            return {k for k in parent if k < n_i}, {k - n_i for k in parent if k >= n_i}
        path = [end]
        while parent[path[-1]] >= 0:
            path.append(parent[path[-1]])
        path.reverse()  # row, column, row, ..., column
        delta = min(supply[path[0]] - out[path[0]], demand[end - n_i] - inn[end - n_i])
        for k in range(1, len(path) - 1, 2):  # column -> row steps undo flow on (row, column)
            delta = min(delta, flow[(path[k + 1], path[k] - n_i)])
        out[path[0]] += delta
        inn[end - n_i] += delta
        for k in range(len(path) - 1):
            u, w = path[k], path[k + 1]
            cell = (u, w - n_i) if u < n_i else (w, u - n_i)
            flow[cell] = flow.get(cell, Fraction(0)) + (delta if u < n_i else -delta)


def _exact_w1(mx: Mapping[Any, Fraction], my: Mapping[Any, Fraction], dist: Mapping[Any, Mapping[Any, float]]) -> Fraction:
    r"""W1 between two rational measures with integer costs, exactly, with its proof.

    The primal-dual (Hungarian) method :cite:p:`ahuja1993network` in
    :class:`~fractions.Fraction` arithmetic: integer potentials :math:`u_i + v_j \le C_{ij}`;
    a maximum flow along the tight cells :math:`u_i + v_j = C_{ij}`; while supply is left,
    the rows and columns reached by the last search raise :math:`u` and lower :math:`v` by the
    least reduced cost leaving them (an integer >= 1, so the dual value grows and the loop
    ends). At the end the plan is primal feasible, the potentials dual feasible, and the two
    objectives are checked equal: LP duality proves the value optimal. No float is involved,
    so the masses' denominators may be any size.
    """
    sx = [a for a, w in mx.items() if w > 0]
    sy = [b for b, w in my.items() if w > 0]
    C = [[int(dist[s][t]) for t in sy] for s in sx]
    supply = [Fraction(mx[s]) for s in sx]
    demand = [Fraction(my[t]) for t in sy]
    n_i, n_j = len(sx), len(sy)
    u = [min(row) for row in C]
    v = [min(C[i][j] - u[i] for i in range(n_i)) for j in range(n_j)]
    flow: dict[tuple[int, int], Fraction] = {}
    while True:
        tight = [[j for j in range(n_j) if u[i] + v[j] == C[i][j]] for i in range(n_i)]
        rows, cols = _augment(supply, demand, tight, flow)
        if not rows:
            break
        delta = min(C[i][j] - u[i] - v[j] for i in rows for j in range(n_j) if j not in cols)
        for i in rows:
            u[i] += delta
        for j in cols:
            v[j] -= delta
    primal = sum((f * C[i][j] for (i, j), f in flow.items()), Fraction(0))
    dual = sum(u[i] * supply[i] for i in range(n_i)) + sum(v[j] * demand[j] for j in range(n_j))
    feasible = all(u[i] + v[j] <= C[i][j] for i in range(n_i) for j in range(n_j))
    if not (feasible and primal == dual and all(f >= 0 for f in flow.values())):  # pragma: no cover
        raise RuntimeError("could not certify the transport optimum in rational arithmetic")
    return primal


def ollivier_ricci(
    G: nx.Graph,
    *,
    idleness: float = 0.5,
    weight: str | None = None,
    measure: Literal["inverse-length", "uniform", "grc"] = "inverse-length",
    exact: bool = False,
    workers: int = 1,
) -> CurvatureResult:
    r"""Ollivier–Ricci curvature :math:`\kappa_\alpha(x,y) = 1 - W_1(m_x, m_y)/d(x,y)` of every edge.

    Parameters
    ----------
    G
        Undirected NetworkX graph without self-loops or multi-edges.
    idleness
        :math:`\alpha \in [0, 1)`: the mass a walker keeps at its node.
    weight
        Edge attribute holding the edge **length** (finite, > 0), or ``None`` (all lengths 1).
    measure
        How the walk spreads over neighbours with lengths: ``"inverse-length"`` (default),
        ``"uniform"`` or ``"grc"`` (GraphRicciCurvature 0.6.1's :math:`e^{-w^2}`); see the module
        notes. Irrelevant without ``weight``.
    exact
        Certify each optimum in rational arithmetic and return :class:`~fractions.Fraction`
        values. Unweighted graphs only. ``idleness`` may be a Fraction; a float is read as the
        simplest fraction that rounds to it (``0.1`` is 1/10, ``2/3`` is 2/3).
    workers
        Threads or processes to use (default 1). The transport problems are solved in
        compiled loops that release the GIL, split over ``workers`` threads; SciPy's Dijkstra
        (weighted graphs) holds the GIL, so large graphs split its searches over
        ``workers - 1`` forked children (POSIX) that write into shared memory. Small graphs
        always run in this process. Results do not depend on it.

    Returns
    -------
    CurvatureResult

    Raises
    ------
    InvalidGraphError
        Directed, multigraph, self-loop, no edges, or bad weights.
    InvalidArgumentError
        Idleness outside [0, 1), unknown measure, ``exact`` with weights.

    Notes
    -----
    Distances are shortest paths within the union of the two closed neighbourhoods' reach
    (at most 3 hops on an unweighted graph), computed per edge: no all-pairs matrix. An edge
    between different components does not exist, so disconnected graphs are fine.

    Examples
    --------
    >>> k = ollivier_ricci(nx.complete_graph(4))
    >>> round(k[0, 1], 12)  # K_n: 1 - (1 - alpha)(n - 2)/(n - 1) ... at alpha = 1/2: (n)/(2(n-1))
    0.666666666667
    >>> ollivier_ricci(nx.cycle_graph(6), exact=True)[0, 1]
    Fraction(0, 1)
    """
    check_option("measure", measure, MEASURES)
    if isinstance(idleness, Fraction):
        alpha_q = idleness
        alpha = float(idleness)
    else:
        alpha = check_real("idleness", idleness, lower=0.0, upper=1.0, upper_open=True)
        # the simplest fraction that rounds to the same float: 0.1 -> 1/10, float(2/3) -> 2/3,
        # 1e-07 -> 1/10000000; the exact binary value only if no such small fraction exists
        alpha_q = Fraction(alpha).limit_denominator(10**12)
        if float(alpha_q) != alpha:
            alpha_q = Fraction(alpha)
    if not 0 <= alpha_q < 1:
        raise InvalidArgumentError(f"idleness={idleness!r} must lie in [0, 1)")
    if not isinstance(exact, bool):
        raise InvalidArgumentError(f"exact={exact!r} must be True or False")
    if exact and weight is not None:
        raise InvalidArgumentError("exact=True is for unweighted graphs (weight=None)")
    workers = check_int("workers", workers, minimum=1)
    length = _lengths(G, weight)
    values: dict[Edge, Any] = {}
    if not exact:
        values = _ollivier_float(G, alpha, weight, measure, length, workers)
        return CurvatureResult("ollivier", values, alpha, weight, measure if weight is not None else None)
    for x, y in G.edges:
        mx = _exact_measure(G, x, alpha_q)
        my = _exact_measure(G, y, alpha_q)
        dist = _local_distances(G, set(mx), set(my))
        values[(x, y)] = 1 - _exact_w1(mx, my, dist)  # d(x, y) = 1
    return CurvatureResult("ollivier", values, alpha, weight, None)


def _ollivier_float(G: nx.Graph, alpha: float, weight: str | None, measure: str,
                    length: dict[Edge, float], workers: int = 1) -> dict[Edge, float]:
    """Every edge's curvature (``G.edges`` order), exact; see :mod:`._engine` for the solvers."""
    edges = list(G.edges)
    engine = OllivierEngine(G, edges, weighted=weight is not None)
    lengths = None if weight is None else np.array([_edge_len(length, u, v) for u, v in edges])
    values = engine.curvature(alpha, lengths, measure, _network_simplex(edges), workers)
    return dict(zip(edges, values.tolist()))


def _network_simplex(edges: Sequence[Edge]) -> Any:
    """POT's exact network simplex, called without its Python wrapper (~9x less overhead on
    the small problems of one edge); the wrapper is the fallback if the compiled entry point moves."""
    try:
        from ot.lp.emd_wrap import emd_c
    except ImportError:  # pragma: no cover - depends on POT's internal layout
        import ot

        def solve(a: np.ndarray, b: np.ndarray, M: np.ndarray, k: int) -> float:
            cost, log = ot.emd2(a, b, M, log=True, check_marginals=False)
            if log.get("warning"):
                raise RuntimeError(f"exact transport for edge {edges[k]!r} failed: {log['warning']}")
            return float(cost)

        return solve

    def solve_c(a: np.ndarray, b: np.ndarray, M: np.ndarray, k: int) -> float:
        _, cost, _, _, code = emd_c(a, b, M, 100_000, 1)
        if code != 1:  # 1 = OPTIMAL; never accept an unfinished simplex
            raise RuntimeError(f"exact transport for edge {edges[k]!r} did not reach optimality (code {code})")
        return float(cost)

    return solve_c


def _edge_len(length: dict[Edge, float], a: Any, b: Any) -> float:
    return length[(a, b)] if (a, b) in length else length[(b, a)]


def _local_distances(G: nx.Graph, sx: set[Any], sy: set[Any]) -> dict[Any, dict[Any, float]]:
    """Hop distances from each source in ``sx`` to each target in ``sy`` (exact mode, which is
    unweighted only): a BFS from each source up to its farthest target, at most 3 hops between
    the closed neighbourhoods of an edge."""
    out: dict[Any, dict[Any, float]] = {}
    targets = set(sy)
    for s in sx:
        seen = {s: 0}
        frontier = [s]
        depth = 0
        found = {t for t in targets if t in seen}
        while frontier and len(found) < len(targets):
            depth += 1
            nxt = []
            for a in frontier:
                for b in G[a]:
                    if b not in seen:
                        seen[b] = depth
                        nxt.append(b)
                        if b in targets:
                            found.add(b)
            frontier = nxt
        out[s] = {t: float(seen[t]) for t in targets}
    return out


def lin_lu_yau(G: nx.Graph, *, exact: bool = False) -> CurvatureResult:
    r"""Lin–Lu–Yau curvature :math:`\kappa_{LLY} = \lim_{\alpha\to1}\kappa_\alpha/(1-\alpha)` (unweighted).

    Computed as :math:`2\kappa_{1/2}`: the idleness function is linear on
    :math:`[1/(\max(d_x, d_y) + 1), 1]` :cite:p:`bourne2018ollivier`, which contains 1/2.

    Examples
    --------
    >>> lin_lu_yau(nx.complete_graph(5), exact=True)[0, 1]  # K_n: n/(n - 1)
    Fraction(5, 4)
    """
    if not isinstance(exact, bool):
        raise InvalidArgumentError(f"exact={exact!r} must be True or False")
    half = ollivier_ricci(G, idleness=Fraction(1, 2) if exact else 0.5, exact=exact)
    return CurvatureResult("lin-lu-yau", {e: 2 * k for e, k in half.by_edge.items()})


def forman_ricci(G: nx.Graph, *, augmented: bool = False, weight: str | None = None) -> CurvatureResult:
    r"""Forman–Ricci curvature of every edge (unit node weights).

    Unweighted: :math:`F(x,y) = 4 - d_x - d_y`, plus :math:`3\,\#\{\text{triangles} \ni xy\}`
    when ``augmented``. Weighted (``weight`` = edge weight :math:`w_e > 0`), the formula of
    :cite:t:`sreejith2016forman` (Eq. 3 with unit node weights); ``augmented`` is unweighted only.

    Examples
    --------
    >>> forman_ricci(nx.cycle_graph(5))[0, 1]
    0.0
    >>> forman_ricci(nx.complete_graph(4), augmented=True)[0, 1]  # 4 - 3 - 3 + 3*2
    4.0
    """
    check_graph(G, weight=weight)
    if not isinstance(augmented, bool):
        raise InvalidArgumentError(f"augmented={augmented!r} must be True or False")
    if augmented and weight is not None:
        raise InvalidArgumentError("augmented Forman curvature is implemented for unweighted graphs (weight=None)")
    values: dict[Edge, float] = {}
    for x, y in G.edges:
        if weight is None:
            f = 4.0 - G.degree(x) - G.degree(y)
            if augmented:
                f += 3.0 * len(set(G[x]) & set(G[y]))
        else:
            # w_e (2/w_e - sum 1/sqrt(w_e w_f)) = 2 - sum sqrt(w_e)/sqrt(w_f): no product w_e w_f
            # to underflow (w ~ 1e-300 divided by zero) or overflow
            re = math.sqrt(float(G[x][y][weight]))
            sx = sum(re / math.sqrt(float(G[x][z][weight])) for z in G[x] if z != y)
            sy = sum(re / math.sqrt(float(G[y][z][weight])) for z in G[y] if z != x)
            f = 2.0 - sx - sy
        values[(x, y)] = f
    return CurvatureResult("forman-augmented" if augmented else "forman", values, weight=weight)
