r"""Minimising the free energy on the probability simplex: mirror and projected gradient descent.

Both minimise :math:`F(p) = \sum_i p_iE_i + \lambda\sum_i p_i\log p_i` over
:math:`\{p \ge 0, \sum_i p_i = 1\}`, whose unique minimiser is the Boltzmann distribution
(:func:`iegn.symbolic.derive_gibbs`). Their step-size conditions are derived in
:func:`iegn.symbolic.derive_descent_conditions`:

``"mirror"`` (exponentiated gradient)
    :math:`p_{k+1} \propto p_k \odot e^{-\eta\nabla F(p_k)}`. In logarithms the iteration is the
    linear recurrence :math:`y_{k+1} = (1-\eta\lambda)y_k - \eta E` (up to normalisation): it
    converges from every interior start **iff** :math:`0 < \eta < 2/\lambda`, in one step at
    :math:`\eta = 1/\lambda`, and oscillates forever with period 2 at :math:`\eta = 2/\lambda`.
``"projected"`` (Euclidean projection)
    :math:`p_{k+1} = \Pi(p_k - \eta\nabla F(p_k))`, projected onto the truncated simplex
    :math:`\{p \ge \delta, \sum_i p_i = 1\}` with :math:`\delta` below every
    :math:`p^*_i` (so the minimiser is unchanged). There :math:`\nabla F` is
    :math:`L`-Lipschitz with :math:`L = \lambda/\delta`, and :math:`0 < \eta < 2/L` guarantees
    convergence; the default is :math:`\eta = 1/L`. Near :math:`p^*` the sharp (local) bound is
    :math:`\eta < 2/\mu_{\max}` with :math:`\mu_{\max}` the largest eigenvalue of
    :math:`\lambda\,\mathrm{diag}(1/p^*)` on the tangent space (two states:
    :math:`\eta < 4p^*_1p^*_2/\lambda`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from .._errors import InvalidArgumentError, NotConvergedError
from .._validation import as_float_vector, check_int, check_option, check_real
from ._thermo import boltzmann, check_simplex

__all__ = ["DESCENT_METHODS", "SimplexDescentResult", "minimize_free_energy", "project_simplex",
           "stationarity_gap"]

#: Methods of :func:`minimize_free_energy`.
DESCENT_METHODS: tuple[str, ...] = ("mirror", "projected")


def project_simplex(v: Any, *, floor: float = 0.0) -> np.ndarray:
    r"""Euclidean projection onto :math:`\{p : p_i \ge \delta, \sum_i p_i = 1\}` (last axis).

    The sort-based algorithm of :cite:t:`duchi2008efficient` (Fig. 1), :math:`O(n\log n)`,
    applied to :math:`(v - \delta)` on the simplex scaled by :math:`1 - n\delta`.

    Examples
    --------
    >>> project_simplex([0.5, 0.5]).tolist()
    [0.5, 0.5]
    >>> project_simplex([2.0, 0.0]).tolist()
    [1.0, 0.0]
    >>> project_simplex([2.0, 0.0], floor=0.1).tolist()
    [0.9, 0.1]
    """
    try:
        x = np.asarray(v, dtype=np.float64)
    except (TypeError, ValueError):
        raise InvalidArgumentError(f"v={v!r} must be an array of real numbers") from None
    if x.ndim == 0 or x.shape[-1] == 0 or not np.all(np.isfinite(x)):
        raise InvalidArgumentError("v must be a finite array with at least one entry on the last axis")
    n = x.shape[-1]
    delta = check_real("floor", floor, lower=0.0)
    scale = 1.0 - n * delta
    if not scale > 0:
        raise InvalidArgumentError(f"floor={floor!r} leaves no room: n * floor must be < 1 (n = {n})")
    w = (x - delta) / scale
    u = -np.sort(-w, axis=-1)
    css = np.cumsum(u, axis=-1) - 1.0
    k = np.arange(1, n + 1)
    cond = u - css / k > 0
    rho = n - 1 - np.argmax(cond[..., ::-1], axis=-1)  # last index where cond holds
    theta = np.take_along_axis(css, rho[..., None], axis=-1) / (rho[..., None] + 1)
    return delta + scale * np.maximum(w - theta, 0.0)


def stationarity_gap(p: Any, energies: Any, temperature: float) -> float:
    r""":math:`\max_i g_i - \min_i g_i` with :math:`g = \nabla F(p) = E + \lambda(\log p + 1)`.

    Zero exactly at an interior stationary point of :math:`F` on the simplex, i.e. at the
    Boltzmann distribution; a gap :math:`r` means every :math:`p_i` is within a factor
    :math:`e^{\pm r/\lambda}` of :math:`p^*_i`. Needs :math:`p > 0` (``inf`` otherwise).

    Raises
    ------
    InvalidArgumentError
        ``p`` not a probability vector, ``energies`` not a finite vector of the same length, or
        ``temperature`` not finite and ``> 0``.
    """
    lam = check_real("temperature", temperature, lower=0.0, lower_open=True)
    p = as_float_vector("p", p)
    check_simplex(p)
    E = as_float_vector("energies", energies, size=p.size)
    if not np.all(p > 0):
        return float("inf")
    g = E + lam * np.log(p)
    return float(np.max(g) - np.min(g))


@dataclass(frozen=True)
class SimplexDescentResult:
    """Outcome of :func:`minimize_free_energy`.

    Attributes
    ----------
    p
        The last iterate.
    n_iter
        Steps taken.
    converged
        Whether :func:`stationarity_gap` reached ``tol``.
    free_energy
        :math:`F(p_k)` for :math:`k = 0, \\dots, n_{iter}`.
    gap
        The stationarity gap for each iterate.
    method, step
        The method and the step :math:`\\eta` used.
    """

    p: np.ndarray
    n_iter: int
    converged: bool
    free_energy: np.ndarray
    gap: np.ndarray
    method: str
    step: float


def minimize_free_energy(
    energies: Any,
    temperature: float,
    *,
    method: Literal["mirror", "projected"] = "mirror",
    step: float | None = None,
    p0: Any = None,
    max_iter: int = 10_000,
    tol: float = 1e-9,
    on_failure: Literal["raise", "return"] = "raise",
) -> SimplexDescentResult:
    r"""Minimise :math:`F(p) = E\cdot p - \lambda S(p)` on the simplex by descent.

    Parameters
    ----------
    energies
        Shape ``(n,)``, finite.
    temperature
        :math:`\lambda > 0`.
    method
        ``"mirror"`` (exponentiated gradient, default) or ``"projected"``; see the module notes.
    step
        :math:`\eta > 0`. Default: :math:`1/\lambda` (mirror; exact in one step) or
        :math:`1/L = \delta/\lambda` (projected, the guaranteed step).
    p0
        Start, in the interior of the simplex (all entries > 0). Default: uniform.
    max_iter, tol
        Stop when :func:`stationarity_gap` :math:`\le` ``tol`` (energy units), or after
        ``max_iter`` steps.
    on_failure
        ``"raise"``: :class:`~iegn.NotConvergedError` carrying the result; ``"return"``.

    Examples
    --------
    >>> r = minimize_free_energy([0.0, 1.0], 1.0)
    >>> r.converged, r.n_iter, bool(np.allclose(r.p, boltzmann([0.0, 1.0], 1.0)))
    (True, 1, True)
    >>> r = minimize_free_energy([0.0, 1.0], 1.0, step=2.0, max_iter=50, on_failure="return")
    >>> r.converged, round(float(r.gap[-1]), 12)  # eta = 2/lam: period 2, the gap never shrinks
    (False, 1.0)
    """
    check_option("method", method, DESCENT_METHODS)
    check_option("on_failure", on_failure, ("raise", "return"))
    lam = check_real("temperature", temperature, lower=0.0, lower_open=True)
    try:
        E = np.array(energies, dtype=np.float64)
    except (TypeError, ValueError):
        raise InvalidArgumentError(f"energies={energies!r} must be an array of real numbers") from None
    if E.ndim != 1 or E.size == 0 or not np.all(np.isfinite(E)):
        raise InvalidArgumentError(f"energies must be a finite vector, got {energies!r}")
    n = E.size
    max_iter = check_int("max_iter", max_iter, minimum=0)
    tol = check_real("tol", tol, lower=0.0, lower_open=True)
    if p0 is None:
        p = np.full(n, 1.0 / n)
    else:
        try:
            p = np.array(p0, dtype=np.float64)
        except (TypeError, ValueError):
            raise InvalidArgumentError(f"p0={p0!r} must be an array of real numbers") from None
        if p.shape != (n,):
            raise InvalidArgumentError(f"p0 has shape {p.shape}, expected ({n},)")
        check_simplex(p, name="p0")
        if not np.all(p > 0):
            raise InvalidArgumentError("p0 must lie in the interior of the simplex (every entry > 0): log p")
    delta = 0.0
    if method == "projected":
        # p*_i >= exp(-(E_max - E_min)/lam)/n: half of that keeps p* strictly inside
        delta = 0.5 * float(np.exp(-(E.max() - E.min()) / lam)) / n
        if not delta > 1e-300:
            raise InvalidArgumentError(
                f"temperature={temperature!r} is too low for projected gradient on these energies (the smallest "
                "Boltzmann probability underflows): use method='mirror'")
        p = np.maximum(p, delta)
        p = project_simplex(p, floor=delta)
    eta = (1.0 / lam if method == "mirror" else delta / lam) if step is None else \
        check_real("step", step, lower=0.0, lower_open=True)

    # The state is kept as y = log p (normalised): probabilities that underflow in float64
    # keep their exact logarithm, so the gap and F are computed from y, never from log(p).
    y = np.log(p)

    def F(y: np.ndarray) -> float:
        q = np.exp(y)
        return float(E @ q + lam * np.sum(q * y))

    def gap(y: np.ndarray) -> float:
        g = E + lam * y
        return float(np.max(g) - np.min(g))

    history, gaps = [F(y)], [gap(y)]
    k = 0
    with np.errstate(under="ignore"):
        while k < max_iter and not gaps[-1] <= tol:
            if method == "mirror":
                y = (1.0 - eta * lam) * y - eta * E  # log-space update, exact up to a constant
                y = y - (y.max() + np.log(np.sum(np.exp(y - y.max()))))  # normalise: logsumexp = 0
            else:
                p = project_simplex(np.exp(y) - eta * (E + lam * (y + 1.0)), floor=delta)
                y = np.log(p)  # p >= delta > 0
            k += 1
            history.append(F(y))
            gaps.append(gap(y))
    p = np.exp(y)
    result = SimplexDescentResult(p, k, bool(gaps[-1] <= tol), np.array(history), np.array(gaps), method, eta)
    if not result.converged and on_failure == "raise":
        raise NotConvergedError(f"{method} descent with step={eta!r} did not reach tol={tol} in max_iter={max_iter} "
                                f"steps (stationarity gap {gaps[-1]:.3g})", result)
    return result
