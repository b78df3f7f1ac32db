"""Compiled shortest paths (:mod:`iegn.graph._paths`) against SciPy's and NetworkX's Dijkstra.

``bucket_rows`` (Dijkstra with a ring of buckets, the engine's search) and ``distance_rows``
(Dijkstra with a heap, its fallback) are compared with SciPy on graphs built connected by
construction, with lengths from one scale and lengths spanning many orders of magnitude (the
fallback's branch), with and without a cut-off.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.sparse import csr_array
from scipy.sparse.csgraph import dijkstra

import iegn.graph._paths as paths
from iegn.graph._paths import bucket_rows, distance_rows, gather
from iegn.testing import connected_graphs

#: Two exact shortest-path methods may add the lengths of two equally short paths in different
#: orders: their sums differ by a few ulps of the distance (at most ~n ulps along n arcs).
RTOL = 1e-12


def _csr(G: nx.Graph, weight: str = "weight"):
    nodes = list(G)
    index = {v: i for i, v in enumerate(nodes)}
    src, dst, w = [], [], []
    for u, v, d in G.edges(data=True):
        for a, b in ((u, v), (v, u)):
            src.append(index[a])
            dst.append(index[b])
            w.append(float(d.get(weight, 1.0)))
    src, dst, w = np.array(src, dtype=np.int64), np.array(dst, dtype=np.int64), np.array(w)
    order = np.lexsort((dst, src))
    src, dst, w = src[order], dst[order], w[order]
    indptr = np.concatenate([[0], np.cumsum(np.bincount(src, minlength=len(nodes)))])
    return indptr, dst, w, len(nodes)


def _scipy(indptr, dst, w, n, limit=np.inf):
    return dijkstra(csr_array((w, dst, indptr), shape=(n, n)), directed=True, limit=limit)


SEARCHES = [bucket_rows, distance_rows]


@pytest.mark.parametrize("search", SEARCHES)
@given(G=connected_graphs(2, 25, weighted=True))
def test_searches_equal_scipy(search, G):
    indptr, dst, w, n = _csr(G)
    got = search(indptr, dst, w, np.arange(n))
    np.testing.assert_allclose(got, _scipy(indptr, dst, w, n), rtol=RTOL)


@pytest.mark.parametrize("search", SEARCHES)
@given(G=connected_graphs(2, 20, weighted=True), limit=st.floats(0.5, 20.0))
def test_limit_leaves_farther_nodes_at_infinity(search, G, limit):
    indptr, dst, w, n = _csr(G)
    got = search(indptr, dst, w, np.arange(n), limit=limit)
    full = _scipy(indptr, dst, w, n)
    inside = full <= limit
    np.testing.assert_allclose(got[inside], full[inside], rtol=RTOL)
    assert np.all(np.isinf(got[~inside]))


@given(G=connected_graphs(2, 20, weighted=True, min_weight=1e-4, max_weight=1e4))
def test_buckets_with_lengths_over_eight_orders_of_magnitude(G):
    """Ring sizes up to 1e8 exceed MAX_RING: every source falls back to the heap, same answer."""
    indptr, dst, w, n = _csr(G)
    np.testing.assert_allclose(bucket_rows(indptr, dst, w, np.arange(n)), _scipy(indptr, dst, w, n), rtol=RTOL)


def test_a_wide_ring_and_the_forced_heap_give_the_same_rows():
    # a path of 200 arcs of length 1 and one arc of length 1000: a ring of 1002 buckets; then
    # MAX_RING lowered below the spread forces the heap for every source
    G = nx.path_graph(200)
    nx.set_edge_attributes(G, 1.0, "weight")
    G.add_edge(199, 200, weight=1000.0)
    indptr, dst, w, n = _csr(G)
    want = _scipy(indptr, dst, w, n)
    np.testing.assert_array_equal(bucket_rows(indptr, dst, w, np.arange(n)), want)  # integers: exact
    original = paths.MAX_RING
    try:
        paths.MAX_RING = 10.0  # force the heap for every source
        np.testing.assert_array_equal(bucket_rows(indptr, dst, w, np.arange(n)), want)
    finally:
        paths.MAX_RING = original


def test_disconnected_graph_keeps_other_components_unreached():
    G = nx.disjoint_union(nx.path_graph(4), nx.cycle_graph(5))
    for u, v in G.edges:
        G.edges[u, v]["weight"] = 1.0 + (u + v) % 3
    indptr, dst, w, n = _csr(G)
    for search in SEARCHES:
        got = search(indptr, dst, w, np.arange(n))
        assert np.isinf(got[0, 4:]).all() and np.isinf(got[5, :4]).all()
        np.testing.assert_array_equal(got, _scipy(indptr, dst, w, n))  # small integers: exact


def test_hand_distances_on_a_weighted_square():
    # square 0-1-2-3-0 with lengths 1, 1, 1, 5 and a chord 0-2 of length 3: d(0, 3) = 3 via
    # 0-1-2-3, d(0, 2) = 2 via 0-1-2 (not the chord), d(1, 3) = 2
    G = nx.Graph()
    G.add_weighted_edges_from([(0, 1, 1.0), (1, 2, 1.0), (2, 3, 1.0), (3, 0, 5.0), (0, 2, 3.0)])
    indptr, dst, w, n = _csr(G)
    for search in SEARCHES:
        got = search(indptr, dst, w, np.arange(n))
        assert got[0].tolist() == [0.0, 1.0, 2.0, 3.0] and got[1, 3] == 2.0
    # the chord shortened to 0.5: d(0, 2) = 0.5, d(0, 3) = 1.5, d(1, 3) = 2 still
    short = bucket_rows(indptr, dst, np.where(w == 3.0, 0.5, w), np.arange(n))
    assert short[0].tolist() == [0.0, 1.0, 0.5, 1.5] and short[1, 3] == 2.0
    assert nx.shortest_path_length(G, 0, 3, weight="weight") == 3.0  # the peer agrees


@given(st.integers(1, 30), st.integers(1, 30), st.integers(0, 400), st.randoms(use_true_random=False))
def test_gather_is_fancy_indexing(r, c, k, rnd):
    block = np.arange(r * c, dtype=np.float64).reshape(r, c)
    rows = np.array([rnd.randrange(r) for _ in range(k)], dtype=np.int32)
    cols = np.array([rnd.randrange(c) for _ in range(k)], dtype=np.int32)
    assert gather(block, rows, cols).tolist() == block[rows, cols].tolist()


def test_a_search_over_its_bucket_budget_is_redone_with_the_heap(monkeypatch):
    # a path of 50 arcs of length 100 and one of length 1: buckets of width ~1, so the far end
    # lies ~4900 buckets away, over the budget 4 (n + arcs) + ring = 4 (51 + 100) + 102 = 706:
    # every source is searched again with the heap, and the rows still equal SciPy's
    G = nx.path_graph(51)
    nx.set_edge_attributes(G, 100.0, "weight")
    G.edges[0, 1]["weight"] = 1.0
    indptr, dst, w, n = _csr(G)
    calls = []
    real = paths.distance_rows
    monkeypatch.setattr(paths, "distance_rows", lambda *a, **k: calls.append(len(a[3])) or real(*a, **k))
    got = bucket_rows(indptr, dst, w, np.arange(n))
    assert calls == [n]  # every source reaches over 2500 buckets away: all redone, in one call
    np.testing.assert_array_equal(got, _scipy(indptr, dst, w, n))  # integers: exact
