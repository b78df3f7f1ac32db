"""Claims B06, B07, B19, B20, B22 and the helpers behind them (stubborn consensus, local weights).

Oracles: hand derivations in exact Fractions, closed-form Laplacian spectra (paths, cycles,
complete graphs, hypercubes), the protocols' message counts derived by hand from their papers,
and NetworkX for graph quantities (degrees, diameter).
"""

from __future__ import annotations

import math
from fractions import Fraction

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sps
from hypothesis import given
from hypothesis import strategies as st

from iegn import InvalidArgumentError, NotConvergedError
from iegn.claims import EVIDENCE_KINDS, get_claim, verify
from iegn.claims import _systems as sy
from iegn.graph import laplacian_matrix
from iegn.numeric import (
    StubbornConsensusResult,
    consensus_iterate,
    consensus_matrix,
    metropolis_hastings_laplacian,
    stubborn_consensus,
)
from iegn.testing import connected_graphs, states

from ._helpers import assert_close, closed_form_spectra

VERDICTS_HERE = {"B06": "refuted", "B07": "refuted", "B19": "refuted", "B20": "not-mathematical",
                 "B22": "not-mathematical"}


def _dense(G: nx.Graph) -> np.ndarray:
    return laplacian_matrix(G, format="dense")


# ============================================================================ stubborn_consensus
def test_two_stubborn_nodes_split_the_path_exactly():
    # hand derivation: the middle node of P3 is harmonic, x1 = (x0 + x2)/2 = 1/2
    L = _dense(nx.path_graph(3))
    r = stubborn_consensus(L, [0.0, 7.0, 1.0], step=0.5, stubborn=[0, 2])
    assert isinstance(r, StubbornConsensusResult)
    assert r.limit.tolist() == [0.0, 0.5, 1.0] and r.stubborn == (0, 2)
    assert r.converged and r.n_iter == 1  # alpha = 1/2 puts the middle node on the average in one step
    assert r.state.tolist() == [0.0, 0.5, 1.0]


def test_one_stubborn_node_on_p2_halves_the_error_each_step():
    # hand derivation in Fractions: x0(k) = 1 - 2^-k for alpha = 1/2, stubborn value 1
    r = stubborn_consensus(_dense(nx.path_graph(2)), [0.0, 1.0], step=0.5, stubborn=[1], tol=1e-6, atol=0.0)
    expected = [float(Fraction(1, 2**k)) for k in range(r.n_iter + 1)]  # |x0(k) - 1| = 2^-k, norm of (2^-k, 0)
    assert_close(r.error, expected, rtol=0, atol=0, why="powers of 1/2 are exact in binary floating point")
    assert r.n_iter == math.ceil(math.log2(1e6))


def test_harmonic_limit_of_a_path_with_stubborn_ends_is_linear():
    # hand derivation: on P_N with ends held at 0 and 1, the harmonic extension is x_i = i/(N-1)
    N = 9
    x0 = np.zeros(N)
    x0[-1] = 1.0
    r = stubborn_consensus(laplacian_matrix(nx.path_graph(N)), x0, step=0.4, stubborn=[0, N - 1])
    assert_close(r.limit, np.arange(N) / (N - 1), rtol=0, atol=1e-14, why="one sparse LU solve, well conditioned")
    assert_close(r.state, r.limit, rtol=0, atol=1e-9, why="stopped at relative error 1e-10 of an O(1) start")


def test_stubborn_iteration_matches_a_hand_loop():
    G = nx.cycle_graph(6)
    L = _dense(G)
    x0 = np.array([3.0, -1.0, 2.0, 0.5, 4.0, -2.0])
    r = stubborn_consensus(L, x0, step=0.3, stubborn=[1, 4], max_iter=7, on_failure="return")
    x = x0.copy()
    for _ in range(7):  # independent loop: update everyone, then restore the held entries
        x = x - 0.3 * (L @ x)
        x[[1, 4]] = x0[[1, 4]]
    assert r.n_iter == 7 and not r.converged
    assert_close(r.state, x, rtol=1e-14, atol=1e-14, why="same arithmetic in a different order (mat-vec vs loop)")


def test_sparse_and_dense_agree():
    G = nx.convert_node_labels_to_integers(nx.hypercube_graph(3))
    x0 = np.linspace(-1.0, 1.0, 8)
    a = stubborn_consensus(laplacian_matrix(G), x0, step=0.2, stubborn=[0])
    b = stubborn_consensus(_dense(G), x0, step=0.2, stubborn=[0])
    assert_close(a.limit, b.limit, rtol=0, atol=1e-14, why="sparse LU vs dense LU on an 8x8 system")
    assert_close(a.limit, np.full(8, -1.0), rtol=0, atol=1e-14, why="one stubborn node: limit is its value")
    assert a.n_iter == b.n_iter


def test_above_the_bound_the_stubborn_iteration_diverges_loudly():
    L = _dense(nx.path_graph(3))
    with pytest.raises(NotConvergedError, match="diverged") as info:
        stubborn_consensus(L, [0.0, 0.0, 1.0], step=1.5, stubborn=[2])
    assert isinstance(info.value.result, StubbornConsensusResult) and not info.value.result.converged


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"stubborn": []}, "is empty"),
        ({"stubborn": [3]}, "out of range"),
        ({"stubborn": [0, 0]}, "repeats"),
        ({"stubborn": "0"}, "sequence of node indices"),
        ({"stubborn": [-1]}, "must be >= 0"),
        ({"stubborn": [0], "step": float("nan")}, "must be finite"),
        ({"stubborn": [0], "tol": 1.0}, "tol=1.0"),
        ({"stubborn": [0], "on_failure": "warn"}, "on_failure='warn'"),
    ],
)
def test_stubborn_invalid_arguments(kwargs, match):
    args = {"step": 0.5} | kwargs
    with pytest.raises(InvalidArgumentError, match=match):
        stubborn_consensus(_dense(nx.path_graph(3)), [0.0, 1.0, 2.0], **args)


def test_a_component_without_a_stubborn_node_is_rejected():
    G = nx.Graph([(0, 1), (2, 3)])
    with pytest.raises(InvalidArgumentError, match="component of node 2 has no stubborn node"):
        stubborn_consensus(_dense(G), [0.0, 1.0, 2.0, 3.0], step=0.5, stubborn=[0])


@given(connected_graphs(2, 9), st.data())
def test_stubborn_limit_obeys_the_maximum_principle_and_ignores_honest_inputs(G, data):
    n = G.number_of_nodes()
    k = data.draw(st.integers(1, n))
    S = sorted(data.draw(st.permutations(range(n)))[:k])
    x0 = data.draw(states(n, bound=10.0))
    other = x0.copy()
    H = [i for i in range(n) if i not in S]
    other[H] = data.draw(states(len(H), bound=10.0)) if H else other[H]
    L = _dense(G)
    a = stubborn_consensus(L, x0, step=0.1, stubborn=S, max_iter=0, on_failure="return").limit
    b = stubborn_consensus(L, other, step=0.1, stubborn=S, max_iter=0, on_failure="return").limit
    lo, hi = x0[S].min(), x0[S].max()
    # 1e-12 x scale: a dense solve of a grounded Laplacian of size <= 9 with entries <= 8
    slack = 1e-12 * max(1.0, float(np.max(np.abs(x0))))
    assert np.all(a >= lo - slack) and np.all(a <= hi + slack)
    assert_close(a, b, rtol=0, atol=slack, why="the limit depends on the stubborn values only")
    assert_close((L @ a)[H], np.zeros(len(H)), rtol=0, atol=1e-11 * max(1.0, float(np.max(np.abs(x0)))),
                 why="harmonic at honest nodes, up to rounding of the solve")


# ============================================================================ Metropolis–Hastings
def test_metropolis_hastings_star_by_hand():
    L = _dense(nx.star_graph(3))  # centre degree 3: every edge weight 1/(1 + 3)
    expected = np.array([[0.75, -0.25, -0.25, -0.25], [-0.25, 0.25, 0, 0], [-0.25, 0, 0.25, 0], [-0.25, 0, 0, 0.25]])
    assert_close(metropolis_hastings_laplacian(L), expected, rtol=0, atol=0, why="quarters are exact")


@pytest.mark.parametrize("name", ["K3", "K5", "K8", "C4", "C7", "C10", "P3", "P6", "P9", "Q2", "Q3", "Q4"])
def test_metropolis_hastings_spectra_match_closed_forms(name):
    # regular graphs and paths have max(d_i, d_j) constant over edges (paths: 2, n >= 3), so
    # L_MH = L / (1 + that degree) and its spectrum is the closed-form spectrum scaled
    G, spectrum = closed_form_spectra()[name]
    degree = 2 if name.startswith("P") else max(d for _, d in G.degree())
    mu = np.linalg.eigvalsh(metropolis_hastings_laplacian(_dense(nx.convert_node_labels_to_integers(G))))
    assert_close(mu, np.array(spectrum) / (1 + degree), rtol=0, atol=1e-13,
                 why="LAPACK symmetric eigensolver, backward stable, entries <= 1")


def test_metropolis_hastings_complete_graph_averages_in_one_step():
    # closed form: on K_n the weights are 1/n, so I - L_MH = J/n, the exact averaging matrix
    n = 6
    W = consensus_matrix(metropolis_hastings_laplacian(_dense(nx.complete_graph(n))), 1.0)
    assert_close(W, np.full((n, n), 1.0 / n), rtol=0, atol=1e-16, why="1 - 5/6 vs 1/6 differ by one rounding")


def test_metropolis_hastings_keeps_format_and_ignores_weights():
    G = nx.path_graph(5)
    for u, v in G.edges():
        G.edges[u, v]["weight"] = 3.0 + u
    sparse = metropolis_hastings_laplacian(laplacian_matrix(G, weight="weight"))
    dense = metropolis_hastings_laplacian(_dense(nx.path_graph(5)))
    assert sps.issparse(sparse) and isinstance(dense, np.ndarray)
    assert_close(sparse.toarray(), dense, rtol=0, atol=0, why="same pattern, weights unused: identical arithmetic")
    with pytest.raises(InvalidArgumentError, match="not symmetric"):
        metropolis_hastings_laplacian([[1.0, -1.0], [0.0, 0.0]])


@given(connected_graphs(2, 12), st.data())
def test_metropolis_hastings_is_local_and_stable(G, data):
    n = G.number_of_nodes()
    Lmh = metropolis_hastings_laplacian(_dense(G))
    for i, j in G.edges():  # oracle: NetworkX degrees, weight by hand
        assert Lmh[i, j] == -1.0 / (1 + max(G.degree(i), G.degree(j)))
    assert_close(Lmh.sum(axis=1), np.zeros(n), rtol=0, atol=1e-15, why="row sums of at most 11 terms <= 1/2")
    mu = np.linalg.eigvalsh(Lmh)
    assert mu[-1] < 2.0 and mu[1] > 0.0
    x0 = data.draw(states(n, bound=10.0))
    rho = max(abs(1 - mu[1]), abs(1 - mu[-1]))
    budget = 20 + (math.ceil(math.log(1e-10) / math.log(rho)) if rho > 0 else 0)
    r = consensus_iterate(Lmh, x0, step=1.0, tol=1e-10, max_iter=budget)
    # 1e-8 x scale: relative tolerance 1e-10 of a disagreement at most sqrt(12) x 20 x scale
    assert_close(r.state, np.full(n, x0.mean()), rtol=0, atol=1e-8 * max(1.0, float(np.max(np.abs(x0)))),
                 why="stopped at relative disagreement 1e-10")


# ============================================================================ protocols
@pytest.mark.parametrize("f", [1, 2, 5])
def test_pbft_message_count_matches_the_hand_count(f):
    n = 3 * f + 1
    # request + pre-prepare to n-1 backups + each backup's prepare to n-1 + each replica's commit
    # to n-1 + n replies (Castro & Liskov 1999, Sec. 4.2)
    hand = 1 + (n - 1) + (n - 1) * (n - 1) + n * (n - 1) + n
    sent, decided = sy._pbft_normal_case(n)
    assert sent == hand == 2 * n * n - n + 1 and len(decided) == n
    _, decided = sy._pbft_normal_case(n, frozenset(range(n - f, n)))
    assert sorted(decided) == list(range(n - f))  # f crashed backups: the other 2f + 1 still commit
    _, decided = sy._pbft_normal_case(n, frozenset(range(n - f - 1, n)))
    assert decided == {}  # f + 1 crashed: no quorum of 2f + 1, nobody commits (safety kept, liveness lost)


def test_raft_follower_rules_and_the_byzantine_split():
    fol = sy._RaftFollower()
    assert not fol.append_entries(1, 1, 1, [(1, "x")], 0)  # no entry at prevLogIndex 1
    assert fol.append_entries(1, 0, 0, [(1, "x")], 0) and fol.applied == []
    assert fol.append_entries(2, 0, 0, [(2, "y")], 1) and fol.log == [(2, "y")] and fol.applied == ["y"]
    assert not fol.append_entries(1, 0, 0, [], 1)  # stale term
    assert sy._raft_byzantine_leader(3) == [["x"], ["y"]]
    messages, live = sy._raft_honest_entry(5, frozenset({3, 4}))
    assert messages == 4 + 2 + 4 and live == [["x"], ["x"]]
    _, live = sy._raft_honest_entry(5, frozenset({2, 3, 4}))
    assert live == [[]]  # no majority: nothing commits


def test_om1_threshold_is_four_for_one_traitor():
    runs, bad = sy._om1_violations(3)
    assert runs == 4 + 2 * 2 * 2 and len(bad) == 2  # a traitor lieutenant defeats a loyal commander saying 1
    for n in (4, 5, 6):
        assert sy._om1_violations(n)[1] == []


# ============================================================================ scaling figures
def test_path_step_counts_respect_the_closed_form_rate():
    sc = sy._scaling()
    for N, row in sc["path"].items():
        rho = math.cos(math.pi / N)  # P_N: mu_2, mu_max = 2 -+ 2cos(pi/N), so (mu_max - mu_2)/(mu_max + mu_2)
        assert row["predicted_max"] == math.ceil(math.log(sc["tol"]) / math.log(rho))
        assert row["steps"] <= row["predicted_max"]
    for N, row in sc["hypercube"].items():
        assert row["edges"] == N * int(math.log2(N)) // 2  # Q_d has d 2^(d-1) edges
        assert row["steps"] <= row["predicted_max"]


def test_gdto_pair_count_and_locality_counts():
    assert [sy._gdto_pairs(N) for N in (2, 3, 10)] == [1, 3, 45]


# ============================================================================ the records
def test_verdicts_and_evidence_kinds():
    for cid, verdict in VERDICTS_HERE.items():
        c = get_claim(cid)
        assert c.verdict == verdict and c.statement and c.evidence
        assert all(e.kind in EVIDENCE_KINDS for e in c.evidence)
    for cid in ("B06", "B07", "B20", "B22"):
        assert any(e.kind == "counterexample" for e in get_claim(cid).evidence)
    for cid in ("B06", "B07", "B19"):  # complexity and scale: measured
        assert any(e.kind == "measurement" for e in get_claim(cid).evidence)
    assert "{cite:p}`ongaro2014search`" in get_claim("B06").statement


@pytest.mark.parametrize("cid", sorted(VERDICTS_HERE))
def test_evidence_reproduces_live(cid):
    result = verify([cid], examples=10)
    (claim,) = result.claims
    failed = [f"{e.title}: {e.summary}" for e in claim.evidence if not e.passed]
    assert not failed and result.passed
    for e in claim.evidence:
        if e.kind == "property-test":
            assert e.details["examples"] == 10
