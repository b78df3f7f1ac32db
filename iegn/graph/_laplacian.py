"""Graph Laplacians, spectral constants and consensus on NetworkX graphs."""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from typing import Any, Literal

import networkx as nx
import numpy as np
import scipy.sparse as sps

from .._errors import DisconnectedGraphError, InvalidArgumentError, InvalidGraphError
from .._validation import check_option, check_real
from ..kernels import kernel
from ..numeric import ConsensusResult, StabilityConstants, consensus_iterate, stability_constants
from ..numeric._laplacian import SpectrumMethod

__all__ = [
    "check_graph",
    "laplacian_matrix",
    "algebraic_connectivity",
    "laplacian_spectral_radius",
    "stability_bound",
    "critical_step",
    "optimal_step",
    "convergence_factor",
    "consensus",
]


def check_graph(G: Any, *, weight: str | None = None, require_edges: bool = True) -> None:
    """Check that ``G`` is a simple undirected NetworkX graph with valid weights.

    Raises
    ------
    InvalidGraphError
        Not a graph, directed, multigraph, empty, a self-loop, no edges (when
        ``require_edges``), or an edge whose ``weight`` attribute is missing, non-numeric,
        non-finite or not positive. The message names the node or edge.
    """
    if not isinstance(G, nx.Graph):
        raise InvalidGraphError(f"expected a networkx.Graph, got {type(G).__name__}")
    if G.is_directed():
        raise InvalidGraphError("G is directed: the Laplacian stability theory needs an undirected graph")
    if G.is_multigraph():
        raise InvalidGraphError("G is a multigraph: merge parallel edges (sum their weights) first")
    if G.number_of_nodes() == 0:
        raise InvalidGraphError("G has no nodes")
    loop = next(iter(nx.selfloop_edges(G)), None)
    if loop is not None:
        raise InvalidGraphError(f"G has a self-loop at node {loop[0]!r}: it does not change L; remove it")
    if require_edges and G.number_of_edges() == 0:
        raise InvalidGraphError(
            f"G has {G.number_of_nodes()} node(s) and no edges: mu_max = 0 and the step bound 2/mu_max is undefined"
        )
    if weight is not None:
        for u, v, data in G.edges(data=True):
            if weight not in data:
                raise InvalidGraphError(f"edge ({u!r}, {v!r}) has no {weight!r} attribute")
            w = data[weight]
            if isinstance(w, bool) or not isinstance(w, numbers.Real):
                raise InvalidGraphError(f"edge ({u!r}, {v!r}) has non-numeric {weight}={w!r}")
            if not (math.isfinite(float(w)) and float(w) > 0.0):
                raise InvalidGraphError(f"edge ({u!r}, {v!r}) has {weight}={w!r}: weights must be finite and > 0")


def laplacian_matrix(
    G: nx.Graph, *, weight: str | None = None, format: Literal["csr", "dense"] = "csr"
) -> sps.csr_array | np.ndarray:
    r"""The graph Laplacian :math:`L = D - A`, rows and columns in ``list(G)`` order.

    .. math:: L_{ij} = -w_{ij}\ (i \ne j), \qquad L_{ii} = \sum_{j} w_{ij}

    Parameters
    ----------
    G
        Simple undirected graph (checked by :func:`check_graph`).
    weight
        Edge attribute holding the weight, or ``None`` for unit weights.
    format
        ``"csr"`` (SciPy sparse array, default) or ``"dense"``.

    Examples
    --------
    >>> import networkx as nx
    >>> laplacian_matrix(nx.path_graph(3), format="dense")
    array([[ 1., -1.,  0.],
           [-1.,  2., -1.],
           [ 0., -1.,  1.]])
    """
    check_option("format", format, ("csr", "dense"))
    check_graph(G, weight=weight, require_edges=False)
    A = nx.to_scipy_sparse_array(G, nodelist=list(G), weight=weight, dtype=np.float64, format="csr")
    with np.errstate(over="ignore"):  # checked next: an overflowing degree is refused by name
        degree = np.asarray(A.sum(axis=1)).ravel()
        too_big = ~np.isfinite(2.0 * degree)  # mu_max <= 2 max degree must be a float64 too
    if too_big.any():
        node = list(G)[int(np.flatnonzero(too_big)[0])]
        raise InvalidGraphError(
            f"node {node!r} has weighted degree {float(degree[too_big][0])!r}: the Laplacian's largest "
            f"eigenvalue (up to twice the largest degree) would overflow float64; rescale the {weight!r} "
            "weights (the spectrum scales with them)")
    L = sps.csr_array(sps.diags_array(degree) - A)
    return L.toarray() if format == "dense" else L


def stability_bound(G: nx.Graph, *, weight: str | None = None, method: SpectrumMethod = "auto") -> StabilityConstants:
    r"""Spectral stability constants of consensus on ``G``.

    For :math:`x(k+1) = (I-\alpha L)x(k)` on a connected graph, every start reaches the
    average iff :math:`0 < \alpha < 2/\mu_{\max}`; the best constant step is
    :math:`2/(\mu_2+\mu_{\max})` with factor :math:`(\mu_{\max}-\mu_2)/(\mu_{\max}+\mu_2)`
    :cite:p:`xiao2004fast`.

    Parameters
    ----------
    G
        Simple undirected graph with at least one edge.
    weight
        Edge weight attribute, or ``None`` for unit weights.
    method
        Eigen-solver: ``"auto"``, ``"exact"`` (SymPy, small graphs), ``"dense"`` or
        ``"sparse"`` (see :func:`iegn.numeric.laplacian_extreme_eigenvalues`).

    Returns
    -------
    StabilityConstants
        For a disconnected graph ``connected`` is False, ``mu_2 == 0``,
        ``optimal_step is None`` and ``convergence_factor == 1``.

    Examples
    --------
    >>> import networkx as nx
    >>> b = stability_bound(nx.complete_graph(4))  # spectrum 0, 4, 4, 4
    >>> [round(v, 12) for v in (b.mu_2, b.mu_max, b.critical_step, b.optimal_step)]
    [4.0, 4.0, 0.5, 0.25]
    """
    check_graph(G, weight=weight)
    if G.number_of_nodes() < 2:  # pragma: no cover - a graph with an edge and no self-loop has 2 nodes
        raise InvalidGraphError("G needs at least two nodes")
    return stability_constants(laplacian_matrix(G, weight=weight), method=method)


def algebraic_connectivity(G: nx.Graph, *, weight: str | None = None, method: SpectrumMethod = "auto") -> float:
    r"""The algebraic connectivity :math:`\mu_2` (second-smallest Laplacian eigenvalue).

    Zero exactly when ``G`` is disconnected :cite:p:`fiedler1973algebraic`.

    Examples
    --------
    >>> import networkx as nx
    >>> round(algebraic_connectivity(nx.cycle_graph(4)), 12)
    2.0
    """
    return stability_bound(G, weight=weight, method=method).mu_2


def laplacian_spectral_radius(G: nx.Graph, *, weight: str | None = None, method: SpectrumMethod = "auto") -> float:
    r"""The largest Laplacian eigenvalue :math:`\mu_{\max}`.

    Examples
    --------
    >>> import networkx as nx
    >>> round(laplacian_spectral_radius(nx.star_graph(4)), 12)  # K_{1,4}: n = 5
    5.0
    """
    return stability_bound(G, weight=weight, method=method).mu_max


def critical_step(G: nx.Graph, *, weight: str | None = None, method: SpectrumMethod = "auto") -> float:
    r"""The critical step :math:`2/\mu_{\max}`: consensus converges for every start iff
    :math:`0 < \alpha <` this value (connected ``G``); at it, the top mode oscillates.

    Examples
    --------
    >>> import networkx as nx
    >>> round(critical_step(nx.complete_graph(5)), 12)
    0.4
    """
    return stability_bound(G, weight=weight, method=method).critical_step


def optimal_step(G: nx.Graph, *, weight: str | None = None, method: SpectrumMethod = "auto") -> float:
    r"""The constant step :math:`2/(\mu_2+\mu_{\max})` that minimises the convergence factor.

    Raises
    ------
    DisconnectedGraphError
        When ``G`` is disconnected: every step has factor 1, so no optimum exists.

    Examples
    --------
    >>> import networkx as nx
    >>> round(optimal_step(nx.path_graph(3)), 12)  # spectrum 0, 1, 3
    0.5
    """
    b = stability_bound(G, weight=weight, method=method)
    if b.optimal_step is None:
        raise DisconnectedGraphError(
            f"G has {nx.number_connected_components(G)} connected components: consensus is unreachable for every step, "
            "so there is no optimal step"
        )
    return b.optimal_step


def convergence_factor(
    G: nx.Graph, *, step: float | None = None, weight: str | None = None, method: SpectrumMethod = "auto"
) -> float:
    r"""Worst-case per-step contraction :math:`\max(|1-\alpha\mu_2|, |1-\alpha\mu_{\max}|)`.

    Parameters
    ----------
    step
        The step :math:`\alpha`; ``None`` (default) means the optimal step.

    Returns
    -------
    float
        Below 1 iff the iteration converges from every start. ``1.0`` for a disconnected
        graph (the mode separating components never decays).

    Examples
    --------
    >>> import networkx as nx
    >>> round(convergence_factor(nx.path_graph(3)), 12)
    0.5
    >>> round(convergence_factor(nx.path_graph(3), step=2 / 3), 12)  # the critical step
    1.0
    """
    b = stability_bound(G, weight=weight, method=method)
    if step is None:
        return b.convergence_factor
    alpha = check_real("step", step)
    return float(kernel("convergence_factor")(alpha, b.mu_2, b.mu_max))


def consensus(
    G: nx.Graph,
    x0: Mapping[Any, float] | Any,
    *,
    step: float | None = None,
    weight: str | None = None,
    max_iter: int = 100_000,
    tol: float = 1e-10,
    backend: Literal["numpy", "jax"] = "numpy",
    on_failure: Literal["raise", "return"] = "raise",
) -> ConsensusResult:
    r"""Average consensus :math:`x(k+1) = (I - \alpha L)x(k)` on the nodes of ``G``.

    Parameters
    ----------
    G
        Simple undirected graph.
    x0
        Initial values: a mapping node → value, or an array in ``list(G)`` order.
    step
        The step :math:`\alpha`; ``None`` uses :func:`optimal_step` (which needs a connected
        graph).
    weight, max_iter, tol, backend, on_failure
        As in :func:`iegn.numeric.consensus_iterate`.

    Returns
    -------
    ConsensusResult
        ``state`` is in ``list(G)`` order.

    Examples
    --------
    >>> import networkx as nx
    >>> r = consensus(nx.path_graph(3), {0: 3.0, 1: 0.0, 2: 0.0})
    >>> r.converged, r.state.round(8).tolist()
    (True, [1.0, 1.0, 1.0])
    """
    check_graph(G, weight=weight)
    if isinstance(x0, Mapping):
        missing = [v for v in G if v not in x0]
        if missing:
            raise InvalidArgumentError(f"x0 has no value for node {missing[0]!r}")
        extra = [v for v in x0 if v not in G]
        if extra:
            raise InvalidArgumentError(f"x0 has a value for node {extra[0]!r}, which is not in G")
        x0 = [x0[v] for v in G]
    if step is None:
        step = optimal_step(G, weight=weight)
    return consensus_iterate(
        laplacian_matrix(G, weight=weight), x0, step=step, max_iter=max_iter, tol=tol,
        backend=backend, on_failure=on_failure,
    )
