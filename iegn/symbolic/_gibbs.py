r"""The Gibbs variational principle (blueprint §2.1, Lemma 1), derived.

For energies :math:`E_1, \dots, E_n` and a temperature :math:`\lambda > 0`, the free energy of
a distribution :math:`p` on the probability simplex is

.. math:: F(p) = U(p) - \lambda S(p) = \sum_i p_i E_i + \lambda \sum_i p_i \log p_i .

Everything below is derived by SymPy: the stationary point of :math:`F` under
:math:`\sum_i p_i = 1` by a Lagrange multiplier (the Boltzmann distribution), the minimum
:math:`-\lambda\log Z`, the identity :math:`F(p) = -\lambda\log Z + \lambda\,\mathrm{KL}(p\,\|\,p^*)`,
the Hessian (strict convexity), the invariance of :math:`p^*` under a shift of the energies
(which gives the overflow-free kernels), and the step-size conditions of the two descent
methods on the simplex.
"""

from __future__ import annotations

from functools import cache

import sympy

from .._validation import check_int
from ._keyed import KeyedDerivation
from ._lagrangian import exact_simplify

__all__ = ["GibbsDerivation", "derive_gibbs", "derive_descent_conditions", "gibbs_kernel_specs"]

LAM = sympy.Symbol("lam", positive=True)
NU = sympy.Symbol("nu", real=True)
ETA = sympy.Symbol("eta", real=True)
# representative (site) symbols of the kernels
P = sympy.Symbol("p", nonnegative=True)
PQ = sympy.Symbol("q", nonnegative=True)
E = sympy.Symbol("E", real=True)
E_MIN = sympy.Symbol("E_min", real=True)
SUM_W = sympy.Symbol("s", positive=True)
X = sympy.Symbol("x", positive=True)  # two-state coordinate p = (x, 1 - x)


class GibbsDerivation(KeyedDerivation):
    """Keyed results of :func:`derive_gibbs` (a read-only mapping name → SymPy object).

    Behaves as a read-only mapping from result name to SymPy object; ``symbols`` maps the
    names used in the expressions to their SymPy symbols and ``steps`` records the
    derivation in words.
    """


@cache
def derive_gibbs(n: int = 3) -> GibbsDerivation:
    r"""Derive the minimiser and the minimum of the free energy on the simplex, for n states.

    Returns
    -------
    GibbsDerivation
        A mapping with keys

        ``free_energy``
            :math:`F(p) = \sum_i p_iE_i + \lambda\sum_i p_i\log p_i`.
        ``stationarity``
            :math:`\partial_{p_i}(F + \nu(\sum_j p_j - 1)) = 0`, solved for :math:`p_i(\nu)`
            (a tuple, one per state).
        ``multiplier``
            :math:`\nu` from the constraint :math:`\sum_i p_i(\nu) = 1`.
        ``minimiser``
            :math:`p^*_i = e^{-E_i/\lambda}/Z` (a tuple).
        ``partition_function``
            :math:`Z = \sum_i e^{-E_i/\lambda}`.
        ``minimum``
            :math:`F(p^*)`, reduced to :math:`-\lambda\log Z`.
        ``kl_residual``
            :math:`F(p) - (-\lambda\log Z) - \lambda\,\mathrm{KL}(p\|p^*)` on the simplex,
            reduced exactly: it is 0.
        ``hessian``
            :math:`\nabla^2F = \lambda\,\mathrm{diag}(1/p_i)`, positive definite: the
            minimiser is unique.
        ``shift_residual``
            :math:`p^*(E + c\mathbf 1) - p^*(E)`, reduced exactly: 0 (so the kernels may
            subtract :math:`\min_i E_i` before exponentiating).

    Notes
    -----
    The Gibbs variational principle; see :cite:t:`cover2006elements` (Thm. 2.6.3 for the
    information inequality it rests on) and :cite:t:`jaynes1957information`.

    Examples
    --------
    >>> d = derive_gibbs(2)
    >>> d["minimiser"][0]
    exp(-E0/lam)/(exp(-E1/lam) + exp(-E0/lam))
    >>> d["minimum"]
    -lam*log(exp(-E1/lam) + exp(-E0/lam))
    >>> d["kl_residual"], d["shift_residual"]
    (0, 0)
    """
    n = check_int("n", n, minimum=2)
    steps: list[str] = []
    p = sympy.symbols(f"p0:{n}", positive=True)
    e = sympy.symbols(f"E0:{n}", real=True)
    F = sum(pi * ei for pi, ei in zip(p, e)) + LAM * sum(pi * sympy.log(pi) for pi in p)
    steps.append("F(p) = sum p_i E_i - lam S(p), S = -sum p_i log p_i")
    lagr = F + NU * (sum(p) - 1)
    stationary = []
    for pi in p:
        sol = sympy.solve(sympy.diff(lagr, pi), pi)
        if len(sol) != 1:  # pragma: no cover - E_i + lam(log p_i + 1) + nu = 0 has one root
            raise RuntimeError(f"expected one stationary p_i, got {sol}")
        stationary.append(sol[0])
    steps.append("solve dL/dp_i = E_i + lam (log p_i + 1) + nu = 0 for p_i(nu)")
    nu_sol = sympy.solve(sympy.Eq(sum(stationary), 1), NU)
    if len(nu_sol) != 1:  # pragma: no cover
        raise RuntimeError(f"expected one multiplier, got {nu_sol}")
    nu_star = nu_sol[0]
    steps.append("solve sum_i p_i(nu) = 1 for the multiplier nu")
    Z = sum(sympy.exp(-ei / LAM) for ei in e)
    minimiser = tuple(sympy.simplify(sympy.powsimp(sympy.expand_log(s.subs(NU, nu_star), force=True))) for s in stationary)
    # normal form exp(-E_i/lam)/Z, checked to equal what the solver produced
    normal = tuple(sympy.exp(-ei / LAM) / Z for ei in e)
    for got, want in zip(minimiser, normal):
        if exact_simplify(sympy.expand(sympy.powsimp(got / want, force=True))) != 1 and \
                sympy.simplify(got - want) != 0:  # pragma: no cover - SymPy regression guard
            raise RuntimeError(f"minimiser {got} is not exp(-E_i/lam)/Z")
    steps.append("substitute nu: p*_i = exp(-E_i/lam) / Z, Z = sum_j exp(-E_j/lam)")
    F_star = F.subs(dict(zip(p, normal)))
    minimum = -LAM * sympy.log(Z)
    residual_min = exact_simplify(sympy.expand(sympy.expand_log(F_star - minimum, force=True)) .subs(
        sympy.log(Z), sympy.Symbol("logZ")))
    residual_min = exact_simplify(sympy.expand(residual_min.subs(sum(normal), 1)))
    if _simplex_zero(residual_min, normal) is not True:  # pragma: no cover
        raise RuntimeError(f"F(p*) + lam log Z did not reduce to 0: {residual_min}")
    steps.append("F(p*) = -lam log Z (expand the logs; sum_i p*_i = 1)")
    # KL identity on the simplex: eliminate p_{n-1} = 1 - sum of the others
    kl = sum(pi * (sympy.log(pi) - sympy.log(ni)) for pi, ni in zip(p, normal))
    kl_res = F - minimum - LAM * kl
    kl_res = sympy.expand(sympy.expand_log(kl_res, force=True))
    kl_res = exact_simplify(kl_res.subs(p[-1], 1 - sum(p[:-1])).subs(sympy.log(1 - sum(p[:-1])), sympy.log(p[-1])))
    steps.append("F(p) - (-lam log Z) - lam KL(p || p*) on the simplex: expand logs, eliminate p_n")
    hessian = sympy.hessian(F, p)
    steps.append("Hessian of F: lam diag(1/p_i), positive definite on p > 0")
    c = sympy.Symbol("c", real=True)
    shifted = tuple(sympy.exp(-(ei + c) / LAM) / sum(sympy.exp(-(ej + c) / LAM) for ej in e) for ei in e)
    shift_res = sum(exact_simplify(sympy.simplify(s - u)) for s, u in zip(shifted, normal))
    steps.append("p*(E + c) - p*(E) = 0: Boltzmann weights may be shifted by min E (no overflow)")
    results = {
        "free_energy": F,
        "stationarity": tuple(stationary),
        "multiplier": nu_star,
        "minimiser": normal,
        "partition_function": Z,
        "minimum": minimum,
        "kl_residual": kl_res,
        "hessian": hessian,
        "shift_residual": shift_res,
    }
    return GibbsDerivation(results, {"p": p, "E": e, "lam": LAM, "nu": NU}, tuple(steps))


def _simplex_zero(expr: sympy.Expr, normal: tuple[sympy.Expr, ...]) -> bool:
    return bool(exact_simplify(expr) == 0)


@cache
def derive_descent_conditions() -> dict[str, sympy.Basic]:
    r"""Step-size conditions of the two descent methods on the simplex, derived.

    Mirror descent (exponentiated gradient) on :math:`F` with step :math:`\eta` is, in the
    logarithms :math:`y = \log p` (up to the normalising constant),
    :math:`y_{k+1} = (1 - \eta\lambda)\,y_k - \eta E`: a linear recurrence, solved exactly.
    Projected gradient descent for two states, :math:`p = (x, 1-x)`, moves
    :math:`x_{k+1} = x_k - \tfrac{\eta}{2}F'(x_k)` in the interior; its linearisation at the
    minimiser :math:`x^*` has the factor :math:`1 - \tfrac{\eta}{2}F''(x^*)`.

    Returns
    -------
    dict
        ``mirror_factor`` (:math:`1-\eta\lambda`), ``mirror_solution`` (the recurrence
        solved by :func:`sympy.rsolve`), ``mirror_stable_set`` (:math:`(0, 2/\lambda)`),
        ``mirror_one_step`` (:math:`\eta = 1/\lambda`: the exact minimiser after one step),
        ``pgd_curvature`` (:math:`F''(x) = \lambda/(x(1-x))`), ``pgd_factor``,
        ``pgd_stable_set`` (:math:`(0, 4x^*(1-x^*)/\lambda)`, local).

    Examples
    --------
    >>> c = derive_descent_conditions()
    >>> c["mirror_stable_set"]
    Interval.open(0, 2/lam)
    >>> c["pgd_stable_set"]  # 4 x (1 - x) / lam
    Interval.open(0, -4*x*(x - 1)/lam)
    """
    k = sympy.Symbol("k", integer=True, nonnegative=True)
    y0 = sympy.Symbol("y_0", real=True)
    y = sympy.Function("y")
    factor = 1 - ETA * LAM
    sol = sympy.rsolve(y(k + 1) - factor * y(k) + ETA * E, y(k), {y(0): y0})
    stable = sympy.solveset(sympy.Abs(factor) < 1, ETA, sympy.S.Reals)
    one_step = sympy.solve(factor, ETA)
    F2 = E * X + LAM * (X * sympy.log(X) + (1 - X) * sympy.log(1 - X))  # two states, E = (E, 0)
    curv = sympy.factor(sympy.simplify(sympy.diff(F2, X, 2)))
    # |1 - eta kappa/2| < 1 for a positive curvature kappa, then kappa = F''(x*)
    kappa = sympy.Symbol("kappa", positive=True)
    local = sympy.solveset(sympy.Abs(1 - ETA / 2 * kappa) < 1, ETA, sympy.S.Reals)
    pgd_factor = 1 - ETA / 2 * curv
    pgd_stable = sympy.Interval.open(0, sympy.factor(sympy.simplify(4 / curv)))
    if local != sympy.Interval.open(0, 4 / kappa):  # pragma: no cover - SymPy regression guard
        raise RuntimeError(f"unexpected local stability set {local}")
    return {
        "mirror_factor": factor,
        "mirror_solution": sol,
        "mirror_stable_set": stable,
        "mirror_one_step": one_step[0],
        "pgd_curvature": curv,
        "pgd_factor": pgd_factor,
        "pgd_stable_set": pgd_stable,
    }


def gibbs_kernel_specs() -> list:
    """The kernels generated from :func:`derive_gibbs` (used by ``iegn.kernels.build``).

    Each is elementwise and NaN-safe by construction: logarithms are taken of a value that is
    replaced by 1 where the convention ``0 log 0 = 0`` applies, so no ``log(0)`` is evaluated.
    """
    from ..kernels._codegen import KernelSpec

    d = derive_gibbs(2)
    if d["shift_residual"] != 0:  # pragma: no cover - the shift is what makes the kernels safe
        raise RuntimeError("Boltzmann weights are not shift invariant")
    safe_p = sympy.Piecewise((P, P > 0), (1, True))
    safe_q = sympy.Piecewise((PQ, PQ > 0), (1, True))
    # The ground state's weight is exactly 1 and a zero ground energy adds nothing to log Z, at
    # every temperature: stated as branches, so that no 0/lam is evaluated there (XLA flushes a
    # subnormal lam to 0, and 0/0 would be NaN where the limit is 1, resp. 0).
    weight = sympy.Piecewise((1, sympy.Eq(E, E_MIN)), (sympy.exp(-(E - E_MIN) / LAM), True))
    log_z = sympy.Piecewise((sympy.log(SUM_W), sympy.Eq(E_MIN, 0)), (-E_MIN / LAM + sympy.log(SUM_W), True))
    return [
        KernelSpec("boltzmann_weight", (E, E_MIN, LAM), (weight,),
                   "Unnormalised Boltzmann weight exp(-(E - E_min)/lam), in [0, 1] for E >= E_min; "
                   "exactly 1 at E = E_min.",
                   overflow_to_limit=True),
        KernelSpec("log_partition_shifted", (E_MIN, LAM, SUM_W), (log_z,),
                   "log Z = -E_min/lam + log s, with s the sum of the shifted weights (s >= 1); "
                   "log s where E_min = 0."),
        KernelSpec("entropy_term", (P,), (-P * sympy.log(safe_p),),
                   "-p log p, with 0 log 0 = 0 and no log(0) evaluated."),
        KernelSpec("kl_term", (P, PQ),
                   (sympy.Piecewise((0, sympy.Le(P, 0)), (sympy.oo, sympy.Le(PQ, 0)),
                                    (P * (sympy.log(safe_p) - sympy.log(safe_q)), True)),),
                   "p log(p/q): 0 where p = 0, +inf where p > 0 = q."),
    ]
