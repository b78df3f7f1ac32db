"""Graph-level API: closed-form spectra, weights, validation, file reading."""

from __future__ import annotations

import json
import math

import networkx as nx
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import iegn
from iegn import DisconnectedGraphError, InvalidArgumentError, InvalidGraphError
from iegn.graph import laplacian_matrix, read_graph, stability_bound
from iegn.testing import connected_graphs

from ._helpers import closed_form_spectra

SPECTRA = closed_form_spectra()


@pytest.mark.parametrize("method", ["dense", "sparse", "exact"])
@pytest.mark.parametrize("name", sorted(SPECTRA))
def test_spectral_constants_match_closed_forms(name, method):
    G, spectrum = SPECTRA[name]
    b = stability_bound(G, method=method)
    mu2, mumax = spectrum[1], spectrum[-1]
    # dense/exact: backward-stable or exact, ~1e-14; ARPACK with tol=0: ~1e-10 on mu_2
    rel = 1e-9 if method == "sparse" else 1e-13
    assert b.mu_2 == pytest.approx(mu2, rel=rel)
    assert b.mu_max == pytest.approx(mumax, rel=rel)
    assert b.critical_step == pytest.approx(2 / mumax, rel=rel)
    assert b.optimal_step == pytest.approx(2 / (mu2 + mumax), rel=rel)
    assert b.convergence_factor == pytest.approx((mumax - mu2) / (mumax + mu2), rel=rel, abs=1e-13)


def test_top_level_shortcuts_agree_with_stability_bound():
    # Petersen graph: adjacency spectrum 3, 1^5, (-2)^4 and L = 3I - A, so L has 0, 2^5, 5^4
    # (Brouwer & Haemers 2012, Ch. 1)
    G = nx.petersen_graph()
    assert iegn.algebraic_connectivity(G) == pytest.approx(2.0, rel=1e-13)
    assert iegn.laplacian_spectral_radius(G) == pytest.approx(5.0, rel=1e-13)
    assert iegn.critical_step(G) == pytest.approx(0.4, rel=1e-13)
    assert iegn.optimal_step(G) == pytest.approx(2 / 7, rel=1e-13)
    assert iegn.convergence_factor(G) == pytest.approx(3 / 7, rel=1e-13)
    assert iegn.convergence_factor(G, step=0.4) == pytest.approx(1.0, rel=1e-13)


@given(connected_graphs(2, 10, weighted=True), st.floats(0.01, 100))
def test_weight_scaling_scales_the_spectrum(G, c):
    H = G.copy()
    for u, v in H.edges:
        H.edges[u, v]["weight"] *= c
    a, b = stability_bound(G, weight="weight"), stability_bound(H, weight="weight")
    # L(cw) = c L(w): eigenvalues scale by c, steps by 1/c, factor unchanged (dense LAPACK)
    assert b.mu_max == pytest.approx(c * a.mu_max, rel=1e-12)
    assert b.critical_step == pytest.approx(a.critical_step / c, rel=1e-12)
    assert b.convergence_factor == pytest.approx(a.convergence_factor, rel=1e-9, abs=1e-12)


@given(connected_graphs(2, 10, weighted=True), st.randoms())
def test_relabelling_does_not_change_the_bound(G, rnd):
    nodes = list(G)
    perm = nodes[:]
    rnd.shuffle(perm)
    H = nx.relabel_nodes(G, dict(zip(nodes, perm)))
    a, b = stability_bound(G, weight="weight"), stability_bound(H, weight="weight")
    assert b.mu_2 == pytest.approx(a.mu_2, rel=1e-9, abs=1e-12)
    assert b.mu_max == pytest.approx(a.mu_max, rel=1e-12)


@given(connected_graphs(1, 12, weighted=True))
def test_laplacian_rows_sum_to_zero_and_spectrum_is_nonnegative(G):
    L = laplacian_matrix(G, weight="weight", format="dense")
    np.testing.assert_allclose(L.sum(axis=1), 0.0, atol=1e-12 * (1 + np.abs(L).max()), err_msg="row sums: rounding")
    assert np.all(np.linalg.eigvalsh(L) >= -1e-12 * (1 + np.abs(L).max()))
    # oracle: networkx's own Laplacian
    np.testing.assert_allclose(L, nx.laplacian_matrix(G, nodelist=list(G), weight="weight").toarray(), rtol=0, atol=1e-15)


def test_optimal_step_of_a_disconnected_graph_raises():
    G = nx.Graph([(0, 1), (2, 3)])
    with pytest.raises(DisconnectedGraphError, match="2 connected components"):
        iegn.optimal_step(G)
    assert iegn.convergence_factor(G) == 1.0 and iegn.critical_step(G) == pytest.approx(1.0, rel=1e-15)


def _multi():
    return nx.MultiGraph([(0, 1), (0, 1)])


def _loop():
    G = nx.path_graph(3)
    G.add_edge(2, 2)
    return G


def _weighted(value):
    G = nx.path_graph(3)
    G.edges[0, 1]["w"] = value
    G.edges[1, 2]["w"] = 1.0
    return G


BAD_GRAPHS = [
    (lambda: "not a graph", "expected a networkx.Graph"),
    (lambda: nx.DiGraph([(0, 1)]), "directed"),
    (_multi, "multigraph"),
    (lambda: nx.Graph(), "no nodes"),
    (lambda: nx.empty_graph(1), "no edges"),
    (lambda: nx.empty_graph(3), "no edges"),
    (_loop, "self-loop at node 2"),
    (lambda: _weighted(-1.0), r"edge \(0, 1\) has w=-1.0"),
    (lambda: _weighted(0.0), r"edge \(0, 1\) has w=0.0"),
    (lambda: _weighted(float("nan")), r"w=nan"),
    (lambda: _weighted(float("inf")), r"w=inf"),
    (lambda: _weighted("heavy"), r"non-numeric w='heavy'"),
    (lambda: nx.path_graph(3), r"has no 'w' attribute"),
]


@pytest.mark.parametrize(("make", "message"), BAD_GRAPHS)
def test_bad_graphs_raise_invalid_graph_error(make, message):
    with pytest.raises(InvalidGraphError, match=message):
        stability_bound(make(), weight="w")


def test_bad_method_and_state_mapping():
    with pytest.raises(InvalidArgumentError, match="method='fast'"):
        stability_bound(nx.path_graph(3), method="fast")
    with pytest.raises(InvalidArgumentError, match="no value for node 2"):
        iegn.consensus(nx.path_graph(3), {0: 1.0, 1: 2.0})


def test_consensus_accepts_a_node_mapping_and_matches_the_average():
    G = nx.relabel_nodes(nx.cycle_graph(6), {i: f"n{i}" for i in range(6)})
    r = iegn.consensus(G, {f"n{i}": float(i * i) for i in range(6)})
    assert r.converged
    np.testing.assert_allclose(r.state, np.full(6, 55 / 6), rtol=1e-9, err_msg="tol=1e-10 relative")


# ----------------------------------------------------------------------------- files
def _write_all(G, tmp_path):
    paths = {}
    paths["graphml"] = tmp_path / "g.graphml"
    nx.write_graphml(G, paths["graphml"])
    paths["gml"] = tmp_path / "g.gml"
    nx.write_gml(G, paths["gml"])
    paths["json"] = tmp_path / "g.json"
    paths["json"].write_text(json.dumps(nx.node_link_data(G, edges="links")))
    paths["edgelist"] = tmp_path / "g.edgelist"
    paths["edgelist"].write_text("# comment\n" + "".join(f"{u} {v} {d['weight']}\n" for u, v, d in G.edges(data=True)))
    paths["csv"] = tmp_path / "g.csv"
    paths["csv"].write_text("".join(f"{u},{v},{d['weight']}\n" for u, v, d in G.edges(data=True)))
    return paths


def test_every_format_reads_back_the_same_bound(tmp_path):
    G = nx.relabel_nodes(nx.cycle_graph(5), str)
    for i, (u, v) in enumerate(G.edges):
        G.edges[u, v]["weight"] = 1.0 + i
    ref = stability_bound(G, weight="weight")
    for fmt, path in _write_all(G, tmp_path).items():
        H = read_graph(path)
        b = stability_bound(H, weight="weight")
        assert b.mu_2 == pytest.approx(ref.mu_2, rel=1e-12), fmt
        assert b.mu_max == pytest.approx(ref.mu_max, rel=1e-12), fmt


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.graphml", None, "no such file"),
        ("g.xyz", "a b\n", "unknown graph file extension '.xyz'"),
        ("g.edgelist", "a b c d\n", "line 1 has 4 fields"),
        ("g.edgelist", "a b heavy\n", "weight 'heavy' is not a number"),
        ("g.graphml", "<graphml><not closed", "cannot read as graphml"),
        ("g.gml", "graph [ node [ id 0 ", "cannot read as gml"),
        ("g.json", "{not json", "cannot read as node-link"),
        ("g.json", "[1, 2]", "must be an object"),
        ("g.edgelist", b"\xff\xfe\x00binary", "cannot read as edgelist"),
        ("g.json", json.dumps({"directed": True, "multigraph": False, "graph": {}, "nodes": [{"id": 0}, {"id": 1}],
                               "links": [{"source": 0, "target": 1}]}), "directed"),
    ],
)
def test_bad_files_raise_invalid_graph_error(tmp_path, name, content, message):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    with pytest.raises(InvalidGraphError, match=message):
        read_graph(path)
