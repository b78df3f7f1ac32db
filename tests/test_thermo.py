"""Entropy, free energy, the Boltzmann distribution and descent on the simplex (blueprint §2.1,
Lemma 1) against independent oracles.

Oracles: closed forms (two-state Boltzmann, uniform distributions, log 2); SciPy
(``special.logsumexp``, ``special.softmax``, ``stats.entropy``); 60-digit mpmath arithmetic on
the exact float inputs; laws that hold whatever the code path (F = -λ log Z + λ KL(p‖p*), Gibbs'
inequality, concavity of S, 0 ≤ S ≤ log n, Pinsker's inequality); hand derivations of the
Hessian and of the gradient of F; the mirror-descent recurrence iterated by hand; exact
rational (``fractions``) enumeration of the active set for the Euclidean projection onto the
(truncated) simplex, and its KKT conditions.
"""

from __future__ import annotations

import itertools
import math
import re
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st
from scipy.special import logsumexp, softmax
from scipy.stats import entropy as scipy_entropy

import iegn
from iegn import InvalidArgumentError, NotConvergedError
from iegn.numeric import (
    SIMPLEX_ATOL,
    boltzmann,
    check_simplex,
    free_energy,
    kl_divergence,
    log_partition,
    minimize_free_energy,
    project_simplex,
    shannon_entropy,
    stationarity_gap,
)

from ._helpers import assert_close

EPS = float(np.finfo(np.float64).eps)
#: Outputs below the normal range (2.2e-308) carry absolute, not relative, precision.
SUBNORMAL_ATOL = 1e-300


# ----------------------------------------------------------------------------------------------
# Strategies: points on the simplex built by construction (a seeded Dirichlet draw, some entries
# zeroed and the rest renormalised), bounded energies, log-uniform temperatures.
# ----------------------------------------------------------------------------------------------

def _dirichlet(draw, n: int, *, zeros: bool) -> np.ndarray:
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    alpha = draw(st.sampled_from([0.05, 0.3, 1.0, 5.0]))
    p = rng.dirichlet(np.full(n, alpha))
    if zeros and n > 1:
        keep = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
        keep[np.argmax(p)] = True  # the largest entry survives, so the sum stays positive
        p = np.where(keep, p, 0.0)
    else:
        p = 0.95 * p + 0.05 / n  # strictly positive
    return p / p.sum()


@st.composite
def simplex_points(draw, n: int | None = None, *, min_n: int = 1, max_n: int = 8, zeros: bool = True):
    n = draw(st.integers(min_n, max_n)) if n is None else n
    return _dirichlet(draw, n, zeros=zeros)


@st.composite
def simplex_pairs(draw, *, min_n: int = 1, max_n: int = 8, q_zeros: bool = False):
    n = draw(st.integers(min_n, max_n))
    return _dirichlet(draw, n, zeros=True), _dirichlet(draw, n, zeros=q_zeros)


def energy_vectors(n: int, lo: float = -1e3, hi: float = 1e3):
    return st.lists(st.floats(lo, hi), min_size=n, max_size=n).map(lambda v: np.array(v, dtype=np.float64))


def temperatures(lo_exp: float = -6.0, hi_exp: float = 6.0):
    return st.floats(lo_exp, hi_exp).map(lambda x: float(10.0**x))


@st.composite
def thermo_cases(draw, *, min_n: int = 1, max_n: int = 8, e_lo: float = -1e3, e_hi: float = 1e3,
                 lam_lo: float = -6.0, lam_hi: float = 6.0):
    """(p, E, λ): a point on the simplex, energies and a temperature, one size."""
    n = draw(st.integers(min_n, max_n))
    return _dirichlet(draw, n, zeros=True), draw(energy_vectors(n, e_lo, e_hi)), draw(temperatures(lam_lo, lam_hi))


# ----------------------------------------------------------------------------------------------
# 1. Closed forms
# ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("delta_e, lam", [(1.0, 1.0), (3.0, 0.5), (-2.0, 4.0), (1e-3, 1e3), (50.0, 2.0)])
def test_two_state_boltzmann_is_the_logistic_function(delta_e, lam):
    # p = (1/(1 + e^{-ΔE/λ}), 1/(1 + e^{ΔE/λ})) for E = (0, ΔE): Z = 1 + e^{-ΔE/λ}
    expected = [1.0 / (1.0 + math.exp(-delta_e / lam)), 1.0 / (1.0 + math.exp(delta_e / lam))]
    assert_close(boltzmann([0.0, delta_e], lam), expected, rtol=8 * EPS * (1 + abs(delta_e) / lam),
                 why="exp of an argument |ΔE/λ| carries relative error eps·|ΔE/λ| in either formula")
    assert_close(log_partition([0.0, delta_e], lam), math.log1p(math.exp(-delta_e / lam)) if delta_e > 0
                 else -delta_e / lam + math.log1p(math.exp(delta_e / lam)),
                 rtol=8 * EPS, atol=8 * EPS * (1 + abs(delta_e) / lam),
                 why="log Z = log(1 + e^{-ΔE/λ}); rounding of ΔE/λ is the only error")


@pytest.mark.parametrize("n", [1, 2, 3, 7, 50])
@pytest.mark.parametrize("energy", [0.0, -3.5, 1e3])
@pytest.mark.parametrize("lam", [1e-6, 0.3, 1e6])
def test_equal_energies_give_the_uniform_distribution(n, energy, lam):
    E = np.full(n, energy)
    assert_close(boltzmann(E, lam), np.full(n, 1.0 / n), rtol=2 * EPS,
                 why="every shifted weight is exactly 1; only 1/n rounds")
    # log Z = log(n e^{-E/λ}) = log n - E/λ
    assert_close(log_partition(E, lam), math.log(n) - energy / lam, rtol=4 * EPS, atol=4 * EPS,
                 why="two roundings: E/λ and log n")
    # F(uniform) = E - λ log n = -λ log Z
    assert_close(free_energy(np.full(n, 1.0 / n), E, lam), energy - lam * math.log(n),
                 rtol=8 * n * EPS, atol=8 * n * EPS * lam,
                 why="sums of n terms, each with relative error eps")


@pytest.mark.parametrize("n", [1, 2, 3, 10, 1000])
def test_entropy_of_uniform_is_log_n_and_of_a_vertex_is_zero(n):
    assert_close(shannon_entropy(np.full(n, 1.0 / n)), math.log(n), rtol=4 * n * EPS, atol=2 * EPS,
                 why="sum of n equal terms -(1/n) log(1/n), each relative error eps")
    for i in {0, n // 2, n - 1}:
        vertex = np.zeros(n)
        vertex[i] = 1.0
        s = shannon_entropy(vertex)
        assert s == 0.0 and math.copysign(1.0, s) == 1.0  # exactly +0: 1 log 1 = 0 and 0 log 0 = 0


def test_small_closed_forms_and_bases():
    assert shannon_entropy([0.5, 0.5], base=2) == pytest.approx(1.0, rel=2 * EPS)  # a fair coin: 1 bit
    assert shannon_entropy([0.25] * 4, base=2) == pytest.approx(2.0, rel=2 * EPS)  # 2 bits
    assert shannon_entropy([1 / 3] * 3, base=3) == pytest.approx(1.0, rel=4 * EPS)  # 1 trit
    assert shannon_entropy([0.5, 0.25, 0.25], base=2) == pytest.approx(1.5, rel=4 * EPS)  # Cover & Thomas Ex 2.1.2
    assert kl_divergence([1.0, 0.0], [0.5, 0.5]) == pytest.approx(math.log(2), rel=2 * EPS)
    assert kl_divergence([1.0, 0.0], [0.5, 0.5], base=2) == pytest.approx(1.0, rel=2 * EPS)
    # KL(Bern(a) || Bern(b)) in closed form
    a, b = 0.3, 0.6
    assert kl_divergence([a, 1 - a], [b, 1 - b]) == pytest.approx(
        a * math.log(a / b) + (1 - a) * math.log((1 - a) / (1 - b)), rel=8 * EPS)
    # p not absolutely continuous w.r.t. q: +inf, never NaN
    assert kl_divergence([0.5, 0.5], [1.0, 0.0]) == math.inf
    assert kl_divergence([0.0, 1.0], [0.0, 1.0]) == 0.0


@given(simplex_points())
def test_kl_of_identical_distributions_is_exactly_zero(p):
    assert kl_divergence(p, p) == 0.0  # every term is p (log p - log p) = 0 exactly


# ----------------------------------------------------------------------------------------------
# 2. Peer library (SciPy) and 60-digit arithmetic
# ----------------------------------------------------------------------------------------------

@given(st.data())
def test_log_partition_and_boltzmann_match_scipy(data):
    n = data.draw(st.integers(1, 8))
    E = data.draw(energy_vectors(n))
    lam = data.draw(temperatures())
    cond = float(np.max(np.abs(E))) / lam  # |E|/λ: the size of the exponents
    # logsumexp forms -E/λ first: each exponent carries absolute error eps·|E|/λ, and log Z
    # itself is of that size, so the comparison is absolute at that scale.
    assert_close(log_partition(E, lam), logsumexp(-E / lam), rtol=0,
                 atol=8 * EPS * (cond + math.log(n) + 1),
                 why="both round -E/λ (absolute error eps·|E|/λ) and log n")
    # softmax(-E/λ) rounds -E_i/λ before shifting by the maximum; exp turns the absolute exponent
    # error eps·|E|/λ into that relative error in p (the problem's own condition number).
    ref = softmax(-E / lam)
    assert_close(boltzmann(E, lam), ref, rtol=8 * EPS * (cond + n), atol=SUBNORMAL_ATOL,
                 why="relative error eps·|E|/λ from the exponent; subnormal outputs are absolute")


@given(st.data())
def test_log_partition_and_boltzmann_match_60_digit_arithmetic(data):
    n = data.draw(st.integers(1, 6))
    E = data.draw(energy_vectors(n))
    lam = data.draw(temperatures())
    with mpmath.workdps(60):
        Em, lm = [mpmath.mpf(float(x)) for x in E], mpmath.mpf(lam)
        e_min = min(Em)
        w = [mpmath.exp(-(x - e_min) / lm) for x in Em]
        s = mpmath.fsum(w)
        exact_p = np.array([float(x / s) for x in w])
        exact_log_z = float(-e_min / lm + mpmath.log(s))
    spread = float(np.ptp(E)) / lam
    # The library rounds E_i - E_min and the division by λ (relative eps each): exponent error
    # eps·(E_i - E_min)/λ; normalisation adds n eps. This is backward stability, nothing looser.
    assert_close(boltzmann(E, lam), exact_p, rtol=4 * EPS * (spread + n + 1), atol=SUBNORMAL_ATOL,
                 why="exponent rounding eps·(E_i-E_min)/λ plus n-term normalisation")
    assert_close(log_partition(E, lam), exact_log_z, rtol=0,
                 atol=4 * EPS * (abs(float(E.min())) / lam + math.log(n) + 1),
                 why="two roundings of size eps·|E_min|/λ and eps·log s")


@given(st.data())
def test_batched_boltzmann_and_log_partition_match_scipy_row_by_row(data):
    rows, n = data.draw(st.integers(1, 4)), data.draw(st.integers(1, 5))
    E = data.draw(energy_vectors(rows * n, -10.0, 10.0)).reshape(rows, n)
    lam = data.draw(temperatures(-1.0, 2.0))
    assert_close(boltzmann(E, lam), softmax(-E / lam, axis=-1), rtol=1e-12, atol=SUBNORMAL_ATOL,
                 why="|E|/λ ≤ 100 here: exponent rounding 100 eps ≪ 1e-12")
    assert_close(log_partition(E, lam), logsumexp(-E / lam, axis=-1), rtol=1e-13, atol=1e-12,
                 why="|log Z| ≤ 100 + log n: absolute rounding ~1e-14")


@given(simplex_points())
def test_entropy_matches_scipy(p):
    n = p.size
    # scipy renormalises p (one rounding per entry); each term -p log p ≤ 1/e
    assert_close(shannon_entropy(p), scipy_entropy(p), rtol=0, atol=8 * n * EPS * (1 + math.log(n)),
                 why="n terms of size ≤ max(1/e, log n / n), relative error a few eps each")
    assert_close(shannon_entropy(p, base=2), scipy_entropy(p, base=2), rtol=0,
                 atol=16 * n * EPS * (1 + math.log(n)), why="the same, divided by log 2")


@given(simplex_pairs())
def test_kl_divergence_matches_scipy(pq):
    p, q = pq
    n = p.size
    # the terms p log(p/q) are as large as p·|log q|; q ≥ 0.05/n keeps |log q| ≤ log(20 n)
    scale = float(np.sum(p * (np.abs(np.log(np.where(p > 0, p, 1.0))) + np.abs(np.log(q))))) + 1.0
    assert_close(kl_divergence(p, q), scipy_entropy(p, q), rtol=0, atol=8 * n * EPS * scale,
                 why="n terms, each with absolute error eps·p_i(|log p_i| + |log q_i|)")
    assert_close(kl_divergence(p, q, base=2), scipy_entropy(p, q, base=2), rtol=0, atol=16 * n * EPS * scale,
                 why="the same, divided by log 2")


@given(simplex_pairs(min_n=2, q_zeros=True))
def test_kl_divergence_is_infinite_exactly_when_scipy_says_so(pq):
    p, q = pq
    got, ref = kl_divergence(p, q), scipy_entropy(p, q)
    assert math.isinf(got) == math.isinf(ref) == bool(np.any((p > 0) & (q == 0)))
    assert not math.isnan(got)


@pytest.mark.parametrize("E", [[500.0, -500.0, 0.0, 250.0], [1e3, -1e3], [-1e3, 0.0, 1e3, 1e3, 999.0]])
@pytest.mark.parametrize("lam", [1e-8, 1e-6])
def test_low_temperature_limit_ground_state_takes_everything(E, lam):
    E = np.array(E)
    p = boltzmann(E, lam)  # exponents down to -2e11: must underflow to 0, never overflow
    assert np.all(np.isfinite(p))
    expected = np.where(E == E.min(), 1.0, 0.0)
    np.testing.assert_array_equal(p, expected)  # e^{-ΔE/λ} ≤ e^{-5e10} is exactly 0 in float64
    assert_close(log_partition(E, lam), -E.min() / lam, rtol=2 * EPS,
                 why="log Z = -E_min/λ + log(1 + e^{-5e10}) = -E_min/λ: one rounding of E_min/λ")
    # F(p*) = E_min: the free energy of the ground state
    assert_close(free_energy(p, E, lam), E.min(), rtol=2 * EPS, why="sum with exact zeros, S(vertex) = 0")


def test_low_temperature_degenerate_ground_state_is_shared():
    p = boltzmann([-1e3, 1e3, -1e3], 1e-8)
    np.testing.assert_array_equal(p, [0.5, 0.0, 0.5])
    assert_close(log_partition([-1e3, 1e3, -1e3], 1e-8), 1e11 + math.log(2), rtol=2 * EPS,
                 why="log Z = -E_min/λ + log 2, dominated by 1e11")


@pytest.mark.parametrize("lam", [1e12, 1e15])
def test_high_temperature_limit_is_uniform(lam):
    E = np.array([-1e3, 0.0, 250.0, 1e3])
    p = boltzmann(E, lam)
    # p_i = e^{-(E_i - E_min)/λ}/s differs from 1/n by at most (E_max - E_min)/λ relatively
    assert_close(p, np.full(4, 0.25), rtol=2 * np.ptp(E) / lam + 4 * EPS,
                 why="first-order expansion of e^{-ΔE/λ}: relative deviation ≤ ΔE/λ")
    assert_close(shannon_entropy(p), math.log(4), rtol=1e-12, why="S at uniform is log n; p uniform to 2e-12")


# ----------------------------------------------------------------------------------------------
# 3. Laws: the free-energy identity, Gibbs' inequality, concavity and bounds of S, Pinsker
# ----------------------------------------------------------------------------------------------

@given(thermo_cases(lam_lo=1.0, lam_hi=6.0))
def test_free_energy_identity_F_equals_minus_lam_logZ_plus_lam_KL(case):
    # λ ≥ 10 keeps (E_max - E_min)/λ ≤ 200, so no Boltzmann probability underflows (KL finite)
    p, E, lam = case
    p_star = boltzmann(E, lam)
    lhs = free_energy(p, E, lam)
    rhs = -lam * log_partition(E, lam) + lam * kl_divergence(p, p_star)
    # each side is a sum of n terms of size ≤ max|E| + λ(|log p*_i| + |log p_i|)
    scale = float(np.max(np.abs(E))) + lam * (np.max(np.abs(np.log(p_star))) + 1 + math.log(p.size))
    assert_close(lhs, rhs, rtol=0, atol=32 * p.size * EPS * scale,
                 why="rounding of n-term sums at the scale max|E| + λ max|log p*|")


@given(thermo_cases(lam_lo=-2.0, lam_hi=4.0, e_lo=-50.0, e_hi=50.0))
def test_gibbs_inequality_boltzmann_minimises_the_free_energy(case):
    p, E, lam = case
    p_star = boltzmann(E, lam)
    f_star = free_energy(p_star, E, lam)
    scale = float(np.max(np.abs(E))) + lam * (1 + math.log(p.size))
    slack = 32 * p.size * EPS * scale  # rounding of two n-term sums at that scale
    assert_close(f_star, -lam * log_partition(E, lam), rtol=0, atol=slack, why="min F = -λ log Z, up to rounding")
    assert free_energy(p, E, lam) >= f_star - slack
    # and strictly, by λ KL(p‖p*) ≥ (λ/2)‖p - p*‖₁² (Pinsker), wherever p*, p are apart
    gap = free_energy(p, E, lam) - f_star
    assert gap >= 0.5 * lam * float(np.sum(np.abs(p - p_star))) ** 2 - slack


@given(st.data())
def test_entropy_is_concave_and_bounded(data):
    n = data.draw(st.integers(1, 8))
    p, q = data.draw(simplex_points(n)), data.draw(simplex_points(n))
    t = data.draw(st.floats(0.0, 1.0))
    mix = t * p + (1 - t) * q
    s_p, s_q, s_mix = shannon_entropy(p), shannon_entropy(q), shannon_entropy(mix)
    slack = 16 * n * EPS * (1 + math.log(n))  # rounding of n-term sums of size ≤ 1/e and the mixture
    assert s_mix >= t * s_p + (1 - t) * s_q - slack
    for s in (s_p, s_q, s_mix):
        assert -slack <= s <= math.log(n) + slack


@given(simplex_pairs(min_n=1))
def test_kl_is_nonnegative_zero_iff_equal_and_bounded_below_by_pinsker(pq):
    p, q = pq
    d = kl_divergence(p, q)
    l1 = float(np.sum(np.abs(p - q)))
    slack = 16 * p.size * EPS * (1 + float(np.max(np.abs(np.log(q)))))
    assert d >= 0.0
    assert d >= 0.5 * l1**2 - slack  # Pinsker: KL ≥ ½‖p − q‖₁², so KL = 0 forces p = q
    if np.array_equal(p, q):
        assert d == 0.0
    elif l1 > 1e-7:  # below that, KL ≈ ½‖p − q‖₁² < 5e-15 may round to 0
        assert d > 0.0


# ----------------------------------------------------------------------------------------------
# 4. Symbolic derivation
# ----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module", params=[2, 3], ids=["n2", "n3"])
def gibbs(request):
    from iegn.symbolic import derive_gibbs

    return request.param, derive_gibbs(request.param)


def _numeric_points(n: int, seed: int, count: int = 6):
    rng = np.random.default_rng(seed)
    for _ in range(count):
        yield rng.uniform(-5.0, 5.0, n), float(10 ** rng.uniform(-1, 1))


def test_gibbs_exact_residuals_vanish(gibbs):
    _, d = gibbs
    assert d["kl_residual"] == 0  # F(p) + λ log Z - λ KL(p‖p*) on the simplex, reduced exactly
    assert d["shift_residual"] == 0  # p*(E + c) = p*(E)
    assert set(d) >= {"free_energy", "stationarity", "multiplier", "minimiser", "partition_function",
                      "minimum", "kl_residual", "hessian", "shift_residual"}


def test_gibbs_solver_output_is_softmax_numerically(gibbs):
    n, d = gibbs
    s = d.symbols
    # the solver's own stationary points p_i(ν) with its multiplier ν*, not the typed normal form
    solved = [expr.subs(s["nu"], d["multiplier"]) for expr in d["stationarity"]]
    args = (*s["E"], s["lam"])
    f_solved = sympy.lambdify(args, solved, "numpy")
    f_normal = sympy.lambdify(args, list(d["minimiser"]), "numpy")
    f_min = sympy.lambdify(args, d["minimum"], "numpy")
    f_F = sympy.lambdify((*s["p"], *s["E"], s["lam"]), d["free_energy"], "numpy")
    for E, lam in _numeric_points(n, seed=n):
        ref = softmax(-E / lam)
        assert_close(f_solved(*E, lam), ref, rtol=1e-12, why="|E|/λ ≤ 50: exponent rounding ~1e-14")
        assert_close(f_normal(*E, lam), ref, rtol=1e-12, why="the same")
        assert_close(f_min(*E, lam), -lam * logsumexp(-E / lam), rtol=1e-12, atol=1e-12,
                     why="|λ log Z| ≤ 50 + λ log n; unshifted exponentials lose ~1e-14")
        # F evaluated at scipy's minimiser reaches the symbolic minimum
        assert_close(f_F(*ref, *E, lam), f_min(*E, lam), rtol=1e-12, atol=1e-12, why="the same")
        # and the library's numeric path agrees with the derivation
        assert_close(boltzmann(E, lam), f_solved(*E, lam), rtol=1e-12, why="the same")


def test_gibbs_hessian_and_gradient_by_hand(gibbs):
    n, d = gibbs
    p, E, lam = d.symbols["p"], d.symbols["E"], d.symbols["lam"]
    by_hand = sympy.diag(*[lam / pi for pi in p])  # d²/dp_i² (λ p_i log p_i) = λ/p_i, no cross terms
    assert sympy.simplify(d["hessian"] - by_hand) == sympy.zeros(n, n)
    # gradient E_i + λ(log p_i + 1): all components equal at p* (stationary on the simplex)
    for i in range(n):
        assert sympy.simplify(sympy.diff(d["free_energy"], p[i]) - (E[i] + lam * (sympy.log(p[i]) + 1))) == 0
    for Ev, lv in _numeric_points(n, seed=10 + n, count=3):
        ps = softmax(-Ev / lv)
        g = Ev + lv * (np.log(ps) + 1)
        assert float(np.ptp(g)) <= 1e-12 * (1 + float(np.max(np.abs(g))))  # rounding of E_i + λ log p_i
        assert stationarity_gap(ps, Ev, lv) <= 1e-12 * (1 + float(np.max(np.abs(g))))


@pytest.fixture(scope="module")
def descent():
    from iegn.symbolic import derive_descent_conditions

    c = derive_descent_conditions()
    syms = {str(s): s for key in c for s in c[key].free_symbols}
    return c, syms


def test_descent_conditions_exact(descent):
    c, syms = descent
    lam, x, eta = syms["lam"], syms["x"], syms["eta"]
    assert c["mirror_stable_set"] == sympy.Interval.open(0, 2 / lam)  # |1 - ηλ| < 1
    assert sympy.simplify(c["mirror_one_step"] - 1 / lam) == 0  # 1 - ηλ = 0
    assert sympy.simplify(c["mirror_factor"] - (1 - eta * lam)) == 0
    # two states p = (x, 1 - x): F'' = λ/(x(1-x)), and x' = x - (η/2)F'(x) is stable iff η < 4/F''
    assert sympy.simplify(c["pgd_curvature"] - lam / (x * (1 - x))) == 0
    stable = c["pgd_stable_set"]
    assert stable.left == 0 and stable.left_open and stable.right_open
    assert sympy.simplify(stable.right - 4 * x * (1 - x) / lam) == 0


def test_descent_mirror_solution_matches_the_recurrence_iterated_by_hand(descent):
    c, syms = descent
    sol = sympy.lambdify([syms[k] for k in ("E", "lam", "eta", "y_0", "k")], c["mirror_solution"], "math")
    rng = np.random.default_rng(7)
    for _ in range(5):
        E0, lam, y0 = rng.uniform(-3, 3), float(10 ** rng.uniform(-1, 1)), rng.uniform(-3, 3)
        eta = rng.uniform(0.05, 1.95) / lam
        y = y0
        for k in range(12):
            assert_close(sol(E0, lam, eta, y0, k), y, rtol=1e-12, atol=1e-12,
                         why="closed form vs 12 steps of y ← (1 - ηλ)y - ηE: a few eps per step")
            y = (1 - eta * lam) * y - eta * E0


# ----------------------------------------------------------------------------------------------
# 5. Descent on the simplex
# ----------------------------------------------------------------------------------------------

@st.composite
def descent_cases(draw):
    """E ∈ [-5, 5]^n, λ ∈ [0.1, 10] (so p* ≥ e^{-100}/n: nothing underflows), interior p0."""
    n = draw(st.integers(2, 6))
    E = draw(energy_vectors(n, -5.0, 5.0))
    lam = draw(temperatures(-1.0, 1.0))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    p0 = 0.9 * rng.dirichlet(np.ones(n)) + 0.1 / n
    return E, lam, p0 / p0.sum()


def _factor_bound(tol: float, lam: float) -> float:
    # stationarity gap ≤ tol ⇒ every p_i within a factor e^{±tol/λ} of p*_i (module notes)
    return math.expm1(tol / lam)


@given(descent_cases(), st.floats(0.05, 0.95))
def test_mirror_descent_converges_at_the_exact_linear_rate(case, t):
    E, lam, p0 = case
    eta = t * 2.0 / lam
    tol = 1e-9
    r = minimize_free_energy(E, lam, step=eta, p0=p0, tol=tol)
    ref = softmax(-E / lam)
    assert r.converged and r.method == "mirror" and r.step == eta
    assert_close(r.p, ref, rtol=_factor_bound(tol, lam) + 1e-13,
                 why="gap ≤ tol bounds p_i/p*_i by e^{±tol/λ}; softmax itself rounds at |E|/λ·eps ≤ 1e-14")
    # log p_k - log p* = (1 - ηλ)^k (log p_0 - log p*) + const: the gap shrinks by |1 - ηλ| per step
    rate = abs(1.0 - eta * lam)
    gap0 = r.gap[0]
    k = np.arange(r.n_iter + 1)
    assert_close(r.gap, gap0 * rate**k, rtol=0, atol=1e-12,
                 why="each step rounds log p at |E| + λ|log p| ≲ 100 eps; |1 - ηλ| < 1 damps it")
    if gap0 > tol:
        predicted = 1 if rate == 0.0 else math.ceil(math.log(tol / gap0) / math.log(rate))
        assert abs(r.n_iter - predicted) <= 1  # rounding of a gap that lands on tol may move it one step
    if eta * lam <= 1.0:
        # F is λ-smooth relative to the negative entropy (F = E·p + λ Σ p log p), so mirror
        # descent with η ≤ 1/λ decreases F monotonically (Lu, Freund & Nesterov 2018, Thm 3.1);
        # beyond 1/λ it overshoots and F may rise, so nothing is claimed there.
        assert np.all(np.diff(r.free_energy) <= 1e-12 * (1 + np.abs(r.free_energy[1:])))
    assert_close(r.free_energy[-1], -lam * logsumexp(-E / lam), rtol=1e-9, atol=1e-9,
                 why="F - F* = λ KL(p‖p*) = O((tol/λ)²·λ); the 1e-9 is rounding of F at |E| ≤ 5")


@given(descent_cases())
def test_mirror_descent_one_step_at_eta_one_over_lam(case):
    E, lam, p0 = case
    r = minimize_free_energy(E, lam, step=1.0 / lam, p0=p0)  # also the default step
    assert r.n_iter == 1 and r.converged
    assert_close(r.p, softmax(-E / lam), rtol=1e-13, why="y₁ = -E/λ exactly: one exp and a normalisation")
    assert minimize_free_energy(E, lam, p0=p0).n_iter == 1


@pytest.mark.parametrize("lam", [0.5, 1.0, 2.0, 4.0])  # powers of 2: ηλ = 2 exactly in float64
def test_mirror_descent_at_eta_two_over_lam_has_period_two(lam):
    E = np.array([0.3, -1.2, 2.0])
    p0 = np.array([0.2, 0.5, 0.3])
    a = minimize_free_energy(E, lam, step=2.0 / lam, p0=p0, max_iter=40, on_failure="return")
    b = minimize_free_energy(E, lam, step=2.0 / lam, p0=p0, max_iter=42, on_failure="return")
    assert not a.converged and a.n_iter == 40
    assert_close(b.p, a.p, rtol=0, atol=8 * EPS,
                 why="y_{k+2} = y_k exactly for factor -1; only the normalisation rounds (measured: bitwise)")
    assert_close(a.free_energy[2:], a.free_energy[:-2], rtol=0, atol=64 * EPS, why="the same, for F")
    assert_close(a.gap, np.full(41, a.gap[0]), rtol=0, atol=64 * EPS, why="|1 - ηλ| = 1: the gap never shrinks")
    # an odd step is not the start: a genuine 2-cycle, not a fixed point
    assert float(np.max(np.abs(a.p - minimize_free_energy(E, lam, step=2.0 / lam, p0=p0, max_iter=41,
                                                          on_failure="return").p))) > 0.01
    with pytest.raises(NotConvergedError, match="did not reach") as info:
        minimize_free_energy(E, lam, step=2.0 / lam, p0=p0, max_iter=10)
    assert info.value.result.n_iter == 10 and not info.value.result.converged


@pytest.mark.parametrize("E, lam", [([0.0, 1.0, 2.0], 1.0), ([0.5, -0.5], 0.3), ([1.0, 1.0, 0.0, 3.0], 2.0)])
def test_projected_gradient_default_step_converges(E, lam):
    E = np.array(E)
    r = minimize_free_energy(E, lam, method="projected")
    assert r.converged and r.method == "projected"
    assert_close(r.p, softmax(-E / lam), rtol=1e-6,
                 why="gap ≤ 1e-9 bounds p/p* by e^{±1e-9/λ}; 1e-6 is the brief's contract")
    assert_close(r.p, softmax(-E / lam), rtol=_factor_bound(1e-9, lam) + 1e-13, why="the sharp bound")


@given(st.floats(-2.0, 2.0), temperatures(-0.3, 0.3), st.floats(0.3, 0.9))
def test_projected_gradient_two_states_converges_below_the_local_bound(delta_e, lam, s):
    p_star = softmax(-np.array([0.0, delta_e]) / lam)
    bound = 4 * p_star[0] * p_star[1] / lam  # η < 4 p*₁ p*₂ / λ (derived above)
    r = minimize_free_energy([0.0, delta_e], lam, method="projected", step=s * bound, on_failure="return")
    assert r.converged  # linear factor |1 - 2s| ≤ 0.6 near p*
    assert_close(r.p, p_star, rtol=_factor_bound(1e-9, lam) + 1e-13, why="stationarity gap ≤ tol")


@given(st.floats(0.2, 2.0), temperatures(-0.3, 0.3), st.floats(1.1, 1.6))
def test_projected_gradient_two_states_oscillates_above_the_local_bound(delta_e, lam, s):
    p_star = softmax(-np.array([0.0, delta_e]) / lam)
    bound = 4 * p_star[0] * p_star[1] / lam
    r = minimize_free_energy([0.0, delta_e], lam, method="projected", step=s * bound, max_iter=300,
                             on_failure="return")
    assert not r.converged
    # linear factor 1 - 2s ≤ -1.2: p* repels (the gap grows ≥ 1.2× per step near it), the
    # iterates settle on an orbit around it and the gap stays away from 0
    assert float(np.min(r.gap[-50:])) > 1e-6


# --- Euclidean projection onto {p ≥ δ, Σp = 1} ---

def _exact_projection(v: list[float], floor: float) -> list[Fraction]:
    """Brute force over free sets S: p_i = v_i - θ on S, δ off S (KKT), in exact rationals."""
    n = len(v)
    vq, d = [Fraction(x) for x in v], Fraction(floor)
    for size in range(n, 0, -1):
        for S in itertools.combinations(range(n), size):
            theta = (sum(vq[i] for i in S) - 1 + (n - size) * d) / size
            p = [vq[i] - theta if i in S else d for i in range(n)]
            if all(p[i] >= d for i in S) and all(vq[i] - d <= theta for i in range(n) if i not in S):
                return p
    raise AssertionError("no KKT point: impossible for a non-empty feasible set")


@st.composite
def projection_cases(draw):
    n = draw(st.integers(1, 6))
    v = draw(st.lists(st.floats(-10.0, 10.0), min_size=n, max_size=n))
    floor = draw(st.sampled_from([0.0, 0.0, 0.01, 0.5 / n, 0.99 / n]))
    return v, floor


@given(projection_cases())
def test_project_simplex_matches_exact_kkt_enumeration(case):
    v, floor = case
    n = len(v)
    p = project_simplex(v, floor=floor)
    exact = np.array([float(x) for x in _exact_projection(v, floor)])
    assert_close(p, exact, rtol=0, atol=16 * n * EPS * (1 + max(abs(x) for x in v)),
                 why="sorted cumulative sums of |v| ≤ 10 carry n eps·max|v| absolute error")
    assert np.all(p >= floor)  # the floor is exact: clipped entries are δ + scale·0
    tol = 16 * n * EPS * (1 + max(abs(x) for x in v))
    assert_close(p.sum(), 1.0, rtol=0, atol=tol,
                 why="p_i = v_i - θ cancels at |v| ≤ 10: each entry keeps eps·|v| absolute error")
    # KKT: v_i - p_i = θ on entries above the floor, ≤ θ on entries at the floor
    r = np.asarray(v) - p
    free = p > floor
    theta = float(np.mean(r[free]))
    assert_close(r[free], np.full(int(free.sum()), theta), rtol=0, atol=tol, why="the same")
    assert np.all(r[~free] <= theta + tol)


@given(projection_cases(), st.floats(-5.0, 5.0))
def test_project_simplex_is_idempotent_and_shift_invariant(case, c):
    v, floor = case
    p = project_simplex(v, floor=floor)
    assert_close(project_simplex(p, floor=floor), p, rtol=0, atol=16 * len(v) * EPS,
                 why="a point already in the set projects to itself up to the re-summation")
    # Π(v + c1) = Π(v): θ absorbs the shift
    assert_close(project_simplex(np.asarray(v) + c, floor=floor), p, rtol=0, atol=64 * len(v) * EPS,
                 why="the shift changes the rounding of v + c at |v| + |c| ≤ 15")


@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 5), st.integers(0, 2**32 - 1))
def test_project_simplex_batches_the_last_axis(a, b, n, seed):
    V = np.random.default_rng(seed).normal(scale=3.0, size=(a, b, n))
    P = project_simplex(V, floor=0.1 / n)
    assert P.shape == V.shape
    for i, j in np.ndindex(a, b):
        np.testing.assert_array_equal(P[i, j], project_simplex(V[i, j], floor=0.1 / n))


def test_project_simplex_does_not_mutate_its_input():
    v = np.array([2.0, -1.0, 0.5])
    before = v.copy()
    project_simplex(v, floor=0.05)
    np.testing.assert_array_equal(v, before)


# ----------------------------------------------------------------------------------------------
# 6. JAX
# ----------------------------------------------------------------------------------------------

JAX_CASES = [
    (np.array([0.2, 0.3, 0.5]), np.array([0.0, 1.0, 3.0]), np.array([0.5, 0.25, 0.25]), 0.5),
    (np.array([0.0, 1.0, 0.0, 0.0]), np.array([-1e3, 1e3, 0.0, 2.5]), np.array([0.1, 0.6, 0.1, 0.2]), 1e-6),
    (np.array([[0.5, 0.5], [1.0, 0.0]]), np.array([[0.0, 1.0], [2.0, -2.0]]), np.array([[0.3, 0.7], [0.9, 0.1]]),
     3.0),
]


@pytest.mark.parametrize("p, E, q, lam", JAX_CASES)
def test_jax_results_equal_numpy_in_float64(p, E, q, lam):
    pytest.importorskip("jax")
    from iegn.kernels import import_jax

    jax, jnp = import_jax()
    calls = {
        "shannon_entropy": (lambda a, b, c: iegn.shannon_entropy(a), (p, E, q)),
        "shannon_entropy_base2": (lambda a, b, c: iegn.shannon_entropy(a, base=2), (p, E, q)),
        "kl_divergence": (lambda a, b, c: iegn.kl_divergence(a, c), (p, E, q)),
        "log_partition": (lambda a, b, c: iegn.log_partition(b, lam), (p, E, q)),
        "boltzmann": (lambda a, b, c: iegn.boltzmann(b, lam), (p, E, q)),
        "free_energy": (lambda a, b, c: iegn.free_energy(a, b, lam), (p, E, q)),
    }
    with jax.numpy_dtype_promotion("strict"):
        for name, (f, args) in calls.items():
            want = f(*args)
            got = f(*(jnp.asarray(x) for x in args))
            assert isinstance(got, jax.Array), name
            assert got.dtype == jnp.float64, name
            assert_close(np.asarray(got), want, rtol=1e-14, atol=1e-14 * (1 + np.max(np.abs(want))),
                         why=f"{name}: the same generated kernels in float64; XLA's exp/log may differ by an ulp")
            jitted = jax.jit(f)(*(jnp.asarray(x) for x in args))  # traced inputs: validation skipped
            assert jitted.dtype == jnp.float64
            assert_close(np.asarray(jitted), want, rtol=1e-14, atol=1e-14 * (1 + np.max(np.abs(want))),
                         why=f"{name} under jit: fusion may reorder the sums by an ulp")


def test_jax_traced_temperature_and_validation_of_concrete_values():
    pytest.importorskip("jax")
    from iegn.kernels import import_jax

    jax, jnp = import_jax()
    E = jnp.array([0.0, 1.0, 3.0])
    got = jax.jit(lambda e, t: iegn.log_partition(e, t))(E, 0.5)
    assert_close(float(got), logsumexp(-np.array([0.0, 1.0, 3.0]) / 0.5), rtol=1e-14,
                 why="one logsumexp of size 1, float64")
    assert_close(np.asarray(jax.jit(lambda e: iegn.boltzmann(e, 0.5))(E)), softmax(-np.array([0.0, 1.0, 3.0]) / 0.5),
                 rtol=1e-14, why="float64 softmax of exponents ≤ 6")
    # concrete (untraced) JAX values are still validated
    with pytest.raises(InvalidArgumentError, match="negative"):
        iegn.shannon_entropy(jnp.array([1.5, -0.5]))
    with pytest.raises(InvalidArgumentError, match="finite"):
        iegn.boltzmann(jnp.array([0.0, jnp.nan]), 1.0)


# ----------------------------------------------------------------------------------------------
# 7. Invalid inputs
# ----------------------------------------------------------------------------------------------

GOOD_E = [0.0, 1.0]
GOOD_P = [0.5, 0.5]

BAD_INPUTS = [
    ("temperature 0", lambda: log_partition(GOOD_E, 0.0), "must be > 0"),
    ("temperature -1", lambda: boltzmann(GOOD_E, -1.0), "must be > 0"),
    ("temperature nan", lambda: free_energy(GOOD_P, GOOD_E, float("nan")), "must be finite"),
    ("temperature inf", lambda: log_partition(GOOD_E, float("inf")), "must be finite"),
    ("temperature -0.0", lambda: boltzmann(GOOD_E, -0.0), "must be > 0"),
    ("temperature bool", lambda: boltzmann(GOOD_E, True), "must be a real number"),
    ("temperature shape (1,)", lambda: boltzmann(GOOD_E, np.array([0.5])), "must be a real number"),
    ("p negative", lambda: shannon_entropy([1.5, -0.5]), "is negative"),
    ("p negative zero-sum", lambda: kl_divergence([0.5, 0.5], [1.25, -0.25]), "q[1]=-0.25 is negative"),
    ("p sums to 1.1", lambda: shannon_entropy([0.5, 0.6]), "does not sum to 1"),
    ("p sum just outside atol", lambda: shannon_entropy([0.5, 0.5 + 10 * SIMPLEX_ATOL]), "does not sum to 1"),
    ("p batched row bad", lambda: shannon_entropy([[0.5, 0.5], [0.2, 0.2]]), "p[1] does not sum to 1"),
    ("p nan", lambda: shannon_entropy([0.5, float("nan")]), "must be finite"),
    ("p inf", lambda: free_energy([float("inf"), 0.0], GOOD_E, 1.0), "must be finite"),
    ("energies nan", lambda: boltzmann([0.0, float("nan")], 1.0), "must be finite"),
    ("energies strings", lambda: log_partition(["a", "b"], 1.0), "must be an array of real numbers"),
    ("free_energy shapes", lambda: free_energy([0.5, 0.5], [0.0, 1.0, 2.0], 1.0), "shapes do not match"),
    ("kl shapes", lambda: kl_divergence([0.5, 0.5], [0.2, 0.3, 0.5]), "shapes do not match"),
    ("entropy empty", lambda: shannon_entropy([]), "at least one state"),
    ("log_partition empty", lambda: log_partition(np.zeros((2, 0)), 1.0), "at least one state"),
    ("boltzmann scalar", lambda: boltzmann(1.0, 1.0), "at least one state"),
    ("kl empty", lambda: kl_divergence([], []), "at least one state"),
    ("base 1", lambda: shannon_entropy(GOOD_P, base=1), "not a valid logarithm base"),
    ("base 1.0 kl", lambda: kl_divergence(GOOD_P, GOOD_P, base=1.0), "not a valid logarithm base"),
    ("base 0", lambda: shannon_entropy(GOOD_P, base=0), "must be > 0"),
    ("base -2", lambda: kl_divergence(GOOD_P, GOOD_P, base=-2), "must be > 0"),
    ("base nan", lambda: shannon_entropy(GOOD_P, base=float("nan")), "must be finite"),
    ("base string", lambda: shannon_entropy(GOOD_P, base="2"), "must be a real number"),
    ("check_simplex sum", lambda: check_simplex([0.3, 0.3], name="w"), "w does not sum to 1"),
    ("minimize p0 boundary", lambda: minimize_free_energy(GOOD_E, 1.0, p0=[1.0, 0.0]), "interior"),
    ("minimize p0 off simplex", lambda: minimize_free_energy(GOOD_E, 1.0, p0=[0.6, 0.6]), "does not sum to 1"),
    ("minimize p0 shape", lambda: minimize_free_energy(GOOD_E, 1.0, p0=[0.2, 0.3, 0.5]), "p0 has shape"),
    ("minimize unknown method", lambda: minimize_free_energy(GOOD_E, 1.0, method="newton"), "is not one of"),
    ("minimize step 0", lambda: minimize_free_energy(GOOD_E, 1.0, step=0.0), "must be > 0"),
    ("minimize step -1", lambda: minimize_free_energy(GOOD_E, 1.0, step=-1.0, method="projected"), "must be > 0"),
    ("minimize temperature 0", lambda: minimize_free_energy(GOOD_E, 0.0), "must be > 0"),
    ("minimize energies 2-D", lambda: minimize_free_energy([[0.0, 1.0]], 1.0), "finite vector"),
    ("minimize energies empty", lambda: minimize_free_energy([], 1.0), "finite vector"),
    ("minimize tol 0", lambda: minimize_free_energy(GOOD_E, 1.0, tol=0.0), "must be > 0"),
    ("minimize max_iter -1", lambda: minimize_free_energy(GOOD_E, 1.0, max_iter=-1), "must be >= 0"),
    ("minimize on_failure", lambda: minimize_free_energy(GOOD_E, 1.0, on_failure="warn"), "is not one of"),
    ("minimize projected too cold", lambda: minimize_free_energy([0.0, 1e3], 1.0, method="projected"),
     "use method='mirror'"),
    ("project floor = 1/n", lambda: project_simplex([0.2, 0.3, 0.5], floor=1 / 3), "leaves no room"),
    ("project floor > 1/n", lambda: project_simplex([0.2, 0.8], floor=0.6), "leaves no room"),
    ("project floor < 0", lambda: project_simplex([0.2, 0.8], floor=-0.1), "must be >= 0"),
    ("project nan", lambda: project_simplex([0.2, float("nan")]), "finite array"),
    ("project empty", lambda: project_simplex([]), "finite array"),
]


@pytest.mark.parametrize("call, message", [c[1:] for c in BAD_INPUTS], ids=[c[0] for c in BAD_INPUTS])
def test_invalid_inputs_raise_invalid_argument_error(call, message):
    with pytest.raises(InvalidArgumentError, match=re.escape(message)):
        call()
    assert issubclass(InvalidArgumentError, ValueError)


def test_simplex_tolerance_admits_float64_normalisation():
    # a vector normalised in float64 passes; SIMPLEX_ATOL is documented as 1e-9
    assert SIMPLEX_ATOL == 1e-9
    p = np.random.default_rng(3).random(1000)
    check_simplex(p / p.sum())
    check_simplex([0.5, 0.5 + 0.5 * SIMPLEX_ATOL])


# ----------------------------------------------------------------------------------------------
# 8. Floating-point errors: conftest raises on overflow / invalid / divide
# ----------------------------------------------------------------------------------------------

@given(simplex_points(min_n=2))
def test_zeros_never_raise_floating_point_errors(p):
    # 0 log 0 = 0 by construction: no log(0), no 0·(-inf) is ever evaluated
    vertex = np.zeros_like(p)
    vertex[0] = 1.0
    values = [shannon_entropy(p), shannon_entropy(vertex), shannon_entropy(p, base=2),
              kl_divergence(vertex, p if p[0] > 0 else vertex), kl_divergence(p, p), kl_divergence(vertex, vertex),
              free_energy(p, np.zeros_like(p), 1.0), free_energy(vertex, np.arange(p.size, dtype=float), 1e-6)]
    assert all(math.isfinite(v) for v in values)
    assert math.isinf(kl_divergence([0.5, 0.5], [1.0, 0.0]))  # p ≪ q fails: inf, without a divide error


# ----------------------------------------------------------------------------------------------
# Regressions: bugs found while writing these tests, fixed in the library
# ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("base", [0.5, 0.1])
def test_kl_divergence_base_below_one_matches_scipy(base):
    # shannon_entropy([.5,.5], base=.5) is -1 (consistent); KL must be KL_nats / log(base) too
    p, q = [1.0, 0.0], [0.5, 0.5]
    assert_close(kl_divergence(p, q, base=base), scipy_entropy(p, q, base=base), rtol=4 * EPS,
                 why="log 2 / log(base): two roundings")


@pytest.mark.parametrize("temperature", ["1", None, 1 + 0j], ids=["str", "None", "complex"])
def test_non_real_temperature_raises_invalid_argument_error(temperature):
    with pytest.raises(InvalidArgumentError, match="temperature"):
        log_partition([0.0, 1.0], temperature)


@pytest.mark.parametrize("E, lam", [([0.0, 1e3], 1.0), ([0.0, 800.0, 5.0], 1.0), ([0.0, 1.0], 1e-3)])
def test_mirror_descent_converges_when_a_boltzmann_probability_underflows(E, lam):
    # default step 1/λ: exact in one step in log space (max_iter keeps the failing run short)
    r = minimize_free_energy(E, lam, max_iter=20)
    assert r.converged
    assert_close(r.p, boltzmann(E, lam), rtol=1e-12, atol=SUBNORMAL_ATOL, why="the exact minimiser after one step")
