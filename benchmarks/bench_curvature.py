"""Exact Ollivier–Ricci curvature (and Ricci flow): iegn against GraphRicciCurvature 0.6.1.

The peer, GraphRicciCurvature 0.6.1 (``method="OTD"``: exact optimal transport with POT's
network simplex, ``proc=2`` worker processes, all-pairs shortest paths by NetworKit), pins
``scipy<=1.13.1``, so it runs in its own virtual environment ``.venv-grc`` (``make bench-env``;
``make bench`` creates it when missing; pinned by ``benchmarks/requirements-grc.txt``) through
``benchmarks/_grc_worker.py``. That worker stays up for the whole benchmark and answers one
request per line, so each round times ours here and then the peer there, interleaved as
``_timing.measure`` does; the peer's time is measured inside its own process around its own
calls only (``OllivierRicci(G, ...)`` + ``compute_ricci_curvature()``), not its start-up, which
is recorded on its own (``params.peer_startup_s``). Without ``.venv-grc`` the benchmark says
so and returns no rows (every row needs the peer).

Graphs: unweighted, so the peer's neighbour weighting (``e^{-w^2}`` at ``w = 1``) is uniform and
both compute the same classical curvature ``kappa_{1/2}``; ours is
``iegn.graph.ollivier_ricci(G, idleness=0.5)`` (one thread). LFR benchmark graphs from
``networkx.LFR_benchmark_graph(n, tau1=3, tau2=1.5, mu=0.1, average_degree=10,
min_community=20, seed=s)``, with ``s`` the first seed from 0 up for which the generator
succeeds (it raises ``ExceededMaxIterations`` for some; the seed used is in the params), then
self-loops dropped and the result made a plain ``nx.Graph`` with nodes in sorted order.

Cases (ratio = ours / peer, lower is better):

* ``ORC exact, karate club`` (information): a sanity row on Zachary's karate club graph (34
  nodes, 78 edges, its ``weight`` attributes dropped). The peer's time is mostly its process
  pool's start.
* ``ORC exact, LFR n=1000, workers=1|2`` (quick: n=500): target ratio <= 0.1 (ours 10x
  faster). ``workers=2`` is ours on the same two cores the peer's two processes use (ours
  runs its compiled loops in two threads).
* ``Ricci flow 10 iterations, LFR n=..., workers=1|2``: ``iegn.graph.ricci_flow(G,
  iterations=10, step=1.0, idleness=0.5, workers=w)`` against ``compute_ricci_flow(iterations=10)``
  (step 1, weights renormalised to sum |E| after each step, 11 curvature evaluations each).
  Target <= 0.1. Both flows stop early when the curvature spread falls below 1e-4; the
  benchmark checks that both ran all 10 steps.
* ``Communities, karate club`` and ``Communities, LFR n=500 | 1000`` (information rows with an
  ARI target in the note: >= 0.95 at n=500, >= 0.90 at n=1000; quick: n=500 only): one run of
  ``iegn.graph.ricci_communities(G)`` against the peer's ``ricci_community()`` as a user calls
  it (its default flow, then its cut rule), each scored by the adjusted Rand index against the
  planted partition (karate: the club split), computed by ``iegn.graph.adjusted_rand_index``.
  The LFR graphs are the first generating seeds for their n, as above.
* ``ORC exact, LFR n=10000, 1 run + peak memory`` (full size only; information): one call of
  each side, ours in a fresh subprocess of the main environment that reports its peak
  resident set (``resource.getrusage``, after a warm-up call that imports everything) and the
  increase during the call; the peer's peak resident set in its (fresh) worker, where the
  dense all-pairs distance matrix lives, and in its reaped pool processes. tracemalloc was
  not used: it slows the call about 5x.
* ``ORC exact, LFR n=100000, 1 run + peak memory (ours only)`` (full size only): the peer is
  not run; its dense all-pairs distances alone would take n^2 * 8 bytes = 75 GiB.

Before any timing, every case checks that ours and the peer agree on **every** edge to
``ATOL`` = 1e-9 absolute (curvatures; and flowed weights for the flow). A disagreement raises
with the number of edges off and the worst ones listed: it is never loosened silently.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
GRC_VENV = ROOT / ".venv-grc"
GRC_PYTHON = GRC_VENV / "bin" / "python"
WORKER = HERE / "_grc_worker.py"

#: Absolute agreement required on every edge. Both sides solve the same small transport
#: problems exactly (network simplex) and differ only by float rounding (~1e-15).
ATOL = 1e-9
ALPHA = 0.5
PROC = 2
FLOW_ITERATIONS = 10
TARGET_ORC = 0.1
TARGET_FLOW = 0.1
LFR_KW = {"tau1": 3, "tau2": 1.5, "mu": 0.1, "average_degree": 10, "min_community": 20}
#: Seeds tried in order for the LFR generator.
LFR_SEEDS = range(100)
#: Wall-clock budget (s) for the timed rounds of one case: rounds stop once it is spent
#: (at least one timed round always runs).
ROUND_BUDGET_S = 240.0
PEER_LABEL = (
    f"GraphRicciCurvature 0.6.1: OllivierRicci(G, alpha={ALPHA}, method='OTD', proc={PROC}, verbose='ERROR')"
    ".compute_ricci_curvature(), in .venv-grc"
)
PEER_FLOW_LABEL = (
    f"GraphRicciCurvature 0.6.1: OllivierRicci(G, alpha={ALPHA}, method='OTD', proc={PROC})"
    f".compute_ricci_flow(iterations={FLOW_ITERATIONS}), in .venv-grc"
)
OURS_LABEL = f"iegn.graph.ollivier_ricci(G, idleness={ALPHA}) (exact, one thread)"
OURS_FLOW_LABEL = f"iegn.graph.ricci_flow(G, iterations={FLOW_ITERATIONS}, step=1.0, idleness={ALPHA})"


# --- graphs -----------------------------------------------------------------------------------


def simple_graph(nodes: Iterable[Any], edges: Iterable[tuple[Any, Any]]) -> Any:
    """A plain ``nx.Graph``: the nodes sorted, then the edges without self-loops, no attributes."""
    import networkx as nx

    G = nx.Graph()
    G.add_nodes_from(sorted(nodes))
    G.add_edges_from((u, v) for u, v in edges if u != v)
    return G


def lfr_graph(n: int) -> tuple[Any, dict[str, Any]]:
    """The LFR graph of the module notes, with the first seed that generates; and its params.

    The planted partition (each node's first community) is ``G.graph["truth"]``.
    """
    import networkx as nx

    failed = []
    t0 = time.perf_counter()
    for seed in LFR_SEEDS:
        try:
            raw = nx.LFR_benchmark_graph(n, seed=seed, **LFR_KW)
        except nx.ExceededMaxIterations:
            failed.append(seed)
            continue
        G = simple_graph(raw.nodes, raw.edges)
        G.graph["truth"] = {v: min(raw.nodes[v]["community"]) for v in raw}
        info = {
            "graph": f"LFR_benchmark_graph(n={n}, " + ", ".join(f"{k}={v}" for k, v in LFR_KW.items()) + ")",
            "lfr_seed": seed,
            "lfr_seeds_failed": len(failed),
            "n": G.number_of_nodes(),
            "edges": G.number_of_edges(),
            "connected": nx.is_connected(G),
            "generate_s": round(time.perf_counter() - t0, 3),
        }
        return G, info
    raise RuntimeError(f"LFR_benchmark_graph(n={n}, {LFR_KW}) failed for every seed in {LFR_SEEDS}")


def karate_graph() -> Any:
    import networkx as nx

    K = nx.karate_club_graph()
    return simple_graph(K.nodes, K.edges)  # drops the interaction-count 'weight' attributes


def write_graph(G: Any, path: Path) -> Path:
    path.write_text(json.dumps({"nodes": list(G.nodes), "edges": [[u, v] for u, v in G.edges]}))
    return path


# --- the peer's process -----------------------------------------------------------------------


class PeerUnavailable(RuntimeError):
    pass


class Peer:
    """The GraphRicciCurvature worker (``_grc_worker.py --serve``) under ``.venv-grc/bin/python``."""

    def __init__(self, workdir: Path) -> None:
        if not GRC_PYTHON.exists():
            raise PeerUnavailable(f"{GRC_PYTHON.relative_to(ROOT)} not found")
        self._stderr = open(workdir / f"grc-worker-{time.monotonic_ns()}.log", "w+")
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(
            [str(GRC_PYTHON), str(WORKER), "--serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            cwd=ROOT,
        )
        hello = self._read("start-up")
        #: Wall time from launching the interpreter to its greeting (imports done).
        self.startup_s = time.perf_counter() - t0
        self.import_s = float(hello["import_s"])
        self.versions: dict[str, Any] = hello["versions"]

    def _read(self, what: str) -> dict[str, Any]:
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        if not line:
            self._stderr.flush()
            self._stderr.seek(0)
            log = self._stderr.read()[-4000:]
            raise RuntimeError(f"GraphRicciCurvature worker ended during {what} (exit {self.proc.poll()}); stderr:\n{log}")
        reply = json.loads(line)
        if not reply.get("ok"):
            raise RuntimeError(f"GraphRicciCurvature worker failed during {what}:\n{reply.get('error')}")
        return reply

    def request(self, op: str, **kw: Any) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"op": op, **kw}) + "\n")
        self.proc.stdin.flush()
        return self._read(op)

    def close(self) -> None:
        try:
            if self.proc.poll() is None:
                self.request("quit")
            self.proc.wait(timeout=30)
        except Exception:
            self.proc.kill()
            self.proc.wait()
        finally:
            self._stderr.close()

    def __enter__(self) -> Peer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- checking and timing ----------------------------------------------------------------------


def compare(what: str, ours: dict[tuple[Any, Any], float], peer: list[list[Any]], *, column: int = 2) -> float:
    """Max |ours - peer| over every edge; raises (listing the worst edges) above ``ATOL``."""
    ours_key = {frozenset(e): val for e, val in ours.items()}
    peer_key = {frozenset((row[0], row[1])): float(row[column]) for row in peer}
    if ours_key.keys() != peer_key.keys():
        only_ours, only_peer = ours_key.keys() - peer_key.keys(), peer_key.keys() - ours_key.keys()
        raise RuntimeError(
            f"{what}: the edge sets differ ({len(only_ours)} edges only in ours, e.g. "
            f"{[tuple(e) for e in list(only_ours)[:5]]}; {len(only_peer)} only in the peer's, e.g. "
            f"{[tuple(e) for e in list(only_peer)[:5]]})"
        )
    diffs = sorted(((abs(ours_key[e] - peer_key[e]), e) for e in ours_key), key=lambda t: t[0], reverse=True)
    worst = diffs[0][0] if diffs else 0.0
    if not worst <= ATOL:  # NaN fails too
        bad = [(d, e) for d, e in diffs if not d <= ATOL]
        listing = "\n".join(
            f"  edge {tuple(sorted(e))}: ours {ours_key[e]!r}, peer {peer_key[e]!r}, |diff| {d:.3g}" for d, e in bad[:10]
        )
        raise RuntimeError(
            f"{what}: ours and GraphRicciCurvature disagree on {len(bad)} of {len(diffs)} edges "
            f"(max |diff| {worst:.3g} > {ATOL:g}); worst:\n{listing}"
        )
    return worst


def _as_timing(times: list[float], warmup: int) -> Any:
    import statistics

    from _timing import Timing

    return Timing(statistics.median(times), min(times), max(times), len(times), warmup)


def rounds(
    ours: Callable[[], Any],
    peer: Callable[[], float],
    *,
    repeat: int,
    first: tuple[float, float] | None = None,
    budget_s: float = ROUND_BUDGET_S,
) -> tuple[Any, Any]:
    """Interleaved rounds (ours here, then the peer in its process), as ``_timing.measure`` does.

    ``peer()`` returns the seconds the worker measured around the peer's own calls. With
    ``first`` = the (ours, peer) seconds of the correctness-check round, that round counts as
    the first timed round (warm-up 0); otherwise the check round was the warm-up (1). Rounds
    stop at ``repeat`` or once ``budget_s`` of wall time is spent, after at least one.
    """
    ours_t, peer_t = ([first[0]], [first[1]]) if first else ([], [])
    start = time.perf_counter()
    while len(ours_t) < repeat and not (ours_t and time.perf_counter() - start > budget_s):
        t0 = time.perf_counter()
        ours()
        ours_t.append(time.perf_counter() - t0)
        peer_t.append(peer())
    warmup = 0 if first else 1
    return _as_timing(ours_t, warmup), _as_timing(peer_t, warmup)


def _row(case: str, ours: Any, peer: Any, *, ours_label: str, peer_label: str, target: float | None,
         params: dict[str, Any], note: str) -> dict[str, Any]:
    return {"case": case, "ours": ours_label, "baseline": peer_label, "ours_s": ours.median,
            "baseline_s": peer.median, "target": target, "ours_timing": ours.as_dict(),
            "baseline_timing": peer.as_dict(), "params": params, "note": note}


# --- cases ------------------------------------------------------------------------------------


def orc_case(case: str, G: Any, graph_file: Path, peer: Peer, *, repeat: int, target: float | None,
             params: dict[str, Any], note: str = "", workers: int = 1) -> dict[str, Any]:
    import iegn.graph as ig

    peer.request("load", graph=str(graph_file))
    req = {"alpha": ALPHA, "method": "OTD", "proc": PROC}
    # correctness first (this round is also the warm-up of both sides)
    ours_k = ig.ollivier_ricci(G, idleness=ALPHA, workers=workers)
    ref = peer.request("curvature", values=True, **req)
    err = compare(case, dict(ours_k.items()), ref["values"])
    t_ours, t_peer = rounds(lambda: ig.ollivier_ricci(G, idleness=ALPHA, workers=workers),
                            lambda: peer.request("curvature", **req)["seconds"], repeat=repeat)
    label = OURS_LABEL if workers == 1 else OURS_LABEL.replace(") (exact, one thread)",
                                                               f", workers={workers}) (exact)")
    return _row(case, t_ours, t_peer, ours_label=label, peer_label=PEER_LABEL, target=target,
                params={**params, "workers": workers},
                note=(note + "; " if note else "") + f"all {len(ref['values'])} edges agree, max |diff| {err:.1e}; "
                f"peer uses {PROC} processes, ours {workers} thread{'s' if workers > 1 else ''}")


def flow_case(case: str, G: Any, graph_file: Path, peer: Peer, *, repeat: int,
              params: dict[str, Any], workers: int = 1) -> dict[str, Any]:
    import iegn.graph as ig

    peer.request("load", graph=str(graph_file))
    req = {"alpha": ALPHA, "method": "OTD", "proc": PROC, "iterations": FLOW_ITERATIONS}

    def ours() -> Any:
        return ig.ricci_flow(G, iterations=FLOW_ITERATIONS, step=1.0, idleness=ALPHA, workers=workers)

    # The flows are long: the correctness-check round is also the first timed round.
    t0 = time.perf_counter()
    res = ours()
    first_ours = time.perf_counter() - t0
    ref = peer.request("flow", values=True, **req)
    if res.n_iter != FLOW_ITERATIONS:
        raise RuntimeError(f"{case}: ricci_flow took {res.n_iter} steps, not {FLOW_ITERATIONS}: the timing would be short")
    if not ref["spread"] >= 1e-4:  # the peer's default delta: it would have stopped early
        raise RuntimeError(f"{case}: the peer's flow stopped early (spread {ref['spread']:.3g} < 1e-4)")
    err_w = compare(case + " (weights)", dict(res.weights), ref["values"], column=2)
    err_k = compare(case + " (curvature)", dict(res.curvature.items()), ref["values"], column=3)
    t_ours, t_peer = rounds(ours, lambda: peer.request("flow", **req)["seconds"], repeat=repeat,
                            first=(first_ours, ref["seconds"]))
    label = OURS_FLOW_LABEL if workers == 1 else OURS_FLOW_LABEL[:-1] + f", workers={workers})"
    return _row(case, t_ours, t_peer, ours_label=label, peer_label=PEER_FLOW_LABEL, target=TARGET_FLOW,
                params={**params, "workers": workers},
                note=f"all {len(ref['values'])} flowed weights and final curvatures agree (max |diff| {err_w:.1e}, "
                f"{err_k:.1e}); 10 steps, 11 curvature evaluations each; first round = the check call, no warm-up; "
                f"peer uses {PROC} processes, ours {workers} thread{'s' if workers > 1 else ''}")


def community_case(case: str, G: Any, truth: dict[Any, Any], graph_file: Path, peer: Peer, *,
                   target_ari: float | None, params: dict[str, Any]) -> dict[str, Any]:
    """Community detection with the automatic cut, one run each, scored by ARI against ``truth``."""
    import iegn.graph as ig

    peer.request("load", graph=str(graph_file))
    t0 = time.perf_counter()
    res = ig.ricci_communities(G)
    ours_s = time.perf_counter() - t0
    ref = peer.request("communities", alpha=ALPHA, method="OTD", proc=PROC)
    peer_labels = {v: c for v, c in ref["clustering"]}
    ari = ig.adjusted_rand_index(truth, dict(res.communities))
    ari_peer = ig.adjusted_rand_index(truth, peer_labels)
    verdict = "" if target_ari is None else f" (target >= {target_ari:g}: {'ok' if ari >= target_ari else 'MISSED'})"
    return _row(case, _as_timing([ours_s], 0), _as_timing([ref["seconds"]], 0),
                ours_label="iegn.graph.ricci_communities(G) (20 flow steps; cut and step chosen by modularity)",
                peer_label=("GraphRicciCurvature 0.6.1: OllivierRicci(G, alpha=0.5, method='OTD', proc=2)"
                            ".ricci_community() (its default flow, then its cut rule), in .venv-grc"),
                target=None,
                params={**params, "ari_ours": ari, "ari_peer": ari_peer, "ari_target": target_ari,
                        "communities_ours": res.n_communities, "communities_peer": len(set(peer_labels.values())),
                        "communities_true": len(set(truth.values())), "modularity_ours": res.modularity,
                        "flow_step_chosen": res.step},
                note=f"ARI against the planted partition: ours {ari:.3f}{verdict}, peer {ari_peer:.3f}; "
                     f"{res.n_communities} communities found (peer {len(set(peer_labels.values()))}, "
                     f"true {len(set(truth.values()))}); one run each")


def memory_case(G: Any, graph_file: Path, workdir: Path, info: dict[str, Any]) -> dict[str, Any]:
    """One call each at n = 10^4, with peak memory: ours in a fresh subprocess, the peer in a fresh worker."""
    ours = _ours_memory(graph_file, workdir)
    with Peer(workdir) as peer:
        peer.request("load", graph=str(graph_file))
        ref = peer.request("curvature", values=True, alpha=ALPHA, method="OTD", proc=PROC)
        mem = peer.request("rusage")
    case = f"ORC exact, LFR n={info['n']}, 1 run + peak memory"
    err = compare(case, {(u, v): k for u, v, k in ours["values"]}, ref["values"])
    mib = 1 / 1024
    params = {
        **info,
        "ours_peak_rss_mib": round(ours["maxrss_after_kib"] * mib, 1),
        "ours_rss_increase_mib": round((ours["maxrss_after_kib"] - ours["maxrss_before_kib"]) * mib, 1),
        "peer_peak_rss_mib": round(mem["self_maxrss_kib"] * mib, 1),
        "peer_children_peak_rss_mib": round(mem["children_maxrss_kib"] * mib, 1),
    }
    one = _as_timing([ours["seconds"]], 1)
    return _row(
        case, one, _as_timing([ref["seconds"]], 0), ours_label=OURS_LABEL + ", fresh subprocess", peer_label=PEER_LABEL,
        target=None, params=params,
        note=(f"peak RSS: ours {params['ours_peak_rss_mib']:.0f} MiB (+{params['ours_rss_increase_mib']:.0f} MiB during "
              f"the call), peer {params['peer_peak_rss_mib']:.0f} MiB in its main process (dense all-pairs distances) "
              f"and {params['peer_children_peak_rss_mib']:.0f} MiB in its largest pool process; "
              f"all {len(ref['values'])} edges agree, max |diff| {err:.1e}"),
    )


def _ours_memory(graph_file: Path, workdir: Path) -> dict[str, Any]:
    out = workdir / "ours-memory.json"
    subprocess.run([sys.executable, str(Path(__file__).resolve()), "--memory-child", str(graph_file), str(out)],
                   check=True, cwd=ROOT)
    return json.loads(out.read_text())


def memory_case_ours_only(graph_file: Path, workdir: Path, info: dict[str, Any]) -> dict[str, Any]:
    """n = 10^5: ours only. The peer's dense all-pairs distances alone would take n^2 * 8 B = 80 GB."""
    ours = _ours_memory(graph_file, workdir)
    mib = 1 / 1024
    n = info["n"]
    params = {**info, "ours_peak_rss_mib": round(ours["maxrss_after_kib"] * mib, 1),
              "ours_rss_increase_mib": round((ours["maxrss_after_kib"] - ours["maxrss_before_kib"]) * mib, 1),
              "peer_dense_distances_gib": round(n * n * 8 / 2**30, 1)}
    one = _as_timing([ours["seconds"]], 1)
    return {"case": f"ORC exact, LFR n={n}, 1 run + peak memory (ours only)",
            "ours": OURS_LABEL + ", fresh subprocess", "baseline": "not run: see note", "ours_s": one.median,
            "baseline_s": float("nan"), "target": None, "ours_timing": one.as_dict(), "baseline_timing": None,
            "params": params,
            "note": (f"peak RSS ours {params['ours_peak_rss_mib']:.0f} MiB (+{params['ours_rss_increase_mib']:.0f} MiB "
                     f"during the call) for {info['edges']} edges; the peer was not run: its dense all-pairs distance "
                     f"matrix alone would need {params['peer_dense_distances_gib']:.0f} GiB")}


def memory_child(graph_file: str, out_file: str) -> None:
    """Ours at full size in a fresh process: time, peak RSS before/after, the values."""
    import iegn.graph as ig

    data = json.loads(Path(graph_file).read_text())
    G = simple_graph(data["nodes"], data["edges"])
    ig.ollivier_ricci(karate_graph(), idleness=ALPHA)  # imports (POT, SciPy) before the baseline reading
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    k = ig.ollivier_ricci(G, idleness=ALPHA)
    seconds = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    Path(out_file).write_text(json.dumps({
        "seconds": seconds, "maxrss_before_kib": before, "maxrss_after_kib": after,
        "values": [[u, v, float(x)] for (u, v), x in k.items()],
    }))


def run(quick: bool) -> list[dict[str, Any]]:
    import iegn.graph as ig

    if not GRC_PYTHON.exists():
        print(
            f"curvature: SKIPPED every row - the peer's virtual environment {GRC_VENV.name} is missing "
            f"({GRC_PYTHON} not found). Create it with `make bench-env` (`make bench` does it too) and rerun.",
            flush=True,
        )
        return []
    n = 500 if quick else 1000
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="iegn-bench-curvature-") as tmp, Peer(Path(tmp)) as peer:
        work = Path(tmp)
        common = {"alpha": ALPHA, "peer_proc": PROC, "peer_python": str(GRC_PYTHON.relative_to(ROOT)),
                  "peer_versions": peer.versions, "peer_startup_s": round(peer.startup_s, 3),
                  "peer_import_s": round(peer.import_s, 3), "atol": ATOL}
        print(f"  peer worker up in {peer.startup_s:.2f} s (imports {peer.import_s:.2f} s; not timed): "
              + ", ".join(f"{k} {v}" for k, v in peer.versions.items()), flush=True)

        K = karate_graph()
        rows.append(orc_case("ORC exact, karate club", K, write_graph(K, work / "karate.json"), peer, repeat=20,
                             target=None, params={**common, "graph": "karate_club_graph, unweighted",
                                                  "n": K.number_of_nodes(), "edges": K.number_of_edges()},
                             note="sanity row; the peer's time is mostly its process pool's start"))

        G, info = lfr_graph(n)
        gfile = write_graph(G, work / f"lfr{n}.json")
        params = {**common, **info}
        for workers in (1, PROC):
            rows.append(orc_case(f"ORC exact, LFR n={n}, workers={workers}", G, gfile, peer, repeat=3 if quick else 5,
                                 target=TARGET_ORC, params=params, note=f"LFR seed {info['lfr_seed']}",
                                 workers=workers))
        for workers in (1, PROC):
            rows.append(flow_case(f"Ricci flow {FLOW_ITERATIONS} iterations, LFR n={n}, workers={workers}", G, gfile,
                                  peer, repeat=1 if quick else 3, params=params, workers=workers))

        K = karate_graph()
        club = {v: d["club"] for v, d in __import__("networkx").karate_club_graph().nodes(data=True)}
        rows.append(community_case("Communities, karate club (ARI vs the club split)", K, club,
                                   work / "karate.json", peer, target_ari=None,
                                   params={**common, "graph": "karate_club_graph, unweighted"}))
        for m, target in ((500, 0.95), (1000, 0.90)) if not quick else ((500, 0.95),):
            H, hinfo = lfr_graph(m)
            rows.append(community_case(f"Communities, LFR n={m} (ARI vs planted)", H, H.graph["truth"],
                                       write_graph(H, work / f"lfr{m}-c.json"), peer, target_ari=target,
                                       params={**common, **hinfo}))

    if not quick:
        with tempfile.TemporaryDirectory(prefix="iegn-bench-curvature-") as tmp:
            G, info = lfr_graph(10**4)
            rows.append(memory_case(G, write_graph(G, Path(tmp) / "lfr10000.json"), Path(tmp), {**info, "alpha": ALPHA}))
            G, info = lfr_graph(10**5)
            rows.append(memory_case_ours_only(write_graph(G, Path(tmp) / "lfr100000.json"), Path(tmp),
                                              {**info, "alpha": ALPHA}))
    return rows


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--memory-child":
        memory_child(sys.argv[2], sys.argv[3])
    else:
        sys.exit(f"usage: python benchmarks/run.py --only curvature   (internal: {Path(__file__).name} --memory-child G.json OUT.json)")
