"""Symbolic layer (SymPy, z3): derivations and machine-checked statements."""

from ._gibbs import GibbsDerivation as GibbsDerivation
from ._gibbs import derive_descent_conditions as derive_descent_conditions
from ._gibbs import derive_gibbs as derive_gibbs
from ._lagrangian import ENTROPY_CONVENTIONS as ENTROPY_CONVENTIONS
from ._lagrangian import Equilibrium as Equilibrium
from ._lagrangian import EulerLagrangeDerivation as EulerLagrangeDerivation
from ._lagrangian import coordinate_symbols as coordinate_symbols
from ._lagrangian import derive_euler_lagrange as derive_euler_lagrange
from ._lagrangian import exact_simplify as exact_simplify
from ._lagrangian import parse_potential as parse_potential
from ._smt import Certificate as Certificate
from ._smt import prove as prove
from ._smt import stability_certificates as stability_certificates
from ._smt import to_z3 as to_z3
from ._stability import StabilityDerivation as StabilityDerivation
from ._stability import derive_stability as derive_stability
from ._stability import exact_stability_constants as exact_stability_constants
from ._stability import laplacian_eigenvalues_exact as laplacian_eigenvalues_exact

__all__ = [
    "ENTROPY_CONVENTIONS",
    "Certificate",
    "Equilibrium",
    "EulerLagrangeDerivation",
    "GibbsDerivation",
    "StabilityDerivation",
    "coordinate_symbols",
    "derive_descent_conditions",
    "derive_euler_lagrange",
    "derive_gibbs",
    "derive_stability",
    "exact_simplify",
    "exact_stability_constants",
    "laplacian_eigenvalues_exact",
    "parse_potential",
    "prove",
    "stability_certificates",
    "to_z3",
]
