"""The stability theorem of blueprint §3.3, derived from the eigen-decomposition.

For an undirected graph with Laplacian :math:`L = \\sum_i \\mu_i v_i v_i^\\top`
(orthonormal :math:`v_i`, :math:`0 = \\mu_1 \\le \\mu_2 \\le \\dots \\le \\mu_n`), the iteration
:math:`x(k+1) = (I - \\alpha L)\\,x(k)` decouples into scalar recurrences for the modal
coordinates :math:`c_i(k) = v_i^\\top x(k)`. Everything below is *derived* by SymPy from that
decoupling: the recurrence is solved by :func:`sympy.rsolve`, the convergent steps by
:func:`sympy.solveset`, the optimal step by :func:`sympy.solve`.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from functools import cache

import sympy

from .._errors import InvalidArgumentError
from ._keyed import KeyedDerivation

__all__ = [
    "StabilityDerivation",
    "derive_stability",
    "laplacian_eigenvalues_exact",
    "exact_stability_constants",
    "stability_kernel_specs",
]

# Symbols of the derivation. Assumptions encode the hypotheses: a step is real, a nonzero
# Laplacian eigenvalue is positive (undirected graph, non-negative weights).
ALPHA = sympy.Symbol("alpha", real=True)
MU = sympy.Symbol("mu", positive=True)
MU_2 = sympy.Symbol("mu_2", positive=True)
MU_MAX = sympy.Symbol("mu_max", positive=True)
K = sympy.Symbol("k", integer=True, nonnegative=True)
C0 = sympy.Symbol("c_0", real=True)


class StabilityDerivation(KeyedDerivation):
    """Keyed results of :func:`derive_stability`.

    Behaves as a read-only mapping from result name to SymPy object; ``symbols`` maps the
    names used in the expressions to their SymPy symbols and ``steps`` records the
    derivation in words.
    """


@cache
def derive_stability() -> StabilityDerivation:
    r"""Derive the convergence set, the optimal step and its factor for consensus.

    Returns
    -------
    StabilityDerivation
        A mapping with keys

        ``mode_factor``
            :math:`g(\alpha,\mu)=1-\alpha\mu`, the factor by which the iteration multiplies
            the coordinate along an eigenvector with Laplacian eigenvalue :math:`\mu`.
        ``mode_solution``
            :math:`c(k) = c_0 (1-\alpha\mu)^k`, the solution of that recurrence.
        ``mean_factor``
            the factor for :math:`\mu_1 = 0` (it is 1: the average is preserved).
        ``mode_stable_set``
            the set of real :math:`\alpha` with :math:`|1-\alpha\mu|<1`, i.e.
            :math:`(0, 2/\mu)`.
        ``bound_derivative``
            :math:`\partial_\mu (2/\mu) < 0`: the bound decreases, so the largest eigenvalue
            binds.
        ``stable_set``
            :math:`(0, 2/\mu_{\max})`: steps for which every non-mean mode decays.
        ``critical_step``
            :math:`2/\mu_{\max}`.
        ``convergence_factor``
            :math:`\rho(\alpha) = \max(|1-\alpha\mu_2|, |1-\alpha\mu_{\max}|)`.
        ``optimal_step``
            :math:`\alpha^* = 2/(\mu_2+\mu_{\max})`.
        ``optimal_factor``
            :math:`\rho(\alpha^*) = (\mu_{\max}-\mu_2)/(\mu_{\max}+\mu_2)`.

    Notes
    -----
    The constant-step optimum is the classical result of Xiao and Boyd
    :cite:p:`xiao2004fast` (their Sect. 4.1); the stability interval is in
    :cite:p:`olfati2007consensus`. Here both are recomputed, not quoted.

    Examples
    --------
    >>> d = derive_stability()
    >>> d["optimal_step"]
    2/(mu_2 + mu_max)
    >>> d["stable_set"]
    Interval.open(0, 2/mu_max)
    """
    steps: list[str] = []
    # 1. Project the iteration on an eigenvector v (L v = mu v): (I - alpha L) v = g v.
    v, lv = sympy.symbols("v Lv")
    image = (v - ALPHA * lv).subs(lv, MU * v)
    factor = sympy.expand(sympy.cancel(image / v))
    steps.append("substitute L v = mu v in (I - alpha L) v and divide by v: the mode factor")
    # 2. Solve the modal recurrence c(k+1) = g c(k).
    c = sympy.Function("c")
    solution = sympy.rsolve(c(K + 1) - factor * c(K), c(K), {c(0): C0})
    if solution is None:  # pragma: no cover - SymPy regression guard
        raise RuntimeError("rsolve could not solve the first-order modal recurrence")
    steps.append("rsolve the first-order recurrence c(k+1) = g c(k): c(k) = c0 g^k")
    # 3. The mean mode (mu = 0) is preserved for every step.
    mean_factor = factor.subs(MU, 0)
    steps.append("substitute mu = 0: the mean mode has factor 1 for every alpha")
    # 4. A positive mode decays iff |g| < 1: solve for alpha over the reals.
    mode_set = sympy.solveset(sympy.Abs(factor) < 1, ALPHA, sympy.S.Reals)
    steps.append("solveset |g(alpha, mu)| < 1 over the real alpha, mu > 0")
    # 5. The mode bound sup(mode_set) = 2/mu decreases in mu, so mu_max binds.
    bound = mode_set.sup
    derivative = sympy.diff(bound, MU)
    if not derivative.is_negative:  # pragma: no cover - SymPy regression guard
        raise RuntimeError(f"expected a decreasing mode bound, got d/dmu = {derivative}")
    stable_set = mode_set.subs(MU, MU_MAX)
    critical = bound.subs(MU, MU_MAX)
    steps.append("differentiate the bound 2/mu in mu: negative, so the intersection is at mu_max")
    # 6. |1 - alpha mu| is convex in mu: its maximum over [mu_2, mu_max] is at an endpoint.
    rho = sympy.Max(sympy.Abs(factor.subs(MU, MU_2)), sympy.Abs(factor.subs(MU, MU_MAX)))
    steps.append("|g| is convex in mu, so the worst mode is mu_2 or mu_max")
    # 7. rho(alpha) is the max of two V-shaped curves |g(mu_2)|, |g(mu_max)|; its minimum over
    #    alpha is where they balance, |g(mu_2)| = |g(mu_max)|, i.e. g(mu_2)^2 = g(mu_max)^2. That
    #    equation has two roots: alpha = 0 (rho = 1, both curves equal 1) and the crossing of a
    #    falling branch with a rising one, which is the minimiser.
    g2, gmax = factor.subs(MU, MU_2), factor.subs(MU, MU_MAX)
    balance = sympy.solve(sympy.expand(g2**2 - gmax**2), ALPHA)
    nonzero = [r for r in balance if r != 0]
    if len(nonzero) != 1:  # pragma: no cover - SymPy regression guard
        raise RuntimeError(f"expected roots 0 and one crossing, got {balance}")
    optimal = sympy.simplify(nonzero[0])
    # at the crossing the mu_2 branch still falls (g > 0) and the mu_max branch rises (g < 0):
    # opposite signs, so moving alpha either way raises one of the two and the max
    opposite = sympy.simplify(g2.subs(ALPHA, optimal) + gmax.subs(ALPHA, optimal))
    if opposite != 0:  # pragma: no cover - SymPy regression guard
        raise RuntimeError(f"the crossing is not an opposite-sign balance: {opposite}")
    optimal_factor = sympy.cancel(g2.subs(ALPHA, optimal))
    steps.append("solve |g(mu_2)| = |g(mu_max)| (squared) for alpha: roots 0 and the crossing; at the crossing "
                 "g(mu_2) = -g(mu_max), one branch falling and one rising, so it minimises the max")
    results: dict[str, sympy.Basic] = {
        "mode_factor": factor,
        "mode_solution": solution,
        "mean_factor": mean_factor,
        "mode_stable_set": mode_set,
        "bound_derivative": derivative,
        "stable_set": stable_set,
        "critical_step": critical,
        "convergence_factor": rho,
        "optimal_step": optimal,
        "optimal_factor": optimal_factor,
    }
    symbols = {"alpha": ALPHA, "mu": MU, "mu_2": MU_2, "mu_max": MU_MAX, "k": K, "c_0": C0}
    return StabilityDerivation(results=results, symbols=symbols, steps=tuple(steps))


def stability_kernel_specs() -> list:
    """The kernels generated from :func:`derive_stability` (used by ``iegn.kernels.build``)."""
    from ..kernels._codegen import KernelSpec

    d = derive_stability()
    return [
        KernelSpec("mode_factor", (ALPHA, MU), (d["mode_factor"],),
                   "Factor 1 - alpha*mu applied to the mode of Laplacian eigenvalue mu."),
        KernelSpec("critical_step", (MU_MAX,), (d["critical_step"],),
                   "Largest stable constant step 2/mu_max (excluded)."),
        KernelSpec("optimal_step", (MU_2, MU_MAX), (d["optimal_step"],),
                   "Constant step minimising the convergence factor, 2/(mu_2 + mu_max)."),
        KernelSpec("optimal_factor", (MU_2, MU_MAX), (d["optimal_factor"],),
                   "Convergence factor at the optimal step, (mu_max - mu_2)/(mu_max + mu_2)."),
        KernelSpec("convergence_factor", (ALPHA, MU_2, MU_MAX), (d["convergence_factor"],),
                   "Per-step contraction of the disagreement, max(|1-alpha mu_2|, |1-alpha mu_max|)."),
    ]


def _as_rational(value: object) -> sympy.Rational:
    if isinstance(value, sympy.Float) and value.is_finite:
        return sympy.Rational(value)  # exact value of the binary float
    if isinstance(value, sympy.Basic):
        if not (value.is_rational and value.is_finite):
            raise InvalidArgumentError(f"matrix entry {value!r} must be an exact rational")
        return sympy.Rational(value)
    try:
        return sympy.Rational(Fraction(value))  # exact binary value of a float
    except (TypeError, ValueError, OverflowError):
        raise InvalidArgumentError(f"matrix entry {value!r} must be a finite real number") from None


def laplacian_eigenvalues_exact(laplacian: Sequence[Sequence[object]] | sympy.Matrix) -> list[sympy.Expr]:
    r"""Exact eigenvalues (with multiplicity, ascending) of a symmetric rational matrix.

    Float entries are taken at their exact binary value. Eigenvalues are returned as exact
    SymPy numbers: integers and radicals where they exist, :class:`sympy.CRootOf` otherwise
    (an exact isolated root of the characteristic polynomial, evaluable to any precision).

    Parameters
    ----------
    laplacian
        A square symmetric matrix (nested sequences or :class:`sympy.Matrix`).

    Returns
    -------
    list of sympy.Expr
        Eigenvalues in ascending order, each repeated by its multiplicity.

    Raises
    ------
    InvalidArgumentError
        If the matrix is not square, not symmetric, or has a non-rational entry.

    Examples
    --------
    >>> laplacian_eigenvalues_exact([[1, -1], [-1, 1]])
    [0, 2]
    """
    if isinstance(laplacian, sympy.MatrixBase):
        m = laplacian.applyfunc(_as_rational)
    else:
        try:
            m = sympy.Matrix([[_as_rational(x) for x in row] for row in laplacian])
        except TypeError:
            raise InvalidArgumentError("matrix must be a sequence of rows") from None
    if m.rows != m.cols or m.rows == 0:
        raise InvalidArgumentError(f"matrix shape {m.shape} must be square and non-empty")
    if m != m.T:
        raise InvalidArgumentError("matrix must be symmetric (an undirected graph's Laplacian)")
    lam = sympy.Symbol("lambda")
    poly = sympy.Poly(m.charpoly(lam).as_expr(), lam)
    roots = poly.all_roots()  # exact, real (symmetric matrix), with multiplicity
    return sorted(roots, key=lambda r: sympy.N(r, 50))


def _check_laplacian_spectrum(eigenvalues: Sequence[object]) -> None:
    """Raise unless ``eigenvalues`` is a Laplacian spectrum: real, >= 0, ascending, starting at 0.

    Compared at 30 digits: an exact root written with ``I`` (Cardano) but real in value keeps
    an imaginary part far below ``_SPECTRUM_ATOL``.
    """
    values = []
    for i, e in enumerate(eigenvalues):
        try:
            z = sympy.N(sympy.sympify(e, strict=True), 30)  # SymPy floats: no float64 overflow
        except (sympy.SympifyError, TypeError, ValueError):
            raise InvalidArgumentError(f"eigenvalues[{i}]={e!r} is not a number") from None
        if not z.is_number or z.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
            raise InvalidArgumentError(f"eigenvalues[{i}]={e!r} is not a finite number")
        re, im = z.as_real_imag()
        if not (abs(im) <= _SPECTRUM_ATOL * (1 + abs(re)) and re >= -_SPECTRUM_ATOL):
            raise InvalidArgumentError(f"eigenvalues[{i}]={e!r} must be real and >= 0 (a Laplacian eigenvalue)")
        values.append(re)
    if not abs(values[0]) <= _SPECTRUM_ATOL:
        raise InvalidArgumentError(f"eigenvalues[0]={eigenvalues[0]!r} must be 0 (a Laplacian's smallest eigenvalue)")
    if not all(a <= b + _SPECTRUM_ATOL * (1 + abs(b)) for a, b in zip(values, values[1:])):
        raise InvalidArgumentError(f"eigenvalues={list(eigenvalues)!r} must be in ascending order")


#: Tolerance of :func:`_check_laplacian_spectrum` at 30-digit evaluation (rounding only).
_SPECTRUM_ATOL = 1e-20


def exact_stability_constants(eigenvalues: Sequence[sympy.Expr]) -> dict[str, sympy.Expr | None]:
    """Exact ``mu_2``, ``mu_max``, critical and optimal step from an exact spectrum.

    The derived expressions of :func:`derive_stability` are evaluated at the exact
    eigenvalues. ``optimal_step`` is ``None`` when ``mu_2 = 0`` (disconnected graph: no step
    reaches consensus); ``critical_step`` is ``None`` when ``mu_max = 0`` (no edges).

    Raises
    ------
    InvalidArgumentError
        Fewer than two eigenvalues, or not a Laplacian spectrum (an entry that is not a real
        number >= 0, a smallest eigenvalue other than 0, or not in ascending order).

    Examples
    --------
    >>> exact_stability_constants([0, 3, 3])
    {'mu_2': 3, 'mu_max': 3, 'critical_step': 2/3, 'optimal_step': 1/3, 'optimal_factor': 0}
    """
    if isinstance(eigenvalues, (str, bytes)) or not isinstance(eigenvalues, Sequence):
        raise InvalidArgumentError(f"eigenvalues={eigenvalues!r} must be a sequence of exact numbers")
    if len(eigenvalues) < 2:
        raise InvalidArgumentError(f"need at least two eigenvalues, got {len(eigenvalues)}")
    _check_laplacian_spectrum(eigenvalues)
    d = derive_stability()
    mu2 = sympy.sympify(eigenvalues[1])
    mumax = sympy.sympify(eigenvalues[-1])
    out: dict[str, sympy.Expr | None] = {"mu_2": mu2, "mu_max": mumax}
    positive_max = sympy.N(mumax, 30) > 0
    positive_2 = sympy.N(mu2, 30) > 0
    out["critical_step"] = sympy.radsimp(d["critical_step"].subs(MU_MAX, mumax)) if positive_max else None
    if positive_2:
        sub = {MU_2: mu2, MU_MAX: mumax}
        out["optimal_step"] = sympy.radsimp(d["optimal_step"].subs(sub))
        out["optimal_factor"] = sympy.radsimp(d["optimal_factor"].subs(sub))
    else:
        out["optimal_step"] = None
        out["optimal_factor"] = sympy.Integer(1) if positive_max else None
    return out
