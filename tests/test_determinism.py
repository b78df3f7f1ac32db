"""Same seed, same result, bit for bit; no dependence on hash seeds or dict order.

Every public function that draws random numbers is run twice with the same seed and compared
with ``np.array_equal`` / ``==`` (never a tolerance: determinism is exact or it is not), and
with another seed to show that the seed matters. :func:`digests` also runs in two fresh
interpreters with different ``PYTHONHASHSEED`` values: string hashing then changes the order
of every ``set`` of node labels and of every ``dict`` built from one, so a result that leaked
that order (a curvature summed in set order, communities numbered in set order, ties broken by
hash) would differ between them. Outputs are compared as SHA-256 digests of their bytes
(``float.hex`` for scalars, the raw buffer for arrays, keys in the order the library returns
them).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import networkx as nx
import numpy as np
from iegn.blueprint import IEGN_Node, corrected_flow, make_nodes, run_as_specified, side_by_side
from iegn.graph import (adjusted_rand_index, forman_ricci, lin_lu_yau, ollivier_ricci, ricci_communities,
                        ricci_flow)
from iegn.numeric import annealing_schedule, laplacian_extreme_eigenvalues, simulated_annealing

from ._helpers import assert_close

ROOT = Path(__file__).resolve().parents[1]

# the double well of iegn.numeric.critical_depth's docstring, on 6 states
ENERGIES = [1.0, 0.0, 2.0, -1.0, 0.5, -0.5]
NEIGHBOURS = [[1], [0, 2], [1, 3], [2, 4], [3, 5], [4]]
SCHEDULE = annealing_schedule("logarithmic", c=4.0)


def _digest(obj) -> str:
    h = hashlib.sha256()

    def feed(x) -> None:
        if isinstance(x, np.ndarray):
            h.update(f"nd{x.dtype.str}{x.shape}".encode())
            h.update(np.ascontiguousarray(x).tobytes())
        elif isinstance(x, (bool, np.bool_)):
            h.update(b"T" if x else b"F")
        elif isinstance(x, (float, np.floating)):
            h.update(float(x).hex().encode())
        elif isinstance(x, (int, np.integer)):
            h.update(f"i{int(x)}".encode())
        elif isinstance(x, str):
            h.update(f"s{len(x)}:{x}".encode())
        elif x is None:
            h.update(b"N")
        elif isinstance(x, Mapping):
            h.update(b"{")
            for k, v in x.items():  # in the library's order: an order that changes is a difference
                feed(k)
                feed(v)
            h.update(b"}")
        elif isinstance(x, (list, tuple)):
            h.update(b"[")
            for v in x:
                feed(v)
            h.update(b"]")
        elif dataclasses.is_dataclass(x):
            h.update(type(x).__name__.encode())
            feed({f.name: getattr(x, f.name) for f in dataclasses.fields(x) if f.name != "seconds"})
        elif hasattr(x, "state_vector"):  # IEGN_Node
            feed([x.id, x.current_load, x.state_vector])
        else:
            raise TypeError(f"no digest for {type(x).__name__}")

    feed(obj)
    return h.hexdigest()


def string_graph() -> nx.Graph:
    """Zachary's karate club with string labels (hash-seed dependent in sets) and varied weights."""
    G = nx.relabel_nodes(nx.karate_club_graph(), {i: f"member-{(7 * i) % 34:02d}" for i in range(34)})
    for k, (u, v) in enumerate(sorted(G.edges)):
        G[u][v]["weight"] = 1.0 + (k % 5) / 4
    return G


def digests() -> dict[str, str]:
    """Digests of every seeded and every order-sensitive public computation (run in subprocesses too)."""
    from iegn.claims import verify

    G = string_graph()
    C = nx.relabel_nodes(nx.cycle_graph(6), {i: f"c{i}" for i in range(6)})
    out = {
        "simulated_annealing chains": simulated_annealing(ENERGIES, NEIGHBOURS, schedule=SCHEDULE, n_steps=300,
                                                          x0=1, seed=7, n_chains=40),
        "simulated_annealing one": simulated_annealing(ENERGIES, NEIGHBOURS, schedule=SCHEDULE, n_steps=300,
                                                       x0=1, seed=7),
        "make_nodes": make_nodes([0.0, 1.0, 2.5], seed=3),
        "run_as_specified": run_as_specified([0.0, 1.0, 2.5], iterations=5, seed=3),
        "side_by_side": side_by_side(C, [float(i) for i in range(6)], iterations=5, seed=3),
        "corrected_flow": corrected_flow(C, iterations=5),
        "ollivier_ricci": ollivier_ricci(G, weight="weight").by_edge,
        "ollivier_ricci uniform": ollivier_ricci(G, measure="uniform").by_edge,
        "forman_ricci": forman_ricci(G, augmented=True).by_edge,
        "forman_ricci weighted": forman_ricci(G, weight="weight").by_edge,
        "lin_lu_yau": lin_lu_yau(G).by_edge,
        "ricci_flow": ricci_flow(G, iterations=5, weight="weight"),
        "ricci_communities": ricci_communities(G, iterations=5),
        "adjusted_rand_index": adjusted_rand_index({v: v[-1] for v in G}, {v: v[-2] for v in G}),
        # ARPACK with its fixed start vector (the sparse path of laplacian_extreme_eigenvalues)
        "laplacian_extreme_eigenvalues sparse": laplacian_extreme_eigenvalues(
            nx.laplacian_matrix(nx.random_regular_graph(3, 300, seed=1)).astype(float), method="sparse"),
        # Monte Carlo evidence of the ledger (seeded generators inside the claim)
        "verify B18": [(e.kind, e.title, e.passed, e.summary, e.details) for c in verify(["B18"], examples=5).claims
                       for e in c.evidence],
    }
    return {k: _digest(v) for k, v in out.items()}


# --------------------------------------------------------------------------- across processes and hash seeds

def _run_digests_in_subprocesses(hash_seeds: tuple[str, ...]) -> list[dict[str, str]]:
    code = "import json; from tests.test_determinism import digests; print(json.dumps(digests()))"
    procs = []
    for seed in hash_seeds:
        env = dict(os.environ, PYTHONHASHSEED=seed)
        procs.append(subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env, text=True,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    outs = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=300)
        assert p.returncode == 0, stderr
        outs.append(json.loads(stdout.strip().splitlines()[-1]))
    return outs


def test_results_are_bit_identical_across_processes_and_hash_seeds():
    here = digests()
    assert digests() == here  # twice in one process: no hidden state carried between calls
    a, b = _run_digests_in_subprocesses(("1", "4242"))
    # the string hashes really differed between the two interpreters (else the test proves nothing)
    orders = {subprocess.run([sys.executable, "-c", "print(list({'a%d' % i for i in range(20)}))"],
                             env=dict(os.environ, PYTHONHASHSEED=s), capture_output=True, text=True).stdout
              for s in ("1", "4242")}
    assert len(orders) == 2
    differ = {k for k in here if not (here[k] == a[k] == b[k])}
    assert not differ, f"not reproducible across processes / hash seeds: {sorted(differ)}"


def test_the_digest_sees_order_ulps_and_dtypes():
    assert _digest({"a": 1.0, "b": 2.0}) != _digest({"b": 2.0, "a": 1.0})  # key order counts
    assert _digest(1.0) != _digest(np.nextafter(1.0, 2.0))  # one ulp counts
    assert _digest(np.zeros(2)) != _digest(np.zeros(2, dtype=np.float32))  # dtype counts
    assert _digest(np.array([1.0, 2.0])) == _digest(np.array([1.0, 2.0]))


# --------------------------------------------------------------------------- in process: same seed, other seed

def _annealing(seed, **kw):
    args = dict(schedule=SCHEDULE, n_steps=200, x0=1, n_chains=30)
    args.update(kw)
    return simulated_annealing(ENERGIES, NEIGHBOURS, seed=seed, **args)


def test_simulated_annealing_same_seed_same_bits_other_seed_other_path():
    a, b, c = _annealing(11), _annealing(11), _annealing(12)
    for field in ("state", "energy", "best_state", "best_energy", "trajectory", "temperatures"):
        assert np.array_equal(getattr(a, field), getattr(b, field)), field
    assert not np.array_equal(a.trajectory, c.trajectory)
    assert np.array_equal(a.temperatures, c.temperatures)  # the schedule is not random


def test_simulated_annealing_int_seed_equals_a_fresh_generator_and_a_generator_advances():
    a = _annealing(5)
    b = _annealing(np.random.default_rng(5))
    assert np.array_equal(a.trajectory, b.trajectory)
    rng = np.random.default_rng(5)
    first, second = _annealing(rng), _annealing(rng)  # the same generator, advanced between the calls
    assert np.array_equal(first.trajectory, a.trajectory)
    assert not np.array_equal(second.trajectory, first.trajectory)


def test_a_shorter_annealing_run_is_a_prefix_of_a_longer_one():
    short = _annealing(3, n_steps=50)
    long = _annealing(3, n_steps=200)
    assert np.array_equal(long.trajectory[:51], short.trajectory)  # documented: draws are made step by step


def test_recording_the_trajectory_does_not_change_the_draws():
    on = _annealing(9, record_trajectory=True)
    off = _annealing(9, record_trajectory=False)
    assert off.trajectory is None
    assert np.array_equal(on.state, off.state) and np.array_equal(on.best_state, off.best_state)


def test_make_nodes_same_seed_same_embeddings_other_seed_other_embeddings():
    a, b, c = make_nodes([0.0, 1.0], seed=4), make_nodes([0.0, 1.0], seed=4), make_nodes([0.0, 1.0], seed=5)
    for x, y in zip(a, b):
        assert np.array_equal(x.state_vector, y.state_vector) and x.current_load == y.current_load
    assert not np.array_equal(a[0].state_vector, c[0].state_vector)
    # drawn in node order from default_rng(seed), as documented
    rng = np.random.default_rng(4)
    for node in a:
        assert np.array_equal(node.state_vector, rng.random(node.state_vector.size))


def test_an_iegn_node_without_rng_reads_the_global_numpy_state_as_written():
    state = np.random.get_state()
    try:
        np.random.seed(123)
        node = IEGN_Node(0, 1.0)
        assert np.array_equal(node.state_vector, np.random.RandomState(123).rand(node.state_vector.size))
    finally:
        np.random.set_state(state)


def test_run_as_specified_same_seed_same_bits_other_seed_other_proxy():
    a = run_as_specified([0.0, 1.0, 2.5], iterations=5, seed=3)
    b = run_as_specified([0.0, 1.0, 2.5], iterations=5, seed=3)
    c = run_as_specified([0.0, 1.0, 2.5], iterations=5, seed=4)
    for field in ("adjacency", "lagrangian", "proxy"):
        assert np.array_equal(getattr(a, field), getattr(b, field)), field
    assert not np.array_equal(a.proxy, c.proxy)  # the proxy reads the random embeddings
    assert np.array_equal(a.adjacency, c.adjacency)  # the documented defect: the adjacency never moves


def test_side_by_side_same_seed_same_bits():
    C = nx.cycle_graph(5)
    a = side_by_side(C, [1.0, 2.0, 3.0, 4.0, 5.0], iterations=5, seed=2)
    b = side_by_side(C, [1.0, 2.0, 3.0, 4.0, 5.0], iterations=5, seed=2)
    c = side_by_side(C, [1.0, 2.0, 3.0, 4.0, 5.0], iterations=5, seed=3)
    assert _digest(a) == _digest(b)
    assert not np.array_equal(a.as_specified_run.proxy, c.as_specified_run.proxy)
    assert np.array_equal(a.corrected, c.corrected)  # the corrected flow does not use the seed


def test_insertion_order_changes_curvature_only_by_rounding():
    """Insertion order is part of the input (it fixes summation orders), so bits may change; values may not."""
    G = string_graph()
    H = nx.Graph()
    H.add_nodes_from(sorted(G, reverse=True))
    H.add_edges_from(sorted(G.edges(data=True), key=lambda e: (e[1], e[0]), reverse=True))
    a, b = ollivier_ricci(G, weight="weight"), ollivier_ricci(H, weight="weight")
    got = np.array([b[(v, u)] for u, v in G.edges])
    assert_close(got, a.as_array(), rtol=0, atol=1e-14,
                 why="the same transport LPs with rows and columns permuted: the simplex pivots and sums "
                     "of <= 20 O(1) terms round differently, a few ulps")


def test_ricci_communities_is_a_function_of_the_graph():
    G = string_graph()
    first, again = ricci_communities(G, iterations=5), ricci_communities(G.copy(), iterations=5)
    assert dict(first.communities) == dict(again.communities) and first.modularity == again.modularity
