"""Finite inputs near float64's limits: exact scaling laws where the mathematics allows them,
specific errors where the answer itself cannot be a float64.

Consensus, Ollivier–Ricci curvature and the normalised Ricci flow commute with scaling by a
power of two (exactly in binary floating point, barring over- and underflow), so the library
computes them on scaled data; the oracle is the same computation on unscaled data, which these
laws say must agree bit for bit (or, where the transport solver's certificate tolerance enters,
to the stated rounding).
"""

from __future__ import annotations

import math
import re

import networkx as nx
import numpy as np
import pytest

from iegn import InvalidArgumentError, InvalidGraphError
from iegn.graph import laplacian_matrix, ollivier_ricci, ricci_flow, stability_bound
from iegn.numeric import consensus_iterate

from ._helpers import assert_close

L_PATH = laplacian_matrix(nx.path_graph(4), format="dense")
X0 = np.array([3.0, -1.0, 0.5, 2.25])


@pytest.mark.parametrize("backend", ["numpy", "jax"])
@pytest.mark.parametrize("k", [1000, 700, 300, -900, -1040])
def test_consensus_commutes_with_scaling_by_a_power_of_two(backend, k):
    """x0 * 2^k for k up to 1000 (max entry 3 * 2^1000 = 3.2e301) and down to -1040 (subnormal-
    adjacent): the state and the history are those of x0, times 2^k, bit for bit."""
    base = consensus_iterate(L_PATH, X0, step=0.4, backend=backend)
    scaled = consensus_iterate(L_PATH, np.ldexp(X0, k), step=0.4, backend=backend)
    assert scaled.converged and scaled.n_iter == base.n_iter
    if k > -1000:  # 2^-1040 * entries of ~1 are normal floats: exact
        assert scaled.state.tolist() == np.ldexp(base.state, k).tolist()
        assert scaled.disagreement.tolist() == np.ldexp(base.disagreement, k).tolist()
        assert scaled.average == math.ldexp(base.average, k)
    else:  # subnormal results keep fewer bits: equal to that many bits
        assert_close(np.ldexp(scaled.state, -k), base.state, rtol=2.0**-30, why="2^-1040 * 3 is a subnormal "
                     "with 1074 - 1040 + 1 = 35 significant bits")


def test_consensus_refuses_a_start_whose_disagreement_cannot_be_a_float64():
    with pytest.raises(InvalidArgumentError, match=r"^x0 has entries up to 1\.7e\+308: its disagreement .* within a "
                       r"factor 64 of float64's limit; rescale x0"):
        consensus_iterate(L_PATH, [1.7e308, -1.7e308, 0.0, 0.0], step=0.4)
    # the same magnitudes in agreement are fine: nothing to do
    agreed = consensus_iterate(L_PATH, [1.7e308] * 4, step=0.4)
    assert agreed.converged and agreed.state.tolist() == [1.7e308] * 4


@pytest.mark.parametrize("step", [1e160, -1e300, 1e308])
def test_consensus_refuses_a_step_that_overflows_in_one_product(step):
    with pytest.raises(InvalidArgumentError, match="^" + re.escape(f"step={step!r} is far outside any useful range")):
        consensus_iterate(L_PATH, X0, step=step, on_failure="return")


def test_a_diverging_consensus_stops_finite():
    """step 10 on P4 (mu_max = 2 + sqrt 2): the run diverges; every recorded value stays finite."""
    r = consensus_iterate(L_PATH, np.ldexp(X0, 900), step=10.0, on_failure="return")
    assert not r.converged and r.disagreement[-1] > r.disagreement[0]
    assert np.all(np.isfinite(r.state)) and np.all(np.isfinite(r.disagreement))


def test_a_weighted_degree_beyond_float64_is_refused_by_node():
    G = nx.path_graph(3)
    nx.set_edge_attributes(G, 1.0e308, "w")  # node 0: degree 1e308, but mu_max <= 2e308 = inf
    with pytest.raises(InvalidGraphError, match=r"^node 0 has weighted degree 1e\+308"):
        laplacian_matrix(G, weight="w")
    nx.set_edge_attributes(G, 1.7e308, "w")  # every degree finite, but mu_max <= 2 * 1.7e308 is not
    with pytest.raises(InvalidGraphError, match=r"^node 0 has weighted degree 1\.7e\+308"):
        stability_bound(G, weight="w")
    nx.set_edge_attributes(G, 2.0**1000, "w")  # the spectrum scales with the weights: exact
    assert stability_bound(G, weight="w").mu_max == 3 * 2.0**1000  # P3: mu = 0, 1, 3


def _cycle_with_a_chord(scale: float) -> nx.Graph:
    G = nx.cycle_graph(6)
    G.add_edge(0, 3)
    for i, (u, v) in enumerate(G.edges):
        G[u][v]["w"] = (1.0 + 0.25 * i) * scale
    return G


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "scipy-pot"])
@pytest.mark.parametrize("k", [1020, 1000, -1000])
def test_curvature_is_invariant_under_scaling_lengths_by_a_power_of_two(monkeypatch, k, compiled):
    """kappa(2^k w) = kappa(w) for the inverse-length and uniform walks, from lengths of 1e-301
    (where solver tolerances are absolute: they gave wrong values before the library scaled the
    costs) to 1.4e308 (where sums of lengths overflow), on the compiled and the fallback paths."""
    if not compiled:
        from iegn.graph import _engine

        monkeypatch.setattr(_engine, "_compiled", lambda name: None)
    for measure in ("inverse-length", "uniform"):
        base = ollivier_ricci(_cycle_with_a_chord(1.0), weight="w", measure=measure).as_array()
        got = ollivier_ricci(_cycle_with_a_chord(2.0**k), weight="w", measure=measure).as_array()
        assert_close(got, base, rtol=0, atol=1e-12, why="exact transport on costs scaled by a power of two: "
                     "the same float operations up to rounding of the final division")


def test_grc_walk_at_huge_lengths_is_the_uniform_walk():
    """e^{-w^2} underflows (w^2 may overflow) for every neighbour: GraphRicciCurvature's rule
    then walks uniformly, so the curvature is the uniform-walk curvature."""
    G = _cycle_with_a_chord(2.0**1020)
    grc = ollivier_ricci(G, weight="w", measure="grc").as_array()
    uniform = ollivier_ricci(G, weight="w", measure="uniform").as_array()
    assert grc.tolist() == uniform.tolist()


def test_flow_from_huge_lengths_equals_the_flow_from_scaled_lengths():
    """The flow normalises the total length after every step, so its weights do not depend on
    a power-of-two scale of the start (inverse-length walk: scale invariant)."""
    base = ricci_flow(_cycle_with_a_chord(1.0), weight="w", measure="inverse-length", iterations=4)
    huge = ricci_flow(_cycle_with_a_chord(2.0**1020), weight="w", measure="inverse-length", iterations=4)
    keys = list(base.weights)
    assert_close([huge.weights[e] for e in keys], [base.weights[e] for e in keys], rtol=1e-12,
                 why="the same steps on lengths scaled by 2^1020, then normalised: rounding of the "
                     "normalising sum, grown over 4 steps")
