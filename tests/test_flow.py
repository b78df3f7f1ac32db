"""Ricci flow and Ricci-flow communities: the update rule, its effect on bottlenecks, bad input."""

from __future__ import annotations

import copy

import networkx as nx
import numpy as np
import pytest

from iegn import InvalidArgumentError, InvalidGraphError, NotConvergedError
from iegn.graph import ollivier_ricci, ricci_communities, ricci_flow

from ._helpers import assert_close


def test_one_step_is_the_documented_update_rule():
    G = nx.karate_club_graph()
    r = ricci_flow(G, iterations=1, step=0.5)
    # by hand: w <- w (1 - step kappa), then rescale to total length |E|; kappa of unit lengths
    # with the flow's default "grc" weighting (uniform when all lengths are equal)
    kappa = ollivier_ricci(G)
    raw = {e: 1.0 * (1 - 0.5 * kappa[e]) for e in G.edges}
    scale = G.number_of_edges() / sum(raw.values())
    for e in G.edges:
        assert_close(r.weights[e], raw[e] * scale, rtol=1e-12, why="same arithmetic, different order")
    assert r.n_iter == 1 and list(r.weights) == list(G.edges)
    assert_close(sum(r.weights.values()), G.number_of_edges(), rtol=1e-12, why="normalisation")


def test_bottleneck_lengthens_and_cliques_shrink():
    G = nx.barbell_graph(5, 0)  # two K5 joined by the edge (4, 5)
    before = copy.deepcopy(G)
    r = ricci_flow(G, iterations=10)
    bridge = r.weights[(4, 5)]
    inside = [w for e, w in r.weights.items() if e != (4, 5)]
    # negative curvature on the bridge (Jost & Liu 2014: tree-like edges), positive inside
    assert ollivier_ricci(G)[4, 5] < 0 < ollivier_ricci(G)[0, 1]
    assert bridge > 1.0 > max(inside)
    assert nx.utils.graphs_equal(G, before)  # the input is never modified


def test_a_regular_symmetric_graph_is_a_fixed_point():
    # every edge of a cycle has the same curvature: the flow changes nothing and converges at once
    r = ricci_flow(nx.cycle_graph(8), iterations=5)
    assert r.converged and r.n_iter == 0
    assert all(w == 1.0 for w in r.weights.values())


def test_surgery_cuts_the_bridge():
    r = ricci_flow(nx.barbell_graph(5, 0), iterations=10, surgery=2.0)
    assert (4, 5) in r.removed and (4, 5) not in r.weights


def test_communities_on_a_barbell_and_two_cliques_with_a_path():
    res = ricci_communities(nx.barbell_graph(6, 0), iterations=10)
    assert res.n_communities == 2
    assert len({res.communities[i] for i in range(6)}) == 1 and res.communities[0] != res.communities[11]
    G = nx.barbell_graph(6, 3)  # the three path nodes may join either side; the cliques must not merge
    res = ricci_communities(G, iterations=15)
    assert res.communities[0] != res.communities[14]
    # the chosen cut maximises modularity over the candidates, measured on the original graph
    assert res.modularity == max(q for _, q in res.candidates)
    assert res.modularity == pytest.approx(nx.community.modularity(
        G, [{v for v, c in res.communities.items() if c == k} for k in range(res.n_communities)]), abs=1e-12)


def test_karate_club_modularity():
    res = ricci_communities(nx.karate_club_graph(), iterations=20)
    # Louvain reaches ~0.42 on this graph; a sensible partition is well above 0.3
    assert res.modularity > 0.35 and 2 <= res.n_communities <= 6


def test_not_converged_can_raise():
    with pytest.raises(NotConvergedError) as info:
        ricci_flow(nx.karate_club_graph(), iterations=2, tol=1e-12, on_failure="raise")
    assert info.value.result.n_iter == 2


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"iterations": 0}, InvalidArgumentError, "iterations=0"),
    ({"step": 0.0}, InvalidArgumentError, "step=0.0"),
    ({"step": 50.0}, InvalidArgumentError, "too large"),
    ({"idleness": 1.0}, InvalidArgumentError, "idleness=1.0"),
    ({"measure": "cosine"}, InvalidArgumentError, "measure='cosine'"),
    ({"surgery": 0.5}, InvalidArgumentError, "surgery=0.5"),
    ({"tol": float("nan")}, InvalidArgumentError, "tol=nan"),
])
def test_bad_parameters(kwargs, error, match):
    with pytest.raises(error, match=match):
        ricci_flow(nx.karate_club_graph(), **kwargs)


def test_bad_graphs():
    with pytest.raises(InvalidGraphError, match="directed"):
        ricci_flow(nx.DiGraph([(0, 1)]))
    G = nx.path_graph(3)
    G[0][1]["w"] = -1.0
    with pytest.raises(InvalidGraphError):
        ricci_flow(G, weight="w")
    with pytest.raises(InvalidArgumentError, match="n_cutoffs=0"):
        ricci_communities(nx.path_graph(4), n_cutoffs=0)


def test_weighted_start_uses_the_lengths():
    G = nx.karate_club_graph()
    for u, v in G.edges:
        G[u][v]["len"] = 2.0
    # equal lengths: curvature is scale-free and the first step's normalisation removes the
    # common scale, so the flow from lengths 2 equals the flow from lengths 1
    a = ricci_flow(G, iterations=3, weight="len")
    b = ricci_flow(nx.karate_club_graph(), iterations=3)
    assert_close(np.array(list(a.weights.values())), np.array(list(b.weights.values())), rtol=1e-10,
                 why="the normalisation removes the common scale; rounding over 3 steps")


def test_cli_flow_json_and_errors(tmp_path):
    import json
    import subprocess
    import sys

    path = tmp_path / "bb.edgelist"
    nx.write_edgelist(nx.barbell_graph(4, 0), path, data=False)
    out = subprocess.run([sys.executable, "-m", "iegn.cli", "flow", str(path), "--iterations", "3", "--communities",
                          "--format", "json"], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["iterations"] == 3 and data["communities"]["count"] == 2
    weights = {(e["source"], e["target"]): e["weight"] for e in data["edges"]}
    assert weights[("3", "4")] > weights[("0", "1")]  # node labels as in the file (strings)
    bad = subprocess.run([sys.executable, "-m", "iegn.cli", "flow", str(path), "--step", "100"],
                         capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "too large" in bad.stderr
