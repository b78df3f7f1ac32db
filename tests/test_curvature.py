"""Discrete Ricci curvatures (:mod:`iegn.graph._curvature`) against independent oracles.

Oracles, none of them the code under test:

* closed forms from the literature, cited beside each value, and hand derivations written out in
  the comments (a transport plan for the upper bound on W1, a 1-Lipschitz function for the lower
  bound, Kantorovich duality making the two meet);
* an exact optimal-transport solver written here: successive shortest paths (Bellman-Ford on the
  residual network) in :class:`fractions.Fraction` arithmetic, with distances from NetworkX's own
  BFS / Dijkstra. It shares no code with the library's exact mode (a primal-dual method with
  Edmonds–Karp flows and integer potentials), only the problem it solves.

Notation: ``kappa_a(x, y) = 1 - W1(m_x^a, m_y^a) / d(x, y)`` with idleness ``a``; ``d_x`` the
degree; ``#(x, y)`` the number of triangles on the edge ``xy``; ``D = max(d_x, d_y)``.
"""

from __future__ import annotations

import copy
import csv
import dataclasses
import io
import json
import math
import subprocess
import sys
from fractions import Fraction

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iegn import InvalidArgumentError, InvalidGraphError
from iegn.graph import (
    CURVATURE_KINDS,
    MEASURES,
    CurvatureResult,
    forman_ricci,
    lin_lu_yau,
    ollivier_ricci,
    read_graph,
    ricci_flow,
    set_edge_curvature,
)
from iegn.testing import connected_graphs, disconnected_graphs

from ._helpers import assert_close

# Float mode solves each edge's transport problem exactly in float64 (a simplex method: the optimum
# is a vertex, i.e. a basic solution of a 0/1 constraint matrix with integer costs <= 3 and O(1)
# masses): the objective is off by a few ulps only, far inside 1e-12.
LP_ATOL = 1e-12
LP_WHY = "exact transport (simplex vertex) in float64 on O(1) data: a few ulps, bounded by 1e-12"
# Weighted graphs: lengths in [0.1, 10] spread costs and masses over two decades; the vertex
# solve loses at most ~cond ~ 1e3 ulps. The oracle itself is exact on the same float data.
WEIGHTED_ATOL = 1e-10
WEIGHTED_WHY = "float64 exact transport with lengths in [0.1, 10]: condition ~1e3, so ~1e-13; 1e-10 bounds it"

Q = Fraction


# ---------------------------------------------------------------------------------------------
# The independent oracle: exact W1 by successive shortest paths
# ---------------------------------------------------------------------------------------------


def _w1_exact(mx: dict, my: dict, dist) -> Fraction:
    """W1(mx, my) for finite measures of equal mass, exactly (successive shortest paths).

    Network: source -> s_i (capacity a_i) -> t_j (unbounded, cost dist(s_i, t_j)) -> sink
    (capacity b_j). Each round finds a cheapest residual source-sink path by Bellman-Ford (reverse
    arcs t_j -> s_i have cost -dist and capacity f_ij) and saturates it. With no negative cycle
    at the start (zero flow) shortest-path augmentation keeps none, and the final flow is a
    minimum-cost transport plan (Ahuja, Magnanti & Orlin 1993, §9.7). Rational data: terminates.
    """
    S = [s for s, w in mx.items() if w > 0]
    T = [t for t, w in my.items() if w > 0]
    a = [Q(mx[s]) for s in S]
    b = [Q(my[t]) for t in T]
    assert sum(a) == sum(b)
    C = [[Q(dist(s, t)) for t in T] for s in S]
    f = [[Q(0)] * len(T) for _ in S]
    out = [Q(0)] * len(S)
    inn = [Q(0)] * len(T)
    shipped, total = Q(0), sum(a)
    while shipped < total:
        dS = [Q(0) if out[i] < a[i] else None for i in range(len(S))]
        dT: list = [None] * len(T)
        predS: list = [None] * len(S)  # j: reached through the reverse arc t_j -> s_i
        predT: list = [None] * len(T)  # i: reached through the forward arc s_i -> t_j
        for _ in range(len(S) + len(T) + 2):
            changed = False
            for i in range(len(S)):
                if dS[i] is not None:
                    for j in range(len(T)):
                        if dT[j] is None or dS[i] + C[i][j] < dT[j]:
                            dT[j], predT[j], changed = dS[i] + C[i][j], i, True
            for j in range(len(T)):
                if dT[j] is not None:
                    for i in range(len(S)):
                        if f[i][j] > 0 and (dS[i] is None or dT[j] - C[i][j] < dS[i]):
                            dS[i], predS[i], changed = dT[j] - C[i][j], j, True
            if not changed:
                break
        else:  # pragma: no cover - would mean a negative cycle, impossible for SSP
            raise AssertionError("negative cycle in the residual network")
        j_end = min((j for j in range(len(T)) if inn[j] < b[j] and dT[j] is not None), key=lambda j: dT[j])
        path = []  # ("f", i, j) forward arcs, ("r", i, j) reverse arcs
        j = j_end
        while True:
            i = predT[j]
            path.append(("f", i, j))
            if predS[i] is None:
                i_start = i
                break
            j = predS[i]
            path.append(("r", i, j))
        delta = min([b[j_end] - inn[j_end], a[i_start] - out[i_start]]
                    + [f[i][j] for kind, i, j in path if kind == "r"])
        for kind, i, j in path:
            f[i][j] += delta if kind == "f" else -delta
        out[i_start] += delta
        inn[j_end] += delta
        shipped += delta
    return sum(f[i][j] * C[i][j] for i in range(len(S)) for j in range(len(T)))


def _oracle_measure(G: nx.Graph, x, alpha: Fraction, weight: str | None, measure: str) -> dict:
    nbrs = list(G[x])
    if weight is None or measure == "uniform":
        raw = {z: Q(1) for z in nbrs}
    elif measure == "inverse-length":
        raw = {z: 1 / Q(G[x][z][weight]) for z in nbrs}
    else:  # "grc": e^{-w^2}; math.exp is the oracle's only rounded step (relative 1e-16)
        raw = {z: Q(math.exp(-(G[x][z][weight] ** 2))) for z in nbrs}
    total = sum(raw.values())
    m = {x: alpha}
    for z in nbrs:
        m[z] = (1 - alpha) * raw[z] / total
    return m


def oracle_ollivier(G: nx.Graph, alpha, *, weight: str | None = None, measure: str = "uniform") -> dict:
    """Exact kappa_alpha of every edge: exact measures, NetworkX distances, SSP transport."""
    alpha = Q(alpha)
    if weight is None:
        dist = dict(nx.all_pairs_shortest_path_length(G))
    else:
        dist = dict(nx.all_pairs_dijkstra_path_length(G, weight=lambda u, v, d: Q(d[weight])))
    out = {}
    for x, y in G.edges:
        mx = _oracle_measure(G, x, alpha, weight, measure)
        my = _oracle_measure(G, y, alpha, weight, measure)
        out[(x, y)] = 1 - _w1_exact(mx, my, lambda s, t: dist[s][t]) / Q(dist[x][y])
    return out


def _triangles(G: nx.Graph, x, y) -> int:
    """#(x, y) counted from NetworkX's clique enumeration (not a neighbourhood intersection)."""
    return sum(1 for c in nx.enumerate_all_cliques(G) if len(c) == 3 and x in c and y in c)


def test_oracle_reproduces_hand_transport_problems():
    """The SSP oracle itself, on transport problems solved by hand (points on a line, d = |p - q|)."""
    pos = {"a": 0, "b": 1, "c": 3, "s": 2}
    d = lambda s, t: abs(pos[s] - pos[t])  # noqa: E731
    # on the line W1 = integral |F - G|: F = 1/2, 1 and G = 0, 1/2 on [0, 1), [1, 3)
    assert _w1_exact({"a": Q(1, 2), "b": Q(1, 2)}, {"b": Q(1, 2), "c": Q(1, 2)}, d) == Q(1, 2) * 1 + Q(1, 2) * 2
    # keep c, move a -> b
    assert _w1_exact({"a": Q(1, 2), "c": Q(1, 2)}, {"b": Q(1, 2), "c": Q(1, 2)}, d) == Q(1, 2)
    # supplies a (at 0) and s (at 2), demands b (at 3/2) and e (at 16/5), 1/2 each. SSP first
    # sends s -> b (cost 1/2, the cheapest arc); then a -> e directly costs 16/5, but
    # a -> b -> (reverse) s -> e costs 3/2 - 1/2 + 6/5 = 11/5: the optimum a -> b, s -> e,
    # W1 = (3/2 + 6/5)/2 = 27/20, needs the reverse arc.
    pos.update(b=Q(3, 2), e=Q(16, 5))
    assert _w1_exact({"a": Q(1, 2), "s": Q(1, 2)}, {"b": Q(1, 2), "e": Q(1, 2)}, d) == Q(27, 20)
    assert _w1_exact({"a": Q(1)}, {"a": Q(1)}, d) == 0


# ---------------------------------------------------------------------------------------------
# 1. Closed forms from the literature
# ---------------------------------------------------------------------------------------------


def _bipartite_value(m: int, n: int):
    return lambda G, x, y: Q(2, max(m, n))


# Lin-Lu-Yau curvature, edge -> exact value. Sources:
# * K_n: n/(n-1) (Lin, Lu & Yau 2011, Tohoku Math. J. 63:605-627, Example; also the Ollivier
#   formula below divided by 1 - alpha).
# * C_3 = K_3: 3/2, C_4: 1, C_5: 1/2, C_n (n >= 6): 0 (Lin, Lu & Yau 2011, cycles example).
# * Q_d: 2/d (Lin, Lu & Yau 2011; consistent with Ollivier 2009, J. Funct. Anal. 256:810-864,
#   Example 8: the lazy (alpha = 1/2) walk on {0,1}^d has kappa = 1/d, and LLY = 2 kappa_{1/2}).
# * Petersen graph: 0. By hand (alpha = 1/2; LLY = 2 kappa_{1/2} by Bourne et al. 2018): the graph
#   is 3-regular with girth 5 and diameter 2, so for an edge xy with other neighbours x1, x2 of x
#   and y1, y2 of y: no common neighbour, and d(xi, yj) = 2 (not 1: that closes a 4-cycle).
#   m_x = 1/2 x + 1/6 (y, x1, x2), m_y = 1/2 y + 1/6 (x, y1, y2).
#   Plan: 1/3 from x to y (cost 1/3), x1 -> y1 and x2 -> y2 (1/6 each at distance 2: cost 2/3);
#   W1 <= 1. Dual: f(x1) = f(x2) = 0, f(x) = 1, f(y) = f(y1) = f(y2) = 2 is 1-Lipschitz on the
#   supports (every pair checked against the distances above) and E_{m_y} f - E_{m_x} f
#   = (1 + 5/6) - (1/2 + 1/3) = 1, so W1 >= 1. Hence kappa_{1/2} = 0 and LLY = 0.
# * Complete bipartite K_{m,n}: 2/max(m, n). By hand: x in the part of size m has degree n, y
#   degree m. At alpha = 1/2 keep 1/(2m) at x and 1/(2n) at y, then cross t = min(p, q) each way
#   at cost 1 (x -> y and B\y -> A\x), with p = (m-1)/(2m), q = (n-1)/(2n); the remainder moves
#   inside a part at cost 2: W1 <= 2(p + q) - 2 min(p, q) = 1 - 1/max(m, n). Dual (n >= m):
#   f = 1 on the part of x, f(y) = 0, f = 2 on the rest of y's part is 1-Lipschitz and gives
#   E_{m_x} f - E_{m_y} f = (n-1)/n. So kappa_{1/2} = 1/max(m, n) and LLY = 2/max(m, n)
#   (m = n = 2 is C_4: 1; m = 1 is the star: 2/n, the tree formula below).
LLY_CLOSED_FORMS = {
    **{f"K{n}": (nx.complete_graph(n), lambda G, x, y, n=n: Q(n, n - 1)) for n in (2, 3, 4, 5, 7)},
    "C3": (nx.cycle_graph(3), lambda G, x, y: Q(3, 2)),
    "C4": (nx.cycle_graph(4), lambda G, x, y: Q(1)),
    "C5": (nx.cycle_graph(5), lambda G, x, y: Q(1, 2)),
    **{f"C{n}": (nx.cycle_graph(n), lambda G, x, y: Q(0)) for n in (6, 7, 10)},
    **{f"Q{d}": (nx.hypercube_graph(d), lambda G, x, y, d=d: Q(2, d)) for d in (1, 2, 3, 4)},
    "Petersen": (nx.petersen_graph(), lambda G, x, y: Q(0)),
    **{f"K{m},{n}": (nx.complete_bipartite_graph(m, n), _bipartite_value(m, n))
       for m, n in ((1, 4), (2, 2), (2, 5), (3, 3), (3, 4))},
    # trees: 2/d_x + 2/d_y - 2 (Lin, Lu & Yau 2011, the theorem on trees)
    "star5": (nx.star_graph(5), lambda G, x, y: Q(2, G.degree(x)) + Q(2, G.degree(y)) - 2),
    "path6": (nx.path_graph(6), lambda G, x, y: Q(2, G.degree(x)) + Q(2, G.degree(y)) - 2),
    "binary-tree": (nx.balanced_tree(2, 3), lambda G, x, y: Q(2, G.degree(x)) + Q(2, G.degree(y)) - 2),
    "spider": (nx.Graph([(0, 1), (0, 2), (0, 3), (1, 4), (1, 5), (1, 6), (1, 7), (2, 8)]),
               lambda G, x, y: Q(2, G.degree(x)) + Q(2, G.degree(y)) - 2),
}


@pytest.mark.parametrize("name", list(LLY_CLOSED_FORMS))
def test_lin_lu_yau_closed_forms(name):
    G, value = LLY_CLOSED_FORMS[name]
    exact = lin_lu_yau(G, exact=True)
    floats = lin_lu_yau(G)
    for x, y in G.edges:
        expected = value(G, x, y)
        assert isinstance(exact[x, y], Fraction) and exact[x, y] == expected, (x, y)
        assert_close(floats[x, y], float(expected), rtol=0, atol=LP_ATOL, why=LP_WHY)


@given(connected_graphs(2, 9, max_extra_edges=0))
def test_lin_lu_yau_on_random_trees(T):
    # Lin, Lu & Yau 2011: on a tree kappa_LLY(x, y) = 2/d_x + 2/d_y - 2.
    exact = lin_lu_yau(T, exact=True)
    for x, y in T.edges:
        assert exact[x, y] == Q(2, T.degree(x)) + Q(2, T.degree(y)) - 2


def _kn_ollivier(n: int, alpha: Fraction) -> Fraction:
    # By hand (Ollivier 2009 for the definition): on K_n every node other than x, y carries
    # (1-a)/(n-1) under both measures; they differ only at x and y, where m_x = (a, (1-a)/(n-1))
    # and m_y = ((1-a)/(n-1), a). Plan: move |a - (1-a)/(n-1)| across the edge (distance 1).
    # Dual: f = 1_{y} (a >= 1/n) or f = 1_{x} (a < 1/n) is 1-Lipschitz and E_{m_y} f - E_{m_x} f
    # equals that same amount, so W1 = |a - (1-a)/(n-1)| and
    # a >= 1/n: kappa_a = (1-a) n/(n-1);  a < 1/n: kappa_a = 1 + a - (1-a)/(n-1).
    if alpha >= Q(1, n):
        return (1 - alpha) * Q(n, n - 1)
    return 1 + alpha - (1 - alpha) / (n - 1)


@pytest.mark.parametrize("n", [2, 3, 4, 6])
@pytest.mark.parametrize("alpha", [Q(0), Q(1, 10), Q(1, 6), Q(1, 4), Q(1, 3), Q(1, 2), Q(2, 3), Q(9, 10)])
def test_ollivier_complete_graph_closed_form(n, alpha):
    G = nx.complete_graph(n)
    expected = _kn_ollivier(n, alpha)
    exact = ollivier_ricci(G, idleness=alpha, exact=True)
    floats = ollivier_ricci(G, idleness=float(alpha))
    # the float idleness of a small-denominator rational reaches the same exact value
    exact_from_float = ollivier_ricci(G, idleness=float(alpha), exact=True)
    for e in G.edges:
        assert exact[e] == expected and exact_from_float[e] == expected
        assert_close(floats[e], float(expected), rtol=0, atol=LP_ATOL, why=LP_WHY)
    assert floats.idleness == float(alpha) and floats.kind == "ollivier"


# ---------------------------------------------------------------------------------------------
# 2. Exact mode against the SSP oracle, and float mode against exact mode
# ---------------------------------------------------------------------------------------------

idleness_values = st.fractions(min_value=0, max_value=Q(19, 20), max_denominator=20)


@given(connected_graphs(2, 7), idleness_values)
def test_exact_mode_equals_the_independent_transport_oracle(G, alpha):
    expected = oracle_ollivier(G, alpha)
    exact = ollivier_ricci(G, idleness=alpha, exact=True)
    floats = ollivier_ricci(G, idleness=float(alpha))
    for e in G.edges:
        assert exact[e] == expected[e], e
        assert_close(floats[e], float(expected[e]), rtol=0, atol=LP_ATOL, why=LP_WHY)


@settings(max_examples=max(10, settings().max_examples // 2))  # one exact solve per edge, plus the oracle
@given(connected_graphs(2, 6), st.integers(0, 2**62 - 1), st.integers(1, 62))
def test_exact_mode_with_huge_denominators_equals_the_oracle(G, numerator, bits):
    """Idleness fractions with denominators up to 2^62 (a float's exact binary value has
    denominators near 2^54): the certificate never rounds a float plan, so it still holds."""
    alpha = Q(numerator % 2**bits, 2**bits)
    expected = oracle_ollivier(G, alpha)
    exact = ollivier_ricci(G, idleness=alpha, exact=True)
    assert all(exact[e] == expected[e] for e in G.edges)


@given(connected_graphs(2, 8), idleness_values)
def test_float_mode_equals_exact_mode(G, alpha):
    exact = ollivier_ricci(G, idleness=alpha, exact=True)
    floats = ollivier_ricci(G, idleness=float(alpha))
    assert_close(floats.as_array(), [float(exact[e]) for e in G.edges], rtol=0, atol=LP_ATOL, why=LP_WHY)
    lly_exact, lly_float = lin_lu_yau(G, exact=True), lin_lu_yau(G)
    # LLY = 2 kappa_{1/2}: twice the LP error
    assert_close(lly_float.as_array(), lly_exact.as_array(), rtol=0, atol=2 * LP_ATOL, why=LP_WHY)


def test_float_mode_at_a_tiny_idleness():
    # K_4, alpha = 1e-7 < 1/n: kappa = 1 + a - (1-a)/3 (hand formula above)
    floats = ollivier_ricci(nx.complete_graph(4), idleness=1e-7)
    assert_close(floats[0, 1], float(_kn_ollivier(4, Q(1e-7))), rtol=0, atol=LP_ATOL, why=LP_WHY)


def test_exact_mode_honours_a_tiny_float_idleness():
    G = nx.complete_graph(4)
    exact = ollivier_ricci(G, idleness=1e-7, exact=True)
    floats = ollivier_ricci(G, idleness=1e-7)
    assert_close(float(exact[0, 1]), floats[0, 1], rtol=0, atol=LP_ATOL, why=LP_WHY)


# ---------------------------------------------------------------------------------------------
# 3. Laws
# ---------------------------------------------------------------------------------------------


def _jost_liu_lower_bound(dx: int, dy: int, tri: int) -> Fraction:
    # Jost & Liu 2014 (Discrete Comput. Geom. 51:300-322), Thm 3, for kappa_0 (m_x uniform on
    # the neighbours): kappa >= -(1 - 1/dx - 1/dy - #/(dx ^ dy))_+ - (1 - 1/dx - 1/dy - #/(dx v dy))_+
    # + #/(dx v dy).
    lo, hi = min(dx, dy), max(dx, dy)
    base = 1 - Q(1, dx) - Q(1, dy)
    return -max(base - Q(tri, lo), Q(0)) - max(base - Q(tri, hi), Q(0)) + Q(tri, hi)


# The idleness grid: 0, the thresholds 1/(k+1) of every possible D = k, and two points near 1.
def _grid(G: nx.Graph) -> list[Fraction]:
    top = max(d for _, d in G.degree)
    return sorted({Q(0), Q(3, 4), Q(9, 10), *(Q(1, k + 1) for k in range(1, top + 1))})


@settings(max_examples=max(10, settings().max_examples // 2))  # ~8 exact solves per example
@given(connected_graphs(2, 7))
def test_idleness_function_laws(G):
    """Bounds, concavity, the linear part and LLY, all exact, on the idleness grid.

    * Bounds (by hand; Lin, Lu & Yau 2011, Lemma 2.2 state |kappa_a| <= 2(1-a) for neighbours):
      lower: W1(m_x, m_y) <= W1(m_x, d_x) + W1(d_x, d_y) + W1(d_y, m_y) = (1-a) + 1 + (1-a), so
      kappa_a >= -2(1-a). Upper: f = d(x, .) is 1-Lipschitz, E_{m_x} f = 1-a and
      E_{m_y} f = a + (1-a)(# + 2(d_y - 1 - #))/d_y, so W1 >= a + (1-a)(d_y - 2 - #)/d_y, i.e.
      kappa_a <= (1-a)(2 + #)/d_y; with f = d(y, .) likewise, so kappa_a <= (1-a)(2 + #)/D <= 1.
    * Concavity of a -> kappa_a on [0, 1] (Lin, Lu & Yau 2011, Lemma 2.1; Bourne et al. 2018,
      SIAM J. Discrete Math. 32:1408-1424, Thm 1.1).
    * Linear on [1/(D+1), 1] (Bourne et al. 2018, Thm 1.1) with kappa_1 = 0 (m = delta), hence
      kappa_a = (1-a) kappa_LLY there, exactly; and LLY = 2 kappa_{1/2}.
    * kappa_a/(1-a) is non-decreasing (a secant slope of a concave function to the point (1, 0)),
      so kappa_LLY >= kappa_0 >= the Jost-Liu bound.
    """
    grid = _grid(G)
    kappa = {a: ollivier_ricci(G, idleness=a, exact=True) for a in grid}
    lly = lin_lu_yau(G, exact=True)
    for x, y in G.edges:
        dx, dy, tri = G.degree(x), G.degree(y), _triangles(G, x, y)
        D = max(dx, dy)
        ks = [kappa[a][x, y] for a in grid]
        for a, k in zip(grid, ks):
            assert -2 * (1 - a) <= k <= (1 - a) * Q(2 + tri, D), (x, y, a)
            assert k <= 1, (x, y, a)
            if a >= Q(1, D + 1):
                assert k == (1 - a) * lly[x, y], (x, y, a)
        for (a0, k0), (a1, k1), (a2, k2) in zip(zip(grid, ks), zip(grid[1:], ks[1:]), zip(grid[2:], ks[2:])):
            assert k1 * (a2 - a0) >= k0 * (a2 - a1) + k2 * (a1 - a0), (x, y, a1)  # concave
        ratios = [k / (1 - a) for a, k in zip(grid, ks)]
        assert ratios == sorted(ratios), (x, y)
        assert lly[x, y] == 2 * kappa[Q(1, 2)][x, y]
        assert kappa[Q(0)][x, y] >= _jost_liu_lower_bound(dx, dy, tri), (x, y)
        assert lly[x, y] >= _jost_liu_lower_bound(dx, dy, tri), (x, y)


def test_jost_liu_bound_is_attained_on_complete_graphs_and_trees():
    # Jost & Liu 2014 note sharpness: K_n (bound (n-2)/(n-1)) and trees (4/d - 2 at d_x = d_y = d).
    for n in (3, 4, 6):
        k0 = ollivier_ricci(nx.complete_graph(n), idleness=0, exact=True)
        assert all(k0[e] == _jost_liu_lower_bound(n - 1, n - 1, n - 2) == Q(n - 2, n - 1) for e in k0)
    T = nx.balanced_tree(3, 2)  # root degree 3, inner nodes degree 4
    k0 = ollivier_ricci(T, idleness=0, exact=True)
    for x, y in T.edges:
        assert k0[x, y] == _jost_liu_lower_bound(T.degree(x), T.degree(y), 0)


@given(connected_graphs(2, 8), st.randoms(use_true_random=False))
def test_symmetry_and_relabelling_invariance(G, rnd):
    nodes = list(G)
    images = [f"v{i}" for i in range(len(nodes))]
    rnd.shuffle(images)
    perm = dict(zip(nodes, images))
    H = nx.relabel_nodes(G, perm)
    for fn in (lambda g: ollivier_ricci(g, idleness=Q(1, 3), exact=True), lambda g: lin_lu_yau(g, exact=True),
               forman_ricci, lambda g: forman_ricci(g, augmented=True)):
        rG, rH = fn(G), fn(H)
        for u, v in G.edges:
            assert rG[u, v] == rG[v, u] == rH[perm[u], perm[v]] == rH[perm[v], perm[u]]


@given(disconnected_graphs(3, 9))
def test_components_are_independent(G):
    # An edge's curvature only sees its two 1-balls: a disjoint union changes nothing.
    whole = ollivier_ricci(G, idleness=Q(1, 4), exact=True)
    for comp in nx.connected_components(G):
        sub = G.subgraph(comp).copy()
        if sub.number_of_edges():
            part = ollivier_ricci(sub, idleness=Q(1, 4), exact=True)
            assert all(part[e] == whole[e] for e in sub.edges)


# ---------------------------------------------------------------------------------------------
# 4. Weighted graphs (lengths)
# ---------------------------------------------------------------------------------------------


@settings(max_examples=max(10, settings().max_examples // 2))  # exact Fraction oracle on float data
@given(connected_graphs(2, 6, weighted=True, min_weight=0.1, max_weight=10.0),
       st.sampled_from(["uniform", "inverse-length"]), st.sampled_from([0.25, 0.5, 0.8]))
def test_weighted_ollivier_equals_the_oracle(G, measure, alpha):
    # idleness 0 is left to the xfail below (a bug with edges longer than d(x, y))
    expected = oracle_ollivier(G, alpha, weight="weight", measure=measure)
    got = ollivier_ricci(G, idleness=alpha, weight="weight", measure=measure)
    assert got.weight == "weight" and got.measure == measure
    for e in G.edges:
        assert_close(got[e], float(expected[e]), rtol=0, atol=WEIGHTED_ATOL, why=WEIGHTED_WHY)


# lengths <= 2: every node's sum of e^{-w^2} exceeds 1e-7, so GRC's EPSILON fallback (see the xfail
# below) never applies and "proportional to e^{-w^2}" is unambiguous
@settings(max_examples=max(10, settings().max_examples // 2))
@given(connected_graphs(2, 6, weighted=True, min_weight=0.1, max_weight=2.0), st.sampled_from([0.3, 0.5]))
def test_grc_measure_equals_the_oracle(G, alpha):
    expected = oracle_ollivier(G, alpha, weight="weight", measure="grc")
    got = ollivier_ricci(G, idleness=alpha, weight="weight", measure="grc")
    for e in G.edges:
        assert_close(got[e], float(expected[e]), rtol=0, atol=WEIGHTED_ATOL, why=WEIGHTED_WHY)


@given(connected_graphs(2, 8), st.floats(0.1, 10.0), st.sampled_from(MEASURES), st.sampled_from([0.0, 0.5, 0.7]))
def test_equal_lengths_give_the_unweighted_curvature(G, c, measure, alpha):
    # All lengths c: every measure is uniform on the neighbours and d = c * hop distance, so W1
    # and d(x, y) both scale by c (Ollivier 2009, the definition).
    nx.set_edge_attributes(G, c, "length")
    plain = ollivier_ricci(G, idleness=alpha)
    scaled = ollivier_ricci(G, idleness=alpha, weight="length", measure=measure)
    assert_close(scaled.as_array(), plain.as_array(), rtol=0, atol=WEIGHTED_ATOL,
                 why="same LP with costs scaled by c in [0.1, 10]; rounding of c * integers")


@given(connected_graphs(2, 7, weighted=True, min_weight=0.1, max_weight=10.0), st.floats(0.01, 100.0),
       st.sampled_from(["uniform", "inverse-length"]))
def test_scaling_all_lengths_leaves_kappa_unchanged(G, c, measure):
    # 1/(c w) is proportional to 1/w, so the measures are unchanged; W1 and d(x, y) scale by c.
    # (Not "grc": e^{-(c w)^2} is not proportional to e^{-w^2}, by design.)
    H = G.copy()
    for u, v, d in H.edges(data=True):
        d["weight"] = c * d["weight"]
    kG = ollivier_ricci(G, weight="weight", measure=measure)
    kH = ollivier_ricci(H, weight="weight", measure=measure)
    assert_close(kH.as_array(), kG.as_array(), rtol=0, atol=WEIGHTED_ATOL,
                 why="lengths over 4 decades after scaling: LP with condition ~1e3 on relative data")


# Triangle 0-1 (length 1), 1-2 (1), 0-2 (3): the edge 0-2 is longer than d(0, 2) = 2 (via 1).
# By hand, alpha = 0, uniform walk: m_0 = (1/2) d_1 + (1/2) d_2, m_2 = (1/2) d_0 + (1/2) d_1. Keep
# 1/2 at 1 and move 1/2 from 2 to 0 (distance 2): W1 <= 1; f = d(0, .) gives
# E_{m_0} f - E_{m_2} f = 3/2 - 1/2 = 1, so W1 = 1 and kappa_0(0, 2) = 1 - 1/2 = 1/2.
# alpha = 1/2: m_0 = 1/2 d_0 + 1/4 (d_1 + d_2), m_2 = 1/2 d_2 + 1/4 (d_0 + d_1): only 1/4 moves
# from 0 to 2 (distance 2; f = d(0, .) certifies it), W1 = 1/2 and kappa = 1 - (1/2)/2 = 3/4.
# The edges 0-1 and 1-2 are geodesics; at alpha = 0: W1 = 1/2 (by the same f), kappa = 1/2.
def _long_edge_triangle() -> nx.Graph:
    G = nx.Graph()
    G.add_edge(0, 1, length=1.0)
    G.add_edge(0, 2, length=3.0)
    G.add_edge(1, 2, length=1.0)
    return G


def test_edge_longer_than_its_distance_by_hand():
    got = ollivier_ricci(_long_edge_triangle(), idleness=0.5, weight="length", measure="uniform")
    assert_close(got[0, 2], 0.75, rtol=0, atol=LP_ATOL, why=LP_WHY)


def test_edge_longer_than_its_distance_at_idleness_zero():
    got = ollivier_ricci(_long_edge_triangle(), idleness=0.0, weight="length", measure="uniform")
    assert_close([got[0, 1], got[0, 2], got[1, 2]], [0.5, 0.5, 0.5], rtol=0, atol=LP_ATOL, why=LP_WHY)


def _path_kappa(l1: float, l2: float, p: float, alpha: float) -> tuple[float, float]:
    """Hand W1 on the weighted path a -(l1)- b -(l2)- c, b's walk going to a with probability p.

    The path is isometric to the points 0, l1, l1 + l2 of the line, where W1 = int |F - G|.
    m_a = a*alpha + b*(1-alpha); m_b = a*(1-alpha)p + b*alpha + c*(1-alpha)(1-p); m_c = b*(1-alpha) + c*alpha.
    Edge ab: F_a - F_b = alpha - (1-alpha)p on [0, l1), (1-alpha)(1-p) on [l1, l1+l2).
    Edge bc: F_b - F_c = (1-alpha)p on [0, l1), (1-alpha)p + alpha - (1-alpha) on [l1, l1+l2).
    """
    w_ab = l1 * abs(alpha - (1 - alpha) * p) + l2 * (1 - alpha) * (1 - p)
    w_bc = l1 * (1 - alpha) * p + l2 * abs((1 - alpha) * p + alpha - (1 - alpha))
    return 1 - w_ab / l1, 1 - w_bc / l2


@pytest.mark.parametrize("alpha", [0.0, 0.25, 0.5, 0.9])
@pytest.mark.parametrize(("measure", "p"), [
    ("uniform", 0.5),
    ("inverse-length", 1.0 / (1.0 + 0.5)),  # 1/1 : 1/2
    ("grc", math.exp(-1.0) / (math.exp(-1.0) + math.exp(-4.0))),  # e^{-1^2} : e^{-2^2}
])
def test_two_edge_path_by_hand(measure, p, alpha):
    G = nx.Graph()
    G.add_edge("a", "b", length=1.0)
    G.add_edge("b", "c", length=2.0)
    k_ab, k_bc = _path_kappa(1.0, 2.0, p, alpha)
    got = ollivier_ricci(G, idleness=alpha, weight="length", measure=measure)
    why = "hand formula and LP in float64 on O(1) data: a few ulps"
    assert_close([got["a", "b"], got["b", "c"]], [k_ab, k_bc], rtol=0, atol=1e-12, why=why)


def test_grc_with_long_equal_lengths_is_the_unweighted_curvature():
    G = nx.cycle_graph(5)
    nx.set_edge_attributes(G, 30.0, "length")
    got = ollivier_ricci(G, weight="length", measure="grc")
    assert_close(got.as_array(), ollivier_ricci(nx.cycle_graph(5)).as_array(), rtol=0, atol=LP_ATOL, why=LP_WHY)


def test_grc_reproduces_graphriccicurvature_small_sum_fallback():
    G = nx.Graph()
    G.add_edge("a", "b", length=4.5)
    G.add_edge("b", "c", length=5.0)
    # at b: e^{-20.25} + e^{-25} = 1.6e-9 <= 1e-7 -> GRC uses p = 1/2; at a and c one neighbour each
    k_ab, k_bc = _path_kappa(4.5, 5.0, 0.5, 0.5)
    got = ollivier_ricci(G, weight="length", measure="grc")
    assert_close([got["a", "b"], got["b", "c"]], [k_ab, k_bc], rtol=0, atol=1e-12,
                 why="hand formula on the line, float64")


# ---------------------------------------------------------------------------------------------
# 5. Forman
# ---------------------------------------------------------------------------------------------


@given(connected_graphs(2, 8))
def test_forman_unweighted_and_augmented_by_hand(G):
    # Forman 2003 / Sreejith et al. 2016 (J. Stat. Mech. 063206) with unit weights: F = 4 - d_x - d_y;
    # augmented (Samal et al. 2018, Sci. Rep. 8:8650): + 3 per triangle on the edge.
    plain = forman_ricci(G)
    aug = forman_ricci(G, augmented=True)
    ones = G.copy()
    nx.set_edge_attributes(ones, 1.0, "w")
    weighted = forman_ricci(ones, weight="w")
    assert plain.kind == "forman" and aug.kind == "forman-augmented" and weighted.weight == "w"
    for x, y in G.edges:
        hand = 4 - G.degree(x) - G.degree(y)
        assert plain[x, y] == hand and isinstance(plain[x, y], float)
        assert aug[x, y] == hand + 3 * _triangles(G, x, y)
        assert weighted[x, y] == hand  # 1/sqrt(1*1) = 1 exactly


def test_forman_closed_forms():
    def values(res):
        return {res[e] for e in res}

    assert values(forman_ricci(nx.complete_graph(4), augmented=True)) == {4.0}  # -2 + 3*2
    assert values(forman_ricci(nx.complete_graph(4))) == {-2.0}
    assert values(forman_ricci(nx.cycle_graph(5))) == {0.0}
    assert values(forman_ricci(nx.star_graph(3))) == {0.0}  # 4 - 3 - 1
    assert values(forman_ricci(nx.hypercube_graph(3), augmented=True)) == {-2.0}  # no triangles


def test_forman_weighted_by_hand():
    # Sreejith et al. 2016, unit node weights: F(e) = 2 - w_e * sum_{e' ~ e} 1/sqrt(w_e w_e').
    # Triangle w_ab = 4, w_ac = 9, w_bc = 1 (perfect squares: exact square roots):
    # F(ab) = 2 - 4(1/sqrt(36) + 1/sqrt(4)) = 2 - 4(1/6 + 1/2) = -2/3
    # F(ac) = 2 - 9(1/sqrt(36) + 1/sqrt(9)) = 2 - 9(1/6 + 1/3) = -5/2
    # F(bc) = 2 - 1(1/sqrt(4) + 1/sqrt(9))  = 2 - 5/6 = 7/6
    # plus a pendant c-d (w = 16): F(cd) = 2 - 16(1/sqrt(16*9) + 1/sqrt(16*1)) = 2 - 16(1/12 + 1/4) = -10/3
    # and then F(ac) = 2 - 9(1/6 + 1/3 + 1/sqrt(144)) = 2 - 9(7/12) = -13/4, F(bc) = 2 - (1/2 + 1/3 + 1/4) = 11/12
    G = nx.Graph()
    G.add_edge("a", "b", w=4.0)
    G.add_edge("a", "c", w=9.0)
    G.add_edge("b", "c", w=1.0)
    got = forman_ricci(G, weight="w")
    why = "exact square roots; a handful of float64 roundings"
    assert_close([got["a", "b"], got["c", "a"], got["b", "c"]], [-2 / 3, -5 / 2, 7 / 6], rtol=1e-14, why=why)
    G.add_edge("c", "d", w=16.0)
    got = forman_ricci(G, weight="w")
    assert_close([got["a", "b"], got["a", "c"], got["b", "c"], got["d", "c"]], [-2 / 3, -13 / 4, 11 / 12, -10 / 3],
                 rtol=1e-14, why=why)


@given(connected_graphs(2, 8, weighted=True, min_weight=0.1, max_weight=10.0), st.floats(0.01, 100.0))
def test_forman_weighted_laws(G, c):
    # w_e / sqrt(w_e w_e') = sqrt(w_e / w_e'): F is invariant under scaling all weights, and
    # equal weights give 4 - d_x - d_y.
    H = G.copy()
    for _, _, d in H.edges(data=True):
        d["weight"] *= c
    why = "sums of <= 14 terms sqrt(w_e/w_e') <= 10 in float64"
    assert_close(forman_ricci(H, weight="weight").as_array(), forman_ricci(G, weight="weight").as_array(),
                 rtol=0, atol=1e-12, why=why)
    E = G.copy()
    nx.set_edge_attributes(E, c, "weight")
    assert_close(forman_ricci(E, weight="weight").as_array(), forman_ricci(G).as_array(), rtol=0, atol=1e-12, why=why)


# ---------------------------------------------------------------------------------------------
# 6. CurvatureResult, set_edge_curvature, no mutation
# ---------------------------------------------------------------------------------------------


def _shuffled_graph() -> nx.Graph:
    G = nx.Graph()
    G.add_edges_from([("c", "a"), ("b", "d"), ("a", "b"), ("d", "c"), ("a", "d")])
    return G


def test_curvature_result_is_a_mapping_in_edge_order():
    G = _shuffled_graph()
    res = ollivier_ricci(G)
    assert isinstance(res, CurvatureResult) and res.kind in CURVATURE_KINDS
    assert list(res) == list(G.edges) and len(res) == G.number_of_edges()
    for u, v in G.edges:
        assert res[u, v] == res[v, u] == res[[v, u]]
        assert (u, v) in res and (v, u) in res
    with pytest.raises(KeyError):
        res["b", "c"]  # a non-edge
    assert ("b", "c") not in res and res.get(("b", "c")) is None
    assert dict(res) == {e: res[e] for e in G.edges}
    assert [k for k, _ in res.items()] == list(G.edges)
    arr = res.as_array()
    assert arr.dtype == np.float64 and arr.shape == (G.number_of_edges(),)
    assert arr.tolist() == [res[e] for e in G.edges]
    exact = ollivier_ricci(G, exact=True)
    assert exact.as_array().tolist() == [float(exact[e]) for e in G.edges]
    assert (res.idleness, res.weight, res.measure) == (0.5, None, None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.kind = "forman"  # type: ignore[misc]


def test_curvature_result_values_method():
    res = ollivier_ricci(nx.path_graph(3))
    assert list(res.values()) == [res[e] for e in res]


def test_curvature_result_membership_of_a_non_edge_key():
    res = ollivier_ricci(nx.path_graph(3))
    assert 0 not in res and res.get(0) is None


def test_curvature_result_string_key_is_not_an_edge():
    res = ollivier_ricci(nx.Graph([("a", "b")]))
    assert "ab" not in res


def _snapshot(G: nx.Graph):
    """A deep copy of everything observable: graph, node and edge data, adjacency order, type."""
    return copy.deepcopy((dict(G.graph), list(G.nodes(data=True)), list(G.edges(data=True)),
                          [list(G[n]) for n in G], type(G)))


def test_set_edge_curvature_writes_attributes_and_nothing_else():
    G = _shuffled_graph()
    G.graph["title"] = "t"
    G.nodes["a"]["colour"] = "red"
    G["a"]["b"]["length"] = 2.0
    res = lin_lu_yau(G, exact=True)
    before = _snapshot(G)
    assert set_edge_curvature(G, res) is None
    assert set_edge_curvature(G, forman_ricci(G), name="F") is None
    graph, nodes, edges, adj, kind = _snapshot(G)
    assert (graph, nodes, adj, kind) == (before[0], before[1], before[3], before[4])
    for (u, v, old), (u2, v2, new) in zip(before[2], edges):
        assert (u, v) == (u2, v2)
        assert new == {**old, "lin-lu-yau": res[u, v], "F": 4.0 - G.degree(u) - G.degree(v)}
    with pytest.raises(InvalidGraphError, match="not in the graph"):
        set_edge_curvature(nx.path_graph(2), res)


@pytest.mark.parametrize("call", [
    lambda G: ollivier_ricci(G),
    lambda G: ollivier_ricci(G, idleness=Q(1, 3), exact=True),
    lambda G: ollivier_ricci(G, weight="length", measure="inverse-length"),
    lambda G: ollivier_ricci(G, weight="length", measure="uniform"),
    lambda G: ollivier_ricci(G, weight="length", measure="grc"),
    lambda G: lin_lu_yau(G),
    lambda G: lin_lu_yau(G, exact=True),
    lambda G: forman_ricci(G),
    lambda G: forman_ricci(G, augmented=True),
    lambda G: forman_ricci(G, weight="length"),
], ids=["ollivier", "exact", "inverse-length", "uniform", "grc", "lly", "lly-exact", "forman", "augmented",
        "forman-weighted"])
def test_functions_never_mutate_the_graph(call):
    G = nx.petersen_graph()
    G.add_edge(0, 10)
    for i, (u, v) in enumerate(G.edges):
        G[u][v]["length"] = 1.0 + (i % 3) / 2
    G.graph["name"] = "p"
    before = _snapshot(G)
    call(G)
    assert _snapshot(G) == before


# ---------------------------------------------------------------------------------------------
# 7. Invalid input table
# ---------------------------------------------------------------------------------------------


def _weighted_path(value) -> nx.Graph:
    G = nx.path_graph(3)
    G[0][1]["w"] = 1.0
    G[1][2]["w"] = value
    return G


def _missing_weight() -> nx.Graph:
    G = nx.path_graph(3)
    G[0][1]["w"] = 1.0
    return G


_BAD_GRAPHS = {
    "directed": (nx.DiGraph([(0, 1), (1, 2)]), "directed"),
    "multigraph": (nx.MultiGraph([(0, 1), (0, 1)]), "multigraph"),
    "self-loop": (nx.Graph([(0, 1), (1, 1)]), "self-loop"),
    "no-edges": (nx.empty_graph(3), "no edges"),
    "no-nodes": (nx.Graph(), "no nodes"),
    "not-a-graph": ([(0, 1)], "expected a networkx.Graph"),
}
_BAD_WEIGHTS = {
    "negative": (_weighted_path(-1.0), "weights must be finite and > 0"),
    "zero": (_weighted_path(0.0), "weights must be finite and > 0"),
    "nan": (_weighted_path(float("nan")), "weights must be finite and > 0"),
    "inf": (_weighted_path(float("inf")), "weights must be finite and > 0"),
    "text": (_weighted_path("heavy"), "non-numeric"),
    "bool": (_weighted_path(True), "non-numeric"),
    "missing": (_missing_weight(), "has no 'w' attribute"),
}

BAD_INPUTS = [
    *[pytest.param(lambda G=G, fn=fn: fn(G), InvalidGraphError, msg, id=f"{fname}-{name}")
      for name, (G, msg) in _BAD_GRAPHS.items()
      for fname, fn in (("ollivier", ollivier_ricci), ("lly", lin_lu_yau), ("forman", forman_ricci),
                        ("exact", lambda g: ollivier_ricci(g, exact=True)))],
    *[pytest.param(lambda G=G, fn=fn: fn(G), InvalidGraphError, msg, id=f"{fname}-weight-{name}")
      for name, (G, msg) in _BAD_WEIGHTS.items()
      for fname, fn in (("ollivier", lambda g: ollivier_ricci(g, weight="w")),
                        ("grc", lambda g: ollivier_ricci(g, weight="w", measure="grc")),
                        ("forman", lambda g: forman_ricci(g, weight="w")))],
    *[pytest.param(lambda a=a: ollivier_ricci(nx.path_graph(3), idleness=a), InvalidArgumentError, msg,
                   id=f"idleness-{a!r}")
      for a, msg in ((-0.1, "idleness=-0.1 must be >= 0"), (1.0, "idleness=1.0 must be < 1"),
                     (1.5, "must be < 1"), (float("nan"), "idleness=nan must be finite"),
                     (float("inf"), "must be finite"), (True, "must be a real number"),
                     ("0.5", "must be a real number"), (Q(1), "must lie in [0, 1)"),
                     (Q(-1, 3), "must lie in [0, 1)"))],
    pytest.param(lambda: ollivier_ricci(nx.path_graph(3), idleness=1.0, exact=True), InvalidArgumentError,
                 "must be < 1", id="exact-idleness-1"),
    pytest.param(lambda: ollivier_ricci(nx.path_graph(3), measure="geodesic"), InvalidArgumentError,
                 "measure='geodesic' is not one of", id="unknown-measure"),
    pytest.param(lambda: ollivier_ricci(nx.path_graph(3), measure=None), InvalidArgumentError,
                 "measure=None is not one of", id="measure-none"),
    pytest.param(lambda: ollivier_ricci(_weighted_path(2.0), weight="w", exact=True), InvalidArgumentError,
                 "exact=True is for unweighted graphs", id="exact-with-weight"),
    pytest.param(lambda: forman_ricci(_weighted_path(2.0), weight="w", augmented=True), InvalidArgumentError,
                 "augmented Forman curvature is implemented for unweighted graphs", id="augmented-with-weight"),
    *[pytest.param(lambda w=w: ollivier_ricci(nx.path_graph(3), workers=w), InvalidArgumentError, msg,
                   id=f"workers-{w!r}")
      for w, msg in ((0, "workers=0 must be >= 1"), (1.5, "workers=1.5"), ("2", "workers='2'"))],
]


@pytest.mark.parametrize(("call", "error", "message"), BAD_INPUTS)
def test_invalid_inputs_raise_specific_errors(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert message in str(info.value)


# ---------------------------------------------------------------------------------------------
# 8. Command line
# ---------------------------------------------------------------------------------------------


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "iegn.cli", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


# C_5 with string labels, two of which look like numbers: 10 - 2 - alpha - beta - gamma - 10
C5_LINES = [("10", "2"), ("2", "alpha"), ("alpha", "beta"), ("beta", "gamma"), ("gamma", "10")]


@pytest.fixture
def c5_file(tmp_path):
    path = tmp_path / "c5.edgelist"
    path.write_text("# a five-cycle\n" + "".join(f"{u} {v}\n" for u, v in C5_LINES))
    return path


@pytest.mark.parametrize(("kind", "closed_form"), [
    ("ollivier", 0.25),     # C_5: LLY 1/2 (Lin, Lu & Yau 2011), kappa_{1/2} = LLY/2
    ("lin-lu-yau", 0.5),
    ("forman", 0.0),        # 4 - 2 - 2 (forman-augmented: K_4 below)
])
def test_cli_json_contract(c5_file, kind, closed_form):
    out = run("curvature", str(c5_file), "--kind", kind, "--format", "json")
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""
    data = json.loads(out.stdout)
    assert set(data) == {"kind", "idleness", "weight", "edges"}
    assert data["kind"] == kind and data["weight"] is None
    assert data["idleness"] == (0.5 if kind == "ollivier" else None)
    G = nx.Graph(C5_LINES)  # built here, labels as in the file
    api = {"ollivier": ollivier_ricci, "lin-lu-yau": lin_lu_yau, "forman": forman_ricci}[kind](G)
    assert [(e["source"], e["target"]) for e in data["edges"]] == list(read_graph(c5_file).edges)
    assert {frozenset((e["source"], e["target"])) for e in data["edges"]} == {frozenset(p) for p in C5_LINES}
    for e in data["edges"]:
        assert set(e) == {"source", "target", "curvature"}
        assert isinstance(e["source"], str) and isinstance(e["target"], str)
        assert e["curvature"] == api[e["source"], e["target"]]  # the same float, through JSON's repr
        assert_close(e["curvature"], closed_form, rtol=0, atol=LP_ATOL, why=LP_WHY)


def test_cli_idleness_weight_csv_and_text(tmp_path):
    k4 = tmp_path / "k4.edgelist"
    k4.write_text("".join(f"n{u} n{v}\n" for u, v in nx.complete_graph(4).edges))
    out = run("curvature", str(k4), "--idleness", "0.25", "--format", "json")
    data = json.loads(out.stdout)
    assert data["idleness"] == 0.25
    # K_4 at alpha = 1/4 >= 1/n: (1 - 1/4) * 4/3 = 1 (hand formula above)
    assert_close([e["curvature"] for e in data["edges"]], [1.0] * 6, rtol=0, atol=LP_ATOL, why=LP_WHY)
    aug = json.loads(run("curvature", str(k4), "--kind", "forman-augmented", "--format", "json").stdout)
    assert [e["curvature"] for e in aug["edges"]] == [4.0] * 6  # 4 - 3 - 3 + 3*2

    w = tmp_path / "w.edgelist"
    w.write_text("a b 1\nb c 2\nc a 2.5\nc d 0.5\n")
    G = nx.Graph()
    for u, v, length in (("a", "b", 1.0), ("b", "c", 2.0), ("c", "a", 2.5), ("c", "d", 0.5)):
        G.add_edge(u, v, weight=length)
    api = ollivier_ricci(G, weight="weight", idleness=0.3)
    out = run("curvature", str(w), "--weight", "weight", "--idleness", "0.3", "--format", "csv")
    assert out.returncode == 0, out.stderr
    rows = list(csv.reader(io.StringIO(out.stdout)))
    assert rows[0] == ["source", "target", "curvature"] and len(rows) == 5
    for u, v, k in rows[1:]:
        assert float(k) == api[u, v]  # repr round-trips a float exactly

    text = run("curvature", str(w), "--kind", "forman", "--weight", "weight")
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert len(lines) == 4
    fapi = forman_ricci(G, weight="weight")
    for line in lines:
        u, v, k = line.split()
        assert_close(float(k), fapi[u, v], rtol=1e-11, atol=1e-12, why="text output prints 12 significant digits")


@pytest.mark.parametrize(("args", "message"), [
    (("--kind", "lin-lu-yau", "--weight", "weight"), "--kind lin-lu-yau is for unweighted graphs"),
    (("--kind", "forman-augmented", "--weight", "weight"), "augmented Forman curvature is implemented"),
    (("--idleness", "1.0"), "idleness=1.0 must be < 1"),
    (("--idleness", "nan"), "must be finite"),
    (("--idleness", "half"), "invalid float value: 'half'"),
    (("--kind", "ricci"), "invalid choice: 'ricci'"),
    (("--weight", "length"), "has no 'length' attribute"),
], ids=lambda x: x if isinstance(x, str) else "-".join(x))
def test_cli_errors_are_one_line_without_traceback(tmp_path, args, message):
    (tmp_path / "g.edgelist").write_text("a b 2\nb c 3\n")
    out = run("curvature", "g.edgelist", *args, cwd=tmp_path)
    assert out.returncode != 0 and out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("iegn: error:"), out.stderr
    assert message in lines[0] and "Traceback" not in out.stderr


@pytest.mark.parametrize(("content", "args", "message"), [
    ("a a\na b\n", (), "self-loop"),
    ("a b -1\n", ("--weight", "weight"), "weights must be finite and > 0"),
], ids=["self-loop", "negative-length"])
def test_cli_bad_graph_files(tmp_path, content, args, message):
    (tmp_path / "bad.edgelist").write_text(content)
    out = run("curvature", "bad.edgelist", *args, cwd=tmp_path)
    assert out.returncode != 0
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("iegn: error:") and message in lines[0], out.stderr
    assert "Traceback" not in out.stderr


# ---------------------------------------------------------------------------------------------
# 8. The engine's execution paths: chunks, pair cache, forked workers
# ---------------------------------------------------------------------------------------------


def _engine_cases() -> list[tuple[nx.Graph, str | None]]:
    G = nx.powerlaw_cluster_graph(150, 3, 0.4, seed=3)  # hubs and triangles: uneven problem sizes
    rng = np.random.default_rng(5)
    H = G.copy()
    for u, v in H.edges:
        H[u][v]["w"] = float(rng.uniform(0.2, 3.0))
    return [(G, None), (H, "w")]


@pytest.mark.parametrize("case", [0, 1], ids=["unweighted", "weighted"])
def test_chunking_pair_cache_and_workers_do_not_change_values(monkeypatch, case):
    """Every execution path gives the same numbers, bit for bit: the work is the same, only split.

    Distance blocks of 40 rows force many chunks; PAIR_CACHE = 0 rebuilds the pairs each time;
    the fork thresholds at 1 make even small chunks run in 3 processes.
    """
    from iegn.graph import _engine

    G, weight = _engine_cases()[case]
    reference = ollivier_ricci(G, weight=weight).as_array()
    monkeypatch.setattr(_engine, "DISTANCE_BLOCK", 40 * G.number_of_nodes())
    monkeypatch.setattr(_engine, "PAIR_CACHE", 0)
    chunked = ollivier_ricci(G, weight=weight).as_array()
    monkeypatch.setattr(_engine, "FORK_MIN_EDGES", 1)
    monkeypatch.setattr(_engine, "FORK_MIN_SOURCES", 1)
    forked = ollivier_ricci(G, weight=weight, workers=3).as_array()
    # the large-graph path: hop distances from sorted sparse keys, blocks bounded by their pairs
    monkeypatch.setattr(_engine, "DENSE_HOPS_MAX_N", 0)
    monkeypatch.setattr(_engine, "SPARSE_ROWS", 30)
    monkeypatch.setattr(_engine, "PAIR_BLOCK", 2000)
    sparse = ollivier_ricci(G, weight=weight).as_array()
    assert np.array_equal(reference, chunked)
    assert np.array_equal(reference, forked)
    assert np.array_equal(reference, sparse)


def test_workers_in_the_flow_do_not_change_it(monkeypatch):
    from iegn.graph import _engine

    G, _ = _engine_cases()[0]
    one = ricci_flow(G, iterations=3)
    monkeypatch.setattr(_engine, "FORK_MIN_EDGES", 1)
    monkeypatch.setattr(_engine, "FORK_MIN_SOURCES", 1)
    two = ricci_flow(G, iterations=3, workers=2)
    assert one.weights == two.weights


def test_forked_worker_errors_reach_the_caller():
    from iegn.graph._fork import run_forked

    def work(part, out):
        if part[0] == 1:
            raise ValueError("bad part 1")
        out[part] = 7.0

    with pytest.raises(RuntimeError, match="ValueError: bad part 1"):
        run_forked([np.array([0]), np.array([1])], work, (2,))
    out = run_forked([np.array([0]), np.array([1])], lambda part, out: out.__setitem__(part, part * 2.0), (2,))
    assert out.tolist() == [0.0, 2.0]


def test_common_mass_cancels_to_zero_transport():
    """K2: m_x and m_y are equal at idleness 1/2 (1/2 on each end), so W1 = 0 and kappa = 1.

    Cancelling the common mass leaves nothing to move; the engine must not call the solver with
    empty measures.
    """
    assert ollivier_ricci(nx.complete_graph(2))[0, 1] == 1.0
    # star K_{1,3}, centre 0, leaf 1, idleness 1/4: m_0 = 1/4 on each of 0, 1, 2, 3 and
    # m_1 = 1/4 at 1 + 3/4 at 0. Common mass: 1/4 at 0 and 1/4 at 1. What is left: 1/4 at each
    # of the leaves 2, 3 must reach 0 (distance 1), so W1 = 1/2 and kappa = 1/2 (the rounding of
    # 3/4 - 1/4 and 1/4 * 2 is exact in binary).
    assert ollivier_ricci(nx.star_graph(3), idleness=0.25)[0, 1] == 0.5
    assert ollivier_ricci(nx.star_graph(3), idleness=Q(1, 4), exact=True)[0, 1] == Q(1, 2)
