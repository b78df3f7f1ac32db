r"""The computational Lagrangian of blueprint §1.1–§1.2, derived.

The blueprint governs its system by

.. math:: \mathcal L(q, \dot q) = T - V - \lambda S, \qquad
          T = \tfrac12 \sum_i m_i \dot q_i^2, \qquad S = -\sum_i q_i \log q_i .

Everything here is *derived* by SymPy from that Lagrangian: the Euler–Lagrange equations
(solved for the accelerations), the Hamiltonian (Legendre transform), the energy balance with
Rayleigh dissipation :math:`R = \tfrac12\sum_i \gamma_i \dot q_i^2`, the static equilibria and
their stability, the boundary :math:`q_i \to 0^+` of the entropy's domain, and the discrete
(variational) Euler–Lagrange equations of a discrete Lagrangian :math:`L_d(q_k, q_{k+1}, h)`.

**Scale.** T, S and an elementwise ("site") potential :math:`\sum_i f(q_i)` are *separable*:
every coordinate obeys the same equation. They are derived once, for a representative
coordinate with scalar symbols ``q, v, m, gamma``, so the cost of the derivation does not
grow with the number of coordinates N. Only a coupling potential :math:`V_c(q_0, \dots)`
is differentiated coordinate by coordinate, term by term (the cost is the size of its
expression, which the caller wrote down anyway). A coordinate's equation is materialised
when it is asked for.

**Sign conventions.** ``entropy="blueprint"`` is the Lagrangian as written,
:math:`\mathcal L = T - V - \lambda S`, whose effective potential is :math:`V + \lambda S`.
``entropy="free-energy"`` is the corrected one, :math:`\mathcal L = T - (V - \lambda S)`,
whose effective potential is Lemma 1's free energy :math:`F = V - \lambda S`.
``entropy="none"`` drops the entropy term.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import sympy

from .._errors import InvalidArgumentError
from .._validation import check_int, check_option

__all__ = [
    "ENTROPY_CONVENTIONS",
    "EntropyConvention",
    "EulerLagrangeDerivation",
    "Equilibrium",
    "derive_euler_lagrange",
    "parse_potential",
    "coordinate_symbols",
    "exact_simplify",
]

EntropyConvention = Literal["blueprint", "free-energy", "none"]
#: The sign conventions for the entropy term: :math:`\mathcal L = T - V - \sigma\lambda S` with
#: :math:`\sigma = 1` (``"blueprint"``), :math:`-1` (``"free-energy"``) or 0 (``"none"``).
ENTROPY_CONVENTIONS: tuple[str, ...] = ("blueprint", "free-energy", "none")
_SIGMA = {"blueprint": 1, "free-energy": -1, "none": 0}

# Representative-coordinate ("site") symbols. The derivation of the separable part uses only
# these, whatever N is.
Q = sympy.Symbol("q", real=True)
V = sympy.Symbol("v", real=True)
A = sympy.Symbol("a", real=True)
M = sympy.Symbol("m", positive=True)
GAMMA = sympy.Symbol("gamma", nonnegative=True)
LAM = sympy.Symbol("lam", positive=True)
#: Generalised force on the coordinate from the coupling potential, :math:`-\partial V_c/\partial q_i`.
F = sympy.Symbol("F", real=True)
# Discrete mechanics: step, the two ends of a step and the forces there, momentum.
H = sympy.Symbol("h", positive=True)
Q0, Q1, QM = sympy.symbols("q_k q_k1 q_km1", real=True)
F0, F1 = sympy.symbols("F_k F_k1", real=True)
P0 = sympy.Symbol("p_k", real=True)

_RESERVED = {"lam", "q", "v", "m", "gamma", "a", "F", "h", "t"}
_INDEXED_NAME = re.compile(r"^(q|v|m|gamma)(0|[1-9][0-9]*)$")


def coordinate_symbols(n: int) -> dict[str, tuple[sympy.Symbol, ...]]:
    """The symbols of an N-coordinate system: ``q0…``, ``v0…``, ``m0…``, ``gamma0…``.

    Examples
    --------
    >>> coordinate_symbols(2)["q"]
    (q0, q1)
    """
    n = check_int("coordinates", n, minimum=1)
    return {
        "q": tuple(_indexed_symbol("q", i) for i in range(n)),
        "v": tuple(_indexed_symbol("v", i) for i in range(n)),
        "m": tuple(_indexed_symbol("m", i) for i in range(n)),
        "gamma": tuple(_indexed_symbol("gamma", i) for i in range(n)),
    }


@functools.lru_cache(maxsize=None)
def _indexed_symbol(kind: str, i: int) -> sympy.Symbol:
    site = {"q": Q, "v": V, "m": M, "gamma": GAMMA}[kind]
    return sympy.Symbol(f"{kind}{i}", **site.assumptions0)


def _site_to(i: int) -> dict[sympy.Symbol, sympy.Symbol]:
    return {Q: _indexed_symbol("q", i), V: _indexed_symbol("v", i),
            M: _indexed_symbol("m", i), GAMMA: _indexed_symbol("gamma", i)}


def parse_potential(
    expr: sympy.Expr | str | float | int | None,
    allowed: Mapping[str, sympy.Symbol],
    *,
    what: str = "potential",
) -> sympy.Expr:
    """Parse ``expr`` (a string or SymPy expression) using only the symbols in ``allowed``.

    Symbols are matched by name, so ``sympy.Symbol("q0")`` and the string ``"q0"`` both mean
    the library's coordinate ``q0``.

    Raises
    ------
    InvalidArgumentError
        The string does not parse, the result is not a finite real expression, or it uses a
        symbol that is not in ``allowed`` (the message names it).

    Examples
    --------
    >>> q0 = coordinate_symbols(1)["q"][0]
    >>> parse_potential("q0**2/2", {"q0": q0})
    q0**2/2
    """
    if expr is None:
        return sympy.Integer(0)
    if isinstance(expr, str):
        text = expr.strip()
        if not text:
            raise InvalidArgumentError(f"{what}={expr!r} is empty")
        try:
            parsed = sympy.parse_expr(text, local_dict=dict(allowed), evaluate=True)
        except Exception as exc:  # SyntaxError, TokenError, TypeError... all mean "does not parse"
            raise InvalidArgumentError(f"{what}={expr!r} does not parse: {type(exc).__name__}") from None
    else:
        try:
            parsed = sympy.sympify(expr, strict=True)
        except sympy.SympifyError:
            raise InvalidArgumentError(f"{what}={expr!r} is not a SymPy expression") from None
    # a Symbol is also a sympy Boolean: a bare coordinate (V = q0) is a scalar expression
    if not isinstance(parsed, sympy.Expr) or isinstance(parsed, sympy.Lambda) or (
            isinstance(parsed, sympy.logic.boolalg.Boolean) and not isinstance(parsed, sympy.Symbol)):
        raise InvalidArgumentError(f"{what}={expr!r} is not a scalar expression")
    unknown = sorted(s.name for s in parsed.free_symbols if s.name not in allowed)  # type: ignore[attr-defined]
    if unknown:
        names = repr(allowed) if isinstance(allowed, _CoordinateNames) else ", ".join(sorted(allowed))
        raise InvalidArgumentError(f"{what}={expr!r} uses symbol {unknown[0]!r}, which is not one of: {names}")
    undefined = [f for f in parsed.atoms(sympy.Function) if isinstance(f, sympy.core.function.AppliedUndef)]
    if undefined:
        raise InvalidArgumentError(f"{what}={expr!r} uses the undefined function {undefined[0].func}")
    parsed = parsed.xreplace({s: allowed[s.name] for s in parsed.free_symbols})  # type: ignore[attr-defined]
    if parsed.has(sympy.zoo, sympy.oo, -sympy.oo, sympy.nan, sympy.I) or parsed.is_real is False:
        raise InvalidArgumentError(f"{what}={expr!r} is not a finite real expression")
    return parsed


@dataclass(frozen=True)
class Equilibrium:
    """A static equilibrium (all velocities zero) and its type.

    Attributes
    ----------
    point
        Coordinate name → value (a SymPy number or expression).
    hessian
        Hessian of the effective potential at the point.
    kind
        ``"minimum"`` (stable by Lagrange–Dirichlet), ``"maximum"``, ``"saddle"`` (both
        unstable: the linearisation has a growing mode), ``"degenerate"`` (a zero eigenvalue,
        undecided at second order) or ``"undetermined"`` (the sign depends on symbols).
    in_domain
        Whether every coordinate is > 0 where the entropy is used (always ``True`` with
        ``entropy="none"`` unless a coordinate is not real).
    """

    point: Mapping[str, sympy.Expr]
    hessian: sympy.Matrix
    kind: Literal["minimum", "maximum", "saddle", "degenerate", "undetermined"]
    in_domain: bool


def _classify(hessian: sympy.Matrix) -> Literal["minimum", "maximum", "saddle", "degenerate", "undetermined"]:
    if hessian.is_diagonal():
        eigs = [hessian[i, i] for i in range(hessian.rows)]
    else:
        try:
            eigs = list(hessian.eigenvals(multiple=True))
        except Exception:  # pragma: no cover - SymPy cannot find the roots
            return "undetermined"
    signs = []
    for e in eigs:
        e = sympy.simplify(e)
        if e.is_positive:
            signs.append(1)
        elif e.is_negative:
            signs.append(-1)
        elif e.is_zero:
            signs.append(0)
        else:
            return "undetermined"
    if 0 in signs:
        return "degenerate"
    if all(s > 0 for s in signs):
        return "minimum"
    if all(s < 0 for s in signs):
        return "maximum"
    return "saddle"


@dataclass(frozen=True, eq=False)
class EulerLagrangeDerivation(Mapping[str, sympy.Expr]):
    r"""Keyed result of :func:`derive_euler_lagrange`.

    A read-only mapping from coordinate name (``"q0"``, ``"q1"``, …) to its acceleration
    :math:`\ddot q_i` as a SymPy expression. Each entry is built from the representative
    (site) derivation when it is asked for, so a derivation for N = 10⁴ coordinates costs
    what N = 10 costs until its entries are used.

    Attributes
    ----------
    n
        Number of coordinates N.
    entropy
        The entropy convention (see :data:`ENTROPY_CONVENTIONS`).
    dissipation
        Whether Rayleigh dissipation :math:`\tfrac12\sum_i\gamma_i\dot q_i^2` is included.
    site
        The separable part, derived once for a representative coordinate with symbols
        ``q, v, m, gamma, lam`` and the coupling force ``F``: keys ``lagrangian``,
        ``momentum``, ``euler_lagrange`` (the equation, = 0), ``acceleration``,
        ``hamiltonian``, ``energy_rate`` (:math:`\dot h - F v` along solutions),
        ``effective_potential``, ``effective_force``, ``stiffness`` (second derivative of the
        effective potential), ``boundary_potential``/``boundary_force`` (limits as
        :math:`q\to0^+`), ``discrete_lagrangian``, ``discrete_euler_lagrange``,
        ``discrete_map`` (:math:`q_{k+1}` from :math:`q_{k-1}, q_k`), ``position_update``
        and ``momentum_update`` (the position–momentum form of the variational integrator).
    site_potential
        :math:`f(q)` of the elementwise potential :math:`\sum_i f(q_i)`.
    coupling_potential
        :math:`V_c(q_0, \dots, q_{N-1})`.
    coupling_forces
        Coordinate index → :math:`-\partial V_c/\partial q_i` (only nonzero entries).
    parameters
        Extra symbols of the potentials (shared constants such as a stiffness ``k``).
    steps
        The derivation in words, one entry per SymPy operation.
    """

    n: int
    entropy: EntropyConvention
    dissipation: bool
    site: Mapping[str, sympy.Expr]
    site_potential: sympy.Expr
    coupling_potential: sympy.Expr
    coupling_forces: Mapping[int, sympy.Expr]
    parameters: tuple[sympy.Symbol, ...]
    steps: tuple[str, ...] = field(default=())

    # -- identity: two derivations of the same system are equal ---------------------------
    def _key(self) -> tuple[Any, ...]:
        return (self.n, self.entropy, self.dissipation, self.site_potential, self.coupling_potential,
                self.parameters)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, EulerLagrangeDerivation):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (f"EulerLagrangeDerivation(n={self.n}, entropy={self.entropy!r}, dissipation={self.dissipation}, "
                f"site_potential={self.site_potential}, coupling_potential={self.coupling_potential})")

    # -- the mapping interface: coordinate name -> acceleration -----------------------------
    def _index(self, key: str) -> int:
        m = _INDEXED_NAME.match(key) if isinstance(key, str) else None
        if not (m and m.group(1) == "q" and int(m.group(2)) < self.n):
            raise KeyError(key)
        return int(m.group(2))

    def __getitem__(self, key: str) -> sympy.Expr:
        return self.acceleration(self._index(key))

    def __iter__(self) -> Iterator[str]:
        return (f"q{i}" for i in range(self.n))

    def __len__(self) -> int:
        return self.n

    def __contains__(self, key: object) -> bool:
        try:
            self._index(key)  # type: ignore[arg-type]
        except KeyError:
            return False
        return True

    # -- symbols ------------------------------------------------------------------------------
    @property
    def temperature(self) -> sympy.Symbol:
        """The temperature symbol :math:`\\lambda` (``lam``)."""
        return LAM

    @functools.cached_property
    def symbols(self) -> dict[str, tuple[sympy.Symbol, ...]]:
        """``{"q": (q0, …), "v": …, "m": …, "gamma": …}`` (built on first use, O(N))."""
        return coordinate_symbols(self.n)

    # -- per-coordinate expressions ---------------------------------------------------------
    def force(self, i: int) -> sympy.Expr:
        """The coupling force :math:`-\\partial V_c/\\partial q_i` (0 when uncoupled)."""
        return self.coupling_forces.get(i, sympy.Integer(0))

    def acceleration(self, i: int) -> sympy.Expr:
        """:math:`\\ddot q_i` in the coordinate symbols ``q{i}, v{i}, m{i}, gamma{i}, lam``."""
        i = check_int("coordinate index", i, minimum=0)
        if i >= self.n:
            raise InvalidArgumentError(f"coordinate index {i} is not < N = {self.n}")
        return self.site["acceleration"].xreplace({**_site_to(i), F: self.force(i)})

    def accelerations(self) -> dict[str, sympy.Expr]:
        """Every acceleration, keyed by coordinate name (O(N) expressions)."""
        return {f"q{i}": self.acceleration(i) for i in range(self.n)}

    def equations(self) -> dict[str, sympy.Expr]:
        """The Euler–Lagrange equations (each ``= 0``), with ``a{i}`` for :math:`\\ddot q_i`."""
        out = {}
        for i in range(self.n):
            a_i = sympy.Symbol(f"a{i}", real=True)
            out[f"q{i}"] = self.site["euler_lagrange"].xreplace({**_site_to(i), A: a_i, F: self.force(i)})
        return out

    def _sum_sites(self, key: str) -> sympy.Expr:
        site = self.site[key]
        return sympy.Add(*(site.xreplace(_site_to(i)) for i in range(self.n)))

    @functools.cached_property
    def lagrangian(self) -> sympy.Expr:
        """:math:`\\mathcal L = \\sum_i \\ell(q_i, \\dot q_i) - V_c` in the coordinate symbols."""
        return self._sum_sites("lagrangian") - self.coupling_potential

    @functools.cached_property
    def hamiltonian(self) -> sympy.Expr:
        """:math:`H = \\sum_i p_i\\dot q_i - \\mathcal L` (Legendre transform), in ``q{i}, v{i}``."""
        return self._sum_sites("hamiltonian") + self.coupling_potential

    @functools.cached_property
    def effective_potential(self) -> sympy.Expr:
        """:math:`U = \\sum_i (f(q_i) + \\sigma\\lambda s(q_i)) + V_c`, with :math:`s = -q\\log q`."""
        return self._sum_sites("effective_potential") + self.coupling_potential

    @functools.cached_property
    def energy_rate(self) -> sympy.Expr:
        """:math:`dH/dt` along solutions, derived by the chain rule and simplified exactly."""
        q, v = self.symbols["q"], self.symbols["v"]
        H_ = self.hamiltonian
        rate = sum((sympy.diff(H_, q[i]) * v[i] + sympy.diff(H_, v[i]) * self.acceleration(i)
                    for i in range(self.n)), sympy.Integer(0))
        return exact_simplify(rate)

    def indexed(self) -> dict[str, sympy.Expr]:
        """Lagrangian and Hamiltonian as :class:`sympy.Sum` over an index ``i`` (O(1) in N).

        Keys ``lagrangian``, ``hamiltonian``, ``acceleration`` (of coordinate ``i``, with the
        coupling force written ``F[i]``).
        """
        i = sympy.Idx("i")
        qb, vb, mb, gb, fb = (sympy.IndexedBase(s) for s in ("q", "v", "m", "gamma", "F"))
        sub = {Q: qb[i], V: vb[i], M: mb[i], GAMMA: gb[i], F: fb[i]}
        rng = (i, 0, self.n - 1)
        return {
            "lagrangian": sympy.Sum(self.site["lagrangian"].xreplace(sub), rng) - self.coupling_potential,
            "hamiltonian": sympy.Sum(self.site["hamiltonian"].xreplace(sub), rng) + self.coupling_potential,
            "acceleration": self.site["acceleration"].xreplace(sub),
        }

    # -- equilibria -----------------------------------------------------------------------
    def site_equilibria(self, values: Mapping[str, Any] | None = None) -> list[Equilibrium]:
        """Equilibria of one uncoupled coordinate: :math:`U'(q) = 0` solved for ``q``.

        Parameters
        ----------
        values
            Numbers for ``lam`` and the parameters (optional: without them the type of an
            equilibrium may be ``"undetermined"``).

        Raises
        ------
        InvalidArgumentError
            If the system has a coupling potential (its equilibria are not per coordinate).
        """
        if self.coupling_forces:
            raise InvalidArgumentError("site_equilibria needs an uncoupled system; use equilibria()")
        subs = self._values(values)
        u = self.site["effective_potential"].xreplace(subs)
        roots = sympy.solve(sympy.diff(u, Q), Q, dict=False)
        out = []
        for r in roots:
            hess = sympy.Matrix([[sympy.simplify(sympy.diff(u, Q, 2).xreplace({Q: r}))]])
            out.append(Equilibrium({"q": r}, hess, _classify(hess), self._in_domain([r])))
        return out

    def equilibria(self, values: Mapping[str, Any] | None = None) -> list[Equilibrium]:
        """All static equilibria :math:`\\nabla U = 0` SymPy can solve for (small N).

        ``values`` gives numbers for ``lam`` and the parameters.
        """
        subs = self._values(values)
        U = self.effective_potential.xreplace(subs)
        q = self.symbols["q"]
        grad = [sympy.diff(U, qi) for qi in q]
        sols = sympy.solve(grad, list(q), dict=True)
        out = []
        for s in sols:
            point = [s.get(qi, qi) for qi in q]
            hess = sympy.hessian(U, q).xreplace(dict(zip(q, point)))
            hess = hess.applyfunc(sympy.simplify)
            out.append(Equilibrium({str(qi): p for qi, p in zip(q, point)}, hess, _classify(hess),
                                   self._in_domain(point)))
        return out

    def _values(self, values: Mapping[str, Any] | None) -> dict[sympy.Symbol, sympy.Expr]:
        if values is None:
            return {}
        known = {"lam": LAM, **{p.name: p for p in self.parameters}}
        out = {}
        for name, val in values.items():
            if name not in known:
                raise InvalidArgumentError(f"value for {name!r}: not one of {', '.join(sorted(known))}")
            out[known[name]] = sympy.nsimplify(val) if isinstance(val, float) else sympy.sympify(val)
        return out

    def _in_domain(self, point: Sequence[sympy.Expr]) -> bool:
        if self.entropy == "none":
            return all(p.is_real is not False for p in point)
        return all(bool(p.is_positive) for p in point)


# ------------------------------------------------------------------------------------------
def exact_simplify(expr: sympy.Expr) -> sympy.Expr:
    """Normalise ``expr`` exactly: rational-function normal form over its atoms.

    ``log(q)`` and other non-rational subterms are treated as independent atoms, so the result
    is zero exactly when the expression is zero as a rational function of those atoms — a
    decision, not a heuristic ``simplify``.

    Raises
    ------
    InvalidArgumentError
        ``expr`` is not a SymPy expression.
    """
    if not isinstance(expr, sympy.Basic):
        raise InvalidArgumentError(f"expr={expr!r} must be a SymPy expression")
    return sympy.factor_terms(sympy.cancel(sympy.expand(expr)))


def _right_limit_at_zero(expr: sympy.Expr) -> sympy.Expr:
    """``lim_{q -> 0+} expr``, left unevaluated (a :class:`sympy.Limit`) when SymPy cannot decide."""
    try:
        return sympy.limit(expr, Q, 0, "+")
    except (NotImplementedError, ValueError, TypeError):
        return sympy.Limit(expr, Q, 0, "+")


def _solve_linear(expr: sympy.Expr, x: sympy.Symbol) -> sympy.Expr:
    """The root of ``expr = 0``, which must be linear in ``x`` with a nonzero coefficient."""
    expr = sympy.expand(expr)
    coeff = sympy.cancel(sympy.diff(expr, x))
    if coeff.has(x) or coeff.is_zero is not False:  # pragma: no cover - structural guard
        raise RuntimeError(f"{expr} = 0 is not linear in {x} with a nonzero coefficient")
    return sympy.cancel(-expr.subs(x, 0) / coeff)


def _site_derivation(f: sympy.Expr, sigma: int, dissipation: bool) -> tuple[dict[str, sympy.Expr], list[str]]:
    steps: list[str] = []
    s = -Q * sympy.log(Q)  # entropy of one coordinate
    ell = M * V**2 / 2 - f - sigma * LAM * s
    steps.append("site Lagrangian l(q, v) = m v^2/2 - f(q) - sigma*lam*s(q), s(q) = -q log q")
    rayleigh = GAMMA * V**2 / 2 if dissipation else sympy.Integer(0)
    # Euler-Lagrange with generalised force F (from the coupling) and Rayleigh dissipation:
    # d/dt dl/dv - dl/dq + dR/dv = F, the total derivative by the chain rule through (q, v).
    p = sympy.diff(ell, V)
    dp_dt = sympy.diff(p, Q) * V + sympy.diff(p, V) * A
    el = dp_dt - sympy.diff(ell, Q) + sympy.diff(rayleigh, V) - F
    steps.append("Euler-Lagrange: d/dt(dl/dv) - dl/dq + dR/dv - F = 0, chain rule through (q, v)")
    # one fraction over the common denominator m: the form a reader writes, and one division
    # instead of one per term in the generated kernels
    acc = sympy.together(sympy.expand(_solve_linear(el, A)))
    steps.append("solve the (linear) equation for the acceleration a")
    ham = sympy.expand(p * V - ell)
    steps.append("Legendre transform h = p v - l with p = dl/dv")
    rate = exact_simplify(sympy.diff(ham, Q) * V + sympy.diff(ham, V) * acc - F * V)
    steps.append("dh/dt - F v along solutions (chain rule, acceleration substituted), exact normal form")
    u = f + sigma * LAM * s
    # Boundary of the entropy's domain q > 0: limits of the effective potential and force.
    bpot, bforce = _right_limit_at_zero(u), _right_limit_at_zero(-sympy.diff(u, Q))
    steps.append("limits of U and -U' as q -> 0+ (the edge of the entropy's domain)")
    # Discrete mechanics: trapezoidal discrete Lagrangian; the coupling enters as -F q at each end.
    def u_at(x: sympy.Symbol, force: sympy.Symbol) -> sympy.Expr:
        return u.xreplace({Q: x}) - force * x

    ld = H * (M * ((Q1 - Q0) / H) ** 2 / 2 - (u_at(Q0, F0) + u_at(Q1, F1)) / 2)
    # Lagrange-d'Alembert discrete forces of the Rayleigh term (midpoint velocity, h/2 each end)
    fd = -GAMMA * (Q1 - Q0) / 2 if dissipation else sympy.Integer(0)
    steps.append("discrete Lagrangian L_d = h [m ((q1-q0)/h)^2/2 - (U(q0)+U(q1))/2] (trapezoid)")
    prev = {Q0: QM, Q1: Q0, F0: F, F1: F}
    here = {F0: F, F1: F}
    del_eq = (sympy.diff(ld, Q1).xreplace(prev) + sympy.diff(ld, Q0).xreplace(here)
              + fd.xreplace(prev) + fd.xreplace(here))
    del_eq = sympy.expand(del_eq)
    steps.append("discrete Euler-Lagrange D2 L_d(q_{k-1}, q_k) + D1 L_d(q_k, q_{k+1}) + f_d^+ + f_d^- = 0")
    nxt = _solve_linear(del_eq, Q1)
    steps.append("solve the discrete equation for q_{k+1}: the variational integrator's map")
    # Position-momentum form: p_k = -D1 L_d - f_d^-, p_{k+1} = D2 L_d + f_d^+.
    pos = _solve_linear(P0 + sympy.diff(ld, Q0) + fd, Q1)
    mom = sympy.expand(sympy.diff(ld, Q1) + fd)
    steps.append("discrete Legendre transforms p_k = -D1 L_d - f^-, p_{k+1} = D2 L_d + f^+ (velocity Verlet)")
    site = {
        "lagrangian": ell,
        "entropy": s,
        "rayleigh": rayleigh,
        "momentum": p,
        "euler_lagrange": el,
        "acceleration": acc,
        "hamiltonian": ham,
        "energy_rate": rate,
        "effective_potential": u,
        "effective_force": -sympy.diff(u, Q),
        "stiffness": sympy.diff(u, Q, 2),
        "boundary_potential": bpot,
        "boundary_force": bforce,
        "discrete_lagrangian": ld,
        "discrete_euler_lagrange": del_eq,
        "discrete_map": sympy.expand(nxt),
        "position_update": sympy.expand(pos),
        "momentum_update": mom,
    }
    return site, steps


def _coupling_forces(vc: sympy.Expr, q: Mapping[str, sympy.Symbol]) -> dict[int, sympy.Expr]:
    """-grad V_c, differentiating each additive term only in the coordinates it contains."""
    grad: dict[int, list[sympy.Expr]] = {}
    coords = set(q.values())
    for term in sympy.Add.make_args(sympy.expand(vc) if vc.is_polynomial() else vc):
        for s in term.free_symbols & coords:
            i = int(s.name[1:])  # type: ignore[attr-defined]
            grad.setdefault(i, []).append(sympy.diff(term, s))
    out = {}
    for i, parts in sorted(grad.items()):
        g = sympy.Add(*parts)
        if g != 0:
            out[i] = -g
    return out


@functools.lru_cache(maxsize=64)
def _site_cached(f: sympy.Expr, sigma: int, dissipation: bool) -> tuple[tuple[str, sympy.Expr], ...]:
    site, steps = _site_derivation(f, sigma, dissipation)
    return tuple(site.items()) + (("__steps__", tuple(steps)),)  # type: ignore[return-value]


def derive_euler_lagrange(
    coordinates: int,
    potential: sympy.Expr | str | None = None,
    *,
    site_potential: sympy.Expr | str | None = None,
    parameters: Sequence[str | sympy.Symbol] = (),
    entropy: EntropyConvention = "blueprint",
    dissipation: bool = False,
) -> EulerLagrangeDerivation:
    r"""Derive the Euler–Lagrange equations of the computational Lagrangian.

    .. math:: \mathcal L = \sum_{i} \Bigl(\tfrac12 m_i \dot q_i^2 - f(q_i)
              + \sigma\lambda\, q_i\log q_i\Bigr) - V_c(q), \qquad
              \frac{d}{dt}\frac{\partial\mathcal L}{\partial\dot q_i}
              - \frac{\partial\mathcal L}{\partial q_i}
              = -\frac{\partial R}{\partial \dot q_i}

    with :math:`R = \tfrac12\sum_i\gamma_i\dot q_i^2` when ``dissipation`` is on and
    :math:`\sigma` from ``entropy``. The blueprint's :math:`\mathcal L = T - V - \lambda S`
    (§1.1) is ``entropy="blueprint"`` with :math:`V = \sum_i f(q_i) + V_c`.

    Parameters
    ----------
    coordinates
        Number of coordinates N (>= 1). Symbols: ``q0…q{N-1}`` (positions), ``v0…`` (velocities),
        ``m0…`` (masses), ``gamma0…`` (damping), ``lam`` (temperature :math:`\lambda`).
    potential
        The coupling potential :math:`V_c`: a SymPy expression or string in ``q0…q{N-1}``
        and the declared ``parameters``. Default 0.
    site_potential
        An elementwise potential :math:`f`: an expression in ``q`` (and the parameters),
        applied to every coordinate, :math:`V \mathrel{+}= \sum_i f(q_i)`. Derived once, whatever N.
    parameters
        Names of extra constant symbols the potentials may use (e.g. ``["k"]``).
    entropy
        ``"blueprint"`` (:math:`-\lambda S`, as written), ``"free-energy"``
        (:math:`+\lambda S`: the effective potential is :math:`F = V - \lambda S`) or ``"none"``.
    dissipation
        Add Rayleigh dissipation with coefficients ``gamma{i}``.

    Returns
    -------
    EulerLagrangeDerivation
        Mapping coordinate name → acceleration, plus the Hamiltonian, energy balance,
        equilibria and discrete mechanics.

    Raises
    ------
    InvalidArgumentError
        N < 1, an unparseable potential, or a symbol that is not a coordinate or a declared
        parameter.

    Notes
    -----
    Hamilton's principle and the Euler–Lagrange equations are in :cite:t:`goldstein2002classical`
    (Ch. 2); Rayleigh's dissipation function in its §1.5. The discrete Lagrangian and the
    discrete Euler–Lagrange equations, and their forced (Lagrange–d'Alembert) form, follow
    :cite:t:`marsden2001discrete` (§1.2, §3).

    Examples
    --------
    >>> d = derive_euler_lagrange(2, "k*(q1 - q0)**2/2", parameters=["k"], entropy="none")
    >>> d["q0"], d["q1"]
    ((-k*q0 + k*q1)/m0, (k*q0 - k*q1)/m1)
    >>> derive_euler_lagrange(1)["q0"]  # the blueprint's entropy term alone
    (lam*log(q0) + lam)/m0
    >>> derive_euler_lagrange(1, dissipation=True).energy_rate
    -gamma0*v0**2
    """
    n = check_int("coordinates", coordinates, minimum=1)
    check_option("entropy", entropy, ENTROPY_CONVENTIONS)
    if not isinstance(dissipation, bool):
        raise InvalidArgumentError(f"dissipation={dissipation!r} must be True or False")
    params = _parameters(parameters)
    pmap = {p.name: p for p in params}
    f = parse_potential(site_potential, {"q": Q, **pmap}, what="site_potential")
    if potential is None:
        vc = sympy.Integer(0)
    else:
        allowed = _CoordinateNames(n, pmap)
        vc = parse_potential(potential, allowed, what="potential")
    cached = dict(_site_cached(f, _SIGMA[entropy], dissipation))
    steps = list(cached.pop("__steps__"))  # type: ignore[arg-type]
    qmap = {s.name: s for s in vc.free_symbols if s.name.startswith("q")}  # type: ignore[attr-defined]
    forces = _coupling_forces(vc, qmap)
    if forces:
        steps.append("coupling force -dV_c/dq_i, each additive term differentiated in its own coordinates")
    return EulerLagrangeDerivation(n=n, entropy=entropy, dissipation=dissipation, site=cached,
                                   site_potential=f, coupling_potential=vc, coupling_forces=forces,
                                   parameters=params, steps=tuple(steps))


class _CoordinateNames(Mapping[str, sympy.Symbol]):
    """``q0…q{N-1}`` plus parameters, as a mapping that does not build N symbols up front."""

    def __init__(self, n: int, params: Mapping[str, sympy.Symbol]) -> None:
        self.n, self.params = n, params

    def __getitem__(self, key: str) -> sympy.Symbol:
        if key in self.params:
            return self.params[key]
        m = _INDEXED_NAME.match(key)
        if m and m.group(1) == "q" and int(m.group(2)) < self.n:
            return _indexed_symbol("q", int(m.group(2)))
        raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        try:
            self[key]  # type: ignore[index]
        except KeyError:
            return False
        return True

    def __iter__(self) -> Iterator[str]:
        yield from (f"q{i}" for i in range(min(self.n, 6)))
        yield from self.params

    def __len__(self) -> int:
        return self.n + len(self.params)

    def keys(self) -> Any:  # used to list names in error messages
        return list(self)

    def __repr__(self) -> str:
        return f"q0..q{self.n - 1}" + (", " + ", ".join(self.params) if self.params else "")


def _parameters(parameters: Sequence[str | sympy.Symbol]) -> tuple[sympy.Symbol, ...]:
    if isinstance(parameters, (str, sympy.Symbol)):
        parameters = [parameters]
    out = []
    for p in parameters:
        name = p.name if isinstance(p, sympy.Symbol) else p
        if not (isinstance(name, str) and name.isidentifier()):
            raise InvalidArgumentError(f"parameter {p!r} is not a valid symbol name")
        if name in _RESERVED or _INDEXED_NAME.match(name):
            raise InvalidArgumentError(f"parameter {name!r} clashes with a symbol of the Lagrangian")
        out.append(sympy.Symbol(name, real=True))
    if len({p.name for p in out}) != len(out):
        raise InvalidArgumentError(f"parameters {[p.name for p in out]} has duplicates")
    return tuple(out)
