"""Sphinx configuration for the iegn documentation.

Build (warnings are errors, notebooks are executed, nothing is fetched from the network)::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

Besides configuring Sphinx, this file writes these files at build time (all git-ignored;
a file is rewritten only when its content changes, so incremental builds stay incremental):

``docs/_build/inventories/*.inv``
    Small intersphinx inventories for the external objects the docs refer to, so that
    intersphinx works offline (see ``EXTERNAL_OBJECTS``).
``docs/_generated/api_<package>.rst`` and ``docs/_generated/api_toctree.md``
    One autosummary page per public package, listing that package's ``__all__``, and the
    toctree of ``api.md``. autosummary turns each entry into a stub in
    ``docs/api/generated/`` (templates in ``_templates/autosummary``); stubs of names that
    left an ``__all__`` are deleted.
``docs/_generated/ledger*.md``
    The claims ledger, from :func:`iegn.claims.ledger_markdown`, included by ``ledger.md``
    (all claims) and ``stability.md`` (claims B12-B15).
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import re
import sys
import zlib
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
GENERATED = DOCS / "_generated"
STUBS = DOCS / "api" / "generated"
INVENTORIES = DOCS / "_build" / "inventories"

# Document the checkout this file belongs to, even when another copy is installed.
sys.path.insert(0, str(ROOT))

import iegn  # noqa: E402

# Executed notebooks and proofs run Hypothesis-backed evidence; its storage folder goes to the
# build directory, not next to the sources (kernels inherit this environment).
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", str(Path(__file__).parent / "_build" / ".hypothesis"))

# -- Project -----------------------------------------------------------------------------------

project = "iegn"
author = "The iegn developers"
copyright = "The iegn developers"
release = iegn.__version__
version = ".".join(release.split(".")[:2])

# -- Extensions --------------------------------------------------------------------------------

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "sphinx.ext.mathjax",
    "sphinx.ext.intersphinx",
    "sphinx.ext.viewcode",
    "myst_nb",
    "sphinxcontrib.bibtex",
]

root_doc = "index"
templates_path = ["_templates"]
exclude_patterns = [
    "_build",
    "jupyter_execute",
    "**.ipynb_checkpoints",
    # Markdown pieces that other pages include; they are not pages of their own.
    "_generated/*.md",
]

# autodoc / autosummary / numpydoc
autosummary_generate = True
autosummary_generate_overwrite = True
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

# MyST and myst-nb: notebooks (MyST-markdown notebooks, jupytext format) are executed on every
# build, offline, and a cell that raises fails the build.
myst_enable_extensions = ["amsmath", "colon_fence", "deflist", "dollarmath", "substitution"]
myst_heading_anchors = 3
nb_execution_mode = "force"
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_execution_timeout = 300
nb_merge_streams = True

# Bibliography: one file for the whole project.
bibtex_bibfiles = ["references.bib"]

# HTML
html_theme = "furo"
html_title = f"iegn {release}"

# Math: MathJax 3 shipped with the site (from the pinned `django-static-mathjax` package, which
# is MathJax's own build and needs no Django), so formulas render offline and without a CDN.
import mathjax as _mathjax_package  # noqa: E402

html_static_path = [str(Path(_mathjax_package.__file__).parent / "static" / "mathjax" / "es5")]
mathjax_path = "tex-mml-chtml.js"

# -- Intersphinx without the network -----------------------------------------------------------
#
# Each project's inventory is written here from a hand-written table instead of being
# downloaded. A line is ``name role uri``: ``uri`` is relative to the project's base URL and
# points at the real documentation page of the object. List an object under every name the
# docs use for it (docstrings write ``networkx.Graph``; signatures are rendered with the
# defining module, ``networkx.classes.graph.Graph``).

EXTERNAL_OBJECTS: dict[str, tuple[str, str, str, list[tuple[str, str, str]]]] = {
    "python": ("Python", "3", "https://docs.python.org/3", [
        ("bool", "py:class", "library/functions.html#bool"),
        ("float", "py:class", "library/functions.html#float"),
        ("int", "py:class", "library/functions.html#int"),
        ("str", "py:class", "library/stdtypes.html#str"),
        ("list", "py:class", "library/stdtypes.html#list"),
        ("tuple", "py:class", "library/stdtypes.html#tuple"),
        ("dict", "py:class", "library/stdtypes.html#dict"),
        ("None", "py:data", "library/constants.html#None"),
        ("ValueError", "py:exception", "library/exceptions.html#ValueError"),
        ("RuntimeError", "py:exception", "library/exceptions.html#RuntimeError"),
        ("fractions.Fraction", "py:class", "library/fractions.html#fractions.Fraction"),
        ("os.PathLike", "py:class", "library/os.html#os.PathLike"),
        ("types.ModuleType", "py:class", "library/types.html#types.ModuleType"),
        ("collections.abc.Callable", "py:class", "library/collections.abc.html#collections.abc.Callable"),
        ("collections.abc.Mapping", "py:class", "library/collections.abc.html#collections.abc.Mapping"),
        ("collections.abc.Sequence", "py:class", "library/collections.abc.html#collections.abc.Sequence"),
        ("typing.Any", "py:data", "library/typing.html#typing.Any"),
        ("typing.Literal", "py:data", "library/typing.html#typing.Literal"),
    ]),
    "numpy": ("NumPy", "stable", "https://numpy.org/doc/stable", [
        ("numpy.ndarray", "py:class", "reference/generated/numpy.ndarray.html#numpy.ndarray"),
        ("numpy.linalg.eigvalsh", "py:function",
         "reference/generated/numpy.linalg.eigvalsh.html#numpy.linalg.eigvalsh"),
        ("numpy.random.Generator", "py:class", "reference/random/generator.html#numpy.random.Generator"),
        ("numpy.random._generator.Generator", "py:class", "reference/random/generator.html#numpy.random.Generator"),
    ]),
    "scipy": ("SciPy", "stable", "https://docs.scipy.org/doc/scipy", [
        ("scipy.sparse.csr_array", "py:class",
         "reference/generated/scipy.sparse.csr_array.html#scipy.sparse.csr_array"),
        ("scipy.sparse._csr.csr_array", "py:class",
         "reference/generated/scipy.sparse.csr_array.html#scipy.sparse.csr_array"),
        ("scipy.sparse.linalg.eigsh", "py:function",
         "reference/generated/scipy.sparse.linalg.eigsh.html#scipy.sparse.linalg.eigsh"),
    ]),
    "networkx": ("NetworkX", "stable", "https://networkx.org/documentation/stable", [
        ("networkx.Graph", "py:class", "reference/classes/graph.html#networkx.Graph"),
        ("networkx.classes.graph.Graph", "py:class", "reference/classes/graph.html#networkx.Graph"),
    ]),
    "sympy": ("SymPy", "latest", "https://docs.sympy.org/latest", [
        ("sympy.core.basic.Basic", "py:class", "modules/core.html#sympy.core.basic.Basic"),
        ("sympy.Basic", "py:class", "modules/core.html#sympy.core.basic.Basic"),
        ("sympy.core.expr.Expr", "py:class", "modules/core.html#sympy.core.expr.Expr"),
        ("sympy.core.symbol.Symbol", "py:class", "modules/core.html#sympy.core.symbol.Symbol"),
        ("sympy.Matrix", "py:class", "modules/matrices/dense.html#sympy.matrices.dense.Matrix"),
        ("sympy.matrices.dense.MutableDenseMatrix", "py:class",
         "modules/matrices/dense.html#sympy.matrices.dense.MutableDenseMatrix"),
        ("sympy.rsolve", "py:function", "modules/solvers/solvers.html#sympy.solvers.recurr.rsolve"),
        ("sympy.solveset", "py:function", "modules/solvers/solveset.html#sympy.solvers.solveset.solveset"),
        ("sympy.solve", "py:function", "modules/solvers/solvers.html#sympy.solvers.solvers.solve"),
        ("sympy.cse", "py:function", "modules/simplify/simplify.html#sympy.simplify.cse_main.cse"),
        ("sympy.CRootOf", "py:class",
         "modules/polys/reference.html#sympy.polys.rootoftools.ComplexRootOf"),
    ]),
    "jax": ("JAX", "latest", "https://docs.jax.dev/en/latest", [
        ("jax.jit", "py:function", "_autosummary/jax.jit.html#jax.jit"),
    ]),
}


def write_inventory(path: Path, project_name: str, project_version: str, entries: list[tuple[str, str, str]]) -> None:
    """Write a Sphinx objects.inv (version 2) holding ``entries``."""
    header = (
        "# Sphinx inventory version 2\n"
        f"# Project: {project_name}\n"
        f"# Version: {project_version}\n"
        "# The remainder of this file is compressed using zlib.\n"
    )
    body = "".join(f"{name} {role} 1 {uri} -\n" for name, role, uri in entries)
    data = header.encode() + zlib.compress(body.encode())
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)


INVENTORIES.mkdir(parents=True, exist_ok=True)
intersphinx_mapping = {}
for _key, (_name, _version, _url, _entries) in EXTERNAL_OBJECTS.items():
    _path = INVENTORIES / f"{_key}.inv"
    write_inventory(_path, _name, _version, _entries)
    intersphinx_mapping[_key] = (_url, str(_path))


# -- Generated pages ---------------------------------------------------------------------------


def write_if_changed(path: Path, text: str) -> None:
    """Write ``text`` unless the file already holds it (keeps incremental builds incremental)."""
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def public_packages() -> list[str]:
    """``iegn`` and every public subpackage, in dependency order (new ones are appended)."""
    order = ["symbolic", "kernels", "numeric", "graph", "blueprint", "claims", "testing"]
    found = [m.name for m in pkgutil.iter_modules(iegn.__path__) if m.ispkg and not m.name.startswith("_")]
    names = [n for n in order if n in found] + sorted(n for n in found if n not in order)
    return ["iegn"] + [f"iegn.{n}" for n in names]


def api_page(package: str, names: list[str]) -> str:
    title = f"``{package}``"
    lines = [
        title, "=" * len(title), "",
        f".. automodule:: {package}", "   :no-members:", "",
        f".. currentmodule:: {package}", "",
    ]
    if names:
        lines += [".. autosummary::", "   :toctree: ../api/generated", "   :nosignatures:", ""]
        lines += [f"   {name}" for name in names]
    return "\n".join(lines) + "\n"


def stub_filenames(packages: dict[str, list[str]]) -> dict[str, str]:
    """Stub file names that differ only in case (say ``Kernel`` and ``kernel``) get a suffix.

    Without this the two stubs overwrite each other on case-insensitive file systems.
    """
    seen: dict[str, int] = {}
    renamed = {}
    for package, names in packages.items():
        for name in names:
            full = f"{package}.{name}"
            n = seen.get(full.lower(), 0)
            seen[full.lower()] = n + 1
            if n:
                renamed[full] = f"{full}-{n}"
    return renamed


API: dict[str, list[str]] = {}
for _package in public_packages():
    _module = importlib.import_module(_package)
    _all = getattr(_module, "__all__", None)
    if _all is None:
        raise RuntimeError(f"{_package} has no __all__: the API reference is built from it")
    API[_package] = list(_all)

autosummary_filename_map = stub_filenames(API)

GENERATED.mkdir(exist_ok=True)
for _old in GENERATED.glob("api_*.rst"):
    if _old.stem.removeprefix("api_") not in API:
        _old.unlink()
for _package, _names in API.items():
    write_if_changed(GENERATED / f"api_{_package}.rst", api_page(_package, _names))
# The toctree of api.md, in dependency order (a glob would sort alphabetically).
write_if_changed(GENERATED / "api_toctree.md",
                 "```{toctree}\n:maxdepth: 1\n\n" + "".join(f"_generated/api_{p}\n" for p in API) + "```\n")

# Stubs of names that left an __all__ would stay behind as orphan pages: remove them.
_expected_stubs = {autosummary_filename_map.get(f"{p}.{n}", f"{p}.{n}") for p, ns in API.items() for n in ns}
if STUBS.is_dir():
    for _stub in STUBS.glob("*.rst"):
        if _stub.stem not in _expected_stubs:
            _stub.unlink()


# -- The claims ledger -------------------------------------------------------------------------

from iegn.claims import VERDICTS, ledger_markdown  # noqa: E402

STABILITY_CLAIMS = ("B12", "B13", "B14", "B15")
LAGRANGIAN_CLAIMS = ("B01", "B02", "B03")
THERMO_CLAIMS = ("B04", "B05", "B17", "B18")
CURVATURE_CLAIMS = ("B10", "B11", "B21")


def _first_id(pattern: str, text: str) -> str:
    m = re.match(pattern, text)
    if m is None:
        raise RuntimeError(f"unexpected ledger line {text[:60]!r}: update ledger_subset")
    return m.group(1)


def ledger_subset(markdown: str, ids: tuple[str, ...], prefix: str) -> str:
    """The entries ``ids`` of the ledger Markdown, with their labels renamed by ``prefix``.

    The full ledger is on the ledger page; a second copy of its labels would be a duplicate
    target, so the copy gets its own. Fails loudly if the ledger's layout is not the expected
    one (a table, then one section per claim that starts with its ``(claim-bNN)=`` label).
    """
    head, *sections = re.split(r"(?m)^(?=\(claim-b\d+\)=$)", markdown)
    wanted = {i.lower() for i in ids}
    table = [line for line in head.splitlines() if line.startswith("|")]
    rows = [line for line in table[2:] if _first_id(r"\| \[(B\d+)\]", line).lower() in wanted]
    kept = [s for s in sections if _first_id(r"\(claim-(b\d+)\)=", s) in wanted]
    found = {_first_id(r"\(claim-(b\d+)\)=", s) for s in kept}
    if found != wanted or len(rows) != len(wanted):
        raise RuntimeError(
            f"ledger_markdown() lacks entries {sorted(wanted - found)} or its layout changed: update ledger_subset"
        )
    rows = table[:2] + rows
    text = "\n".join(rows) + "\n\n" + "".join(kept)
    return text.replace("(claim-", f"({prefix}claim-").replace("](#claim-", f"](#{prefix}claim-")


# {{ verdicts }} in the pages: the verdict names as the ledger defines them.
myst_substitutions = {"verdicts": ", ".join(f"`{v}`" for v in VERDICTS)}

_ledger = ledger_markdown()
write_if_changed(GENERATED / "ledger.md", _ledger)
write_if_changed(GENERATED / "ledger_stability.md", ledger_subset(_ledger, STABILITY_CLAIMS, "stability-"))
write_if_changed(GENERATED / "ledger_lagrangian.md", ledger_subset(_ledger, LAGRANGIAN_CLAIMS, "lagrangian-"))
write_if_changed(GENERATED / "ledger_thermo.md", ledger_subset(_ledger, THERMO_CLAIMS, "thermo-"))
write_if_changed(GENERATED / "ledger_curvature.md", ledger_subset(_ledger, CURVATURE_CLAIMS, "curvature-"))
