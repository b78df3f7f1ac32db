"""Value and law tests for the public names no other test exercised (see test_public_api_coverage.py).

Every oracle is independent of the code under test: a hand derivation, a closed form, or a peer
library (NetworkX's modularity, POT's exact transport, SciPy's softmax).
"""

from __future__ import annotations

import dataclasses
import math
import os
import subprocess
import sys

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sps
import sympy
from scipy.special import softmax

import iegn
from iegn import IegnError, InvalidArgumentError, InvalidGraphError
from iegn.blueprint import (CorrectedFlowResult, GDTORun, SideBySide, corrected_flow, run_as_specified,
                            side_by_side)
from iegn.claims import ClaimResult, EvidenceResult, LedgerResult, verify
from iegn.graph import (CommunityResult, RicciFlowResult, TransportSolution, check_graph, edge_transport_batch,
                        ricci_communities, ricci_flow, sinkhorn_transport)
from iegn.kernels import BackendUnavailableError, KernelSpec, module_source
from iegn.numeric import (ConsensusResult, SimplexDescentResult, StabilityConstants, as_laplacian,
                          consensus_iterate, minimize_free_energy, stability_constants)
from iegn.symbolic import (Certificate, Equilibrium, EulerLagrangeDerivation, GibbsDerivation,
                           StabilityDerivation, coordinate_symbols, derive_euler_lagrange, derive_gibbs,
                           derive_stability, parse_potential, prove)

from ._helpers import assert_close


def _assert_frozen(obj, field: str) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(obj, field, None)


# --------------------------------------------------------------------------- errors

def test_every_library_error_is_an_iegn_error():
    for cls in (InvalidArgumentError, InvalidGraphError, iegn.DisconnectedGraphError, iegn.NotConvergedError,
                BackendUnavailableError):
        assert issubclass(cls, IegnError)
    assert issubclass(InvalidArgumentError, ValueError) and issubclass(BackendUnavailableError, ImportError)
    with pytest.raises(IegnError, match="temperature"):  # one except clause catches any bad call
        iegn.boltzmann([0.0, 1.0], -1.0)


def test_a_missing_jax_raises_backend_unavailable():
    code = ("import sys; sys.modules['jax'] = None\n"
            "import networkx as nx, iegn\n"
            "from iegn.kernels import BackendUnavailableError\n"
            "try:\n"
            "    iegn.consensus(nx.path_graph(3), [1.0, 0.0, 0.0], backend='jax')\n"
            "except BackendUnavailableError as e:\n"
            "    print('raised', isinstance(e, ImportError), str(e))\n")
    env = {k: v for k, v in os.environ.items() if k != "JAX_ENABLE_X64"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("raised True") and "iegn[jax]" in out.stdout


# --------------------------------------------------------------------------- graph validation and Laplacians

def _weighted(w):
    G = nx.path_graph(3)
    G[0][1]["weight"] = w
    G[1][2]["weight"] = 1.0
    return G


@pytest.mark.parametrize(("G", "kwargs", "match"), [
    (nx.DiGraph([(0, 1)]), {}, "directed"),
    (nx.MultiGraph([(0, 1), (0, 1)]), {}, "multigraph"),
    (nx.Graph(), {}, "no nodes"),
    (nx.Graph([(0, 0), (0, 1)]), {}, "loop"),
    (nx.empty_graph(3), {}, "no edges"),
    (_weighted(-1.0), {"weight": "weight"}, "weight"),
    (_weighted(0.0), {"weight": "weight"}, "weight"),
    (_weighted(float("nan")), {"weight": "weight"}, "weight"),
    (_weighted("heavy"), {"weight": "weight"}, "weight"),
    ([(0, 1)], {}, "networkx.Graph"),
])
def test_check_graph_rejects_what_it_documents(G, kwargs, match):
    with pytest.raises(InvalidGraphError, match=match):
        check_graph(G, **kwargs)


def test_check_graph_accepts_valid_graphs_and_edgeless_ones_on_request():
    assert check_graph(nx.petersen_graph()) is None
    assert check_graph(_weighted(2.5), weight="weight") is None
    assert check_graph(nx.empty_graph(3), require_edges=False) is None


def test_as_laplacian_returns_float64_equal_to_the_input():
    G = nx.petersen_graph()
    L_int = nx.laplacian_matrix(G).toarray()  # integer D - A from NetworkX (the peer oracle)
    dense = as_laplacian(L_int)
    assert isinstance(dense, np.ndarray) and dense.dtype == np.float64
    assert np.array_equal(dense, L_int)  # small integers: exact in float64
    sparse = as_laplacian(sps.csr_array(L_int))
    assert sps.issparse(sparse) and sparse.dtype == np.float64
    assert np.array_equal(sparse.toarray(), L_int)


@pytest.mark.parametrize(("L", "match"), [
    ([[1.0, -1.0, 0.0]], "square"),
    ([[1.0, -1.0], [-0.5, 0.5]], "symmetric"),
    ([[-1.0, 1.0], [1.0, -1.0]], "off-diagonal|positive"),
    ([[2.0, -1.0], [-1.0, 1.0]], "row sum|sum"),
    ([[np.nan, 0.0], [0.0, 0.0]], "finite"),
])
def test_as_laplacian_rejects_non_laplacians(L, match):
    with pytest.raises(InvalidArgumentError, match=match):
        as_laplacian(L)


@pytest.mark.parametrize("n", [2, 3, 6])
def test_stability_constants_of_complete_graphs(n):
    # K_n: Laplacian spectrum {0, n^(n-1)} (Brouwer & Haemers §1.4.3): mu_2 = mu_max = n
    c = stability_constants(nx.laplacian_matrix(nx.complete_graph(n)).toarray())
    assert isinstance(c, StabilityConstants)
    assert_close([c.mu_2, c.mu_max], [n, n], rtol=1e-14, why="dense symmetric eigensolver: a few ulps of n")
    assert_close([c.critical_step, c.optimal_step], [2 / n, 1 / n], rtol=1e-14, why="as above, one division")
    assert abs(c.convergence_factor) < 1e-14  # (mu_max - mu_2)/(mu_max + mu_2) = 0: eigenvalue ulps
    assert c.connected
    _assert_frozen(c, "mu_2")


def test_stability_constants_of_a_path_and_a_disconnected_graph():
    # P3: spectrum {0, 1, 3}: critical 2/3, optimal 2/4, factor (3 - 1)/(3 + 1)
    c = stability_constants([[1.0, -1.0, 0.0], [-1.0, 2.0, -1.0], [0.0, -1.0, 1.0]])
    assert_close([c.mu_2, c.mu_max, c.critical_step, c.optimal_step, c.convergence_factor],
                 [1.0, 3.0, 2 / 3, 0.5, 0.5], rtol=1e-14, why="3x3 symmetric eigenproblem: a few ulps")
    d = stability_constants(nx.laplacian_matrix(nx.disjoint_union(nx.path_graph(2), nx.path_graph(2))).toarray())
    assert not d.connected and d.optimal_step is None and d.convergence_factor == 1.0


# --------------------------------------------------------------------------- result types

def test_consensus_result_preserves_the_average():
    x0 = np.array([4.0, -1.0, 2.5, 0.5])
    r = consensus_iterate(nx.laplacian_matrix(nx.cycle_graph(4)).astype(float), x0, step=0.25)
    assert isinstance(r, ConsensusResult) and r.converged
    assert r.average == x0.mean()  # the mean of x0, computed once (1.5 exactly)
    assert_close(r.state, np.full(4, 1.5), rtol=0, atol=1e-9,
                 why="stopped at ||x - mean|| <= 1e-10 ||x0 - mean|| (tol), ||x0 - mean|| ~ 4")
    _assert_frozen(r, "state")


def test_simplex_descent_result_is_the_softmax():
    E = np.array([0.0, 1.0, 3.0])
    r = minimize_free_energy(E, 0.5)
    assert isinstance(r, SimplexDescentResult) and r.converged
    assert_close(r.p, softmax(-E / 0.5), rtol=1e-9, why="descent stopped at a stationarity gap <= 1e-9 (tol)")
    _assert_frozen(r, "p")


def test_ricci_flow_result_stretches_the_bridge_of_a_barbell():
    G = nx.barbell_graph(5, 0)  # two K5 joined by the edge (4, 5)
    before = nx.to_dict_of_dicts(G)
    r = ricci_flow(G, iterations=10)
    assert isinstance(r, RicciFlowResult)
    assert nx.to_dict_of_dicts(G) == before  # the input is not mutated
    # the bridge has negative Ollivier-Ricci curvature, the clique edges positive (Ni et al. 2019):
    # the flow lengthens the bridge relative to every clique edge
    bridge = r.weights[(4, 5)]
    assert all(bridge > w for e, w in r.weights.items() if e != (4, 5))
    _assert_frozen(r, "weights")


def test_community_result_matches_networkx_modularity():
    G = nx.barbell_graph(5, 0)
    r = ricci_communities(G)
    assert isinstance(r, CommunityResult)
    blocks = {}
    for v, c in r.communities.items():
        blocks.setdefault(c, set()).add(v)
    assert sorted(map(sorted, blocks.values())) == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]  # the two cliques
    assert_close(r.modularity, nx.community.modularity(G, list(blocks.values())), rtol=1e-14,
                 why="modularity summed in two orders: a few ulps")
    _assert_frozen(r, "communities")


def test_transport_solution_encloses_the_exact_optimum():
    ot = pytest.importorskip("ot")
    batch = edge_transport_batch(nx.petersen_graph())
    sol = sinkhorn_transport(batch, epsilon=0.01)
    assert isinstance(sol, TransportSolution) and bool(sol.converged.all())
    exact = np.array([ot.emd2(batch.mass_x[e], batch.mass_y[e], batch.cost[e]) for e in range(len(batch.edges))])
    slack = 1e-12  # the bounds carry their own float64 allowance; 1e-12 covers POT's own rounding
    assert np.all(sol.lower <= exact + slack) and np.all(exact <= sol.upper + slack)
    assert np.all(np.abs(sol.cost - exact) <= sol.error_bound + slack)
    _assert_frozen(sol, "cost")


def test_gdto_run_keeps_the_adjacency_at_zero():
    r = run_as_specified([0.0, 1.0, 3.0], iterations=20, seed=0)
    assert isinstance(r, GDTORun) and r.seed == 0
    # blueprint §3.2 as written starts from a zero adjacency and never changes it
    assert not np.any(r.adjacency)
    _assert_frozen(r, "adjacency")


def test_corrected_flow_result_on_an_edge_transitive_graph():
    C = nx.cycle_graph(6)
    r = corrected_flow(C, iterations=5)
    assert isinstance(r, CorrectedFlowResult)
    # every edge of C6 is equivalent under an automorphism, so every weight moves alike
    w = np.array([r.weights[e] for e in r.edges])
    assert np.all(w > 0)
    assert_close(w, np.full_like(w, w[0]), rtol=1e-13, why="equal curvatures computed per edge: a few ulps")
    assert set(r.edges) == set(C.edges)
    _assert_frozen(r, "weights")


def test_side_by_side_compares_on_the_graph_edges():
    C = nx.cycle_graph(4)
    r = side_by_side(C, [1.0, 2.0, 3.0, 4.0], iterations=5)
    assert isinstance(r, SideBySide)
    assert set(r.edges) == set(C.edges)
    assert r.as_specified.shape == r.corrected.shape == (6, 4)  # iterations + 1 rows, one column per edge
    assert not np.any(r.as_specified)  # the blueprint's adjacency stays 0 (see GDTORun)
    assert np.all(r.corrected > 0)  # the corrected weights stay positive
    _assert_frozen(r, "edges")


def test_ledger_results_aggregate_their_evidence():
    ledger = verify(["B18"], examples=5)
    assert isinstance(ledger, LedgerResult)
    assert all(isinstance(c, ClaimResult) for c in ledger.claims)
    assert all(isinstance(e, EvidenceResult) for c in ledger.claims for e in c.evidence)
    # a claim passes iff all its evidence does; the ledger iff every claim does
    for c in ledger.claims:
        assert c.passed == all(e.passed for e in c.evidence)
    assert ledger.passed == all(c.passed for c in ledger.claims)
    assert [c.claim.id for c in ledger.claims] == ["B18"]


# --------------------------------------------------------------------------- symbolic

def test_coordinate_symbols_are_named_by_index():
    s = coordinate_symbols(3)
    assert {k: [str(x) for x in v] for k, v in s.items()} == {
        "q": ["q0", "q1", "q2"], "v": ["v0", "v1", "v2"], "m": ["m0", "m1", "m2"],
        "gamma": ["gamma0", "gamma1", "gamma2"]}


def test_parse_potential_matches_by_name_and_names_strangers():
    q0 = coordinate_symbols(1)["q"][0]
    assert parse_potential("q0**2/2", {"q0": q0}) - q0**2 / 2 == 0
    assert parse_potential(sympy.Symbol("q0") ** 3, {"q0": q0}) - q0**3 == 0  # matched by name
    with pytest.raises(InvalidArgumentError, match="z"):
        parse_potential("q0 + z", {"q0": q0})
    with pytest.raises(InvalidArgumentError):
        parse_potential("q0 +* (", {"q0": q0})


def test_euler_lagrange_derivation_of_the_harmonic_oscillator():
    d = derive_euler_lagrange(1, site_potential="k*q**2/2", parameters=["k"], entropy="none")
    assert isinstance(d, EulerLagrangeDerivation)
    q, m = coordinate_symbols(1)["q"][0], coordinate_symbols(1)["m"][0]
    k = sympy.Symbol("k")
    # m q'' = -k q by hand; compared by name so that assumptions on the symbols do not matter
    names = {str(s): s for s in d.acceleration(0).free_symbols}
    assert sympy.simplify(d.acceleration(0) - (-names["k"] * names["q0"] / names["m0"])) == 0
    assert {str(s) for s in d.acceleration(0).free_symbols} == {str(k), str(q), str(m)}


def test_equilibria_of_the_double_well():
    # V = (q^2 - 1)^2: V' = 4q(q^2 - 1) vanishes at -1, 0, 1; V'' = 12q^2 - 4 is 8, -4, 8
    eqs = derive_euler_lagrange(1, site_potential="(q**2 - 1)**2", entropy="none").site_equilibria()
    assert all(isinstance(e, Equilibrium) for e in eqs)
    got = sorted((float(e.point["q"]), float(e.hessian[0, 0]), e.kind) for e in eqs)
    assert got == [(-1.0, 8.0, "minimum"), (0.0, -4.0, "maximum"), (1.0, 8.0, "minimum")]


def test_gibbs_derivation_by_hand():
    g = derive_gibbs(3)
    assert isinstance(g, GibbsDerivation)
    p, E, lam = g.symbols["p"], g.symbols["E"], g.symbols["lam"]
    F = sum(Ei * pi for Ei, pi in zip(E, p)) + lam * sum(pi * sympy.log(pi) for pi in p)
    assert sympy.expand(g.results["free_energy"] - F) == 0
    Z = sum(sympy.exp(-Ei / lam) for Ei in E)
    for pi_star, Ei in zip(g.results["minimiser"], E):
        assert sympy.simplify(pi_star - sympy.exp(-Ei / lam) / Z) == 0
    # at E = (0, 1, 3), lam = 1/2: F(p*) = -lam log Z, and dF/dp_i = E_i + lam(log p_i + 1) is the same for all i
    vals = {E[0]: 0, E[1]: 1, E[2]: 3, lam: sympy.Rational(1, 2)}
    pstar = [float(x.subs(vals)) for x in g.results["minimiser"]]
    grads = [float(Ei.subs(vals)) + 0.5 * (math.log(pi) + 1) for Ei, pi in zip(E, pstar)]
    assert_close(grads, [grads[0]] * 3, rtol=0, atol=1e-14, why="float64 logs of O(1) values: a few ulps")
    assert_close(float(g.results["minimum"].subs(vals)), -0.5 * math.log(1 + math.exp(-2) + math.exp(-6)),
                 rtol=1e-14, why="closed form -lam log Z in float64: a few ulps")


def test_stability_derivation_by_hand():
    s = derive_stability()
    assert isinstance(s, StabilityDerivation)
    mu2, mumax = s.symbols["mu_2"], s.symbols["mu_max"]
    assert sympy.simplify(s.results["critical_step"] - 2 / mumax) == 0
    assert sympy.simplify(s.results["optimal_step"] - 2 / (mu2 + mumax)) == 0
    assert sympy.simplify(s.results["optimal_factor"] - (mumax - mu2) / (mumax + mu2)) == 0


def test_prove_returns_certificates_for_true_and_false_statements():
    x = sympy.Symbol("x", real=True)
    ok = prove("square", "x > 0 implies x^2 > 0", [x > 0], x**2 > 0)
    assert isinstance(ok, Certificate) and ok.verdict == "proved" and ok.counterexample is None
    bad = prove("too strong", "x > 0 implies x > 1", [x > 0], x > 1, expected="refuted")
    assert bad.verdict == "refuted"
    witness = sympy.Rational(bad.counterexample["x"])
    assert witness > 0 and not witness > 1  # the counterexample really violates the conclusion
    _assert_frozen(ok, "verdict")


# --------------------------------------------------------------------------- kernels

def test_module_source_renders_a_working_module():
    x, y = sympy.symbols("x y")
    specs = [KernelSpec("hyp", (x, y), (sympy.sqrt(x**2 + y**2),)), KernelSpec("both", (x,), (x + 1, x * 2))]
    src = module_source(specs)
    namespace: dict = {}
    exec(compile(src, "<module_source>", "exec"), namespace)  # noqa: S102 - our own printer output
    assert namespace["__all__"] == ["hyp", "both"]
    assert namespace["hyp"](3.0, 4.0) == 5.0  # 3-4-5: exact in float64
    assert tuple(namespace["both"](2.0)) == (3.0, 4.0)
    assert "import_jax" in module_source(specs, "jax")  # the JAX module switches x64 on first
    with pytest.raises(InvalidArgumentError, match="duplicate"):
        module_source([specs[0], specs[0]])
