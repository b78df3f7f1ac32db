"""Euler–Lagrange derivation: hand-derived cases, a second symbolic method, laws and bad input."""

from __future__ import annotations

import time

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st
from sympy.calculus.euler import euler_equations
from sympy.physics.mechanics import LagrangesMethod, dynamicsymbols

from iegn import InvalidArgumentError
from iegn.symbolic import derive_euler_lagrange, exact_simplify
from iegn.symbolic import _lagrangian as lg

from ._helpers import assert_close

LAM = lg.LAM


def syms(d):
    return d.symbols["q"], d.symbols["v"], d.symbols["m"], d.symbols["gamma"]


# ------------------------------------------------------------------ hand-derived cases
def test_harmonic_oscillator_by_hand():
    k = sympy.Symbol("k", real=True)
    d = derive_euler_lagrange(1, "k*q0**2/2", parameters=["k"], entropy="none")
    (q,), (v,), (m,), _ = syms(d)
    # m q'' = -k q
    assert exact_simplify(d["q0"] - (-k * q / m)) == 0
    assert exact_simplify(d.hamiltonian - (m * v**2 / 2 + k * q**2 / 2)) == 0
    assert d.energy_rate == 0


def test_blueprint_entropy_term_by_hand():
    # L = m v^2/2 - lam S, S = -q log q: dL/dq = lam (log q + 1), so m q'' = lam (log q + 1)
    d = derive_euler_lagrange(1)
    (q,), (v,), (m,), _ = syms(d)
    assert exact_simplify(d["q0"] - LAM * (sympy.log(q) + 1) / m) == 0
    # H = T + lam S (the entropy enters the energy with the sign of -L)
    assert exact_simplify(d.hamiltonian - (m * v**2 / 2 - LAM * q * sympy.log(q))) == 0
    # the free-energy convention flips the force
    f = derive_euler_lagrange(1, entropy="free-energy")
    assert exact_simplify(f["q0"] + LAM * (sympy.log(q) + 1) / m) == 0


def test_spring_chain_with_damping_by_hand():
    k = sympy.Symbol("k", real=True)
    d = derive_euler_lagrange(3, "k*(q1 - q0)**2/2 + k*(q2 - q1)**2/2", parameters=["k"], entropy="none",
                              dissipation=True)
    q, v, m, g = syms(d)
    expected = [k * (q[1] - q[0]) - g[0] * v[0],
                k * (q[0] - q[1]) + k * (q[2] - q[1]) - g[1] * v[1],
                k * (q[1] - q[2]) - g[2] * v[2]]
    for i in range(3):
        assert exact_simplify(d[f"q{i}"] - expected[i] / m[i]) == 0
    assert exact_simplify(d.energy_rate + sum(g[i] * v[i] ** 2 for i in range(3))) == 0


# ------------------------------------------------------------------ second symbolic method
POTENTIALS = [
    "0",
    "q0**2*q1 + q1**4/4",
    "k*(q1 - q0)**2/2 + q0*q1*q2",
    "exp(q0)*cos(q1) + q2**3",
]


@pytest.mark.parametrize("entropy", ["blueprint", "free-energy", "none"])
@pytest.mark.parametrize("potential", POTENTIALS)
def test_matches_sympy_lagranges_method(potential, entropy):
    n = 3
    d = derive_euler_lagrange(n, potential, parameters=["k"], entropy=entropy)
    q, v, m, _ = syms(d)
    # second method: sympy.physics.mechanics with q_i(t) as dynamic symbols
    qt = dynamicsymbols(f"x0:{n}")
    qd = [sympy.diff(x, dynamicsymbols._t) for x in qt]
    V = sympy.sympify(potential, locals={"k": d.parameters[0], **{f"q{i}": qt[i] for i in range(n)}})
    sigma = {"blueprint": 1, "free-energy": -1, "none": 0}[entropy]
    S = -sum(x * sympy.log(x) for x in qt)
    L = sum(m[i] * qd[i] ** 2 for i in range(n)) / 2 - V - sigma * LAM * S
    lm = LagrangesMethod(L, qt)
    lm.form_lagranges_equations()
    rhs = lm.rhs()  # (q', q'') stacked
    back = {**{qd[i]: v[i] for i in range(n)}, **{qt[i]: q[i] for i in range(n)}}
    for i in range(n):
        theirs = rhs[n + i].subs(back)
        assert exact_simplify(d[f"q{i}"] - theirs) == 0, (i, d[f"q{i}"], theirs)


def test_matches_sympy_euler_equations_with_a_site_potential():
    n = 2
    d = derive_euler_lagrange(n, "q0*q1", site_potential="q**3/3 - q")
    q, v, m, _ = syms(d)
    t = sympy.Symbol("t")
    x = [sympy.Function(f"x{i}")(t) for i in range(n)]
    L = sum(m[i] * x[i].diff(t) ** 2 / 2 - (x[i] ** 3 / 3 - x[i]) + LAM * x[i] * sympy.log(x[i]) for i in range(n))
    L -= x[0] * x[1]
    eqs = euler_equations(L, x, t)
    for i in range(n):
        acc = sympy.solve(eqs[i].lhs - eqs[i].rhs, x[i].diff(t, 2))[0]
        acc = acc.subs({x[j]: q[j] for j in range(n)})
        assert exact_simplify(d[f"q{i}"] - acc) == 0


# ------------------------------------------------------------------ laws
_terms = st.sampled_from(["q0**2", "q1**3", "q0*q1", "sin(q0)", "exp(q1)", "q0**2*q1**2", "cos(q0 - q1)"])
_coef = st.integers(-3, 3)


@given(st.lists(st.tuples(_coef, _terms), min_size=1, max_size=3), st.lists(st.tuples(_coef, _terms), min_size=1,
                                                                              max_size=3))
def test_euler_lagrange_is_affine_in_the_potential(a, b):
    """EL(V1 + V2) = EL(V1) + EL(V2) - EL(0): the equations depend linearly on the potential."""
    va = " + ".join(f"({c})*{t}" for c, t in a)
    vb = " + ".join(f"({c})*{t}" for c, t in b)
    both = derive_euler_lagrange(2, f"{va} + {vb}")
    one, two, zero = derive_euler_lagrange(2, va), derive_euler_lagrange(2, vb), derive_euler_lagrange(2)
    for key in both:
        assert exact_simplify(both[key] - one[key] - two[key] + zero[key]) == 0


@pytest.mark.parametrize("entropy", ["blueprint", "free-energy", "none"])
def test_legendre_transform_and_energy_balance(entropy):
    d = derive_euler_lagrange(2, "q0**2*q1", site_potential="q**4", entropy=entropy, dissipation=True)
    q, v, m, g = syms(d)
    L = d.lagrangian
    # Legendre: H = sum v dL/dv - L, recomputed here from the Lagrangian
    assert exact_simplify(d.hamiltonian - (sum(vi * sympy.diff(L, vi) for vi in v) - L)) == 0
    # H = T + U with U the effective potential
    T = sum(m[i] * v[i] ** 2 / 2 for i in range(2))
    assert exact_simplify(d.hamiltonian - T - d.effective_potential) == 0
    # Rayleigh: dH/dt = -sum gamma v^2 (Goldstein 2002, §1.5)
    assert exact_simplify(d.energy_rate + sum(g[i] * v[i] ** 2 for i in range(2))) == 0


def test_discrete_map_is_stormer_verlet():
    # conservative, trapezoidal L_d: q_{k+1} = 2 q_k - q_{k-1} + h^2 a(q_k) (Hairer et al. 2006, §I.1.4)
    d = derive_euler_lagrange(1, site_potential="q**3", parameters=())
    a_k = d.site["acceleration"].subs({lg.Q: lg.Q0, lg.V: 0})
    by_hand = 2 * lg.Q0 - lg.QM + lg.H**2 * a_k
    assert exact_simplify(d.site["discrete_map"] - by_hand) == 0


@pytest.mark.parametrize("dissipation", [False, True])
def test_the_variational_map_preserves_area_only_without_dissipation(dissipation):
    # (q_k, p_k) -> (q_{k+1}, p_{k+1}) for a generic site potential f(q): det J = 1 (symplectic in 1-D);
    # with damping the determinant is (2m - gamma h)/(2m + gamma h) < 1 (a contraction)
    fq = sympy.Function("f")(lg.Q)
    site, _ = lg._site_derivation(fq, 1, dissipation)
    q1 = site["position_update"].subs({lg.F0: 0})
    p1 = site["momentum_update"].subs({lg.F1: 0}).subs(lg.Q1, q1)
    J = sympy.Matrix([[sympy.diff(q1, lg.Q0), sympy.diff(q1, lg.P0)], [sympy.diff(p1, lg.Q0), sympy.diff(p1, lg.P0)]])
    det = exact_simplify(J.det().doit())
    if dissipation:
        expected = (2 * lg.M - lg.GAMMA * lg.H) / (2 * lg.M + lg.GAMMA * lg.H)
        assert exact_simplify(det - expected) == 0
    else:
        assert det == 1


# ------------------------------------------------------------------ equilibria and the domain
def test_equilibria_and_their_type():
    harmonic = derive_euler_lagrange(2, "q0**2 + q1**2 - q0*q1", entropy="none").equilibria()
    assert len(harmonic) == 1 and harmonic[0].kind == "minimum"
    assert dict(harmonic[0].point) == {"q0": 0, "q1": 0}
    saddle = derive_euler_lagrange(2, "q0**2 - q1**2", entropy="none").equilibria()
    assert saddle[0].kind == "saddle"
    # the blueprint's entropy term alone: q = 1/e, U'' = -lam/q = -e lam < 0 (a maximum)
    (eq,) = derive_euler_lagrange(1).site_equilibria({"lam": 1})
    assert eq.point["q"] == sympy.exp(-1) and eq.kind == "maximum" and eq.in_domain
    assert eq.hessian[0, 0] == -sympy.E


def test_boundary_of_the_entropy_domain():
    bp = derive_euler_lagrange(1).site
    fe = derive_euler_lagrange(1, entropy="free-energy").site
    # U(0+) = 0 in both conventions (q log q -> 0); the force pulls to q = 0 (blueprint) or pushes away
    assert bp["boundary_potential"] == 0 and fe["boundary_potential"] == 0
    assert bp["boundary_force"] == -sympy.oo and fe["boundary_force"] == sympy.oo


def test_indexed_forms_do_not_depend_on_n():
    small, large = derive_euler_lagrange(3, site_potential="q**2"), derive_euler_lagrange(30, site_potential="q**2")
    assert small.indexed()["acceleration"] == large.indexed()["acceleration"]
    i = sympy.Idx("i")
    assert large.indexed()["hamiltonian"].limits == ((i, 0, 29),)
    # the Sum evaluates to the explicit Hamiltonian
    explicit = small.indexed()["hamiltonian"].doit()
    q, v, m, _ = syms(small)
    qb, vb, mb = (sympy.IndexedBase(s) for s in "qvm")
    back = {**{qb[j]: q[j] for j in range(3)}, **{vb[j]: v[j] for j in range(3)}, **{mb[j]: m[j] for j in range(3)}}
    assert exact_simplify(explicit.xreplace(back) - small.hamiltonian) == 0


def test_large_n_is_lazy():
    t0 = time.perf_counter()
    d = derive_euler_lagrange(10_000, site_potential="q**4/4 - q**2/2", parameters=())
    # no per-coordinate expression was built; asking for one builds only that one
    assert len(d) == 10_000 and "q9999" in d and "q10000" not in d
    q, v, m = (lg._indexed_symbol(s, 9999) for s in ("q", "v", "m"))
    assert exact_simplify(d["q9999"] - (q - q**3 + LAM * (sympy.log(q) + 1)) / m) == 0
    assert time.perf_counter() - t0 < 30  # guard against accidental O(N^2), not a benchmark


# ------------------------------------------------------------------ finite-difference oracle
def test_accelerations_match_finite_differences_of_a_hand_lagrangian():
    from iegn.numeric import lagrangian_kernels

    d = derive_euler_lagrange(3, "k*(q1 - q0)**2/2 + c*q0*q2", site_potential="q**4/4", parameters=["k", "c"],
                              dissipation=True)
    kern = lagrangian_kernels(d)
    k, c, lam = 1.3, -0.4, 0.7
    m = np.array([1.0, 2.0, 0.5])
    g = np.array([0.1, 0.0, 0.3])

    def lagrangian(q, v):  # by hand: T - V - lam S
        V = k * (q[1] - q[0]) ** 2 / 2 + c * q[0] * q[2] + np.sum(q**4) / 4
        S = -np.sum(q * np.log(q))
        return np.sum(m * v**2) / 2 - V - lam * S

    rng = np.random.default_rng(3)
    for _ in range(5):
        q, v = rng.uniform(0.3, 2.0, 3), rng.normal(size=3)
        e = 1e-6
        dLdq = np.array([(lagrangian(q + e * np.eye(3)[i], v) - lagrangian(q - e * np.eye(3)[i], v)) / (2 * e)
                         for i in range(3)])
        expected = (dLdq - g * v) / m  # m a = dL/dq - gamma v (T has no q-dependence)
        got = kern.acceleration(q, v, masses=m, damping=g, temperature=lam, parameters={"k": k, "c": c})
        # central differences: truncation ~e^2 * L''' ~ 1e-12, rounding ~eps * |L| / e ~ 1e-10
        assert_close(got, expected, rtol=1e-7, atol=1e-8, why="central difference, step 1e-6")


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize(("args", "kwargs", "match"), [
    ((0,), {}, "coordinates=0 must be >= 1"),
    ((1.5,), {}, "coordinates=1.5 must be an integer"),
    ((2, "q0 + ("), {}, "does not parse"),
    ((2, "q2**2"), {}, "uses symbol 'q2'"),
    ((2, "x*q0"), {}, "uses symbol 'x'"),
    ((2, "lam*q0"), {}, "uses symbol 'lam'"),
    ((2, "v0*q0"), {}, "uses symbol 'v0'"),
    ((2, "f(q0)"), {}, "undefined function"),
    ((2, "q0 < 1"), {}, "not a scalar expression"),
    ((2, "1/0 + q0"), {}, "not a finite real expression"),
    ((2, "I*q0"), {}, "not a finite real expression"),
    ((2, ""), {}, "is empty"),
    ((2,), {"entropy": "gibbs"}, "entropy='gibbs' is not one of"),
    ((2,), {"site_potential": "q0**2"}, "uses symbol 'q0'"),
    ((2,), {"parameters": ["lam"]}, "clashes"),
    ((2,), {"parameters": ["q1"]}, "clashes"),
    ((2,), {"parameters": ["1x"]}, "not a valid symbol name"),
    ((2,), {"dissipation": "yes"}, "dissipation='yes'"),
])
def test_bad_input_is_rejected_with_the_value_named(args, kwargs, match):
    with pytest.raises(InvalidArgumentError, match=match.replace("(", r"\(").replace("*", r"\*")):
        derive_euler_lagrange(*args, **kwargs)


def test_site_potential_and_equilibria_errors():
    d = derive_euler_lagrange(2, "q0*q1")
    with pytest.raises(InvalidArgumentError, match="uncoupled"):
        d.site_equilibria()
    with pytest.raises(InvalidArgumentError, match="'k'"):
        derive_euler_lagrange(1).site_equilibria({"k": 1})
    with pytest.raises(KeyError):
        d["q2"]
    with pytest.raises(InvalidArgumentError, match="not < N = 2"):
        d.acceleration(2)
