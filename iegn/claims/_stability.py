"""Evidence for claims B12–B15: the stability theorem of blueprint §3.3 and its proof."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import networkx as nx
import numpy as np
import sympy
from hypothesis import strategies as st

from ..blueprint import ManifoldOptimizer, make_nodes
from ..graph import laplacian_matrix, stability_bound
from ..kernels import kernel
from ..numeric import consensus_iterate
from ..symbolic import laplacian_eigenvalues_exact, stability_certificates
from ..testing import connected_graphs, states
from ._catalogue import CATALOGUE
from ._evidence import property_outcome, smt_outcome
from ._ledger import Claim, Evidence, Outcome, VerifyOptions

__all__ = ["STABILITY_CLAIMS"]

_TEXT = {cid: (section, text) for cid, section, text in CATALOGUE}


def _smt(name: str) -> Any:
    return lambda options: smt_outcome(stability_certificates()[name])


def _k2() -> np.ndarray:
    return laplacian_matrix(nx.path_graph(2), format="dense")


# --------------------------------------------------------------------------------- B12
def _b12_property(options: VerifyOptions) -> Outcome:
    """Below the bound, every connected (weighted) graph and start reaches the average."""
    strategy = st.tuples(connected_graphs(2, 10, weighted=True), st.floats(0.05, 0.95), st.data())

    def law(case: Any) -> None:
        G, t, data = case
        x0 = data.draw(states(G.number_of_nodes()))
        b = stability_bound(G, weight="weight", method="dense")
        alpha = t * b.critical_step
        rho = float(kernel("convergence_factor")(alpha, b.mu_2, b.mu_max))
        assert rho < 1.0, f"convergence factor {rho} >= 1 below the bound"
        # steps for the predicted contraction to reach 1e-9, plus slack for rounding
        budget = int(math.ceil(math.log(1e-9) / math.log(max(rho, 1e-300)))) + 10 if rho > 0 else 10
        r = consensus_iterate(laplacian_matrix(G, weight="weight"), x0, step=alpha, tol=1e-9,
                              max_iter=budget, on_failure="return")
        assert r.converged, f"no convergence in {budget} steps (alpha={alpha}, rho={rho})"
        # oracle: the plain average of x0, computed independently of the iteration
        scale = max(1.0, float(np.max(np.abs(x0))))
        assert np.max(np.abs(r.state - np.mean(x0))) <= 1e-7 * scale, "limit is not the average"

    return property_outcome(law, strategy, options,
                            what="0 < alpha < 2/mu_max reaches the average (connected weighted graphs, n <= 10)")


def _b12_nonpositive(options: VerifyOptions) -> Outcome:
    """alpha = 0 and alpha < 0 satisfy 'alpha < 2/mu_max' on K2 but never reach consensus."""
    L, x0 = _k2(), np.array([0.0, 1.0])
    still = consensus_iterate(L, x0, step=0.0, max_iter=50, on_failure="return")
    grows = consensus_iterate(L, x0, step=-0.1, max_iter=50, on_failure="return")
    ok = (not still.converged and np.array_equal(still.state, x0)
          and not grows.converged and grows.disagreement[-1] > grows.disagreement[0])
    return Outcome(ok, "K2, x0=(0,1), 2/mu_max = 1: alpha=0 leaves x unchanged; alpha=-0.1 grows the "
                       f"disagreement {grows.disagreement[0]:.3g} -> {grows.disagreement[-1]:.3g} in 50 steps",
                   {"graph": "K2", "alpha": [0.0, -0.1], "final_disagreement": [still.disagreement[-1], grows.disagreement[-1]]})


def _b12_disconnected(options: VerifyOptions) -> Outcome:
    """K2 + K1: the bound holds, the iteration converges, but not to consensus."""
    G = nx.Graph([(0, 1)])
    G.add_node(2)
    b = stability_bound(G)
    r = consensus_iterate(laplacian_matrix(G), [0.0, 1.0, 2.0], step=0.5, on_failure="return")
    # oracle: per-component averages (0.5, 0.5) and 2, by hand
    limit_ok = np.allclose(r.state, [0.5, 0.5, 2.0], atol=1e-12)
    ok = (not b.connected) and b.critical_step == 1.0 and limit_ok and r.disagreement[-1] > 0.5
    return Outcome(ok, "K2 ∪ K1 (smallest disconnected graph with an edge), alpha=0.5 < 2/mu_max=1: "
                       f"x -> {np.round(r.state, 12).tolist()}, per-component averages, never consensus",
                   {"graph": "K2+K1", "alpha": 0.5, "limit": r.state.tolist(), "mu_2": b.mu_2})


def _b12_equilibria(options: VerifyOptions) -> Outcome:
    """L 1 = 0 identically: every consensus vector is an equilibrium (a line, not a point)."""
    n = 4
    w = {(i, j): sympy.Symbol(f"w_{i}{j}", positive=True) for i in range(n) for j in range(i + 1, n)}
    L = sympy.zeros(n, n)
    for (i, j), wij in w.items():
        L[i, j] = L[j, i] = -wij
        L[i, i] += wij
        L[j, j] += wij
    ones = sympy.ones(n, 1)
    alpha = sympy.Symbol("alpha", real=True)
    residual_L = (L * ones).expand()
    residual_W = ((sympy.eye(n) - alpha * L) * ones - ones).expand()
    mean_change = (ones.T * L).expand()
    ok = residual_L.is_zero_matrix and residual_W.is_zero_matrix and mean_change.is_zero_matrix
    return Outcome(bool(ok), "generic weighted K4 (6 symbolic weights): L·1 = 0, (I − αL)·1 = 1 and 1ᵀL = 0 "
                             "as polynomial identities; consensus vectors form a line of equilibria and the "
                             "mean is invariant, so the stable object is span{1}, reached at the average",
                   {"n": n, "weights": len(w)})


# --------------------------------------------------------------------------------- B13
def _b13_identity(options: VerifyOptions) -> Outcome:
    """‖I − αL‖₂ ≥ 1 for every α: exact, from (I − αL)1 = 1 for symbolic weights and α."""
    out = _b12_equilibria(options)
    return Outcome(out.passed, "(I − αL)·1 = 1 identically (generic weighted K4, symbolic α): 1 is a fixed "
                               "vector, so ‖I − αL‖₂ ≥ 1 for every graph and every α: steps 3–4 never give "
                               "‖I − αL‖ < 1", out.details)


def _b13_counterexample(options: VerifyOptions) -> Outcome:
    """K2 at its optimal step α = 1/2: exact spectrum of I − αL is {0, 1}, norm exactly 1."""
    half = sympy.Rational(1, 2)
    W = sympy.eye(2) - half * sympy.Matrix([[1, -1], [-1, 1]])
    eig = laplacian_eigenvalues_exact(W)  # symmetric: exact eigenvalues of W itself
    norm = max(abs(e) for e in eig)
    ok = eig == [0, 1] and norm == 1
    return Outcome(ok, f"K2, α = 1/2 (its optimal step): eigenvalues of I − αL = {eig}, ‖I − αL‖₂ = {norm}, "
                       "not < 1 — yet the disagreement vanishes in one step", {"eigenvalues": [str(e) for e in eig]})


def _b13_restricted(options: VerifyOptions) -> Outcome:
    """Corrected step: on 1⊥ the norm of I − αL is max(|1 − αμ₂|, |1 − αμ_max|) < 1."""
    strategy = st.tuples(connected_graphs(2, 10, weighted=True), st.floats(0.05, 0.95), st.data())

    def law(case: Any) -> None:
        G, t, data = case
        n = G.number_of_nodes()
        L = laplacian_matrix(G, weight="weight", format="dense")
        b = stability_bound(G, weight="weight", method="dense")
        alpha = t * b.critical_step
        rho = float(kernel("convergence_factor")(alpha, b.mu_2, b.mu_max))
        # independent oracle: spectral norm of P W P with P the projector onto 1-perp
        P = np.eye(n) - np.ones((n, n)) / n
        restricted = float(np.linalg.norm(P @ (np.eye(n) - alpha * L) @ P, 2))
        assert abs(restricted - rho) <= 1e-9 * max(1.0, rho), f"‖PWP‖={restricted} vs rho={rho}"
        assert rho < 1.0
        e = data.draw(states(n))
        e = e - e.mean()
        e_next = (np.eye(n) - alpha * L) @ e
        assert np.linalg.norm(e_next) <= rho * np.linalg.norm(e) * (1 + 1e-9) + 1e-12, "error grew past rho"

    return property_outcome(law, strategy, options,
                            what="‖(I − αL)|1⊥‖₂ = max(|1−αμ₂|,|1−αμ_max|) < 1 and ‖e(k+1)‖ ≤ ρ‖e(k)‖ for e ⟂ 1")


# --------------------------------------------------------------------------------- B14
def _b14_at_and_above(options: VerifyOptions) -> Outcome:
    """At α = 2/μ_max a generic start never converges; above, the disagreement grows."""
    strategy = st.tuples(connected_graphs(2, 10, weighted=True), st.floats(0.01, 1.0), st.data())

    def law(case: Any) -> None:
        G, over, data = case
        n = G.number_of_nodes()
        L = laplacian_matrix(G, weight="weight", format="dense")
        mu, V = np.linalg.eigh(L)
        top = V[:, -1]
        x0 = data.draw(states(n, bound=10.0))
        x0 = x0 + (1.0 - top @ x0) * top  # generic start: component 1 along the top eigenvector
        crit = 2.0 / mu[-1]
        at = consensus_iterate(L, x0, step=crit, max_iter=200, on_failure="return")
        # the top mode keeps amplitude 1 (multiplied by -1 each step): disagreement >= 1 forever
        assert not at.converged and at.disagreement[-1] >= 1.0 - 1e-6, "converged at the critical step"
        beyond = consensus_iterate(L, x0, step=crit * (1 + over), max_iter=200, on_failure="return")
        assert beyond.disagreement[-1] > beyond.disagreement[0], "did not grow above the critical step"

    return property_outcome(law, strategy, options,
                            what="α = 2/μ_max: top mode persists; α > 2/μ_max: disagreement grows")


def _b14_particular_start(options: VerifyOptions) -> Outcome:
    """Necessity is for *every* start: P3 from (1, 0, −1) converges at α = 1 > 2/3."""
    L = laplacian_matrix(nx.path_graph(3), format="dense")  # spectrum 0, 1, 3
    r = consensus_iterate(L, [1.0, 0.0, -1.0], step=1.0, max_iter=5, on_failure="return")
    ok = r.converged and r.n_iter == 1
    return Outcome(ok, "P3 (spectrum 0, 1, 3; 2/μ_max = 2/3), x0 = (1, 0, −1) ⟂ top eigenvector (1, −2, 1): "
                       f"α = 1 reaches consensus in {r.n_iter} step — a start without a μ_max component needs "
                       "less; the bound is necessary only for convergence from every start",
                   {"graph": "P3", "alpha": 1.0, "n_iter": r.n_iter})


# --------------------------------------------------------------------------------- B15
def _b15_gdto_static(options: VerifyOptions) -> Outcome:
    """The §3.2 algorithm: adjacency stays exactly 0, loads and states never change."""
    results = {}
    for lr in (0.01, 1.0, 100.0):
        nodes = make_nodes([0.0, 1.0], seed=0)
        loads = [n.current_load for n in nodes]
        vecs = [n.state_vector.copy() for n in nodes]
        opt = ManifoldOptimizer(nodes, learning_rate=lr)
        for _ in range(10):
            opt.minimize_action()
        unchanged = ([n.current_load for n in nodes] == loads
                     and all(np.array_equal(n.state_vector, v) for n, v in zip(nodes, vecs)))
        results[lr] = bool(np.all(opt.adj_matrix == 0.0) and unchanged)
    ok = all(results.values())
    return Outcome(ok, "GDTO (§3.2) on 2 nodes, loads (0, 1), seed 0, 10 steps, α ∈ {0.01, 1, 100}: "
                       "adj_matrix is exactly 0 after every step (its Laplacian is 0) and no load or state "
                       "vector changes — there is no x(k+1) = (I − αL)x(k) in it",
                   {"learning_rates": list(results), "adjacency_zero_and_state_unchanged": list(results.values())})


def _b15_gdto_any_start(options: VerifyOptions) -> Outcome:
    """Even from positive weights, GDTO's map ignores the spectral bound: weights only fall."""
    out = {}
    for lr in (0.01, 10.0):
        nodes = make_nodes([0.0, 1.0, 3.0], seed=1)
        opt = ManifoldOptimizer(nodes, learning_rate=lr)
        opt.adj_matrix = np.ones((3, 3)) - np.eye(3)  # K3 weights, not the blueprint's start
        mu_max = float(np.linalg.eigvalsh(np.diag(opt.adj_matrix.sum(1)) - opt.adj_matrix)[-1])
        prev, monotone = opt.adj_matrix.copy(), True
        for _ in range(1000):
            opt.step_ricci_flow()
            monotone &= bool(np.all(opt.adj_matrix <= prev))
            prev = opt.adj_matrix.copy()
        out[lr] = {"below_bound": lr < 2 / mu_max, "monotone": monotone,
                   "all_zero_at_end": bool(np.all(opt.adj_matrix == 0.0))}
    ok = all(v["monotone"] and v["all_zero_at_end"] for v in out.values()) and out[0.01]["below_bound"] \
        and not out[10.0]["below_bound"]
    return Outcome(ok, "GDTO from K3 weights (μ_max = 3, 2/μ_max = 2/3): with α = 0.01 (below the bound) "
                       "and α = 10 (above it) the weights fall monotonically to 0 — the same behaviour on both "
                       "sides of the theorem's bound", {str(k): v for k, v in out.items()})


STABILITY_CLAIMS: tuple[Claim, ...] = (
    Claim(
        "B12", *_TEXT["B12"],
        verdict="holds-with-conditions",
        statement=(
            "Let G be an undirected graph with non-negative weights and Laplacian eigenvalues "
            "0 = μ₁ ≤ μ₂ ≤ … ≤ μ_max. The iteration x(k+1) = (I − αL)x(k) reaches the average "
            "consensus (1ᵀx(0)/n)·1 from every initial state if and only if G is connected (μ₂ > 0) "
            "and 0 < α < 2/μ_max. The disagreement then decays at least like ρ(α)ᵏ with "
            "ρ(α) = max(|1 − αμ₂|, |1 − αμ_max|), minimised by α* = 2/(μ₂ + μ_max) with "
            "ρ* = (μ_max − μ₂)/(μ_max + μ₂). What is asymptotically stable is the consensus line "
            "span{1} (every consensus vector is an equilibrium), not an isolated equilibrium."
        ),
        evidence=(
            Evidence("smt-proof", "0 < μ ≤ μ_max, 0 < α < 2/μ_max ⇒ |1 − αμ| < 1 (every non-mean mode decays)",
                     _smt("sufficiency")),
            Evidence("smt-proof", "α ≤ 0 ⇒ |1 − αμ| ≥ 1: the hypothesis α > 0 is missing from the theorem",
                     _smt("nonpositive_step")),
            Evidence("property-test", "below the bound, every connected weighted graph and start reaches the average",
                     _b12_property),
            Evidence("counterexample", "α = 0 and α = −0.1 satisfy α < 2/μ_max on K2 and never reach consensus",
                     _b12_nonpositive),
            Evidence("counterexample", "disconnected K2 ∪ K1: the bound holds, the limit is not consensus",
                     _b12_disconnected),
            Evidence("symbolic-identity", "L·1 = 0 and 1ᵀL = 0 for symbolic weights: equilibria form a line, "
                     "the mean is invariant", _b12_equilibria),
        ),
    ),
    Claim(
        "B13", *_TEXT["B13"],
        verdict="refuted",
        statement=(
            "As written, ‖I − αL‖ < 1 is false for every graph and every α: (I − αL)·1 = 1, so "
            "‖I − αL‖₂ ≥ 1 (and ρ(I − αL) ≥ 1, contradicting step 4's requirement). Corrected: the "
            "error e(k) = x(k) − x̄·1 with x̄ the initial average stays in 1⊥ (the mean is invariant); "
            "on 1⊥ the symmetric operator I − αL has norm equal to its spectral radius there, "
            "max_{i≥2} |1 − αμᵢ|, which is < 1 iff μ₂ > 0 and 0 < α < 2/μ_max; then "
            "‖e(k+1)‖₂ ≤ max(|1 − αμ₂|, |1 − αμ_max|)·‖e(k)‖₂."
        ),
        evidence=(
            Evidence("symbolic-identity", "(I − αL)·1 = 1 identically, so ‖I − αL‖₂ ≥ 1 always", _b13_identity),
            Evidence("counterexample", "K2 at α = 1/2: exact spectrum {0, 1}, norm exactly 1", _b13_counterexample),
            Evidence("property-test", "corrected step: the restricted norm equals ρ(α) < 1 and bounds each step",
                     _b13_restricted),
        ),
    ),
    Claim(
        "B14", *_TEXT["B14"],
        verdict="holds-with-conditions",
        statement=(
            "For a connected graph, 0 < α < 2/μ_max is necessary and sufficient for convergence to the "
            "average from every initial state. Necessity: at α = 2/μ_max the μ_max-mode is multiplied by "
            "−1 each step (oscillates, never decays), above it grows, and α ≤ 0 never contracts — step 7 "
            "drops the lower bound α > 0. The bound is tight only over all starts: a start with no "
            "component along the μ_max eigenspace converges for larger steps."
        ),
        evidence=(
            Evidence("smt-proof", "|1 − αμ_max| < 1 ⇒ 0 < α < 2/μ_max (necessity)", _smt("necessity")),
            Evidence("smt-proof", "α = 2/μ_max ⇒ 1 − αμ_max = −1 (boundary: no decay)", _smt("boundary")),
            Evidence("smt-proof", "α > 2/μ_max ⇒ |1 − αμ_max| > 1 (beyond: growth)", _smt("beyond")),
            Evidence("smt-proof", "the closed bound 0 < α ≤ 2/μ_max does not give |1 − αμ| < 1 (z3 finds the "
                     "witness)", _smt("closed_bound_insufficient")),
            Evidence("property-test", "at the bound generic starts oscillate forever; above it they diverge",
                     _b14_at_and_above),
            Evidence("counterexample", "a particular start (P3, x0 ⟂ top eigenvector) converges at α = 1 > 2/μ_max",
                     _b14_particular_start),
        ),
    ),
    Claim(
        "B15", *_TEXT["B15"],
        verdict="refuted",
        statement=(
            "The theorem is about the linear consensus map x ↦ (I − αL)x on node states. The §3.2 "
            "algorithm (GDTO) updates no node state; it updates an adjacency matrix by "
            "A ← max(A − 2αR, 0) with a non-negative proxy R, which from the blueprint's start A = 0 "
            "stays exactly 0 for every learning rate α ≥ 0 (a negative rate makes the weights grow without "
            "bound: see B09), and from any non-negative start with α > 0 only decreases, on both sides of 2/μ_max. "
            "The bound neither describes nor constrains that algorithm."
        ),
        evidence=(
            Evidence("counterexample", "GDTO on 2 nodes: adjacency stays 0, no state changes, for α from 0.01 to 100",
                     _b15_gdto_static),
            Evidence("counterexample", "GDTO from K3 weights: weights fall to 0 below and above the bound alike",
                     _b15_gdto_any_start),
        ),
    ),
)
