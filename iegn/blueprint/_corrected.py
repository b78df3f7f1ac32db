r"""A corrected counterpart of the blueprint's GDTO (§3.2), built on the real layers.

The blueprint's §3.2 code (:mod:`iegn.blueprint`, as specified) never moves a weight. This
module does what §1.3 and §4.2 describe, with the defects removed:

* the curvature is the true Ollivier–Ricci curvature :math:`\kappa_e` of the current edge
  lengths (:func:`iegn.graph.ollivier_ricci`), not a load-difference proxy;
* the lengths :math:`w_e` follow the discrete Ricci flow of :cite:t:`ni2019community`,
  :math:`\dot w_e = -\kappa_e w_e` (the blueprint's :math:`\partial_t g_{ij} = -2R_{ij}` with
  :math:`R_{ij} = \kappa_{ij} g_{ij}`; the factor 2 only rescales time);
* the cosmological term of §4.2, :math:`\Lambda \sum_e 1/w_e`, enters as the force
  :math:`-\partial_{w_e}(\Lambda/w_e) = \Lambda / w_e^2`, so the velocity is

  .. math:: v_e(w) = -\kappa_e(w)\,w_e + \frac{\Lambda}{w_e^2};

* the step is the fraction-to-the-boundary rule of interior-point methods
  :cite:p:`nocedal2006numerical` (Ch. 19), which provably keeps every weight positive;
* optionally (the default), the total length is renormalised after each step, as in
  :func:`iegn.graph.ricci_flow`.

**The step rule and its proof.** Given weights :math:`w > 0`, a velocity :math:`v`, a
maximal step :math:`\eta > 0` and a fraction :math:`\theta \in (0, 1)`, take

.. math:: \tau = \min\Bigl(\eta,\ \theta \min_{e:\,v_e < 0} \frac{w_e}{-v_e}\Bigr),
          \qquad w_e' = w_e + \tau v_e

(:math:`\tau = \eta` when no :math:`v_e` is negative). Then :math:`w_e' \ge (1 - \theta) w_e > 0`
for every edge: if :math:`v_e \ge 0`, :math:`w_e' \ge w_e`; if :math:`v_e < 0`,
:math:`\tau \le \theta w_e/(-v_e)` gives :math:`\tau v_e \ge -\theta w_e`. Renormalising
multiplies by :math:`s = \sum_e w_e(0) / \sum_e w_e' > 0`, so positivity is kept. The default
:math:`\theta = 1/2` gives :math:`w' \ge w/2`. In floating point the products carry a relative
error of a few units of round-off, far below :math:`1 - \theta`; the code still checks the
result and would raise rather than return a non-positive weight.

**The barrier's part: a uniform lower bound.** The step rule alone keeps each iterate positive
but allows :math:`w_k \to 0`. With :math:`\Lambda > 0` and no renormalisation, the weights
are bounded away from zero for all time: since :math:`\kappa_e \le 1`, :math:`v_e < 0` forces
:math:`w_e^3 > \Lambda/\kappa_e \ge \Lambda`, so an edge only shrinks when
:math:`w_e > \Lambda^{1/3}`, and then to at least :math:`(1 - \theta) w_e`. By induction

.. math:: \min_e w_e(k) \ \ge\ \min\bigl(\min_e w_e(0),\ (1-\theta)\,\Lambda^{1/3}\bigr)
          \quad\text{for all } k.

A fixed step :math:`\eta` with the same velocity has no such guarantee (claim B16 in the
ledger: on :math:`K_2`, :math:`\kappa = 1`, :math:`w_0 = 1`, :math:`\Lambda = 1/2`,
:math:`\eta = 2` gives :math:`w_1 = 0`).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import networkx as nx
import numpy as np

from .._errors import InvalidArgumentError, NotConvergedError
from .._validation import as_float_vector, check_int, check_option, check_real
from ..graph import MEASURES, CurvatureResult, check_graph, ollivier_ricci
from .._arrays import readonly
from ._gdto import GDTORun, run_as_specified

__all__ = ["CorrectedFlowResult", "SideBySide", "corrected_flow", "fraction_to_boundary", "side_by_side"]

Edge = tuple[Any, Any]


def fraction_to_boundary(weights: Any, velocity: Any, *, step: float, fraction: float = 0.5) -> float:
    r"""The largest step :math:`\tau \le \eta` that keeps :math:`w + \tau v \ge (1 - \theta) w`.

    .. math:: \tau = \min\Bigl(\eta,\ \theta \min_{e:\,v_e < 0} \frac{w_e}{-v_e}\Bigr)

    Parameters
    ----------
    weights
        Current weights :math:`w`, all finite and > 0, shape ``(m,)``.
    velocity
        Direction :math:`v`, finite, shape ``(m,)``.
    step
        Maximal step :math:`\eta > 0`.
    fraction
        :math:`\theta \in (0, 1)`: the largest fraction of any weight one step may remove.

    Returns
    -------
    float
        :math:`\tau \in (0, \eta]`; every :math:`w_e + \tau v_e \ge (1-\theta) w_e > 0`.

    Examples
    --------
    >>> fraction_to_boundary([1.0, 2.0], [-4.0, 1.0], step=1.0)  # 1/2 * 1/4
    0.125
    >>> fraction_to_boundary([1.0], [3.0], step=0.3)  # nothing shrinks: the full step
    0.3
    """
    w = as_float_vector("weights", weights)
    v = as_float_vector("velocity", velocity, size=w.shape[0])
    eta = check_real("step", step, lower=0.0, lower_open=True)
    theta = check_real("fraction", fraction, lower=0.0, upper=1.0, lower_open=True, upper_open=True)
    bad = np.flatnonzero(~(w > 0))
    if bad.size:
        raise InvalidArgumentError(f"weights[{bad[0]}]={float(w[bad[0]])!r} must be > 0")
    return _fraction_to_boundary(w, v, eta, theta)


def _fraction_to_boundary(w: np.ndarray, v: np.ndarray, eta: float, theta: float) -> float:
    shrinking = v < 0
    if not shrinking.any():
        return eta
    # a tiny (e.g. subnormal) -v_e overflows w_e / -v_e to inf: correctly, that edge does not limit the step
    with np.errstate(over="ignore"):
        room = w[shrinking] / -v[shrinking]
    return float(min(eta, theta * float(np.min(room))))


@dataclass(frozen=True)
class CorrectedFlowResult:
    """Outcome of :func:`corrected_flow`.

    Attributes
    ----------
    weights
        Final edge lengths ``{(u, v): w}`` in ``G.edges`` order.
    curvature
        Ollivier–Ricci curvature at the final lengths.
    n_iter
        Steps taken.
    converged
        Whether the largest relative change of a length in the last step fell below ``tol``.
    history
        Lengths before the first step and after every step, shape ``(n_iter + 1, m)``, columns
        in :attr:`edges` order.
    steps
        The step :math:`\\tau_k \\le \\eta` actually taken at each step, shape ``(n_iter,)``.
    edges
        The edges, in ``G.edges`` order (the columns of :attr:`history`).
    """

    weights: Mapping[Edge, float]
    curvature: CurvatureResult
    n_iter: int
    converged: bool
    history: np.ndarray
    steps: np.ndarray
    edges: tuple[Edge, ...]


def corrected_flow(
    G: nx.Graph,
    *,
    cosmological_constant: float = 0.01,
    step: float = 0.5,
    iterations: int = 100,
    tol: float = 1e-6,
    fraction: float = 0.5,
    normalize: bool = True,
    idleness: float = 0.5,
    weight: str | None = None,
    measure: Literal["inverse-length", "uniform", "grc"] = "grc",
    progress: bool = False,
    on_failure: Literal["raise", "return"] = "return",
) -> CorrectedFlowResult:
    r"""Ricci flow of the edge lengths with the §4.2 barrier and a positivity-preserving step.

    Each step computes the Ollivier–Ricci curvature :math:`\kappa(w)` of the current lengths,
    the velocity :math:`v_e = -\kappa_e w_e + \Lambda / w_e^2`, the step :math:`\tau` of
    :func:`fraction_to_boundary`, and

    .. math:: w \leftarrow w + \tau v, \qquad
              w \leftarrow w\,\frac{\sum_e w_e(0)}{\sum_e w_e} \ \text{(if normalize)}.

    Every length stays positive (proof in the module notes: :math:`w' \ge (1-\theta) w` before
    the positive rescaling); without ``normalize`` and with :math:`\Lambda > 0` every length
    also stays :math:`\ge \min(\min_e w_e(0), (1-\theta)\Lambda^{1/3})`.

    Parameters
    ----------
    G
        Undirected simple graph with at least one edge; it is not modified.
    cosmological_constant
        :math:`\Lambda \ge 0`, the weight of the barrier :math:`\Lambda\sum_e 1/w_e` (§4.2).
    step
        Maximal step :math:`\eta > 0` (any size: the rule shortens it when needed).
    iterations
        Maximum number of steps (>= 1).
    tol
        Stop when :math:`\max_e |w_e' - w_e| / w_e <` ``tol`` (``0`` runs all iterations).
    fraction
        :math:`\theta \in (0, 1)` of :func:`fraction_to_boundary`.
    normalize
        Keep the total length :math:`\sum_e w_e` fixed, as :func:`iegn.graph.ricci_flow` does.
    idleness, measure
        As in :func:`iegn.graph.ollivier_ricci`; the default measure ``"grc"`` is the one
        :func:`iegn.graph.ricci_flow` uses, for the reason given there.
    weight
        Edge attribute with the initial lengths (finite, > 0), or ``None`` (all 1).
    progress
        Print one line per step to stderr.
    on_failure
        ``"return"`` (default) or ``"raise"`` (:class:`~iegn.NotConvergedError` carrying the
        result when ``tol`` was not met).

    Returns
    -------
    CorrectedFlowResult

    Raises
    ------
    InvalidGraphError
        Not a simple undirected graph with an edge, or bad lengths.
    InvalidArgumentError
        A parameter outside its domain.
    NotConvergedError
        With ``on_failure="raise"``, when ``tol`` was not met.

    Examples
    --------
    On a barbell the bridge lengthens and the clique edges shorten; no length reaches 0:

    >>> r = corrected_flow(nx.barbell_graph(4, 0), iterations=10, tol=0.0)
    >>> bool(r.weights[(3, 4)] > 1 > r.weights[(0, 1)] > 0)
    True
    """
    check_graph(G, weight=weight)
    check_option("measure", measure, MEASURES)
    check_option("on_failure", on_failure, ("raise", "return"))
    lam = check_real("cosmological_constant", cosmological_constant, lower=0.0)
    eta = check_real("step", step, lower=0.0, lower_open=True)
    iterations = check_int("iterations", iterations, minimum=1)
    tol = check_real("tol", tol, lower=0.0)
    theta = check_real("fraction", fraction, lower=0.0, upper=1.0, lower_open=True, upper_open=True)
    alpha = check_real("idleness", idleness, lower=0.0, upper=1.0, upper_open=True)
    if not isinstance(normalize, bool):
        raise InvalidArgumentError(f"normalize={normalize!r} must be True or False")
    edges = tuple(G.edges)
    w = np.array([1.0 if weight is None else float(G.edges[e][weight]) for e in edges])
    total = float(w.sum())
    H = nx.Graph()
    H.add_nodes_from(G)
    H.add_edges_from(edges)

    def curvature(lengths: np.ndarray) -> CurvatureResult:
        for (u, v), length in zip(edges, lengths):
            H[u][v]["_len"] = float(length)
        return ollivier_ricci(H, idleness=alpha, weight="_len", measure=measure)

    history, taus = [w.copy()], []
    kappa = curvature(w)
    change = np.inf
    k = 0
    while k < iterations and not change < tol:
        kv = np.array([kappa[e] for e in edges])
        velocity = -kv * w + lam / w**2
        tau = _fraction_to_boundary(w, velocity, eta, theta)
        new = w + tau * velocity
        if normalize:
            new = new * (total / float(new.sum()))
        if not np.all(new > 0):  # pragma: no cover - excluded by the proof in the module notes
            raise RuntimeError(f"corrected_flow: a length became {float(new.min())!r} <= 0; please report")
        change = float(np.max(np.abs(new - w) / w))
        w = new
        k += 1
        history.append(w.copy())
        taus.append(tau)
        kappa = curvature(w)
        if progress:
            print(f"corrected_flow: step {k}/{iterations}, tau {tau:.3g}, relative change {change:.3g}",
                  file=sys.stderr)
    result = CorrectedFlowResult(dict(zip(edges, w.tolist())), kappa, k, change < tol,
                                 *readonly(np.array(history), np.array(taus, dtype=np.float64)), edges)
    if not result.converged and on_failure == "raise":
        raise NotConvergedError(f"corrected_flow: relative change {change:.3g} >= tol={tol} after {k} steps",
                                result)
    return result


@dataclass(frozen=True)
class SideBySide:
    """The blueprint's GDTO and the corrected flow, run on the same graph and loads.

    Attributes
    ----------
    edges
        The edges of ``G``, in ``G.edges`` order (the columns of both histories).
    as_specified
        The blueprint's ``adj_matrix`` entry of each edge, before and after every step,
        shape ``(iterations + 1, m)``.
    corrected
        The corrected lengths, shape ``(iterations + 1, m)``.
    as_specified_run
        The full record of the blueprint's run (all pairs, the proxy, the returned L).
    corrected_run
        The full record of the corrected run.
    """

    edges: tuple[Edge, ...]
    as_specified: np.ndarray
    corrected: np.ndarray
    as_specified_run: GDTORun
    corrected_run: CorrectedFlowResult


def side_by_side(
    G: nx.Graph,
    loads: Sequence[float] | Mapping[Any, float],
    *,
    iterations: int = 20,
    learning_rate: float = 0.01,
    seed: int = 0,
    start: Literal["blueprint", "graph"] = "blueprint",
    cosmological_constant: float = 0.01,
    step: float = 0.5,
    weight: str | None = None,
    normalize: bool = True,
    idleness: float = 0.5,
    measure: Literal["inverse-length", "uniform", "grc"] = "grc",
) -> SideBySide:
    r"""Run :func:`run_as_specified` and :func:`corrected_flow` for ``iterations`` steps each.

    The blueprint's optimizer gets one node per node of ``G`` (in ``list(G)`` order) with the
    given loads and embeddings from ``seed``; it ignores the graph, as specified. The
    corrected flow runs on ``G``'s lengths; loads do not enter it (curvature is a property of
    the geometry, and the loads enter the blueprint's Lagrangian only through
    :math:`T = \sum_i \ell_i^2`, which does not depend on the weights).

    Parameters
    ----------
    G
        Undirected simple graph with at least one edge.
    loads
        One load per node: a sequence in ``list(G)`` order or a mapping node → load.
    iterations
        Steps of each algorithm (>= 1); the corrected flow runs all of them (``tol=0``).
    learning_rate, seed
        The blueprint's ``alpha`` and the seed of its embeddings.
    start
        ``"blueprint"``: the blueprint's zero adjacency; ``"graph"``: ``G``'s lengths (1 without
        ``weight``) on its edges and 0 elsewhere, to show what the update does to positive
        weights.
    cosmological_constant, step, weight, normalize, idleness, measure
        As in :func:`corrected_flow`.

    Examples
    --------
    >>> out = side_by_side(nx.path_graph(3), [0.0, 1.0, 3.0], iterations=5)
    >>> float(out.as_specified.max()), bool((out.corrected > 0).all())
    (0.0, True)
    """
    check_graph(G, weight=weight)
    check_option("start", start, ("blueprint", "graph"))
    iterations = check_int("iterations", iterations, minimum=1)
    nodes = list(G)
    if isinstance(loads, Mapping):
        missing = [v for v in nodes if v not in loads]
        if missing:
            raise InvalidArgumentError(f"loads has no value for node {missing[0]!r}")
        values = [loads[v] for v in nodes]
    else:
        values = list(loads)
    load_vec = as_float_vector("loads", values, size=len(nodes))
    index = {v: i for i, v in enumerate(nodes)}
    edges = tuple(G.edges)
    initial = None
    if start == "graph":
        initial = np.zeros((len(nodes), len(nodes)))
        for u, v in edges:
            initial[index[u], index[v]] = initial[index[v], index[u]] = (
                1.0 if weight is None else float(G.edges[u, v][weight]))
    spec = run_as_specified(load_vec, iterations=iterations, learning_rate=learning_rate, seed=seed,
                            initial=initial)
    rows = np.array([index[u] for u, _ in edges], dtype=np.intp)
    cols = np.array([index[v] for _, v in edges], dtype=np.intp)
    corr = corrected_flow(G, cosmological_constant=cosmological_constant, step=step, iterations=iterations,
                          tol=0.0, normalize=normalize, idleness=idleness, weight=weight, measure=measure)
    return SideBySide(edges, *readonly(spec.adjacency[:, rows, cols]), corr.history, spec, corr)
