"""Public Hypothesis strategies: graphs built connected by construction, states, steps."""

from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from .._validation import check_int, check_real

__all__ = ["connected_graphs", "disconnected_graphs", "states", "graphs_with_states"]


@st.composite
def connected_graphs(
    draw: Any,
    min_nodes: int = 2,
    max_nodes: int = 12,
    *,
    weighted: bool = False,
    min_weight: float = 0.1,
    max_weight: float = 10.0,
    max_extra_edges: int | None = None,
) -> nx.Graph:
    """Connected simple undirected graphs, connected by construction.

    A random spanning tree (node ``i`` attaches to a random earlier node) is drawn first,
    then any number of extra edges, so every output is connected without filtering.
    Nodes are ``0..n-1``; with ``weighted=True`` each edge has a ``weight`` in
    ``[min_weight, max_weight]``.

    Parameters
    ----------
    min_nodes, max_nodes
        Bounds on the number of nodes (``1 <= min_nodes <= max_nodes``).
    weighted
        Whether to attach ``weight`` attributes.
    min_weight, max_weight
        Weight bounds (``0 < min_weight <= max_weight``, finite).
    max_extra_edges
        Cap on the edges added beyond the tree (default: no cap beyond the complete graph).

    Examples
    --------
    >>> from hypothesis import given
    >>> import networkx as nx
    >>> @given(connected_graphs(max_nodes=6))
    ... def test_connected(G):
    ...     assert nx.is_connected(G)
    >>> test_connected()
    """
    lo = check_int("min_nodes", min_nodes, minimum=1)
    hi = check_int("max_nodes", max_nodes, minimum=lo)
    wlo = check_real("min_weight", min_weight, lower=0.0, lower_open=True)
    whi = check_real("max_weight", max_weight, lower=wlo)
    if max_extra_edges is not None:
        max_extra_edges = check_int("max_extra_edges", max_extra_edges, minimum=0)
    n = draw(st.integers(lo, hi))
    G = nx.Graph()
    G.add_nodes_from(range(n))
    for i in range(1, n):
        G.add_edge(i, draw(st.integers(0, i - 1)))
    non_edges = [(i, j) for i in range(n) for j in range(i + 1, n) if not G.has_edge(i, j)]
    if non_edges:
        cap = len(non_edges) if max_extra_edges is None else min(max_extra_edges, len(non_edges))
        extra = draw(st.lists(st.sampled_from(non_edges), max_size=cap, unique=True))
        G.add_edges_from(extra)
    if weighted:
        for u, v in sorted(G.edges()):
            G.edges[u, v]["weight"] = draw(
                st.floats(wlo, whi, allow_nan=False, allow_infinity=False)
            )
    return G


@st.composite
def disconnected_graphs(draw: Any, min_nodes: int = 3, max_nodes: int = 12, *, weighted: bool = False) -> nx.Graph:
    """Graphs with at least two components and at least one edge, by construction.

    Two connected graphs (the first with at least two nodes) are drawn and placed side by
    side (disjoint union, nodes relabelled ``0..n-1``).
    """
    lo = check_int("min_nodes", min_nodes, minimum=3)
    hi = check_int("max_nodes", max_nodes, minimum=lo)
    n1 = draw(st.integers(2, hi - 1))
    first = draw(connected_graphs(2, n1, weighted=weighted))
    rest = max(1, lo - first.number_of_nodes())
    second = draw(connected_graphs(rest, max(rest, hi - first.number_of_nodes()), weighted=weighted))
    return nx.disjoint_union(first, second)


def states(n: int, *, bound: float = 1e3) -> st.SearchStrategy[np.ndarray]:
    """Finite float64 state vectors of length ``n`` with entries in ``[-bound, bound]``."""
    n = check_int("n", n, minimum=1)
    b = check_real("bound", bound, lower=0.0, lower_open=True)
    return hnp.arrays(np.float64, (n,), elements=st.floats(-b, b, allow_nan=False, allow_infinity=False))


@st.composite
def graphs_with_states(
    draw: Any, min_nodes: int = 2, max_nodes: int = 12, *, weighted: bool = False, bound: float = 1e3
) -> tuple[nx.Graph, np.ndarray]:
    """A connected graph and a state vector on its nodes (in ``list(G)`` order)."""
    G = draw(connected_graphs(min_nodes, max_nodes, weighted=weighted))
    return G, draw(states(G.number_of_nodes(), bound=bound))
