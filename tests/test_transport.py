"""The compiled batch transport (:mod:`iegn.graph._transport`) against independent solvers.

Oracles: the exact successive-shortest-path solver in :class:`fractions.Fraction` arithmetic of
``tests/test_curvature.py`` (Bellman-Ford, shares no code with the primal-dual loop under test)
and POT's network simplex (a different algorithm and code base). The certificate is tested as
a law: whatever the solver returns with status 0 is the optimum, even on inputs it was not
built for.
"""

from __future__ import annotations

from fractions import Fraction

import networkx as nx
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from ot.lp.emd_wrap import emd_c

import iegn.graph._engine as engine_mod
import iegn.graph._transport as tr
from iegn.graph import ollivier_ricci
from tests.test_curvature import _w1_exact

#: Float W1 against exact rationals: masses are k/den with den <= 60, costs <= 6, so the value
#: is a sum of at most 144 products each rounded once (~1e-16 relative); 1e-12 leaves room.
ATOL = 1e-12


@st.composite
def problems(draw, max_side: int = 9, max_cost: int = 6):
    """A transport problem with rational masses of equal total (1) and integer costs."""
    k = draw(st.integers(1, max_side))
    m = draw(st.integers(1, max_side))
    den = draw(st.integers(1, 60))

    def simplex(size: int) -> list[Fraction]:
        # ``size`` non-negative integers summing to den, built by cutting [0, den]
        cuts = sorted(draw(st.lists(st.integers(0, den), min_size=size - 1, max_size=size - 1)))
        parts = [b - a for a, b in zip([0, *cuts], [*cuts, den])]
        return [Fraction(p, den) for p in parts]

    a, b = simplex(k), simplex(m)
    C = draw(st.lists(st.lists(st.integers(0, max_cost), min_size=m, max_size=m), min_size=k, max_size=k))
    return a, b, C


def _pack(probs):
    ma = np.concatenate([np.array([float(q) for q in a]) for a, _, _ in probs])
    mb = np.concatenate([np.array([float(q) for q in b]) for _, b, _ in probs])
    flat = np.concatenate([np.array(C, dtype=np.float64).ravel() for _, _, C in probs])

    def off(sizes):
        return np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)

    return (ma, mb, flat, off([len(a) for a, _, _ in probs]), off([len(b) for _, b, _ in probs]),
            off([len(C) * len(C[0]) for _, _, C in probs]))


def _exact(a, b, C) -> Fraction:
    mx = {("s", i): q for i, q in enumerate(a)}
    my = {("t", j): q for j, q in enumerate(b)}
    return _w1_exact(mx, my, lambda s, t: C[s[1]][t[1]])


@given(st.lists(problems(), min_size=1, max_size=6))
def test_batch_equals_the_exact_rational_solver(probs):
    w1, status = tr.transport_batch(*_pack(probs), np.arange(len(probs)))
    assert status.tolist() == [0] * len(probs)  # integer costs: every certificate closes
    for value, (a, b, C) in zip(w1.tolist(), probs):
        assert value == pytest.approx(float(_exact(a, b, C)), abs=ATOL)


@given(st.lists(problems(max_side=14, max_cost=3), min_size=1, max_size=8), st.randoms(use_true_random=False))
def test_batch_equals_pot_and_ignores_order(probs, rnd):
    packed = _pack(probs)
    todo = list(range(len(probs)))
    rnd.shuffle(todo)
    w1, status = tr.transport_batch(*packed, np.array(todo))
    assert not status.any()
    for value, e in zip(w1.tolist(), todo):
        a, b, C = probs[e]
        ref = emd_c(np.array([float(q) for q in a]), np.array([float(q) for q in b]),
                    np.array(C, dtype=np.float64), 100_000, 1)[1]
        assert value == pytest.approx(ref, abs=ATOL)


@given(st.lists(problems(max_side=8), min_size=1, max_size=5), st.integers(1, 97), st.integers(2, 101))
def test_the_certificate_rejects_what_is_not_optimal(probs, num, den):
    """Fractional costs break the integer admissibility test; with ``check=False`` the solver
    runs anyway. Every answer it certifies (status 0) must still be the optimum, and the
    others must be NaN, never a wrong number."""
    scale = num / den
    packed = list(_pack(probs))
    packed[2] = packed[2] * scale + (np.arange(packed[2].size) % 3) * 0.37
    w1, status = tr.transport_batch(*packed, np.arange(len(probs)), check=False)
    ma, mb, flat, a_off, b_off, p_off = packed
    for e, (value, code) in enumerate(zip(w1.tolist(), status.tolist())):
        a, b = ma[a_off[e]:a_off[e + 1]], mb[b_off[e]:b_off[e + 1]]
        ref = emd_c(a, b, flat[p_off[e]:p_off[e + 1]].reshape(a.size, b.size), 100_000, 1)[1]
        if code == 0:
            # the certificate's gap is 4e-12 * max(C) (module constant GAP_RTOL); costs < 7
            assert value == pytest.approx(ref, abs=1e-10)
        else:
            assert np.isnan(value)


@st.composite
def real_problems(draw, max_side: int = 9):
    """Rational masses as in problems(), costs k/8 for k in 0..40 (exact in binary and as Fractions)."""
    a, b, C = draw(problems(max_side=max_side, max_cost=40))
    return a, b, [[Fraction(c, 8) for c in row] for row in C]


@given(st.lists(real_problems(), min_size=1, max_size=6))
def test_simplex_equals_the_exact_rational_solver(probs):
    w1, status = tr.transport_batch(*_pack(probs), np.arange(len(probs)), method="simplex")
    assert status.tolist() == [0] * len(probs)
    for value, (a, b, C) in zip(w1.tolist(), probs):
        assert value == pytest.approx(float(_exact(a, b, C)), abs=1e-11)  # costs <= 5: 5 x ATOL


@given(st.lists(problems(max_side=14, max_cost=3), min_size=1, max_size=6), st.data())
def test_simplex_warm_start_gives_the_optimum_of_the_new_problem(probs, data):
    """Bases kept from one problem and read as the start of a perturbed one (other masses and
    costs on the same supports, as in a Ricci flow step) still end at the new optimum."""
    packed = _pack(probs)
    todo = np.arange(len(probs))
    basis = np.zeros(int(packed[3][-1] + packed[4][-1]), dtype=np.int64)
    basis_len = np.full(len(probs), -1, dtype=np.int64)
    tr.transport_batch(*packed, todo, method="simplex", basis=basis, basis_len=basis_len)
    assert (basis_len >= 0).all()
    ma, mb, flat, a_off, b_off, p_off = packed
    scale = np.array(data.draw(st.lists(st.floats(0.5, 2.0), min_size=flat.size, max_size=flat.size)))
    flat2 = flat * scale
    mass = np.array(data.draw(st.lists(st.floats(0.5, 2.0), min_size=ma.size, max_size=ma.size)))
    ma2 = ma * mass
    for e in range(len(probs)):  # renormalise each problem's supplies to its demands' total
        sl = slice(a_off[e], a_off[e + 1])
        if ma2[sl].sum() > 0:
            ma2[sl] *= mb[b_off[e]:b_off[e + 1]].sum() / ma2[sl].sum()
    warm, status = tr.transport_batch(ma2, mb, flat2, a_off, b_off, p_off, todo, method="simplex", basis=basis,
                                      basis_len=basis_len)
    cold, _ = tr.transport_batch(ma2, mb, flat2, a_off, b_off, p_off, todo, method="simplex")
    assert not status.any()
    for e in range(len(probs)):
        a, b = ma2[a_off[e]:a_off[e + 1]], mb[b_off[e]:b_off[e + 1]]
        ref = emd_c(a, b, flat2[p_off[e]:p_off[e + 1]].reshape(a.size, b.size), 100_000, 1)[1]
        assert warm[e] == pytest.approx(ref, abs=1e-12)  # costs < 8, masses <= 1: rounding only
        assert cold[e] == pytest.approx(ref, abs=1e-12)


def test_a_problem_without_mass_costs_nothing():
    w1, status = tr.transport_batch(np.zeros(2), np.zeros(1), np.ones(2), np.array([0, 2]), np.array([0, 1]),
                                    np.array([0, 2]), np.array([0]))
    assert w1.tolist() == [0.0] and status.tolist() == [0]


def test_hand_problem():
    # supplies (1/2, 1/2), demands (1/4, 3/4), costs [[1, 3], [2, 1]]. Every plan is
    # f00 = t, f01 = 1/2 - t, f10 = 1/4 - t, f11 = 1/4 + t (0 <= t <= 1/4), of cost
    # t + 3(1/2 - t) + 2(1/4 - t) + (1/4 + t) = 9/4 - 3t: the optimum is t = 1/4, W1 = 3/2.
    w1, status = tr.transport_batch(np.array([0.5, 0.5]), np.array([0.25, 0.75]), np.array([1.0, 3.0, 2.0, 1.0]),
                                    np.array([0, 2]), np.array([0, 2]), np.array([0, 4]), np.array([0]))
    assert status.tolist() == [0] and w1[0] == pytest.approx(1.5, abs=1e-15)  # 3 roundings of dyadics: exact


@pytest.mark.parametrize("method, bad, what", [("primal-dual", 0.5, "non-negative integers"),
                                               ("primal-dual", -1.0, "non-negative integers"),
                                               ("primal-dual", np.inf, "non-negative integers"),
                                               ("simplex", -0.5, "finite and non-negative"),
                                               ("simplex", np.nan, "finite and non-negative")])
def test_bad_costs_are_refused_by_name(method, bad, what):
    flat = np.array([1.0, bad])
    with pytest.raises(ValueError, match=f"{what}, got {bad!r}"):
        tr.transport_batch(np.array([1.0]), np.array([0.5, 0.5]), flat, np.array([0, 1]), np.array([0, 2]),
                           np.array([0, 2]), np.array([0]), method=method)


def test_unknown_method_is_refused_by_name():
    with pytest.raises(ValueError, match="'network'"):
        tr.transport_batch(np.ones(1), np.ones(1), np.ones(1), np.array([0, 1]), np.array([0, 1]), np.array([0, 1]),
                           np.array([0]), method="network")


def _graphs():
    return [nx.karate_club_graph(), nx.les_miserables_graph(), nx.petersen_graph(), nx.barbell_graph(6, 2),
            nx.hypercube_graph(4), nx.random_regular_graph(5, 40, seed=3)]


@pytest.mark.parametrize("alpha", [0.0, 0.5, 0.9])
def test_engine_with_and_without_the_compiled_solver(monkeypatch, alpha):
    """The engine's compiled path (unweighted graphs) and its POT path give the same curvature."""
    compiled = [dict(ollivier_ricci(G, idleness=alpha)) for G in _graphs()]
    monkeypatch.setattr(engine_mod, "_compiled", lambda name: None)  # NumPy gathers, POT transport
    for G, fast in zip(_graphs(), compiled):
        slow = dict(ollivier_ricci(G, idleness=alpha))
        assert fast.keys() == slow.keys()
        for e in fast:
            assert fast[e] == pytest.approx(slow[e], abs=1e-12)  # two exact solvers, rounding only


def test_failed_certificates_are_solved_again(monkeypatch):
    """A problem the compiled loop hands back (status != 0) is solved by POT, not dropped."""
    G = nx.karate_club_graph()
    want = dict(ollivier_ricci(G))
    real = tr.transport_batch
    calls = []

    def failing(*args, **kw):
        w1, status = real(*args, **kw)
        status[::2] = 2
        w1[::2] = np.nan
        calls.append(status.size)
        return w1, status

    monkeypatch.setattr(tr, "transport_batch", failing)
    got = dict(ollivier_ricci(G))
    assert calls  # the compiled path ran
    for e in want:
        assert got[e] == pytest.approx(want[e], abs=1e-12)  # two exact solvers, rounding only


@pytest.mark.parametrize("measure", ["uniform", "grc"])
def test_weighted_engine_with_and_without_the_compiled_solvers(monkeypatch, measure):
    """Weighted graphs: the compiled simplex (and, in a flow, the repaired distances) agree with
    POT and SciPy's Dijkstra on every edge and every step."""
    import random

    rnd = random.Random(5)
    G = nx.les_miserables_graph()
    for u, v in G.edges:
        G.edges[u, v]["w"] = rnd.choice([0.5, 1.0, 1.5, 2.25, 3.0])
    from iegn.graph import ricci_flow

    fast = dict(ollivier_ricci(G, weight="w", measure=measure))
    flow_fast = ricci_flow(G, weight="w", iterations=6, measure=measure)
    monkeypatch.setattr(engine_mod, "_compiled", lambda name: None)  # SciPy, NumPy and POT instead
    slow = dict(ollivier_ricci(G, weight="w", measure=measure))
    flow_slow = ricci_flow(G, weight="w", iterations=6, measure=measure)
    for e in slow:
        assert fast[e] == pytest.approx(slow[e], abs=1e-12)  # two exact solvers, rounding only
    assert flow_fast.n_iter == flow_slow.n_iter
    for e, w in flow_slow.weights.items():
        # six steps of w <- w (1 - kappa), renormalised: rounding differences grow ~6x
        assert flow_fast.weights[e] == pytest.approx(w, rel=1e-11)


def test_threads_give_bit_identical_results():
    G = nx.random_regular_graph(6, 400, seed=1)  # 1200 transport problems: over THREAD_MIN_EDGES
    assert G.number_of_edges() > engine_mod.THREAD_MIN_EDGES
    one = dict(ollivier_ricci(G, workers=1))
    two = dict(ollivier_ricci(G, workers=2))
    assert one == two
    from iegn.graph import ricci_flow

    f1 = ricci_flow(G, iterations=3, workers=1)  # weighted: simplex and repaired distances in threads
    f2 = ricci_flow(G, iterations=3, workers=2)
    assert f1.weights == f2.weights and dict(f1.curvature) == dict(f2.curvature)
