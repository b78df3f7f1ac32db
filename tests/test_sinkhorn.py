"""Entropic (Sinkhorn) Ollivier–Ricci curvature: enclosure of the exact value, closed forms,
invariances, invalid input, non-convergence and sharding over several host devices.

Oracles: the exact network-simplex curvature of :func:`ollivier_ricci` and its rational
certificate (``exact=True``), and closed forms derived by hand (K_n).
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import textwrap
from fractions import Fraction
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

import iegn.graph._sinkhorn as sinkhorn_module
from iegn import InvalidArgumentError, InvalidGraphError, NotConvergedError
from iegn.graph import (
    SinkhornCurvatureResult,
    TransportBatch,
    edge_transport_batch,
    ollivier_ricci,
    sinkhorn_curvature,
    sinkhorn_transport,
)

from ._helpers import assert_close

ROOT = Path(__file__).resolve().parents[1]
# Slack on the certified bounds: they already include a float64 rounding allowance, so only
# the exact solver's own rounding (network simplex in float64, ~1e-15) needs room.
EXACT_ROUNDING = 1e-12


def _connected(n: int, extra: int, seed: int, *, weighted: bool = False) -> nx.Graph:
    """A random tree plus ``extra`` random edges: connected by construction."""
    rng = np.random.default_rng(seed)
    G = nx.Graph()
    G.add_node(0)
    for i in range(1, n):
        G.add_edge(i, int(rng.integers(i)))
    for _ in range(extra):
        u, v = (int(z) for z in rng.integers(n, size=2))
        if u != v:
            G.add_edge(u, v)
    if weighted:
        for u, v in G.edges:
            G[u][v]["length"] = float(rng.uniform(0.5, 2.0))
    return G


def _assert_encloses(result: SinkhornCurvatureResult, exact: np.ndarray) -> None:
    approx = result.curvature.as_array()
    assert np.all(result.lower <= exact + EXACT_ROUNDING), "certified lower bound above the exact curvature"
    assert np.all(exact <= result.upper + EXACT_ROUNDING), "certified upper bound below the exact curvature"
    assert np.all(np.abs(approx - exact) <= result.error_bound + EXACT_ROUNDING), "a priori bound violated"


GRAPHS = {
    "karate": nx.karate_club_graph(),
    "petersen": nx.petersen_graph(),
    **{f"random{s}": _connected(18, 20, s) for s in range(2)},
}
# Curvature is local: an edge's transport problem (measures, local distances) is the same in a
# disjoint union as in its own graph. Solving the union is one solver call of one padded shape
# (one JIT compilation) instead of one per graph, with the same problems checked edge by edge.
ALL_GRAPHS = nx.disjoint_union_all(list(GRAPHS.values()))


@pytest.mark.parametrize("idleness", [0.0, 0.5])
def test_exact_curvature_lies_in_the_certified_enclosure(idleness: float) -> None:
    G = ALL_GRAPHS  # karate (hubs, a leaf), Petersen (girth 5), two random tree-plus-edges graphs
    result = sinkhorn_curvature(G, idleness=idleness, epsilon=0.05)
    _assert_encloses(result, ollivier_ricci(G, idleness=idleness).as_array())
    assert result.converged


@pytest.mark.parametrize("measure", ["inverse-length", "uniform", "grc"])
@pytest.mark.parametrize("seed", [0])
def test_weighted_graphs_enclose_the_exact_curvature(measure: str, seed: int) -> None:
    G = _connected(16, 14, seed, weighted=True)
    result = sinkhorn_curvature(G, weight="length", measure=measure, epsilon=0.02)
    _assert_encloses(result, ollivier_ricci(G, weight="length", measure=measure).as_array())


def test_epsilon_to_zero_converges_to_the_exact_curvature() -> None:
    G = GRAPHS["random0"]
    exact = ollivier_ricci(G).as_array()
    errors, bounds = [], []
    for epsilon in (0.3, 0.1, 0.03, 0.01):
        result = sinkhorn_curvature(G, epsilon=epsilon)
        _assert_encloses(result, exact)
        errors.append(np.max(np.abs(result.curvature.as_array() - exact)))
        bounds.append(np.max(result.error_bound))
    assert all(b2 < b1 for b1, b2 in zip(bounds, bounds[1:])), f"bound does not shrink with epsilon: {bounds}"
    # the bound is eps*log(kx*ky) + O(delta): linear in epsilon
    assert_close(bounds[-1] / bounds[0], 0.01 / 0.3, rtol=0.05, why="a priori bound is ~ eps*min(H(r), H(c))")
    # unweighted costs are integers: the entropic bias decays like exp(-gap/eps), far below the bound
    assert errors[-1] <= 1e-6, errors


@pytest.mark.parametrize("alpha", [Fraction(0), Fraction(1, 4), Fraction(1, 2), Fraction(9, 10)])
def test_complete_graph_closed_form(alpha: Fraction) -> None:
    # m_x and m_y agree off {x, y}; at x the excess is alpha - (1 - alpha)/(n - 1), moved over
    # distance 1 to y: kappa = 1 - |alpha - (1 - alpha)/(n - 1)|.
    sizes = (4, 6)
    closed = {n: 1 - abs(alpha - (1 - alpha) / (n - 1)) for n in sizes}
    for n in sizes:  # the formula itself, checked exactly
        assert ollivier_ricci(nx.complete_graph(n), idleness=alpha, exact=True)[0, 1] == closed[n]
    # K4 and K6 side by side (curvature is local): one solver call, one compiled shape
    G = nx.disjoint_union_all([nx.complete_graph(n) for n in sizes])
    expected = np.array([float(closed[len(nx.node_connected_component(G, u))]) for u, _ in G.edges])
    result = sinkhorn_curvature(G, idleness=float(alpha), epsilon=0.01)
    assert np.all(result.lower <= expected + EXACT_ROUNDING)
    assert np.all(expected <= result.upper + EXACT_ROUNDING)
    # integer costs: the entropic bias exp(-1/eps)-small, the rest is the Sinkhorn tolerance 1e-10
    assert_close(result.curvature.as_array(), expected, rtol=0, atol=1e-8,
                 why="entropic bias ~exp(-100) plus tol-level marginals")


# C6 and C9 side by side (curvature is local): one solver call, one compiled shape
CYCLES = nx.disjoint_union(nx.cycle_graph(6), nx.cycle_graph(9))


def test_cycle_is_flat_at_idleness_one_half() -> None:
    G = CYCLES
    oracle = ollivier_ricci(G, idleness=Fraction(1, 2), exact=True)
    assert set(oracle.values()) == {Fraction(0)}
    result = sinkhorn_curvature(G, epsilon=0.01)
    assert np.all((result.lower <= EXACT_ROUNDING) & (-EXACT_ROUNDING <= result.upper))
    assert_close(result.curvature.as_array(), 0.0, rtol=0, atol=1e-8, why="entropic bias ~exp(-100) plus tol")


def test_chunking_and_bucketing_do_not_change_the_result(monkeypatch: pytest.MonkeyPatch) -> None:
    G = nx.wheel_graph(9)  # hub-rim problems 9 x 4, rim-rim 4 x 4: two shapes
    reference = sinkhorn_curvature(G, epsilon=0.05)
    monkeypatch.setattr(sinkhorn_module, "_CHUNK_ENTRIES", 64)  # calls of one or two problems
    monkeypatch.setattr(sinkhorn_module, "_COMPILE_ENTRIES", 0)  # no merging: one bucket per shape
    _, groups = sinkhorn_module._buckets(*_sizes(G))
    assert len(groups) > 1
    chunked = sinkhorn_curvature(G, epsilon=0.05)
    # other padded shapes and batch sizes compile other programs; results differ only by
    # rounding amplified up to the stopping point, i.e. at the tolerance tol = 1e-10
    for name in ("lower", "upper", "error_bound"):  # error_bound: 2 * max cost * delta, delta <= 2 tol
        assert_close(getattr(chunked, name), getattr(reference, name), rtol=0, atol=2e-9,
                     why="different compiled batch shapes; tol = 1e-10 on the marginals, costs <= 3")
    assert_close(chunked.curvature.as_array(), reference.curvature.as_array(), rtol=0, atol=1e-9,
                 why="different compiled batch shapes; tol = 1e-10 on the marginals, costs <= 3")


def _sizes(G: nx.Graph) -> tuple[np.ndarray, np.ndarray]:
    sup = sinkhorn_module._supports(G, 0.5, None, "inverse-length")
    return sup.size[sup.edge_x], sup.size[sup.edge_y]


def test_padded_volume_scales_with_the_support_pairs() -> None:
    G = nx.Graph(nx.barabasi_albert_graph(400, 3, seed=1))
    kx, ky = _sizes(G)
    _, groups = sinkhorn_module._buckets(kx, ky)
    volume = sum(m.size * r * c for m, r, c in groups)
    pairs = int(np.dot(kx, ky))
    # grid rounding pads each side by at most 3/2, and each group merge adds < _COMPILE_ENTRIES
    assert volume <= 2.25 * pairs + len(groups) * sinkhorn_module._COMPILE_ENTRIES
    assert volume < kx.size * int(np.max(np.maximum(kx, ky))) ** 2 / 4  # far from E * max^2


def test_symmetry_and_relabelling() -> None:
    G = GRAPHS["random0"]  # as in the epsilon and non-convergence tests: one compiled shape for all three
    base = sinkhorn_curvature(G, epsilon=0.02)
    mapping = {v: f"node{(7 * v) % 97}" for v in G}
    H = nx.Graph()
    H.add_nodes_from(reversed([mapping[v] for v in G]))
    H.add_edges_from((mapping[v], mapping[u]) for u, v in reversed(list(G.edges)))
    other = sinkhorn_curvature(H, epsilon=0.02)
    for (u, v), value in base.curvature.items():
        # the same entropic problem, transposed and reordered: both solved to tol = 1e-10
        assert other.curvature[mapping[v], mapping[u]] == pytest.approx(value, abs=1e-9)
        assert other.curvature[mapping[u], mapping[v]] == other.curvature[mapping[v], mapping[u]]


def test_outputs_are_float64_and_read_only() -> None:
    result = sinkhorn_curvature(CYCLES, epsilon=0.05)
    for name in ("error_bound", "lower", "upper", "marginal_error"):
        arr = getattr(result, name)
        assert arr.dtype == np.float64 and not arr.flags.writeable
    assert result.n_iter.dtype == np.int64
    assert result.curvature.as_array().dtype == np.float64
    assert all(type(v) is float for v in result.curvature.values())
    assert result.curvature.kind == "ollivier-sinkhorn" and result.devices == 1
    batch = edge_transport_batch(nx.cycle_graph(7))
    assert batch.cost.dtype == batch.mass_x.dtype == np.float64


def test_transport_batch_matches_the_exact_w1() -> None:
    G = GRAPHS["petersen"]
    batch = edge_transport_batch(G, idleness=0.25)
    assert isinstance(batch, TransportBatch)
    assert_close(batch.mass_x.sum(axis=1), 1.0, rtol=0, atol=1e-15, why="K rounded masses summing to 1")
    solution = sinkhorn_transport(batch, epsilon=0.02)
    w1 = 1.0 - ollivier_ricci(G, idleness=0.25).as_array()  # d(x, y) = 1
    assert np.all((solution.lower <= w1 + EXACT_ROUNDING) & (w1 <= solution.upper + EXACT_ROUNDING))
    assert np.all(np.abs(solution.cost - w1) <= solution.error_bound + EXACT_ROUNDING)


BAD_GRAPHS = [
    (nx.DiGraph([(0, 1)]), None, "directed"),
    (nx.MultiGraph([(0, 1), (0, 1)]), None, "multigraph"),
    (nx.Graph([(0, 0), (0, 1)]), None, "self-loop"),
    (nx.empty_graph(3), None, "no edges"),
    (nx.Graph([(0, 1, {"length": -1.0})]), "length", "-1.0"),
    (nx.Graph([(0, 1, {"length": 0.0})]), "length", "0.0"),
    (nx.Graph([(0, 1, {"length": math.nan})]), "length", "nan"),
    (nx.Graph([(0, 1)]), "length", "no 'length'"),
]


@pytest.mark.parametrize(("G", "weight", "message"), BAD_GRAPHS)
def test_invalid_graphs(G: nx.Graph, weight: str | None, message: str) -> None:
    with pytest.raises(InvalidGraphError, match=message):
        sinkhorn_curvature(G, weight=weight)


BAD_ARGUMENTS = [
    ({"epsilon": 0.0}, "epsilon=0.0"),
    ({"epsilon": -0.1}, "epsilon=-0.1"),
    ({"epsilon": math.nan}, "epsilon=nan"),
    ({"max_iter": 0}, "max_iter=0"),
    ({"max_iter": 2.5}, "max_iter=2.5"),
    ({"tol": 0.0}, "tol=0.0"),
    ({"idleness": 1.0}, "idleness=1.0"),
    ({"idleness": -0.5}, "idleness=-0.5"),
    ({"measure": "gaussian"}, "measure='gaussian'"),
    ({"on_failure": "warn"}, "on_failure='warn'"),
    ({"devices": 0}, "devices=0"),
    ({"devices": 10_000}, "devices=10000"),
    ({"devices": "cpu"}, "devices='cpu'"),
    ({"devices": ()}, r"devices=\(\)"),
]


@pytest.mark.parametrize(("kwargs", "message"), BAD_ARGUMENTS)
def test_invalid_arguments(kwargs: dict, message: str) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        sinkhorn_curvature(nx.path_graph(3), **kwargs)


def test_invalid_transport_batch() -> None:
    batch = edge_transport_batch(nx.path_graph(3))
    bad = TransportBatch(batch.edges, batch.mass_x * 0.5, batch.mass_y, batch.cost, batch.distance)
    with pytest.raises(InvalidArgumentError, match="mass_x"):
        sinkhorn_transport(bad)
    with pytest.raises(InvalidArgumentError, match="TransportBatch"):
        sinkhorn_transport("not a batch")  # type: ignore[arg-type]


def test_non_convergence_raises_with_the_partial_result() -> None:
    G = GRAPHS["random0"]
    exact = ollivier_ricci(G).as_array()
    with pytest.raises(NotConvergedError, match="max_iter=2") as info:
        sinkhorn_curvature(G, epsilon=1e-3, max_iter=2)
    partial = info.value.result
    assert isinstance(partial, SinkhornCurvatureResult) and partial.converged is False
    assert np.all(partial.n_iter <= 2)
    # the certified enclosure holds at any iterate (rounded plan, c-transformed dual)
    assert np.all((partial.lower <= exact + EXACT_ROUNDING) & (exact <= partial.upper + EXACT_ROUNDING))
    returned = sinkhorn_curvature(G, epsilon=1e-3, max_iter=2, on_failure="return")
    assert returned.converged is False
    assert_close(returned.upper, partial.upper, rtol=0, atol=0, why="the same computation twice")


def test_sharding_over_eight_host_devices_matches_one_device() -> None:
    script = textwrap.dedent("""
        import json
        import jax
        import networkx as nx
        from iegn.graph import edge_transport_batch, sinkhorn_curvature, sinkhorn_transport
        # all degrees 3: every problem is 4 x 4, so one padded shape (three compilations:
        # one device, a mesh of 8, a mesh of 3); 21 edges, so both meshes pad with trivial problems
        G = nx.random_regular_graph(3, 14, seed=4)
        one = sinkhorn_curvature(G, epsilon=0.02)
        eight = sinkhorn_curvature(G, epsilon=0.02, devices=8)
        three = sinkhorn_curvature(G, epsilon=0.02, devices=jax.devices()[:3])
        batch = edge_transport_batch(G)
        t1 = sinkhorn_transport(batch, epsilon=0.02)
        t8 = sinkhorn_transport(batch, epsilon=0.02, devices=8)
        def arrays(r):
            return [r.curvature.as_array().tolist(), r.lower.tolist(), r.upper.tolist(), r.error_bound.tolist()]
        print(json.dumps({"n": jax.device_count(), "devices": [eight.devices, three.devices],
                          "one": arrays(one), "eight": arrays(eight), "three": arrays(three),
                          "t1": t1.cost.tolist(), "t8": t8.cost.tolist()}))
    """)
    env = dict(os.environ, XLA_FLAGS="--xla_force_host_platform_device_count=8", JAX_PLATFORMS="cpu")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["n"] == 8 and out["devices"] == [8, 3]
    # the edges' curvatures differ (-1/3 to 2/3), so an edge answered by another's shard would show
    assert len(np.unique(np.round(out["one"][0], 6))) >= 5
    for name in ("eight", "three"):
        # per-device batches compile to other XLA programs: rounding differs, and where a
        # problem first meets tol = 1e-10 can move by a round. Values move by <= tol * max cost
        # (3); the a priori bound holds 2 * max cost * delta, delta <= 2 tol, so up to 1.2e-9.
        for got, want, atol in zip(out[name], out["one"], (1e-10, 1e-10, 1e-10, 2e-9)):
            assert_close(got, want, rtol=0, atol=atol, why="other compiled batch shape, tol = 1e-10")
    assert_close(out["t8"], out["t1"], rtol=0, atol=1e-10, why="other compiled batch shape, tol = 1e-10")
