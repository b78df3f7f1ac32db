r"""Entropic Ollivier–Ricci curvature: batched log-domain Sinkhorn over every edge at once (JAX).

For an edge :math:`xy` the Ollivier–Ricci curvature :cite:p:`ollivier2009ricci` is
:math:`\kappa(x,y) = 1 - W_1(m_x, m_y)/d(x,y)`, with the measures, lengths and local distances
of :func:`~iegn.graph.ollivier_ricci` (idleness :math:`\alpha`, ``weight`` = edge length,
``measure`` = neighbour weighting). This module replaces each exact transport problem by its
entropic regularisation :cite:p:`cuturi2013sinkhorn`

.. math:: \pi_\varepsilon = \operatorname*{arg\,min}_{\pi \in U(a, b)}
          \langle C, \pi\rangle + \varepsilon \sum_{ij} \pi_{ij}\log\pi_{ij},
          \qquad \kappa_\varepsilon(x, y) = 1 - \frac{\langle C, \pi_\varepsilon\rangle}{d(x, y)},

solves all of them together — padded to common sizes, ``vmap``-ed under ``jax.jit``, sharded
over a device mesh on request — and returns every value with a **rigorous** bound on
:math:`|\kappa_\varepsilon - \kappa|` and a certified enclosure of the exact :math:`\kappa`
(see :func:`sinkhorn_transport`, Notes).

Three layers: :func:`edge_transport_batch` builds the padded problems (NumPy),
:func:`sinkhorn_transport` solves any :class:`TransportBatch` (JAX), and
:func:`sinkhorn_curvature` does both for a graph, grouping edges by support size.
"""

from __future__ import annotations

import functools
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import networkx as nx
import numpy as np
import scipy.sparse as sps
from scipy.sparse import csgraph

from .._arrays import readonly
from .._errors import InvalidArgumentError, NotConvergedError
from .._validation import check_int, check_option, check_real
from ._curvature import MEASURES, CurvatureResult, _lengths, _measure

__all__ = [
    "SinkhornCurvatureResult",
    "TransportBatch",
    "TransportSolution",
    "edge_transport_batch",
    "sinkhorn_curvature",
    "sinkhorn_transport",
]

Edge = tuple[Any, Any]

# Building and batching the problems
#: Cost entries gathered at once while padding (bounds the index arrays' memory).
_PAIR_BLOCK = 1 << 22
#: Entries of a dense Dijkstra block (sources x nodes) for weighted graphs (64 MiB).
_DIJKSTRA_BLOCK = 1 << 23
#: Padded support sizes (rows, columns of a cost matrix): 1, 2, 3, 4, 6, 8, 12, 16, 24, ...
_SIZE_GRID = np.array(sorted({2**k for k in range(31)} | {3 * 2**k for k in range(30)}), dtype=np.int64)
#: Padded batch sizes: 1, 2, 4, then 8..15 times a power of two (at most 1/8 of a batch is
#: padding, and graphs of similar size reuse one compiled solver).
_BATCH_GRID = np.array(sorted({1, 2, 4} | {m * 2**k for m in range(8, 16) for k in range(40)}), dtype=np.int64)
#: Two groups of edges share one padded shape when that adds fewer cost entries than this:
#: solving that many entries costs about as much as compiling one more shape (CPU, eps=0.01).
_COMPILE_ENTRIES = 1 << 18
#: Most padded cost entries per solver call (16 MiB of costs; the solver holds ~20 arrays
#: of that size): memory stays bounded, and a call stops at its own slowest problem.
_CHUNK_ENTRIES = 1 << 21

# The solver
#: Unit roundoff of float64.
_UNIT_ROUNDOFF = 2.0**-53
#: The regularisation schedule: e <- max(e * factor, epsilon), from e = max(epsilon, max C).
_STAGE_FACTOR = 0.5
#: Row-marginal error at which an intermediate stage of the schedule hands over to the next.
_STAGE_TOL = 1e-6
#: Sinkhorn iterations per round of the solver; each round ends with one Newton step.
_SCALINGS_PER_ROUND = 2
#: Step lengths tried along a Newton direction, as fractions of the longest allowed one
#: (the best by the dual objective is taken, if it improves on staying put).
_NEWTON_STEPS = (1.0, 0.25, 0.0625, 0.015625)
#: Largest change of any exponent u_i + v_j in one Newton step (a factor e^16 on a plan entry).
_NEWTON_REACH = 16.0
#: Tikhonov damping of the Newton system (masses are <= 1): tames (near-)decoupled blocks.
_NEWTON_DAMPING = 1e-12
#: Tikhonov weight of the least-squares dual fit behind the certified lower bound: the fit
#: gives up about this much (relative) of the dual value; smaller is worse conditioned.
_FIT_DAMPING = 1e-12
#: Floor of a Cholesky pivot (a positive pivot is never this small: the damping is larger).
_PIVOT_FLOOR = 1e-280


# --------------------------------------------------------------------------- padded problems


@dataclass(frozen=True, eq=False)
class TransportBatch:
    r"""Padded transport problems, one per edge: the input of :func:`sinkhorn_transport`.

    Row ``e`` is the problem :math:`W_1(m_x, m_y)` of ``edges[e] = (x, y)``: the two supports
    padded with zero mass to common sizes, and zero cost in padded rows and columns. A
    zero-mass row or column carries no mass in any coupling of the marginals, so padding
    changes neither the feasible set nor the optimum, nor the entropic optimum. The arrays
    are read-only.

    Attributes
    ----------
    edges
        The edges ``(x, y)``, in order; ``x`` is the row side.
    mass_x
        ``(E, Kx)`` float64: :math:`m_x` on its support, then zeros.
    mass_y
        ``(E, Ky)`` float64: :math:`m_y` on its support, then zeros.
    cost
        ``(E, Kx, Ky)`` float64: graph distances :math:`d(s, t)` between the two supports,
        zero on padding.
    distance
        ``(E,)`` float64: :math:`d(x, y)`.
    """

    edges: tuple[Edge, ...]
    mass_x: np.ndarray
    mass_y: np.ndarray
    cost: np.ndarray
    distance: np.ndarray

    def __post_init__(self) -> None:
        readonly(self.mass_x, self.mass_y, self.cost, self.distance)

    @property
    def support_x(self) -> np.ndarray:
        """``(E,)`` int: the support size of each :math:`m_x` (entries with mass > 0)."""
        return np.count_nonzero(self.mass_x > 0, axis=1)

    @property
    def support_y(self) -> np.ndarray:
        """``(E,)`` int: the support size of each :math:`m_y`."""
        return np.count_nonzero(self.mass_y > 0, axis=1)


@dataclass(frozen=True)
class _Supports:
    """Every node's measure support, every edge's pair distances: flat arrays, no padding."""

    nodes: list[Any]
    edge_x: np.ndarray  # (E,) node index of x
    edge_y: np.ndarray  # (E,) node index of y
    size: np.ndarray  # (n,) support size of m_z
    start: np.ndarray  # (n + 1,) offsets into node/mass
    node: np.ndarray  # support nodes (indices), centre first when it has mass
    mass: np.ndarray  # their masses
    pair_start: np.ndarray  # (E + 1,) offsets of each edge's size_x * size_y distance block
    pair_distance: np.ndarray  # row-major blocks d(s_i, t_j)
    distance: np.ndarray  # (E,) d(x, y)


def _supports(G: nx.Graph, alpha: float, weight: str | None, measure: str) -> _Supports:
    length = _lengths(G, weight)  # validates the graph (undirected, simple, edges, weights)
    nodes = list(G)
    index = {z: i for i, z in enumerate(nodes)}
    n = len(nodes)
    size = np.zeros(n, dtype=np.int64)
    node_l: list[int] = []
    mass_l: list[float] = []
    reach_l: list[float] = []  # length from the centre to each support node (0 for the centre)
    for i, z in enumerate(nodes):
        m = _measure(G, z, alpha, weight, measure, length)
        keep = [(s, w) for s, w in m.items() if w > 0]
        size[i] = len(keep)
        for s, w in keep:
            node_l.append(index[s])
            mass_l.append(w)
            reach_l.append(0.0 if s == z else length.get((z, s), length.get((s, z), 1.0)))
    start = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(size, out=start[1:])
    node = np.array(node_l, dtype=np.int64)
    mass = np.array(mass_l, dtype=np.float64)
    reach = np.array(reach_l, dtype=np.float64)
    E = G.number_of_edges()
    ex = np.fromiter((index[u] for u, _ in G.edges), dtype=np.int64, count=E)
    ey = np.fromiter((index[v] for _, v in G.edges), dtype=np.int64, count=E)
    w_xy = np.fromiter((length[e] for e in G.edges), dtype=np.float64, count=E)
    block = size[ex] * size[ey]
    pair_start = np.zeros(E + 1, dtype=np.int64)
    np.cumsum(block, out=pair_start[1:])
    if weight is None:
        pair_distance = _unweighted_pair_distances(n, ex, ey, size, start, node, pair_start)
        distance = np.ones(E, dtype=np.float64)
    else:
        pair_distance, distance = _weighted_pair_distances(G, weight, nodes, index, ex, ey, w_xy, size, start,
                                                           node, reach, pair_start)
    return _Supports(nodes, ex, ey, size, start, node, mass, pair_start, pair_distance, distance)


def _pair_nodes(lo: int, hi: int, ex: np.ndarray, ey: np.ndarray, size: np.ndarray, start: np.ndarray,
                node: np.ndarray, pair_start: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Edge, local row i, local column j of every pair of edges ``lo:hi`` (row-major blocks)."""
    kx, ky = size[ex[lo:hi]], size[ey[lo:hi]]
    e = np.repeat(np.arange(lo, hi), kx * ky)
    q = np.arange(pair_start[lo], pair_start[hi]) - pair_start[e]
    ke = size[ey[e]]
    i = q // ke
    j = q - i * ke
    return e, i, j, ke


def _edge_blocks(pair_start: np.ndarray) -> list[tuple[int, int]]:
    """Split the edges into consecutive ranges of about ``_PAIR_BLOCK`` pairs."""
    E = len(pair_start) - 1
    out = []
    lo = 0
    while lo < E:
        hi = int(np.searchsorted(pair_start, pair_start[lo] + _PAIR_BLOCK, side="right")) - 1
        hi = min(max(hi, lo + 1), E)
        out.append((lo, hi))
        lo = hi
    return out


def _unweighted_pair_distances(n: int, ex: np.ndarray, ey: np.ndarray, size: np.ndarray, start: np.ndarray,
                               node: np.ndarray, pair_start: np.ndarray) -> np.ndarray:
    """The 0/1/2/3 rule of :func:`ollivier_ricci` between the closed neighbourhoods of each edge.

    For :math:`s \\in N[x]`, :math:`t \\in N[y]`, :math:`xy` an edge: :math:`d(s,t)` is 0 if
    equal, 1 if adjacent, 2 if they share a neighbour, otherwise 3 (the path s-x-y-t).
    Adjacency and common neighbours are looked up in the sorted keys of :math:`A` and
    :math:`A^2` (sparse; :math:`\\operatorname{nnz}(A^2) \\le \\sum_v d_v^2`, no dense matrix).
    """
    rows = np.concatenate([ex, ey])
    cols = np.concatenate([ey, ex])
    A = sps.csr_array((np.ones(rows.size, dtype=np.int64), (rows, cols)), shape=(n, n))
    A.sum_duplicates()
    A2 = A @ A
    A2.sum_duplicates()
    keys1 = _sorted_keys(A, n)
    keys2 = _sorted_keys(A2, n)
    out = np.empty(int(pair_start[-1]), dtype=np.float64)
    for lo, hi in _edge_blocks(pair_start):
        e, i, j, _ = _pair_nodes(lo, hi, ex, ey, size, start, node, pair_start)
        s = node[start[ex[e]] + i]
        t = node[start[ey[e]] + j]
        key = s * n + t
        d = np.where(_member(key, keys2), 2.0, 3.0)
        d[_member(key, keys1)] = 1.0
        d[s == t] = 0.0
        out[pair_start[lo]:pair_start[hi]] = d
    return out


def _sorted_keys(M: sps.csr_array, n: int) -> np.ndarray:
    M = sps.coo_array(M)
    keys = M.row.astype(np.int64) * n + M.col.astype(np.int64)
    keys = keys[M.data != 0]
    keys.sort()
    return keys


def _member(key: np.ndarray, sorted_keys: np.ndarray) -> np.ndarray:
    if sorted_keys.size == 0:
        return np.zeros(key.shape, dtype=bool)
    pos = np.minimum(np.searchsorted(sorted_keys, key), sorted_keys.size - 1)
    return sorted_keys[pos] == key


def _weighted_pair_distances(G: nx.Graph, weight: str, nodes: list[Any], index: dict[Any, int],
                             ex: np.ndarray, ey: np.ndarray, w_xy: np.ndarray, size: np.ndarray,
                             start: np.ndarray, node: np.ndarray, reach: np.ndarray,
                             pair_start: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Shortest-path lengths between the supports of each edge, and :math:`d(x, y)`.

    Dijkstra (SciPy ``csgraph``) from every source that appears, in blocks of sources, each
    search cut off at the longest detour :math:`\\ell(s,x) + w_{xy} + \\ell(y,t)` any of its
    queries can need — the same local distances as :func:`ollivier_ricci`.
    """
    n = len(nodes)
    E = ex.size
    P = int(pair_start[-1])
    src = np.empty(P + E, dtype=np.int64)
    dst = np.empty(P + E, dtype=np.int64)
    bound = np.empty(P + E, dtype=np.float64)
    for lo, hi in _edge_blocks(pair_start):
        e, i, j, _ = _pair_nodes(lo, hi, ex, ey, size, start, node, pair_start)
        sl = slice(pair_start[lo], pair_start[hi])
        src[sl] = node[start[ex[e]] + i]
        dst[sl] = node[start[ey[e]] + j]
        bound[sl] = reach[start[ex[e]] + i] + w_xy[e] + reach[start[ey[e]] + j]
    src[P:], dst[P:], bound[P:] = ex, ey, w_xy  # d(x, y) <= w_xy
    rows = np.concatenate([ex, ey])
    cols = np.concatenate([ey, ex])
    W = sps.csr_array((np.concatenate([w_xy, w_xy]), (rows, cols)), shape=(n, n))
    order = np.argsort(src, kind="stable")
    s_sorted = src[order]
    sources, first = np.unique(s_sorted, return_index=True)
    limit = np.maximum.reduceat(bound[order], first)
    by_limit = np.argsort(limit, kind="stable")  # sources with similar cut-offs share a block
    found = np.empty(P + E, dtype=np.float64)
    last = np.append(first[1:], s_sorted.size)
    per_block = max(1, _DIJKSTRA_BLOCK // max(n, 1))
    for b in range(0, sources.size, per_block):
        pick = by_limit[b:b + per_block]
        cut = float(limit[pick].max()) * (1.0 + 1e-9)
        D = csgraph.dijkstra(W, directed=True, indices=sources[pick], limit=cut)
        for row, k in enumerate(pick):
            q = order[first[k]:last[k]]
            found[q] = D[row, dst[q]]
    if not np.all(np.isfinite(found)):  # pragma: no cover - every query lies within its cut-off
        raise RuntimeError("a local distance exceeded its Dijkstra cut-off")
    return found[:P], np.minimum(found[P:], w_xy)


def _padded(sup: _Supports, edges: np.ndarray, flip: np.ndarray, kx: int, ky: int
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Masses and costs of ``edges`` padded to ``(kx, ky)``; a flipped edge has y as rows."""
    rx = np.where(flip, sup.edge_y[edges], sup.edge_x[edges])
    ry = np.where(flip, sup.edge_x[edges], sup.edge_y[edges])
    nx_, ny_ = sup.size[rx], sup.size[ry]
    ax = np.arange(kx)
    ay = np.arange(ky)
    vx = ax[None, :] < nx_[:, None]
    vy = ay[None, :] < ny_[:, None]
    mass_x = np.where(vx, sup.mass[np.minimum(sup.start[rx][:, None] + ax, sup.mass.size - 1)], 0.0)
    mass_y = np.where(vy, sup.mass[np.minimum(sup.start[ry][:, None] + ay, sup.mass.size - 1)], 0.0)
    cost = np.zeros((edges.size, kx, ky), dtype=np.float64)
    # stored block of edge e is row-major (size_x, size_y) with the edge's own x as rows
    stride_r = np.where(flip, 1, sup.size[sup.edge_y[edges]])
    stride_c = np.where(flip, sup.size[sup.edge_y[edges]], 1)
    step = max(1, _PAIR_BLOCK // max(kx * ky, 1))
    for lo in range(0, edges.size, step):
        sl = slice(lo, lo + step)
        idx = (sup.pair_start[edges[sl]][:, None, None] + ax[None, :, None] * stride_r[sl, None, None]
               + ay[None, None, :] * stride_c[sl, None, None])
        valid = vx[sl, :, None] & vy[sl, None, :]
        cost[sl][valid] = sup.pair_distance[idx[valid]]
    return mass_x, mass_y, cost


def _check_idleness(idleness: Any) -> float:
    return check_real("idleness", idleness, lower=0.0, upper=1.0, upper_open=True)


def edge_transport_batch(
    G: nx.Graph,
    *,
    idleness: float = 0.5,
    weight: str | None = None,
    measure: Literal["inverse-length", "uniform", "grc"] = "inverse-length",
) -> TransportBatch:
    r"""Every edge's transport problem :math:`W_1(m_x^\alpha, m_y^\alpha)`, padded to one size.

    .. math:: \texttt{mass\_x}[e] = (m_x(s_1), \dots, m_x(s_{k_x}), 0, \dots, 0), \qquad
              \texttt{cost}[e, i, j] = \begin{cases} d(s_i, t_j) & i \le k_x,\ j \le k_y \\
              0 & \text{otherwise} \end{cases}

    Parameters
    ----------
    G
        Undirected NetworkX graph without self-loops or multi-edges.
    idleness
        :math:`\alpha \in [0, 1)`, the mass the walk keeps at its node (default 1/2).
    weight
        Edge attribute holding the edge **length** (finite, > 0), or ``None`` (all lengths 1).
    measure
        Neighbour weighting of the walk: ``"inverse-length"``, ``"uniform"`` or ``"grc"``,
        exactly as in :func:`~iegn.graph.ollivier_ricci`. Irrelevant without ``weight``.

    Returns
    -------
    TransportBatch
        Edges in ``G.edges`` order; ``Kx = Ky = K``, the largest support size (the maximum
        degree, plus one when :math:`\alpha > 0`). Supports list the centre first (when it
        has mass), then its neighbours in ``G[x]`` order.

    Raises
    ------
    InvalidGraphError
        Directed, multigraph, self-loop, no edges, or bad lengths.
    InvalidArgumentError
        Idleness outside [0, 1) or an unknown measure.

    Notes
    -----
    The measures are built by the helper of :func:`~iegn.graph.ollivier_ricci`, and the
    distances follow its rules: on an unweighted graph the 0/1/2/3 rule between the two closed
    neighbourhoods (equal, adjacent, a common neighbour, else the path :math:`s x y t`),
    looked up in the sorted keys of the sparse :math:`A` and :math:`A^2`; with lengths,
    Dijkstra searches cut off at the longest detour :math:`\ell(s,x) + w_{xy} + \ell(y,t)`,
    and :math:`d(x, y)` the shortest-path distance. No all-pairs matrix is formed; time and
    memory are :math:`O(\sum_{xy} k_xk_y)` plus :math:`8EK^2` bytes for ``cost``. On a graph
    with hubs prefer :func:`sinkhorn_curvature`, which buckets the edges by support size.

    Examples
    --------
    >>> b = edge_transport_batch(nx.path_graph(3))
    >>> b.edges, b.cost.shape
    (((0, 1), (1, 2)), (2, 3, 3))
    >>> b.mass_x[0].tolist(), b.mass_y[0].tolist()
    ([0.5, 0.5, 0.0], [0.5, 0.25, 0.25])
    >>> b.cost[0].tolist()  # rows: 0, 1, pad; columns: 1, 0, 2
    [[1.0, 0.0, 2.0], [0.0, 1.0, 1.0], [0.0, 0.0, 0.0]]
    """
    check_option("measure", measure, MEASURES)
    alpha = _check_idleness(idleness)
    sup = _supports(G, alpha, weight, measure)
    E = sup.edge_x.size
    K = int(sup.size.max())
    mass_x, mass_y, cost = _padded(sup, np.arange(E), np.zeros(E, dtype=bool), K, K)
    return TransportBatch(tuple(G.edges), mass_x, mass_y, cost, sup.distance.copy())


# --------------------------------------------------------------------------- Sinkhorn on a batch


@dataclass(frozen=True, eq=False)
class TransportSolution:
    r"""Entropic transport costs of a :class:`TransportBatch`, with rigorous bounds on :math:`W_1`.

    Arrays have shape ``(E,)``, in batch order, in units of cost (length); read-only.

    Attributes
    ----------
    cost
        :math:`\langle C, \pi\rangle` of the final Sinkhorn plan :math:`\pi`.
    error_bound
        A priori bound: :math:`|\langle C, \pi\rangle - W_1| \le` ``error_bound``
        (:func:`sinkhorn_transport`, Notes).
    lower, upper
        A posteriori enclosure :math:`\texttt{lower} \le W_1 \le \texttt{upper}`: a dual
        feasible value, and the cost of the plan rounded onto the exact marginals.
    marginal_error
        :math:`\delta = \|\pi\mathbf 1 - a\|_1 + \|\pi^\top\mathbf 1 - b\|_1`.
    n_iter
        Sinkhorn iterations per problem (``int64``), over all stages of the schedule.
    converged
        Per problem (``bool``): the final stage met ``tol`` within ``max_iter``.
    epsilon, tol
        The regularisation and tolerance asked for.
    """

    cost: np.ndarray
    error_bound: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    marginal_error: np.ndarray
    n_iter: np.ndarray
    converged: np.ndarray
    epsilon: float
    tol: float

    def __post_init__(self) -> None:
        readonly(self.cost, self.error_bound, self.lower, self.upper, self.marginal_error, self.n_iter,
                self.converged)


def _check_devices(devices: Any) -> tuple[Any, ...] | None:
    """``None`` (the default device, no mesh), or the tuple of devices of the 1-D mesh."""
    if devices is None:
        return None
    from ..kernels import import_jax

    jax, _ = import_jax()
    available = jax.devices()
    if isinstance(devices, numbers.Integral) and not isinstance(devices, bool):
        if not 1 <= int(devices) <= len(available):
            raise InvalidArgumentError(f"devices={devices!r} must lie in [1, {len(available)}], "
                                       f"the number of devices JAX sees")
        return tuple(available[:int(devices)])
    if isinstance(devices, (str, bytes)) or not isinstance(devices, Sequence):
        raise InvalidArgumentError(f"devices={devices!r} must be None, a device count or a sequence of JAX devices")
    out = tuple(devices)
    if not out:
        raise InvalidArgumentError("devices=() is empty: pass None for the default device")
    if not all(isinstance(d, jax.Device) for d in out):
        raise InvalidArgumentError(f"devices={devices!r} must hold jax.Device objects")
    if len(set(out)) != len(out):
        raise InvalidArgumentError(f"devices={devices!r} lists a device twice")
    return out


def _check_solver_options(epsilon: Any, max_iter: Any, tol: Any) -> tuple[float, int, float]:
    eps = check_real("epsilon", epsilon, lower=0.0, lower_open=True)
    iters = check_int("max_iter", max_iter, minimum=1)
    tolerance = check_real("tol", tol, lower=0.0, lower_open=True)
    return eps, iters, tolerance


@functools.cache
def _solver(devices: tuple[Any, ...] | None) -> tuple[Any, Any]:
    """The jitted batched solver and the input sharding (``None`` without a mesh).

    Every sum is a pairwise tree of elementwise additions in a fixed order (``fsum``), not an
    XLA reduction, whose association may change with the batch shape; the linear solves are
    a plain-JAX Cholesky. A problem's result does not depend on its padding, and its batch
    changes it only through how XLA compiles a differently shaped program: on CPU, by at most
    about 1e-11 at ``tol=1e-10`` (where a problem first meets ``tol`` can move by one round).
    """
    from ..kernels import import_jax

    jax, jnp = import_jax()
    entr = jax.scipy.special.entr

    def fsum(x: Any, axis: int | None = None) -> Any:
        if axis is None:
            return fsum(fsum(x, 1), 0) if x.ndim == 2 else fsum(x, 0)
        x = jnp.moveaxis(x, axis, -1)
        n = x.shape[-1]
        width = 1 << max(0, (n - 1).bit_length())
        if width != n:
            x = jnp.concatenate([x, jnp.zeros(x.shape[:-1] + (width - n,), x.dtype)], axis=-1)
        while x.shape[-1] > 1:  # x[i] + x[i + half]: a reduction over 2 terms is exact in any order
            x = jnp.sum(x.reshape(x.shape[:-1] + (2, x.shape[-1] // 2)), axis=-2)
        return x[..., 0]

    def logsumexp(x: Any, axis: int) -> Any:
        top = jnp.max(x, axis=axis, keepdims=True)  # a max is exact in any order
        top = jnp.where(jnp.isfinite(top), top, 0.0)
        return jnp.log(fsum(jnp.exp(x - top), axis)) + jnp.squeeze(top, axis)

    def spd_solve(A: Any, rhs: Any) -> Any:
        """Solve ``A x = rhs`` for symmetric positive definite ``A`` by Cholesky, in plain JAX.

        No LAPACK call (its custom call can deadlock XLA:CPU under many host devices) and a
        fixed order of operations. A non-positive pivot (a singular ``A`` after rounding) is
        floored: the solution is then garbage but finite or NaN, which every caller rejects.
        """
        n = A.shape[0]
        index = jnp.arange(n)

        def factor(j: Any, state: Any) -> Any:
            A, L = state
            pivot = jnp.sqrt(jnp.maximum(A[j, j], _PIVOT_FLOOR))
            col = jnp.where(index >= j, A[:, j], 0.0) / pivot
            return A - col[:, None] * col[None, :], L.at[:, j].set(col)

        _, L = jax.lax.fori_loop(0, n, factor, (A, jnp.zeros_like(A)))

        def forward(j: Any, y: Any) -> Any:  # L y = rhs; y[j:] is still 0
            return y.at[j].set((rhs[j] - fsum(L[j, :] * y)) / L[j, j])

        def backward(i: Any, x: Any) -> Any:  # L^T x = y; x[:j + 1] is still 0
            j = n - 1 - i
            return x.at[j].set((y[j] - fsum(L[:, j] * x)) / L[j, j])

        y = jax.lax.fori_loop(0, n, forward, jnp.zeros_like(rhs))
        return jax.lax.fori_loop(0, n, backward, jnp.zeros_like(rhs))

    def one(a: Any, b: Any, C: Any, eps: Any, tol: Any, max_iter: Any) -> tuple[Any, ...]:
        on_x, on_y = a > 0, b > 0
        log_a = jnp.where(on_x, jnp.log(jnp.where(on_x, a, 1.0)), -jnp.inf)
        log_b = jnp.where(on_y, jnp.log(jnp.where(on_y, b, 1.0)), -jnp.inf)
        c_max = jnp.max(jnp.where(on_x[:, None] & on_y[None, :], C, 0.0))
        stage_tol = jnp.maximum(tol, _STAGE_TOL)
        # plan pi_ij = exp(u_i + v_j - C_ij / e) at the current stage's e; u, v = -inf off the supports

        def rows(v: Any, M: Any) -> Any:
            return logsumexp(M + v[None, :], axis=1)

        def cols(u: Any, M: Any) -> Any:
            return logsumexp(M + u[:, None], axis=0)

        def row_error(u: Any, v: Any, M: Any) -> Any:
            return fsum(jnp.abs(jnp.exp(u + rows(v, M)) - a))

        def matvec(A: Any, x: Any) -> Any:
            return fsum(A * x[None, :], 1)

        def schur(P: Any, Q: Any) -> Any:  # P^T Q, one dot per matrix
            return jnp.einsum("ij,ik->jk", P, Q, precision=jax.lax.Precision.HIGHEST)

        def dual_value(phi: Any) -> Any:  # <a, phi> + <b, psi> for a feasible c-transformed pair
            psi = jnp.min(jnp.where(on_x[:, None], C - phi[:, None], jnp.inf), axis=0)
            phi = jnp.min(jnp.where(on_y[None, :], C - psi[None, :], jnp.inf), axis=1)  # only raises it
            return fsum(jnp.where(on_x, a * phi, 0.0)) + fsum(jnp.where(on_y, b * psi, 0.0))

        def cond(state: Any) -> Any:
            k, e, _, _, err = state
            return (k < max_iter) & ~((e <= eps) & (err <= tol))  # NaN keeps iterating, then fails

        def body(state: Any) -> Any:
            k, e, u, v, _ = state
            M = -C / e

            def scaling(_: Any, uv: Any) -> Any:  # one Sinkhorn iteration; columns exact after it
                u = log_a - rows(uv[1], M)
                return u, log_b - cols(u, M)

            count = jnp.minimum(_SCALINGS_PER_ROUND, max_iter - k)
            u, v = jax.lax.fori_loop(0, count, scaling, (u, v))
            # Newton direction for the dual objective (Schur complement on the columns), then
            # the best of a few step lengths by the dual objective itself: ascent, never a loss
            X = u[:, None] + v[None, :] + M
            P = jnp.exp(X)
            r, c = fsum(P, 1), fsum(P, 0)
            err = fsum(jnp.abs(r - a))
            inv_r = jnp.where(r > 0, 1.0 / jnp.where(r > 0, r, 1.0), 0.0)
            Q = P * inv_r[:, None]
            T = jnp.diag(c) - schur(P, Q) + jnp.diag(jnp.where(on_y, _NEWTON_DAMPING, 1.0))
            dv = spd_solve(T, -matvec(Q.T, a - r))
            du = inv_r * (a - r - matvec(P, dv))
            Y = du[:, None] + dv[None, :]
            slope = fsum(a * du) + fsum(b * dv)
            # lengths t_max * 4^-k, t_max capping the largest change of an exponent at
            # _NEWTON_REACH: near-decoupled blocks make Newton overshoot by orders of magnitude
            t_max = jnp.minimum(1.0, _NEWTON_REACH / jnp.max(jnp.abs(Y)))
            steps = t_max * jnp.asarray(_NEWTON_STEPS)
            gains = jnp.stack([steps[i] * slope - fsum(jnp.exp(X + steps[i] * Y))
                               for i in range(len(_NEWTON_STEPS))])
            gains = jnp.where(jnp.isnan(gains), -jnp.inf, gains)
            best = jnp.argmax(gains)
            move = gains[best] > -fsum(P)  # the dual objective D = <a,u> + <b,v> - sum(pi) rises
            step = steps[best]
            u2 = u + step * du
            v2 = log_b - cols(u2, M)
            u = jnp.where(move, u2, u)
            v = jnp.where(move, v2, v)
            err = jnp.where(move, row_error(u, v, M), err)
            # next stage of the e-schedule once this one is solved to stage_tol
            advance = (e > eps) & (err <= stage_tol)
            e_next = jnp.where(advance, jnp.maximum(e * _STAGE_FACTOR, eps), e)
            scale = e / e_next  # keeps the potentials e*u, e*v
            return k + count, e_next, u * scale, v * scale, jnp.where(advance, jnp.inf, err)

        e0 = jnp.maximum(eps, c_max)
        u0 = jnp.where(on_x, 0.0, -jnp.inf)
        v0 = log_b - cols(u0, -C / e0)
        # the initial carry derives from the data so that it varies like it under shard_map
        state = (jnp.zeros_like(e0, dtype=jnp.int64), e0, u0, v0, jnp.full_like(e0, jnp.inf))
        k, e, u, v, err = jax.lax.while_loop(cond, body, state)
        converged = (e <= eps) & (err <= tol)
        M = -C / e
        v = log_b - cols(u, M)  # exact columns (c = b) even after a stage hand-over or max_iter

        # the plan and its marginals
        P = jnp.exp(u[:, None] + v[None, :] + M)
        r, c = fsum(P, 1), fsum(P, 0)
        cost = fsum(C * P)
        delta = fsum(jnp.abs(r - a)) + fsum(jnp.abs(c - b))
        # floating-point allowance for sums of Kx*Ky terms of size <= c_max (float64 roundoff)
        slack = 4.0 * (C.shape[0] * C.shape[1] + C.shape[0] + C.shape[1]) * _UNIT_ROUNDOFF * jnp.maximum(c_max, 1.0)
        # a priori: entropic bias e*min(H(r), H(c)) plus 2 ||C||_inf delta (rounding lemma)
        entropy = jnp.minimum(fsum(entr(r)), fsum(entr(c)))
        bound = e * entropy + 2.0 * c_max * delta + slack
        # a posteriori upper: round P onto U(a, b) (Altschuler, Weed & Rigollet, Alg. 2)
        x = jnp.where(r > a, a / jnp.where(r > a, r, 1.0), 1.0)
        P1 = P * x[:, None]
        c1 = fsum(P1, 0)
        y = jnp.where(c1 > b, b / jnp.where(c1 > b, c1, 1.0), 1.0)
        P2 = P1 * y[None, :]
        err_r = jnp.maximum(a - fsum(P2, 1), 0.0)
        err_c = jnp.maximum(b - fsum(P2, 0), 0.0)
        missing = fsum(err_c)
        fill = jnp.where(missing > 0, 1.0 / jnp.where(missing > 0, missing, 1.0), 0.0)
        upper = fsum(C * P2) + fill * fsum(err_r * matvec(C, err_c)) + slack
        # a posteriori lower: weak duality for potentials made feasible by two c-transforms.
        # Candidates: f = e*u, and the fit of phi_i + psi_j = C_ij weighted by pi with a
        # Tikhonov pull towards f (which fixes the shifts of decoupled blocks): it removes the
        # O(e) slack that f keeps on the support of the plan.
        f = jnp.where(on_x, e * u, 0.0)
        g = jnp.where(on_y, e * v, 0.0)
        lam = _FIT_DAMPING
        inv_r = jnp.where(on_x, 1.0 / (r + lam), 0.0)
        Q = P * inv_r[:, None]
        T = jnp.diag(jnp.where(on_y, c + lam, 1.0)) - schur(P, Q)
        s_r = fsum(P * C, 1) + lam * f
        s_c = fsum(P * C, 0) + lam * g
        psi_fit = spd_solve(T, s_c - matvec(Q.T, s_r))
        phi_fit = inv_r * (s_r - matvec(P, psi_fit))
        lower = jnp.fmax(dual_value(f), dual_value(phi_fit)) - slack  # fmax: a NaN fit loses
        return cost, bound, lower, upper, delta, k, converged

    batched = jax.vmap(one, in_axes=(0, 0, 0, None, None, None))
    if devices is None:
        return jax.jit(batched), None
    spec = jax.sharding.PartitionSpec
    mesh = jax.sharding.Mesh(np.array(devices, dtype=object), ("edges",))
    edge = spec("edges")
    sharded = jax.shard_map(batched, mesh=mesh, in_specs=(edge, edge, edge, spec(), spec(), spec()),
                            out_specs=edge)
    return jax.jit(sharded), jax.sharding.NamedSharding(mesh, edge)


def _batch_size(count: int, n_devices: int) -> int:
    """Padded batch for ``count`` problems: the next size on the grid, a multiple of the devices."""
    size = int(_BATCH_GRID[np.searchsorted(_BATCH_GRID, count)])
    return -(-size // n_devices) * n_devices


def _chunks(members: np.ndarray, kx: int, ky: int, n_devices: int) -> list[tuple[np.ndarray, int, int, int]]:
    """Split ``members`` (problems padded to ``(kx, ky)``) into solver calls ``(members, batch, kx, ky)``.

    At most ``_CHUNK_ENTRIES`` entries a call (one problem at least), every call of the same
    padded batch size (one compilation), so the padding adds at most an eighth.
    """
    most = max(1, _CHUNK_ENTRIES // max(kx * ky, 1))
    most = int(_BATCH_GRID[np.searchsorted(_BATCH_GRID, most, side="right") - 1])
    parts = np.array_split(members, -(-members.size // most))
    batch = _batch_size(parts[0].size, n_devices)
    return [(part, batch, kx, ky) for part in parts]


def _solve_all(calls: list[tuple[np.ndarray, int, int, int]], arrays: Any, count: int, eps: float, max_iter: int,
               tol: float, devices: tuple[Any, ...] | None) -> tuple[np.ndarray, ...]:
    """Run every call ``(members, batch, kx, ky)``; ``arrays(members, kx, ky)`` gives its problems.

    Each call is padded to ``batch`` with trivial problems (unit mass on one point, zero cost:
    solved in one round) and sharded over the mesh, if any. The next call is built on the
    host while the device solves the previous one (JAX dispatches asynchronously).
    Returns the solver's seven outputs for problems ``0..count-1`` (members index them).
    """
    from ..kernels import import_jax

    jax, jnp = import_jax()
    fn, sharding = _solver(devices)
    outs = [np.empty(count) for _ in range(5)] + [np.empty(count, dtype=np.int64), np.empty(count, dtype=bool)]
    scalars = (jnp.float64(eps), jnp.float64(tol), jnp.int64(max_iter))

    def collect(members: np.ndarray, result: Any) -> None:
        for dst, src in zip(outs, result):
            dst[members] = np.asarray(src)[:members.size]

    pending = None
    for members, batch, kx, ky in calls:
        mass_x, mass_y, cost = arrays(members, kx, ky)
        extra = batch - members.size
        if extra:
            unit_x = np.zeros((extra, mass_x.shape[1]))
            unit_y = np.zeros((extra, mass_y.shape[1]))
            unit_x[:, 0] = unit_y[:, 0] = 1.0
            mass_x = np.concatenate([mass_x, unit_x])
            mass_y = np.concatenate([mass_y, unit_y])
            cost = np.concatenate([cost, np.zeros((extra,) + cost.shape[1:])])
        args = [np.asarray(z, dtype=np.float64) for z in (mass_x, mass_y, cost)]
        args = [jnp.asarray(z) if sharding is None else jax.device_put(z, sharding) for z in args]
        result = fn(*args, *scalars)
        if pending is not None:
            collect(*pending)
        pending = (members, result)
    if pending is not None:
        collect(*pending)
    return tuple(outs)


def _check_batch(batch: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if not isinstance(batch, TransportBatch):
        raise InvalidArgumentError(f"batch must be a TransportBatch, got {type(batch).__name__}")
    mx = np.asarray(batch.mass_x, dtype=np.float64)
    my = np.asarray(batch.mass_y, dtype=np.float64)
    C = np.asarray(batch.cost, dtype=np.float64)
    E = len(batch.edges)
    if not (E > 0 and mx.ndim == 2 and my.ndim == 2 and mx.shape[0] == E and my.shape[0] == E
            and C.shape == (E, mx.shape[1], my.shape[1])):
        raise InvalidArgumentError(f"inconsistent batch: {E} edges, mass_x {mx.shape}, mass_y {my.shape}, "
                                   f"cost {C.shape}; expected (E, Kx), (E, Ky), (E, Kx, Ky) with E > 0")
    for name, arr in (("mass_x", mx), ("mass_y", my), ("cost", C)):
        if not np.all(np.isfinite(arr) & (arr >= 0)):
            raise InvalidArgumentError(f"batch.{name} must be finite and >= 0")
    for name, arr in (("mass_x", mx), ("mass_y", my)):
        gap = np.abs(arr.sum(axis=1) - 1.0)
        if not np.all(gap <= 1e-12):  # sums of at most K rounded masses
            bad = int(np.argmax(np.where(np.isnan(gap), np.inf, gap)))
            raise InvalidArgumentError(f"batch.{name}[{bad}] sums to {float(arr[bad].sum())!r}, not 1")
    return mx, my, C


def sinkhorn_transport(
    batch: TransportBatch,
    *,
    epsilon: float = 1e-2,
    max_iter: int = 2000,
    tol: float = 1e-10,
    devices: int | Sequence[Any] | None = None,
) -> TransportSolution:
    r"""Entropic transport for every problem of ``batch`` at once, with rigorous bounds on :math:`W_1`.

    Log-domain Sinkhorn :cite:p:`cuturi2013sinkhorn` on each row, with :math:`M = -C/e` and
    scaled potentials :math:`u, v` (:math:`-\infty` off the supports):

    .. math:: u \leftarrow \log a - \operatorname{LSE}_j(M_{ij} + v_j), \qquad
              v \leftarrow \log b - \operatorname{LSE}_i(M_{ij} + u_i), \qquad
              \pi_{ij} = e^{u_i + v_j + M_{ij}},

    stopping at the first plan of the final stage :math:`e = \varepsilon` with
    :math:`\|\pi\mathbf 1 - a\|_1 \le` ``tol`` (the column marginal is exact after each
    :math:`v` step).

    Parameters
    ----------
    batch
        Padded problems, e.g. from :func:`edge_transport_batch`; masses sum to 1.
    epsilon
        Regularisation :math:`\varepsilon > 0`, in units of cost (length).
    max_iter
        Maximum Sinkhorn iterations per problem, all stages together (>= 1).
    tol
        Tolerance on the row-marginal error in :math:`\ell_1` (> 0).
    devices
        ``None``: the default JAX device. An int ``n`` (the first ``n`` of ``jax.devices()``)
        or a sequence of devices: the problems are sharded over a 1-D ``jax.sharding.Mesh``
        with axis ``"edges"`` (``NamedSharding(mesh, PartitionSpec("edges"))``, run under
        ``jax.shard_map``), padded to a multiple of the device count with trivial problems.
        The results agree to about ``tol`` (the compiled per-device batch differs).

    Returns
    -------
    TransportSolution
        ``converged`` per problem. Nothing raises on non-convergence here: the bounds hold at
        any iterate.

    Raises
    ------
    InvalidArgumentError
        ``epsilon`` <= 0, ``max_iter`` < 1, ``tol`` <= 0, bad ``devices``, or a batch with
        inconsistent shapes, negative or non-finite entries, or masses not summing to 1.

    Notes
    -----
    **Iteration.** Each problem runs a schedule :math:`e = \max(\varepsilon, \|C\|_\infty),
    e/2, e/4, \dots, \varepsilon`, warm-started with the potentials :math:`eu, ev` kept
    (a stage hands over at row error :math:`10^{-6}`). A round is two Sinkhorn iterations
    and one Newton step for the concave dual :math:`D(u, v) = \langle a, u\rangle + \langle
    b, v\rangle - \sum_{ij}\pi_{ij}`: the Hessian system, a Schur complement on the columns
    (damped by :math:`10^{-12}`), is solved by Cholesky, and the step length is the best of
    four by :math:`D` itself, capped so that no exponent moves by more than 16 — so :math:`D`
    never decreases. Plain Sinkhorn stalls for millions of iterations when the plan splits
    into nearly decoupled blocks (ties in integer costs, small :math:`\varepsilon`); the
    Newton step moves the blocks' relative potentials at once. Converged problems are frozen
    (per-problem ``lax.while_loop`` under ``vmap``), so a problem's result does not depend on
    the others in its batch.

    **A priori bound.** The final plan (after a last column scaling, so :math:`c = b`) has
    the Gibbs form, so it is the exact entropic optimum for its own marginals
    :math:`r = \pi\mathbf 1` and :math:`c = \pi^\top\mathbf 1`. Against an optimal plan
    :math:`\pi^\star` for :math:`(r, c)`, with :math:`H(\pi) \le H(r) + H(c)` and
    :math:`H(\pi^\star) \ge \max(H(r), H(c))`:
    :math:`W_1(r,c) \le \langle C,\pi\rangle \le W_1(r,c) + e\min(H(r), H(c))`, at most
    :math:`e\log(k_xk_y)` (:math:`k` the support sizes). Algorithm 2 of
    :cite:t:`altschuler2017near` rounds any plan onto other marginals, moving
    :math:`\le 2\delta` of mass (their Lemma 7), so :math:`|W_1(r,c) - W_1(a,b)| \le
    2\|C\|_\infty\delta` and

    .. math:: |\langle C, \pi\rangle - W_1(a, b)| \le e \min(H(r), H(c))
              + 2\|C\|_\infty\,\delta + \eta,

    with :math:`e = \varepsilon` once converged (else the stage reached) and
    :math:`\eta = 4(K_xK_y + K_x + K_y)\,2^{-53}\max(\|C\|_\infty, 1)` an allowance for
    float64 rounding (padded sizes :math:`K`).

    **A posteriori enclosure.** ``upper`` is the cost of :math:`\pi` rounded onto
    :math:`U(a, b)` by that Algorithm 2 (a feasible plan: :math:`\ge W_1`). ``lower`` is a
    dual value :math:`\langle a,\varphi\rangle + \langle b,\psi\rangle` with
    :math:`\varphi_i + \psi_j \le C_{ij}` (weak duality: :math:`\le W_1`), the better of two
    candidates made feasible by two c-transforms: :math:`\varphi = eu`, and a least-squares
    fit of :math:`\varphi_i + \psi_j = C_{ij}` weighted by :math:`\pi` and pulled towards
    :math:`eu` — complementary slackness on the plan's support, which removes the
    :math:`O(e)` slack of :math:`eu` there. Both carry :math:`\eta`. The enclosure is
    usually far tighter than the a priori bound.

    Examples
    --------
    >>> sol = sinkhorn_transport(edge_transport_batch(nx.complete_graph(4)), epsilon=0.01)
    >>> bool(sol.converged.all()), round(float(sol.cost[0]), 9)  # W1 = 1/3 on K4
    (True, 0.333333333)
    >>> bool(np.all(sol.lower <= 1 / 3) and np.all(1 / 3 <= sol.upper))
    True
    """
    eps, iters, tolerance = _check_solver_options(epsilon, max_iter, tol)
    devs = _check_devices(devices)
    mx, my, C = _check_batch(batch)
    E = mx.shape[0]
    calls = _chunks(np.arange(E), mx.shape[1], my.shape[1], 1 if devs is None else len(devs))
    cost, bound, lower, upper, delta, k, ok = _solve_all(calls, lambda m, kx, ky: (mx[m], my[m], C[m]), E, eps,
                                                         iters, tolerance, devs)
    return TransportSolution(cost, bound, lower, upper, delta, k, ok, eps, tolerance)


# --------------------------------------------------------------------------- curvature


@dataclass(frozen=True, eq=False)
class SinkhornCurvatureResult:
    r"""Entropic Ollivier–Ricci curvature of every edge, with rigorous error bounds.

    Arrays have shape ``(E,)``, in ``G.edges`` order (the order of ``curvature``); read-only.

    Attributes
    ----------
    curvature
        :class:`~iegn.graph.CurvatureResult` of kind ``"ollivier-sinkhorn"``:
        :math:`\kappa_\varepsilon = 1 - \langle C, \pi\rangle / d(x, y)`.
    error_bound
        :math:`|\kappa_\varepsilon - \kappa| \le` ``error_bound``: the a priori bound of
        :func:`sinkhorn_transport` divided by :math:`d(x, y)`.
    lower, upper
        Certified enclosure :math:`\texttt{lower} \le \kappa \le \texttt{upper}` of the exact
        curvature (from a dual feasible point and the rounded plan).
    marginal_error
        :math:`\ell_1` marginal error :math:`\delta` of each final plan.
    n_iter
        Sinkhorn iterations per edge, all stages together.
    converged
        Every edge met ``tol`` at :math:`\varepsilon` within ``max_iter``.
    epsilon, tol
        The parameters asked for.
    devices
        The number of devices the edges were sharded over (1 without a mesh).
    """

    curvature: CurvatureResult
    error_bound: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    marginal_error: np.ndarray
    n_iter: np.ndarray
    converged: bool
    epsilon: float
    tol: float
    devices: int

    def __post_init__(self) -> None:
        readonly(self.error_bound, self.lower, self.upper, self.marginal_error, self.n_iter)


def _buckets(kx: np.ndarray, ky: np.ndarray) -> tuple[np.ndarray, list[tuple[np.ndarray, int, int]]]:
    r"""Orientation (rows = the larger support) and groups of edges sharing one padded shape.

    Each edge starts in the group of its shape rounded up on ``_SIZE_GRID`` (larger support
    by rows, smaller by columns; at most 1.5 x 1.5 padding). Then, while some pair of groups
    can share the smallest shape that holds both for fewer than ``_COMPILE_ENTRIES`` added
    padded entries, the cheapest such pair is merged (each group is one more compilation).
    The padded volume is thus at most :math:`2.25\sum_e k_xk_y` plus a constant per group,
    never :math:`E\max k^2`.
    """
    flip = ky > kx
    big, small = np.maximum(kx, ky), np.minimum(kx, ky)
    rows = _SIZE_GRID[np.searchsorted(_SIZE_GRID, big)]
    cols = _SIZE_GRID[np.searchsorted(_SIZE_GRID, small)]
    shapes, label = np.unique(np.stack([rows, cols], axis=1), axis=0, return_inverse=True)
    label = label.reshape(-1)
    r = shapes[:, 0].astype(np.int64)
    c = shapes[:, 1].astype(np.int64)
    n = np.bincount(label, minlength=r.size).astype(np.int64)
    owner = np.arange(r.size)  # group that each initial shape has been merged into
    alive = np.ones(r.size, dtype=bool)
    while alive.sum() > 1:
        idx = np.flatnonzero(alive)
        R = np.maximum(r[idx][:, None], r[idx][None, :])
        Cc = np.maximum(c[idx][:, None], c[idx][None, :])
        vol = n[idx] * r[idx] * c[idx]
        added = (n[idx][:, None] + n[idx][None, :]) * R * Cc - vol[:, None] - vol[None, :]
        np.fill_diagonal(added, np.iinfo(np.int64).max)
        i, j = np.unravel_index(int(np.argmin(added)), added.shape)
        if not added[i, j] < _COMPILE_ENTRIES:
            break
        keep, drop = idx[i], idx[j]
        r[keep], c[keep], n[keep] = R[i, j], Cc[i, j], n[keep] + n[drop]
        alive[drop] = False
        owner[owner == drop] = keep
    group = owner[label]
    return flip, [(np.flatnonzero(group == g), int(r[g]), int(c[g])) for g in np.flatnonzero(alive)]


def sinkhorn_curvature(
    G: nx.Graph,
    *,
    idleness: float = 0.5,
    weight: str | None = None,
    measure: Literal["inverse-length", "uniform", "grc"] = "inverse-length",
    epsilon: float = 1e-2,
    max_iter: int = 2000,
    tol: float = 1e-10,
    devices: int | Sequence[Any] | None = None,
    on_failure: Literal["raise", "return"] = "raise",
) -> SinkhornCurvatureResult:
    r"""Entropic Ollivier–Ricci curvature of every edge, with a rigorous bound on its error.

    .. math:: \kappa_\varepsilon(x, y) = 1 - \frac{\langle C, \pi_\varepsilon\rangle}{d(x, y)},
              \qquad |\kappa_\varepsilon(x, y) - \kappa(x, y)| \le
              \frac{\varepsilon\min(H(r), H(c)) + 2\|C\|_\infty\,\delta + \eta}{d(x, y)},

    :math:`\kappa` the exact curvature of :func:`~iegn.graph.ollivier_ricci`
    :cite:p:`ollivier2009ricci`, :math:`\pi_\varepsilon` the log-domain Sinkhorn plan
    :cite:p:`cuturi2013sinkhorn` with marginals :math:`r, c` and marginal error
    :math:`\delta`, :math:`\eta` a float64 rounding allowance. The first term is at most
    :math:`\varepsilon\log(k_xk_y)`, :math:`k` the support sizes; the bound and the
    certified enclosure ``lower`` :math:`\le \kappa \le` ``upper`` are derived in
    :func:`sinkhorn_transport`, Notes.

    Parameters
    ----------
    G
        Undirected NetworkX graph without self-loops or multi-edges.
    idleness
        :math:`\alpha \in [0, 1)`, the mass the walk keeps at its node (default 1/2).
    weight
        Edge attribute holding the edge **length** (finite, > 0), or ``None`` (all lengths 1).
    measure
        ``"inverse-length"`` (default), ``"uniform"`` or ``"grc"``: the neighbour weighting of
        :func:`~iegn.graph.ollivier_ricci`. Irrelevant without ``weight``.
    epsilon
        Entropic regularisation :math:`\varepsilon > 0`, in units of length (default 0.01).
    max_iter
        Maximum Sinkhorn iterations per edge, all stages of the schedule together (>= 1).
    tol
        Stopping tolerance on the :math:`\ell_1` row-marginal error (> 0).
    devices
        ``None`` (the default JAX device), a device count, or a sequence of JAX devices: the
        edge axis is sharded over a 1-D mesh ``("edges",)`` with
        ``NamedSharding(mesh, PartitionSpec("edges"))``. The values agree with one device's to
        about ``tol`` (on CPU within 1e-10 at the default ``tol``).
    on_failure
        ``"raise"`` (default): :class:`~iegn.NotConvergedError` carrying the partial
        :class:`SinkhornCurvatureResult`, whose bounds still hold. ``"return"``: return it
        with ``converged=False``.

    Returns
    -------
    SinkhornCurvatureResult
        ``curvature`` (kind ``"ollivier-sinkhorn"``), ``error_bound``, the certified
        enclosure ``lower``/``upper`` of the exact curvature, and convergence information.

    Raises
    ------
    InvalidGraphError
        Directed, multigraph, self-loop, no edges, or bad lengths.
    InvalidArgumentError
        Idleness outside [0, 1), an unknown option, ``epsilon`` <= 0, ``max_iter`` < 1,
        ``tol`` <= 0, or bad ``devices``.
    NotConvergedError
        Some edge did not meet ``tol`` within ``max_iter`` (``on_failure="raise"``).

    Notes
    -----
    Measures and local distances are those of :func:`~iegn.graph.ollivier_ricci` (see
    :func:`edge_transport_batch`). Edges are oriented with the larger support as rows (the
    problem is symmetric) and, when one padded batch would waste more than half its volume
    (hubs), grouped by support size into buckets of padded shape on the grid 1, 2, 3, 4, 6,
    8, 12, ...; each bucket is one compiled solver call. Memory is about
    :math:`8\sum_e K_xK_y` bytes for the costs and a few times that inside the solver.

    The entropic bias :math:`\langle C, \pi_\varepsilon\rangle - W_1 \ge 0` is at most
    :math:`\varepsilon\log(k_xk_y)` and shrinks with :math:`\varepsilon`: exponentially in
    :math:`1/\varepsilon` on unweighted graphs (integer distances leave a gap between the
    optimal vertex and the next), often only linearly with generic lengths.
    ``lower``/``upper`` show the accuracy actually reached.

    Examples
    --------
    >>> r = sinkhorn_curvature(nx.complete_graph(5), epsilon=0.01)
    >>> round(r.curvature[0, 1], 9)  # K_n at alpha = 1/2: n / (2(n - 1))
    0.625
    >>> bool(abs(r.curvature[0, 1] - 0.625) <= r.error_bound[0]), r.converged
    (True, True)
    >>> bool(r.lower[0] <= 0.625 <= r.upper[0])
    True
    """
    check_option("measure", measure, MEASURES)
    check_option("on_failure", on_failure, ("raise", "return"))
    alpha = _check_idleness(idleness)
    eps, iters, tolerance = _check_solver_options(epsilon, max_iter, tol)
    devs = _check_devices(devices)
    sup = _supports(G, alpha, weight, measure)
    E = sup.edge_x.size
    flip, groups = _buckets(sup.size[sup.edge_x], sup.size[sup.edge_y])
    n_dev = 1 if devs is None else len(devs)
    calls = [call for members, kx, ky in groups for call in _chunks(members, kx, ky, n_dev)]
    cost, bound, low, up, delta, n_iter, ok = _solve_all(calls, lambda m, kx, ky: _padded(sup, m, flip[m], kx, ky),
                                                         E, eps, iters, tolerance, devs)
    d = sup.distance
    values = dict(zip(G.edges, (1.0 - cost / d).tolist()))
    curvature = CurvatureResult("ollivier-sinkhorn", values, alpha, weight, measure if weight is not None else None)
    converged = bool(ok.all())
    result = SinkhornCurvatureResult(curvature, bound / d, 1.0 - up / d, 1.0 - low / d, delta, n_iter,
                                     converged, eps, tolerance, 1 if devs is None else len(devs))
    if not converged and on_failure == "raise":
        worst = int(np.argmax(np.where(ok, -np.inf, delta)))
        raise NotConvergedError(
            f"Sinkhorn with epsilon={eps!r} did not reach tol={tolerance!r} within max_iter={iters} on "
            f"{int((~ok).sum())} of {E} edges (worst marginal error {delta[worst]:.3g}, edge "
            f"{list(G.edges)[worst]!r}); the partial result's bounds still hold", result)
    return result
