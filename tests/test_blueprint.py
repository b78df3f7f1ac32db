"""The blueprint's GDTO as specified (§3.2), its corrected counterpart, and claims B08, B09, B16."""

from __future__ import annotations

import math
from fractions import Fraction

import networkx as nx
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from iegn import InvalidArgumentError, InvalidGraphError, NotConvergedError
from iegn.blueprint import (
    IEGN_Node,
    ManifoldOptimizer,
    corrected_flow,
    fraction_to_boundary,
    make_nodes,
    run_as_specified,
    side_by_side,
)
from iegn.claims import get_claim, verify
from iegn.graph import ricci_flow
from iegn.testing import connected_graphs

from ._helpers import assert_close

LOADS = st.lists(st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False), min_size=1, max_size=6)


# ------------------------------------------------------------------ as specified (§3.2)
@given(LOADS, st.integers(0, 2**32 - 1), st.floats(0.0, 1e3), st.integers(1, 6))
def test_adjacency_starts_and_stays_zero(loads, seed, alpha, steps):
    run = run_as_specified(loads, iterations=steps, learning_rate=alpha, seed=seed)
    assert np.all(run.adjacency == 0.0)
    # with A = 0 the returned L is T = sum of squared loads, at every call (fsum: an exact oracle;
    # np.sum's pairwise order differs by a few ulps)
    t = math.fsum(x * x for x in loads)
    assert_close(run.lagrangian, np.full(steps, t), rtol=1e-12, why="summation order of <= 6 squares")


@given(LOADS, st.integers(0, 2**32 - 1))
def test_proxy_is_the_blueprint_formula_and_never_negative(loads, seed):
    nodes = make_nodes(loads, seed=seed)
    opt = ManifoldOptimizer(nodes)
    for i in range(len(nodes)):
        for j in range(len(nodes)):
            s_i, s_j = nodes[i].state_vector, nodes[j].state_vector
            # oracle: the formula of §3.2 written with math.fsum, independently of np.linalg.norm
            dist = math.sqrt(math.fsum((a - b) ** 2 for a, b in zip(s_i, s_j)))
            expected = abs(loads[i] - loads[j]) / (dist + 1e-9)
            value = opt.compute_ricci_curvature(i, j)
            assert value >= 0.0
            assert_close(value, expected, rtol=1e-12, why="norm of 128 terms: summation order and sqrt rounding")


def test_embeddings_are_determined_by_the_seed():
    a, b, c = make_nodes([1.0, 2.0, 3.0], seed=7), make_nodes([1.0, 2.0, 3.0], seed=7), make_nodes([1.0, 2.0, 3.0], seed=8)
    assert all(np.array_equal(x.state_vector, y.state_vector) for x, y in zip(a, b))
    assert not np.array_equal(a[0].state_vector, c[0].state_vector)
    # oracle: the generator drawn directly, node by node, uniform on [0, 1)^128 like np.random.rand(128)
    rng = np.random.default_rng(7)
    for node in a:
        np.testing.assert_array_equal(node.state_vector, rng.random(128))
        assert node.state_vector.shape == (128,) and np.all((node.state_vector >= 0) & (node.state_vector < 1))


def test_a_node_without_rng_calls_the_global_np_random_rand_as_written():
    saved = np.random.get_state()
    try:
        np.random.seed(3)
        node = IEGN_Node(0, 2.5)
        np.random.seed(3)
        np.testing.assert_array_equal(node.state_vector, np.random.rand(128))
    finally:
        np.random.set_state(saved)
    assert (node.id, node.current_load) == (0, 2.5)


def test_one_step_by_hand_from_positive_weights():
    nodes = make_nodes([0.0, 1.0, 3.0], seed=4)
    opt = ManifoldOptimizer(nodes, learning_rate=0.05)
    start = np.ones((3, 3)) - np.eye(3)
    opt.adj_matrix = start.copy()
    proxy = {(i, j): abs(nodes[i].current_load - nodes[j].current_load)
             / (float(np.sqrt(np.sum((nodes[i].state_vector - nodes[j].state_vector) ** 2))) + 1e-9)
             for i in range(3) for j in range(3) if i != j}
    value = opt.minimize_action()
    # L is computed before the step: T = 0 + 1 + 9, V = sum of the full matrix = 6
    assert value == 10.0 - 6.0
    expected = np.array([[0.0 if i == j else max(1.0 - 2 * 0.05 * proxy[i, j], 0.0) for j in range(3)]
                         for i in range(3)])
    assert_close(opt.adj_matrix, expected, rtol=1e-14, why="the proxy's norm, computed two ways")
    assert np.all(opt.adj_matrix <= start) and np.array_equal(opt.adj_matrix, opt.adj_matrix.T)


def test_a_negative_learning_rate_makes_unequal_pairs_grow_linearly():
    run = run_as_specified([0.0, 1.0, 1.0], iterations=4, learning_rate=-0.5, seed=0)
    k = np.arange(5)[:, None, None]
    assert_close(run.adjacency, k * run.proxy, rtol=1e-14, why="k additions of the same float")
    assert run.proxy[1, 2] == 0.0 and np.all(run.adjacency[:, 1, 2] == 0.0)  # equal loads: no change


def test_run_as_specified_from_a_given_start_decays_to_zero():
    run = run_as_specified([0.0, 2.0], iterations=50, learning_rate=1.0, seed=0,
                           initial=np.array([[0.0, 3.0], [3.0, 0.0]]))
    w = run.adjacency[:, 0, 1]
    assert w[0] == 3.0 and np.all(np.diff(w) <= 0) and w[-1] == 0.0
    assert run.adjacency[0, 0, 0] == 0.0


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"loads": [0.0, np.nan]}, r"loads\[1\]=nan must be finite"),
    ({"loads": [[0.0]]}, "one-dimensional"),
    ({"iterations": -1}, "iterations=-1 must be >= 0"),
    ({"learning_rate": np.inf}, "learning_rate=inf must be finite"),
    ({"seed": -2}, "seed=-2 must be >= 0"),
    ({"initial": np.eye(3)}, r"initial must be a finite symmetric \(2, 2\) matrix"),
    ({"initial": np.array([[0.0, 1.0], [2.0, 0.0]])}, "symmetric"),
])
def test_run_as_specified_rejects_bad_input(kwargs, match):
    args = {"loads": [0.0, 1.0], **kwargs}
    with pytest.raises(InvalidArgumentError, match=match):
        run_as_specified(args.pop("loads"), **args)


# ------------------------------------------------------------------ the step rule
@given(st.integers(1, 8).flatmap(lambda m: st.tuples(
    st.lists(st.floats(1e-3, 1e3), min_size=m, max_size=m),
    st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=m, max_size=m))),
    st.floats(1e-3, 1e3), st.floats(0.01, 0.99))
def test_fraction_to_boundary_keeps_a_fraction_and_is_the_largest_such_step(wv, eta, theta):
    w, v = map(np.array, wv)
    tau = fraction_to_boundary(w, v, step=eta, fraction=theta)
    assert 0.0 < tau <= eta
    new = w + tau * v
    # the proof's bound, up to the rounding of one product and one sum (a few ulps of w)
    assert np.all(new >= (1 - theta) * w - 4e-16 * w)
    if tau < eta:  # the cap binds: some edge loses exactly the fraction theta (the step is the largest)
        lost = (w - new) / w
        assert_close(lost.max(), theta, rtol=1e-12, why="ratio and product rounding")


@pytest.mark.parametrize(("w", "v", "kwargs", "match"), [
    ([1.0, 0.0], [1.0, 1.0], {}, r"weights\[1\]=0.0 must be > 0"),
    ([1.0, -1.0], [1.0, 1.0], {}, r"weights\[1\]=-1.0 must be > 0"),
    ([1.0], [1.0, 2.0], {}, "velocity has 2 entries, expected 1"),
    ([1.0], [np.nan], {}, r"velocity\[0\]=nan must be finite"),
    ([1.0], [1.0], {"step": 0.0}, "step=0.0 must be > 0"),
    ([1.0], [1.0], {"fraction": 1.0}, "fraction=1.0 must be < 1"),
    ([1.0], [1.0], {"fraction": 0.0}, "fraction=0.0 must be > 0"),
])
def test_fraction_to_boundary_rejects_bad_input(w, v, kwargs, match):
    with pytest.raises(InvalidArgumentError, match=match):
        fraction_to_boundary(w, v, **{"step": 1.0, **kwargs})


# ------------------------------------------------------------------ corrected counterpart
@given(connected_graphs(2, 8, weighted=True), st.floats(0.01, 100.0), st.floats(0.0, 10.0), st.floats(0.05, 0.95),
       st.booleans())
def test_corrected_flow_keeps_every_weight_positive_for_any_step(G, eta, lam, theta, normalize):
    r = corrected_flow(G, cosmological_constant=lam, step=eta, fraction=theta, normalize=normalize, iterations=3,
                       tol=0.0, weight="weight")
    h = r.history
    assert h.shape == (r.n_iter + 1, G.number_of_edges()) and r.steps.shape == (r.n_iter,)
    assert np.all(h > 0) and np.all((r.steps > 0) & (r.steps <= eta))
    if normalize:
        assert_close(h.sum(axis=1), np.full(r.n_iter + 1, h[0].sum()), rtol=1e-12,
                     why="rescaling by a ratio of sums of <= 28 terms")
    else:
        # the module's proof: w' >= (1 - theta) w, and min w >= min(min w0, (1 - theta) Lambda^(1/3))
        assert np.all(h[1:] >= (1 - theta) * h[:-1] * (1 - 1e-12))  # rounding of w + tau v
        assert h.min() >= min(h[0].min(), (1 - theta) * lam ** (1 / 3)) * (1 - 1e-12)  # same rounding


def test_corrected_flow_one_step_by_hand_on_k3():
    # K3, lengths 1: kappa = n / (2(n - 1)) = 3/4 at idleness 1/2 (closed form for K_n); Lambda = 1/4, eta = 2:
    # v = -3/4 + 1/4 = -1/2, tau = min(2, 1/2 * 1 / (1/2)) = 1, w1 = 1/2; then v = -3/8 + 1 = 5/8 > 0,
    # tau = eta = 2, w2 = 1/2 + 5/4 = 7/4. A fixed step eta = 2 would give w1 = 1 + 2(-1/2) = 0.
    r = corrected_flow(nx.complete_graph(3), cosmological_constant=0.25, step=2.0, iterations=2, tol=0.0,
                       normalize=False)
    assert_close(r.steps, [1.0, 2.0], rtol=1e-15, why="exact dyadic arithmetic; kappa from an LP")
    assert_close(r.history, [[1.0] * 3, [0.5] * 3, [1.75] * 3], rtol=1e-14, why="kappa from an LP, to round-off")


@pytest.mark.parametrize("n", [3, 4, 5])
def test_corrected_flow_converges_to_the_closed_form_equilibrium_on_complete_graphs(n):
    # every edge of K_n is alike: kappa = n/(2(n-1)) at every scale (equal lengths give the unweighted
    # measure), so w' = -kappa w + Lambda/w^2 has the fixed point w* = (Lambda / kappa)^(1/3)
    lam = 0.05
    r = corrected_flow(nx.complete_graph(n), cosmological_constant=lam, step=0.5, normalize=False, tol=1e-12,
                       iterations=200, on_failure="raise")
    kappa = n / (2 * (n - 1))
    assert_close(list(r.weights.values()), [(lam / kappa) ** (1 / 3)] * (n * (n - 1) // 2), rtol=1e-10,
                 why="stopped at relative change 1e-12 of a contraction with factor |1 - 3 eta kappa| < 1")


def test_without_barrier_and_below_the_cap_it_is_the_ricci_flow_of_the_graph_layer():
    # an independent implementation: iegn.graph.ricci_flow (w <- w(1 - eta kappa), renormalised). With eta = 0.3
    # the cap never binds (it needs eta > theta / kappa >= 1/2), so the two must agree.
    G = nx.karate_club_graph()
    a = corrected_flow(G, cosmological_constant=0.0, step=0.3, iterations=5, tol=0.0)
    b = ricci_flow(G, step=0.3, iterations=5, tol=0.0)
    assert np.all(a.steps == 0.3)
    assert_close([a.weights[e] for e in G.edges], [b.weights[e] for e in G.edges], rtol=1e-12,
                 why="same flow, different summation order in the normalisation")


def test_corrected_flow_lengthens_the_bridge_and_shortens_the_cliques():
    G = nx.barbell_graph(5, 0)
    before = nx.to_dict_of_dicts(G)
    r = corrected_flow(G, iterations=30)
    assert r.converged
    inside = [w for e, w in r.weights.items() if e != (4, 5)]
    assert r.weights[(4, 5)] > 5 and max(inside) < 1 and min(inside) > 0
    assert r.curvature[4, 5] < 0 < r.curvature[0, 1]
    assert nx.to_dict_of_dicts(G) == before  # the input is not modified


def test_corrected_flow_raises_when_asked_and_carries_the_result():
    with pytest.raises(NotConvergedError, match="after 2 steps") as info:
        corrected_flow(nx.karate_club_graph(), iterations=2, on_failure="raise")
    assert info.value.result.n_iter == 2 and not info.value.result.converged


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"cosmological_constant": -1.0}, InvalidArgumentError, "cosmological_constant=-1.0 must be >= 0"),
    ({"step": 0.0}, InvalidArgumentError, "step=0.0 must be > 0"),
    ({"iterations": 0}, InvalidArgumentError, "iterations=0 must be >= 1"),
    ({"tol": np.nan}, InvalidArgumentError, "tol=nan must be finite"),
    ({"fraction": 1.5}, InvalidArgumentError, "fraction=1.5 must be < 1"),
    ({"normalize": 1}, InvalidArgumentError, "normalize=1 must be True or False"),
    ({"idleness": 1.0}, InvalidArgumentError, "idleness=1.0 must be < 1"),
    ({"measure": "euclid"}, InvalidArgumentError, "measure='euclid' is not one of"),
    ({"on_failure": "warn"}, InvalidArgumentError, "on_failure='warn' is not one of"),
    ({"weight": "length"}, InvalidGraphError, "has no 'length' attribute"),
])
def test_corrected_flow_rejects_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        corrected_flow(nx.path_graph(3), **kwargs)


def test_corrected_flow_rejects_graphs_it_cannot_run_on():
    with pytest.raises(InvalidGraphError, match="directed"):
        corrected_flow(nx.DiGraph([(0, 1)]))
    with pytest.raises(InvalidGraphError, match="no edges"):
        corrected_flow(nx.empty_graph(3))


# ------------------------------------------------------------------ side by side
def test_side_by_side_runs_both_on_the_same_loads():
    G = nx.barbell_graph(4, 0)
    loads = [float(G.degree(v)) for v in G]
    out = side_by_side(G, loads, iterations=8)
    assert out.as_specified.shape == out.corrected.shape == (9, G.number_of_edges())
    assert out.edges == tuple(G.edges)
    assert np.all(out.as_specified == 0.0) and np.all(out.corrected > 0)
    for array in (out.as_specified, out.corrected, out.corrected_run.steps, out.as_specified_run.adjacency,
                  out.as_specified_run.proxy, out.as_specified_run.lagrangian):
        assert not array.flags.writeable  # parts of frozen results
    assert out.corrected[-1][out.edges.index((3, 4))] > 1.0  # the bridge lengthens
    by_name = side_by_side(G, dict(zip(G, loads)), iterations=8)
    np.testing.assert_array_equal(by_name.as_specified_run.proxy, out.as_specified_run.proxy)
    # the blueprint's proxy is defined for every pair, edges or not: it never looked at G
    non_edges = [(u, v) for u, v in nx.non_edges(G) if out.as_specified_run.proxy[u, v] > 0]
    assert len(non_edges) == 6  # the 3 + 3 degree-3 clique nodes against the far bridge end (degree 4)


def test_side_by_side_from_the_graphs_weights_shows_the_decay():
    G = nx.path_graph(3)
    out = side_by_side(G, [0.0, 1.0, 3.0], iterations=40, learning_rate=0.5, start="graph")
    assert np.all(out.as_specified[0] == 1.0) and np.all(out.as_specified[-1] == 0.0)
    assert np.all(np.diff(out.as_specified, axis=0) <= 0)


@pytest.mark.parametrize(("loads", "kwargs", "match"), [
    ([0.0, 1.0], {}, "loads has 2 entries, expected 3"),
    ({0: 1.0, 1: 2.0}, {}, "loads has no value for node 2"),
    ([0.0, 1.0, 2.0], {"start": "random"}, "start='random' is not one of"),
    ([0.0, 1.0, 2.0], {"iterations": 0}, "iterations=0 must be >= 1"),
])
def test_side_by_side_rejects_bad_input(loads, kwargs, match):
    with pytest.raises(InvalidArgumentError, match=match):
        side_by_side(nx.path_graph(3), loads, **kwargs)


# ------------------------------------------------------------------ the claims B08, B09, B16
VERDICTS = {"B08": "refuted", "B09": "refuted", "B16": "holds-with-conditions"}


@pytest.mark.parametrize("cid", sorted(VERDICTS))
def test_claims_of_the_blueprint_algorithm_reproduce_live(cid):
    claim = get_claim(cid)
    assert claim.verdict == VERDICTS[cid] and claim.statement
    kinds = {e.kind for e in claim.evidence}
    if claim.verdict == "refuted":
        assert "counterexample" in kinds
    assert kinds & {"smt-proof", "property-test"}
    (result,) = verify([cid], examples=10).claims
    failed = [f"{e.title}: {e.summary}" for e in result.evidence if not e.passed]
    assert not failed
    props = [e for e in result.evidence if e.kind == "property-test"]
    assert all(e.details["examples"] == 10 for e in props)


def test_the_smallest_barrier_counterexample_by_hand():
    # K2, V = np.sum(A) = 2d, V_aug = 2d + Lambda/d, one step d1 = d0 - eta (2 - Lambda/d0^2) with unit data
    lam, eta, d0 = Fraction(1), Fraction(1), Fraction(1)
    assert d0 - eta * (2 - lam / d0**2) == 0
    # and the threshold 27 Lambda > 4 eta^2 c^3 (c = 2) is violated, as it must be
    assert not 27 * lam > 4 * eta**2 * 8
