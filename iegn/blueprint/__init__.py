"""The blueprint's own algorithm, as specified (defects included): never use it as correct."""

from ._gdto import IEGN_Node as IEGN_Node
from ._gdto import ManifoldOptimizer as ManifoldOptimizer
from ._gdto import make_nodes as make_nodes

__all__ = ["IEGN_Node", "ManifoldOptimizer", "make_nodes"]
