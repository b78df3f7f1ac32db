"""Compiled shortest paths (:mod:`iegn.graph._paths`) against SciPy's and NetworkX's Dijkstra.

``distance_rows`` is Dijkstra with an indexed heap; ``repair_rows`` recomputes distances for
new lengths from an old node order by Bellman-Ford sweeps with a proof of exactness. Both are
compared with the peers on graphs built connected by construction, and ``repair_rows`` is fed
orders that are far from the new distances (the lengths redrawn, not perturbed) so that its
non-monotone branch and its re-sorting run too.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.sparse import csr_array
from scipy.sparse.csgraph import dijkstra

from iegn.graph._paths import distance_rows, repair_rows
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


@given(connected_graphs(2, 25, weighted=True))
def test_distance_rows_equal_scipy_and_record_a_distance_order(G):
    indptr, dst, w, n = _csr(G)
    order = np.empty((n, n), dtype=np.int32)
    got = distance_rows(indptr, dst, w, np.arange(n), order=order)
    np.testing.assert_allclose(got, _scipy(indptr, dst, w, n), rtol=RTOL)
    for r in range(n):
        assert sorted(order[r].tolist()) == list(range(n))  # connected: every node, once
        assert order[r, 0] == r
        assert np.all(np.diff(got[r, order[r]]) >= 0)  # settled in non-decreasing distance


@given(connected_graphs(2, 20, weighted=True), st.floats(0.5, 20.0))
def test_limit_leaves_farther_nodes_at_infinity(G, limit):
    indptr, dst, w, n = _csr(G)
    got = distance_rows(indptr, dst, w, np.arange(n), limit=limit)
    full = _scipy(indptr, dst, w, n)
    inside = full <= limit
    np.testing.assert_allclose(got[inside], full[inside], rtol=RTOL)
    assert np.all(np.isinf(got[~inside]))


@given(connected_graphs(2, 25, weighted=True), st.data())
def test_repair_from_any_old_order_gives_the_new_distances(G, data):
    indptr, dst, w, n = _csr(G)
    order = np.empty((n, n), dtype=np.int32)
    distance_rows(indptr, dst, w, np.arange(n), order=order)
    # new lengths: either a small perturbation (a flow step) or redrawn from scratch
    m = w.size // 2
    if data.draw(st.booleans()):
        factors = np.array(data.draw(st.lists(st.floats(0.8, 1.25), min_size=m, max_size=m)))
    else:
        factors = np.array(data.draw(st.lists(st.floats(0.01, 100.0), min_size=m, max_size=m)))
    # both arcs of an undirected edge get the same factor: pair arcs by their endpoints
    edge_id = {}
    src = np.repeat(np.arange(n), np.diff(indptr))
    new = np.empty_like(w)
    for a in range(w.size):
        key = (min(src[a], dst[a]), max(src[a], dst[a]))
        new[a] = w[a] * factors[edge_id.setdefault(key, len(edge_id))]
    got = repair_rows(indptr, dst, new, order)
    np.testing.assert_allclose(got, _scipy(indptr, dst, new, n), rtol=RTOL)
    # the order it leaves behind is still a permutation starting at the source
    for r in range(n):
        assert sorted(order[r].tolist()) == list(range(n)) and order[r, 0] == r


def test_repair_on_a_disconnected_graph_keeps_other_components_unreached():
    G = nx.disjoint_union(nx.path_graph(4), nx.cycle_graph(5))
    for u, v in G.edges:
        G.edges[u, v]["weight"] = 1.0 + (u + v) % 3
    indptr, dst, w, n = _csr(G)
    order = np.empty((n, n), dtype=np.int32)
    first = distance_rows(indptr, dst, w, np.arange(n), order=order)
    assert np.isinf(first[0, 4:]).all() and (order[0, 4:] == -1).all()
    again = repair_rows(indptr, dst, w[::-1].copy() * 0 + 2.0, order)  # every length 2
    hops = _scipy(indptr, dst, np.ones_like(w), n)
    np.testing.assert_array_equal(again, 2.0 * hops)  # small integers: exact


def test_hand_distances_on_a_weighted_square():
    # square 0-1-2-3-0 with lengths 1, 1, 1, 5 and a chord 0-2 of length 3: d(0, 3) = 3 via
    # 0-1-2-3, d(0, 2) = 2 via 0-1-2 (not the chord), d(1, 3) = 2
    G = nx.Graph()
    G.add_weighted_edges_from([(0, 1, 1.0), (1, 2, 1.0), (2, 3, 1.0), (3, 0, 5.0), (0, 2, 3.0)])
    indptr, dst, w, n = _csr(G)
    got = distance_rows(indptr, dst, w, np.arange(n))
    assert got[0].tolist() == [0.0, 1.0, 2.0, 3.0] and got[1, 3] == 2.0
    order = np.empty((n, n), dtype=np.int32)
    distance_rows(indptr, dst, w, np.arange(n), order=order)
    # now the chord becomes short (0.5): d(0, 2) = 0.5, d(0, 3) = 1.5, d(1, 3) = 2 still
    new = np.where(w == 3.0, 0.5, w)
    rep = repair_rows(indptr, dst, new, order)
    assert rep[0].tolist() == [0.0, 1.0, 0.5, 1.5] and rep[1, 3] == 2.0
    assert nx.shortest_path_length(G, 0, 3, weight="weight") == pytest.approx(3.0, abs=0)  # the peer agrees
