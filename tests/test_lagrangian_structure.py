"""Structure of an Euler–Lagrange derivation: its indexed (Sum) form, its equations, and the
classification of its equilibria, each checked against an independent construction."""

from __future__ import annotations

import pytest
import sympy

from iegn import InvalidArgumentError
from iegn.symbolic import derive_euler_lagrange
from iegn.symbolic._lagrangian import coordinate_symbols

CHAIN = "k*(q0 - q1)**2 + k*(q1 - q2)**2"


def _to_symbols(expr: sympy.Expr, n: int) -> sympy.Expr:
    """``q[i]``, ``v[i]``, ``m[i]``, ``gamma[i]`` of the indexed form -> the symbols ``q0``, ..."""
    cs = coordinate_symbols(n)
    sub = {sympy.IndexedBase(name)[k]: cs[name][k] for name in ("q", "v", "m", "gamma") for k in range(n)}
    return expr.xreplace(sub)


@pytest.mark.parametrize("entropy", ["blueprint", "free-energy", "none"])
def test_the_indexed_form_expands_to_the_assembled_lagrangian_and_hamiltonian(entropy):
    """sum_i l(q_i, v_i) - V_c and sum_i h_i + V_c, written as sympy.Sum, equal (exactly, after
    expansion) the Lagrangian and Hamiltonian assembled site by site: the coupling potential
    enters L with a minus sign and H with a plus sign."""
    d = derive_euler_lagrange(3, CHAIN, parameters=["k"], entropy=entropy, dissipation=True)
    ix = d.indexed()
    assert sympy.expand(_to_symbols(ix["lagrangian"].doit(), 3) - d.lagrangian) == 0
    assert sympy.expand(_to_symbols(ix["hamiltonian"].doit(), 3) - d.hamiltonian) == 0
    # the acceleration of coordinate i is written in v[i], m[i], gamma[i], the force F[i], and
    # q[i] through the entropy's force (no site potential here, so not without entropy)
    labels = {"v", "m", "gamma", "F"} | ({"q"} if entropy != "none" else set())
    assert {str(b.base.label) for b in ix["acceleration"].atoms(sympy.Indexed)} == labels


def test_equations_solved_for_the_accelerations_give_the_accelerations():
    d = derive_euler_lagrange(3, CHAIN, parameters=["k"], dissipation=True)
    eqs = d.equations()
    assert list(eqs) == ["q0", "q1", "q2"]
    for i in range(3):
        a_i = sympy.Symbol(f"a{i}", real=True)
        (sol,) = sympy.solve(eqs[f"q{i}"], a_i)
        assert sympy.simplify(sol - d.acceleration(i)) == 0
    # the chain's coupling force on q1 is -dV/dq1 = 2k q0 - 4k q1 + 2k q2, by hand
    k = d.parameters[0]
    q0, q1, q2 = coordinate_symbols(3)["q"]
    assert sympy.expand(d.force(1) - (2 * k * q0 - 4 * k * q1 + 2 * k * q2)) == 0


@pytest.mark.parametrize(("site", "parameters", "kind"), [
    ("q**2", [], "minimum"),  # U = q^2: Hessian 2
    ("-q**2", [], "maximum"),  # Hessian -2
    ("q**4", [], "degenerate"),  # Hessian 0 at q = 0: undecided at second order
    ("k*q**2", ["k"], "undetermined"),  # Hessian 2k: its sign depends on k
])
def test_equilibria_are_classified_by_the_signs_of_the_hessian(site, parameters, kind):
    d = derive_euler_lagrange(1, site_potential=site, parameters=parameters, entropy="none")
    (eq,) = d.equilibria()
    assert eq.point == {"q0": 0}
    assert eq.kind == kind
    assert eq.in_domain is True  # no entropy: every real point is in the domain


def test_a_saddle_of_two_coordinates():
    """U = q0^2 - q1^2 + (q0 - q1)^2 has Hessian [[4, -2], [-2, 0]] at 0: eigenvalues
    2 +- 2 sqrt 2, one of each sign."""
    d = derive_euler_lagrange(2, "(q0 - q1)**2", site_potential="q**2", entropy="none")
    d2 = derive_euler_lagrange(2, "(q0 - q1)**2 - 2*q1**2", site_potential="q**2", entropy="none")
    assert [e.kind for e in d.equilibria()] == ["minimum"]
    assert [e.kind for e in d2.equilibria()] == ["saddle"]


def test_refusals_name_the_argument():
    with pytest.raises(InvalidArgumentError, match=r"^coordinates=0 must be >= 1"):
        coordinate_symbols(0)
    with pytest.raises(InvalidArgumentError, match=r"^potential='q0 \+ x' uses symbol 'x'"):
        derive_euler_lagrange(2, "q0 + x")
    with pytest.raises(InvalidArgumentError, match=r"^site_potential='q \+ y' uses symbol 'y'"):
        derive_euler_lagrange(2, site_potential="q + y")
