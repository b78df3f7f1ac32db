"""iegn: a verified mathematical reference library for the IEGN blueprint.

Subpackages, in dependency order: :mod:`iegn.symbolic` (SymPy derivations, z3 certificates),
:mod:`iegn.kernels` (generated NumPy/JAX functions), :mod:`iegn.numeric` (consensus on
arrays), :mod:`iegn.graph` (NetworkX graphs), :mod:`iegn.blueprint` (the blueprint's own
algorithm, as specified), :mod:`iegn.claims` (the ledger), :mod:`iegn.testing` (Hypothesis
strategies). The most used names are re-exported here.
"""

from ._errors import DisconnectedGraphError as DisconnectedGraphError
from ._errors import IegnError as IegnError
from ._errors import InvalidArgumentError as InvalidArgumentError
from ._errors import InvalidGraphError as InvalidGraphError
from ._errors import NotConvergedError as NotConvergedError
from .graph import algebraic_connectivity as algebraic_connectivity
from .graph import consensus as consensus
from .graph import convergence_factor as convergence_factor
from .graph import critical_step as critical_step
from .graph import laplacian_spectral_radius as laplacian_spectral_radius
from .graph import optimal_step as optimal_step
from .graph import stability_bound as stability_bound
from .numeric import boltzmann as boltzmann
from .numeric import free_energy as free_energy
from .numeric import kl_divergence as kl_divergence
from .numeric import log_partition as log_partition
from .numeric import shannon_entropy as shannon_entropy
from ._lazy import lazy_getattr as _lazy_getattr
from .kernels._jax import prefer_x64 as _prefer_x64

_prefer_x64()  # JAX arrays made after `import iegn` are float64 (JAX itself is not imported here)

_LAZY = {"derive_stability": ".symbolic", "derive_euler_lagrange": ".symbolic", "derive_gibbs": ".symbolic"}  # SymPy is imported only when asked for
__getattr__ = _lazy_getattr(__name__, globals(), _LAZY)

__version__ = "0.1.0"

__all__ = [
    "DisconnectedGraphError",
    "IegnError",
    "InvalidArgumentError",
    "InvalidGraphError",
    "NotConvergedError",
    "algebraic_connectivity",
    "boltzmann",
    "consensus",
    "convergence_factor",
    "critical_step",
    "derive_euler_lagrange",
    "derive_gibbs",
    "derive_stability",
    "free_energy",
    "kl_divergence",
    "laplacian_spectral_radius",
    "log_partition",
    "optimal_step",
    "shannon_entropy",
    "stability_bound",
]
