"""Shared test helpers: one assert_close, closed-form spectra from the literature."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np


def assert_close(actual, expected, *, rtol: float, atol: float = 0.0, why: str) -> None:
    """``np.testing.assert_allclose`` that insists on a stated reason for its tolerance."""
    assert why, "every tolerance needs its reason"
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol, err_msg=why)


# Closed-form Laplacian spectra (Brouwer & Haemers, Spectra of Graphs, 2012, §1.4.3-1.4.6;
# Mohar 1991, §3): name -> (graph, sorted eigenvalue list).
def closed_form_spectra() -> dict[str, tuple[nx.Graph, list[float]]]:
    out: dict[str, tuple[nx.Graph, list[float]]] = {}
    for n in (2, 3, 5, 8):
        out[f"K{n}"] = (nx.complete_graph(n), [0.0] + [float(n)] * (n - 1))
    for n in (3, 4, 7, 10):
        out[f"C{n}"] = (nx.cycle_graph(n), sorted(2 - 2 * math.cos(2 * math.pi * k / n) for k in range(n)))
    for n in (2, 3, 6, 9):
        out[f"P{n}"] = (nx.path_graph(n), sorted(2 - 2 * math.cos(math.pi * k / n) for k in range(n)))
    for m in (2, 3, 6):
        out[f"K1,{m}"] = (nx.star_graph(m), [0.0] + [1.0] * (m - 1) + [float(m + 1)])
    for d in (1, 2, 3, 4):
        out[f"Q{d}"] = (nx.hypercube_graph(d), sorted(float(2 * i) for i in range(d + 1) for _ in range(math.comb(d, i))))
    for a, b in ((2, 3), (3, 3), (1, 4)):
        out[f"K{a},{b}"] = (nx.complete_bipartite_graph(a, b),
                           sorted([0.0] + [float(a)] * (b - 1) + [float(b)] * (a - 1) + [float(a + b)]))
    return out


def hand_consensus(L: np.ndarray, x0: np.ndarray, alpha: float, k: int) -> np.ndarray:
    """k plain steps of x <- x - alpha * (L @ x), written independently of iegn."""
    x = np.array(x0, dtype=float)
    for _ in range(k):
        x = x - alpha * (L @ x)
    return x
