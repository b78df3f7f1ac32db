"""Invalid input at the door, across the whole public surface, and iterative methods that never end silently.

Three tables:

* ``API_ROWS``: a call into the Python API, the specific exception class of
  :mod:`iegn._errors` it must raise, and a part of the message that names the bad value.
  Graph defects (not a graph, directed, multigraph, empty, single node, self-loop, bad or
  missing weights) are crossed with every graph-taking function not already tabled in its own
  test module (``test_curvature``, ``test_graph``, ``test_sinkhorn``, ``test_flow`` and
  ``test_blueprint`` table the curvatures, ``stability_bound`` and their own parameters); the
  remaining rows are parameters, arrays, symbolic input and files, including one row per bug
  this table found and the library now rejects (marked ``regression``).
* ``CONVENTION_ROWS``: inputs where a documented convention, not an error, is the right answer
  (curvature of a disconnected graph is per component; a step outside ``(0, 2/mu_max)`` is
  accepted because showing divergence is the point). Each asserts the convention and that no
  number in the output is NaN.
* ``ITERATIVE``: every iterative method, stopped early: ``on_failure="raise"`` raises
  :class:`~iegn.NotConvergedError` carrying the partial result, ``on_failure="return"``
  returns it with ``converged=False``.

The command line gets its own table (``CLI_ROWS``), run as a user runs it (a subprocess of the
``iegn`` console script): exit status non-zero, exactly one line on stderr naming the bad value,
no traceback, and no NaN in the output.
"""

from __future__ import annotations

import math
import re
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import hypothesis
import networkx as nx
import numpy as np
import pytest
import sympy

from iegn import DisconnectedGraphError, IegnError, InvalidArgumentError, InvalidGraphError, NotConvergedError
from iegn import blueprint as bp
from iegn import claims as cl
from iegn import graph as g
from iegn import kernels as kr
from iegn import numeric as nm
from iegn import symbolic as sy
from iegn import testing as ts

NAN, INF = math.nan, math.inf
X = sympy.Symbol("x")


# ---------------------------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------------------------


def _weighted(value) -> nx.Graph:
    """P_4 with attribute ``w``: 1 on every edge but (2, 3), which gets ``value``."""
    G = nx.path_graph(4)
    for u, v in G.edges:
        G[u][v]["w"] = 1.0
    G[2][3]["w"] = value
    return G


def _missing_weight() -> nx.Graph:
    G = _weighted(1.0)
    del G[2][3]["w"]
    return G


# (graph, weight attribute, message fragment, needs edges): the fragment names the defect or
# the bad value, so a message that only says "invalid graph" fails the row.
BAD_GRAPHS = {
    "not-a-graph": ([(0, 1)], None, "expected a networkx.Graph, got list", False),
    "directed": (nx.DiGraph([(0, 1), (1, 2)]), None, "G is directed", False),
    "multigraph": (nx.MultiGraph([(0, 1), (0, 1)]), None, "G is a multigraph", False),
    "no-nodes": (nx.Graph(), None, "G has no nodes", False),
    "self-loop": (nx.Graph([(0, 1), (1, 1)]), None, "self-loop at node 1", False),
    "single-node": (nx.empty_graph(1), None, "G has 1 node(s) and no edges", True),
    "isolated-nodes-only": (nx.empty_graph(3), None, "G has 3 node(s) and no edges", True),
    "weight-negative": (_weighted(-1.0), "w", "edge (2, 3) has w=-1.0: weights must be finite and > 0", False),
    "weight-zero": (_weighted(0.0), "w", "edge (2, 3) has w=0.0", False),
    "weight-nan": (_weighted(NAN), "w", "edge (2, 3) has w=nan", False),
    "weight-inf": (_weighted(INF), "w", "edge (2, 3) has w=inf", False),
    "weight-text": (_weighted("heavy"), "w", "edge (2, 3) has non-numeric w='heavy'", False),
    "weight-none": (_weighted(None), "w", "non-numeric w=None", False),
    "weight-complex": (_weighted(1j), "w", "non-numeric w=1j", False),
    "weight-bool": (_weighted(True), "w", "non-numeric w=True", False),
    "weight-missing": (_missing_weight(), "w", "edge (2, 3) has no 'w' attribute", False),
}


def _n(G) -> int:
    return len(G) if isinstance(G, nx.Graph) else 2


# Graph-taking functions whose graph checks are not tabled in their own module.
GRAPH_FUNCTIONS = {
    "laplacian_matrix": (lambda G, w: g.laplacian_matrix(G, weight=w), False),
    "algebraic_connectivity": (lambda G, w: g.algebraic_connectivity(G, weight=w), True),
    "laplacian_spectral_radius": (lambda G, w: g.laplacian_spectral_radius(G, weight=w), True),
    "critical_step": (lambda G, w: g.critical_step(G, weight=w), True),
    "optimal_step": (lambda G, w: g.optimal_step(G, weight=w), True),
    "convergence_factor": (lambda G, w: g.convergence_factor(G, step=0.1, weight=w), True),
    "consensus": (lambda G, w: g.consensus(G, [0.0] * _n(G), step=0.1, weight=w), True),
    "edge_transport_batch": (lambda G, w: g.edge_transport_batch(G, weight=w), True),
    "ricci_communities": (lambda G, w: g.ricci_communities(G, iterations=2, weight=w), True),
    "corrected_flow": (lambda G, w: bp.corrected_flow(G, iterations=2, weight=w), True),
    "side_by_side": (lambda G, w: bp.side_by_side(G, [1.0] * _n(G), iterations=2, weight=w), True),
    "check_graph": (lambda G, w: g.check_graph(G, weight=w), True),
}

GRAPH_ROWS = [
    pytest.param(lambda fn=fn, G=G, w=w: fn(G, w), InvalidGraphError, msg,
                 id=f"{fname}-{case}")
    for fname, (fn, needs_edges) in GRAPH_FUNCTIONS.items()
    for case, (G, w, msg, only_with_edges) in BAD_GRAPHS.items()
    if needs_edges or not only_with_edges
]

L3 = g.laplacian_matrix(nx.path_graph(3), format="dense")
HALF = [[0.5, 0.5], [0.5, 0.5]]
COORD = nm.coordination_game()
LOG1 = sy.derive_euler_lagrange(1)
SCHEDULE = nm.annealing_schedule("logarithmic", c=1.0)
ENERGIES, NEIGHBOURS = [0.0, 1.0, 2.0], [[1], [0, 2], [1]]


def _draw(strategy):
    """Draw one example; composite strategies validate their arguments at the first draw."""
    return hypothesis.find(strategy, lambda _: True, settings=hypothesis.settings(database=None, max_examples=1))


def _p(call, error, message, id):  # noqa: A002 - pytest's name
    return pytest.param(call, error, message, id=id)


IA, IG, DG = InvalidArgumentError, InvalidGraphError, DisconnectedGraphError

API_ROWS = [
    *GRAPH_ROWS,
    # ---- graph: disconnected where it matters
    _p(lambda: g.optimal_step(nx.Graph([(0, 1), (2, 3)])), DG, "G has 2 connected components", "optimal_step-disconnected"),
    _p(lambda: g.consensus(nx.Graph([(0, 1), (2, 3)]), [0.0, 1.0, 2.0, 3.0]), DG, "2 connected components",
       "consensus-default-step-disconnected"),
    _p(lambda: g.consensus(nx.Graph([(0, 1), (1, 2), (9, 9)]), [0.0] * 4), IG, "self-loop at node 9",
       "consensus-isolated-self-loop"),
    # ---- graph: parameters
    _p(lambda: g.laplacian_matrix(nx.path_graph(3), format="coo"), IA, "format='coo' is not one of", "laplacian-format"),
    _p(lambda: g.algebraic_connectivity(nx.path_graph(3), method="qr"), IA, "method='qr' is not one of",
       "algebraic_connectivity-method"),
    _p(lambda: g.convergence_factor(nx.path_graph(3), step=NAN), IA, "step=nan must be finite", "convergence_factor-step-nan"),
    _p(lambda: g.convergence_factor(nx.path_graph(3), step="big"), IA, "step='big' must be a real number",
       "convergence_factor-step-text"),
    _p(lambda: g.consensus(nx.path_graph(3), [0.0, 1.0]), IA, "x0 has 2 entries, expected 3", "consensus-x0-short"),
    _p(lambda: g.consensus(nx.path_graph(3), [0.0, NAN, 1.0]), IA, "x0[1]=nan must be finite", "consensus-x0-nan"),
    _p(lambda: g.consensus(nx.path_graph(3), {0: 1.0, 1: INF, 2: 0.0}), IA, "x0[1]=inf must be finite",
       "consensus-x0-mapping-inf"),
    _p(lambda: g.consensus(nx.path_graph(3), [[0.0, 1.0, 2.0]]), IA, "x0 must be one-dimensional, got shape (1, 3)",
       "consensus-x0-2d"),
    _p(lambda: g.consensus(nx.path_graph(3), ["a", "b", "c"]), IA, "x0 must be an array of real numbers",
       "consensus-x0-text"),
    _p(lambda: g.consensus(nx.path_graph(3), {0: 1.0, 1: 2.0, 2: 3.0, 7: 4.0}), IA,
       "x0 has a value for node 7, which is not in G", "regression-consensus-x0-mapping-extra-node"),
    _p(lambda: g.consensus(nx.path_graph(3), [0, 1, 2.0], step=0.1, tol=0.0), IA, "tol=0.0 must be > 0",
       "consensus-tol-0"),
    _p(lambda: g.consensus(nx.path_graph(3), [0, 1, 2.0], step=0.1, max_iter=-1), IA, "max_iter=-1 must be >= 0",
       "consensus-max_iter"),
    _p(lambda: g.consensus(nx.path_graph(3), [0, 1, 2.0], backend="torch"), IA, "backend='torch' is not one of",
       "consensus-backend"),
    _p(lambda: g.edge_transport_batch(nx.path_graph(3), idleness=NAN), IA, "idleness=nan must be finite",
       "edge_transport_batch-idleness-nan"),
    _p(lambda: g.edge_transport_batch(nx.path_graph(3), idleness=1.0), IA, "idleness=1.0 must be < 1",
       "edge_transport_batch-idleness-1"),
    _p(lambda: g.edge_transport_batch(nx.path_graph(3), measure="cosine"), IA, "measure='cosine' is not one of",
       "edge_transport_batch-measure"),
    _p(lambda: g.sinkhorn_transport(g.edge_transport_batch(nx.path_graph(3)), epsilon=INF), IA,
       "epsilon=inf must be finite", "sinkhorn_transport-epsilon-inf"),
    _p(lambda: g.sinkhorn_transport(g.edge_transport_batch(nx.path_graph(3)), max_iter=0), IA,
       "max_iter=0 must be >= 1", "sinkhorn_transport-max_iter-0"),
    _p(lambda: g.ricci_flow(nx.path_graph(4), iterations=2.5), IA, "iterations=2.5 must be an integer",
       "ricci_flow-iterations-float"),
    _p(lambda: g.ricci_flow(nx.path_graph(4), step=-1.0), IA, "step=-1.0 must be > 0", "ricci_flow-step-negative"),
    _p(lambda: g.ricci_flow(nx.path_graph(4), step=INF), IA, "step=inf must be finite", "ricci_flow-step-inf"),
    _p(lambda: g.ricci_flow(nx.path_graph(4), on_failure="warn"), IA, "on_failure='warn' is not one of",
       "ricci_flow-on_failure"),
    _p(lambda: g.ricci_communities(nx.path_graph(4), workers=0), IA, "workers=0 must be >= 1", "communities-workers"),
    _p(lambda: g.ricci_communities(nx.Graph([(0, 1), (1, 2), (3, 4)]), iterations=2), IA,
       "step=1.0 is too large: edge (3, 4) has curvature 1", "communities-isolated-edge-step"),
    _p(lambda: g.ollivier_ricci(nx.path_graph(3), exact="yes"), IA, "exact='yes' must be True or False",
       "regression-ollivier-exact-flag"),
    _p(lambda: g.lin_lu_yau(nx.path_graph(3), exact=1), IA, "exact=1 must be True or False",
       "regression-lin_lu_yau-exact-flag"),
    _p(lambda: g.forman_ricci(nx.path_graph(3), augmented="yes"), IA, "augmented='yes' must be True or False",
       "regression-forman-augmented-flag"),
    _p(lambda: g.set_edge_curvature(nx.path_graph(3), {(0, 1): 1.0}), IA, "result={(0, 1): 1.0} must be a CurvatureResult",
       "regression-set_edge_curvature-result"),
    _p(lambda: g.set_edge_curvature([(0, 1)], g.forman_ricci(nx.path_graph(3))), IG, "expected a networkx.Graph",
       "regression-set_edge_curvature-graph"),
    _p(lambda: g.set_edge_curvature(nx.path_graph(3), g.forman_ricci(nx.path_graph(3)), name=3), IA,
       "name=3 must be a non-empty string", "regression-set_edge_curvature-name"),
    _p(lambda: g.adjusted_rand_index({0: 0, 1: 1}, {0: 0, 2: 1}), IA, "cover different nodes", "ari-different-nodes"),
    _p(lambda: g.adjusted_rand_index({0: 0}, {0: 0}), IA, "needs at least 2 nodes, got 1", "ari-one-node"),
    _p(lambda: g.adjusted_rand_index([0, 1], [0, 1]), IA, "expects two {node: label} mappings", "ari-not-mappings"),
    _p(lambda: g.read_graph(3), IA, "path=3 must be a str or os.PathLike", "regression-read_graph-path-int"),
    _p(lambda: g.read_graph(None), IA, "path=None must be a str or os.PathLike", "regression-read_graph-path-none"),
    # ---- numeric: Laplacians and consensus
    _p(lambda: nm.as_laplacian([[1, -1, 0], [0, 1, -1], [0, -1, 1]]), IA, "laplacian is not symmetric",
       "as_laplacian-asymmetric"),
    _p(lambda: nm.as_laplacian([[1.0, 0.0], [0.0, 1.0]]), IA, "laplacian row 0 sums to 1.0, not 0",
       "regression-as_laplacian-row-sum-message"),
    _p(lambda: nm.as_laplacian([[-1.0, 1.0], [1.0, -1.0]]), IA, "positive off-diagonal entry 1.0",
       "as_laplacian-positive-off-diagonal"),
    _p(lambda: nm.as_laplacian([[NAN, 0.0], [0.0, 0.0]]), IA, "laplacian has a non-finite entry", "as_laplacian-nan"),
    _p(lambda: nm.as_laplacian([[1, -1, 0], [-1, 1, 0]]), IA, "non-empty square matrix, got shape (2, 3)",
       "as_laplacian-not-square"),
    _p(lambda: nm.as_laplacian(np.zeros((0, 0))), IA, "got shape (0, 0)", "as_laplacian-empty"),
    _p(lambda: nm.as_laplacian([["a"]]), IA, "laplacian must be a real matrix", "as_laplacian-text"),
    _p(lambda: nm.stability_constants(L3, method="qr"), IA, "method='qr' is not one of", "stability_constants-method"),
    _p(lambda: nm.consensus_matrix(L3, NAN), IA, "step=nan must be finite", "consensus_matrix-step-nan"),
    _p(lambda: nm.consensus_iterate(L3, [0.0, 1j, 0.0], step=0.1), IA, "x0 must be an array of real numbers",
       "consensus_iterate-x0-complex"),
    _p(lambda: nm.consensus_iterate(L3, [0.0, 1.0, 2.0], step=0.1, atol=-1.0), IA, "atol=-1.0 must be >= 0",
       "consensus_iterate-atol"),
    _p(lambda: nm.metropolis_hastings_laplacian([[1.0, -1.0], [0.0, 0.0]]), IA, "not symmetric",
       "metropolis_hastings-asymmetric"),
    _p(lambda: nm.stubborn_consensus(L3, [0, 1, 2.0], step=0.5, stubborn="0"), IA,
       "stubborn='0' must be a sequence of node indices", "stubborn-text"),
    _p(lambda: nm.stubborn_consensus(L3, [0, 1, 2.0], step=0.5, stubborn=[5]), IA, "stubborn node 5 is out of range",
       "stubborn-out-of-range"),
    _p(lambda: nm.stubborn_consensus(L3, [0, NAN, 2.0], step=0.5, stubborn=[0]), IA, "x0[1]=nan must be finite",
       "stubborn-x0-nan"),
    # ---- numeric: simplex, thermodynamics
    _p(lambda: nm.check_simplex([0.5, NAN]), IA, "p[1]=nan must be finite", "regression-check_simplex-nan"),
    _p(lambda: nm.check_simplex([INF, 0.0]), IA, "p[0]=inf must be finite", "regression-check_simplex-inf"),
    _p(lambda: nm.check_simplex(None), IA, "p must have at least one state", "regression-check_simplex-none"),
    _p(lambda: nm.check_simplex([]), IA, "p must have at least one state", "regression-check_simplex-empty"),
    _p(lambda: nm.check_simplex(["a", "b"]), IA, "p=['a', 'b'] must be an array of real numbers",
       "regression-check_simplex-text"),
    _p(lambda: nm.check_simplex([0.5, 0.5], atol=NAN), IA, "atol=nan must be finite", "regression-check_simplex-atol-nan"),
    _p(lambda: nm.check_simplex([0.5, 0.5], atol=-1.0), IA, "atol=-1.0 must be >= 0",
       "regression-check_simplex-atol-negative"),
    _p(lambda: nm.stationarity_gap([0.5, 0.5], [0.0, 1.0], NAN), IA, "temperature=nan must be finite",
       "regression-stationarity_gap-temperature-nan"),
    _p(lambda: nm.stationarity_gap([0.5, 0.5], [0.0, 1.0], 0.0), IA, "temperature=0.0 must be > 0",
       "regression-stationarity_gap-temperature-0"),
    _p(lambda: nm.stationarity_gap([0.5, NAN], [0.0, 1.0], 1.0), IA, "p[1]=nan must be finite",
       "regression-stationarity_gap-p-nan"),
    _p(lambda: nm.stationarity_gap([0.2, 0.2], [0.0, 1.0], 1.0), IA, "p does not sum to 1",
       "regression-stationarity_gap-off-simplex"),
    _p(lambda: nm.stationarity_gap([0.5, 0.5], [0.0, 1.0, 2.0], 1.0), IA, "energies has 3 entries, expected 2",
       "regression-stationarity_gap-shapes"),
    _p(lambda: nm.stationarity_gap([0.5, 0.5], ["a", "b"], 1.0), IA, "energies must be an array of real numbers",
       "regression-stationarity_gap-energies-text"),
    _p(lambda: nm.project_simplex(["a", "b"]), IA, "v=['a', 'b'] must be an array of real numbers",
       "regression-project_simplex-text"),
    _p(lambda: nm.minimize_free_energy(["a", "b"], 1.0), IA, "energies=['a', 'b'] must be an array of real numbers",
       "regression-minimize-energies-text"),
    _p(lambda: nm.minimize_free_energy([0.0, 1.0], 1.0, p0=["a", "b"]), IA, "p0=['a', 'b'] must be an array",
       "regression-minimize-p0-text"),
    _p(lambda: nm.minimize_free_energy([0.0, 1.0], INF), IA, "temperature=inf must be finite", "minimize-temperature-inf"),
    _p(lambda: nm.minimize_free_energy([0.0, 1.0], 1.0, max_iter="9"), IA, "max_iter='9' must be an integer",
       "minimize-max_iter-text"),
    _p(lambda: nm.boltzmann([1j, 0.0], 1.0), IA, "must be an array of real numbers", "boltzmann-complex"),
    _p(lambda: nm.log_partition([0.0, 1.0], None), IA, "temperature=None must be a real number",
       "log_partition-temperature-none"),
    _p(lambda: nm.kl_divergence([0.5, 0.5], [INF, 0.0]), IA, "q[0]=inf must be finite", "kl-q-inf"),
    # ---- numeric: Metropolis and annealing
    _p(lambda: nm.metropolis_matrix(ENERGIES, [[1], [2], [1]], 1.0), IG, "neighbours is not symmetric",
       "metropolis-asymmetric-neighbours"),
    _p(lambda: nm.metropolis_matrix(ENERGIES, [[0], [0, 2], [1]], 1.0), IG, "a state is not its own neighbour",
       "metropolis-self-loop"),
    _p(lambda: nm.metropolis_matrix(ENERGIES, [[], [], []], 1.0), DG, "neighbours has 3 connected components",
       "metropolis-disconnected"),
    _p(lambda: nm.metropolis_matrix(ENERGIES, NEIGHBOURS, -1.0), IA, "temperature=-1.0 must be > 0",
       "metropolis-temperature-negative"),
    _p(lambda: nm.critical_depth([0.0, NAN, 1.0], NEIGHBOURS), IA, "energies[1]=nan must be finite", "critical_depth-nan"),
    _p(lambda: nm.annealing_schedule("cubic"), IA, "kind='cubic' is not one of", "annealing_schedule-kind"),
    _p(lambda: nm.annealing_schedule("geometric", t0=1.0, alpha=1.0), IA, "alpha=1.0 must be < 1",
       "annealing_schedule-alpha-1"),
    _p(lambda: nm.simulated_annealing(ENERGIES, NEIGHBOURS, schedule="log", n_steps=5, x0=0), IA,
       "schedule='log' must be an AnnealingSchedule", "annealing-schedule-text"),
    _p(lambda: nm.simulated_annealing(ENERGIES, NEIGHBOURS, schedule=SCHEDULE, n_steps=0, x0=0), IA,
       "n_steps=0 must be >= 1", "annealing-n_steps-0"),
    _p(lambda: nm.simulated_annealing(ENERGIES, NEIGHBOURS, schedule=SCHEDULE, n_steps=5, x0=7), IA,
       "x0=7 is not a state", "annealing-x0-out-of-range"),
    _p(lambda: nm.simulated_annealing(ENERGIES, NEIGHBOURS, schedule=SCHEDULE, n_steps=5, x0=0, seed=-1), IA,
       "seed=-1 must be >= 0", "annealing-seed"),
    # ---- numeric: games and mechanics
    _p(lambda: nm.NormalFormGame(None), IA, "payoffs=None must be a sequence of arrays", "game-none"),
    _p(lambda: nm.quantal_response_equilibrium(np.eye(2), 1.0), IA, "must be a NormalFormGame", "qre-not-a-game"),
    _p(lambda: nm.quantal_response_equilibrium(COORD, 1.0, tol=NAN), IA, "tol=nan must be finite", "qre-tol-nan"),
    # the default step 1/(1 + rho^2) rounds to 0: the temperature is named, not a step=0.0 never passed
    _p(lambda: nm.quantal_response_equilibrium(COORD, 1e-300), IA, "temperature=1e-300 is too small for the default step",
       "qre-temperature-too-small-for-the-default-step"),
    _p(lambda: nm.quantal_response_equilibrium(COORD, 5e-324), IA, "temperature=5e-324 is too small for the default step",
       "qre-subnormal-temperature"),
    _p(lambda: nm.logit_dynamics(COORD, [[0.2, 0.2], [0.5, 0.5]], temperature=1.0), IA, "x0[0] sums to 0.4",
       "logit-x0-off-simplex"),
    _p(lambda: nm.nash_gap(COORD, None), IA, "strategies=None must be a sequence", "nash_gap-none"),
    _p(lambda: nm.lagrangian_kernels("x"), IA, "derivation='x' must be an EulerLagrangeDerivation",
       "regression-lagrangian_kernels-not-a-derivation"),
    _p(lambda: nm.simulate(None, [1.0], [0.0], step=0.1, n_steps=2), IA, "derivation=None must be an EulerLagrangeDerivation",
       "regression-simulate-not-a-system"),
    _p(lambda: nm.simulate(LOG1, [1.0], [0.0], step=0.1, n_steps=2, constraint="box"), IA,
       "constraint='box' is not one of", "simulate-constraint"),
    _p(lambda: nm.simulate(LOG1, [1.0], [0.0], step=0.1, n_steps=2, temperature=INF), IA,
       "temperature=inf must be finite", "simulate-temperature-inf"),
    _p(lambda: nm.simulate(sy.derive_euler_lagrange(1, entropy="none"), [1.0], [1e308], step=1.0, n_steps=5), IA,
       "the energy H(q0, v0) is inf", "simulate-energy-overflow"),
    # ---- symbolic
    _p(lambda: sy.derive_euler_lagrange(0), IA, "coordinates=0 must be >= 1", "derive-N-0"),
    _p(lambda: sy.derive_euler_lagrange(2.0), IA, "coordinates=2.0 must be an integer", "derive-N-float"),
    _p(lambda: sy.derive_euler_lagrange(2, "q0 + ("), IA, "potential='q0 + (' does not parse", "derive-unparseable"),
    _p(lambda: sy.derive_euler_lagrange(2, "y"), IA, "potential='y' uses symbol 'y'", "regression-derive-bare-unknown-symbol"),
    _p(lambda: sy.derive_euler_lagrange(2, "lambda: 1"), IA, "potential='lambda: 1' is not a scalar expression",
       "regression-derive-lambda"),
    _p(lambda: sy.derive_euler_lagrange(2, "zoo"), IA, "is not a finite real expression", "derive-zoo"),
    _p(lambda: sy.derive_euler_lagrange(2, NAN), IA, "potential=nan is not a finite real expression", "derive-float-nan"),
    _p(lambda: sy.derive_euler_lagrange(2, ""), IA, "potential='' is empty", "derive-empty"),
    _p(lambda: sy.derive_euler_lagrange(1, site_potential="q*zz"), IA, "uses symbol 'zz'", "derive-site-unknown"),
    _p(lambda: sy.derive_euler_lagrange(1, entropy="gibbs"), IA, "entropy='gibbs' is not one of", "derive-entropy"),
    _p(lambda: sy.coordinate_symbols(-1), IA, "coordinates=-1 must be >= 1", "coordinate_symbols-negative"),
    _p(lambda: sy.derive_gibbs(1), IA, "n=1 must be >= 2", "derive_gibbs-1"),
    _p(lambda: sy.parse_potential("q0 +", {"q0": sympy.Symbol("q0")}), IA, "does not parse", "parse_potential-unparseable"),
    _p(lambda: sy.exact_simplify("x+"), IA, "expr='x+' must be a SymPy expression", "regression-exact_simplify-text"),
    _p(lambda: sy.exact_simplify(None), IA, "expr=None must be a SymPy expression", "regression-exact_simplify-none"),
    _p(lambda: sy.exact_stability_constants(None), IA, "eigenvalues=None must be a sequence",
       "regression-exact_stability_constants-none"),
    _p(lambda: sy.exact_stability_constants([0, -1, 2]), IA, "eigenvalues[1]=-1 must be real and >= 0",
       "regression-exact_stability_constants-negative"),
    _p(lambda: sy.exact_stability_constants([0, sympy.nan]), IA, "eigenvalues[1]=nan is not a finite number",
       "regression-exact_stability_constants-nan"),
    _p(lambda: sy.exact_stability_constants([0, sympy.I]), IA, "eigenvalues[1]=I must be real",
       "regression-exact_stability_constants-complex"),
    _p(lambda: sy.exact_stability_constants([1, 2]), IA, "eigenvalues[0]=1 must be 0",
       "regression-exact_stability_constants-no-zero"),
    _p(lambda: sy.exact_stability_constants([0, 3, 2]), IA, "must be in ascending order",
       "regression-exact_stability_constants-unsorted"),
    _p(lambda: sy.exact_stability_constants([0, X]), IA, "eigenvalues[1]=x is not a finite number",
       "regression-exact_stability_constants-symbol"),
    _p(lambda: sy.laplacian_eigenvalues_exact([[1, -1]]), IA, "matrix shape (1, 2) must be square",
       "laplacian_eigenvalues_exact-shape"),
    _p(lambda: sy.laplacian_eigenvalues_exact([[NAN, 0], [0, 0]]), IA, "matrix entry nan must be a finite real number",
       "laplacian_eigenvalues_exact-nan"),
    _p(lambda: sy.prove("n", "s", [], X**2 >= 0, expected="maybe"), IA, "expected='maybe' is not one of",
       "regression-prove-expected"),
    _p(lambda: sy.prove("n", "s", [], X**2 >= 0, timeout_ms=0), IA, "timeout_ms=0 must be >= 1",
       "regression-prove-timeout"),
    _p(lambda: sy.prove("n", "s", "x > 0", X > 0), IA, "hypotheses='x > 0' must be a sequence",
       "regression-prove-hypotheses-text"),
    _p(lambda: sy.to_z3(X + 1, {}), IA, "symbol x has no z3 variable", "to_z3-unknown-symbol"),
    # ---- kernels
    _p(lambda: kr.compile_kernel(None, [X]), IA, "exprs=None must be SymPy expression(s)", "regression-compile-exprs-none"),
    _p(lambda: kr.compile_kernel(X + 1, None), IA, "args=None must be a sequence of SymPy symbols",
       "regression-compile-args-none"),
    _p(lambda: kr.compile_kernel(X + 1, [X, X]), IA, "args [x, x] repeat a symbol", "regression-compile-duplicate-args"),
    _p(lambda: kr.compile_kernel(X + 1, [X], name=3), IA, "kernel name=3 must be a string", "regression-compile-name-int"),
    _p(lambda: kr.kernel_source("critical_step"), IA, "spec='critical_step' must be a KernelSpec",
       "regression-kernel_source-spec"),
    _p(lambda: kr.module_source(["a"]), IA, "must be a sequence of KernelSpec", "regression-module_source-specs"),
    _p(lambda: kr.kernel("nope"), IA, "kernel name='nope' is not one of", "kernel-unknown"),
    _p(lambda: kr.KernelSpec("k", (X,), ("x",)), IA, "'x' is not a SymPy expression", "regression-KernelSpec-text-expr"),
    # ---- blueprint
    _p(lambda: bp.run_as_specified([], iterations=2), IA, "loads is empty", "regression-run_as_specified-empty"),
    _p(lambda: bp.run_as_specified([1.0, NAN]), IA, "loads[1]=nan must be finite", "run_as_specified-nan"),
    _p(lambda: bp.run_as_specified([1.0, 2.0], iterations=2, initial="x"), IA, "initial='x' must be a real (2, 2) matrix",
       "regression-run_as_specified-initial-text"),
    _p(lambda: bp.make_nodes([NAN]), IA, "loads[0]=nan must be finite", "regression-make_nodes-nan"),
    _p(lambda: bp.make_nodes(["a"]), IA, "loads must be an array of real numbers", "regression-make_nodes-text"),
    _p(lambda: bp.make_nodes([1.0], seed=-1), IA, "seed=-1 must be >= 0", "regression-make_nodes-seed"),
    _p(lambda: bp.fraction_to_boundary([-1.0], [1.0], step=1.0), IA, "weights[0]=-1.0 must be > 0",
       "fraction_to_boundary-negative-weight"),
    _p(lambda: bp.side_by_side(nx.path_graph(3), {0: 1.0, 1: 1.0}), IA, "loads has no value for node 2",
       "side_by_side-loads-missing"),
    _p(lambda: bp.side_by_side(nx.path_graph(3), [1.0] * 3, start="random"), IA, "start='random' is not one of",
       "side_by_side-start"),
    # ---- testing strategies (validated at the first draw, as Hypothesis strategies are)
    _p(lambda: _draw(ts.connected_graphs(0)), IA, "min_nodes=0 must be >= 1", "connected_graphs-min-0"),
    _p(lambda: _draw(ts.connected_graphs(5, 3)), IA, "max_nodes=3 must be >= 5", "connected_graphs-min-max"),
    _p(lambda: _draw(ts.connected_graphs(weighted=True, min_weight=-1.0)), IA, "min_weight=-1.0 must be > 0",
       "connected_graphs-weight-negative"),
    _p(lambda: _draw(ts.connected_graphs(max_extra_edges=-1)), IA, "max_extra_edges=-1 must be >= 0",
       "regression-connected_graphs-extra-edges"),
    _p(lambda: _draw(ts.disconnected_graphs(2)), IA, "min_nodes=2 must be >= 3", "disconnected_graphs-min"),
    _p(lambda: _draw(ts.graphs_with_states(bound=NAN)), IA, "bound=nan must be finite", "graphs_with_states-bound"),
    _p(lambda: ts.states(0), IA, "n=0 must be >= 1", "states-n-0"),
    # ---- claims
    _p(lambda: cl.get_claim(12), IA, "claim id 12 is not one of", "get_claim-int"),
    _p(lambda: cl.verify("B12"), IA, "claim_ids='B12' must be a sequence of claim ids", "regression-verify-ids-text"),
    _p(lambda: cl.verify(["B13"], progress="x"), IA, "progress='x' must be callable", "regression-verify-progress"),
    _p(lambda: cl.verify(["B13"], examples=0), IA, "examples=0 must be >= 1", "verify-examples-0"),
    _p(lambda: cl.VerifyOptions(0), IA, "examples=0 must be >= 1", "regression-VerifyOptions-examples"),
    _p(lambda: cl.Evidence("smt-proof", "t", 3), IA, "evidence check=3 must be callable", "regression-Evidence-check"),
]


@pytest.mark.parametrize(("call", "error", "message"), API_ROWS)
def test_python_api_rejects_bad_input(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert message in str(info.value), str(info.value)
    assert isinstance(info.value, IegnError) and isinstance(info.value, (ValueError, RuntimeError))


# ---------------------------------------------------------------------------------------------
# Conventions: documented answers rather than errors (each one asserted, and NaN-free)
# ---------------------------------------------------------------------------------------------


def _numbers(obj):
    """Every float found in a result (dataclass fields, mappings, arrays, sequences)."""
    if isinstance(obj, (bool, int, Fraction, str)) or obj is None:
        return
    if isinstance(obj, float):
        yield obj
    elif isinstance(obj, np.ndarray):
        if obj.dtype.kind == "f":
            yield from obj.ravel().tolist()
    elif isinstance(obj, dict) or hasattr(obj, "items"):
        for v in obj.values() if hasattr(obj, "values") else ():
            yield from _numbers(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            yield from _numbers(v)
    elif hasattr(obj, "__dataclass_fields__"):
        for name in obj.__dataclass_fields__:
            yield from _numbers(getattr(obj, name))


TWO_PATHS = nx.disjoint_union(nx.path_graph(3), nx.path_graph(3))  # components {0,1,2}, {3,4,5}


def _per_component(fn, G):
    """The result on each component separately, merged: the documented disconnected convention."""
    out = {}
    for nodes in nx.connected_components(G):
        out.update(dict(fn(G.subgraph(nodes).copy()).items()))
    return out


CONVENTION_ROWS = [
    pytest.param(lambda: dict(g.ollivier_ricci(TWO_PATHS).items()),
                 lambda r: r == _per_component(g.ollivier_ricci, TWO_PATHS), id="ollivier-disconnected-per-component"),
    pytest.param(lambda: dict(g.lin_lu_yau(TWO_PATHS, exact=True).items()),
                 lambda r: r == _per_component(lambda H: g.lin_lu_yau(H, exact=True), TWO_PATHS),
                 id="lin_lu_yau-disconnected-per-component"),
    pytest.param(lambda: dict(g.forman_ricci(TWO_PATHS).items()),
                 lambda r: r == _per_component(g.forman_ricci, TWO_PATHS), id="forman-disconnected-per-component"),
    # isolated nodes carry no edge, so no curvature; the edges' values do not change
    pytest.param(lambda: dict(g.ollivier_ricci(nx.compose(nx.path_graph(3), nx.empty_graph(5))).items()),
                 lambda r: r == dict(g.ollivier_ricci(nx.path_graph(3)).items()), id="ollivier-isolated-nodes"),
    # disconnected: mu_2 = 0, no optimal step, worst-case factor 1 (the separating mode never decays)
    pytest.param(lambda: g.stability_bound(TWO_PATHS),
                 lambda b: (b.mu_2, b.optimal_step, b.convergence_factor, b.connected) == (0.0, None, 1.0, False),
                 id="stability_bound-disconnected"),
    pytest.param(lambda: g.stability_bound(nx.compose(nx.path_graph(3), nx.empty_graph(5))),
                 lambda b: b.connected is False and b.mu_max == pytest.approx(3.0), id="stability_bound-isolated-nodes"),
    # a Laplacian exists for an edgeless graph (the zero matrix); only the step bounds need mu_max > 0
    pytest.param(lambda: g.laplacian_matrix(nx.empty_graph(2), format="dense"),
                 lambda L: np.array_equal(L, np.zeros((2, 2))), id="laplacian-edgeless-is-zero"),
    # any real step is accepted: outside (0, 2/mu_max) the factor is >= 1 (divergence is shown, not hidden)
    pytest.param(lambda: g.convergence_factor(nx.path_graph(3), step=-1.0),
                 lambda f: f == pytest.approx(4.0), id="convergence_factor-negative-step"),
    pytest.param(lambda: g.convergence_factor(nx.path_graph(3), step=0.0),
                 lambda f: f == 1.0, id="convergence_factor-zero-step"),
    pytest.param(lambda: nm.consensus_matrix(L3, 0.0), lambda W: np.array_equal(W, np.eye(3)), id="consensus_matrix-zero-step"),
    # the stationarity gap is +inf off the interior (log p undefined), as documented
    pytest.param(lambda: nm.stationarity_gap([1.0, 0.0], [0.0, 1.0], 1.0), lambda r: r == INF,
                 id="stationarity_gap-boundary-is-inf"),
    # kl(p || q) = +inf when p is not absolutely continuous w.r.t. q
    pytest.param(lambda: nm.kl_divergence([0.5, 0.5], [1.0, 0.0]), lambda r: r == INF, id="kl-not-absolutely-continuous"),
    # weighted Forman on extreme weights: 2 - sum sqrt(w_e / w_f), no 1/sqrt(w_e w_f) underflow
    pytest.param(lambda: dict(g.forman_ricci(_weighted(1e-300), weight="w").items()),
                 lambda r: r[(2, 3)] == pytest.approx(2.0 - math.sqrt(1e-300)) and r[(1, 2)] == pytest.approx(-1e150),
                 id="regression-forman-tiny-weight"),
    # a bare coordinate is a scalar potential (V = q0: constant force -1)
    pytest.param(lambda: sy.derive_euler_lagrange(1, "q0", entropy="none").accelerations(),
                 lambda acc: str(acc["q0"]) == "-1/m0", id="regression-derive-bare-coordinate"),
    # an exact spectrum whose values overflow float64 is still valid input
    pytest.param(lambda: sy.exact_stability_constants([0, 10**400, 10**401]),
                 lambda c: c["critical_step"] == sympy.Rational(2, 10**401), id="exact_stability_constants-huge"),
    # the blueprint's own classes are kept line for line: no validation, as specified
    pytest.param(lambda: bp.ManifoldOptimizer(bp.make_nodes([1.0, 2.0]), learning_rate=-1.0).alpha,
                 lambda lr: lr == -1.0, id="blueprint-ManifoldOptimizer-unvalidated-as-specified"),
    # a schedule of positive temperatures only; the annealer runs exactly n_steps (no tolerance to miss)
    pytest.param(lambda: nm.simulated_annealing(ENERGIES, NEIGHBOURS, schedule=SCHEDULE, n_steps=5, x0=0),
                 lambda r: r.n_steps == 5 and r.temperatures.shape == (5,), id="annealing-fixed-length"),
]


@pytest.mark.parametrize(("call", "check"), CONVENTION_ROWS)
def test_documented_conventions_hold_without_nan(call, check):
    result = call()
    assert check(result), result
    assert not any(math.isnan(x) for x in _numbers(result)), result


def test_set_edge_curvature_writes_nothing_when_an_edge_is_missing():
    """Regression: a result for another graph used to be half-written before the error."""
    G = nx.path_graph(2)
    res = g.forman_ricci(nx.path_graph(3))
    with pytest.raises(InvalidGraphError, match=r"edge \(1, 2\) of the result is not in the graph"):
        g.set_edge_curvature(G, res)
    assert all("forman" not in d for _, _, d in G.edges(data=True))


# ---------------------------------------------------------------------------------------------
# Iterative methods never end silently
# ---------------------------------------------------------------------------------------------

KARATE = nx.karate_club_graph()

ITERATIVE = {
    "consensus_iterate": (lambda f: nm.consensus_iterate(L3, [0, 1, 2.0], step=0.01, max_iter=3, on_failure=f),
                          nm.ConsensusResult),
    "consensus": (lambda f: g.consensus(nx.path_graph(3), [0, 1, 2.0], max_iter=1, on_failure=f), nm.ConsensusResult),
    "consensus-disconnected-explicit-step": (
        lambda f: g.consensus(TWO_PATHS, [0, 1, 2, 3, 4, 5.0], step=0.5, max_iter=200, on_failure=f),
        nm.ConsensusResult),
    "stubborn_consensus": (lambda f: nm.stubborn_consensus(L3, [0, 1, 2.0], step=0.01, stubborn=[0], max_iter=3,
                                                           on_failure=f), nm.StubbornConsensusResult),
    "minimize_free_energy": (lambda f: nm.minimize_free_energy([0.0, 1.0], 1.0, step=0.01, max_iter=2, on_failure=f),
                             nm.SimplexDescentResult),
    "logit_dynamics": (lambda f: nm.logit_dynamics(nm.matching_pennies(), [[0.9, 0.1], [0.2, 0.8]], temperature=0.1,
                                                   max_iter=3, on_failure=f), nm.LogitDynamicsResult),
    "quantal_response_equilibrium": (lambda f: nm.quantal_response_equilibrium(COORD, 1.0, max_iter=1, on_failure=f),
                                     nm.LogitDynamicsResult),
    "ricci_flow": (lambda f: g.ricci_flow(KARATE, iterations=1, tol=1e-12, on_failure=f), g.RicciFlowResult),
    "sinkhorn_curvature": (lambda f: g.sinkhorn_curvature(nx.path_graph(4), max_iter=1, on_failure=f),
                           g.SinkhornCurvatureResult),
    "corrected_flow": (lambda f: bp.corrected_flow(KARATE, iterations=1, on_failure=f), bp.CorrectedFlowResult),
}


@pytest.mark.parametrize("name", list(ITERATIVE))
def test_iterative_methods_raise_with_the_partial_result_or_report_it(name):
    run, result_type = ITERATIVE[name]
    with pytest.raises(NotConvergedError) as info:
        run("raise")
    partial = info.value.result
    assert isinstance(partial, result_type) and partial.converged is False
    returned = run("return")
    assert isinstance(returned, result_type) and returned.converged is False
    assert not any(math.isnan(x) for x in _numbers(returned))


def test_simulate_leaving_the_domain_raises_with_the_trajectory():
    d = sy.derive_euler_lagrange(1)  # log q: the trajectory hits q <= 0
    with pytest.raises(nm.DomainExitError) as info:
        nm.simulate(d, [0.3], [0.0], step=0.01, n_steps=500)
    assert isinstance(info.value, NotConvergedError) and isinstance(info.value.result, nm.Trajectory)
    traj = nm.simulate(d, [0.3], [0.0], step=0.01, n_steps=500, on_failure="return")
    assert 0 < int(traj.exit_step) < 500  # the exit step is reported, not hidden


def test_sinkhorn_transport_reports_convergence_per_edge():
    sol = g.sinkhorn_transport(g.edge_transport_batch(nx.path_graph(4)), max_iter=1)
    assert sol.converged.dtype == bool and not sol.converged.all()
    assert np.all(np.isfinite(sol.lower)) and np.all(np.isfinite(sol.upper))


# ---------------------------------------------------------------------------------------------
# Command line (subprocess)
# ---------------------------------------------------------------------------------------------

FILES = {
    "empty.edgelist": b"",
    "comments.edgelist": b"# nothing but a comment\n",
    "garbage.edgelist": bytes(range(128, 256)),
    "garbage.graphml": b"\x89PNG\r\n\x1a\n" + bytes(range(256)),
    "graph.xyz": b"a b\n",
    "bad.graphml": b'<graphml><graph edgedefault="undirected"><node id="a"/><edge source="a" target="b"',
    "bad.json": b'{"nodes": [{"id": 1}], "links": [',
    "list.json": b"[1, 2]",
    "directed.json": b'{"directed": true, "multigraph": false, "graph": {}, "nodes": [{"id": 1}, {"id": 2}], '
                     b'"links": [{"source": 1, "target": 2}]}',
    "multi.json": b'{"directed": false, "multigraph": true, "graph": {}, "nodes": [{"id": 1}, {"id": 2}], '
                  b'"links": [{"source": 1, "target": 2, "key": 0}, {"source": 1, "target": 2, "key": 1}]}',
    "bad.gml": b"graph [ node [ id 0 ] edge [ source 0 target",
    "word.edgelist": b"a b heavy\nb c 1\n",
    "word.csv": b"a,b,x\n",
    "nan.edgelist": b"a b nan\nb c 1\n",
    "inf.edgelist": b"a b inf\nb c 1\n",
    "zero.edgelist": b"a b 0\nb c 1\n",
    "ok.edgelist": b"a b\nb c\nc d\n",
    "two.edgelist": b"a b\nb c\nd e\ne f\n",
}

CLI_ROWS = [
    # files
    (("bound", "missing.edgelist"), "missing.edgelist: no such file"),
    (("curvature", "empty.edgelist"), "empty.edgelist: the file is empty"),
    (("bound", "comments.edgelist"), "comments.edgelist: the file holds no nodes"),
    (("flow", "garbage.edgelist"), "garbage.edgelist: cannot read as edgelist"),
    (("bound", "garbage.graphml"), "garbage.graphml: cannot read as graphml"),
    (("curvature", "graph.xyz"), "unknown graph file extension '.xyz'"),
    (("bound", "bad.graphml"), "bad.graphml: cannot read as graphml"),
    (("curvature", "bad.json"), "bad.json: cannot read as node-link"),
    (("bound", "list.json"), "list.json: node-link JSON must be an object"),
    (("bound", "directed.json"), "directed.json: the file describes a directed graph"),
    (("curvature", "multi.json"), "multi.json: the file describes a multigraph"),
    (("bound", "bad.gml"), "bad.gml: cannot read as gml"),
    (("curvature", "word.edgelist"), "word.edgelist: line 1: weight 'heavy' is not a number"),
    (("bound", "word.csv"), "word.csv: line 1: weight 'x' is not a number"),
    # weights
    (("bound", "nan.edgelist", "--weight", "weight"), "edge ('a', 'b') has weight=nan"),
    (("curvature", "inf.edgelist", "--weight", "weight"), "edge ('a', 'b') has weight=inf"),
    (("flow", "zero.edgelist", "--weight", "weight"), "edge ('a', 'b') has weight=0.0"),
    (("curvature", "ok.edgelist", "--weight", "length"), "edge ('a', 'b') has no 'length' attribute"),
    # parameters
    (("curvature", "ok.edgelist", "--idleness", "1"), "idleness=1.0 must be < 1"),
    (("curvature", "ok.edgelist", "--idleness", "nan"), "idleness=nan must be finite"),
    (("curvature", "ok.edgelist", "--idleness", "-0.25"), "idleness=-0.25 must be >= 0"),
    (("curvature", "ok.edgelist", "--kind", "lin-lu-yau", "--weight", "weight"), "--kind lin-lu-yau is for unweighted"),
    (("curvature", "ok.edgelist", "--kind", "bogus"), "invalid choice: 'bogus'"),
    (("flow", "ok.edgelist", "--step", "0"), "step=0.0 must be > 0"),
    (("flow", "ok.edgelist", "--step", "inf"), "step=inf must be finite"),
    (("flow", "ok.edgelist", "--iterations", "0"), "iterations=0 must be >= 1"),
    (("flow", "ok.edgelist", "--iterations", "2.5"), "invalid int value: '2.5'"),
    (("flow", "two.edgelist", "--idleness", "1.5"), "idleness=1.5 must be < 1"),
    (("flow", "ok.edgelist", "--out", "no/such/dir/out.txt"), "No such file or directory: no/such/dir/out.txt"),
    (("bound", "ok.edgelist", "--bogus"), "unrecognized arguments: --bogus"),
    # symbolic input
    (("derive", "euler-lagrange", "--coordinates", "-2"), "coordinates=-2 must be >= 1"),
    (("derive", "euler-lagrange", "--coordinates", "2", "--potential", "y"), "potential='y' uses symbol 'y'"),
    (("derive", "euler-lagrange", "--coordinates", "2", "--potential", "lambda: 1"), "is not a scalar expression"),
    (("derive", "euler-lagrange", "--coordinates", "2", "--potential", "zoo"), "is not a finite real expression"),
    (("derive", "euler-lagrange", "--coordinates", "1", "--entropy", "gibbs"), "invalid choice: 'gibbs'"),
    (("verify", "--claim", "B00", "--quiet"), "claim id 'B00' is not one of"),
]

IEGN = Path(sys.executable).with_name("iegn")


@pytest.fixture(scope="module")
def cli_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli")
    for name, data in FILES.items():
        (d / name).write_bytes(data)
    return d


@pytest.mark.parametrize(("args", "message"), CLI_ROWS, ids=["-".join(a)[:60] for a, _ in CLI_ROWS])
def test_cli_rejects_bad_input_in_one_line(cli_dir, args, message):
    command = [str(IEGN)] if IEGN.exists() else [sys.executable, "-m", "iegn.cli"]
    out = subprocess.run([*command, *args], capture_output=True, text=True, cwd=cli_dir, timeout=120)
    assert out.returncode != 0
    lines = out.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("iegn: error: "), out.stderr
    assert message in lines[0], lines[0]
    assert "Traceback" not in out.stderr and out.stdout == ""
    # NaN may appear only where the message echoes the bad value the user gave
    if "nan" not in message.lower():
        assert not re.search(r"nan", out.stderr, re.IGNORECASE), out.stderr


def test_cli_disconnected_graph_is_a_documented_convention(cli_dir):
    """Curvature of a disconnected graph: per component, printed without NaN (exit 0)."""
    command = [str(IEGN)] if IEGN.exists() else [sys.executable, "-m", "iegn.cli"]
    out = subprocess.run([*command, "curvature", "two.edgelist", "--format", "csv"], capture_output=True, text=True,
                         cwd=cli_dir, timeout=120)
    assert out.returncode == 0 and out.stderr == ""
    rows = [line.split(",") for line in out.stdout.splitlines()[1:]]
    # each component is P_3; by hand, leaf a - middle b at idleness 1/2: m_a = (a 1/2, b 1/2),
    # m_b = (b 1/2, a 1/4, c 1/4); moving 1/4 a->b and 1/4 b->c costs W1 = 1/2, so kappa = 1/2
    assert sorted(float(k) for _, _, k in rows) == [0.5] * 4
    assert not re.search(r"nan", out.stdout, re.IGNORECASE)
