"""Consensus laws the mutation run found untested: the default stopping level, the failure
messages, the JAX loop's history, the sparse spectrum by default, and the constants' record.

Each test states a value or a law derived by hand; none compares the code with itself.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest

from iegn import InvalidArgumentError, NotConvergedError
from iegn.graph import laplacian_matrix
from iegn.numeric import consensus_iterate, stability_constants
from iegn.numeric._consensus import ROUNDING_FLOOR, StabilityConstants

EPS = float(np.finfo(np.float64).eps)


def test_rounding_floor_is_64_eps():
    assert ROUNDING_FLOOR == 64 * EPS


@pytest.mark.parametrize("factor, agreed", [(0.5, True), (2.0, False)])
def test_default_atol_is_64_eps_sqrt_n_max_abs(factor, agreed):
    """A start whose spread is below 64 eps sqrt(n) max|x0| counts as agreed at step 0;
    one twice above it does not (and max_iter=0 then leaves it unconverged)."""
    n = 16
    scale = 4.0  # max|x0| = 4 (+ a spread far below it), so the floor is 64 eps * 4 * 4
    floor = 64 * EPS * math.sqrt(n) * scale
    v = np.zeros(n)
    v[0], v[1] = 1.0, -1.0  # zero mean, ||v|| = sqrt 2
    x0 = scale + factor * floor * v / math.sqrt(2)
    L = laplacian_matrix(nx.complete_graph(n))
    r = consensus_iterate(L, x0, step=0.01, max_iter=0, on_failure="return")
    # the measured spread differs from factor * floor only by the rounding of x0 near 4 (one
    # ulp = 8.9e-16 per entry against a floor of 9.1e-13): the side of the floor is certain
    assert r.disagreement[0] == pytest.approx(factor * floor, rel=0.01)
    assert r.converged is agreed and r.n_iter == 0


def test_explicit_atol_replaces_the_default():
    x0 = np.array([1.0, 1.0 + 1e-6, 1.0 - 1e-6])
    L = laplacian_matrix(nx.path_graph(3))
    r = consensus_iterate(L, x0, step=0.3, atol=1e-5)  # spread sqrt(2) 1e-6 < 1e-5: done at once
    assert r.converged and r.n_iter == 0
    r = consensus_iterate(L, x0, step=0.3, atol=0.0, tol=1e-3)
    assert r.converged and r.n_iter > 0 and r.disagreement[-1] <= 1e-3 * r.disagreement[0]


@pytest.mark.parametrize("atol", [-1e-9, -1.0, float("nan")])
def test_negative_atol_is_refused_by_name(atol):
    with pytest.raises(InvalidArgumentError, match="atol"):
        consensus_iterate(laplacian_matrix(nx.path_graph(3)), [0.0, 1.0, 2.0], step=0.3, atol=atol)


def test_not_converged_message_gives_the_ratio_reached():
    # path P3, step 0.01: W = I - 0.01 L has eigenvalues 1, 0.99, 0.97 on the zero-mean space;
    # x0 = (1, 0, -1) is the eigenvector of mu = 1 (L x0 = x0), so after 3 steps the ratio is
    # exactly 0.99^3 = 0.970299 -> "0.97" at three significant digits
    L = laplacian_matrix(nx.path_graph(3))
    with pytest.raises(NotConvergedError) as info:
        consensus_iterate(L, [1.0, 0.0, -1.0], step=0.01, max_iter=3)
    msg = str(info.value)
    assert "step=0.01 did not reach tol=1e-10 in max_iter=3 steps" in msg
    assert "(relative disagreement 0.97)" in msg
    assert info.value.result.disagreement[-1] / info.value.result.disagreement[0] == pytest.approx(0.99**3, rel=1e-12)


def test_diverged_message_gives_the_growth():
    # x0 = (1, 0, -1) again: W = I - 1.5 L scales it by 1 - 1.5 = -0.5 per step (|.| < 1), but
    # the other eigenvector (1, -2, 1), mu = 3, by 1 - 4.5 = -3.5: start on that one
    L = laplacian_matrix(nx.path_graph(3))
    with pytest.raises(NotConvergedError) as info:
        consensus_iterate(L, [1.0, -2.0, 1.0], step=1.5, max_iter=1)
    msg = str(info.value)
    assert "step=1.5 diverged" in msg and "(relative disagreement 3.5)" in msg


def test_jax_history_has_the_numpy_length_and_values():
    pytest.importorskip("jax")
    G = nx.cycle_graph(12)
    L = laplacian_matrix(G)
    x0 = np.arange(12.0)
    a = consensus_iterate(L, x0, step=0.3, tol=1e-8)
    b = consensus_iterate(L, x0, step=0.3, tol=1e-8, backend="jax")
    assert a.n_iter == b.n_iter == a.disagreement.size - 1 == b.disagreement.size - 1
    # same float64 recurrence; XLA may fuse the mat-vec differently: rounding only
    np.testing.assert_allclose(b.disagreement, a.disagreement, rtol=1e-12, atol=1e-13)


def test_default_spectrum_method_on_a_long_path_matches_the_closed_form():
    # P_n: Laplacian eigenvalues 2 - 2 cos(pi k / n), k = 0..n-1 (Brouwer & Haemers 2012, 1.4.4);
    # n = 3000 > DENSE_LIMIT, so "auto" takes the sparse solver
    n = 3000
    c = stability_constants(laplacian_matrix(nx.path_graph(n)))
    mu2 = 2 - 2 * math.cos(math.pi / n)
    mumax = 2 - 2 * math.cos(math.pi * (n - 1) / n)
    assert c.mu_2 == pytest.approx(mu2, rel=1e-6)  # iterative eigensolver, tolerance ~1e-8 relative
    assert c.mu_max == pytest.approx(mumax, rel=1e-9)
    assert c.critical_step == pytest.approx(2 / mumax, rel=1e-9)
    assert c.optimal_step == pytest.approx(2 / (mu2 + mumax), rel=1e-9)
    assert c.convergence_factor == pytest.approx((mumax - mu2) / (mumax + mu2), rel=1e-9)
    assert c.connected


def test_constants_record_round_trips():
    c = stability_constants(laplacian_matrix(nx.star_graph(4)))  # K_{1,4}: mu = 0, 1, 1, 1, 5
    d = c.as_dict()
    assert list(d) == ["mu_2", "mu_max", "critical_step", "optimal_step", "convergence_factor", "connected"]
    assert StabilityConstants(**d) == c
    assert d["mu_2"] == pytest.approx(1.0, abs=1e-12) and d["mu_max"] == pytest.approx(5.0, abs=1e-12)
    assert d["optimal_step"] == pytest.approx(1 / 3, abs=1e-12) and d["convergence_factor"] == pytest.approx(2 / 3, abs=1e-12)
    assert d["connected"] is True
    disc = stability_constants(laplacian_matrix(nx.disjoint_union(nx.path_graph(2), nx.path_graph(2)))).as_dict()
    assert disc["optimal_step"] is None and disc["convergence_factor"] == 1.0 and disc["connected"] is False


def test_the_jax_backend_runs_the_jax_loop(monkeypatch):
    """backend="jax" never falls back to the NumPy loop: with that loop removed it still gives
    the closed-form answer on an eigenvector of P3."""
    from iegn.numeric import _consensus

    def removed(*args, **kwargs):
        raise AssertionError("the NumPy loop ran for backend='jax'")

    monkeypatch.setattr(_consensus, "_iterate_numpy", removed)
    L = laplacian_matrix(nx.path_graph(3), format="dense")  # spectrum 0, 1, 3
    r = consensus_iterate(L, [1.0, 0.0, -1.0], step=0.5, max_iter=3, backend="jax", on_failure="return")
    # x0 = (1, 0, -1) is the mu = 1 eigenvector: factor 1 - 0.5 = 1/2 per step, exactly
    assert r.disagreement.tolist() == [math.sqrt(2) * 0.5**k for k in range(4)]


def test_a_start_in_agreement_takes_no_step():
    L = laplacian_matrix(nx.cycle_graph(5), format="dense")
    for atol in (0.0, None):
        r = consensus_iterate(L, [2.5] * 5, step=0.3, atol=atol)
        assert r.converged and r.n_iter == 0 and r.disagreement.tolist() == [0.0]


def test_tol_must_lie_strictly_inside_zero_one():
    L = laplacian_matrix(nx.path_graph(3), format="dense")
    for tol in (0.0, 1.0):
        with pytest.raises(InvalidArgumentError, match=rf"^tol={tol!r} must be"):
            consensus_iterate(L, [1.0, 0.0, 0.0], step=0.5, tol=tol)


def test_an_edgeless_laplacian_is_refused_by_name():
    with pytest.raises(InvalidArgumentError, match=r"^the Laplacian is zero \(no edges\): mu_max = 0"):
        stability_constants(np.zeros((3, 3)))


@pytest.mark.parametrize("n", [2, 3])
def test_complete_graphs_have_a_positive_zero_factor(n):
    """K_2 and K_3: mu_2 = mu_max = n (exactly, in the dense solver), so the factor
    (mu_max - mu_2)/(mu_max + mu_2) is exactly +0.0, never -0.0."""
    c = stability_constants(laplacian_matrix(nx.complete_graph(n), format="dense"))
    assert c.mu_2 == c.mu_max == n
    assert c.convergence_factor == 0.0 and math.copysign(1.0, c.convergence_factor) == 1.0
