"""Laws of the derived Lagrangian (:mod:`iegn.symbolic._lagrangian`) the mutation run found
untested: every site entry against a hand derivation, the boundary q -> 0+ under each entropy
convention, and the input rules of ``parse_potential`` and ``parameters``, message by message.

Hand derivation (one coordinate, site potential f(q) = k q^2/2, entropy s = -q log q,
convention sigma, coupling force F, Rayleigh term gamma v^2/2):

* l = m v^2/2 - k q^2/2 - sigma lam s;  p = dl/dv = m v;
* dl/dq = -k q + sigma lam (log q + 1), so m a = -k q + sigma lam (log q + 1) - gamma v + F;
* h = p v - l = m v^2/2 + k q^2/2 + sigma lam s, and dh/dt - F v = -gamma v^2;
* U = k q^2/2 + sigma lam s: U' = k q - sigma lam (log q + 1), U'' = k - sigma lam / q;
* q -> 0+: U -> 0 (q log q -> 0); -U' -> sigma * (+inf) (log q -> -inf): -inf for the
  blueprint's sign, +inf for the free energy, 0 without entropy;
* discrete (trapezoid L_d, U_F(q) = U(q) - F q, midpoint Rayleigh forces):
  (m/h + gamma/2) q_{k+1} = (m/h + gamma/2) q_k + (m/h - gamma/2)(q_k - q_{k-1}) - h U_F'(q_k).
"""

from __future__ import annotations

import pytest
import sympy

from iegn import InvalidArgumentError
from iegn.symbolic import derive_euler_lagrange, parse_potential
from iegn.symbolic._lagrangian import (A, F, GAMMA, H, LAM, M, Q, QM, Q0, Q1, V, coordinate_symbols,
                                       exact_simplify)

K = sympy.Symbol("k", real=True)
SIGMA = {"blueprint": 1, "free-energy": -1, "none": 0}


def _zero(expr) -> bool:
    return exact_simplify(sympy.sympify(expr)) == 0


@pytest.mark.parametrize("entropy", ["blueprint", "free-energy", "none"])
@pytest.mark.parametrize("dissipation", [False, True])
def test_site_entries_equal_the_hand_derivation(entropy, dissipation):
    d = derive_euler_lagrange(2, site_potential="k*q**2/2", parameters=["k"], entropy=entropy,
                              dissipation=dissipation)
    sig = SIGMA[entropy]
    g = GAMMA if dissipation else 0
    s = -Q * sympy.log(Q)
    site = d.site
    assert _zero(site["entropy"] - s)
    assert _zero(site["lagrangian"] - (M * V**2 / 2 - K * Q**2 / 2 - sig * LAM * s))
    assert _zero(site["rayleigh"] - g * V**2 / 2)
    assert _zero(site["momentum"] - M * V)
    assert _zero(site["acceleration"] - (-K * Q + sig * LAM * (sympy.log(Q) + 1) - g * V + F) / M)
    # the equation is m a - dl/dq + gamma v - F (= 0)
    assert _zero(site["euler_lagrange"] - (M * A + K * Q - sig * LAM * (sympy.log(Q) + 1) + g * V - F))
    assert _zero(site["hamiltonian"] - (M * V**2 / 2 + K * Q**2 / 2 + sig * LAM * s))
    assert _zero(site["energy_rate"] + g * V**2)
    u = K * Q**2 / 2 + sig * LAM * s
    assert _zero(site["effective_potential"] - u)
    assert _zero(site["effective_force"] + K * Q - sig * LAM * (sympy.log(Q) + 1))
    assert _zero(site["stiffness"] - (K - sig * LAM / Q))
    # the discrete map, from the hand formula above
    uf_prime = K * Q0 - sig * LAM * (sympy.log(Q0) + 1) - F
    c = M / H + g / 2
    want = (c * Q0 + (M / H - g / 2) * (Q0 - QM) - H * uf_prime) / c
    assert _zero(site["discrete_map"] - want)


@pytest.mark.parametrize("entropy, force", [("blueprint", -sympy.oo), ("free-energy", sympy.oo), ("none", 0)])
def test_boundary_limits_at_the_edge_of_the_entropy_domain(entropy, force):
    d = derive_euler_lagrange(1, site_potential="k*q**2/2", parameters=["k"], entropy=entropy)
    assert d.site["boundary_potential"] == 0  # k q^2/2 and q log q both -> 0 as q -> 0+
    assert d.site["boundary_force"] == force


def test_boundary_limit_from_the_right_not_the_left():
    # f(q) = 1/q: U -> +inf as q -> 0+ (from the left it would be -inf), -U' = 1/q^2 -> +inf
    d = derive_euler_lagrange(1, site_potential="1/q", entropy="none")
    assert d.site["boundary_potential"] == sympy.oo
    assert d.site["boundary_force"] == sympy.oo
    # f(q) = -log(q) (entropy off): U -> +inf, -U' = 1/q -> +inf from the right
    d = derive_euler_lagrange(1, site_potential="-log(q)", entropy="none")
    assert d.site["boundary_potential"] == sympy.oo and d.site["boundary_force"] == sympy.oo


# ----------------------------------------------------------------------------- parse_potential
def test_parse_potential_values():
    q0, q1 = coordinate_symbols(2)["q"]
    allowed = {"q0": q0, "q1": q1}
    assert parse_potential(None, allowed) == 0
    assert parse_potential("  q0**2/2 ", allowed) == q0**2 / 2
    assert parse_potential("q0", allowed) == q0  # a bare coordinate is a scalar expression
    assert parse_potential(3, allowed) == 3
    # symbols are matched by name: a plain Symbol("q1") becomes the library's real q1
    out = parse_potential(sympy.Symbol("q1") ** 2, allowed)
    assert out == q1**2 and out.free_symbols == {q1} and next(iter(out.free_symbols)).is_real


@pytest.mark.parametrize("expr, message", [
    ("", "potential='' is empty"),
    ("   ", "potential='   ' is empty"),
    ("q0 +* 2", "does not parse: "),
    ("q0 > 1", "is not a scalar expression"),
    (sympy.Lambda(Q, Q), "is not a scalar expression"),
    ([1, 2], "is not a SymPy expression"),
    ("z + q0", "uses symbol 'z', which is not one of: q0, q1"),
    ("b + a + q0", "uses symbol 'a', which is not one of: q0, q1"),  # the first in sorted order
    ("g(q0)", "uses the undefined function g"),
    ("1/(q0 - q0)", "is not a finite real expression"),
    ("sqrt(-1) * q0", "is not a finite real expression"),
    ("oo", "is not a finite real expression"),
])
def test_parse_potential_refusals_name_the_problem(expr, message):
    q0, q1 = coordinate_symbols(2)["q"]
    with pytest.raises(InvalidArgumentError, match=_escape(message)):
        parse_potential(expr, {"q0": q0, "q1": q1})


def _escape(text: str) -> str:
    import re

    return re.escape(text)


def test_parse_potential_says_what_it_parsed():
    q0 = coordinate_symbols(1)["q"][0]
    with pytest.raises(InvalidArgumentError, match="site potential='zz' uses symbol 'zz'"):
        parse_potential("zz", {"q0": q0}, what="site potential")


@pytest.mark.parametrize("params, listed", [((), "q0..q2"), (["k"], "q0..q2, k"), (["k", "c"], "q0..q2, k, c")])
def test_unknown_symbol_lists_the_coordinates_and_parameters(params, listed):
    with pytest.raises(InvalidArgumentError) as info:
        derive_euler_lagrange(3, "zz * q0", parameters=params)
    assert str(info.value).endswith(f"which is not one of: {listed}")


# ---------------------------------------------------------------------------------- parameters
def test_parameters_accept_one_name_a_symbol_or_a_list():
    for spec in ("k", sympy.Symbol("k"), ["k"], (sympy.Symbol("k", positive=True),)):
        d = derive_euler_lagrange(1, "k*q0**2", parameters=spec)
        (k,) = d.parameters
        assert k.name == "k" and k.is_real  # always a real symbol, whatever the caller's assumptions
        assert d.coupling_forces[0] == -2 * k * coordinate_symbols(1)["q"][0]
    d = derive_euler_lagrange(1, "c*q0 + b*q0**2", parameters=["c", "b"])
    assert [p.name for p in d.parameters] == ["c", "b"]  # the caller's order


@pytest.mark.parametrize("params, message", [
    (["1k"], "parameter '1k' is not a valid symbol name"),
    ([3], "parameter 3 is not a valid symbol name"),
    (["lam"], "parameter 'lam' clashes with a symbol of the Lagrangian"),
    (["q7"], "parameter 'q7' clashes with a symbol of the Lagrangian"),
    (["gamma2"], "parameter 'gamma2' clashes with a symbol of the Lagrangian"),
    (["a"], "parameter 'a' clashes with a symbol of the Lagrangian"),  # the acceleration
    (["k", "k"], "parameters ['k', 'k'] has duplicates"),
    ([sympy.Symbol("k"), "k"], "parameters ['k', 'k'] has duplicates"),
])
def test_bad_parameters_name_the_problem(params, message):
    with pytest.raises(InvalidArgumentError, match=_escape(message)):
        derive_euler_lagrange(1, "q0**2", parameters=params)


def test_accelerations_of_a_chain_by_hand():
    # V_c = (q1 - q0)^2/2, no site potential, no entropy: a0 = (q1 - q0)/m0, a1 = -(q1 - q0)/m1
    d = derive_euler_lagrange(2, "(q1 - q0)**2/2", entropy="none")
    sym = coordinate_symbols(2)
    q0, q1 = sym["q"]
    m0, m1 = sym["m"]
    assert _zero(d["q0"] - (q1 - q0) / m0)
    assert _zero(d["q1"] + (q1 - q0) / m1)
    assert list(d) == ["q0", "q1"] and len(d) == 2 and "q2" not in d
