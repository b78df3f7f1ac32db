"""The 22 claims of the blueprint (ids, sections and short text from CLAIMS.md)."""

from __future__ import annotations

__all__ = ["CATALOGUE"]

#: ``(id, section, claim in short)``, in id order. The ids are a public interface.
CATALOGUE: tuple[tuple[str, str, str], ...] = (
    ("B01", "1.2", "The system minimises the action functional; δA = 0 expresses that minimisation."),
    ("B02", "1.1, 3.1", "Following the Euler–Lagrange dynamics of 𝓛 = T − V − λS, the system settles into an "
     "equilibrium (the workflow reaches a locked state)."),
    ("B03", "1.1 vs 2.1", "The entropy term of the Lagrangian (−λS in 𝓛) and Lemma 1's free energy F = U − λS "
     "describe the same equilibrium."),
    ("B04", "2.1", "Lemma 1: agents minimising F = U − λS by gradient descent converge to a Boltzmann distribution."),
    ("B05", "2.1", "That Boltzmann state approximates the Nash equilibrium of the underlying game."),
    ("B06", "2.1", "PBFT and Raft are Byzantine-fault-tolerant consensus algorithms scaling as O(n²) or O(n log n)."),
    ("B07", "2.1", "Treating consensus as energy minimisation bypasses that complexity while still reaching "
     "(Byzantine-tolerant) consensus."),
    ("B08", "3.2", "`compute_ricci_curvature` approximates Ollivier–Ricci curvature."),
    ("B09", "3.2", "`step_ricci_flow` / `minimize_action` evolve the metric and re-architect the node graph."),
    ("B10", "1.3, 2.2, 3.2", "High (positive) curvature marks congestion / bottlenecks."),
    ("B11", "1.3", "Discrete Ricci flow compresses positively curved regions and expands negatively curved ones."),
    ("B12", "3.3", "Theorem: the update is asymptotically stable if α < 2/λ_max of the Laplacian."),
    ("B13", "3.3", "Proof steps 3–4: ‖I − αL‖ < 1, i.e. the update contracts the error in norm."),
    ("B14", "3.3", "Proof steps 5–7: α < 2/μ_max is exactly the condition for contraction (nothing weaker suffices)."),
    ("B15", "3.3", "The theorem is about the IEGN update rule, i.e. the algorithm of §3.2."),
    ("B16", "4.2", "The cosmological term Λ Σ 1/d_ij ensures that no edge weight ever reaches zero."),
    ("B17", "3.1", "The loop \"until Entropy < Threshold\" ends in a locked consensus state."),
    ("B18", "1.3", "The diffusive term Φ avoids heat death (static equilibrium) while the system still converges."),
    ("B19", "4.3", "Adjacency-matrix calculations are O(1) when parallelised; the framework suits exascale."),
    ("B20", "4.1", "No central coordination is required: the behaviour emerges from local interactions alone."),
    ("B21", "4.2", "Curvature can diverge (R_ij → ∞ everywhere), disconnecting the network."),
    ("B22", "4.4", "Minimising the entropic cost reduces the energy footprint and satisfies alignment."),
)
