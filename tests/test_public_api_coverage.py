"""Every public name is exercised by at least one test (a static check by name).

A name counts as exercised when some test module other than the API-surface checks
(``test_public_api.py``, ``test_docs.py`` and this file) mentions it as an identifier: an
import, a call, an attribute access. The check is static (AST, so comments and strings do not
count) and therefore necessary, not sufficient: it catches a public function nobody calls,
not a test that calls it without asserting anything. ``test_api_gaps.py`` holds the value
and law tests written for names that this check once reported.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

PACKAGES = ["iegn", "iegn.graph", "iegn.numeric", "iegn.symbolic", "iegn.kernels", "iegn.blueprint",
            "iegn.testing", "iegn.claims"]
TESTS = Path(__file__).resolve().parent
# These list the surface itself: a name they mention is named, not tested.
NOT_EVIDENCE = {"test_public_api.py", "test_docs.py", "test_public_api_coverage.py"}

# Public names that are data, not behaviour: a tuple of option names or a documented constant
# has no law of its own to assert; the functions that read it are tested (and reject names
# outside it in their invalid-input tables). Every entry must stay non-callable (checked below).
DATA_ONLY = {
    "iegn.graph.CURVATURE_KINDS",  # option names of the CLI's `curvature --kind`
    "iegn.graph.GRAPH_FORMATS",  # file suffix -> reader name, read by read_graph
    "iegn.graph.GRC_UNIFORM_BELOW",  # threshold constant of the 'grc' measure
    "iegn.graph.MEASURES",  # option names of the neighbourhood measures
    "iegn.numeric.CONSTRAINTS",  # option names of simulate(constraint=...)
    "iegn.numeric.DESCENT_METHODS",  # option names of minimize_free_energy(method=...)
    "iegn.numeric.INTEGRATION_METHODS",  # option names of simulate(method=...)
    "iegn.numeric.SCHEDULE_KINDS",  # option names of annealing_schedule
    "iegn.numeric.SIMPLEX_ATOL",  # default tolerance of check_simplex
    "iegn.symbolic.ENTROPY_CONVENTIONS",  # option names of derive_euler_lagrange(entropy=...)
    "iegn.claims.EVIDENCE_KINDS",  # the evidence-level vocabulary of DESIGN.md
    "iegn.claims.VERDICTS",  # the verdict vocabulary of the ledger
}


def _identifiers(path: Path) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Name):
            out.add(node.id)
        elif isinstance(node, ast.Attribute):
            out.add(node.attr)
        elif isinstance(node, ast.alias):
            out.add(node.name.rsplit(".", 1)[-1])
            if node.asname:
                out.add(node.asname)
    return out


def _public_names() -> list[str]:
    return [f"{pkg}.{name}" for pkg in PACKAGES for name in importlib.import_module(pkg).__all__]


def _exercised() -> set[str]:
    names: set[str] = set()
    for path in sorted(TESTS.glob("test_*.py")):
        if path.name not in NOT_EVIDENCE:
            names |= _identifiers(path)
    return names


def test_every_public_name_is_exercised_by_a_test():
    used = _exercised()
    missing = [q for q in _public_names() if q.rsplit(".", 1)[1] not in used and q not in DATA_ONLY]
    assert not missing, f"public names no test mentions: {missing}"


def test_the_allow_list_holds_only_existing_data():
    public = set(_public_names())
    stale = sorted(DATA_ONLY - public)
    assert not stale, f"allow-listed names that are not public any more: {stale}"
    for qual in DATA_ONLY:
        pkg, name = qual.rsplit(".", 1)
        value = getattr(importlib.import_module(pkg), name)
        assert not callable(value), f"{qual} is callable: it needs a test, not an allow-list entry"


@pytest.mark.parametrize("source, expected", [
    ("from iegn.graph import ricci_flow as rf\nrf(G)", {"ricci_flow", "rf", "G"}),
    ("import iegn\niegn.numeric.boltzmann([0.0], 1.0)", {"iegn", "numeric", "boltzmann"}),
    ("# consensus in a comment\nx = 'consensus in a string'", {"x"}),
])
def test_identifier_scan_sees_code_not_comments(tmp_path, source, expected):
    path = tmp_path / "t.py"
    path.write_text(source)
    assert _identifiers(path) == expected
