"""Reading graphs from files: edge list, GraphML, GML, node-link JSON (by extension)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import networkx as nx

from .._errors import InvalidArgumentError, InvalidGraphError

__all__ = ["GRAPH_FORMATS", "read_graph"]

#: File extension → format name understood by :func:`read_graph`.
GRAPH_FORMATS = {
    ".edgelist": "edgelist", ".edges": "edgelist", ".txt": "edgelist", ".csv": "edgelist",
    ".graphml": "graphml", ".gml": "gml", ".json": "node-link",
}


def _read_edgelist(path: Path) -> nx.Graph:
    text = path.read_text(encoding="utf-8")
    delimiter = "," if path.suffix == ".csv" else None
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    G = nx.Graph()
    for number, line in enumerate(lines, 1):
        parts = [p.strip() for p in (line.split(delimiter) if delimiter else line.split())]
        if len(parts) == 2:
            G.add_edge(parts[0], parts[1])
        elif len(parts) == 3:
            try:
                w = float(parts[2])
            except ValueError:
                raise InvalidGraphError(f"{path}: line {number}: weight {parts[2]!r} is not a number") from None
            G.add_edge(parts[0], parts[1], weight=w)
        else:
            raise InvalidGraphError(f"{path}: line {number} has {len(parts)} fields; expected 'u v' or 'u v weight'")
    return G


def read_graph(path: str | os.PathLike[str]) -> nx.Graph:
    """Read an undirected graph from a file, choosing the format by extension.

    Supported: ``.edgelist``/``.edges``/``.txt`` (whitespace-separated ``u v [weight]``,
    ``#`` comments), ``.csv`` (comma-separated, same columns), ``.graphml``, ``.gml``,
    ``.json`` (NetworkX node-link data, ``"links"`` or ``"edges"`` key). Edge-list node
    names are kept as strings; a third column becomes the ``weight`` attribute.

    Raises
    ------
    InvalidGraphError
        Missing, empty or unreadable file, unknown extension, malformed content, no nodes, or a
        directed or multi-graph file.
    InvalidArgumentError
        ``path`` is not a file name.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = pathlib.Path(d) / "g.edgelist"
    ...     _ = p.write_text("a b 2.0\\nb c 1.5\\n")
    ...     G = read_graph(p)
    >>> sorted(G.edges(data="weight"))
    [('a', 'b', 2.0), ('b', 'c', 1.5)]
    """
    if not isinstance(path, (str, os.PathLike)):
        raise InvalidArgumentError(f"path={path!r} must be a str or os.PathLike file name")
    p = Path(path)
    fmt = GRAPH_FORMATS.get(p.suffix.lower())
    if fmt is None:
        raise InvalidGraphError(f"{p}: unknown graph file extension {p.suffix!r}; use one of {', '.join(sorted(GRAPH_FORMATS))}")
    if not p.is_file():
        raise InvalidGraphError(f"{p}: no such file")
    if p.stat().st_size == 0:
        raise InvalidGraphError(f"{p}: the file is empty")
    try:
        if fmt == "edgelist":
            G = _read_edgelist(p)
        elif fmt == "graphml":
            G = nx.read_graphml(p)
        elif fmt == "gml":
            G = nx.read_gml(p)
        else:
            data = json.loads(p.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                raise InvalidGraphError(f"{p}: node-link JSON must be an object")
            edges = "links" if "links" in data else "edges"
            G = nx.node_link_graph(data, edges=edges)
    except InvalidGraphError:
        raise
    except (UnicodeDecodeError, json.JSONDecodeError, nx.NetworkXError, KeyError, TypeError, ValueError, SyntaxError) as exc:
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InvalidGraphError(f"{p}: cannot read as {fmt}: {msg}") from None
    except Exception as exc:  # the XML/GML parsers raise their own exception types
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InvalidGraphError(f"{p}: cannot read as {fmt}: {msg}") from None
    if G.number_of_nodes() == 0:
        raise InvalidGraphError(f"{p}: the file holds no nodes")
    if G.is_directed():
        raise InvalidGraphError(f"{p}: the file describes a directed graph; iegn needs an undirected one")
    if G.is_multigraph():
        raise InvalidGraphError(f"{p}: the file describes a multigraph; merge parallel edges first")
    return G
