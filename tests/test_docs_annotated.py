"""The page "The blueprint, annotated" (docs/blueprint-annotated.md) covers the whole blueprint:
a heading for every section §1.1-§4.4, every claim B01-B22 rendered from the ledger's records
(never typed by hand), and links to proof and topic pages that exist.

The page's code cells are run here in-process, as the docs build runs them, and their
Markdown output is checked: no Sphinx build is needed.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest

from iegn.claims import claims

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PAGE = DOCS / "blueprint-annotated.md"
BLUEPRINT = ROOT.parent / "shared" / "blueprint" / "IEGN.md"

jupytext = pytest.importorskip("jupytext")
pytest.importorskip("IPython")


def blueprint_sections() -> dict[str, str]:
    """Number -> title of every numbered subsection of the blueprint (1.1 ... 4.4)."""
    if not BLUEPRINT.is_file():
        pytest.skip(f"the blueprint is not beside this checkout ({BLUEPRINT})")
    found = re.findall(r"(?m)^### (\d\.\d) (.+?)\s*$", BLUEPRINT.read_text(encoding="utf-8"))
    assert found, "no '### n.m Title' heading found in IEGN.md: its layout changed"
    return dict(found)


def page_headings() -> dict[str, str]:
    """Number -> title of the page's '### §n.m Title' headings."""
    return dict(re.findall(r"(?m)^#{2,4} §(\d\.\d) (.+?)\s*$", PAGE.read_text(encoding="utf-8")))


def run_page() -> tuple[dict[str, Any], list[str], dict[str, str]]:
    """Run every code cell of the page, as a kernel would (the value of a cell's last expression
    is its output). Returns the namespace, the Markdown outputs in order, and the output of each
    ``show_section("n.m")`` cell by section."""
    notebook = jupytext.read(PAGE)
    namespace: dict[str, Any] = {"__name__": "__annotated__"}
    outputs: list[str] = []
    by_section: dict[str, str] = {}
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        tree = ast.parse(cell.source)
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        exec(compile(tree, str(PAGE), "exec"), namespace)
        if last is None:
            continue
        value = eval(compile(ast.Expression(last.value), str(PAGE), "eval"), namespace)
        text = getattr(value, "data", None)
        if isinstance(text, str):
            outputs.append(text)
            call = re.fullmatch(r"show_section\(['\"](\d\.\d)['\"]\)", ast.unparse(last).strip())
            if call:
                by_section[call.group(1)] = text
    return namespace, outputs, by_section


@pytest.fixture(scope="module")
def page() -> tuple[dict[str, Any], list[str], dict[str, str]]:
    return run_page()


def test_every_blueprint_section_has_a_heading_and_a_label():
    sections = blueprint_sections()
    headings = page_headings()
    assert list(headings) == list(sections), "the page's §-headings are not the blueprint's, in order"
    for number, title in sections.items():
        assert headings[number] == title, f"§{number}: page says {headings[number]!r}, blueprint {title!r}"
    source = PAGE.read_text(encoding="utf-8")
    for number in sections:
        label = f"(annotated-{number.replace('.', '-')})="
        heading = rf"(?m)^{re.escape(label)}\n#+ §{re.escape(number)} "
        assert re.search(heading, source), f"no {label} right before the heading of §{number}"


def test_every_section_renders_its_claims(page):
    _, _, by_section = page
    assert list(by_section) == list(blueprint_sections()), "each section needs one show_section cell"


def test_every_claim_is_rendered_from_its_record(page):
    _, outputs, by_section = page
    everything = "\n".join(outputs)
    records = claims()
    assert [c.id for c in records] == [f"B{i:02d}" for i in range(1, 23)]
    summary = outputs[0]
    for c in records:
        # the summary table: one row per claim, with its verdict and its ledger entry
        row = re.search(rf"(?m)^\| {c.id} \|.*$", summary)
        assert row, f"{c.id} missing from the summary table"
        assert f"`{c.verdict}`" in row.group(0) and f"<claim-{c.id.lower()}>" in row.group(0)
        # the full block, once, under the first section the claim cites
        home = re.findall(r"\d\.\d", c.section)[0]
        block = by_section[home]
        assert f"{c.id} · §{c.section} · {c.verdict}" in block, f"{c.id}: no block under §{home}"
        assert c.statement in block, f"{c.id}: corrected statement not rendered from the record"
        assert all(e.title in block for e in c.evidence), f"{c.id}: evidence missing"
        assert everything.count(f"{c.id} · §") == 1, f"{c.id} rendered in full more than once"
        # the other sections it cites point to it
        for other in re.findall(r"\d\.\d", c.section)[1:]:
            assert f"**{c.id}**" in by_section[other], f"{c.id}: §{other} does not refer to it"


def test_no_verdict_is_typed_by_hand():
    """Outside the code cells, the page names no verdict next to a claim id."""
    notebook = jupytext.read(PAGE)
    prose = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    verdict = r"(holds-with-conditions|holds|refuted|not-mathematical|not mathematical)"
    hits = re.findall(rf"B\d\d[^.\n]{{0,40}}\b{verdict}\b|\b{verdict}\b[^.\n]{{0,40}}B\d\d", prose)
    assert not hits, f"a verdict is written by hand in the prose: {hits}"


def _slugs(path: Path) -> set[str]:
    from myst_parser.mdit_to_docutils.base import default_slugify

    text = re.sub(r"(?ms)^```.*?^```", "", path.read_text(encoding="utf-8"))  # not comments in code
    return {default_slugify(title) for title in re.findall(r"(?m)^#{1,3} (.+?)\s*$", text)}


def test_links_resolve(page):
    pytest.importorskip("myst_parser")
    namespace, _, _ = page
    proofs, topics = namespace["PROOFS"], namespace["TOPICS"]
    proof_pages = {p.stem for p in (ROOT / "proofs").glob("*.md")}
    linked = set()
    for cid, entries in proofs.items():
        for doc, section in entries:
            path = DOCS / f"{doc}.md"
            assert path.is_file(), f"{cid}: proof page {doc} does not exist"
            linked.add(Path(doc).name)
            if section is not None:
                titles = re.findall(r"(?m)^#+ (.+?)\s*$", path.read_text(encoding="utf-8"))
                assert section in titles, f"{cid}: {doc} has no section {section!r}"
    assert linked <= proof_pages
    for cid, entries in topics.items():
        for target, _, _ in entries:
            file, _, anchor = target.partition("#")
            path = DOCS / file
            assert path.is_file(), f"{cid}: topic page {file} does not exist"
            assert not anchor or anchor in _slugs(path), f"{cid}: {file} has no heading #{anchor}"
    # links written in the prose: {doc}`x` roles and [text](page.md#anchor) links
    notebook = jupytext.read(PAGE)
    source = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    for doc in re.findall(r"\{doc\}`(?:[^`<]*<)?([^`>]+)>?`", source):
        assert (DOCS / f"{doc}.md").is_file(), f"{{doc}}`{doc}` does not exist"
    for file, anchor in re.findall(r"\]\(([\w./-]+\.md)(?:#([^)\s]+))?\)", source):
        path = DOCS / file
        assert path.is_file(), f"link to {file}: no such page"
        assert not anchor or anchor in _slugs(path), f"link to {file}#{anchor}: no such heading"


def test_page_opens_the_explanation_section():
    """The annotated blueprint is the first page of the "Explanation" toctree, the ledger next."""
    text = (DOCS / "index.md").read_text(encoding="utf-8")
    toctrees = re.findall(r"(?s)```\{toctree\}(.*?)```", text)
    explanation = [t for t in toctrees if ":caption: Explanation" in t]
    assert len(explanation) == 1
    entries = [line.strip() for line in explanation[0].splitlines() if line.strip() and not line.startswith(":")]
    assert entries[:2] == ["blueprint-annotated", "ledger"]
    assert "blueprint-algorithm" in entries
