"""Simulated annealing: Metropolis matrix laws, Boltzmann sampling, exact depth, Hajek's
criterion in action, determinism and invalid input.

Oracles: SciPy's softmax (Boltzmann distribution), numpy.linalg (stationary vector), a
brute-force depth by breadth-first search at every threshold, hand derivations, and the exact
law of the chain as a product of Metropolis matrices (itself checked against softmax first).
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest
import scipy.special
from hypothesis import given, settings
from hypothesis import strategies as st

from iegn import DisconnectedGraphError, InvalidArgumentError, InvalidGraphError
from iegn.numeric import (
    SCHEDULE_KINDS,
    AnnealingResult,
    AnnealingSchedule,
    annealing_schedule,
    critical_depth,
    metropolis_matrix,
    simulated_annealing,
)
from iegn.testing import connected_graphs

from ._helpers import assert_close

EPS = float(np.finfo(np.float64).eps)


def path(n: int) -> list[list[int]]:
    """Adjacency list of the path 0 - 1 - ... - (n-1)."""
    return [[j for j in (i - 1, i + 1) if 0 <= j < n] for i in range(n)]


def boltzmann(E, T: float) -> np.ndarray:
    """The oracle: softmax(-E/T) from SciPy."""
    return scipy.special.softmax(-np.asarray(E, dtype=float) / T)


def total_variation(p, q) -> float:
    return 0.5 * float(np.sum(np.abs(np.asarray(p) - np.asarray(q))))


def empirical(states: np.ndarray, n: int) -> np.ndarray:
    return np.bincount(states, minlength=n) / states.size


@st.composite
def landscapes(draw, min_nodes: int = 1, max_nodes: int = 10, *, bound: float = 10.0, integer: bool = False):
    """A connected graph (by construction) and finite energies on its nodes.

    ``integer=True`` draws energies from a few integers, so plateaus and ties are common.
    """
    G = draw(connected_graphs(min_nodes, max_nodes))
    n = G.number_of_nodes()
    if integer:
        values = st.integers(-3, 3).map(float)
    else:
        values = st.floats(-bound, bound, allow_nan=False, allow_infinity=False)
    E = np.array(draw(st.lists(values, min_size=n, max_size=n)), dtype=np.float64)
    return G, E


# --------------------------------------------------------------------------- Metropolis matrix


def test_matrix_by_hand_on_three_states():
    # path 0 - 1 - 2, E = (0, 1, 0), T = 1/log 2 so exp(-1/T) = 1/2; d_max = 2.
    # From 0: propose 1 w.p. 1/2, accept w.p. 1/2 -> 1/4; stay otherwise -> 3/4.
    # From 1: propose 0 or 2 w.p. 1/2 each, both downhill, accepted -> 1/2, 0, 1/2.
    P = metropolis_matrix([0.0, 1.0, 0.0], nx.path_graph(3), 1.0 / math.log(2.0))
    expected = np.array([[0.75, 0.25, 0.0], [0.5, 0.0, 0.5], [0.0, 0.25, 0.75]])
    assert_close(P, expected, rtol=0.0, atol=4 * EPS, why="a few roundings of exp(-log 2) and of 1 - 1/4")


def test_matrix_uses_the_d_max_correction_on_a_star():
    # star with centre 0 and 3 leaves, flat energies: every move is accepted. d_max = 3, so a
    # leaf (degree 1) proposes the centre w.p. 1/3 and stays w.p. 2/3; the centre moves to each
    # leaf w.p. 1/3. Without the correction the leaves would always move and P would not be
    # symmetric, so the uniform distribution would not be stationary.
    P = metropolis_matrix([0.0, 0.0, 0.0, 0.0], nx.star_graph(3), 2.0)
    expected = np.array([[0, 1, 1, 1], [1, 2, 0, 0], [1, 0, 2, 0], [1, 0, 0, 2]]) / 3.0
    assert_close(P, expected, rtol=0.0, atol=2 * EPS, why="1/3 and (3 - 1)/3 each rounded once")


@given(landscapes(), st.floats(0.1, 10.0))
def test_matrix_is_stochastic_and_reversible_for_the_boltzmann_distribution(case, T):
    G, E = case
    n = E.size
    P = metropolis_matrix(E, G, T)
    assert P.shape == (n, n) and P.dtype == np.float64
    assert np.all(P >= 0.0)
    # rows: (d_max - d_i + sum(1 - a) + sum(a)) / d_max, ~2 d_max roundings of numbers <= 1
    assert_close(P.sum(axis=1), np.ones(n), rtol=0.0, atol=4 * n * EPS, why="row sums: O(n) roundings")
    # the support is the graph: no move between non-neighbours
    A = nx.to_numpy_array(G, nodelist=range(n)) + np.eye(n)
    assert np.all(P[A == 0] == 0.0)
    pi = boltzmann(E, T)
    flow = pi[:, None] * P
    # pi_i P_ij = pi_j P_ji: both sides are exp(-max(E_i, E_j)/T)/(Z d_max) computed through
    # exponents of size |E|/T <= 100, whose rounding (~eps * 100 relative) is amplified by exp.
    assert_close(flow, flow.T, rtol=1e-12, atol=1e-300, why="exp of exponents up to 100 carries ~100 eps")
    # pi P = pi: each entry a sum of <= n + 1 terms of size <= max(pi)
    assert_close(pi @ P, pi, rtol=1e-12, atol=(n + 2) * 8 * EPS * pi.max(), why="n-term sum of rounded products")


@given(landscapes(min_nodes=2, max_nodes=12, bound=2.0), st.floats(0.5, 5.0))
def test_the_solved_stationary_vector_is_the_softmax(case, T):
    G, E = case
    n = E.size
    P = metropolis_matrix(E, G, T)
    # solve pi (P - I) = 0 with sum(pi) = 1 as an overdetermined (consistent) linear system
    A = np.vstack([P.T - np.eye(n), np.ones((1, n))])
    b = np.concatenate([np.zeros(n), [1.0]])
    pi, *_ = np.linalg.lstsq(A, b, rcond=None)
    # error ~ eps * cond(A); with |Delta E|/T <= 8 on <= 12 states cond(A) stayed below 5e4 on
    # 3000 random trees (sparse graphs mix slowest) and the 4000-example profile passes: 1e-9
    # leaves a margin of ~100 over eps * 1e5
    assert_close(pi, boltzmann(E, T), rtol=0.0, atol=1e-9, why="least squares: eps * cond(A), cond < 1e5")


def test_matrix_is_stable_at_tiny_temperature_and_huge_gaps():
    # T = 1e-8 with gaps ~1e3: Delta E / T ~ 1e11. The fixture raises on overflow, invalid and
    # division by zero: this passes only if nothing overflows or produces NaN.
    E = np.array([0.0, 1000.0, -1000.0, 500.0])
    G = nx.cycle_graph(4)  # d_max = 2
    P = metropolis_matrix(E, G, 1e-8)
    assert np.all(np.isfinite(P))
    for i, j in G.edges:
        lo, hi = (i, j) if E[i] < E[j] else (j, i)
        assert P[lo, hi] == 0.0  # uphill by >= 500: exp(-5e10) is exactly 0 in float64
        assert P[hi, lo] == 0.5  # downhill: always accepted, proposal 1/d_max
    assert P.sum(axis=1).tolist() == [1.0] * 4
    # and at a huge temperature every move is accepted: P = (A + stay)/d_max
    P_hot = metropolis_matrix(E, G, 1e300)
    assert_close(P_hot, nx.to_numpy_array(G) / 2.0, rtol=0.0, atol=1e-290, why="exp(-1e3/1e300) = 1 - 1e-297")


def test_energies_near_the_float64_limit_do_not_overflow():
    # E_j - E_i = +-2e308 rounds to +-inf: uphill is then exactly rejected, downhill accepted
    E = np.array([-1e308, 1e308])
    P = metropolis_matrix(E, [[1], [0]], 1.0)
    assert P.tolist() == [[1.0, 0.0], [1.0, 0.0]]
    r = simulated_annealing(E, [[1], [0]], schedule=[1.0] * 5, n_steps=5, x0=1, seed=0)
    assert r.trajectory.tolist() == [1, 0, 0, 0, 0, 0]
    assert critical_depth(E, [[1], [0]]) == 0.0


def test_graph_and_adjacency_list_agree_and_one_state_is_trivial():
    G = nx.petersen_graph()
    E = np.linspace(-1.0, 2.0, 10)
    lists = [sorted(G.adj[i]) for i in range(10)]
    assert np.array_equal(metropolis_matrix(E, G, 0.7), metropolis_matrix(E, lists, 0.7))
    assert metropolis_matrix([5.0], [[]], 1.0).tolist() == [[1.0]]
    assert critical_depth([5.0], [[]]) == 0.0


# --------------------------------------------------------------------------- sampling


@pytest.mark.parametrize(
    ("name", "graph", "energies", "T"),
    [
        ("petersen", nx.petersen_graph(), np.linspace(-1.0, 1.0, 10), 0.8),
        ("cycle7", nx.cycle_graph(7), np.array([0.0, 1.0, -0.5, 2.0, 0.3, -1.0, 0.5]), 1.0),
        ("star5", nx.star_graph(4), np.array([1.0, 0.0, -1.0, 0.5, 2.0]), 1.5),
    ],
)
def test_many_chains_at_fixed_temperature_sample_the_boltzmann_distribution(name, graph, energies, T):
    n = energies.size
    P = metropolis_matrix(energies, graph, T)
    pi = boltzmann(energies, T)
    # exact mixing: smallest K with TV(e_0 P^K, pi) <= 1e-3 (these chains are aperiodic)
    law, K = np.eye(n)[0], 0
    while total_variation(law, pi) > 1e-3:
        law, K = law @ P, K + 1
    assert K <= 400
    m = 4000
    r = simulated_annealing(energies, graph, schedule=annealing_schedule("constant", t0=T), n_steps=K,
                            x0=0, seed=7, n_chains=m, record_trajectory=False)
    tv = total_variation(empirical(r.state, n), pi)
    # E[TV(empirical, law)] <= (1/2) sum_i sqrt(p_i (1 - p_i)/m) <= (1/2) sqrt((n - 1)/m)
    # (Cauchy-Schwarz); TV moves by <= 1/m per chain, so by McDiarmid it exceeds its mean by
    # 3/sqrt(m) with probability <= exp(-18); plus the exact mixing error 1e-3.
    bound = 0.5 * math.sqrt((n - 1) / m) + 3.0 / math.sqrt(m) + 1e-3
    assert tv <= bound, f"{name}: TV {tv:.4f} > {bound:.4f} after K={K} steps"


# 15 examples under ci and a third of the profile's count under thorough (1333): 3000 chains
# each; every example fails with probability <= e^-18 (McDiarmid), so 1333 fail with <= 2e-5
@settings(max_examples=max(15, settings().max_examples // 3))
@given(landscapes(min_nodes=2, max_nodes=8, bound=2.0), st.integers(1, 20), st.floats(0.3, 3.0), st.data())
def test_the_sampler_follows_the_product_of_metropolis_matrices(case, K, t0, data):
    # the sampler (padded neighbour table, one uniform per step) and metropolis_matrix are
    # written separately: the law of X_K must be e_{x0} P(T_0) ... P(T_{K-1})
    G, E = case
    n = E.size
    x0 = data.draw(st.integers(0, n - 1))
    schedule = annealing_schedule("geometric", t0=t0, alpha=0.8)
    law = np.eye(n)[x0]
    for T in schedule.temperatures(K):
        law = law @ metropolis_matrix(E, G, T)
    m = 3000
    r = simulated_annealing(E, G, schedule=schedule, n_steps=K, x0=x0, seed=11, n_chains=m,
                            record_trajectory=False)
    tv = total_variation(empirical(r.state, n), law)
    # same bound as above (mean <= sqrt((n-1)/m)/2, McDiarmid tail 3/sqrt(m)); no mixing term
    assert tv <= 0.5 * math.sqrt((n - 1) / m) + 3.0 / math.sqrt(m)


# --------------------------------------------------------------------------- depth


def brute_force_depth(E: np.ndarray, lists: list[list[int]]) -> float:
    """Hajek's depth by definition: for each non-global state, the lowest threshold H at which
    a breadth-first search through states of energy <= H reaches a lower state."""
    n = E.size
    depth = 0.0
    for i in range(n):
        if E[i] == E.min():
            continue
        for H in sorted(set(E[E >= E[i]].tolist())):
            seen, stack, found = {i}, [i], False
            while stack and not found:
                u = stack.pop()
                for v in lists[u]:
                    if v not in seen and E[v] <= H:
                        if E[v] < E[i]:
                            found = True
                        seen.add(v)
                        stack.append(v)
            if found:
                depth = max(depth, H - E[i])
                break
    return depth


@pytest.mark.parametrize(
    ("energies", "expected", "why"),
    [
        ([1.0, 0.0, 2.0, -1.0], 2.0, "double well: trap 0 behind barrier 2"),
        ([2.0, 0.0, 1.0, 3.0, 0.0, -3.0], 3.0, "W: trap 0 behind barrier 3"),
        ([3.0, 0.0, 5.0, 1.0, 4.0, -1.0], 5.0, "trap 0 must climb 5 to reach any lower state; trap 1 only 4 - 1"),
        ([1.0, 0.0, 0.0, 2.0, -1.0], 2.0, "a plateau trap (states 1, 2) behind barrier 2"),
        ([0.0, 1.0, 0.0], 0.0, "two global minima: neither counts"),
        ([4.0, 3.0, 2.0, 1.0], 0.0, "monotone: no local minimum but the global one"),
        ([1.0, 1.0, 1.0], 0.0, "flat: every state is a global minimum"),
        ([0.0, 2.0, 1.0, 5.0, -2.0], 5.0, "state 0 (E=0) and state 2 (E=1) must both cross 5: max(5, 4)"),
    ],
)
def test_critical_depth_by_hand_on_paths(energies, expected, why):
    E = np.array(energies)
    assert critical_depth(E, path(E.size)) == expected, why
    assert brute_force_depth(E, path(E.size)) == expected, why  # the oracle agrees with the hand


@given(st.one_of(landscapes(1, 9, integer=True), landscapes(1, 9, bound=5.0)))
def test_critical_depth_matches_brute_force(case):
    G, E = case
    lists = [sorted(G.adj[i]) for i in range(E.size)]
    # both return a difference h(i) - E_i of two input energies: the same float operation
    assert critical_depth(E, G) == brute_force_depth(E, lists)


@given(landscapes(1, 9, integer=True), st.integers(-5, 5), st.sampled_from([0.5, 2.0, 4.0]))
def test_critical_depth_is_shift_invariant_and_scales(case, shift, scale):
    # small integers and power-of-two scales: every operation is exact in float64
    G, E = case
    d = critical_depth(E, G)
    assert critical_depth(E + shift, G) == d
    assert critical_depth(scale * E, G) == scale * d
    # relabelling the states does not change the landscape
    perm = np.random.default_rng(0).permutation(E.size)
    H = nx.relabel_nodes(G, {i: int(perm[i]) for i in range(E.size)})
    E_perm = np.empty_like(E)
    E_perm[perm] = E
    assert critical_depth(E_perm, H) == d


# --------------------------------------------------------------------------- Hajek's criterion

# The 'W' of the test below: a wall, the trap (state 1, E=0), a shoulder, the barrier (E=3),
# a shoulder, the global minimum (state 5, E=-3). Starting at state 0 the first downhill move
# enters the trap; leaving it means climbing d* = 3 - 0 = 3.
W_ENERGIES = np.array([2.0, 0.0, 1.0, 3.0, 0.0, -3.0])
W_GLOBAL = 5
W_STEPS = 5000
W_CHAINS = 2000


def exact_success(schedule: AnnealingSchedule) -> float:
    """P(X_N = global minimum) from the exact law e_0 P(T_0) ... P(T_{N-1})."""
    law = np.eye(W_ENERGIES.size)[0]
    for T in schedule.temperatures(W_STEPS):
        law = law @ metropolis_matrix(W_ENERGIES, path(W_ENERGIES.size), T)
    return float(law[W_GLOBAL])


@pytest.mark.parametrize(
    ("c_over_depth", "low", "high"),
    [
        # measured (exact law, N = 5000): 0.0012, 0.0453, 0.7374, 0.9912 for c/d* = 1/4, 1/2, 1, 3/2;
        # sampled with seed 2024: 0.0015, 0.0490, 0.7340, 0.9900
        (0.25, 0.0, 0.01),
        (0.5, 0.0, 0.1),
        (1.0, 0.6, 1.0),
        (1.5, 0.95, 1.0),
    ],
)
def test_logarithmic_cooling_escapes_the_trap_iff_c_reaches_the_depth(c_over_depth, low, high):
    d_star = critical_depth(W_ENERGIES, path(6))
    assert d_star == 3.0
    schedule = annealing_schedule("logarithmic", c=c_over_depth * d_star)
    assert schedule.meets_hajek_condition(d_star) == (c_over_depth >= 1.0)
    p = exact_success(schedule)
    r = simulated_annealing(W_ENERGIES, path(6), schedule=schedule, n_steps=W_STEPS, x0=0, seed=2024,
                            n_chains=W_CHAINS, record_trajectory=False)
    fraction = float(np.mean(r.state == W_GLOBAL))
    # the fraction is Binomial(m, p)/m: within 5 standard deviations (+1/m for p near 0 or 1)
    # except with probability < 1e-6, whatever the seed
    assert abs(fraction - p) <= 5.0 * math.sqrt(p * (1.0 - p) / W_CHAINS) + 1.0 / W_CHAINS
    # the separation itself, on both the exact law and the sample: with c < d* the mass left
    # in the trap decays summably (sum_k (k+2)^(-d*/c) < inf) and most chains stay; with
    # c >= d* it does not, and after 5000 steps most chains have crossed. The bands sit >= 5
    # binomial standard deviations (<= 0.05 at m = 2000) away from the exact values.
    assert low <= p <= high and low <= fraction <= high, f"c/d*={c_over_depth}: exact {p:.4f}, sampled {fraction:.4f}"


def test_below_the_depth_the_trapped_mass_stops_decaying():
    # Hajek's dichotomy on the exact law: with c = d*/4 the success probability at N = 2000 and
    # N = 8000 agree to 1e-4 (the escape rate (k+2)^(-4) is summable: the trap keeps its mass),
    # while with c = d* it still grows (the rate (k+2)^(-1) is not summable).
    def success(c):
        law, out = np.eye(6)[0], []
        for k, T in enumerate(annealing_schedule("logarithmic", c=c).temperatures(8000), start=1):
            law = law @ metropolis_matrix(W_ENERGIES, path(6), T)
            if k in (2000, 8000):
                out.append(float(law[W_GLOBAL]))
        return out

    low_2k, low_8k = success(0.75)
    high_2k, high_8k = success(3.0)
    assert abs(low_8k - low_2k) <= 1e-4
    assert high_8k >= high_2k + 0.05  # measured: 0.6749 -> 0.7650 (and 0.0011654 both times for c = d*/4)


def test_fast_geometric_cooling_is_only_a_heuristic():
    # T_k = 3 * 0.9^k: sum_k exp(-d*/T_k) < inf, so Hajek's condition fails and most chains
    # freeze in the trap. Measured: exact 0.1533, sampled 0.1490 (seed 2024).
    schedule = annealing_schedule("geometric", t0=3.0, alpha=0.9)
    assert not schedule.meets_hajek_condition(3.0)
    p = exact_success(schedule)
    r = simulated_annealing(W_ENERGIES, path(6), schedule=schedule, n_steps=W_STEPS, x0=0, seed=2024,
                            n_chains=W_CHAINS, record_trajectory=False)
    fraction = float(np.mean(r.state == W_GLOBAL))
    assert abs(fraction - p) <= 5.0 * math.sqrt(p * (1.0 - p) / W_CHAINS) + 1.0 / W_CHAINS  # binomial, as above
    assert p <= 0.2 and fraction <= 0.25


# --------------------------------------------------------------------------- results, determinism


def test_same_seed_same_result_bit_for_bit():
    G = nx.petersen_graph()
    E = np.sin(np.arange(10.0))
    kw = dict(schedule=annealing_schedule("logarithmic", c=1.0), n_steps=300, x0=[0, 3, 9, 2], n_chains=4)
    a = simulated_annealing(E, G, seed=123, **kw)
    b = simulated_annealing(E, G, seed=123, **kw)
    c = simulated_annealing(E, G, seed=np.random.default_rng(123), **kw)
    for other in (b, c):
        for field in ("state", "energy", "best_state", "best_energy", "trajectory", "temperatures"):
            assert getattr(a, field).tobytes() == getattr(other, field).tobytes(), field
    d = simulated_annealing(E, G, seed=124, **kw)
    assert not np.array_equal(a.trajectory, d.trajectory)
    # single chains too
    s1 = simulated_annealing(E, G, schedule=kw["schedule"], n_steps=300, x0=0, seed=5)
    s2 = simulated_annealing(E, G, schedule=kw["schedule"], n_steps=300, x0=0, seed=5)
    assert s1.trajectory.tobytes() == s2.trajectory.tobytes() and s1.state == s2.state


def test_a_shorter_run_is_a_prefix_of_a_longer_one():
    G, E = nx.cycle_graph(9), np.cos(np.arange(9.0))
    s = annealing_schedule("geometric", t0=2.0, alpha=0.99)
    short = simulated_annealing(E, G, schedule=s, n_steps=50, x0=4, seed=3, n_chains=5)
    long = simulated_annealing(E, G, schedule=s, n_steps=100, x0=4, seed=3, n_chains=5)
    assert np.array_equal(short.trajectory, long.trajectory[:51])
    assert np.array_equal(short.temperatures, long.temperatures[:50])


@given(landscapes(1, 8), st.integers(1, 60), st.integers(0, 2**32))
def test_result_fields_agree_with_the_trajectory(case, n_steps, seed):
    G, E = case
    x0 = seed % E.size
    r = simulated_annealing(E, G, schedule=annealing_schedule("logarithmic", c=1.0), n_steps=n_steps,
                            x0=x0, seed=seed)
    assert isinstance(r, AnnealingResult)
    assert isinstance(r.state, int) and isinstance(r.energy, float) and isinstance(r.best_state, int)
    traj = r.trajectory
    assert traj.shape == (n_steps + 1,) and traj[0] == x0 and traj[-1] == r.state
    assert r.energy == E[r.state] and r.n_steps == n_steps
    assert r.best_energy == E[traj].min() and r.best_state == traj[np.argmin(E[traj])]
    # every move is to a neighbour or a stay
    for u, v in zip(traj[:-1], traj[1:]):
        assert u == v or G.has_edge(int(u), int(v))
    assert r.temperatures.shape == (n_steps,)


def test_many_chains_shapes_and_read_only_results():
    E, nb = W_ENERGIES, path(6)
    r = simulated_annealing(E, nb, schedule=annealing_schedule("constant", t0=1.0), n_steps=10,
                            x0=np.array([0, 1, 2]), seed=0, n_chains=3)
    assert r.state.shape == r.energy.shape == r.best_state.shape == r.best_energy.shape == (3,)
    assert r.trajectory.shape == (11, 3) and r.trajectory[0].tolist() == [0, 1, 2]
    assert np.array_equal(r.energy, E[r.state])
    with pytest.raises(ValueError, match="read-only"):
        r.state[0] = 1
    with pytest.raises(AttributeError):
        r.n_steps = 3  # frozen
    assert simulated_annealing(E, nb, schedule=[1.0] * 4, n_steps=4, x0=1, seed=0,
                               record_trajectory=False).trajectory is None


def test_geometric_cooling_underflows_to_the_greedy_limit_without_fp_errors():
    # 0.5**k underflows to exactly 0 near k = 1075; at T = 0 only non-increasing moves are
    # accepted, so the energy never rises again. The fixture turns any overflow/NaN into an error.
    s = annealing_schedule("geometric", t0=1.0, alpha=0.5)
    temps = s.temperatures(1500)
    assert temps[-1] == 0.0 and s.temperature(1499) == 0.0
    E = np.sin(np.arange(12.0)) * 1e3
    r = simulated_annealing(E, nx.cycle_graph(12), schedule=s, n_steps=1500, x0=0, seed=1, n_chains=20)
    zero = np.flatnonzero(temps == 0.0)[0]
    energies = E[r.trajectory[zero:]]
    assert np.all(np.diff(energies, axis=0) <= 0.0)


def test_schedules_closed_forms():
    log = annealing_schedule("logarithmic", c=3.0)
    k = np.arange(6)
    assert_close(log.temperatures(6), 3.0 / np.log(k + 2), rtol=2 * EPS, why="one log, one division")
    geo = annealing_schedule("geometric", t0=8.0, alpha=0.5)
    assert geo.temperatures(5).tolist() == [8.0, 4.0, 2.0, 1.0, 0.5]  # powers of two: exact
    assert annealing_schedule("constant", t0=0.3).temperatures(3).tolist() == [0.3, 0.3, 0.3]
    assert set(SCHEDULE_KINDS) == {"logarithmic", "geometric", "constant"}
    # Hajek: the condition sum_k exp(-d/T_k) = inf with T_k -> 0
    assert log.meets_hajek_condition(3.0) and not log.meets_hajek_condition(3.0 + 1e-12)
    assert not geo.meets_hajek_condition(0.1) and geo.meets_hajek_condition(0.0)
    assert not annealing_schedule("constant", t0=1.0).meets_hajek_condition(0.0)


# --------------------------------------------------------------------------- invalid input

GOOD_E = [0.0, 1.0, 2.0]
GOOD_NB = [[1], [0, 2], [1]]
M, S = metropolis_matrix, annealing_schedule
ARG, GRAPH, DISCONNECTED = InvalidArgumentError, InvalidGraphError, DisconnectedGraphError


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: M(GOOD_E, GOOD_NB, 0.0), ARG, r"temperature=0\.0 must be > 0"),
        (lambda: M(GOOD_E, GOOD_NB, -1.0), ARG, r"temperature=-1\.0 must be > 0"),
        (lambda: M(GOOD_E, GOOD_NB, math.nan), ARG, r"temperature=nan must be finite"),
        (lambda: M(GOOD_E, GOOD_NB, math.inf), ARG, r"temperature=inf must be finite"),
        (lambda: M([0.0, math.nan, 1.0], GOOD_NB, 1.0), ARG, r"energies\[1\]=nan"),
        (lambda: M([0.0, 1.0, math.inf], GOOD_NB, 1.0), ARG, r"energies\[2\]=inf"),
        (lambda: M([], [], 1.0), ARG, r"energies is empty"),
        (lambda: M([0.0, 1.0], GOOD_NB, 1.0), ARG, r"3 lists but energies has 2"),
        (lambda: M([0.0, 1.0], nx.path_graph(3), 1.0), ARG, r"3 nodes but energies has 2"),
        (lambda: M(GOOD_E, [[1], [0], []], 1.0), DISCONNECTED, r"2 connected components.*irreducible"),
        (lambda: M(GOOD_E, nx.Graph([(0, 1), (2, 2)]), 1.0), GRAPH, r"self-loop at state 2"),
        (lambda: M(GOOD_E, nx.Graph([(0, 1)]), 1.0), ARG, r"2 nodes but energies has 3"),
        (lambda: M(GOOD_E, nx.DiGraph([(0, 1), (1, 2)]), 1.0), GRAPH, r"directed"),
        (lambda: M(GOOD_E, nx.MultiGraph([(0, 1), (1, 2)]), 1.0), GRAPH, r"multigraph"),
        (lambda: M(GOOD_E, nx.path_graph("abc"), 1.0), GRAPH, r"node 'a'"),
        (lambda: M(GOOD_E, [[1], [0, 2], []], 1.0), GRAPH, r"not symmetric: 2 is in neighbours\[1\]"),
        (lambda: M(GOOD_E, [[1], [0, 3], [1]], 1.0), GRAPH, r"neighbours\[1\] contains 3"),
        (lambda: M(GOOD_E, [[1], [1, 0, 2], [1]], 1.0), GRAPH, r"neighbours\[1\] contains 1"),
        (lambda: M(GOOD_E, [[1, 1], [0, 2], [1]], 1.0), GRAPH, r"lists 1 twice"),
        (lambda: M(GOOD_E, [[1.0], [0, 2], [1]], 1.0), GRAPH, r"contains 1\.0"),
        (lambda: M(GOOD_E, "abc", 1.0), GRAPH, r"got str"),
        (lambda: critical_depth(GOOD_E, [[1], [0], []]), DISCONNECTED, r"irreducible"),
        (lambda: critical_depth([0.0, math.nan, 1.0], GOOD_NB), ARG, r"energies\[1\]=nan"),
        (lambda: S("linear", c=1.0), ARG, r"kind='linear' is not one of"),
        (lambda: S("logarithmic", c=0.0), ARG, r"c=0\.0 must be > 0"),
        (lambda: S("logarithmic", c=-2.0), ARG, r"c=-2\.0 must be > 0"),
        (lambda: S("logarithmic", c=math.nan), ARG, r"c=nan must be finite"),
        (lambda: S("logarithmic"), ARG, r"needs c"),
        (lambda: S("logarithmic", c=1.0, alpha=0.5), ARG, r"alpha=0\.5 is not a parameter"),
        (lambda: S("geometric", t0=1.0, alpha=0.0), ARG, r"alpha=0\.0 must be > 0"),
        (lambda: S("geometric", t0=1.0, alpha=1.0), ARG, r"alpha=1\.0 must be < 1"),
        (lambda: S("geometric", t0=1.0, alpha=1.5), ARG, r"alpha=1\.5 must be < 1"),
        (lambda: S("geometric", t0=1.0, alpha=math.nan), ARG, r"alpha=nan"),
        (lambda: S("geometric", t0=0.0, alpha=0.5), ARG, r"t0=0\.0 must be > 0"),
        (lambda: S("geometric", t0=1.0), ARG, r"needs alpha"),
        (lambda: S("constant", t0=-1.0), ARG, r"t0=-1\.0 must be > 0"),
        (lambda: S("constant", t0=1.0).temperature(-1), ARG, r"k=-1 must be >= 0"),
        (lambda: S("logarithmic", c=1.0).meets_hajek_condition(-1.0), ARG, r"depth=-1\.0"),
    ],
)
def test_invalid_input_raises_naming_the_value(call, error, match):
    with pytest.raises(error, match=match):
        call()


LOG = annealing_schedule("logarithmic", c=1.0)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(schedule=LOG, n_steps=0, x0=0), r"n_steps=0 must be >= 1"),
        (dict(schedule=LOG, n_steps=-3, x0=0), r"n_steps=-3 must be >= 1"),
        (dict(schedule=LOG, n_steps=5, x0=3), r"x0=3 is not a state: states are 0\.\.2"),
        (dict(schedule=LOG, n_steps=5, x0=-1), r"x0=-1 is not a state"),
        (dict(schedule=LOG, n_steps=5, x0=1.0), r"x0=1\.0 must be an integer"),
        (dict(schedule=LOG, n_steps=5, x0=[0, 1], n_chains=3), r"shape \(3,\)"),
        (dict(schedule=LOG, n_steps=5, x0=[0, 1, 5], n_chains=3), r"x0\[2\]=5 is not a state"),
        (dict(schedule=LOG, n_steps=5, x0=0, n_chains=0), r"n_chains=0 must be >= 1"),
        (dict(schedule=LOG, n_steps=5, x0=0, seed=-1), r"seed=-1 must be >= 0"),
        (dict(schedule=LOG, n_steps=5, x0=0, seed=1.5), r"seed=1\.5 must be an integer"),
        (dict(schedule="logarithmic", n_steps=5, x0=0), r"schedule='logarithmic' must be an AnnealingSchedule"),
        (dict(schedule=[1.0, 1.0], n_steps=5, x0=0), r"schedule has 2 entries, expected 5"),
        (dict(schedule=[1.0, -1.0], n_steps=2, x0=0), r"schedule\[1\]=-1\.0 must be >= 0"),
        (dict(schedule=[1.0, math.nan], n_steps=2, x0=0), r"schedule\[1\]=nan must be finite"),
        (dict(schedule=LOG, n_steps=5, x0=0, record_trajectory="yes"), r"record_trajectory='yes'"),
    ],
)
def test_invalid_annealing_arguments(kwargs, match):
    with pytest.raises(InvalidArgumentError, match=match):
        simulated_annealing(GOOD_E, GOOD_NB, **kwargs)


def test_annealing_rejects_a_disconnected_neighbourhood_saying_why():
    with pytest.raises(DisconnectedGraphError, match="not be irreducible"):
        simulated_annealing(GOOD_E, [[1], [0], []], schedule=LOG, n_steps=5, x0=0)
