"""Graph layer: Laplacians, spectral stability constants and consensus on NetworkX graphs."""

from ._io import GRAPH_FORMATS as GRAPH_FORMATS
from ._io import read_graph as read_graph
from ._laplacian import algebraic_connectivity as algebraic_connectivity
from ._laplacian import check_graph as check_graph
from ._laplacian import consensus as consensus
from ._laplacian import convergence_factor as convergence_factor
from ._laplacian import critical_step as critical_step
from ._laplacian import laplacian_matrix as laplacian_matrix
from ._laplacian import laplacian_spectral_radius as laplacian_spectral_radius
from ._laplacian import optimal_step as optimal_step
from ._laplacian import stability_bound as stability_bound

__all__ = [
    "GRAPH_FORMATS",
    "algebraic_connectivity",
    "check_graph",
    "consensus",
    "convergence_factor",
    "critical_step",
    "laplacian_matrix",
    "laplacian_spectral_radius",
    "optimal_step",
    "read_graph",
    "stability_bound",
]
