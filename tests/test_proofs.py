"""The literate proofs in ``proofs/`` are tests: each one executes without an error and checks
what it claims with at least one ``assert``."""

from __future__ import annotations

from pathlib import Path

import pytest

from ._notebooks import execute, has_assert

ROOT = Path(__file__).resolve().parents[1]
PROOFS = sorted((ROOT / "proofs").glob("*.md"))


def code_cells(path: Path) -> list[str]:
    import jupytext

    notebook = jupytext.read(path)
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


def test_there_are_proofs():
    assert PROOFS, f"no proofs/*.md found under {ROOT}"


@pytest.mark.parametrize("path", PROOFS, ids=[p.name for p in PROOFS])
def test_proof_asserts_what_it_claims(path: Path):
    cells = code_cells(path)
    assert cells, f"{path.name} has no code cell"
    assert any(has_assert(source) for source in cells), f"{path.name}: no code cell asserts anything"


@pytest.mark.parametrize("path", PROOFS, ids=[p.name for p in PROOFS])
def test_proof_executes(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Every code cell ran, top to bottom (``execute`` fails on any error output), so every
    assert in the proof held."""
    notebook = execute(path, tmp_path, monkeypatch)
    cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    counts = [cell.get("execution_count") for cell in cells]
    assert counts == list(range(1, len(cells) + 1)), f"{path.name}: cells ran as {counts}"
    assert any(has_assert(cell.source) for cell in cells), f"{path.name}: no code cell asserts anything"
