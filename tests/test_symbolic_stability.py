"""The derivation of the stability theorem, checked against independent computations."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from iegn import InvalidArgumentError
from iegn.symbolic import derive_stability, exact_stability_constants, laplacian_eigenvalues_exact

from ._helpers import closed_form_spectra

D = derive_stability()
S = D.symbols


def test_results_are_keyed_and_complete():
    expected = {"mode_factor", "mode_solution", "mean_factor", "mode_stable_set", "bound_derivative",
                "stable_set", "critical_step", "convergence_factor", "optimal_step", "optimal_factor"}
    assert set(D) == expected
    assert len(D.steps) >= 5  # the derivation trail is recorded


def test_mode_solution_satisfies_the_recurrence():
    # oracle: substitute the closed form back into c(k+1) = (1 - alpha mu) c(k)
    c = D["mode_solution"]
    k, a, mu = S["k"], S["alpha"], S["mu"]
    for kk in range(6):  # polynomial identities in alpha, mu, c_0 for each concrete k
        assert sympy.expand(c.subs(k, kk + 1) - (1 - a * mu) * c.subs(k, kk)) == 0
    assert c.subs(k, 0) == S["c_0"]


def test_closed_forms_match_the_classical_results():
    # Xiao & Boyd (2004), Sect. 4.1: alpha* = 2/(l2 + ln), rho* = (ln - l2)/(ln + l2)
    m2, mm = S["mu_2"], S["mu_max"]
    assert sympy.simplify(D["optimal_step"] - 2 / (m2 + mm)) == 0
    assert sympy.simplify(D["optimal_factor"] - (mm - m2) / (mm + m2)) == 0
    assert D["stable_set"] == sympy.Interval.open(0, 2 / mm)
    assert D["mean_factor"] == 1


@given(st.floats(0.01, 100), st.floats(0.0, 1.0))
def test_optimal_step_beats_a_brute_force_grid(mu2, t):
    # independent method: minimise rho(alpha) over a fine grid of steps
    mumax = mu2 * (1 + 50 * t)
    rho = sympy.lambdify((S["alpha"], S["mu_2"], S["mu_max"]), D["convergence_factor"], "math")
    grid = np.linspace(1e-6, 2 / mumax, 20001)
    best = min(rho(a, mu2, mumax) for a in grid[::50])
    opt = float(D["optimal_step"].subs({S["mu_2"]: mu2, S["mu_max"]: mumax}))
    opt_rho = float(D["optimal_factor"].subs({S["mu_2"]: mu2, S["mu_max"]: mumax}))
    # grid spacing 50 * (2/mumax)/20000 moves rho by at most that times mumax: <= 5e-3
    assert opt_rho <= best + 1e-12
    assert best - opt_rho <= 5e-3
    assert abs(rho(opt, mu2, mumax) - opt_rho) <= 1e-12 * max(1.0, opt_rho) + 1e-15  # float rounding


@given(st.floats(0.01, 50), st.floats(-1.0, 3.0))
def test_stable_set_matches_direct_evaluation(mu, t):
    # exact rational arithmetic: float rounding of 1 - alpha*mu would blur the boundary
    mu_q, alpha = sympy.Rational(mu), sympy.Rational(t) * 2 / sympy.Rational(mu)
    inside = (1 - alpha * mu_q) ** 2 < 1  # |1 - alpha mu| < 1 written without abs
    assert bool(inside) == bool(D["mode_stable_set"].subs(S["mu"], mu_q).contains(alpha))


@pytest.mark.parametrize("name", sorted(closed_form_spectra()))
def test_exact_eigenvalues_match_closed_forms(name):
    G, spectrum = closed_form_spectra()[name]
    L = nx.laplacian_matrix(G, nodelist=sorted(G)).toarray().tolist()
    exact = laplacian_eigenvalues_exact(L)
    # exact roots evaluated to 40 digits against the closed forms (which are exact reals
    # rounded to float64, hence the 1e-13 tolerance)
    assert len(exact) == len(spectrum)
    for root, ref in zip(exact, spectrum):
        assert abs(float(sympy.N(root, 40)) - ref) <= 1e-13


def test_exact_constants_are_exact_rationals_for_integer_spectra():
    c = exact_stability_constants(laplacian_eigenvalues_exact(nx.laplacian_matrix(nx.star_graph(3)).toarray().tolist()))
    # K_{1,3}: spectrum 0, 1, 1, 4 (Brouwer & Haemers 2012, §1.4.4)
    assert c == {"mu_2": 1, "mu_max": 4, "critical_step": sympy.Rational(1, 2),
                 "optimal_step": sympy.Rational(2, 5), "optimal_factor": sympy.Rational(3, 5)}


def test_exact_constants_for_the_pentagon_are_golden():
    # C5: mu_2 = 2 - 2cos(2pi/5) = (5 - sqrt5)/2, mu_max = (5 + sqrt5)/2: alpha* = 2/5, rho* = sqrt5/5
    c = exact_stability_constants(laplacian_eigenvalues_exact(nx.laplacian_matrix(nx.cycle_graph(5)).toarray().tolist()))
    assert sympy.simplify(c["optimal_step"] - sympy.Rational(2, 5)) == 0
    assert sympy.simplify(c["optimal_factor"] - sympy.sqrt(5) / 5) == 0
    assert abs(float(c["mu_2"]) - (2 - 2 * math.cos(2 * math.pi / 5))) <= 1e-15


def test_exact_constants_of_a_disconnected_spectrum():
    c = exact_stability_constants([sympy.Integer(0), sympy.Integer(0), sympy.Integer(2)])
    assert c["optimal_step"] is None and c["optimal_factor"] == 1 and c["critical_step"] == 1


@pytest.mark.parametrize(
    ("matrix", "message"),
    [
        ([[1, -1, 0], [-1, 1, 0]], "square"),
        ([[1, -2], [-1, 1]], "symmetric"),
        ([[sympy.sqrt(2), 0], [0, 0]], "rational"),
        ([[float("nan"), 0], [0, 0]], "finite"),
        (5, "sequence of rows"),
    ],
)
def test_exact_eigenvalues_reject_bad_matrices(matrix, message):
    with pytest.raises(InvalidArgumentError, match=message):
        laplacian_eigenvalues_exact(matrix)


def test_float_entries_are_taken_exactly():
    # 0.1 is not 1/10 in binary: the exact mode must not round it to 1/10
    eig = laplacian_eigenvalues_exact([[0.1, -0.1], [-0.1, 0.1]])
    assert eig[1] == 2 * sympy.Rational(0.1) and eig[1] != sympy.Rational(1, 5)
