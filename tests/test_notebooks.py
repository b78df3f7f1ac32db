"""The tour notebooks in ``notebooks/`` are tests: each one executes without an error and ends
with a "Checks" section that asserts what the notebook shows.

Every ``notebooks/[0-9]*.md`` (MyST-Markdown notebooks in jupytext format) is picked up; a new
notebook needs no change here. The docs build executes the same notebooks (``docs/notebooks``
is a link to the folder).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from ._notebooks import execute, has_assert

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.md"))

# The heading of the closing section ("## Checks", any level).
CHECKS_HEADING = re.compile(r"^#{1,6}\s+Checks\s*$", re.MULTILINE)
# Per-cell limit: a tour cell that needs longer than this is too slow for the fast suite.
CELL_TIMEOUT_S = 120


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
    start = time.perf_counter()
    notebook = execute(path, tmp_path, monkeypatch, timeout=CELL_TIMEOUT_S)
    print(f"{path.name}: executed in {time.perf_counter() - start:.1f} s")
    # A tour shows its results: at least one figure is drawn.
    figures = [out for cell in notebook.cells if cell.cell_type == "code"
               for out in cell.get("outputs", []) if "image/png" in out.get("data", {})]
    assert figures, f"{path.name}: executed, but drew no figure"
