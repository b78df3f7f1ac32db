"""Numeric layer: consensus iteration and Laplacian spectra on NumPy, SciPy and JAX arrays."""

from ._consensus import ConsensusResult as ConsensusResult
from ._consensus import StabilityConstants as StabilityConstants
from ._consensus import consensus_iterate as consensus_iterate
from ._consensus import consensus_matrix as consensus_matrix
from ._consensus import stability_constants as stability_constants
from ._laplacian import as_laplacian as as_laplacian
from ._laplacian import laplacian_extreme_eigenvalues as laplacian_extreme_eigenvalues

__all__ = [
    "ConsensusResult",
    "StabilityConstants",
    "as_laplacian",
    "consensus_iterate",
    "consensus_matrix",
    "laplacian_extreme_eigenvalues",
    "stability_constants",
]
