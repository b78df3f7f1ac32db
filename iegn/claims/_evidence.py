"""Building blocks for evidence callables: SMT certificates and Hypothesis property runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ._ledger import Outcome, VerifyOptions

__all__ = ["CERTIFICATE_KEY", "smt_outcome", "property_outcome"]

#: Key of the full SMT certificate in an outcome's details; left out of the JSON ledger (it holds
#: the whole SMT-LIB query) and written to files by ``iegn verify --certificates DIR``.
CERTIFICATE_KEY = "_certificate"


def smt_outcome(certificate: Any) -> Outcome:
    """Outcome of a z3 certificate: passed when the solver's verdict is the expected one."""
    c = certificate
    summary = f"z3: {c.verdict} (expected {c.expected}) in {c.seconds * 1e3:.1f} ms"
    if c.counterexample:
        summary += f"; witness {dict(c.counterexample)}"
    details: dict[str, Any] = {"statement": c.statement, "verdict": c.verdict, "expected": c.expected,
                               "seconds": c.seconds, "counterexample": c.counterexample}
    if hasattr(c, "as_dict"):  # the full certificate (SMT-LIB query): for `iegn verify --certificates`
        details[CERTIFICATE_KEY] = c.as_dict()
    return Outcome(c.as_expected, summary, details)


def property_outcome(
    law: Callable[..., None], strategy: st.SearchStrategy[Any], options: VerifyOptions, *, what: str
) -> Outcome:
    """Run ``law`` on ``options.examples`` Hypothesis examples (derandomised, no database).

    ``law`` raises ``AssertionError`` when it fails; the outcome then carries the minimal
    falsifying example Hypothesis found.
    """
    count = 0

    @settings(max_examples=options.examples, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck), print_blob=False)
    @given(strategy)
    def run(case: Any) -> None:
        nonlocal count
        count += 1
        law(case)

    try:
        run()
    except AssertionError as exc:
        return Outcome(False, f"property failed on a case: {exc}", {"examples": count})
    # Hypothesis may run a case more than once (replaying the explicit/shrunk examples): report
    # the examples asked for, and how many calls were made.
    return Outcome(True, f"{what}: held on {options.examples} examples", {"examples": options.examples,
                                                                          "calls": count})
