"""The literate proofs in ``proofs/`` are tests: each one executes without an error and checks
what it claims with at least one ``assert``."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROOFS = sorted((ROOT / "proofs").glob("*.md"))

# Colour codes of IPython tracebacks, stripped from failure messages.
ANSI = re.compile(r"\x1b\[[0-9;]*m")
# An `assert` statement at the start of a line, for cells that ast cannot parse (IPython magics).
ASSERT_LINE = re.compile(r"^\s*assert\b", re.MULTILINE)


def code_cells(path: Path) -> list[str]:
    import jupytext

    notebook = jupytext.read(path)
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


def has_assert(source: str) -> bool:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return bool(ASSERT_LINE.search(source))
    return any(isinstance(node, ast.Assert) for node in ast.walk(tree))


def test_there_are_proofs():
    assert PROOFS, f"no proofs/*.md found under {ROOT}"


@pytest.mark.parametrize("path", PROOFS, ids=[p.name for p in PROOFS])
def test_proof_asserts_what_it_claims(path: Path):
    cells = code_cells(path)
    assert cells, f"{path.name} has no code cell"
    assert any(has_assert(source) for source in cells), f"{path.name}: no code cell asserts anything"


@pytest.mark.parametrize("path", PROOFS, ids=[p.name for p in PROOFS])
def test_proof_executes(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import jupytext
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    notebook = jupytext.read(path)
    ipython_dir = tmp_path / "ipython"
    ipython_dir.mkdir()
    # The kernel inherits this environment. Hypothesis (run by the ledger's property tests)
    # writes a cache under ./.hypothesis; keep it out of the source tree and private to this run.
    monkeypatch.setenv("HYPOTHESIS_STORAGE_DIRECTORY", str(tmp_path / "hypothesis"))
    # Run in the proof's own folder, as the docs build does; each run gets its own IPython
    # profile directory, with history off (no shared history database between pytest-xdist
    # workers, nor with a docs build executing the same proof at the same time).
    client = NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        extra_arguments=[f"--ipython-dir={ipython_dir}", "--HistoryManager.enabled=False"],
    )
    failure = None
    try:
        client.execute()
    except CellExecutionError as exc:
        failure = ANSI.sub("", str(exc))  # the failing cell and its traceback
    if failure is not None:  # outside the except block: no chained traceback of nbclient's internals
        pytest.fail(f"{path.name} failed:\n{failure}", pytrace=False)
    errors = [out for cell in notebook.cells if cell.cell_type == "code"
              for out in cell.get("outputs", []) if out.get("output_type") == "error"]
    assert not errors, f"{path.name}: {errors[0].get('ename')}: {errors[0].get('evalue')}"
