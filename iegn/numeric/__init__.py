"""Numeric layer: consensus iteration, Laplacian spectra and Lagrangian integrators on NumPy,
SciPy and JAX arrays."""

from ._consensus import ConsensusResult as ConsensusResult
from ._consensus import StabilityConstants as StabilityConstants
from ._consensus import consensus_iterate as consensus_iterate
from ._consensus import consensus_matrix as consensus_matrix
from ._consensus import stability_constants as stability_constants
from ._laplacian import as_laplacian as as_laplacian
from ._laplacian import laplacian_extreme_eigenvalues as laplacian_extreme_eigenvalues
from ._mechanics import CONSTRAINTS as CONSTRAINTS
from ._mechanics import INTEGRATION_METHODS as INTEGRATION_METHODS
from ._mechanics import DomainExitError as DomainExitError
from ._mechanics import LagrangianKernels as LagrangianKernels
from ._mechanics import Trajectory as Trajectory
from ._mechanics import lagrangian_kernels as lagrangian_kernels
from ._mechanics import simulate as simulate

__all__ = [
    "CONSTRAINTS",
    "INTEGRATION_METHODS",
    "ConsensusResult",
    "DomainExitError",
    "LagrangianKernels",
    "Trajectory",
    "StabilityConstants",
    "as_laplacian",
    "consensus_iterate",
    "consensus_matrix",
    "lagrangian_kernels",
    "laplacian_extreme_eigenvalues",
    "simulate",
    "stability_constants",
]
