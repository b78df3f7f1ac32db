"""Numeric layer: consensus iteration, Laplacian spectra and Lagrangian integrators on NumPy,
SciPy and JAX arrays."""

from ._annealing import SCHEDULE_KINDS as SCHEDULE_KINDS
from ._annealing import AnnealingResult as AnnealingResult
from ._annealing import AnnealingSchedule as AnnealingSchedule
from ._annealing import annealing_schedule as annealing_schedule
from ._annealing import critical_depth as critical_depth
from ._annealing import metropolis_matrix as metropolis_matrix
from ._annealing import simulated_annealing as simulated_annealing
from ._consensus import ConsensusResult as ConsensusResult
from ._consensus import StabilityConstants as StabilityConstants
from ._consensus import consensus_iterate as consensus_iterate
from ._consensus import consensus_matrix as consensus_matrix
from ._consensus import stability_constants as stability_constants
from ._games import LogitDynamicsResult as LogitDynamicsResult
from ._games import NormalFormGame as NormalFormGame
from ._games import coordination_game as coordination_game
from ._games import expected_payoffs as expected_payoffs
from ._games import logit_dynamics as logit_dynamics
from ._games import logit_response as logit_response
from ._games import matching_pennies as matching_pennies
from ._games import nash_gap as nash_gap
from ._games import potential_function as potential_function
from ._games import prisoners_dilemma as prisoners_dilemma
from ._games import quantal_response_equilibrium as quantal_response_equilibrium
from ._games import shapley_game as shapley_game
from ._laplacian import as_laplacian as as_laplacian
from ._laplacian import laplacian_extreme_eigenvalues as laplacian_extreme_eigenvalues
from ._mechanics import CONSTRAINTS as CONSTRAINTS
from ._mechanics import INTEGRATION_METHODS as INTEGRATION_METHODS
from ._mechanics import DomainExitError as DomainExitError
from ._mechanics import LagrangianKernels as LagrangianKernels
from ._mechanics import Trajectory as Trajectory
from ._mechanics import lagrangian_kernels as lagrangian_kernels
from ._mechanics import simulate as simulate
from ._robust import StubbornConsensusResult as StubbornConsensusResult
from ._robust import metropolis_hastings_laplacian as metropolis_hastings_laplacian
from ._robust import stubborn_consensus as stubborn_consensus
from ._simplex import DESCENT_METHODS as DESCENT_METHODS
from ._simplex import SimplexDescentResult as SimplexDescentResult
from ._simplex import minimize_free_energy as minimize_free_energy
from ._simplex import project_simplex as project_simplex
from ._simplex import stationarity_gap as stationarity_gap
from ._thermo import SIMPLEX_ATOL as SIMPLEX_ATOL
from ._thermo import boltzmann as boltzmann
from ._thermo import check_simplex as check_simplex
from ._thermo import free_energy as free_energy
from ._thermo import kl_divergence as kl_divergence
from ._thermo import log_partition as log_partition
from ._thermo import shannon_entropy as shannon_entropy

__all__ = [
    "CONSTRAINTS",
    "DESCENT_METHODS",
    "SIMPLEX_ATOL",
    "INTEGRATION_METHODS",
    "SCHEDULE_KINDS",
    "AnnealingResult",
    "AnnealingSchedule",
    "ConsensusResult",
    "DomainExitError",
    "LagrangianKernels",
    "LogitDynamicsResult",
    "NormalFormGame",
    "SimplexDescentResult",
    "StubbornConsensusResult",
    "Trajectory",
    "StabilityConstants",
    "annealing_schedule",
    "as_laplacian",
    "boltzmann",
    "check_simplex",
    "consensus_iterate",
    "consensus_matrix",
    "coordination_game",
    "critical_depth",
    "expected_payoffs",
    "free_energy",
    "kl_divergence",
    "lagrangian_kernels",
    "laplacian_extreme_eigenvalues",
    "log_partition",
    "logit_dynamics",
    "logit_response",
    "matching_pennies",
    "metropolis_hastings_laplacian",
    "metropolis_matrix",
    "minimize_free_energy",
    "nash_gap",
    "potential_function",
    "prisoners_dilemma",
    "project_simplex",
    "quantal_response_equilibrium",
    "shannon_entropy",
    "shapley_game",
    "simulate",
    "simulated_annealing",
    "stability_constants",
    "stationarity_gap",
    "stubborn_consensus",
]
