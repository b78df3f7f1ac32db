"""Consensus iteration: laws, backends and closed forms."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sps
from hypothesis import assume, given
from hypothesis import strategies as st

import iegn
from iegn import InvalidArgumentError, NotConvergedError
from iegn.graph import convergence_factor, laplacian_matrix, stability_bound
from iegn.numeric import consensus_iterate, consensus_matrix, laplacian_extreme_eigenvalues
from iegn.testing import connected_graphs, disconnected_graphs, graphs_with_states, states

from ._helpers import assert_close, hand_consensus


@given(graphs_with_states(weighted=True), st.floats(-3.0, 3.0))
def test_mean_is_preserved_for_every_step(case, t):
    G, x0 = case
    L = laplacian_matrix(G, weight="weight")
    alpha = t * stability_bound(G, weight="weight").critical_step
    r = consensus_iterate(L, x0, step=alpha, max_iter=20, on_failure="return")
    # 1^T L = 0: the sum is invariant; rounding grows with n * |x| * (1 + |alpha| * mu_max)^k
    scale = (1 + np.max(np.abs(x0))) * (1 + abs(t) * 2) ** r.n_iter
    assert abs(r.state.mean() - x0.mean()) <= 1e-12 * scale


@given(graphs_with_states(weighted=True), st.floats(0.0, 1.0))
def test_disagreement_never_increases_up_to_the_bound(case, t):
    G, x0 = case
    alpha = t * stability_bound(G, weight="weight").critical_step  # 0 <= alpha <= 2/mu_max
    r = consensus_iterate(laplacian_matrix(G, weight="weight"), x0, step=alpha, max_iter=30, on_failure="return")
    d = r.disagreement
    # |1 - alpha mu| <= 1 on every mode: non-increasing up to rounding of the norm
    assert np.all(d[1:] <= d[:-1] * (1 + 1e-12) + 1e-12 * (1 + np.max(np.abs(x0))))


@given(graphs_with_states(weighted=True), st.floats(0.05, 0.95))
def test_below_the_bound_the_state_reaches_the_plain_average(case, t):
    G, x0 = case
    b = stability_bound(G, weight="weight")
    alpha = t * b.critical_step
    # budget from the theorem: |x(k) - mean| <= rho^k |x(0) - mean|, rho = max|1 - alpha mu|
    rho = convergence_factor(G, step=alpha, weight="weight")
    budget = math.ceil(math.log(1e-10) / math.log(rho)) + 10 if rho > 0 else 10
    assume(budget <= 200_000)  # keep the CI profile fast; rho -> 1 only costs time
    r = consensus_iterate(laplacian_matrix(G, weight="weight"), x0, step=alpha, tol=1e-10, atol=0.0,
                          max_iter=budget, on_failure="return")
    d0 = np.linalg.norm(x0 - np.mean(x0))
    floor = 1e-12 * (1 + np.max(np.abs(x0)))  # float64 rounding of mean and mat-vecs
    # oracle: numpy's mean of x0, reached to tol=1e-10 relative to the initial disagreement
    assert np.max(np.abs(r.state - np.mean(x0))) <= 1e-10 * d0 + floor
    # and within the step count the convergence factor predicts, unless rounding stalled it
    assert r.converged or r.disagreement[-1] <= floor


def test_a_state_already_at_rounding_level_counts_as_agreed():
    # 0.05 * 3 / 3 != 0.05 in float64: the spread is ~1e-17 and cannot shrink relative to itself
    x0 = np.array([0.05, 0.05, 0.05])
    r = consensus_iterate(laplacian_matrix(nx.path_graph(3)), x0, step=0.5)
    assert r.converged and r.n_iter == 0
    with pytest.raises(NotConvergedError, match="max_iter=50"):
        consensus_iterate(laplacian_matrix(nx.path_graph(3)), x0, step=0.5, atol=0.0, max_iter=50)


@given(connected_graphs(2, 10, weighted=True), st.floats(0.0, 1.0), st.data())
def test_at_and_above_the_bound_generic_starts_fail(G, over, data):
    L = laplacian_matrix(G, weight="weight", format="dense")
    mu, V = np.linalg.eigh(L)
    x0 = data.draw(states(G.number_of_nodes(), bound=10.0))
    x0 = x0 + (1.0 - V[:, -1] @ x0) * V[:, -1]  # a unit component on the top eigenvector
    r = consensus_iterate(L, x0, step=(2.0 / mu[-1]) * (1 + over), max_iter=100, on_failure="return")
    assert not r.converged
    assert r.disagreement[-1] >= 1.0 - 1e-6  # the top mode never shrinks


@given(connected_graphs(2, 9, weighted=True), st.floats(0.05, 0.95), st.data())
def test_backends_and_formats_agree_with_a_hand_loop(G, t, data):
    x0 = data.draw(states(G.number_of_nodes()))
    L = laplacian_matrix(G, weight="weight")
    alpha = t * stability_bound(G, weight="weight").critical_step
    ref = hand_consensus(L.toarray(), x0, alpha, 25)
    scale = 1e-12 * (1 + np.max(np.abs(x0)))  # different summation orders, 25 steps
    for backend in ("numpy", "jax"):
        for mat in (L, L.toarray()):
            r = consensus_iterate(mat, x0, step=alpha, max_iter=25, tol=1e-15,
                                  backend=backend, on_failure="return")
            k = r.n_iter
            np.testing.assert_allclose(r.state, hand_consensus(L.toarray(), x0, alpha, k), atol=scale * 10,
                                       err_msg=f"{backend} {type(mat).__name__}")
            assert k <= 25 and (k == 25 or r.converged)
    assert ref.shape == x0.shape


def test_jax_backend_computes_in_float64():
    L = laplacian_matrix(nx.path_graph(4))
    r = consensus_iterate(L, [1.0, 0.0, 0.0, 1e-17], step=0.3, backend="jax", max_iter=3, on_failure="return")
    assert r.state.dtype == np.float64
    # 1e-17 survives only in float64 arithmetic (float32 eps is 6e-8): compare with numpy
    ref = consensus_iterate(L, [1.0, 0.0, 0.0, 1e-17], step=0.3, max_iter=3, on_failure="return")
    np.testing.assert_allclose(r.state, ref.state, rtol=1e-15, atol=0)


@given(disconnected_graphs(weighted=True), st.floats(0.1, 0.9), st.data())
def test_disconnected_graphs_converge_to_component_averages(G, t, data):
    x0 = data.draw(states(G.number_of_nodes(), bound=10.0))
    b = stability_bound(G, weight="weight")
    assert not b.connected and b.mu_2 == 0.0 and b.optimal_step is None and b.convergence_factor == 1.0
    alpha, k = t * b.critical_step, 3000
    r = consensus_iterate(laplacian_matrix(G, weight="weight"), x0, step=alpha, max_iter=k, on_failure="return")
    means = [x0[[list(G).index(v) for v in c]].mean() for c in nx.connected_components(G)]
    if max(means) - min(means) > 1e-6:  # different component averages: never consensus
        assert not r.converged
    nodes = list(G)
    for comp in nx.connected_components(G):
        idx = [nodes.index(v) for v in comp]
        rho = iegn.convergence_factor(G.subgraph(comp), step=alpha, weight="weight") if len(comp) > 1 else 0.0
        if rho**k <= 1e-10:  # this component has provably settled within k steps
            # oracle: the component's plain average (networkx components + numpy mean)
            assert np.max(np.abs(r.state[idx] - x0[idx].mean())) <= 1e-9 * (1 + np.max(np.abs(x0)))


def test_closed_form_convergence_on_complete_graphs():
    # K_n at alpha* = 1/n: W = J/n, consensus in exactly one step (Xiao & Boyd 2004)
    for n in (2, 5, 9):
        r = iegn.consensus(nx.complete_graph(n), np.arange(float(n)))
        assert r.n_iter == 1
        assert_close(r.state, np.full(n, (n - 1) / 2), rtol=1e-14, why="one product with J/n: rounding only")


def test_failure_raises_with_the_partial_result():
    L = laplacian_matrix(nx.path_graph(3))
    with pytest.raises(NotConvergedError, match="step=1.0 diverged") as info:
        consensus_iterate(L, [1.0, 0.0, 0.0], step=1.0)
    partial = info.value.result
    assert not partial.converged and partial.disagreement[-1] > partial.disagreement[0]
    assert np.all(np.isfinite(partial.state))  # stopped long before overflow
    with pytest.raises(NotConvergedError, match="did not reach tol"):
        consensus_iterate(L, [1.0, 0.0, 0.0], step=0.01, max_iter=3)


def test_consensus_matrix_is_doubly_stochastic_below_half_the_bound():
    W = consensus_matrix(laplacian_matrix(nx.petersen_graph()), 0.2)
    assert sps.issparse(W)
    dense = W.toarray()
    np.testing.assert_allclose(dense.sum(axis=0), 1.0, rtol=0, atol=1e-15)  # 1 - 0.2*3 + 3*0.2, exact-ish
    assert np.all(dense >= 0)


@given(connected_graphs(3, 40))
def test_eigen_solvers_agree(G):
    L = laplacian_matrix(G)
    dense = laplacian_extreme_eigenvalues(L, method="dense")
    sparse = laplacian_extreme_eigenvalues(L, method="sparse")
    # ARPACK to machine precision on well separated extremes; mu_2 can be small: absolute 1e-9
    assert sparse[1] == pytest.approx(dense[1], rel=1e-9)
    assert sparse[0] == pytest.approx(dense[0], rel=1e-7, abs=1e-9)


def test_sparse_solver_on_a_large_cycle_matches_the_closed_form():
    n = 2000
    mu2, mumax = laplacian_extreme_eigenvalues(laplacian_matrix(nx.cycle_graph(n)), method="sparse")
    # Brouwer & Haemers 2012, §1.4.3: C_n has eigenvalues 2 - 2cos(2 pi k/n)
    assert mu2 == pytest.approx(2 - 2 * math.cos(2 * math.pi / n), rel=1e-6)  # shift-invert Lanczos, tol 0
    assert mumax == pytest.approx(4.0, rel=1e-12)


@pytest.mark.parametrize(
    ("laplacian", "message"),
    [
        (np.ones((2, 3)), "square"),
        (np.array([[1.0, -1.0], [-2.0, 2.0]]), "not symmetric"),
        (np.array([[1.0, 1.0], [1.0, 1.0]]), "positive off-diagonal"),
        (np.array([[2.0, -1.0], [-1.0, 1.0]]), "row 0 sums"),
        (np.array([[np.nan, 0.0], [0.0, 0.0]]), "non-finite"),
        ([["a", "b"], ["c", "d"]], "real matrix"),
        (np.zeros((1, 1)), "at least 2 nodes"),
    ],
)
def test_bad_laplacians_are_rejected(laplacian, message):
    with pytest.raises(InvalidArgumentError, match=message):
        laplacian_extreme_eigenvalues(laplacian)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"step": float("nan")}, "step=nan must be finite"),
        ({"step": "big"}, "step='big' must be a real number"),
        ({"step": 0.1, "tol": 0.0}, "tol=0.0 must be >"),
        ({"step": 0.1, "tol": 1.5}, "tol=1.5 must be <"),
        ({"step": 0.1, "max_iter": -1}, "max_iter=-1 must be >= 0"),
        ({"step": 0.1, "max_iter": 2.5}, "max_iter=2.5 must be an integer"),
        ({"step": 0.1, "backend": "torch"}, "backend='torch'"),
        ({"step": 0.1, "on_failure": "warn"}, "on_failure='warn'"),
    ],
)
def test_bad_parameters_name_the_value(kwargs, message):
    with pytest.raises(InvalidArgumentError, match=message):
        consensus_iterate(np.array([[1.0, -1.0], [-1.0, 1.0]]), [0.0, 1.0], **kwargs)


@pytest.mark.parametrize(
    ("x0", "message"), [([0.0], "has 1 entries, expected 2"), ([0.0, np.inf], r"x0\[1\]=inf"),
                        ([[0.0, 1.0]], "one-dimensional"), (["a", "b"], "array of real numbers")],
)
def test_bad_states_are_rejected(x0, message):
    with pytest.raises(InvalidArgumentError, match=message):
        consensus_iterate(np.array([[1.0, -1.0], [-1.0, 1.0]]), x0, step=0.1)
