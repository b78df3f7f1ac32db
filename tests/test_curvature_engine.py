"""The Ollivier–Ricci engine's helpers and fallbacks (:mod:`iegn.graph._engine`, :mod:`._curvature`).

Each test states a law of one helper (how work is split, which measure a node walks with, what
an isolated node changes) or checks a fallback path against an independent value: the exact
rational mode, the transport oracle of ``tests/test_curvature.py`` or a hand formula.
"""

from __future__ import annotations

import math
import sys
from fractions import Fraction

import networkx as nx
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from iegn.graph import ollivier_ricci, ricci_flow
from iegn.graph import _curvature, _engine

from ._helpers import assert_close
from .test_curvature import LP_ATOL, LP_WHY, _oracle_measure, _path_kappa, oracle_ollivier

# ---------------------------------------------------------------------------------------------
# splitting work
# ---------------------------------------------------------------------------------------------


@given(st.lists(st.integers(0, 40), min_size=1, max_size=6))
def test_contiguous_runs_cover_the_range_once_with_one_run_per_part(sizes):
    """``_contiguous`` replaces k parts of ``arange(total)`` by k contiguous runs in order.

    Laws: the runs concatenate to ``arange(total)``; there are exactly as many runs as there
    are parts, unless some would be empty (total < k); run sizes differ by at most 1.
    """
    parts = [np.arange(s) for s in sizes]
    total = sum(sizes)
    runs = _engine._contiguous(parts)
    joined = np.concatenate(runs) if runs else np.empty(0, dtype=np.int64)
    assert joined.tolist() == list(range(total))
    assert len(runs) == min(len(parts), total)
    if runs:
        lengths = [r.size for r in runs]
        assert max(lengths) - min(lengths) <= 1


@given(st.lists(st.integers(1, 50), min_size=1, max_size=30), st.integers(1, 5), st.integers(1, 10))
def test_split_partitions_the_items_into_balanced_sorted_parts(costs, workers, minimum):
    """``_split``: one part below ``minimum`` items or with one worker; otherwise ``workers``
    sorted parts (fewer only when there are fewer items) that partition the items, with
    sizes within 1 and costs within the largest single cost of each other (round robin over
    the items sorted by cost)."""
    items = np.arange(100, 100 + len(costs))
    cost = np.array(costs, dtype=float)
    parts = _engine._split(items, cost, workers, minimum)
    if workers < 2 or len(costs) < minimum:
        assert len(parts) == 1 and parts[0].tolist() == items.tolist()
        return
    assert len(parts) == min(workers, len(costs))
    assert sorted(np.concatenate(parts).tolist()) == items.tolist()
    assert all(np.all(np.diff(p) > 0) for p in parts)
    sizes = [p.size for p in parts]
    assert max(sizes) - min(sizes) <= 1
    loads = [cost[p - 100].sum() for p in parts]
    assert max(loads) - min(loads) <= cost.max()


def test_compiled_loader_refuses_an_unknown_module_name():
    """A misspelt name must raise, not fall back quietly to the slow path."""
    for name in _engine.COMPILED_MODULES:
        assert _engine._compiled(name) is not None  # Numba is a dependency: both load
    with pytest.raises(ValueError, match="'_PATHS'"):
        _engine._compiled("_PATHS")
    with pytest.raises(ValueError, match="None"):
        _engine._compiled(None)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# measures
# ---------------------------------------------------------------------------------------------


def _weighted_graph(seed: int) -> nx.Graph:
    G = nx.connected_watts_strogatz_graph(12, 4, 0.3, seed=seed)
    rng = np.random.default_rng(seed)
    for u, v in G.edges:
        G[u][v]["w"] = float(rng.uniform(0.3, 2.5))
    return G


@pytest.mark.parametrize("weight", [None, "w"])
@pytest.mark.parametrize("measure", ["uniform", "inverse-length", "grc"])
@pytest.mark.parametrize("alpha", [0.0, 0.3])
def test_float_measures_equal_the_exact_measures(weight, measure, alpha):
    """The float walk of every node (``_measure``, used by the Sinkhorn path, and the engine's
    ``masses``) equals the test oracle's rational walk."""
    G = _weighted_graph(3)
    length = _curvature._lengths(G, weight)
    engine = _engine.OllivierEngine(G, list(G.edges), weighted=weight is not None)
    lengths = None if weight is None else np.array([G[u][v]["w"] for u, v in G.edges])
    slots = engine.masses(alpha, lengths, measure)
    for i, x in enumerate(engine.nodes):
        exact = _oracle_measure(G, x, Fraction(alpha), weight, measure)
        got = _curvature._measure(G, x, alpha, weight, measure, length)
        assert set(got) == set(exact)
        support = engine.sup_idx[engine.sup_ptr[i]:engine.sup_ptr[i + 1]]
        from_engine = dict(zip((engine.nodes[j] for j in support), slots[engine.sup_ptr[i]:engine.sup_ptr[i + 1]]))
        for z, q in exact.items():
            # a sum and a division of a few O(1) floats: a few ulps
            assert math.isclose(got[z], float(q), rel_tol=1e-14, abs_tol=1e-300)
            assert math.isclose(from_engine[z], float(q), rel_tol=1e-14, abs_tol=1e-300)


# lengths at which e^{-w1^2} + e^{-w2^2} is exactly 1e-7 in float64 (found by a search over
# neighbouring floats; NumPy's and math's exp agree on both)
W1_AT, W2_AT = 4.0845257272277, 4.118


def test_grc_walks_uniformly_when_the_weights_sum_to_exactly_the_threshold():
    """GraphRicciCurvature's rule is "uniform when the weights sum to at most 1e-7": at exactly
    1e-7 the middle node of a -(w1)- b -(w2)- c walks to a and c with probability 1/2 each."""
    e1, e2 = np.exp(-np.float64(W1_AT) ** 2), np.exp(-np.float64(W2_AT) ** 2)
    assert e1 + e2 == _engine.GRC_UNIFORM_BELOW and math.exp(-W1_AT**2) + math.exp(-W2_AT**2) == 1e-7
    G = nx.Graph()
    G.add_edge("a", "b", length=W1_AT)
    G.add_edge("b", "c", length=W2_AT)
    got = ollivier_ricci(G, weight="length", measure="grc", idleness=0.25)
    k_ab, k_bc = _path_kappa(W1_AT, W2_AT, 0.5, 0.25)
    assert_close([got["a", "b"], got["b", "c"]], [k_ab, k_bc], rtol=0, atol=1e-12,
                 why="hand formula on the line, float64")
    skewed = _path_kappa(W1_AT, W2_AT, float(e1 / (e1 + e2)), 0.25)  # what p = e1 / (e1 + e2) would give
    assert abs(skewed[0] - k_ab) > 1e-6  # far outside the tolerance: the test tells the two rules apart
    m = _curvature._measure(G, "b", 0.25, "length", "grc", _curvature._lengths(G, "length"))
    assert m == {"b": 0.25, "a": 0.375, "c": 0.375}


# ---------------------------------------------------------------------------------------------
# isolated nodes and fallbacks
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("sparse_hops", [False, True], ids=["dense-hops", "sparse-hops"])
@pytest.mark.parametrize("weight", [None, "w"])
def test_isolated_nodes_first_or_last_change_nothing(monkeypatch, sparse_hops, weight):
    """Isolated nodes carry no edge and sit on no path: adding them before and after the other
    nodes leaves every edge's curvature unchanged, in both hop-distance layouts."""
    if sparse_hops:
        monkeypatch.setattr(_engine, "DENSE_HOPS_MAX_N", 0)
    G = _weighted_graph(5)
    reference = ollivier_ricci(G, weight=weight)
    H = nx.Graph()
    H.add_node("first")
    H.add_nodes_from(G)
    H.add_edges_from(G.edges(data=True))
    H.add_node("last")
    got = ollivier_ricci(H, weight=weight)
    assert list(got) == list(reference)
    assert np.array_equal(got.as_array(), reference.as_array())  # same problems, same arithmetic


def test_scipy_distances_split_over_forked_workers(monkeypatch):
    """Without the compiled searches the engine forks SciPy's Dijkstra over workers; the values
    are the exact oracle's, and bit-identical to one worker."""
    G = _weighted_graph(7)
    monkeypatch.setattr(_engine, "_compiled", lambda name: None)
    one = ollivier_ricci(G, weight="w").as_array()
    monkeypatch.setattr(_engine, "FORK_MIN_SOURCES", 1)
    monkeypatch.setattr(_engine, "FORK_MIN_EDGES", 1)
    two = ollivier_ricci(G, weight="w", workers=2).as_array()
    assert np.array_equal(one, two)
    exact = oracle_ollivier(G, Fraction(1, 2), weight="w", measure="inverse-length")
    assert_close(one, [float(exact[e]) for e in G.edges], rtol=0, atol=LP_ATOL, why=LP_WHY)


def test_pot_python_wrapper_is_the_fallback_transport(monkeypatch):
    """Where POT's compiled entry point cannot be imported, ``ot.emd2`` solves each edge: same
    values as the exact rational mode; a solver warning becomes an error naming the edge."""
    import ot

    monkeypatch.setitem(sys.modules, "ot.lp.emd_wrap", None)  # the import of emd_c now fails
    monkeypatch.setattr(_engine, "_compiled", lambda name: None)  # every problem through `solve`
    G = nx.petersen_graph()
    exact = ollivier_ricci(G, exact=True, idleness=Fraction(1, 3))
    got = ollivier_ricci(G, idleness=1 / 3)
    assert_close(got.as_array(), [float(v) for v in exact.as_array()], rtol=0, atol=LP_ATOL, why=LP_WHY)

    def warns(a, b, M, log=False, check_marginals=True):
        return 0.0, {"warning": "numItermax reached before optimality"}

    monkeypatch.setattr(ot, "emd2", warns)
    with pytest.raises(RuntimeError, match=r"edge \(0, 1\).*numItermax reached before optimality"):
        ollivier_ricci(G)


def test_lin_lu_yau_is_twice_the_curvature_at_idleness_one_half():
    """Bourne et al. 2018: kappa_alpha is linear in alpha on [1/(D+1), 1], so the limit
    kappa_LLY = kappa_alpha / (1 - alpha) as alpha -> 1 equals 2 kappa_{1/2}; checked against
    the oracle at alpha = 1/2 and at alpha = 3/4 (both in the linear range of the Petersen graph,
    D = 3)."""
    from iegn.graph import lin_lu_yau

    G = nx.petersen_graph()
    lly = lin_lu_yau(G, exact=True)
    for alpha in (Fraction(1, 2), Fraction(3, 4)):
        oracle = oracle_ollivier(G, alpha)
        assert all(lly[e] == oracle[e] / (1 - alpha) for e in G.edges)


def test_flow_through_the_fallbacks_equals_the_compiled_flow(monkeypatch):
    """Three flow steps with every compiled part switched off match the compiled flow (both
    exact transport; distances summed in other orders)."""
    G = _weighted_graph(9)
    compiled = ricci_flow(G, iterations=3, weight="w")
    monkeypatch.setattr(_engine, "_compiled", lambda name: None)
    fallback = ricci_flow(G, iterations=3, weight="w")
    keys = list(compiled.weights)
    assert_close([fallback.weights[k] for k in keys], [compiled.weights[k] for k in keys], rtol=1e-12, atol=0,
                 why="exact transport on both paths; path lengths summed in another order differ by ulps, "
                     "which 3 multiplicative steps grow by O(1)")


def test_exact_mode_reads_a_float_far_from_small_fractions_exactly():
    """A float idleness that is not the rounding of a fraction with denominator <= 1e12 is
    read as its exact binary value: 1/3 moved up by 8 ulps (the nearest such fractions have
    denominators near 1e14)."""
    alpha = 1 / 3
    for _ in range(8):
        alpha = float(np.nextafter(alpha, 1.0))
    G = nx.complete_graph(4)
    got = ollivier_ricci(G, idleness=alpha, exact=True)
    assert Fraction(alpha).limit_denominator(10**12) == Fraction(1, 3)  # the simple reading is 1/3 ...
    assert float(Fraction(1, 3)) != alpha  # ... which does not round to alpha, so it is refused
    assert got[0, 1] == oracle_ollivier(G, Fraction(alpha))[(0, 1)]


@pytest.mark.parametrize("seed", [0, 1])
def test_cancel_removes_the_common_mass_and_keeps_the_difference(seed):
    """``_cancel`` (Kantorovich–Rubinstein: W1 depends on mu - nu only): on every edge, at every
    node of both supports, the smaller mass is taken off both sides; mu - nu is unchanged
    everywhere, no mass is negative, and each edge's supply still equals its demand."""
    G = nx.connected_watts_strogatz_graph(14, 4, 0.4, seed=seed)
    engine = _engine.OllivierEngine(G, list(G.edges), weighted=False)
    mass = engine.masses(0.5, None, "uniform")
    x, y = engine.eu, engine.ev
    a, b = engine.size[x], engine.size[y]
    chunk = _engine._Chunk(np.arange(x.size), np.arange(engine.n), None, None, np.empty(0, dtype=np.int64))
    rows, cols = engine._gather(chunk)
    flat = engine._hops(chunk.sources, rows, cols).astype(np.float64)
    ma, mb = engine._cancel(mass, x, y, a, b, flat)
    a_off, b_off = np.concatenate([[0], np.cumsum(a)]), np.concatenate([[0], np.cumsum(b)])
    cancelled = 0
    for k in range(x.size):
        sx = engine.sup_idx[engine.sup_ptr[x[k]]:engine.sup_ptr[x[k] + 1]]
        sy = engine.sup_idx[engine.sup_ptr[y[k]]:engine.sup_ptr[y[k] + 1]]
        mu = dict(zip(sx.tolist(), mass[engine.sup_ptr[x[k]]:engine.sup_ptr[x[k] + 1]]))
        nu = dict(zip(sy.tolist(), mass[engine.sup_ptr[y[k]]:engine.sup_ptr[y[k] + 1]]))
        new_mu = dict(zip(sx.tolist(), ma[a_off[k]:a_off[k + 1]]))
        new_nu = dict(zip(sy.tolist(), mb[b_off[k]:b_off[k + 1]]))
        assert min(new_mu.values()) >= 0 and min(new_nu.values()) >= 0
        for s in set(mu) | set(nu):
            before = mu.get(s, 0.0) - nu.get(s, 0.0)
            after = new_mu.get(s, 0.0) - new_nu.get(s, 0.0)
            assert math.isclose(after, before, rel_tol=0, abs_tol=1e-15)  # one subtraction of masses <= 1
            if s in mu and s in nu:
                assert min(new_mu[s], new_nu[s]) == 0.0
                cancelled += 1
        # both sides lost the same total: a subtraction of at most 1 per node, sums of <= 15 terms
        assert math.isclose(sum(new_mu.values()), sum(new_nu.values()), rel_tol=0, abs_tol=1e-14)
    assert cancelled >= 2 * x.size  # both endpoints of every edge lie in both supports


def _no_fallback(edges):
    def solve(a, b, M, k):
        raise AssertionError(f"the POT fallback was called for edge {edges[k]!r}")

    return solve


@pytest.mark.parametrize("weight", [None, "w"])
def test_compiled_solvers_certify_every_problem_without_the_fallback(monkeypatch, weight):
    """On generic graphs every problem is certified by the compiled solvers (the primal-dual
    method for hop costs, the simplex for lengths): POT is never needed, in a curvature
    evaluation or across flow steps (whose simplex starts warm). The values are the oracle's."""
    from iegn.graph import _flow

    G = _weighted_graph(11)
    monkeypatch.setattr(_curvature, "_network_simplex", _no_fallback)
    monkeypatch.setattr(_flow, "_network_simplex", _no_fallback)
    got = ollivier_ricci(G, weight=weight)
    exact = oracle_ollivier(G, Fraction(1, 2), weight=weight, measure="inverse-length")
    assert_close(got.as_array(), [float(exact[e]) for e in G.edges], rtol=0, atol=LP_ATOL, why=LP_WHY)
    flow = ricci_flow(G, iterations=4, weight=weight)
    assert flow.n_iter >= 2 and not flow.converged  # the warm-started steps ran, not a fixed point


def test_a_repeated_engine_keeps_each_chunks_transport_bases():
    """A flow's engine (``repeated=True``) keeps every chunk's last optimal bases and distance
    rows between evaluations: the next step's simplex starts from them (the warm start)."""
    G = _weighted_graph(13)
    edges = list(G.edges)
    lengths = np.array([G[u][v]["w"] for u, v in edges])
    engine = _engine.OllivierEngine(G, edges, weighted=True, repeated=True)
    first = engine.curvature(0.5, lengths, "inverse-length", _no_fallback(edges))
    kept = [(c.basis, c.basis_len, c.buffer) for c in engine._chunks]
    assert all(bl is not None and np.all(bl >= 0) for _, bl, _ in kept)  # every problem left a basis
    again = engine.curvature(0.5, lengths * 1.01, "inverse-length", _no_fallback(edges))
    assert all(c.basis is b and c.basis_len is bl and c.buffer is buf
               for c, (b, bl, buf) in zip(engine._chunks, kept))
    # scaling every length scales every distance and W1 alike: kappa is unchanged (to rounding)
    assert_close(again, first, rtol=0, atol=LP_ATOL, why=LP_WHY)


def test_an_unfinished_pot_simplex_is_an_error_naming_the_edge(monkeypatch):
    """POT's status code other than OPTIMAL (1) is never accepted as an answer."""
    from ot.lp import emd_wrap

    def unfinished(a, b, M, max_iter, threads):
        return None, 0.0, None, None, 2  # 2 = MAX_ITER_REACHED

    monkeypatch.setattr(emd_wrap, "emd_c", unfinished)
    monkeypatch.setattr(_engine, "_compiled", lambda name: None)  # every problem through POT
    with pytest.raises(RuntimeError, match=r"^exact transport for edge \(0, 1\) did not reach optimality \(code 2\)"):
        ollivier_ricci(nx.cycle_graph(5))


def test_set_edge_curvature_refuses_an_empty_name():
    from iegn import InvalidArgumentError
    from iegn.graph import set_edge_curvature

    G = nx.path_graph(3)
    with pytest.raises(InvalidArgumentError, match=r"^name='' must be a non-empty string or None"):
        set_edge_curvature(G, ollivier_ricci(G), name="")
    assert all(not d for *_, d in G.edges(data=True))  # nothing written


@pytest.mark.parametrize("rows", [40, 7, 1])
def test_chunks_respect_the_distance_block(monkeypatch, rows):
    """``_build_chunks``: each chunk's source rows fit the block (DISTANCE_BLOCK / n rows), unless
    one endpoint's support alone is larger; the chunks partition the edges, and each chunk's
    sources are exactly the supports of its edges' first endpoints."""
    G = nx.connected_watts_strogatz_graph(60, 6, 0.3, seed=2)
    monkeypatch.setattr(_engine, "DISTANCE_BLOCK", rows * G.number_of_nodes())
    engine = _engine.OllivierEngine(G, list(G.edges), weighted=True)
    chunks = engine._build_chunks()
    biggest = int(engine.size.max())
    assert sorted(np.concatenate([c.edges for c in chunks]).tolist()) == list(range(G.number_of_edges()))
    for c in chunks:
        assert c.sources.size <= max(rows, biggest)
        firsts = np.unique(engine.eu[c.edges])
        support = np.unique(np.concatenate([engine.sup_idx[engine.sup_ptr[x]:engine.sup_ptr[x + 1]] for x in firsts]))
        assert sorted(c.sources.tolist()) == support.tolist()
    if rows == 1:
        assert len(chunks) == len(np.unique(engine.eu))  # one first endpoint per chunk


@pytest.mark.parametrize("weight", [None, "w"])
def test_a_flow_without_the_pair_cache_equals_the_default_flow(monkeypatch, weight):
    """PAIR_CACHE = 0 frees the support pairs after every evaluation and rebuilds them at the
    next: the same problems, so the same flow, bit for bit."""
    G = _weighted_graph(15)
    reference = ricci_flow(G, iterations=3, weight=weight)
    monkeypatch.setattr(_engine, "PAIR_CACHE", 0)
    monkeypatch.setattr(_engine, "DISTANCE_BLOCK", 4 * G.number_of_nodes())  # several chunks
    again = ricci_flow(G, iterations=3, weight=weight)
    assert list(again.weights.items()) == list(reference.weights.items())


def _support_pairs(engine, edges) -> int:
    return int(np.dot(engine.size[engine.eu[edges]], engine.size[engine.ev[edges]]))


@pytest.mark.parametrize("budget", [300, 2000])
def test_sparse_hop_chunks_respect_the_pair_budget_and_are_greedy(monkeypatch, budget):
    """Above DENSE_HOPS_MAX_N nodes, chunks are bounded by their support pairs: each holds at
    most PAIR_BLOCK pairs (unless its first edge alone has more), and each but the last is
    full: the next edge would not have fitted."""
    G = nx.connected_watts_strogatz_graph(80, 6, 0.3, seed=4)
    monkeypatch.setattr(_engine, "DENSE_HOPS_MAX_N", 0)
    monkeypatch.setattr(_engine, "SPARSE_ROWS", 10_000)  # rows never bind: only the pairs do
    monkeypatch.setattr(_engine, "PAIR_BLOCK", budget)
    engine = _engine.OllivierEngine(G, list(G.edges), weighted=False)
    chunks = engine._build_chunks()
    assert len(chunks) > 1
    for c, nxt in zip(chunks, chunks[1:] + [None]):
        pairs = _support_pairs(engine, c.edges)
        assert pairs <= budget or c.edges.size == 1
        if nxt is not None:
            assert pairs + _support_pairs(engine, nxt.edges[:1]) > budget


@pytest.mark.parametrize("rows", [9, 20])
def test_dense_chunks_are_greedy_in_source_rows(monkeypatch, rows):
    """Each chunk but the last is full: the next first endpoint's support would have pushed its
    distinct source rows past DISTANCE_BLOCK / n."""
    G = nx.connected_watts_strogatz_graph(60, 6, 0.3, seed=8)
    monkeypatch.setattr(_engine, "DISTANCE_BLOCK", rows * G.number_of_nodes())
    engine = _engine.OllivierEngine(G, list(G.edges), weighted=True)
    chunks = engine._build_chunks()
    for c, nxt in zip(chunks, chunks[1:]):
        x = int(engine.eu[nxt.edges[0]])
        support = engine.sup_idx[engine.sup_ptr[x]:engine.sup_ptr[x + 1]]
        new = np.setdiff1d(support, c.sources)
        assert c.sources.size + new.size > rows
