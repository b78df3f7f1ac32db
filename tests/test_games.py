"""Normal-form games and logit dynamics: blueprint §2.1 ("free-energy minimisers converge to a
Boltzmann distribution approximating the Nash equilibrium") against independent oracles.

Oracles: scipy.special.softmax / logsumexp / entr; exact rational arithmetic (fractions) for
expected payoffs, best responses and support enumeration; brute-force enumeration of pure Nash
equilibria; Monderer & Shapley's four-cycle test for potential games; closed forms and 1-D root
finds (scipy.optimize.brentq) for 2×2 games; L-BFGS-B maximisation of the entropy-regularised
potential; hand-derived Jacobians at the uniform profile, checked by finite differences.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from scipy.optimize import brentq, minimize
from scipy.special import entr, expit, logsumexp, softmax

from iegn import InvalidArgumentError, NotConvergedError
from iegn.numeric import (
    LogitDynamicsResult,
    NormalFormGame,
    coordination_game,
    expected_payoffs,
    logit_dynamics,
    logit_response,
    matching_pennies,
    nash_gap,
    potential_function,
    prisoners_dilemma,
    quantal_response_equilibrium,
    shapley_game,
)

from ._helpers import assert_close

EPS = float(np.finfo(np.float64).eps)


# ----------------------------------------------------------------------------------------------
# Hypothesis strategies: games with bounded payoffs, profiles on the simplex, potential games
# built by construction (u_i = Phi + g_i(a_-i)), never by filtering.
# ----------------------------------------------------------------------------------------------

def _array(draw, shape, lo, hi):
    n = int(np.prod(shape))
    vals = draw(st.lists(st.floats(lo, hi), min_size=n, max_size=n))
    return np.array(vals, dtype=np.float64).reshape(shape)


@st.composite
def bimatrix_games(draw, min_actions=2, max_actions=4):
    shape = (draw(st.integers(min_actions, max_actions)), draw(st.integers(min_actions, max_actions)))
    return NormalFormGame((_array(draw, shape, -1.0, 1.0), _array(draw, shape, -1.0, 1.0)))


@st.composite
def potential_games(draw, n_players=2):
    """(game, Phi): Phi in [-1/2, 1/2], u_i = Phi + g_i(a_-i) with g_i in [-1/2, 1/2]."""
    shape = tuple(draw(st.integers(2, 4 if n_players == 2 else 3)) for _ in range(n_players))
    phi = _array(draw, shape, -0.5, 0.5)
    payoffs = []
    for i in range(n_players):
        g_shape = tuple(1 if j == i else n for j, n in enumerate(shape))  # constant along axis i
        payoffs.append(phi + _array(draw, g_shape, -0.5, 0.5))
    return NormalFormGame(tuple(payoffs)), phi


@st.composite
def integer_games(draw, potential):
    """Small integer games (exact in float64): by construction a potential game or not."""
    n_players = draw(st.integers(2, 3))
    shape = tuple(draw(st.integers(1, 3)) for _ in range(n_players))
    ints = lambda s: np.array(draw(st.lists(st.integers(-5, 5), min_size=int(np.prod(s)), max_size=int(np.prod(s)))),
                              dtype=np.float64).reshape(s)  # noqa: E731
    if potential:
        phi = ints(shape)
        return NormalFormGame(tuple(phi + ints(tuple(1 if j == i else n for j, n in enumerate(shape)))
                                    for i in range(n_players)))
    return NormalFormGame(tuple(ints(shape) for _ in range(n_players)))


@st.composite
def simplex_point(draw, n):
    w = np.array(draw(st.lists(st.floats(0.0, 1.0), min_size=n, max_size=n)))
    k = draw(st.integers(0, n - 1))
    w[k] = max(w[k], 0.1)  # one entry bounded away from 0, so the normalisation is well defined
    return w / w.sum()


@st.composite
def profiles(draw, game):
    return tuple(draw(simplex_point(n)) for n in game.n_actions)


temperatures = st.floats(0.05, 2.0)


# ----------------------------------------------------------------------------------------------
# Independent oracles, written without iegn
# ----------------------------------------------------------------------------------------------

def exact_expected_payoffs(payoffs, profile):
    """v_i(a_i) = sum over a_-i of u_i(a) prod_j x_j(a_j), in Fractions, by enumeration."""
    shape = payoffs[0].shape
    out = []
    for i in range(len(payoffs)):
        v = [Fraction(0)] * shape[i]
        for a in itertools.product(*map(range, shape)):
            w = Fraction(payoffs[i][a])
            for j, x in enumerate(profile):
                if j != i:
                    w *= Fraction(x[a[j]])
            v[a[i]] += w
        out.append(v)
    return out


def exact_nash_gap(payoffs, profile):
    vs = exact_expected_payoffs(payoffs, profile)
    return max(max(v) - sum(Fraction(p) * q for p, q in zip(x, v)) for v, x in zip(vs, profile))


def pure_nash_equilibria(payoffs):
    """Brute force: profiles from which no player gains by a unilateral pure deviation."""
    shape = payoffs[0].shape
    found = []
    for a in itertools.product(*map(range, shape)):
        if all(payoffs[i][a] >= max(payoffs[i][a[:i] + (b,) + a[i + 1:]] for b in range(shape[i]))
               for i in range(len(payoffs))):
            found.append(a)
    return found


def four_cycle_potential(payoffs):
    """Monderer & Shapley (1996), Cor. 2.9: exact potential iff every 4-cycle of unilateral
    deviations by two players i, j has zero total payoff change. Exact (integers)."""
    shape = payoffs[0].shape
    P = len(shape)
    for i, j in itertools.combinations(range(P), 2):
        for a in itertools.product(*map(range, shape)):
            for bi in range(shape[i]):
                for bj in range(shape[j]):
                    def at(ai, aj):
                        b = list(a)
                        b[i], b[j] = ai, aj
                        return tuple(b)
                    A, B, C, D = at(a[i], a[j]), at(bi, a[j]), at(bi, bj), at(a[i], bj)
                    total = (Fraction(payoffs[i][B]) - Fraction(payoffs[i][A])
                             + Fraction(payoffs[j][C]) - Fraction(payoffs[j][B])
                             + Fraction(payoffs[i][D]) - Fraction(payoffs[i][C])
                             + Fraction(payoffs[j][A]) - Fraction(payoffs[j][D]))
                    if total != 0:
                        return False
    return True


def support_enumeration(A, B):
    """All Nash equilibria of a nondegenerate bimatrix game, exactly: for every pair of supports
    of equal size, solve the indifference equations in Fractions (support enumeration; von Stengel
    2007, in Algorithmic Game Theory, ch. 3)."""
    m, n = len(A), len(A[0])
    A = [[Fraction(v) for v in row] for row in A]
    B = [[Fraction(v) for v in row] for row in B]

    def solve(M, rhs):  # Gaussian elimination; None if singular
        k = len(M)
        M = [row[:] + [r] for row, r in zip(M, rhs)]
        for c in range(k):
            p = next((r for r in range(c, k) if M[r][c] != 0), None)
            if p is None:
                return None
            M[c], M[p] = M[p], M[c]
            for r in range(k):
                if r != c and M[r][c] != 0:
                    f = M[r][c] / M[c][c]
                    M[r] = [x - f * y for x, y in zip(M[r], M[c])]
        return [M[r][k] / M[r][r] for r in range(k)]

    eqs = []
    for size in range(1, min(m, n) + 1):
        for S in itertools.combinations(range(m), size):
            for T in itertools.combinations(range(n), size):
                # y on T makes player 0 indifferent on S (value u); x on S does it for player 1 on T
                My = [[A[s][t] for t in T] + [Fraction(-1)] for s in S] + [[Fraction(1)] * size + [Fraction(0)]]
                Mx = [[B[s][t] for s in S] + [Fraction(-1)] for t in T] + [[Fraction(1)] * size + [Fraction(0)]]
                rhs = [Fraction(0)] * size + [Fraction(1)]
                sy, sx = solve(My, rhs), solve(Mx, rhs)
                if sy is None or sx is None or min(sy[:-1]) < 0 or min(sx[:-1]) < 0:
                    continue
                y = [Fraction(0)] * n
                x = [Fraction(0)] * m
                for t, v in zip(T, sy):
                    y[t] = v
                for s, v in zip(S, sx):
                    x[s] = v
                if all(sum(A[r][c] * y[c] for c in range(n)) <= sy[-1] for r in range(m)) and \
                        all(sum(B[r][c] * x[r] for r in range(m)) <= sx[-1] for c in range(n)):
                    eqs.append((tuple(x), tuple(y)))
    return eqs


def tangent_jacobian(game, x, temperature, h=1e-5):
    """Jacobian of the logit response at x on the product of simplex tangent spaces, by central
    differences along the basis e_a - e_last of each player's tangent space."""
    sizes = game.n_actions
    basis = []
    for i, n in enumerate(sizes):
        for a in range(n - 1):
            d = [np.zeros(k) for k in sizes]
            d[i][a], d[i][n - 1] = 1.0, -1.0
            basis.append(d)

    def coords(profile):  # tangent vector -> coordinates in the basis (drop each last entry)
        return np.concatenate([p[:-1] for p in profile])

    cols = []
    for d in basis:
        plus = logit_response(game, [xi + h * di for xi, di in zip(x, d)], temperature)
        minus = logit_response(game, [xi - h * di for xi, di in zip(x, d)], temperature)
        cols.append(coords([(p - m) / (2 * h) for p, m in zip(plus, minus)]))
    return np.array(cols).T


def uniform(game):
    return [np.full(n, 1.0 / n) for n in game.n_actions]


# ----------------------------------------------------------------------------------------------
# The game object and the named games
# ----------------------------------------------------------------------------------------------

def test_named_games_have_their_textbook_equilibria():
    # brute-force enumeration of pure Nash equilibria (oracle independent of nash_gap)
    assert pure_nash_equilibria(coordination_game().payoffs) == [(0, 0), (1, 1)]
    assert pure_nash_equilibria(prisoners_dilemma().payoffs) == [(1, 1)]  # (defect, defect)
    assert pure_nash_equilibria(matching_pennies().payoffs) == []
    assert pure_nash_equilibria(shapley_game().payoffs) == []
    for g in (coordination_game(), prisoners_dilemma(), matching_pennies(), shapley_game()):
        assert g.n_players == 2
        assert all(p.dtype == np.float64 and not p.flags.writeable for p in g.payoffs)
    assert shapley_game().n_actions == (3, 3)


def test_payoffs_are_copied_and_read_only():
    u = np.array([[1.0, 0.0], [0.0, 1.0]])
    g = NormalFormGame((u, u))
    u[0, 0] = 99.0
    assert g.payoffs[0][0, 0] == 1.0
    with pytest.raises(ValueError):
        g.payoffs[0][0, 0] = 5.0


def test_shapley_unique_equilibrium_is_uniform_exactly():
    A, B = (p.astype(int).tolist() for p in shapley_game().payoffs)
    third = [Fraction(1, 3)] * 3
    # exact rational best responses against the uniform profile: every action earns 1/3
    assert exact_nash_gap(shapley_game().payoffs, [third, third]) == 0
    # and every Nash equilibrium (the game is nondegenerate, so equal supports suffice) is uniform
    assert support_enumeration(A, B) == [(tuple(third), tuple(third))]
    # the float computation agrees up to rounding of 1/3 (a few ulps of the payoff scale 1)
    assert nash_gap(shapley_game(), uniform(shapley_game())) <= 4 * EPS


def test_support_enumeration_oracle_finds_all_coordination_equilibria():
    # sanity check of the oracle on a game with three equilibria: (0,0), (1,1), and b/(a+b) mixed
    A = [[2, 0], [0, 1]]
    eqs = support_enumeration(A, A)
    mixed = (Fraction(1, 3), Fraction(2, 3))
    assert sorted(eqs) == sorted([((1, 0), (1, 0)), ((0, 1), (0, 1)), (mixed, mixed)])


# ----------------------------------------------------------------------------------------------
# Expected payoffs, logit response, Nash gap
# ----------------------------------------------------------------------------------------------

@given(st.data(), st.integers(2, 3))
def test_expected_payoffs_match_exact_enumeration(data, n_players):
    game, _ = data.draw(potential_games(n_players))
    profile = data.draw(profiles(game))
    got = expected_payoffs(game, profile)
    exact = exact_expected_payoffs(game.payoffs, profile)
    for v, w in zip(got, exact):
        # a sum of prod(n) terms of size <= 1: rounding <= prod(n) * P * eps
        assert_close(v, [float(q) for q in w], rtol=0, atol=64 * EPS * np.prod(game.n_actions),
                     why="float64 summation of at most 27 products of numbers <= 1")


@given(bimatrix_games(), temperatures, st.data())
def test_logit_response_is_scipy_softmax_and_maximises_the_free_energy(game, lam, data):
    profile = data.draw(profiles(game))
    v = expected_payoffs(game, profile)
    resp = logit_response(game, profile, lam)
    for vi, p in zip(v, resp):
        assert_close(p, softmax(vi / lam), rtol=1e-12, atol=1e-300, why="two float64 softmax implementations")
        # Gibbs variational principle: max_p p.v + lam H(p) = lam logsumexp(v / lam), attained at p
        assert_close(p @ vi + lam * entr(p).sum(), lam * logsumexp(vi / lam), rtol=1e-12, atol=1e-12,
                     why="value of the variational problem; rounding of H and logsumexp")
        q = data.draw(simplex_point(len(vi)))
        assert q @ vi + lam * entr(q).sum() <= lam * logsumexp(vi / lam) + 1e-12


def test_logit_response_does_not_overflow_at_tiny_temperatures():
    big = np.array([[1e3, -1e3], [0.0, 2e3]])
    g = NormalFormGame((big, big.T))
    with np.errstate(all="raise"):  # stricter than conftest: underflow raises too
        for lam in (1e-6, 1e-300, 5e-324):
            p0, p1 = logit_response(g, [[0.5, 0.5], [0.25, 0.75]], lam)
            # player 0: v = big @ x1 = [-500, 1500], a strict best response -> the pure action, exactly
            assert p0.tolist() == [0.0, 1.0]
            # player 1: v = x0 @ big.T = [0, 1000]
            assert p1.tolist() == [0.0, 1.0]
    # ties at tiny temperature: the uniform distribution over the best responses
    p0, _ = logit_response(matching_pennies(), [[0.5, 0.5], [0.5, 0.5]], 1e-6)
    assert p0.tolist() == [0.5, 0.5]


@given(integer_games(potential=False), st.data())
def test_nash_gap_of_pure_profiles_is_zero_exactly_at_brute_force_equilibria(game, data):
    eqs = set(pure_nash_equilibria(game.payoffs))
    a = tuple(data.draw(st.integers(0, n - 1)) for n in game.n_actions)
    pure = [np.eye(n)[k] for n, k in zip(game.n_actions, a)]
    gap = nash_gap(game, pure)
    assert gap == float(exact_nash_gap(game.payoffs, pure))  # integers: exact in float64
    assert (gap == 0.0) == (a in eqs)


@given(bimatrix_games(), st.data())
def test_nash_gap_matches_exact_rationals(game, data):
    profile = data.draw(profiles(game))
    exact = exact_nash_gap(game.payoffs, [[Fraction(float(p)) for p in x] for x in profile])
    assert_close(nash_gap(game, profile), max(float(exact), 0.0), rtol=0, atol=64 * EPS,
                 why="float64 dot products of at most 4 terms of size <= 1")


# ----------------------------------------------------------------------------------------------
# Potential games
# ----------------------------------------------------------------------------------------------

def test_prisoners_dilemma_and_coordination_potentials_by_hand():
    # Phi(C,C)=0, Phi(D,C)=u0(D,C)-u0(C,C)=2, Phi(C,D)=u1(C,D)-u1(C,C)=2, Phi(D,D)=2+u1(D,D)-u1(D,C)=3
    np.testing.assert_array_equal(potential_function(prisoners_dilemma()), [[0.0, 2.0], [2.0, 3.0]])
    np.testing.assert_array_equal(potential_function(coordination_game(2.0, 1.0)), [[0.0, -2.0], [-2.0, -1.0]])
    assert potential_function(matching_pennies()) is None
    assert potential_function(shapley_game()) is None


@given(st.booleans().flatmap(lambda p: integer_games(potential=p)))
def test_potential_function_agrees_with_the_four_cycle_test(game):
    phi = potential_function(game)
    assert (phi is not None) == four_cycle_potential(game.payoffs)
    if phi is not None:
        # the defining identity, by brute force over every player, profile and deviation
        shape = game.n_actions
        for i in range(game.n_players):
            for a in itertools.product(*map(range, shape)):
                for b in range(shape[i]):
                    a2 = a[:i] + (b,) + a[i + 1:]
                    assert game.payoffs[i][a2] - game.payoffs[i][a] == phi[a2] - phi[a]  # integers: exact
        assert phi[(0,) * game.n_players] == 0.0


@given(st.integers(2, 3).flatmap(potential_games))
def test_potential_function_recovers_the_constructed_potential(case):
    game, phi = case
    got = potential_function(game)
    assert got is not None
    scale = max(float(np.max(np.abs(u))) for u in game.payoffs)
    assert_close(got, phi - phi.flat[0], rtol=0, atol=16 * game.n_players * EPS * scale,
                 why="Phi is rebuilt as a signed sum of 2P payoffs, each one rounding of phi + g")


def test_potential_function_tolerance_is_relative_and_exact_on_request():
    u = np.array([[2.0, 0.0], [0.0, 1.0]])
    nudged = u.copy()
    nudged[1, 1] += 1e-12  # breaks the identity by 1e-12 for player 1 only
    g = NormalFormGame((u, nudged))
    assert potential_function(g) is not None  # 1e-12 < POTENTIAL_RTOL * 2
    assert potential_function(g, rtol=0.0) is None
    assert potential_function(coordination_game(), rtol=0.0) is not None


# ----------------------------------------------------------------------------------------------
# Fact 1: in potential games the logit fixed points are critical points of Phi(x) + lam sum H(x_i)
# (Hofbauer & Sandholm 2002), and the dynamics converge.
# ----------------------------------------------------------------------------------------------

_SLOW_U = np.array([[0.0, -0.296875, -0.5], [0.0, 0.0, -0.5]])  # identical interests: Phi = u


@given(st.integers(2, 3).flatmap(potential_games), temperatures)
@example(case=(NormalFormGame((_SLOW_U, _SLOW_U.copy())), _SLOW_U), lam=0.05078125)  # 58,726 steps to converge
def test_potential_game_qre_is_a_critical_point_of_the_regularised_potential(case, lam):
    game, phi = case
    spread = max(float(np.ptp(u)) for u in game.payoffs)
    # potential games have a real Jacobian spectrum, so a step 1/(1 + rho) (not 1/(1 + rho^2))
    # keeps the negative modes stable; it is 3-40x faster than the default
    step = 1.0 / (1.0 + spread / lam)
    # The dynamics converge (Hofbauer & Sandholm), but at no guaranteed rate: near a bifurcation
    # of the fixed points they are arbitrarily slow (the thorough profile found a 2x3 game at
    # lam = 0.0508 that needs 58,726 steps). So the run is not required to finish within its
    # 20,000 steps; it must report honestly, have made progress, and the KKT law is checked at
    # the point it returns, to that point's own residual.
    r = quantal_response_equilibrium(game, lam, step=step, max_iter=20_000, on_failure="return")
    assert r.converged == (r.distance[-1] <= 1e-10)
    assert r.distance[-1] < r.distance[0] or r.distance[0] <= 1e-10
    # KKT for max Phi(x) + lam sum_i H(x_i) on the product of simplices (interior):
    # dPhi(x)/dx_i = lam (log x_i + 1) + c_i  <=>  x_i = softmax(dPhi(x)/dx_i / lam), with
    # dPhi(x)/dx_i computed from the constructed Phi, not from the payoffs u_i; softmax(dPhi/lam)
    # is the logit response L_i(x) (the constant c_i cancels), so the KKT residual is the
    # run's distance to the logit response
    for i, x in enumerate(r.strategies):
        grad = np.moveaxis(phi, i, 0)
        for j, y in enumerate(r.strategies):
            if j != i:
                grad = np.tensordot(grad, y, axes=([1], [0]))
        # ||x_i - L_i(x)||_1 <= distance (1e-10 at convergence), plus rounding of the softmax
        assert np.abs(x - softmax(grad / lam)).sum() <= r.distance[-1] + 1e-9
    # and the QRE is a lam*H-Nash equilibrium (bound of nash_gap's Notes) up to the residual
    bound = lam * max(entr(x).sum() for x in r.strategies) + spread * r.distance[-1]
    assert r.nash_gap <= bound + 1e-12


def test_coordination_qre_is_the_brentq_root_and_the_regularised_potential_maximiser():
    a, b = 2.0, 1.0
    game = coordination_game(a, b)
    for lam in (0.1, 0.3, 0.5, 1.0):
        r = quantal_response_equilibrium(game, lam)  # uniform start: symmetric, principal branch
        p = r.strategies[0][0]
        # oracle 1: the symmetric fixed-point equation p = sigma((a p - b (1 - p)) / lam); on
        # [1/2, 1] it has exactly one root (p minus a concave increasing function is convex,
        # negative at 1/2 because a > b, positive at 1)
        f = lambda q: q - expit((a * q - b * (1 - q)) / lam)  # noqa: E731
        root = brentq(f, 0.5, 1.0, xtol=1e-15, rtol=4 * EPS)
        slope = (a + b) * root * (1 - root) / lam  # |L'| at the root: the error amplification
        assert slope < 1.0
        assert_close(r.strategies[0], [root, 1 - root], rtol=0, atol=1e-10 / (1 - slope) + 1e-14,
                     why="||x - x*|| <= tol / (1 - |L'|) for the damped fixed-point iteration")
        np.testing.assert_array_equal(r.strategies[0], r.strategies[1])  # symmetric start stays symmetric
        # oracle 2: maximise Psi(p, q) = Phi(p, q) + lam (h(p) + h(q)) with L-BFGS-B
        h = lambda t: -t * np.log(t) - (1 - t) * np.log(1 - t)  # noqa: E731
        psi = lambda z: -(a * z[0] * z[1] + b * (1 - z[0]) * (1 - z[1]) + lam * (h(z[0]) + h(z[1])))  # noqa: E731
        eps = 1e-12
        opt = minimize(psi, [0.9, 0.9], method="L-BFGS-B", bounds=[(eps, 1 - eps)] * 2,
                       options={"ftol": 1e-15, "gtol": 1e-12})
        assert_close(opt.x, [root, root], rtol=0, atol=1e-6,
                     why="L-BFGS-B stops on a gradient ~1e-8; the Hessian is O(1/lam) away from 0")
        # and the gap is the closed form (1 - p)(a p - b (1 - p)) of the 2x2 game
        assert_close(r.nash_gap, (1 - root) * (a * root - b * (1 - root)), rtol=0, atol=1e-9,
                     why="x is within ~1e-10 of the root; the gap is 3-Lipschitz in x")


# ----------------------------------------------------------------------------------------------
# Fact 2: QRE is an epsilon-Nash equilibrium, epsilon <= lam max_i H(x_i) <= lam max_i log n_i
# ----------------------------------------------------------------------------------------------

@given(bimatrix_games(), temperatures, st.data())
def test_the_epsilon_nash_law_holds_at_every_profile(game, lam, data):
    # gap_i(x) = [max v_i - L_i.v_i] + (L_i - x_i).v_i <= lam H(L_i) + ||L_i - x_i||_1 ptp(v_i)/2
    x = data.draw(profiles(game))
    resp = logit_response(game, x, lam)
    vs = expected_payoffs(game, x)
    for i, (v, p, xi) in enumerate(zip(vs, resp, x)):
        gap_i = v.max() - xi @ v
        assert gap_i <= lam * entr(p).sum() + np.abs(p - xi).sum() * np.ptp(v) / 2 + 1e-12
        assert lam * entr(p).sum() <= lam * math.log(len(v)) + 1e-15


@given(bimatrix_games(), temperatures)
def test_qre_of_random_games_is_lam_log_n_nash_when_the_dynamics_converge(game, lam):
    r = quantal_response_equilibrium(game, lam, max_iter=5_000, on_failure="return")
    spread = max(float(np.ptp(u)) for u in game.payoffs)
    # always: the law above with the final residual; at convergence the residual is <= tol
    bound = lam * max(math.log(n) for n in game.n_actions) + spread * r.distance[-1] / 2
    assert r.nash_gap <= bound + 1e-12
    if r.converged:
        assert r.nash_gap <= lam * max(entr(x).sum() for x in r.strategies) + spread * 1e-10 + 1e-12


def test_the_bound_lam_times_log_n_minus_entropy_is_false():
    # the tempting bound lam (log n - H(x)) -> 0 as lam -> infinity, but the gap does not
    game = coordination_game()
    for lam, lo in ((1.0, 0.05), (2.0, 0.25), (10.0, 0.25)):
        r = quantal_response_equilibrium(game, lam)
        wrong = lam * (math.log(2) - entr(r.strategies[0]).sum())
        assert r.nash_gap > wrong + lo
        assert r.nash_gap <= lam * math.log(2)


# ----------------------------------------------------------------------------------------------
# Fact 3: as lam -> 0 the coordination QRE branch approaches the pure equilibrium (0, 0)
# ----------------------------------------------------------------------------------------------

def test_coordination_qre_branch_approaches_the_payoff_dominant_equilibrium():
    a, b = 2.0, 1.0
    game = coordination_game(a, b)
    lams = [1.0, 0.5, 0.3, 0.2, 0.1, 0.05]
    gaps, dist = [], []
    for lam in lams:
        r = quantal_response_equilibrium(game, lam)
        assert r.nash_gap <= lam * math.log(2)
        gaps.append(r.nash_gap)
        dist.append(max(np.abs(x - [1.0, 0.0]).sum() for x in r.strategies))
    assert np.all(np.diff(gaps) < 0) or gaps[-1] <= 1e-9  # decreasing until the tol floor
    assert dist[-1] <= 1e-9 and (0, 0) in pure_nash_equilibria(game.payoffs)
    # much faster than lam log 2: 1 - p ~ exp(-(a - 0)/lam), so the gap ~ a exp(-a/lam)
    for lam, gap in zip(lams, gaps):
        if lam <= 0.3:
            assert gap <= 2.0 * a * math.exp(-a / lam) + 1e-9  # 1e-9: the tol floor of the dynamics


# ----------------------------------------------------------------------------------------------
# Fact 4: non-convergence. Matching pennies (discretisation) and Shapley's game (a limit cycle)
# ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lam", [0.25, 0.5, 0.9])
def test_matching_pennies_jacobian_and_step_threshold(lam):
    game = matching_pennies()
    # hand derivation at the uniform profile: p = sigma(2 (2q - 1)/lam) has dp/dq = 1/lam, and
    # player 1 the opposite sign: J = [[0, 1/lam], [-1/lam, 0]], eigenvalues +-i/lam
    J = tangent_jacobian(game, uniform(game), lam)
    assert_close(J, [[0.0, 1 / lam], [-1 / lam, 0.0]], rtol=0, atol=1e-8,
                 why="central differences, h=1e-5: O(h^2 L''') error")
    # damped step s: eigenvalues 1 - s + s(+-i/lam), modulus < 1 iff s < 2 lam^2 / (1 + lam^2)
    crit = 2 * lam**2 / (1 + lam**2)
    x0 = [[0.6, 0.4], [0.5, 0.5]]
    r = logit_dynamics(game, x0, temperature=lam, step=0.8 * crit, max_iter=20_000)
    assert_close(r.strategies, [[0.5, 0.5], [0.5, 0.5]], rtol=0, atol=1e-9,
                 why="residual tol=1e-10 amplified by 1/(1 - contraction factor) <= 10")
    with pytest.raises(NotConvergedError):
        logit_dynamics(game, x0, temperature=lam, step=min(1.0, 1.2 * crit), max_iter=3_000)


def test_matching_pennies_fixed_point_iteration_settles_on_a_4_cycle():
    game, lam = matching_pennies(), 0.5
    # the unique QRE is uniform: p - sigma(2(2 sigma(-2(2p-1)/lam) - 1)/lam) is strictly increasing
    g = lambda p: p - expit(2 * (2 * expit(-2 * (2 * p - 1) / lam) - 1) / lam)  # noqa: E731
    grid = np.linspace(0.0, 1.0, 2001)
    assert np.all(np.diff(g(grid)) > 0)
    assert brentq(g, 0.0, 1.0, xtol=1e-15) == pytest.approx(0.5, abs=1e-12)
    with pytest.raises(NotConvergedError) as info:
        logit_dynamics(game, [[0.6, 0.4], [0.5, 0.5]], temperature=lam, step=1.0, max_iter=400)
    r = info.value.result
    assert isinstance(r, LogitDynamicsResult) and not r.converged and r.n_iter == 400
    p, q = r.trajectory[0][:, 0], r.trajectory[1][:, 0]
    # period 4 (the map rotates by a quarter turn around the uniform point): x(k+4) = x(k)
    assert_close(p[-4:], p[-8:-4], rtol=0, atol=1e-9, why="attracting 4-cycle, reached geometrically")
    assert_close(q[-4:], q[-8:-4], rtol=0, atol=1e-9, why="attracting 4-cycle, reached geometrically")
    assert np.ptp(p[-4:]) > 0.9  # it swings between ~0.02 and ~0.98: far from the QRE
    assert r.distance[-100:].min() > 0.9
    # the default damped step of quantal_response_equilibrium finds the QRE
    qre = quantal_response_equilibrium(game, lam, x0=[[0.6, 0.4], [0.5, 0.5]])
    assert_close(qre.strategies, [[0.5, 0.5], [0.5, 0.5]], rtol=0, atol=1e-9,
                 why="residual 1e-10 times 1/(1 - contraction) with contraction 0.89")


@pytest.mark.parametrize("lam", [0.1, 0.2, 0.5])
def test_shapley_jacobian_at_the_uniform_qre(lam):
    game = shapley_game()
    J = tangent_jacobian(game, uniform(game), lam)
    eig = np.linalg.eigvals(J)
    # hand derivation: J = [[0, C A], [C B^T, 0]] with C = (I - 11^T/3)/(3 lam); on the tangent
    # spaces (C A)(C B^T) acts as the 3-cycle B^T / (9 lam^2), eigenvalues w, w^2 (cube roots of
    # unity) / (9 lam^2); so eig(J) = +- e^{+- i pi/3} / (3 lam)
    expected = np.array([s * np.exp(1j * t * np.pi / 3) / (3 * lam) for s in (1, -1) for t in (1, -1)])
    assert_close(np.sort_complex(eig), np.sort_complex(expected), rtol=1e-7, atol=0,
                 why="central differences, h=1e-5, relative O(h^2) error")
    assert_close(np.max(eig.real), 1 / (6 * lam), rtol=1e-7, why="same finite differences")


@pytest.mark.parametrize("lam", [0.05, 0.1, 0.15])
def test_shapley_logit_dynamics_approach_a_limit_cycle(lam):
    game = shapley_game()
    x0 = [[0.5, 0.3, 0.2], [0.2, 0.3, 0.5]]
    with pytest.raises(NotConvergedError, match="cycle or stall") as info:
        logit_dynamics(game, x0, temperature=lam, step=0.1, max_iter=4_000)
    r = info.value.result
    tail = slice(r.n_iter // 2, None)
    # lam < 1/6: the uniform QRE repels (real part 1/(6 lam) - 1 > 0 of the continuous-time
    # linearisation). Measured over 20k steps: min distance 1.11 / 1.01 / 0.66 for lam = 0.05 /
    # 0.1 / 0.15 and l1 distance from uniform >= 0.32 / 0.32 / 0.25; the bounds leave room.
    assert r.distance[tail].min() > 0.5
    for traj in r.trajectory:
        assert np.abs(traj[tail] - 1 / 3).sum(axis=1).min() > 0.2
    # the strategies rotate: player 0's favourite action steps 0 -> 1 -> 2 -> 0 -> ..., again and again
    fav = r.trajectory[0][tail].argmax(axis=1)
    changes = fav[1:][np.diff(fav) != 0]
    prev = fav[:-1][np.diff(fav) != 0]
    assert changes.size >= 30
    assert np.all(changes == (prev + 1) % 3)
    assert r.nash_gap > 0.1  # nowhere near the Nash equilibrium


def test_shapley_above_the_hopf_temperature_the_dynamics_converge_to_uniform():
    game = shapley_game()
    x0 = [[0.5, 0.3, 0.2], [0.2, 0.3, 0.5]]
    for lam in (0.2, 0.25):
        r = logit_dynamics(game, x0, temperature=lam, step=0.1, max_iter=10_000)
        assert_close(r.strategies, np.full((2, 3), 1 / 3), rtol=0, atol=1e-8,
                     why="residual tol=1e-10 amplified by 1/(1 - contraction factor ~0.97)")
    # the discrete map's own threshold: s < (2 - r)/(1 - r + r^2), r = 1/(3 lam) = 5/3 at lam = 0.2,
    # i.e. s < 0.158; above it the uniform point repels the iteration as well
    r_ = 1 / (3 * 0.2)
    assert (2 - r_) / (1 - r_ + r_**2) == pytest.approx(0.1579, abs=1e-4)
    with pytest.raises(NotConvergedError):
        logit_dynamics(game, x0, temperature=0.2, step=0.3, max_iter=4_000)


def test_shapley_qre_raises_from_a_generic_start_and_is_uniform_from_the_uniform_start():
    game = shapley_game()
    with pytest.raises(NotConvergedError) as info:
        quantal_response_equilibrium(game, 0.1, x0=[[0.5, 0.3, 0.2], [0.2, 0.3, 0.5]], max_iter=4_000)
    assert info.value.result.nash_gap > 0.1
    r = quantal_response_equilibrium(game, 0.1)  # the uniform start is the (unstable) QRE itself
    assert r.converged and r.n_iter == 0


# ----------------------------------------------------------------------------------------------
# Results and failure modes
# ----------------------------------------------------------------------------------------------

def test_result_records_the_run():
    game = coordination_game()
    r = logit_dynamics(game, [[0.5, 0.5], [0.5, 0.5]], temperature=0.5, step=0.5)
    assert r.converged and r.distance.shape == (r.n_iter + 1,) and r.distance[-1] <= 1e-10
    assert all(t.shape == (r.n_iter + 1, 2) for t in r.trajectory)
    np.testing.assert_array_equal(r.trajectory[0][-1], r.strategies[0])
    assert r.nash_gap == nash_gap(game, r.strategies)
    assert (r.temperature, r.step) == (0.5, 0.5)
    # one hand step of x <- x + s (L(x) - x) from the start
    L0 = [softmax(u @ np.array([0.5, 0.5]) / 0.5) for u in (game.payoffs[0], game.payoffs[1].T)]
    assert_close(r.trajectory[0][1], 0.5 * np.array([0.5, 0.5]) + 0.5 * L0[0], rtol=1e-15, atol=1e-16,
                 why="one convex combination and renormalisation")
    with pytest.raises(AttributeError):
        r.n_iter = 3  # frozen


def test_on_failure_return_gives_the_partial_result():
    r = logit_dynamics(shapley_game(), [[0.5, 0.3, 0.2], [0.2, 0.3, 0.5]], temperature=0.1, max_iter=50,
                       on_failure="return")
    assert not r.converged and r.n_iter == 50 and r.distance.shape == (51,)
    r0 = logit_dynamics(coordination_game(), [[0.5, 0.5], [0.5, 0.5]], temperature=0.5, max_iter=0,
                        on_failure="return")
    assert r0.n_iter == 0 and not r0.converged


U2 = np.array([[1.0, 0.0], [0.0, 1.0]])
GOOD = NormalFormGame((U2, U2))
HALF = [[0.5, 0.5], [0.5, 0.5]]

BAD_GAMES = [
    ((U2,), "at least 2 players"),
    ("ab", "sequence of arrays"),
    (5, "sequence of arrays"),
    ((U2, np.ones((2, 3))), r"payoffs\[1\] has shape \(2, 3\), expected \(2, 2\)"),
    ((U2, np.ones(2)), "one axis per player"),
    ((np.ones((2, 2, 2)), np.ones((2, 2, 2))), "one axis per player"),
    ((np.ones((0, 2)), np.ones((0, 2))), "at least one action"),
    ((np.array([[1.0, np.nan], [0, 0]]), U2), r"payoffs\[0\]\[\(0, 1\)\]=nan must be finite"),
    ((U2, np.array([[1.0, 0.0], [np.inf, 0]])), r"payoffs\[1\]\[\(1, 0\)\]=inf must be finite"),
    ((U2, [["a", "b"], ["c", "d"]]), "real numbers"),
]


@pytest.mark.parametrize(("payoffs", "match"), BAD_GAMES)
def test_bad_games_are_rejected(payoffs, match):
    with pytest.raises(InvalidArgumentError, match=match):
        NormalFormGame(payoffs)


BAD_CALLS = [
    (lambda: expected_payoffs(GOOD, [[0.5, 0.5]]), "1 strategies, expected one per player"),
    (lambda: expected_payoffs(GOOD, [[0.5, 0.5], [0.2, 0.3, 0.5]]), r"strategies\[1\] has 3 entries"),
    (lambda: expected_payoffs(GOOD, [[1.5, -0.5], [0.5, 0.5]]), r"strategies\[0\]\[1\]=-0.5 must be >= 0"),
    (lambda: expected_payoffs(GOOD, [[0.5, 0.6], [0.5, 0.5]]), r"strategies\[0\] sums to 1.1"),
    (lambda: expected_payoffs(GOOD, [[np.nan, 1.0], [0.5, 0.5]]), r"strategies\[0\]\[0\]=nan must be finite"),
    (lambda: expected_payoffs(GOOD, "ab"), "sequence of probability vectors"),
    (lambda: expected_payoffs(GOOD, 3), "sequence of probability vectors"),
    (lambda: expected_payoffs(U2, HALF), "must be a NormalFormGame"),
    (lambda: nash_gap(GOOD, [[[0.5, 0.5]], [0.5, 0.5]]), "one-dimensional"),
    (lambda: logit_response(GOOD, HALF, 0.0), "temperature=0.0 must be > 0"),
    (lambda: logit_response(GOOD, HALF, -1.0), "temperature=-1.0 must be > 0"),
    (lambda: logit_response(GOOD, HALF, float("nan")), "temperature=nan must be finite"),
    (lambda: logit_response(GOOD, HALF, "hot"), "must be a real number"),
    (lambda: logit_dynamics(GOOD, HALF, temperature=1.0, step=0.0), "step=0.0 must be > 0"),
    (lambda: logit_dynamics(GOOD, HALF, temperature=1.0, step=1.5), "step=1.5 must be <= 1"),
    (lambda: logit_dynamics(GOOD, HALF, temperature=1.0, step=float("inf")), "step=inf must be finite"),
    (lambda: logit_dynamics(GOOD, HALF, temperature=1.0, max_iter=-1), "max_iter=-1 must be >= 0"),
    (lambda: logit_dynamics(GOOD, HALF, temperature=1.0, max_iter=2.5), "max_iter=2.5 must be an integer"),
    (lambda: logit_dynamics(GOOD, HALF, temperature=1.0, tol=0.0), "tol=0.0 must be > 0"),
    (lambda: logit_dynamics(GOOD, HALF, temperature=1.0, on_failure="warn"), "on_failure='warn' is not one of"),
    (lambda: logit_dynamics(GOOD, [[0.5, 0.5], [0.7, 0.7]], temperature=1.0), r"x0\[1\] sums to 1.4"),
    (lambda: quantal_response_equilibrium(GOOD, 0.0), "temperature=0.0 must be > 0"),
    (lambda: quantal_response_equilibrium(GOOD, 1.0, step=2.0), "step=2.0 must be <= 1"),
    (lambda: quantal_response_equilibrium(GOOD, 1.0, on_failure=None), "on_failure=None is not one of"),
    (lambda: potential_function(GOOD, rtol=-1.0), "rtol=-1.0 must be >= 0"),
    (lambda: coordination_game(a=0.0), "a=0.0 must be > 0"),
    (lambda: coordination_game(b=float("nan")), "b=nan must be finite"),
]


@pytest.mark.parametrize(("call", "match"), BAD_CALLS)
def test_bad_arguments_are_rejected(call, match):
    with pytest.raises(InvalidArgumentError, match=match):
        call()


def test_on_failure_is_checked_before_any_work():
    # even with an invalid game, the closed option set is validated first
    with pytest.raises(InvalidArgumentError, match="on_failure"):
        logit_dynamics("not a game", HALF, temperature=1.0, on_failure="maybe")
