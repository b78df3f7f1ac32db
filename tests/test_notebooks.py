"""The tour notebooks in ``notebooks/`` are tests: each one executes without an error and ends
with a "Checks" section that asserts what the notebook shows.

Every ``notebooks/[0-9]*.md`` (MyST-Markdown notebooks in jupytext format) is picked up; a new
notebook needs no change here. The docs build executes the same notebooks (``docs/notebooks``
is a link to the folder).
"""

from __future__ import annotations

import ast
import re
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.md"))

# Colour codes of IPython tracebacks, stripped from failure messages.
ANSI = re.compile(r"\x1b\[[0-9;]*m")
# An `assert` statement at the start of a line, for cells that ast cannot parse (IPython magics).
ASSERT_LINE = re.compile(r"^\s*assert\b", re.MULTILINE)
# The heading of the closing section ("## Checks", any level).
CHECKS_HEADING = re.compile(r"^#{1,6}\s+Checks\s*$", re.MULTILINE)
# Per-cell limit: a tour cell that needs longer than this is too slow for the fast suite.
CELL_TIMEOUT_S = 120


def has_assert(source: str) -> bool:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return bool(ASSERT_LINE.search(source))
    return any(isinstance(node, ast.Assert) for node in ast.walk(tree))


def test_there_are_notebooks():
    assert NOTEBOOKS, f"no notebooks/[0-9]*.md found under {ROOT}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_ends_with_asserted_checks(path: Path):
    import jupytext

    notebook = jupytext.read(path)
    assert notebook.metadata.get("kernelspec", {}).get("name") == "python3", \
        f"{path.name}: no python3 kernelspec in the front matter (not a MyST notebook)"
    cells = notebook.cells
    headings = [i for i, cell in enumerate(cells) if cell.cell_type == "markdown" and CHECKS_HEADING.search(cell.source)]
    assert headings, f"{path.name}: no 'Checks' section"
    after = [cell.source for cell in cells[headings[-1]:] if cell.cell_type == "code"]
    assert any(has_assert(source) for source in after), f"{path.name}: the 'Checks' section asserts nothing"
    later = [cell.source for cell in cells[headings[-1] + 1:] if cell.cell_type == "markdown"]
    assert not any(re.search(r"^#{1,2}\s", source, re.MULTILINE) for source in later), \
        f"{path.name}: 'Checks' is not the last section"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_executes(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import jupytext
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    notebook = jupytext.read(path)
    ipython_dir = tmp_path / "ipython"
    ipython_dir.mkdir()
    # The kernel inherits this environment. Hypothesis (run by the ledger's property tests)
    # writes a cache under ./.hypothesis; keep it out of the source tree and private to this run.
    monkeypatch.setenv("HYPOTHESIS_STORAGE_DIRECTORY", str(tmp_path / "hypothesis"))
    # Figures are drawn off-screen by the kernel's inline backend (PNG outputs, no display),
    # whatever MPLBACKEND the caller has set; no user matplotlibrc changes the result.
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    monkeypatch.setenv("MPLCONFIGDIR", str(tmp_path / "matplotlib"))
    # Run in the notebook's own folder, as the docs build does; each run gets its own IPython
    # profile directory, with history off (no shared history database between pytest-xdist
    # workers, nor with a docs build executing the same notebook at the same time).
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        extra_arguments=[f"--ipython-dir={ipython_dir}", "--HistoryManager.enabled=False"],
    )
    failure = None
    start = time.perf_counter()
    try:
        client.execute()
    except CellExecutionError as exc:
        failure = ANSI.sub("", str(exc))  # the failing cell and its traceback
    if failure is not None:  # outside the except block: no chained traceback of nbclient's internals
        pytest.fail(f"{path.name} failed:\n{failure}", pytrace=False)
    print(f"{path.name}: executed in {time.perf_counter() - start:.1f} s")
    errors = [out for cell in notebook.cells if cell.cell_type == "code"
              for out in cell.get("outputs", []) if out.get("output_type") == "error"]
    assert not errors, f"{path.name}: {errors[0].get('ename')}: {errors[0].get('evalue')}"
    # A tour shows its results: at least one figure is drawn.
    figures = [out for cell in notebook.cells if cell.cell_type == "code"
               for out in cell.get("outputs", []) if "image/png" in out.get("data", {})]
    assert figures, f"{path.name}: executed, but drew no figure"
