"""Graph layer: Laplacians, spectral stability constants, consensus and discrete Ricci curvature on
NetworkX graphs."""

from ._curvature import CURVATURE_KINDS as CURVATURE_KINDS
from ._curvature import GRC_UNIFORM_BELOW as GRC_UNIFORM_BELOW
from ._curvature import MEASURES as MEASURES
from ._curvature import CurvatureResult as CurvatureResult
from ._curvature import forman_ricci as forman_ricci
from ._curvature import lin_lu_yau as lin_lu_yau
from ._curvature import ollivier_ricci as ollivier_ricci
from ._curvature import set_edge_curvature as set_edge_curvature
from ._flow import CommunityResult as CommunityResult
from ._flow import RicciFlowResult as RicciFlowResult
from ._flow import adjusted_rand_index as adjusted_rand_index
from ._flow import ricci_communities as ricci_communities
from ._flow import ricci_flow as ricci_flow
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
from ._sinkhorn import SinkhornCurvatureResult as SinkhornCurvatureResult
from ._sinkhorn import TransportBatch as TransportBatch
from ._sinkhorn import TransportSolution as TransportSolution
from ._sinkhorn import edge_transport_batch as edge_transport_batch
from ._sinkhorn import sinkhorn_curvature as sinkhorn_curvature
from ._sinkhorn import sinkhorn_transport as sinkhorn_transport

__all__ = [
    "CURVATURE_KINDS",
    "GRAPH_FORMATS",
    "GRC_UNIFORM_BELOW",
    "MEASURES",
    "CommunityResult",
    "CurvatureResult",
    "RicciFlowResult",
    "SinkhornCurvatureResult",
    "TransportBatch",
    "TransportSolution",
    "adjusted_rand_index",
    "algebraic_connectivity",
    "check_graph",
    "consensus",
    "convergence_factor",
    "critical_step",
    "edge_transport_batch",
    "forman_ricci",
    "laplacian_matrix",
    "laplacian_spectral_radius",
    "lin_lu_yau",
    "ollivier_ricci",
    "optimal_step",
    "read_graph",
    "ricci_communities",
    "ricci_flow",
    "set_edge_curvature",
    "sinkhorn_curvature",
    "sinkhorn_transport",
    "stability_bound",
]
