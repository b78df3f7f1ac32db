"""The documentation is a test: it builds without a warning, documents every public name, and
cites only keys that exist in the bibliography."""

from __future__ import annotations

import importlib
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
HTML = DOCS / "_build" / "html"

PACKAGES = ["iegn", "iegn.symbolic", "iegn.kernels", "iegn.numeric", "iegn.graph", "iegn.claims",
            "iegn.testing", "iegn.blueprint"]

# :cite:p:`a,b` in reST and docstrings; {cite:p}`a,b` in MyST.
CITE = re.compile(r"(?::cite:[a-z]+:|\{cite:[a-z]+\})`([^`]+)`")


def public_packages() -> list[str]:
    """The packages above, plus any public subpackage added since."""
    import iegn

    found = [f"iegn.{m.name}" for m in pkgutil.iter_modules(iegn.__path__) if m.ispkg and not m.name.startswith("_")]
    return PACKAGES + sorted(set(found) - set(PACKAGES))


@pytest.fixture(scope="module")
def inventory() -> dict[str, dict[str, object]]:
    """Build the site once (from scratch: -E, so no warning hides in a cached page) and load
    its objects.inv as {role: {name: item}}."""
    cmd = [sys.executable, "-m", "sphinx", "-E", "-W", "--keep-going", "-b", "html", "docs", str(HTML)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=1800)
    if proc.returncode != 0:
        print(proc.stdout[-20000:])
        print(proc.stderr)
    # ipykernel's notice about its TCP transport is not a Sphinx warning; keep it out of the message
    errors = "\n".join(line for line in proc.stderr.splitlines() if not line.startswith("[IPKernelApp]"))
    assert proc.returncode == 0, f"sphinx-build failed (exit {proc.returncode}):\n{errors[-5000:]}"

    from sphinx.util.inventory import InventoryFile

    data = (HTML / "objects.inv").read_bytes()
    if hasattr(InventoryFile, "loads"):  # Sphinx >= 8.2
        return InventoryFile.loads(data, uri="").data
    import io
    import posixpath

    return InventoryFile.load(io.BytesIO(data), "", posixpath.join)  # pragma: no cover - older Sphinx


@pytest.mark.docs
def test_docs_build_and_document_every_public_name(inventory):
    documented = {name for role, items in inventory.items() if role.startswith("py:") for name in items}
    missing = []
    for package in public_packages():
        module = importlib.import_module(package)
        assert module.__all__, f"{package}.__all__ is empty"
        assert package in inventory.get("py:module", {}), f"module {package} has no page"
        missing += [f"{package}.{name}" for name in module.__all__ if f"{package}.{name}" not in documented]
    assert not missing, f"public names missing from the docs: {missing}"


def cited_keys() -> dict[str, set[str]]:
    """Every cited key, with the files that cite it."""
    files = [*sorted((ROOT / "iegn").rglob("*.py")), *sorted((ROOT / "proofs").glob("*.md")),
             *sorted((ROOT / "notebooks").glob("*.md")), *sorted((ROOT / "benchmarks").glob("*.py"))]
    # docs/proofs and docs/notebooks are symlinks, which rglob does not follow; read above
    files += [p for p in sorted(DOCS.rglob("*.md")) if not p.relative_to(DOCS).parts[0].startswith("_")]
    keys: dict[str, set[str]] = {}
    for path in files:
        for match in CITE.finditer(path.read_text(encoding="utf-8")):
            for key in match.group(1).split(","):
                keys.setdefault(key.strip(), set()).add(str(path.relative_to(ROOT)))
    return keys


def test_every_cited_key_is_in_the_bibliography():
    from pybtex.database import parse_file

    entries = set(parse_file(str(DOCS / "references.bib"), bib_format="bibtex").entries.keys())
    keys = cited_keys()
    assert keys, "no :cite: found at all: the pattern or the file list is wrong"
    unknown = {key: sorted(where) for key, where in keys.items() if key not in entries}
    assert not unknown, f"cited keys missing from docs/references.bib: {unknown}"
