r"""The exact Ollivier–Ricci engine: a graph's structure in index form, built once, evaluated often.

:func:`iegn.graph.ollivier_ricci` builds one :class:`OllivierEngine` and evaluates it once;
:func:`iegn.graph.ricci_flow` builds one and evaluates it at every step with new lengths (the
supports, the pairs of support nodes of every edge and the chunking do not change while the
edge set does not).

Work per evaluation:

* **measures**, vectorised over the adjacency in CSR form;
* **distances** between the two supports of every edge, for a block of source rows at a time
  (at most :data:`DISTANCE_BLOCK` entries): on unweighted graphs a hop table from the sparse
  products :math:`B` and :math:`B^2` (:math:`B = A + I`, so :math:`d \le 1` where
  :math:`B > 0` and :math:`d \le 2` where :math:`B^2 > 0`; every other pair of an edge's
  closed neighbourhoods is at distance 3 through the edge); on weighted graphs SciPy's
  Dijkstra cut off at the longest path through the block's edges: compiled, with buckets
  instead of a heap, in threads (:mod:`._paths`), or SciPy's where Numba is missing. Never an
  all-pairs matrix.
* **transport**: every edge's problem of a block in one compiled call (:mod:`._transport`,
  Numba), each answer certified by its dual: the primal-dual method for the hop costs of
  unweighted graphs, the transportation simplex (warm-started from the block's previous
  bases) for lengths. A problem whose certificate fails, or every problem where Numba is
  missing, is solved by POT's network simplex (``emd_c``).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from typing import Any

import networkx as nx
import numpy as np

from ._fork import run_forked

__all__ = ["DENSE_HOPS_MAX_N", "DISTANCE_BLOCK", "PAIR_BLOCK", "PAIR_CACHE", "SPARSE_ROWS", "OllivierEngine", "GRC_UNIFORM_BELOW"]

#: Largest block of distances (source rows x nodes) formed at once.
DISTANCE_BLOCK = 4_000_000
#: Unweighted graphs with more nodes than this classify hop distances by sorted sparse keys
#: (cost linear in the support pairs) instead of dense blocks of rows (cost ~ n^2 overall).
DENSE_HOPS_MAX_N = 30_000
#: Sparse-key blocks: rows per block at least this many (their hop distances need no dense rows) ...
SPARSE_ROWS = 4096
#: ... and support pairs per block at most this many (bounds the block's working memory).
PAIR_BLOCK = 2_000_000
#: Pair index arrays are kept between evaluations while the graph has at most this many
#: support pairs (8 bytes each); larger graphs rebuild them chunk by chunk.
PAIR_CACHE = 20_000_000
#: ``workers > 1`` forks only for chunks with at least this many transport problems ...
FORK_MIN_EDGES = 2000
#: ... or at least this many distance searches.
FORK_MIN_SOURCES = 200
#: The compiled transport (integer costs) splits over threads only with at least this many problems ...
THREAD_MIN_EDGES = 500
#: ... and the compiled shortest-path searches only with at least this many sources.
THREAD_MIN_SOURCES = 64
#: After cancelling common mass, an edge whose remaining supply or demand is at most this is
#: treated as having equal measures (W1 = 0): the remainder is rounding in the masses, which
#: sum to 1. The error this adds to kappa is at most MASS_FLOOR * diameter / d(x, y).
MASS_FLOOR = 1e-12
#: GraphRicciCurvature 0.6.1 walks uniformly from a node whose neighbours' weights
#: :math:`\sum_z e^{-w_{xz}^2}` sum to at most this (its own threshold); ``measure="grc"`` copies it.
GRC_UNIFORM_BELOW = 1e-7


#: The modules compiled by Numba (:func:`_compiled` loads them).
COMPILED_MODULES = ("_transport", "_paths")


def _compiled(name: str) -> Any:
    """The compiled module ``._transport`` or ``._paths`` (imports Numba on first use), or
    ``None`` where Numba is missing or broken: the engine then uses POT's network simplex and
    SciPy's Dijkstra, never a wrong answer.

    Any other name is a programming error and raises: a misspelt name must not quietly send
    the engine down its slow fallback.
    """
    import importlib

    if name not in COMPILED_MODULES:
        raise ValueError(f"no compiled module named {name!r}; expected one of {COMPILED_MODULES}")
    try:
        return importlib.import_module(f"iegn.graph.{name}")
    except Exception:  # pragma: no cover - exercised only without Numba
        return None


def _compiled_transport() -> Any:
    """:mod:`._transport`, or ``None`` (see :func:`_compiled`)."""
    return _compiled("_transport")


def _contiguous(parts: list[np.ndarray]) -> list[np.ndarray]:
    """``parts`` of ``arange(k)`` replaced by as many contiguous runs of about their sizes."""
    total = sum(p.size for p in parts)
    bounds = np.linspace(0, total, len(parts) + 1).round().astype(np.int64)
    return [np.arange(a, b) for a, b in zip(bounds[:-1], bounds[1:]) if b > a]


def _in_threads(run: Any, parts: list[np.ndarray]) -> None:
    """``run(part)`` for every part, in threads when there are several (compiled code that
    releases the GIL)."""
    if len(parts) == 1:
        run(parts[0])
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(len(parts)) as pool:
        list(pool.map(run, parts))


def _split(items: np.ndarray, cost: np.ndarray, workers: int, minimum: int) -> list[np.ndarray]:
    """``items`` in ``workers`` parts of about equal total cost (one part when there are few)."""
    if workers < 2 or items.size < minimum:
        return [items]
    order = np.argsort(-cost, kind="stable")
    parts = [np.sort(items[order[w::workers]]) for w in range(workers)]  # round robin, largest first
    return [p for p in parts if p.size]


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Concatenated ``arange(start, start + length)`` for every pair (vectorised)."""
    total = int(lengths.sum())
    ends = np.cumsum(lengths)
    return np.arange(total, dtype=np.int64) + np.repeat(starts - (ends - lengths), lengths)


class _Chunk:
    """Edges whose sources share one distance block, with their gather indices."""

    __slots__ = ("edges", "sources", "rows", "cols", "xy_rows", "basis", "basis_len", "buffer")

    def __init__(self, edges: np.ndarray, sources: np.ndarray, rows: np.ndarray | None, cols: np.ndarray | None,
                 xy_rows: np.ndarray) -> None:
        self.edges = edges
        self.sources = sources
        self.rows = rows
        self.cols = cols
        self.xy_rows = xy_rows
        self.basis: np.ndarray | None = None  # last optimal transport bases (weighted), see _transport
        self.basis_len: np.ndarray | None = None
        self.buffer: np.ndarray | None = None  # distance rows of a repeated engine, reused


class OllivierEngine:
    """Index form of an undirected simple graph for repeated exact curvature evaluations.

    Parameters
    ----------
    G
        The graph (validated by the caller).
    edges
        The edges, in the order of the returned values.
    weighted
        Whether lengths other than 1 will be passed (selects Dijkstra over hop tables).
    repeated
        Whether the engine will be evaluated many times with slowly changing lengths (a Ricci
        flow): each chunk then keeps its block of distance rows and its transport bases (the
        warm start of the next step's simplex) between evaluations.
    """

    def __init__(self, G: nx.Graph, edges: Sequence[tuple[Hashable, Hashable]], *, weighted: bool,
                 repeated: bool = False) -> None:
        self.nodes = list(G)
        index = {v: i for i, v in enumerate(self.nodes)}
        n = self.n = len(self.nodes)
        m = len(edges)
        self.weighted = weighted
        self.repeated = repeated
        self.eu = np.fromiter((index[u] for u, _ in edges), dtype=np.int64, count=m)
        self.ev = np.fromiter((index[v] for _, v in edges), dtype=np.int64, count=m)
        # directed adjacency in CSR order, with the undirected edge id of every entry
        src = np.concatenate([self.eu, self.ev])
        dst = np.concatenate([self.ev, self.eu])
        order = np.argsort(src, kind="stable")
        self.adj_src, self.adj_dst = src[order], dst[order]
        self.adj_eid = np.concatenate([np.arange(m), np.arange(m)])[order]
        deg = np.bincount(src, minlength=n)
        self.adj_ptr = np.concatenate([[0], np.cumsum(deg)])
        # closed neighbourhoods: node x's support is [x, neighbours of x in CSR order]
        self.sup_ptr = self.adj_ptr + np.arange(n + 1)
        self.sup_idx = np.empty(self.sup_ptr[-1], dtype=np.int64)
        self.sup_idx[self.sup_ptr[:-1]] = np.arange(n)
        self._nbr_slots = np.arange(self.adj_src.size) + self.adj_src + 1  # slot of each adjacency entry
        self.sup_idx[self._nbr_slots] = self.adj_dst
        self.size = np.diff(self.sup_ptr)
        self._chunks: list[_Chunk] | None = None
        self._sparse_hops = not weighted and n > DENSE_HOPS_MAX_N
        self._keep_pairs = int(np.dot(self.size[self.eu], self.size[self.ev])) <= PAIR_CACHE
        self._closed: Any = None

    # ------------------------------------------------------------------ measures
    def masses(self, alpha: float, lengths: np.ndarray | None, measure: str) -> np.ndarray:
        """Measure of every support slot (aligned with ``sup_idx``)."""
        if lengths is None or measure == "uniform":
            raw = np.ones(self.adj_src.size)
        elif measure == "inverse-length":
            raw = 1.0 / lengths[self.adj_eid]
        else:  # "grc": exp(-w^2), and uniform where those sum to at most GRC_UNIFORM_BELOW
            with np.errstate(over="ignore"):  # w^2 = inf gives e^{-inf} = 0, the exact limit
                raw = np.exp(-lengths[self.adj_eid] ** 2)
            low = np.bincount(self.adj_src, weights=raw, minlength=self.n) <= GRC_UNIFORM_BELOW
            raw = np.where(low[self.adj_src], 1.0, raw)
        total = np.bincount(self.adj_src, weights=raw, minlength=self.n)
        out = np.empty(self.sup_idx.size)
        out[self.sup_ptr[:-1]] = alpha
        out[self._nbr_slots] = (1.0 - alpha) * raw / total[self.adj_src]
        return out

    # ------------------------------------------------------------------ chunks
    def _build_chunks(self) -> list[_Chunk]:
        """Group edges by first endpoint into blocks of at most DISTANCE_BLOCK / n source rows."""
        n = self.n
        per_block = max(1, DISTANCE_BLOCK // max(n, 1))
        pair_budget = None
        if self._sparse_hops:  # hop distances need no dense rows: larger blocks, bounded by their pairs
            per_block = max(per_block, SPARSE_ROWS)
            pair_budget = PAIR_BLOCK
        order = np.argsort(self.eu, kind="stable")
        size = self.size.tolist()
        ev_l = self.ev.tolist()
        chunks: list[_Chunk] = []
        mark = np.zeros(n, dtype=bool)
        eu_l = self.eu.tolist()
        start = 0
        while start < order.size:
            stop = start
            count = 0
            pairs = 0
            sources: list[np.ndarray] = []
            last = -1
            while stop < order.size:
                x = eu_l[order[stop]]
                if pair_budget is not None:
                    pairs += size[x] * size[ev_l[order[stop]]]
                    if stop > start and pairs > pair_budget:
                        break
                if x != last:
                    sup = self.sup_idx[self.sup_ptr[x]:self.sup_ptr[x + 1]]
                    new = sup[~mark[sup]]
                    if count and count + new.size > per_block:
                        break
                    mark[new] = True
                    count += new.size
                    sources.append(new)
                    last = x
                stop += 1
            src = np.concatenate(sources)
            mark[src] = False
            block = order[start:stop]
            chunk = _Chunk(block, src, None, None, np.empty(0, dtype=np.int64))
            if self._keep_pairs:
                self._gather(chunk)
            chunks.append(chunk)
            start = stop
        return chunks

    def _gather(self, chunk: _Chunk) -> tuple[np.ndarray, np.ndarray]:
        """Row (position in the block) and column (node) of every support pair of the chunk's edges."""
        if chunk.rows is not None and chunk.cols is not None:
            return chunk.rows, chunk.cols
        pos = np.full(self.n, -1, dtype=np.int64)
        pos[chunk.sources] = np.arange(chunk.sources.size)
        x, y = self.eu[chunk.edges], self.ev[chunk.edges]
        a, b = self.size[x], self.size[y]
        dtype = np.int32 if max(self.n, chunk.sources.size) < 2**31 else np.int64
        paths = _compiled("_paths")
        if paths is not None:
            chunk.xy_rows = pos[x]
            chunk.rows, chunk.cols = paths.support_pairs(self.sup_ptr, self.sup_idx, pos, x, y, dtype)
            return chunk.rows, chunk.cols
        # row nodes: x's support, each entry repeated b times; columns: y's support, tiled a times
        x_support = pos[self.sup_idx[_ranges(self.sup_ptr[x], a)]].astype(dtype)
        rows = np.repeat(x_support, np.repeat(b, a))
        y_support = self.sup_idx[_ranges(self.sup_ptr[y], b)].astype(dtype)
        b_start = np.cumsum(b) - b
        cols = y_support[_ranges(np.repeat(b_start, a), np.repeat(b, a))]
        chunk.xy_rows = pos[x]
        chunk.rows, chunk.cols = rows, cols
        return chunk.rows, chunk.cols

    # ------------------------------------------------------------------ distances
    def _hops(self, sources: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Hop distance (capped at 3) from ``sources[rows]`` to ``cols`` (int8 from the dense
        table, float64 from the sparse keys; both exact small integers).

        Up to :data:`DENSE_HOPS_MAX_N` nodes, a dense int8 table of the block's rows (at most
        DISTANCE_BLOCK entries; its total cost grows like n^2, cheap up to there); above, sorted keys ``row * n + col`` of :math:`B_r` and :math:`B_r B`,
        looked up by binary search, so that memory follows the pairs and the 2-hop balls of
        the block, never ``rows x n``.
        """
        if not self._sparse_hops:
            paths = _compiled("_paths")
            table = self._hop_table(sources)
            return table[rows, cols] if paths is None else paths.gather(table, rows, cols)
        B = self._closed_adjacency()
        Br = B[sources]
        B2 = Br @ B
        n = np.int64(self.n)

        def keys(M: Any) -> np.ndarray:
            M.sort_indices()
            return np.repeat(np.arange(M.shape[0], dtype=np.int64), np.diff(M.indptr)) * n + M.indices

        def member(sorted_keys: np.ndarray, q: np.ndarray) -> np.ndarray:
            pos = np.searchsorted(sorted_keys, q)
            pos[pos == sorted_keys.size] = 0
            return sorted_keys[pos] == q

        q = rows.astype(np.int64) * n + cols
        out = np.full(q.size, 3.0)
        out[member(keys(B2), q)] = 2.0
        out[member(keys(Br), q)] = 1.0
        out[sources[rows] == cols] = 0.0
        return out

    def _closed_adjacency(self) -> Any:
        from scipy.sparse import csr_array, identity

        if self._closed is None:
            A = csr_array((np.ones(self.adj_src.size, dtype=np.int32), self.adj_dst, self.adj_ptr),
                          shape=(self.n, self.n))
            self._closed = (A + identity(self.n, dtype=np.int32, format="csr")).tocsr()
        return self._closed

    def _hop_table(self, sources: np.ndarray) -> np.ndarray:
        """``3 - [d<=0] - [d<=1] - [d<=2]`` as int8 for the given source rows (d capped at 3)."""
        B = self._closed_adjacency()
        Br = B[sources]
        B2 = (Br @ B).tocoo()
        table = np.full((sources.size, self.n), 3, dtype=np.int8)
        table[B2.row, B2.col] = 2
        Brc = Br.tocoo()
        table[Brc.row, Brc.col] = 1
        table[np.arange(sources.size), sources] = 0
        return table

    def _cancel(self, mass: np.ndarray, x: np.ndarray, y: np.ndarray, a: np.ndarray, b: np.ndarray,
                flat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        r"""Per-edge copies of the two measures with their common mass removed.

        :math:`W_1(\mu, \nu)` depends on :math:`\mu - \nu` only (Kantorovich–Rubinstein
        duality), so at every node in both supports (a pair at distance 0) the mass
        :math:`\min(\mu_s, \nu_s)` is taken off both sides; the network simplex skips the
        zero masses that result, so the problems it solves are smaller. The subtraction of the
        smaller of two floats from the larger is exact in sign, so no mass becomes negative.
        """
        rep_a = np.repeat(np.arange(x.size), a)
        ma = mass[self.sup_ptr[x][rep_a] + np.arange(rep_a.size) - np.repeat(np.cumsum(a) - a, a)]
        rep_b = np.repeat(np.arange(y.size), b)
        mb = mass[self.sup_ptr[y][rep_b] + np.arange(rep_b.size) - np.repeat(np.cumsum(b) - b, b)]
        zero = np.flatnonzero(flat == 0.0)
        if zero.size:
            ab = a * b
            e = np.searchsorted(np.cumsum(ab), zero, side="right")
            i, j = np.divmod(zero - (np.cumsum(ab) - ab)[e], b[e])
            ia = (np.cumsum(a) - a)[e] + i
            jb = (np.cumsum(b) - b)[e] + j
            common = np.minimum(ma[ia], mb[jb])
            ma[ia] -= common
            mb[jb] -= common
        return ma, mb

    def _chunk_distances(self, chunk: _Chunk, graph: Any, w: np.ndarray, limit: float, workers: int) -> np.ndarray:
        """Distance rows of the chunk's sources, cut off at ``limit``: compiled bucket searches
        (:func:`._paths.bucket_rows`, split over ``workers`` threads), else SciPy's Dijkstra."""
        paths = _compiled("_paths")
        if paths is None:
            return self._distances(chunk.sources, graph, limit, workers)
        if not self.repeated:
            out = np.empty((chunk.sources.size, self.n))
        else:  # a flow rewrites the same rows at every step: keep the block
            if chunk.buffer is None:
                chunk.buffer = np.empty((chunk.sources.size, self.n))
            out = chunk.buffer
        parts = _split(np.arange(chunk.sources.size), np.ones(chunk.sources.size), workers, THREAD_MIN_SOURCES)

        def run(part: np.ndarray) -> None:
            a, b = int(part[0]), int(part[-1]) + 1
            paths.bucket_rows(self.adj_ptr, self.adj_dst, w, chunk.sources[a:b], limit, out=out[a:b])

        _in_threads(run, _contiguous(parts))
        return out

    def _distances(self, sources: np.ndarray, graph: Any, limit: float, workers: int) -> np.ndarray:
        from scipy.sparse.csgraph import dijkstra

        def search(part: np.ndarray, out: np.ndarray) -> None:
            # the CSR holds both directions of every edge: directed=True scans each stored arc once
            out[part] = dijkstra(graph, directed=True, indices=sources[part], limit=limit)

        parts = _split(np.arange(sources.size), np.ones(sources.size), workers, FORK_MIN_SOURCES)
        return run_forked(parts, search, (sources.size, self.n))

    # ------------------------------------------------------------------ evaluation
    def curvature(self, alpha: float, lengths: np.ndarray | None, measure: str, solve: Any,
                  workers: int = 1) -> np.ndarray:
        r""":math:`\kappa` of every edge (in the engine's edge order) for the given edge lengths.

        ``lengths`` is ``None`` for an unweighted graph; ``solve(a, b, D, k)`` returns the exact
        W1 of edge ``k``. ``workers > 1`` splits the distance searches and the transport
        problems of large chunks over that many processes (:mod:`._fork`).
        """
        if self._chunks is None:
            self._chunks = self._build_chunks()
        mass = self.masses(alpha, lengths, measure)
        out = np.empty(self.eu.size)
        graph = None
        reach = None
        if lengths is not None:
            from scipy.sparse import csr_array

            # kappa = 1 - W1/d is invariant under scaling every length, so distances and costs
            # are taken of the lengths scaled by a power of two (exact) to put the longest in
            # [1/2, 1): sums of a few lengths cannot overflow, and the transport solvers'
            # tolerances, relative to costs of order 1, hold for lengths of any magnitude. The
            # measures above keep the given lengths (the "grc" weights are not scale invariant).
            scaled = np.ldexp(lengths, -math.frexp(float(lengths.max()))[1]) if lengths.size else lengths
            w = scaled[self.adj_eid]
            graph = csr_array((w, self.adj_dst, self.adj_ptr), shape=(self.n, self.n))
            farthest = np.zeros(self.n)
            np.maximum.at(farthest, self.adj_src, w)
            reach = farthest[self.eu] + scaled + farthest[self.ev]
        for chunk in self._chunks:
            rows, cols = self._gather(chunk)
            if graph is None:
                flat = self._hops(chunk.sources, rows, cols)
                d_xy = np.ones(chunk.edges.size)
            else:
                assert reach is not None
                limit = float(reach[chunk.edges].max()) * (1 + 1e-12)
                dist = self._chunk_distances(chunk, graph, w, limit, workers)
                paths = _compiled("_paths")
                flat = dist[rows, cols] if paths is None else paths.gather(dist, rows, cols)
                if not np.all(np.isfinite(flat)):  # pragma: no cover - the limit covers every path via the edge
                    raise RuntimeError("a distance search stopped short of a support node")
                d_xy = dist[chunk.xy_rows, self.ev[chunk.edges]]
            if not self._keep_pairs:
                chunk.rows = chunk.cols = None  # large graphs: free the pairs again
            x, y = self.eu[chunk.edges], self.ev[chunk.edges]
            a, b = self.size[x], self.size[y]
            ma, mb = self._cancel(mass, x, y, a, b, flat)
            a_off, b_off, p_off = (np.concatenate([[0], np.cumsum(v)]) for v in (a, b, a * b))
            # measures equal up to rounding (all mass cancelled): W1 = 0
            moving = np.minimum(np.add.reduceat(ma, a_off[:-1]), np.add.reduceat(mb, b_off[:-1])) > MASS_FLOOR
            todo = np.flatnonzero(moving)
            ks = chunk.edges.tolist()
            if _compiled_transport() is not None:
                # one compiled call per part (threads, no GIL): the primal-dual method for hop
                # counts, the transportation simplex (warm-started from the chunk's last bases)
                # for lengths
                if graph is not None and (chunk.basis is None or chunk.basis.size != a_off[-1] + b_off[-1]):
                    chunk.basis = np.zeros(int(a_off[-1] + b_off[-1]), dtype=np.int64)
                    chunk.basis_len = np.full(len(ks), -1, dtype=np.int64)
                w1 = np.empty(len(ks))
                w1[todo] = self._batch(ma, mb, flat, a_off, b_off, p_off, todo, (a * b)[todo], workers, solve, ks,
                                       None if graph is None else chunk)
            else:
                w1 = self._one_by_one(ma, mb, flat, a_off, b_off, p_off, todo, (a * b)[todo], workers, solve, ks)
            w1[~moving] = 0.0
            out[chunk.edges] = 1.0 - w1 / d_xy
        return out

    @staticmethod
    def _one_by_one(ma: np.ndarray, mb: np.ndarray, flat: np.ndarray, a_off: np.ndarray, b_off: np.ndarray,
                    p_off: np.ndarray, todo: np.ndarray, cost: np.ndarray, workers: int, solve: Any,
                    ks: list[int]) -> np.ndarray:
        """W1 of the problems ``todo``, one ``solve`` call each (forked over ``workers``)."""
        ao, bo, po = a_off.tolist(), b_off.tolist(), p_off.tolist()
        flat = flat.astype(np.float64, copy=False)  # POT wants float64 costs (hop tables are int8)

        def transport(part: np.ndarray, w1: np.ndarray) -> None:
            for i in part.tolist():
                a0, a1, b0, b1 = ao[i], ao[i + 1], bo[i], bo[i + 1]
                w1[i] = solve(ma[a0:a1], mb[b0:b1], flat[po[i]:po[i + 1]].reshape(a1 - a0, b1 - b0), ks[i])

        return run_forked(_split(todo, cost, workers, FORK_MIN_EDGES), transport, (len(ks),))

    @staticmethod
    def _batch(ma: np.ndarray, mb: np.ndarray, flat: np.ndarray, a_off: np.ndarray, b_off: np.ndarray,
               p_off: np.ndarray, todo: np.ndarray, cost: np.ndarray, workers: int, solve: Any,
               ks: list[int], chunk: _Chunk | None = None) -> np.ndarray:
        """W1 of the problems ``todo`` by :func:`._transport.transport_batch`: the primal-dual
        method (integer costs) when ``chunk`` is None, else the simplex with the chunk's bases.

        ``workers > 1`` runs that many parts in threads (the compiled loop releases the GIL).
        A problem whose optimality certificate fails is solved again by ``solve``.
        """
        parts = _split(np.arange(todo.size), cost, workers, THREAD_MIN_EDGES)
        w1 = np.empty(todo.size)
        status = np.zeros(todo.size, dtype=np.int8)

        def run(part: np.ndarray) -> None:
            if chunk is None:
                w1[part], status[part] = _compiled_transport().transport_batch(
                    ma, mb, flat, a_off, b_off, p_off, todo[part], check=False)
            else:
                w1[part], status[part] = _compiled_transport().transport_batch(
                    ma, mb, flat, a_off, b_off, p_off, todo[part], method="simplex", check=False,
                    basis=chunk.basis, basis_len=chunk.basis_len)

        _in_threads(run, parts)
        for t in np.flatnonzero(status).tolist():
            i = int(todo[t])
            a0, a1, b0, b1 = int(a_off[i]), int(a_off[i + 1]), int(b_off[i]), int(b_off[i + 1])
            w1[t] = solve(ma[a0:a1], mb[b0:b1], flat[int(p_off[i]):int(p_off[i + 1])].reshape(a1 - a0, b1 - b0).astype(np.float64), ks[i])
        return w1
