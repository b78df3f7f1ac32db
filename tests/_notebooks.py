"""Shared by the proof and notebook tests: find asserts in a cell, execute a MyST notebook."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest

# Colour codes of IPython tracebacks, stripped from failure messages.
ANSI = re.compile(r"\x1b\[[0-9;]*m")
# An `assert` statement at the start of a line, for cells that ast cannot parse (IPython magics).
ASSERT_LINE = re.compile(r"^\s*assert\b", re.MULTILINE)


def has_assert(source: str) -> bool:
    """Whether a code cell contains an ``assert`` statement."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return bool(ASSERT_LINE.search(source))
    return any(isinstance(node, ast.Assert) for node in ast.walk(tree))


def execute(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, timeout: int = 120) -> Any:
    """Execute the MyST notebook ``path`` in a fresh kernel; fail the test on any cell error.

    Returns the executed notebook (outputs included).
    """
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
        timeout=timeout,
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
    return notebook
