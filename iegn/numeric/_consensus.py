"""Linear average consensus x(k+1) = (I - alpha L) x(k) on dense, sparse and JAX arrays."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import scipy.sparse as sps

from .._errors import InvalidArgumentError, NotConvergedError
from .._validation import as_float_vector, check_int, check_option, check_real
from ..kernels import kernel
from ._laplacian import SpectrumMethod, as_laplacian, laplacian_extreme_eigenvalues

__all__ = [
    "ConsensusResult",
    "StabilityConstants",
    "consensus_matrix",
    "consensus_iterate",
    "stability_constants",
]

OnFailure = Literal["raise", "return"]
#: The iteration is declared divergent once the disagreement grows by this factor (or passes
#: :data:`CEILING`); it stops there, before float64 overflow, so no inf or NaN ever reaches the result.
DIVERGENCE_FACTOR = 1e100
#: Default absolute stopping level of :func:`consensus_iterate`, in units of
#: :math:`\varepsilon\sqrt n\,\|x(0)\|_\infty` (``eps`` = float64 machine epsilon).
ROUNDING_FLOOR = 64 * float(np.finfo(np.float64).eps)
#: Largest float64.
FLOAT64_MAX = float(np.finfo(np.float64).max)
#: No iterate's disagreement, in units of the start's largest entry, exceeds this divided by
#: the norm of ``I - step L`` (see :func:`consensus_iterate`): its squares stay finite.
CEILING = 1e150


@dataclass(frozen=True)
class StabilityConstants:
    r"""Spectral constants of the consensus iteration on one graph.

    Attributes
    ----------
    mu_2, mu_max
        Algebraic connectivity and largest Laplacian eigenvalue.
    critical_step
        :math:`2/\mu_{\max}`; the iteration converges for every start iff
        :math:`0<\alpha<2/\mu_{\max}` (connected graph).
    optimal_step
        :math:`2/(\mu_2+\mu_{\max})`, or ``None`` for a disconnected graph, where every step
        has factor 1 and no optimum exists.
    convergence_factor
        Per-step contraction of the disagreement at the optimal step,
        :math:`(\mu_{\max}-\mu_2)/(\mu_{\max}+\mu_2)`; ``1.0`` for a disconnected graph.
    connected
        Whether :math:`\mu_2 > 0`.
    """

    mu_2: float
    mu_max: float
    critical_step: float
    optimal_step: float | None
    convergence_factor: float
    connected: bool

    def as_dict(self) -> dict[str, float | bool | None]:
        """The constants as a JSON-ready dictionary."""
        return {
            "mu_2": self.mu_2,
            "mu_max": self.mu_max,
            "critical_step": self.critical_step,
            "optimal_step": self.optimal_step,
            "convergence_factor": self.convergence_factor,
            "connected": self.connected,
        }


def stability_constants(laplacian: Any, *, method: SpectrumMethod = "auto") -> StabilityConstants:
    """Stability constants of ``x(k+1) = (I - alpha L) x(k)`` for a Laplacian matrix.

    The formulas are the generated kernels of :func:`iegn.symbolic.derive_stability`
    evaluated at the eigenvalues from :func:`laplacian_extreme_eigenvalues`.

    Raises
    ------
    InvalidArgumentError
        If ``laplacian`` is not a Laplacian or has no edge (:math:`\\mu_{\\max}=0`).

    Examples
    --------
    >>> c = stability_constants([[1.0, -1.0], [-1.0, 1.0]])
    >>> c.critical_step, c.optimal_step, c.convergence_factor
    (1.0, 0.5, 0.0)
    """
    mu2, mumax = laplacian_extreme_eigenvalues(laplacian, method=method)
    if not mumax > 0.0:
        raise InvalidArgumentError("the Laplacian is zero (no edges): mu_max = 0 and the bound 2/mu_max is undefined")
    connected = mu2 > 0.0
    crit = float(kernel("critical_step")(mumax))
    if connected:
        opt: float | None = float(kernel("optimal_step")(mu2, mumax))
        factor = float(kernel("optimal_factor")(mu2, mumax)) + 0.0  # no -0.0 when mu_2 = mu_max
    else:
        opt, factor = None, 1.0
    return StabilityConstants(mu2, mumax, crit, opt, factor, connected)


@dataclass(frozen=True)
class ConsensusResult:
    r"""Outcome of :func:`consensus_iterate`.

    Attributes
    ----------
    state
        The last iterate :math:`x(k)` (float64 NumPy array).
    average
        :math:`\bar x = \mathbf 1^\top x(0)/n`, the value every node should agree on.
    n_iter
        Number of steps taken.
    converged
        Whether the relative disagreement met ``tol``.
    disagreement
        :math:`\|x(k) - \bar x \mathbf 1\|_2` for :math:`k = 0, \dots, n_{iter}`.
    step
        The step :math:`\alpha` used.
    """

    state: np.ndarray
    average: float
    n_iter: int
    converged: bool
    disagreement: np.ndarray
    step: float


def consensus_matrix(laplacian: Any, step: float) -> np.ndarray | sps.csr_array:
    r"""The iteration matrix :math:`W = I - \alpha L`, dense or CSR like its input.

    Building :math:`W` once makes each consensus step a single matrix–vector product.

    Examples
    --------
    >>> consensus_matrix([[1.0, -1.0], [-1.0, 1.0]], 0.25)
    array([[0.75, 0.25],
           [0.25, 0.75]])
    """
    mat = as_laplacian(laplacian)
    alpha = check_real("step", step)
    return _iteration_matrix(mat, alpha)


def _iteration_matrix(mat: np.ndarray | sps.csr_array, alpha: float) -> np.ndarray | sps.csr_array:
    """``I - alpha L`` for an already validated Laplacian."""
    n = mat.shape[0]
    if sps.issparse(mat):
        return sps.csr_array(sps.eye_array(n, format="csr") - alpha * mat)
    return np.eye(n) - alpha * mat


def consensus_iterate(
    laplacian: Any,
    x0: Any,
    *,
    step: float,
    max_iter: int = 100_000,
    tol: float = 1e-10,
    atol: float | None = None,
    backend: Literal["numpy", "jax"] = "numpy",
    on_failure: OnFailure = "raise",
) -> ConsensusResult:
    r"""Run :math:`x(k+1) = (I - \alpha L)\,x(k)` until the nodes agree.

    .. math:: x(k+1) = x(k) - \alpha L x(k), \qquad
              \|x(k) - \bar x\mathbf 1\|_2 \le
              \max\bigl(\mathrm{tol}\cdot\|x(0) - \bar x\mathbf 1\|_2,\ \mathrm{atol}\bigr)

    Parameters
    ----------
    laplacian
        Graph Laplacian: dense array, SciPy sparse matrix/array, or JAX array.
    x0
        Initial state, shape ``(n,)``.
    step
        The step :math:`\alpha`. Any real value is accepted (the point of this library is to
        show what happens outside :math:`(0, 2/\mu_{\max})`).
    max_iter
        Maximum number of steps (>= 0).
    tol
        Relative disagreement at which to stop, in ``(0, 1)``.
    atol
        Absolute disagreement at which to stop (>= 0). The default,
        :math:`64\,\varepsilon\sqrt n\,\|x(0)\|_\infty`, is the rounding floor of float64: a
        state whose spread is already at the level of rounding (e.g. ``[0.05, 0.05, 0.05]``,
        whose computed mean is not exactly 0.05) counts as agreed instead of iterating until
        ``max_iter``. Pass ``0.0`` for a purely relative test.
    backend
        ``"numpy"`` (SciPy sparse or dense) or ``"jax"`` (``lax.while_loop`` under ``jit``,
        float64; sparse inputs become BCOO matrices).
    on_failure
        ``"raise"`` (default): raise :class:`~iegn.NotConvergedError` carrying the partial
        result. ``"return"``: return it with ``converged=False``.

    Returns
    -------
    ConsensusResult

    Raises
    ------
    NotConvergedError
        ``max_iter`` reached, or the disagreement grew by :data:`DIVERGENCE_FACTOR`.
    InvalidArgumentError
        Bad Laplacian, state, or parameter.

    Notes
    -----
    The mean :math:`\bar x` is invariant (``1^T L = 0``); the disagreement contracts by
    :math:`\max(|1-\alpha\mu_2|, |1-\alpha\mu_{\max}|)` per step in the worst case
    :cite:p:`olfati2007consensus`. Cost per step: one sparse mat-vec, :math:`O(|E| + n)`.

    Examples
    --------
    >>> L = [[1.0, -1.0], [-1.0, 1.0]]
    >>> r = consensus_iterate(L, [0.0, 1.0], step=0.25)
    >>> r.converged, r.state.round(6).tolist(), r.average
    (True, [0.5, 0.5], 0.5)
    """
    check_option("backend", backend, ("numpy", "jax"))
    check_option("on_failure", on_failure, ("raise", "return"))
    mat = as_laplacian(laplacian)
    n = mat.shape[0]
    alpha = check_real("step", step)
    max_iter = check_int("max_iter", max_iter, minimum=0)
    tol = check_real("tol", tol, lower=0.0, upper=1.0, lower_open=True, upper_open=True)
    x = as_float_vector("x0", x0, size=n)
    peak = float(np.max(np.abs(x), initial=0.0))
    if atol is None:
        atol = ROUNDING_FLOOR * math.sqrt(n) * peak
    else:
        atol = check_real("atol", atol, lower=0.0)
    # The iteration is linear and commutes with scaling by a power of two (exactly, in
    # floating point): it runs on x0 / 2^e with max |x0| / 2^e in [1/2, 1), so that no norm
    # (a sum of squares) over- or underflows, and the state and history are scaled back.
    e = math.frexp(peak)[1]
    xs = np.ldexp(x, -e)
    d0s = float(np.linalg.norm(xs - xs.mean()))
    with np.errstate(over="ignore"):  # e < 0 (a tiny start): room is unbounded
        room = float(np.ldexp(FLOAT64_MAX / 64, -e))  # a disagreement that scales back with room to spare
    if d0s > room:
        raise InvalidArgumentError(
            f"x0 has entries up to {peak!r}: its disagreement ||x0 - mean|| = {d0s:.3g} * 2^{e} is within a "
            "factor 64 of float64's limit; rescale x0 (consensus is linear: iterate x0 / s and multiply by s)")
    with np.errstate(over="ignore", invalid="ignore"):  # an overflowing step is refused next
        W = _iteration_matrix(mat, alpha)  # mat is validated above: no second check
        w_norm = float(abs(W).sum(axis=1).max())  # the infinity norm of W, >= 1 (W 1 = 1)
    if not w_norm <= CEILING:
        raise InvalidArgumentError(
            f"step={alpha!r} is far outside any useful range: one step can multiply the disagreement by "
            f"|I - step L|_inf = {w_norm:.3g} > {CEILING:g} (consensus converges only for 0 < step < 2/mu_max)")
    # a diverging run stops once its disagreement passes DIVERGENCE_FACTOR d0, or a ceiling below
    # which one more product by W keeps every square in a norm, and the scaled-back state, finite
    ceiling = min(CEILING, room) / w_norm
    iterate = _iterate_jax if backend == "jax" else _iterate_numpy
    state, hist = iterate(W, xs, max_iter, tol, math.ldexp(atol, -e), ceiling)
    state, hist = np.ldexp(state, e), np.ldexp(hist, e)
    d0 = hist[0]
    converged = bool(hist[-1] <= max(tol * d0, atol))
    result = ConsensusResult(state, math.ldexp(float(xs.mean()), e), len(hist) - 1, converged, hist, alpha)
    if not converged and on_failure == "raise":
        grew = hist[-1] > d0
        why = "diverged" if grew else f"did not reach tol={tol} in max_iter={max_iter} steps"
        raise NotConvergedError(
            f"consensus with step={alpha!r} {why} (relative disagreement {hist[-1] / d0:.3g})", result
        )
    return result


def _iterate_numpy(W: Any, x: np.ndarray, max_iter: int, tol: float, atol: float,
                   ceiling: float) -> tuple[np.ndarray, np.ndarray]:
    mean = x.mean()
    d0 = float(np.linalg.norm(x - mean))
    hist = [d0]
    stop = max(tol * d0, atol)
    if d0 <= stop:
        return x, np.array(hist)
    for _ in range(max_iter):
        x = W @ x
        d = float(np.linalg.norm(x - mean))
        hist.append(d)
        if d <= stop or not d <= min(DIVERGENCE_FACTOR * d0, ceiling):
            break
    return x, np.array(hist)


def _iterate_jax(W: Any, x: np.ndarray, max_iter: int, tol: float, atol: float,
                 ceiling: float) -> tuple[np.ndarray, np.ndarray]:
    from ..kernels import import_jax

    _, jnp = import_jax()
    if sps.issparse(W):
        from jax.experimental import sparse as jsparse

        Wj = jsparse.BCOO.from_scipy_sparse(sps.coo_matrix(W))
    else:
        Wj = jnp.asarray(W, dtype=jnp.float64)
    xj = jnp.asarray(x, dtype=jnp.float64)
    state, hist, k = _jax_loop()(Wj, xj, jnp.float64(tol), jnp.float64(atol), jnp.float64(ceiling), max_iter=max_iter)
    return np.asarray(state, dtype=np.float64), np.asarray(hist, dtype=np.float64)[: int(k) + 1]


@functools.cache
def _jax_loop() -> Any:
    from ..kernels import import_jax

    jax, jnp = import_jax()

    @functools.partial(jax.jit, static_argnames=("max_iter",))
    def loop(W: Any, x: Any, tol: Any, atol: Any, ceiling: Any, *, max_iter: int) -> Any:
        mean = jnp.mean(x)
        d0 = jnp.linalg.norm(x - mean)
        stop = jnp.maximum(tol * d0, atol)
        hist = jnp.zeros(max_iter + 1, dtype=jnp.float64).at[0].set(d0)

        def cond(s: Any) -> Any:
            k, _, d, _ = s
            return (k < max_iter) & (d > stop) & (d <= jnp.minimum(DIVERGENCE_FACTOR * d0, ceiling))

        def body(s: Any) -> Any:
            k, x, _, hist = s
            x = W @ x
            d = jnp.linalg.norm(x - mean)
            return k + 1, x, d, hist.at[k + 1].set(d)

        k, x, _, hist = jax.lax.while_loop(cond, body, (jnp.int64(0), x, d0, hist))
        return x, hist, k

    return loop
