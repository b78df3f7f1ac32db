"""The peer's side of ``bench_curvature.py``: GraphRicciCurvature, timed in its own interpreter.

Not a benchmark (no ``bench_`` prefix). GraphRicciCurvature 0.6.1 pins ``scipy<=1.13.1``, so it
lives in its own virtual environment, ``.venv-grc`` (``make bench-env``, pinned by
``benchmarks/requirements-grc.txt``), and this script runs with ``.venv-grc/bin/python``. It
imports nothing from iegn: only the standard library and the peer's stack.

A graph file is JSON ``{"nodes": [...], "edges": [[u, v], ...]}`` (integer nodes, unweighted).
The graph is rebuilt with the nodes, then the edges, in the given order, so its edge order is
the caller's. Every timing covers the peer's own work only, ``OllivierRicci(G, ...)`` (which
copies the graph and sets unit weights) plus ``compute_ricci_curvature()`` or
``compute_ricci_flow(...)``, with :func:`time.perf_counter`; reading the graph and writing the
answer are outside it, and so is the start-up of this interpreter (reported on its own).

Two modes:

``--serve`` (what ``bench_curvature.py`` uses): one JSON request a line on stdin, one JSON
answer a line on stdout, so the caller can interleave the peer's calls with its own in each
round. The first line written is a greeting with the versions and the import time; then

* ``{"op": "load", "graph": PATH}`` -> ``{"ok": true, "n": .., "m": .., "seconds": ..}``
* ``{"op": "curvature", "alpha": .5, "method": "OTD", "proc": 2, "values": bool}``
  -> ``{"ok": true, "seconds": .., "values": [[u, v, kappa], ...]}`` (values when asked)
* ``{"op": "flow", ... as above ..., "iterations": 10}``
  -> ``{"ok": true, "seconds": .., "spread": max - min curvature,
  "values": [[u, v, weight, kappa], ...]}``
* ``{"op": "rusage"}`` -> peak resident memory (KiB) of this process and of its reaped children
* ``{"op": "quit"}`` (or end of input) ends the process.

A failed request answers ``{"ok": false, "error": traceback}``. Anything the libraries print
goes to stderr, never into the answers.

One-shot (by hand): ``--graph G.json --task curvature|flow --out OUT.json [--repeat R]`` runs
the task R times and writes the versions, the start-up, every timing and the last call's
values to ``OUT.json``.
"""

from __future__ import annotations

import time

_T_START = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import traceback  # noqa: E402
from importlib import metadata  # noqa: E402
from typing import Any  # noqa: E402

import networkx as nx  # noqa: E402
from GraphRicciCurvature.OllivierRicci import OllivierRicci  # noqa: E402

_IMPORT_S = time.perf_counter() - _T_START
DISTRIBUTIONS = ("GraphRicciCurvature", "networkx", "networkit", "POT", "numpy", "scipy")


def versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {"python": sys.version.split()[0]}
    for dist in DISTRIBUTIONS:
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = None
    return out


def load_graph(path: str) -> nx.Graph:
    with open(path) as fh:
        data = json.load(fh)
    G = nx.Graph()
    G.add_nodes_from(data["nodes"])
    G.add_edges_from((u, v) for u, v in data["edges"])
    return G


def _orc(G: nx.Graph, req: dict[str, Any]) -> OllivierRicci:
    return OllivierRicci(
        G,
        alpha=float(req.get("alpha", 0.5)),
        method=req.get("method", "OTD"),
        proc=int(req.get("proc", 2)),
        verbose="ERROR",
    )


def curvature(G: nx.Graph, req: dict[str, Any]) -> dict[str, Any]:
    t0 = time.perf_counter()
    orc = _orc(G, req)
    orc.compute_ricci_curvature()
    seconds = time.perf_counter() - t0
    out: dict[str, Any] = {"ok": True, "seconds": seconds}
    if req.get("values"):
        out["values"] = [[u, v, float(d["ricciCurvature"])] for u, v, d in orc.G.edges(data=True)]
    return out


def flow(G: nx.Graph, req: dict[str, Any]) -> dict[str, Any]:
    t0 = time.perf_counter()
    orc = _orc(G, req)
    orc.compute_ricci_flow(iterations=int(req.get("iterations", 10)))
    seconds = time.perf_counter() - t0
    kappa = [float(d["ricciCurvature"]) for _, _, d in orc.G.edges(data=True)]
    # compute_ricci_flow stops early once max - min curvature < delta (1e-4): the caller
    # checks the spread to know that every iteration ran.
    out: dict[str, Any] = {"ok": True, "seconds": seconds, "spread": max(kappa) - min(kappa),
                           "n": orc.G.number_of_nodes(), "m": orc.G.number_of_edges()}
    if req.get("values"):
        out["values"] = [[u, v, float(d["weight"]), float(d["ricciCurvature"])] for u, v, d in orc.G.edges(data=True)]
    return out


def communities(G: nx.Graph, req: dict[str, Any]) -> dict[str, Any]:
    """``ricci_community()`` as a user calls it: its default Ricci flow, then its cut rule."""
    t0 = time.perf_counter()
    orc = _orc(G, req)
    cutoff, clustering = orc.ricci_community()
    seconds = time.perf_counter() - t0
    return {"ok": True, "seconds": seconds, "cutoff": float(cutoff),
            "clustering": [[v, int(c)] for v, c in clustering.items()]}


def rusage() -> dict[str, Any]:
    return {
        "ok": True,
        "self_maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "children_maxrss_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    }


def serve() -> int:
    # Answers go to a private copy of stdout; fd 1 itself now points at stderr, so whatever the
    # libraries print (Python or C) cannot corrupt the protocol.
    proto = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    def answer(obj: dict[str, Any]) -> None:
        proto.write(json.dumps(obj) + "\n")
        proto.flush()

    answer({"ok": True, "hello": True, "versions": versions(), "import_s": _IMPORT_S, "pid": os.getpid()})
    G: nx.Graph | None = None
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            req = json.loads(line)
            op = req["op"]
            if op == "quit":
                answer({"ok": True})
                break
            if op == "load":
                t0 = time.perf_counter()
                G = load_graph(req["graph"])
                answer({"ok": True, "n": G.number_of_nodes(), "m": G.number_of_edges(),
                        "seconds": time.perf_counter() - t0})
            elif op == "rusage":
                answer(rusage())
            elif op in ("curvature", "flow", "communities"):
                if G is None:
                    raise RuntimeError("no graph loaded: send a 'load' request first")
                answer({"curvature": curvature, "flow": flow, "communities": communities}[op](G, req))
            else:
                raise ValueError(f"unknown op {op!r}")
        except Exception:
            answer({"ok": False, "error": traceback.format_exc()})
    return 0


def one_shot(args: argparse.Namespace) -> int:
    G = load_graph(args.graph)
    req = {"alpha": args.alpha, "method": args.method, "proc": args.proc, "iterations": args.iterations}
    task = curvature if args.task == "curvature" else flow
    runs = [task(G, {**req, "values": i == args.repeat - 1}) for i in range(args.repeat)]
    record = {
        "versions": versions(),
        "startup_s": {"imports": _IMPORT_S},
        "task": args.task,
        "params": req,
        "n": G.number_of_nodes(),
        "m": G.number_of_edges(),
        "seconds": [r["seconds"] for r in runs],
        "values": runs[-1]["values"],
        **({"spread": runs[-1]["spread"]} if args.task == "flow" else {}),
        **rusage(),
    }
    with open(args.out, "w") as fh:
        json.dump(record, fh)
    print(f"{args.task}: {G.number_of_nodes()} nodes, {G.number_of_edges()} edges, "
          f"seconds {', '.join(f'{s:.3f}' for s in record['seconds'])} -> {args.out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--serve", action="store_true", help="JSON lines on stdin/stdout")
    parser.add_argument("--graph", help="graph JSON file (one-shot mode)")
    parser.add_argument("--task", choices=("curvature", "flow"), default="curvature")
    parser.add_argument("--out", help="result JSON file (one-shot mode)")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--alpha", type=float, default=0.5)
    parser.add_argument("--method", default="OTD")
    parser.add_argument("--proc", type=int, default=2)
    parser.add_argument("--iterations", type=int, default=10)
    args = parser.parse_args(argv)
    if args.serve:
        return serve()
    if not (args.graph and args.out) or args.repeat < 1:
        parser.error("one-shot mode needs --graph and --out (and --repeat >= 1), or use --serve")
    return one_shot(args)


if __name__ == "__main__":
    sys.exit(main())
