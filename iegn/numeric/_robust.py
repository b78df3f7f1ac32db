r"""Consensus under faults and without global knowledge: stubborn nodes and local step rules.

Two questions the blueprint's §2.1 and §4.1 raise about the consensus iteration
:math:`x(k+1) = (I - \alpha L)\,x(k)`:

* **What does one faulty node do?** A *stubborn* node keeps broadcasting a fixed value instead
  of updating (a stuck sensor, a crashed process whose last value is cached, or the simplest
  Byzantine behaviour). :func:`stubborn_consensus` runs the iteration with such nodes and
  returns the exact limit, the harmonic extension of the stubborn values: with one stubborn
  node every honest node converges to *its* value, whatever the honest inputs.
* **Can the step be chosen locally?** The stability bound :math:`\alpha < 2/\mu_{\max}` needs a
  global spectral quantity. :func:`metropolis_hastings_laplacian` gives edge weights that each
  node computes from its own and its neighbours' degrees and that make step 1 converge to the
  average on every connected graph.

Conventions: a Laplacian is symmetric with non-positive off-diagonal entries and zero row
sums (checked by :func:`~iegn.numeric.as_laplacian`); node ``i`` is row ``i``; the degree
:math:`d_i` counted by :func:`metropolis_hastings_laplacian` is the number of neighbours
(non-zero off-diagonal entries of row ``i``), not the weighted degree.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import scipy.sparse as sps
from scipy.sparse import csgraph
from scipy.sparse import linalg as spla

from .._errors import InvalidArgumentError, NotConvergedError
from .._validation import as_float_vector, check_int, check_option, check_real
from ._consensus import DIVERGENCE_FACTOR, ROUNDING_FLOOR, _iteration_matrix
from ._laplacian import as_laplacian

__all__ = ["StubbornConsensusResult", "stubborn_consensus", "metropolis_hastings_laplacian"]


@dataclass(frozen=True)
class StubbornConsensusResult:
    r"""Outcome of :func:`stubborn_consensus`.

    Attributes
    ----------
    state
        The last iterate :math:`x(k)` (float64; stubborn entries equal their held values).
    limit
        The fixed point :math:`x^*`: stubborn entries are their values, honest entries the
        harmonic extension :math:`x^*_H = -L_{HH}^{-1} L_{HS}\, x_S`.
    n_iter
        Number of steps taken.
    converged
        Whether :math:`\|x(k) - x^*\|_2` met the tolerance.
    error
        :math:`\|x(k) - x^*\|_2` for :math:`k = 0, \dots, n_{iter}`.
    step
        The step :math:`\alpha` used.
    stubborn
        The stubborn node indices, sorted.
    """

    state: np.ndarray
    limit: np.ndarray
    n_iter: int
    converged: bool
    error: np.ndarray
    step: float
    stubborn: tuple[int, ...]


def _stubborn_indices(stubborn: Any, n: int) -> tuple[int, ...]:
    if isinstance(stubborn, (str, bytes)) or not isinstance(stubborn, Sequence):
        raise InvalidArgumentError(f"stubborn={stubborn!r} must be a sequence of node indices")
    idx = tuple(check_int("stubborn node", s, minimum=0) for s in stubborn)
    if not idx:
        raise InvalidArgumentError("stubborn=() is empty: without stubborn nodes use consensus_iterate")
    bad = [s for s in idx if not s < n]
    if bad:
        raise InvalidArgumentError(f"stubborn node {bad[0]} is out of range for {n} nodes")
    if len(set(idx)) != len(idx):
        raise InvalidArgumentError(f"stubborn={list(stubborn)!r} repeats a node")
    return tuple(sorted(idx))


def _harmonic_limit(mat: np.ndarray | sps.csr_array, x: np.ndarray, stubborn: tuple[int, ...]) -> np.ndarray:
    """Fixed point with the stubborn entries of ``x`` held: solve ``L_HH x_H = -L_HS x_S``."""
    n = mat.shape[0]
    S = np.array(stubborn)
    H = np.setdiff1d(np.arange(n), S)
    limit = x.copy()
    if H.size == 0:
        return limit
    _, labels = csgraph.connected_components(sps.csr_array(mat), directed=False)
    unanchored = sorted(set(labels[H].tolist()) - set(labels[S].tolist()))
    if unanchored:
        node = int(H[labels[H] == unanchored[0]][0])
        raise InvalidArgumentError(
            f"the component of node {node} has no stubborn node: its limit is its own average, not fixed "
            "by the stubborn values (run consensus_iterate on it)"
        )
    if sps.issparse(mat):
        LHH = sps.csc_array(mat[H][:, H])
        rhs = -(mat[H][:, S] @ x[S])
        limit[H] = spla.spsolve(LHH, rhs)
    else:
        limit[H] = np.linalg.solve(mat[np.ix_(H, H)], -(mat[np.ix_(H, S)] @ x[S]))
    return limit


def stubborn_consensus(
    laplacian: Any,
    x0: Any,
    *,
    step: float,
    stubborn: Sequence[int],
    max_iter: int = 100_000,
    tol: float = 1e-10,
    atol: float | None = None,
    on_failure: Literal["raise", "return"] = "raise",
) -> StubbornConsensusResult:
    r"""Consensus :math:`x(k+1) = (I - \alpha L)x(k)` in which some nodes never update.

    .. math:: x_i(k+1) = \begin{cases} x_i(k) - \alpha \sum_j L_{ij}\, x_j(k), & i \notin S
              \ \text{(honest)},\\ x_i(0), & i \in S\ \text{(stubborn)}.\end{cases}

    The honest block is the affine map :math:`x_H \mapsto (I - \alpha L_{HH})x_H - \alpha L_{HS}
    x_S`; when every component of the graph contains a stubborn node, :math:`L_{HH}` (the
    *grounded* Laplacian) is positive definite and the unique fixed point is the harmonic
    extension :math:`x^*_H = -L_{HH}^{-1}L_{HS}x_S`, which does not depend on the honest
    inputs :math:`x_H(0)` at all. With a single stubborn node :math:`s` it is
    :math:`x^* = x_s(0)\,\mathbf 1`: the whole network adopts the stubborn value.

    Parameters
    ----------
    laplacian
        Graph Laplacian (dense or SciPy sparse), shape ``(n, n)``.
    x0
        Initial state, shape ``(n,)``; the entries at ``stubborn`` are the held values.
    step
        The step :math:`\alpha` (any real value; the honest block converges for every start iff
        :math:`0 < \alpha < 2/\lambda_{\max}(L_{HH})`, and :math:`\lambda_{\max}(L_{HH}) \le
        \mu_{\max}(L)`, so the usual bound :math:`2/\mu_{\max}` suffices).
    stubborn
        Indices of the stubborn nodes (non-empty, distinct).
    max_iter
        Maximum number of steps (>= 0).
    tol
        Relative error :math:`\|x(k)-x^*\|_2 / \|x(0)-x^*\|_2` at which to stop, in ``(0, 1)``.
    atol
        Absolute error at which to stop (>= 0); default the float64 rounding floor
        :math:`64\,\varepsilon\sqrt n\,\|x(0)\|_\infty` (as in
        :func:`~iegn.numeric.consensus_iterate`).
    on_failure
        ``"raise"``: raise :class:`~iegn.NotConvergedError` carrying the partial result;
        ``"return"``: return it with ``converged=False``.

    Returns
    -------
    StubbornConsensusResult

    Raises
    ------
    InvalidArgumentError
        Bad Laplacian, state or parameter; a stubborn index out of range or repeated; a
        component of the graph without a stubborn node (its limit is not fixed by them).
    NotConvergedError
        ``max_iter`` reached, or the error grew by ``DIVERGENCE_FACTOR``.

    Notes
    -----
    Stubborn agents and their harmonic limit: :cite:p:`acemoglu2013opinion`. Cost per
    step: one mat-vec, :math:`O(n + |E|)`; the limit costs one linear solve. The limit obeys
    the maximum principle: every honest value lies between the smallest and the largest
    stubborn value, so two stubborn nodes holding different values prevent consensus forever.

    Examples
    --------
    One stubborn node on the path 0 - 1 - 2 decides for everyone:

    >>> L = [[1.0, -1.0, 0.0], [-1.0, 2.0, -1.0], [0.0, -1.0, 1.0]]
    >>> r = stubborn_consensus(L, [0.0, 0.0, 1.0], step=0.5, stubborn=[2])
    >>> r.converged, r.limit.tolist(), r.state.round(6).tolist()
    (True, [1.0, 1.0, 1.0], [1.0, 1.0, 1.0])

    Two that disagree leave the network split:

    >>> stubborn_consensus(L, [0.0, 7.0, 1.0], step=0.5, stubborn=[0, 2]).limit.tolist()
    [0.0, 0.5, 1.0]
    """
    check_option("on_failure", on_failure, ("raise", "return"))
    mat = as_laplacian(laplacian)
    n = mat.shape[0]
    alpha = check_real("step", step)
    max_iter = check_int("max_iter", max_iter, minimum=0)
    tol = check_real("tol", tol, lower=0.0, upper=1.0, lower_open=True, upper_open=True)
    x = as_float_vector("x0", x0, size=n)
    S = _stubborn_indices(stubborn, n)
    if atol is None:
        atol = ROUNDING_FLOOR * math.sqrt(n) * float(np.max(np.abs(x), initial=0.0))
    else:
        atol = check_real("atol", atol, lower=0.0)
    limit = _harmonic_limit(mat, x, S)
    W = _iteration_matrix(mat, alpha)
    held = x[list(S)].copy()
    e0 = float(np.linalg.norm(x - limit))
    hist = [e0]
    stop = max(tol * e0, atol)
    if e0 > stop:
        for _ in range(max_iter):
            x = W @ x
            x[list(S)] = held
            e = float(np.linalg.norm(x - limit))
            hist.append(e)
            if e <= stop or not e <= DIVERGENCE_FACTOR * e0:
                break
    error = np.array(hist)
    converged = bool(error[-1] <= stop)
    result = StubbornConsensusResult(x, limit, len(hist) - 1, converged, error, alpha, S)
    if not converged and on_failure == "raise":
        why = "diverged" if error[-1] > e0 else f"did not reach tol={tol} in max_iter={max_iter} steps"
        raise NotConvergedError(f"stubborn consensus with step={alpha!r} {why} (relative error "
                                f"{error[-1] / e0:.3g})", result)
    return result


def metropolis_hastings_laplacian(laplacian: Any) -> np.ndarray | sps.csr_array:
    r"""Laplacian of the Metropolis–Hastings edge weights: a step rule each node sets locally.

    .. math:: w_{ij} = \frac{1}{1 + \max(d_i, d_j)} \quad (ij \in E), \qquad
              L^{\mathrm{MH}} = D_w - W_w, \qquad
              x(k+1) = (I - L^{\mathrm{MH}})\,x(k)

    where :math:`d_i` is the number of neighbours of node :math:`i`. Node :math:`i` needs only
    its own degree and its neighbours' degrees (one exchange with its neighbours) to apply the
    update with step 1; no global quantity (:math:`\mu_{\max}`, :math:`n`, :math:`d_{\max}`)
    enters.

    Parameters
    ----------
    laplacian
        Graph Laplacian (dense or SciPy sparse); only its sparsity pattern (who neighbours
        whom) is used, not its weights.

    Returns
    -------
    ndarray or scipy.sparse.csr_array
        :math:`L^{\mathrm{MH}}`, dense or CSR like the input.
        ``consensus_matrix(L_mh, 1.0)`` is the Metropolis–Hastings weight matrix
        :math:`I - L^{\mathrm{MH}}` of :cite:p:`xiao2004fast`; run it with
        ``consensus_iterate(L_mh, x0, step=1.0)``.

    Raises
    ------
    InvalidArgumentError
        If ``laplacian`` is not a Laplacian.

    Notes
    -----
    Step 1 is always stable: row :math:`i` of :math:`L^{\mathrm{MH}}` has diagonal
    :math:`s_i = \sum_j w_{ij} \le d_i/(1+d_i) < 1` and off-diagonal absolute sum
    :math:`s_i`, so by Gershgorin every eigenvalue lies in :math:`[0, 2 s_i] \subset [0, 2)`:
    :math:`\mu_{\max}(L^{\mathrm{MH}}) < 2` and :math:`1 < 2/\mu_{\max}`. On a connected graph
    the iteration therefore converges to the average of :math:`x(0)` (the matrix is symmetric
    and doubly stochastic). The rate depends on the graph; the weights are not the fastest
    possible, only safe without global knowledge.

    Examples
    --------
    The star with three leaves (centre degree 3): every edge gets :math:`1/(1+3)`.

    >>> L = [[3.0, -1.0, -1.0, -1.0], [-1.0, 1.0, 0.0, 0.0], [-1.0, 0.0, 1.0, 0.0], [-1.0, 0.0, 0.0, 1.0]]
    >>> metropolis_hastings_laplacian(L)
    array([[ 0.75, -0.25, -0.25, -0.25],
           [-0.25,  0.25,  0.  ,  0.  ],
           [-0.25,  0.  ,  0.25,  0.  ],
           [-0.25,  0.  ,  0.  ,  0.25]])
    """
    mat = as_laplacian(laplacian)
    n = mat.shape[0]
    coo = sps.coo_array(mat)
    off = (coo.row != coo.col) & (coo.data != 0.0)
    rows, cols = coo.row[off], coo.col[off]
    degree = np.bincount(rows, minlength=n)
    w = 1.0 / (1.0 + np.maximum(degree[rows], degree[cols]))
    A = sps.csr_array((w, (rows, cols)), shape=(n, n))
    out = sps.csr_array(sps.diags_array(np.asarray(A.sum(axis=1)).ravel()) - A)
    return out if sps.issparse(mat) else out.toarray()
