"""Hypothesis strategies for testing code that uses iegn (and iegn itself)."""

from ._strategies import connected_graphs as connected_graphs
from ._strategies import disconnected_graphs as disconnected_graphs
from ._strategies import graphs_with_states as graphs_with_states
from ._strategies import states as states

__all__ = ["connected_graphs", "disconnected_graphs", "graphs_with_states", "states"]
