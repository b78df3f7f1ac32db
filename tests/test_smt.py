"""z3 certificates of the stability statements, and the SymPy → z3 translation."""

from __future__ import annotations

import pytest
import sympy

from iegn import InvalidArgumentError
from iegn.symbolic import prove, stability_certificates, to_z3

EXPECTED = {
    "sufficiency": "proved", "necessity": "proved", "boundary": "proved", "beyond": "proved",
    "nonpositive_step": "proved", "endpoint_max": "proved", "optimal_lower_bound": "proved",
    "optimal_attained": "proved", "optimal_unique": "proved", "optimal_stable": "proved",
    "closed_bound_insufficient": "refuted",
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_certificate_verdicts(name):
    cert = stability_certificates()[name]
    assert cert.verdict == EXPECTED[name] and cert.as_expected
    assert cert.seconds >= 0.0 and "(check-sat)" in cert.smtlib
    assert cert.as_dict()["verdict"] == EXPECTED[name]


def test_refutation_witness_really_violates_the_statement():
    # independent check of z3's model: substitute it into the statement with SymPy rationals
    w = stability_certificates()["closed_bound_insufficient"].counterexample
    alpha, mu, mu_max = (sympy.Rational(w[k]) for k in ("alpha", "mu", "mu_max"))
    assert 0 < mu <= mu_max and 0 < alpha <= 2 / mu_max
    assert not abs(1 - alpha * mu) < 1


def test_prove_refutes_a_false_statement_with_a_real_counterexample():
    x, y = sympy.symbols("x y", real=True)
    cert = prove("am-gm-wrong", "x*y <= (x+y)^2/8", [], sympy.Le(x * y, (x + y) ** 2 / 8))
    assert cert.verdict == "refuted"
    xv, yv = sympy.Rational(cert.counterexample["x"]), sympy.Rational(cert.counterexample["y"])
    assert xv * yv > (xv + yv) ** 2 / 8


def test_prove_proves_am_gm():
    x, y = sympy.symbols("x y", real=True)
    assert prove("am-gm", "4xy <= (x+y)^2", [], sympy.Le(4 * x * y, (x + y) ** 2)).verdict == "proved"


def test_translation_refuses_what_it_cannot_represent():
    x = sympy.Symbol("x")
    with pytest.raises(InvalidArgumentError, match="sin"):
        to_z3(sympy.sin(x), {x: __import__("z3").Real("x")})
    with pytest.raises(InvalidArgumentError, match="non-integer power"):
        to_z3(sympy.sqrt(x), {x: __import__("z3").Real("x")})
    with pytest.raises(InvalidArgumentError, match="no z3 variable"):
        to_z3(x + 1, {})
