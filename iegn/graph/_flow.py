r"""Discrete Ricci flow on edge lengths, and community detection by cutting flowed edges.

The flow of :cite:t:`ni2019community` (the one GraphRicciCurvature implements):

.. math:: w_{xy} \leftarrow w_{xy} - \eta\,\kappa_{xy}\,w_{xy}, \qquad
          w \leftarrow w \cdot \frac{|E|}{\sum_e w_e},

with :math:`\kappa` the Ollivier–Ricci curvature (:func:`iegn.graph.ollivier_ricci`) computed
with the current weights as edge lengths. Negatively curved edges (bridges between dense
groups) lengthen, positively curved ones (inside groups) shorten; the normalisation keeps
the total length. A step is admissible when every new weight stays positive, i.e.
:math:`\eta\,\kappa_{xy} < 1` for every edge (always true for :math:`\eta < 1`, since
:math:`\kappa \le 1`).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import networkx as nx
import numpy as np

from .._errors import InvalidArgumentError, NotConvergedError
from .._validation import check_int, check_option, check_real
from ._curvature import MEASURES, CurvatureResult, _lengths, _ollivier_float
from ._laplacian import check_graph

__all__ = ["CommunityResult", "RicciFlowResult", "ricci_communities", "ricci_flow"]

Edge = tuple[Any, Any]


@dataclass(frozen=True)
class RicciFlowResult:
    """Outcome of :func:`ricci_flow`.

    Attributes
    ----------
    weights
        Final edge lengths ``{(u, v): w}`` in ``G.edges`` order (edges removed by surgery are
        absent).
    curvature
        Ollivier–Ricci curvature at the final weights.
    n_iter
        Flow steps taken.
    converged
        Whether the curvature spread :math:`\\max\\kappa - \\min\\kappa` fell below ``tol``.
    spread
        The curvature spread before each step and after the last, shape ``(n_iter + 1,)``.
    removed
        Edges cut by surgery, in the order they were cut.
    """

    weights: Mapping[Edge, float]
    curvature: CurvatureResult
    n_iter: int
    converged: bool
    spread: np.ndarray
    removed: tuple[Edge, ...] = ()


def ricci_flow(
    G: nx.Graph,
    *,
    iterations: int = 20,
    step: float = 1.0,
    idleness: float = 0.5,
    weight: str | None = None,
    measure: Literal["inverse-length", "uniform", "grc"] = "grc",
    tol: float = 1e-4,
    surgery: float | None = None,
    progress: bool = False,
    on_failure: Literal["raise", "return"] = "return",
) -> RicciFlowResult:
    r"""Run the discrete Ricci flow for up to ``iterations`` steps.

    Parameters
    ----------
    G
        Undirected simple graph; it is not modified.
    iterations
        Maximum number of steps (>= 1).
    step
        :math:`\eta > 0`. Every step must keep all weights positive (:math:`\eta\kappa < 1`);
        otherwise :class:`~iegn.InvalidArgumentError` names the edge.
    idleness, measure
        As in :func:`ollivier_ricci` (the weights are the edge lengths). The default weighting
        here is ``"grc"`` (:math:`e^{-w^2}`, bounded as :math:`w \to 0`): with
        ``"inverse-length"`` a short edge draws its endpoints' mass onto itself, its curvature
        tends to 1 and the flow collapses it to length 0 (a positive feedback, measured on the
        karate club graph).
    weight
        Edge attribute with the initial lengths, or ``None`` (all 1).
    tol
        Stop when :math:`\max\kappa - \min\kappa <` ``tol`` (the flow's fixed points have
        constant curvature).
    surgery
        If given, after each step cut every edge longer than ``surgery`` times the mean length
        (and keep flowing on what remains).
    progress
        Print one line per step to stderr.
    on_failure
        ``"return"`` (default: a flow run for a fixed number of steps is normal use) or
        ``"raise"`` (:class:`~iegn.NotConvergedError` carrying the result when ``tol`` was not met).

    Examples
    --------
    >>> r = ricci_flow(nx.barbell_graph(5, 0), iterations=5)
    >>> bridge, inside = r.weights[(4, 5)], r.weights[(0, 1)]
    >>> bool(bridge > 1 > inside)  # the bridge lengthens, edges inside a clique shorten
    True
    """
    check_graph(G, weight=weight)
    check_option("measure", measure, MEASURES)
    check_option("on_failure", on_failure, ("raise", "return"))
    iterations = check_int("iterations", iterations, minimum=1)
    eta = check_real("step", step, lower=0.0, lower_open=True)
    alpha = check_real("idleness", idleness, lower=0.0, upper=1.0, upper_open=True)
    tol = check_real("tol", tol, lower=0.0)
    cut = None if surgery is None else check_real("surgery", surgery, lower=1.0, lower_open=True)
    length = _lengths(G, weight)
    H = nx.Graph()
    H.add_nodes_from(G)
    H.add_edges_from((u, v, {"_len": w}) for (u, v), w in length.items())
    n_edges = H.number_of_edges()
    canon = {**{(v, u): (u, v) for u, v in length}, **{e: e for e in length}}  # G's orientation
    removed: list[Edge] = []
    spreads: list[float] = []
    k = 0
    while True:
        kappa = {canon[e]: val for e, val in _ollivier_float(H, alpha, "_len", measure, length).items()}
        vals = np.fromiter(kappa.values(), dtype=np.float64, count=len(kappa))
        spreads.append(float(vals.max() - vals.min()) if vals.size else 0.0)
        if progress:
            print(f"ricci_flow: step {k}/{iterations}, curvature spread {spreads[-1]:.3g}", file=sys.stderr)
        if spreads[-1] < tol or k == iterations:
            break
        worst = max(kappa, key=lambda e: kappa[e])
        if not eta * kappa[worst] < 1.0:
            raise InvalidArgumentError(f"step={step!r} is too large: edge {worst!r} has curvature {kappa[worst]:.6g}, "
                                       "so its weight would become <= 0 (need step * curvature < 1)")
        new = {e: length[e] * (1.0 - eta * kappa[e]) for e in kappa}
        scale = len(new) / sum(new.values())
        length = {e: w * scale for e, w in new.items()}
        if cut is not None:
            limit = cut * float(np.mean(list(length.values())))
            for e in [e for e, w in length.items() if w > limit]:
                removed.append(e)
                del length[e]
                H.remove_edge(*e)
            if H.number_of_edges() == 0:
                break
        for (u, v), w in length.items():
            H[u][v]["_len"] = w
        k += 1
    kappa_final = CurvatureResult("ollivier", kappa, alpha, "flowed length", measure)
    weights = {e: length[e] for e in G.edges if e in length} or dict(length)
    weights = {e: length[canon[e]] for e in G.edges if canon[e] in length}
    result = RicciFlowResult(weights, kappa_final, k, spreads[-1] < tol, np.array(spreads), tuple(removed))
    if not result.converged and on_failure == "raise":
        raise NotConvergedError(f"ricci_flow: curvature spread {spreads[-1]:.3g} >= tol={tol} after {k} steps "
                                f"({n_edges} edges)", result)
    return result


@dataclass(frozen=True)
class CommunityResult:
    """Outcome of :func:`ricci_communities`.

    Attributes
    ----------
    communities
        Node → community index (0, 1, ...; largest community first).
    cutoff
        The length above which flowed edges were cut.
    modularity
        Modularity of the partition, measured on the original graph.
    flow
        The Ricci flow that produced the lengths.
    candidates
        ``(cutoff, modularity)`` of every cut that was tried.
    """

    communities: Mapping[Any, int]
    cutoff: float
    modularity: float
    flow: RicciFlowResult
    candidates: tuple[tuple[float, float], ...]

    @property
    def n_communities(self) -> int:
        """Number of communities."""
        return len(set(self.communities.values()))


def ricci_communities(
    G: nx.Graph,
    *,
    iterations: int = 20,
    step: float = 1.0,
    idleness: float = 0.5,
    weight: str | None = None,
    measure: Literal["inverse-length", "uniform", "grc"] = "grc",
    n_cutoffs: int = 100,
) -> CommunityResult:
    r"""Communities by Ricci flow, then cutting the edges the flow lengthened.

    After :func:`ricci_flow`, every cutoff :math:`c` on a grid of ``n_cutoffs`` quantiles of the
    flowed lengths is tried: edges longer than :math:`c` are removed and the connected
    components are the communities. The cut with the largest modularity **on the original
    graph** (with its original weights when ``weight`` is given) is returned
    :cite:p:`ni2019community`.

    Examples
    --------
    >>> res = ricci_communities(nx.barbell_graph(6, 0), iterations=10)
    >>> res.n_communities, res.communities[0] != res.communities[11]
    (2, True)
    """
    n_cutoffs = check_int("n_cutoffs", n_cutoffs, minimum=1)
    flow = ricci_flow(G, iterations=iterations, step=step, idleness=idleness, weight=weight, measure=measure)
    lengths = np.array(list(flow.weights.values()))
    edges = list(flow.weights)
    grid = np.unique(np.quantile(lengths, np.linspace(0.0, 1.0, n_cutoffs + 1)))
    best: tuple[float, float, list[set[Any]]] | None = None
    tried = []
    for c in grid:
        H = nx.Graph()
        H.add_nodes_from(G)
        H.add_edges_from(e for e, w in zip(edges, lengths) if w <= c)
        parts = [set(p) for p in nx.connected_components(H)]
        q = float(nx.community.modularity(G, parts, weight=weight))
        tried.append((float(c), q))
        if best is None or q > best[1]:
            best = (float(c), q, parts)
    assert best is not None  # grid is never empty
    parts = sorted(best[2], key=len, reverse=True)
    labels = {node: i for i, p in enumerate(parts) for node in p}
    return CommunityResult(labels, best[0], best[1], flow, tuple(tried))
