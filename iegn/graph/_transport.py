r"""Exact transport for many small problems in one compiled call (Numba).

The exact Ollivier–Ricci curvature solves one transport problem per edge, each small (the two
closed neighbourhoods, after the common mass is cancelled). Called one at a time from Python,
a compiled network simplex spends most of each call in its wrapper; here every problem of a
batch is solved inside one compiled loop, by **successive shortest paths** with node
potentials, in its primal-dual form ({cite:p}`edmonds1972theoretical`; {cite:p}`ahuja1993network`, ch. 9):

* nodes are the supply rows, the demand columns, a super source ``S`` and a super sink ``T``;
  arcs ``S → i`` (capacity = remaining supply), ``i → j`` (cost ``C[i, j]``, uncapacitated),
  ``j → i`` (cost ``-C[i, j]``, capacity = flow on ``i → j``), ``j → T`` (remaining demand);
* each **phase** runs Dijkstra on reduced costs :math:`c(u, v) + h(u) - h(v) \ge 0` from ``S``
  until ``T`` is settled; the costs are integers (hop counts), so every label is an integer
  and the nodes of one label are settled together from a stack (the next label is found by a
  scan). The potentials become :math:`h + \min(d, d_T)`, which keeps every residual reduced
  cost non-negative and makes the arcs of some cheapest ``S``-``T`` path tight;
* then a **maximum flow on the tight arcs** (reduced cost 0): first the direct paths
  ``S → i → j → T`` greedily, then breadth-first augmenting paths through reverse arcs until
  none is left. The ``S``-``T`` distance rises with every phase, so with costs in
  ``{0, ..., c}`` there are at most ``c + 1`` phases (four for the hop costs 1..3 of an
  unweighted graph);
* it ends when the supply or the demand left is at most :data:`TINY` (the masses sum to 1;
  what is left is rounding in them).

**Certificate.** At the end the potentials are a feasible dual, :math:`\phi_j = h_j` and
:math:`\psi_i = h_i` with :math:`\phi_j - \psi_i \le C_{ij}`, so
:math:`\sum_j \phi_j b_j - \sum_i \psi_i a_i \le W_1 \le \sum_{ij} C_{ij} f_{ij} + r\,\max C`
(:math:`r` the mass left unsent). Each problem returns its primal cost only when the two ends
agree to :data:`GAP_RTOL` (relative to the largest cost) and the dual is feasible to the same
tolerance; otherwise, or when a problem takes more than :data:`MAX_PHASES` phases, its status
says so and the caller solves it again with POT's network simplex. The certificate is computed from the final flow and potentials, not
from the algorithm's bookkeeping, so a wrong path or a wrong potential shows as a gap.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["GAP_RTOL", "MAX_PHASES", "TINY", "transport_batch"]

#: Supplies and demands at most this are treated as zero (the masses of one edge sum to 1).
TINY = 1e-15
#: Accepted gap between the primal cost and the dual bound, relative to max(C) (rounding only).
GAP_RTOL = 1e-12
#: A problem needing more primal-dual phases than this is handed back unsolved (with integer
#: costs in 1..c the number of phases is at most c + 1).
MAX_PHASES = 64

@njit(cache=True, nogil=True)
def _solve_batch(ma, mb, flat, a_off, b_off, p_off, todo, out, status):  # pragma: no cover - compiled
    # one flat loop on purpose: Numba compiled a helper for the four relaxations ~1.7x slower
    kmax = 0
    lmax = 0
    for t in range(todo.size):
        e = todo[t]
        kmax = max(kmax, a_off[e + 1] - a_off[e])
        lmax = max(lmax, b_off[e + 1] - b_off[e])
    rows = np.empty(kmax, np.int64)
    cols = np.empty(lmax, np.int64)
    sup = np.empty(kmax)
    dem = np.empty(lmax)
    cost = np.empty((kmax, lmax))
    flow = np.empty((kmax, lmax))
    nv = kmax + lmax + 2
    h = np.empty(nv)
    dist = np.empty(nv)
    prev = np.empty(nv, np.int64)
    done = np.empty(nv, np.bool_)
    adm = np.empty((kmax, lmax), np.bool_)
    queue = np.empty(nv * (kmax + 2), np.int64)
    inf = np.inf
    for t in range(todo.size):
        e = todo[t]
        a0 = a_off[e]
        b0 = b_off[e]
        na = a_off[e + 1] - a0
        nb = b_off[e + 1] - b0
        # the rows and columns that carry mass
        k = 0
        for i in range(na):
            if ma[a0 + i] > TINY:
                rows[k] = i
                sup[k] = ma[a0 + i]
                k += 1
        m = 0
        for j in range(nb):
            if mb[b0 + j] > TINY:
                cols[m] = j
                dem[m] = mb[b0 + j]
                m += 1
        if k == 0 or m == 0:
            out[t] = 0.0
            status[t] = 0
            continue
        cmax = 0.0
        p0 = p_off[e]
        for i in range(k):
            for j in range(m):
                c = flat[p0 + rows[i] * nb + cols[j]]
                cost[i, j] = c
                flow[i, j] = 0.0
                if c > cmax:
                    cmax = c
        S = k + m
        T = S + 1
        n = T + 1
        for v in range(n):
            h[v] = 0.0
        phases = 0
        limit = MAX_PHASES
        ok = True
        while True:
            left_s = False
            for i in range(k):
                if sup[i] > TINY:
                    left_s = True
                    break
            left_d = False
            for j in range(m):
                if dem[j] > TINY:
                    left_d = True
                    break
            if not (left_s and left_d):
                break
            phases += 1
            if phases > limit:
                ok = False
                break
            # --- Dijkstra on reduced costs from S, level by level: with integer costs and
            # potentials every reduced cost and distance is an integer, so the nodes at the
            # current distance D are settled from a stack and D jumps to the next label
            for v in range(n):
                dist[v] = inf
                done[v] = False
            dist[S] = 0.0
            level = 0.0
            reached = False
            while not reached:
                top = 0
                nxt = inf
                for v in range(n):
                    if not done[v]:
                        if dist[v] == level:
                            queue[top] = v
                            top += 1
                        elif dist[v] < nxt:
                            nxt = dist[v]
                if top == 0:
                    if nxt == inf:
                        break
                    level = nxt
                    continue
                while top > 0:
                    top -= 1
                    u = queue[top]
                    if done[u]:
                        continue
                    done[u] = True
                    if u == T:
                        reached = True
                        break
                    if u == S:
                        for i in range(k):
                            if sup[i] > TINY and not done[i]:
                                nd = level + h[S] - h[i]
                                if nd < dist[i]:
                                    dist[i] = nd
                                    if nd == level:
                                        queue[top] = i
                                        top += 1
                    elif u < k:
                        for j in range(m):
                            v = k + j
                            if not done[v]:
                                nd = level + cost[u, j] + h[u] - h[v]
                                if nd < dist[v]:
                                    dist[v] = nd
                                    if nd == level:
                                        queue[top] = v
                                        top += 1
                    else:
                        j = u - k
                        if dem[j] > TINY and not done[T]:
                            nd = level + h[u] - h[T]
                            if nd < dist[T]:
                                dist[T] = nd
                                if nd == level:
                                    queue[top] = T
                                    top += 1
                        for i in range(k):
                            if flow[i, j] > 0.0 and not done[i]:
                                nd = level - cost[i, j] + h[u] - h[i]
                                if nd < dist[i]:
                                    dist[i] = nd
                                    if nd == level:
                                        queue[top] = i
                                        top += 1
            if not done[T]:
                ok = False
                break
            dT = dist[T]
            for v in range(n):
                h[v] += dist[v] if dist[v] < dT else dT
            # --- maximum flow on the admissible arcs (reduced cost 0; costs are integers here)
            for i in range(k):
                for j in range(m):
                    adm[i, j] = cost[i, j] + h[i] - h[k + j] < 0.5
            # greedy on direct paths S -> i -> j -> T first
            for i in range(k):
                if sup[i] <= TINY or h[S] - h[i] > 0.5:
                    continue
                for j in range(m):
                    if adm[i, j] and dem[j] > TINY and h[k + j] - h[T] < 0.5:
                        d = sup[i] if sup[i] < dem[j] else dem[j]
                        flow[i, j] += d
                        sup[i] -= d
                        dem[j] -= d
                        if sup[i] <= TINY:
                            break
            # then augmenting paths through reverse arcs (breadth first from every row with supply)
            while True:
                head = 0
                tail = 0
                for v in range(n):
                    prev[v] = -2
                for i in range(k):
                    if sup[i] > TINY and h[S] - h[i] < 0.5:
                        prev[i] = -1
                        queue[tail] = i
                        tail += 1
                sink = -1
                while head < tail and sink < 0:
                    u = queue[head]
                    head += 1
                    if u < k:
                        for j in range(m):
                            v = k + j
                            if prev[v] == -2 and adm[u, j]:
                                prev[v] = u
                                if dem[j] > TINY and h[v] - h[T] < 0.5:
                                    sink = v
                                    break
                                queue[tail] = v
                                tail += 1
                    else:
                        j = u - k
                        for i in range(k):
                            if prev[i] == -2 and flow[i, j] > 0.0:
                                prev[i] = u
                                queue[tail] = i
                                tail += 1
                if sink < 0:
                    break
                delta = dem[sink - k]
                v = sink
                while True:
                    u = prev[v]
                    w = prev[u]
                    if w == -1:
                        if sup[u] < delta:
                            delta = sup[u]
                        break
                    if flow[u, w - k] < delta:
                        delta = flow[u, w - k]
                    v = w
                dem[sink - k] -= delta
                v = sink
                while True:
                    u = prev[v]
                    flow[u, v - k] += delta
                    w = prev[u]
                    if w == -1:
                        sup[u] -= delta
                        break
                    flow[u, w - k] -= delta
                    v = w
        if not ok:
            status[t] = 1
            out[t] = np.nan
            continue
        # certificate: primal cost of the flow against the dual bound of the potentials
        primal = 0.0
        for i in range(k):
            for j in range(m):
                primal += cost[i, j] * flow[i, j]
        dual = 0.0
        feasible = True
        for i in range(k):
            dual -= h[i] * ma[a0 + rows[i]]
            for j in range(m):
                if h[k + j] - h[i] > cost[i, j] + GAP_RTOL * cmax:
                    feasible = False
        for j in range(m):
            dual += h[k + j] * mb[b0 + cols[j]]
        left = 0.0
        for i in range(k):
            left += sup[i]
        upper = primal + left * cmax
        if feasible and upper - dual <= GAP_RTOL * max(cmax, 1.0) * 4.0 and dual - primal <= GAP_RTOL * max(cmax, 1.0) * 4.0:
            out[t] = primal
            status[t] = 0
        else:
            out[t] = np.nan
            status[t] = 2


def transport_batch(ma: np.ndarray, mb: np.ndarray, flat: np.ndarray, a_off: np.ndarray, b_off: np.ndarray,
                    p_off: np.ndarray, todo: np.ndarray, *, check: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """W1 of problems ``todo``: problem ``e`` has supplies ``ma[a_off[e]:a_off[e+1]]``, demands
    ``mb[b_off[e]:b_off[e+1]]`` and costs ``flat[p_off[e]:p_off[e+1]]`` (row-major, integers
    >= 0; hop counts).

    Returns ``(w1, status)``; ``status[t] != 0`` marks a problem whose certificate failed
    (``w1`` is NaN there) and that must be solved by another method. ``check=True`` verifies
    that the costs are non-negative integers (``ValueError`` otherwise; the admissible arcs of
    the primal-dual method are found by integer reduced costs).
    """
    flat = np.ascontiguousarray(flat)
    if flat.dtype not in (np.int8, np.float64):
        flat = flat.astype(np.float64)
    if check and flat.size:
        bad = ~np.isfinite(flat) | (flat < 0)
        bad[~bad] = flat[~bad] != np.rint(flat[~bad])
        if bad.any():
            raise ValueError(f"transport costs must be non-negative integers, got {float(flat[bad][0])!r}")
    todo = np.ascontiguousarray(todo, dtype=np.int64)
    out = np.empty(todo.size)
    status = np.zeros(todo.size, dtype=np.int8)
    _solve_batch(np.ascontiguousarray(ma, dtype=np.float64), np.ascontiguousarray(mb, dtype=np.float64), flat,
              np.ascontiguousarray(a_off, dtype=np.int64), np.ascontiguousarray(b_off, dtype=np.int64),
              np.ascontiguousarray(p_off, dtype=np.int64), todo, out, status)
    return out, status
