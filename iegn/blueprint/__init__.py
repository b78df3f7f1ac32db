"""The blueprint's own algorithm, as specified (defects included): never use it as correct.

:class:`ManifoldOptimizer`, :class:`IEGN_Node`, :func:`make_nodes` and
:func:`run_as_specified` reproduce the GDTO of blueprint §3.2 with its exact semantics.
:func:`corrected_flow` is the corrected counterpart (true Ollivier–Ricci curvature, a flow
that moves the weights, the §4.2 barrier with a step that provably keeps weights positive);
:func:`side_by_side` runs both on the same graph and loads.
"""

from ._corrected import CorrectedFlowResult as CorrectedFlowResult
from ._corrected import SideBySide as SideBySide
from ._corrected import corrected_flow as corrected_flow
from ._corrected import fraction_to_boundary as fraction_to_boundary
from ._corrected import side_by_side as side_by_side
from ._gdto import GDTORun as GDTORun
from ._gdto import IEGN_Node as IEGN_Node
from ._gdto import ManifoldOptimizer as ManifoldOptimizer
from ._gdto import make_nodes as make_nodes
from ._gdto import run_as_specified as run_as_specified

__all__ = [
    "CorrectedFlowResult",
    "GDTORun",
    "IEGN_Node",
    "ManifoldOptimizer",
    "SideBySide",
    "corrected_flow",
    "fraction_to_boundary",
    "make_nodes",
    "run_as_specified",
    "side_by_side",
]
