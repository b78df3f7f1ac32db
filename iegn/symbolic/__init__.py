"""Symbolic layer (SymPy, z3): derivations and machine-checked statements."""

from ._smt import Certificate as Certificate
from ._smt import prove as prove
from ._smt import stability_certificates as stability_certificates
from ._smt import to_z3 as to_z3
from ._stability import StabilityDerivation as StabilityDerivation
from ._stability import derive_stability as derive_stability
from ._stability import exact_stability_constants as exact_stability_constants
from ._stability import laplacian_eigenvalues_exact as laplacian_eigenvalues_exact

__all__ = [
    "Certificate",
    "StabilityDerivation",
    "derive_stability",
    "exact_stability_constants",
    "laplacian_eigenvalues_exact",
    "prove",
    "stability_certificates",
    "to_z3",
]
