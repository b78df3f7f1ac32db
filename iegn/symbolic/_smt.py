"""SMT certificates: scalar statements proved by z3 over the real numbers.

A statement ``hypotheses => conclusion`` is *proved* when z3 reports that its negation
``hypotheses and not conclusion`` is unsatisfiable (nonlinear real arithmetic, complete for
polynomial constraints). The SymPy expressions are translated to z3 term by term, so a
certificate checks the *derived* expression, not a retyped copy.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

import sympy
import z3

from .._errors import InvalidArgumentError
from .._validation import check_int, check_option
from ._stability import ALPHA, MU, MU_2, MU_MAX, derive_stability

__all__ = ["Certificate", "prove", "to_z3", "stability_certificates"]

SolverVerdict = Literal["proved", "refuted", "unknown"]


@dataclass(frozen=True)
class Certificate:
    """The outcome of one SMT check.

    Attributes
    ----------
    name
        Short identifier (``"sufficiency"``, ``"optimal_unique"``, ...).
    statement
        The statement in words and formulas.
    verdict
        ``"proved"`` (negation unsatisfiable), ``"refuted"`` (z3 found a model of the
        negation: ``counterexample`` holds it) or ``"unknown"``.
    seconds
        Wall-clock solve time.
    smtlib
        The SMT-LIB 2 text of the negated query, so the certificate can be replayed with any
        solver.
    counterexample
        Values of the variables in the model of the negation, when refuted.
    """

    name: str
    statement: str
    verdict: SolverVerdict
    seconds: float
    smtlib: str
    counterexample: Mapping[str, str] | None = field(default=None)
    expected: SolverVerdict = "proved"

    @property
    def as_expected(self) -> bool:
        """True when the solver's verdict is the one the statement was filed with."""
        return self.verdict == self.expected

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready dictionary (SMT-LIB text included)."""
        return {
            "name": self.name,
            "statement": self.statement,
            "verdict": self.verdict,
            "expected": self.expected,
            "seconds": round(self.seconds, 6),
            "counterexample": dict(self.counterexample) if self.counterexample else None,
            "smtlib": self.smtlib,
        }


def to_z3(expr: sympy.Basic, variables: Mapping[sympy.Symbol, z3.ArithRef]) -> z3.ExprRef:
    """Translate a SymPy expression or relation over the reals into a z3 term.

    Supports rationals, symbols, ``+``, ``*``, integer powers, ``Abs``, ``Max``, ``Min``,
    relations and the Boolean connectives. Anything else raises, so nothing is silently
    approximated.
    """
    def go(e: sympy.Basic) -> z3.ExprRef:
        if isinstance(e, sympy.Symbol):
            if e not in variables:
                raise InvalidArgumentError(f"symbol {e} has no z3 variable")
            return variables[e]
        if e is sympy.true:
            return z3.BoolVal(True)
        if e is sympy.false:
            return z3.BoolVal(False)
        if isinstance(e, sympy.Rational):
            return z3.RealVal(f"{e.p}/{e.q}")
        if isinstance(e, sympy.Add):
            return z3.Sum(*[go(a) for a in e.args])
        if isinstance(e, sympy.Mul):
            return z3.Product(*[go(a) for a in e.args])
        if isinstance(e, sympy.Pow):
            base, exp = e.args
            if not (exp.is_Integer):
                raise InvalidArgumentError(f"non-integer power {e} cannot be sent to z3")
            n = int(exp)
            b = go(base)
            if n == 0:
                return z3.RealVal(1)
            term = b
            for _ in range(abs(n) - 1):
                term = term * b
            return term if n > 0 else 1 / term
        if isinstance(e, sympy.Abs):
            a = go(e.args[0])
            return z3.If(a >= 0, a, -a)
        if isinstance(e, (sympy.Max, sympy.Min)):
            terms = [go(a) for a in e.args]
            acc = terms[0]
            for t in terms[1:]:
                acc = z3.If(t > acc, t, acc) if isinstance(e, sympy.Max) else z3.If(t < acc, t, acc)
            return acc
        rel = {
            sympy.StrictLessThan: lambda a, b: a < b,
            sympy.LessThan: lambda a, b: a <= b,
            sympy.StrictGreaterThan: lambda a, b: a > b,
            sympy.GreaterThan: lambda a, b: a >= b,
            sympy.Equality: lambda a, b: a == b,
            sympy.Unequality: lambda a, b: a != b,
        }
        for cls, op in rel.items():
            if isinstance(e, cls):
                return op(go(e.lhs), go(e.rhs))
        if isinstance(e, sympy.And):
            return z3.And(*[go(a) for a in e.args])
        if isinstance(e, sympy.Or):
            return z3.Or(*[go(a) for a in e.args])
        if isinstance(e, sympy.Not):
            return z3.Not(go(e.args[0]))
        if isinstance(e, sympy.Implies):
            return z3.Implies(go(e.args[0]), go(e.args[1]))
        raise InvalidArgumentError(f"cannot translate {type(e).__name__} ({e}) to z3")

    return go(sympy.sympify(expr))


def prove(
    name: str,
    statement: str,
    hypotheses: Sequence[sympy.Basic],
    conclusion: sympy.Basic,
    *,
    expected: SolverVerdict = "proved",
    timeout_ms: int = 60_000,
) -> Certificate:
    """Prove ``And(*hypotheses) => conclusion`` for all real values of its symbols.

    Relations must be built unevaluated (``sympy.Lt(a, b, evaluate=False)`` or via
    ``sympy.Rel``) or as plain relationals; every free symbol becomes a z3 ``Real``.

    Examples
    --------
    >>> import sympy
    >>> x = sympy.Symbol("x", real=True)
    >>> prove("square", "x^2 >= 0", [], sympy.Ge(x**2, 0)).verdict
    'proved'
    >>> prove("wrong", "x^2 > 0", [], sympy.Gt(x**2, 0)).verdict
    'refuted'
    """
    check_option("expected", expected, ("proved", "refuted", "unknown"))
    timeout_ms = check_int("timeout_ms", timeout_ms, minimum=1)
    if isinstance(hypotheses, (str, sympy.Basic)) or not isinstance(hypotheses, Sequence):
        raise InvalidArgumentError(f"hypotheses={hypotheses!r} must be a sequence of SymPy relations")
    formulas = [*hypotheses, conclusion]
    try:
        free = sorted(set().union(*(sympy.sympify(f).free_symbols for f in formulas)), key=str)
    except (sympy.SympifyError, TypeError, AttributeError) as exc:
        raise InvalidArgumentError(f"a hypothesis or the conclusion is not a SymPy formula: {exc}") from None
    variables = {s: z3.Real(str(s)) for s in free}
    solver = z3.Solver()
    solver.set("timeout", int(timeout_ms))
    for h in hypotheses:
        solver.add(to_z3(h, variables))
    solver.add(z3.Not(to_z3(conclusion, variables)))
    smtlib = solver.to_smt2()
    start = time.perf_counter()
    answer = solver.check()
    seconds = time.perf_counter() - start
    model = None
    if answer == z3.unsat:
        verdict: SolverVerdict = "proved"
    elif answer == z3.sat:
        verdict = "refuted"
        m = solver.model()
        model = {str(s): str(m.eval(v, model_completion=True)) for s, v in variables.items()}
    else:
        verdict = "unknown"
    return Certificate(name, statement, verdict, seconds, smtlib, model, expected)


@cache
def stability_certificates() -> dict[str, Certificate]:
    """Machine-check the scalar statements of the stability theorem with z3.

    Every statement is built from the expressions returned by
    :func:`~iegn.symbolic.derive_stability` (the mode factor :math:`g = 1-\\alpha\\mu`,
    the critical step, the convergence factor and the optimal step and factor).

    Returns
    -------
    dict of str to Certificate
        ``sufficiency``, ``necessity``, ``boundary``, ``beyond``, ``nonpositive_step``,
        ``endpoint_max``, ``optimal_lower_bound``, ``optimal_attained``, ``optimal_unique``,
        ``optimal_stable`` (each expected ``"proved"``) and ``closed_bound_insufficient``
        (expected ``"refuted"``: allowing ``alpha = 2/mu_max`` breaks the strict contraction,
        and z3 returns the witness).
    """
    d = derive_stability()
    g = d["mode_factor"]
    g2, gmax = g.subs(MU, MU_2), g.subs(MU, MU_MAX)
    crit, rho = d["critical_step"], d["convergence_factor"]
    opt, opt_rho = d["optimal_step"], d["optimal_factor"]
    # z3 works with unconstrained reals: rename to assumption-free symbols, state signs explicitly.
    ren = {ALPHA: sympy.Symbol("alpha"), MU_MAX: sympy.Symbol("mu_max"), MU_2: sympy.Symbol("mu_2"), MU: sympy.Symbol("mu")}
    A, M, m, mu = ren[ALPHA], ren[MU_MAX], ren[MU_2], ren[MU]

    def r(e: sympy.Basic) -> sympy.Basic:
        return sympy.sympify(e).xreplace(ren)

    g, g2, gmax, crit, rho, opt, opt_rho = map(r, (g, g2, gmax, crit, rho, opt, opt_rho))
    Lt, Le, Gt, Ge, Eq = sympy.Lt, sympy.Le, sympy.Gt, sympy.Ge, sympy.Eq
    ordered = [Gt(m, 0), Le(m, M)]
    certs = [
        prove("sufficiency", "0 < mu <= mu_max and 0 < alpha < 2/mu_max  =>  |1 - alpha mu| < 1",
              [Gt(mu, 0), Le(mu, M), Gt(A, 0), Lt(A, crit)], Lt(sympy.Abs(g), 1)),
        prove("necessity", "mu_max > 0 and |1 - alpha mu_max| < 1  =>  0 < alpha < 2/mu_max",
              [Gt(M, 0), Lt(sympy.Abs(gmax), 1)], sympy.And(Gt(A, 0), Lt(A, crit))),
        prove("boundary", "mu_max > 0 and alpha = 2/mu_max  =>  1 - alpha mu_max = -1 (the top mode oscillates, never decays)",
              [Gt(M, 0), Eq(A, crit)], Eq(gmax, -1)),
        prove("beyond", "mu_max > 0 and alpha > 2/mu_max  =>  |1 - alpha mu_max| > 1 (the top mode grows)",
              [Gt(M, 0), Gt(A, crit)], Gt(sympy.Abs(gmax), 1)),
        prove("nonpositive_step", "mu > 0 and alpha <= 0  =>  |1 - alpha mu| >= 1 (no decay without a positive step)",
              [Gt(mu, 0), Le(A, 0)], Ge(sympy.Abs(g), 1)),
        prove("endpoint_max", "0 < mu_2 <= mu <= mu_max  =>  |1 - alpha mu| <= max(|1 - alpha mu_2|, |1 - alpha mu_max|)",
              [*ordered, Le(m, mu), Le(mu, M)], Le(sympy.Abs(g), rho)),
        prove("optimal_lower_bound", "0 < mu_2 <= mu_max  =>  rho(alpha) >= (mu_max - mu_2)/(mu_max + mu_2) for every alpha",
              ordered, Ge(rho, opt_rho)),
        prove("optimal_attained", "0 < mu_2 <= mu_max  =>  rho(2/(mu_2 + mu_max)) = (mu_max - mu_2)/(mu_max + mu_2)",
              ordered, Eq(rho.subs(A, opt), opt_rho)),
        prove("optimal_unique", "0 < mu_2 < mu_max and rho(alpha) = (mu_max - mu_2)/(mu_max + mu_2)  =>  alpha = 2/(mu_2 + mu_max)",
              [Gt(m, 0), Lt(m, M), Eq(rho, opt_rho)], Eq(A, opt)),
        prove("optimal_stable", "0 < mu_2 <= mu_max  =>  0 < 2/(mu_2 + mu_max) < 2/mu_max and the optimal factor < 1",
              ordered, sympy.And(Gt(opt, 0), Lt(opt, crit), Lt(opt_rho, 1))),
        prove("closed_bound_insufficient", "0 < mu <= mu_max and 0 < alpha <= 2/mu_max  =>  |1 - alpha mu| < 1  (expected false)",
              [Gt(mu, 0), Le(mu, M), Gt(A, 0), Le(A, crit)], Lt(sympy.Abs(g), 1), expected="refuted"),
    ]
    return {c.name: c for c in certs}
