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
def _largest(a_off, b_off, todo):  # pragma: no cover - compiled
    """The most rows and columns of any problem in ``todo`` (at least 1: scratch sizes)."""
    kmax = 1
    lmax = 1
    for t in range(todo.size):
        e = todo[t]
        kmax = max(kmax, a_off[e + 1] - a_off[e])
        lmax = max(lmax, b_off[e + 1] - b_off[e])
    return kmax, lmax


@njit(cache=True, nogil=True)
def _kept(masses, start, count, index, values, where):  # pragma: no cover - compiled
    """The entries of ``masses[start:start + count]`` above TINY: their positions into
    ``index``, values into ``values``, and each position's kept index (or -1) into ``where``;
    returns how many were kept and their total."""
    k = 0
    total = 0.0
    for i in range(count):
        where[i] = -1
        if masses[start + i] > TINY:
            where[i] = k
            index[k] = i
            values[k] = masses[start + i]
            total += values[k]
            k += 1
    return k, total


@njit(cache=True, nogil=True)
def _open_problem(e, ma, mb, a_off, b_off, rows, sup, rmap, cols, dem, cmap):  # pragma: no cover - compiled
    """Problem ``e``'s offsets and sizes, and its rows and columns that carry mass (see _kept):
    ``(a0, b0, nb, k, m, total_a, total_b)``."""
    a0 = a_off[e]
    b0 = b_off[e]
    nb = b_off[e + 1] - b0
    k, total_a = _kept(ma, a0, a_off[e + 1] - a0, rows, sup, rmap)
    m, total_b = _kept(mb, b0, nb, cols, dem, cmap)
    return a0, b0, nb, k, m, total_a, total_b


@njit(cache=True, nogil=True)
def _gather_costs(flat, p0, nb, rows, k, cols, m, cost, flow):  # pragma: no cover - compiled
    """The kept rows x columns of one problem's costs into ``cost``, ``flow`` zeroed; max cost."""
    cmax = 0.0
    for i in range(k):
        for j in range(m):
            c = flat[p0 + rows[i] * nb + cols[j]]
            cost[i, j] = c
            flow[i, j] = 0.0
            if c > cmax:
                cmax = c
    return cmax


@njit(cache=True, nogil=True)
def _solve_batch(ma, mb, flat, a_off, b_off, p_off, todo, out, status):  # pragma: no cover - compiled
    # the inner loops stay inline on purpose: Numba compiled a helper for the four
    # relaxations ~1.7x slower
    kmax, lmax = _largest(a_off, b_off, todo)
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
    queue = np.empty(nv, np.int64)
    rmap = np.empty(kmax, np.int64)
    cmap = np.empty(lmax, np.int64)
    inf = np.inf
    for t in range(todo.size):
        e = todo[t]
        a0, b0, nb, k, m, _, _ = _open_problem(e, ma, mb, a_off, b_off, rows, sup, rmap, cols, dem, cmap)
        if k == 0 or m == 0:
            out[t] = 0.0
            status[t] = 0
            continue
        cmax = _gather_costs(flat, p_off[e], nb, rows, k, cols, m, cost, flow)
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


@njit(cache=True, nogil=True)
def _simplex_batch(ma, mb, flat, a_off, b_off, p_off, todo, out, status, basis, basis_len):  # pragma: no cover - compiled
    kmax, lmax = _largest(a_off, b_off, todo)
    rows = np.empty(kmax, np.int64)
    cols = np.empty(lmax, np.int64)
    sup = np.empty(kmax)
    dem = np.empty(lmax)
    cost = np.empty((kmax, lmax))
    flow = np.empty((kmax, lmax))
    basic = np.empty((kmax, lmax), np.bool_)
    nv = kmax + lmax
    pot = np.empty(nv)  # u (rows 0..k-1), v (cols k..k+m-1): u_i + v_j = C_ij on the basis
    parent = np.empty(nv, np.int64)
    depth = np.empty(nv, np.int64)
    queue = np.empty(nv, np.int64)
    left = np.empty(nv, np.int64)
    right = np.empty(nv, np.int64)
    row_off = np.empty(kmax, np.bool_)
    col_off = np.empty(lmax, np.bool_)
    adj = np.empty((nv, nv), np.int64)  # tree neighbours of each node (rows 0..k-1, cols k..)
    deg = np.empty(nv, np.int64)
    rmap = np.empty(kmax, np.int64)  # original row -> kept row (-1: no mass)
    cmap = np.empty(lmax, np.int64)
    left_deg = np.empty(nv, np.int64)
    gone = np.empty(nv, np.bool_)
    adj2 = np.empty((nv, nv), np.int64)  # the previous basis's tree (warm start)
    deg2 = np.empty(nv, np.int64)
    seq_i = np.empty(nv, np.int64)
    seq_j = np.empty(nv, np.int64)
    for t in range(todo.size):
        e = todo[t]
        a0, b0, nb, k, m, total_a, total_b = _open_problem(e, ma, mb, a_off, b_off, rows, sup, rmap, cols, dem,
                                                           cmap)
        if k == 0 or m == 0:
            out[t] = 0.0
            status[t] = 0
            continue
        # balance the rounding difference of the totals on the larger demand (|change| ~ 1e-16)
        big = 0
        for j in range(1, m):
            if dem[j] > dem[big]:
                big = j
        dem[big] += total_a - total_b
        p0 = p_off[e]
        cmax = _gather_costs(flat, p0, nb, rows, k, cols, m, cost, flow)
        for i in range(k):
            for j in range(m):
                basic[i, j] = False
        # --- initial basis. Cells are allocated one at a time, each as much as its row and
        #     column have left, crossing one line per allocation (the row if it is exhausted,
        #     else the column), so the k + m - 1 allocated cells form a spanning tree and the
        #     flows are feasible. Warm start: the cells of this problem's previous optimal basis
        #     come first, leaves first (an allocation then gives a leaf's cell the flow the
        #     tree would, so an unchanged tree is rebuilt as it was and a changed one is
        #     repaired where its flows would turn negative); then each open row in turn sends
        #     to its cheapest open columns (row-minimum rule; a least-cost start saves ~30 % of
        #     the pivots of a cold start but its sort costs more than that).
        nseq = 0
        nbas = basis_len[e]
        bo = a0 + b0  # this problem's slots in basis: a_off + b_off is the prefix sum of na + nb
        if nbas == k + m - 1:
            for v in range(k + m):
                deg2[v] = 0
                gone[v] = False
            good = True
            for c in range(nbas):
                cell = basis[bo + c]
                i = rmap[cell // nb]
                j = cmap[cell % nb]
                if i < 0 or j < 0:
                    good = False
                    break
                adj2[i, deg2[i]] = k + j
                deg2[i] += 1
                adj2[k + j, deg2[k + j]] = i
                deg2[k + j] += 1
            if good:
                tail = 0
                for v in range(k + m):
                    left_deg[v] = deg2[v]
                    if deg2[v] == 1:
                        queue[tail] = v
                        tail += 1
                head = 0
                while head < tail:
                    v = queue[head]
                    head += 1
                    if gone[v]:
                        continue
                    gone[v] = True
                    u = -1
                    for c in range(deg2[v]):
                        if not gone[adj2[v, c]]:
                            u = adj2[v, c]
                            break
                    if u < 0:
                        break
                    seq_i[nseq] = v if v < k else u
                    seq_j[nseq] = (u if v < k else v) - k
                    nseq += 1
                    left_deg[u] -= 1
                    if left_deg[u] == 1:
                        queue[tail] = u
                        tail += 1
        for i in range(k):
            row_off[i] = False
        for j in range(m):
            col_off[j] = False
        for v in range(k + m):
            deg[v] = 0
        rows_left = k
        cols_left = m
        pos = 0
        next_row = 0
        while True:
            if pos < nseq:
                i = seq_i[pos]
                j = seq_j[pos]
                pos += 1
                if row_off[i] or col_off[j]:
                    continue
            else:
                while row_off[next_row]:
                    next_row += 1
                i = next_row
                j = -1
                cj = np.inf
                for c in range(m):
                    if not col_off[c] and cost[i, c] < cj:
                        cj = cost[i, c]
                        j = c
            q = sup[i] if sup[i] < dem[j] else dem[j]
            flow[i, j] = q
            basic[i, j] = True
            adj[i, deg[i]] = k + j
            deg[i] += 1
            adj[k + j, deg[k + j]] = i
            deg[k + j] += 1
            sup[i] -= q
            dem[j] -= q
            if rows_left == 1 and cols_left == 1:
                break
            if (sup[i] <= dem[j] and rows_left > 1) or cols_left == 1:
                row_off[i] = True
                rows_left -= 1
            else:
                col_off[j] = True
                cols_left -= 1
        # --- pivots
        eps = GAP_RTOL * (cmax if cmax > 1.0 else 1.0)
        limit = 20 * (k + m) + 50
        pivots = 0
        ok = True
        n = k + m
        while True:
            # potentials and the tree's parent pointers, breadth first from row 0
            for v in range(n):
                parent[v] = -2
            parent[0] = -1
            pot[0] = 0.0
            depth[0] = 0
            queue[0] = 0
            head = 0
            tail = 1
            while head < tail:
                u = queue[head]
                head += 1
                for c in range(deg[u]):
                    v = adj[u, c]
                    if parent[v] == -2:
                        parent[v] = u
                        depth[v] = depth[u] + 1
                        pot[v] = (cost[u, v - k] if u < k else cost[v, u - k]) - pot[u]
                        queue[tail] = v
                        tail += 1
            if tail != n:  # not a spanning tree: never expected
                ok = False
                break
            # entering cell: the most negative reduced cost (Dantzig's rule; a basic cell's is 0)
            best = -eps
            ie = -1
            je = -1
            for i in range(k):
                ui = pot[i]
                for j in range(m):
                    r = cost[i, j] - ui - pot[k + j]
                    if r < best:
                        best = r
                        ie = i
                        je = j
            if ie < 0:
                break
            pivots += 1
            if pivots > limit:
                ok = False
                break
            # the cycle: tree path from column je to row ie, then the entering cell
            a = k + je
            b = ie
            nl = 0
            nr = 0
            while depth[a] > depth[b]:
                left[nl] = a
                nl += 1
                a = parent[a]
            while depth[b] > depth[a]:
                right[nr] = b
                nr += 1
                b = parent[b]
            while a != b:
                left[nl] = a
                nl += 1
                a = parent[a]
                right[nr] = b
                nr += 1
                b = parent[b]
            left[nl] = a  # the common ancestor
            nl += 1
            for c in range(nr - 1, -1, -1):
                left[nl] = right[c]
                nl += 1
            # path left[0] = je's node ... left[nl-1] = ie; its edges alternate -, +, -, ..., -
            theta = np.inf
            li = -1
            lj = -1
            for c in range(0, nl - 1, 2):
                x = left[c]
                y = left[c + 1]
                i = x if x < k else y
                j = (y if x < k else x) - k
                if flow[i, j] < theta:
                    theta = flow[i, j]
                    li = i
                    lj = j
            for c in range(nl - 1):
                x = left[c]
                y = left[c + 1]
                i = x if x < k else y
                j = (y if x < k else x) - k
                if c % 2 == 0:
                    flow[i, j] -= theta
                else:
                    flow[i, j] += theta
            flow[ie, je] += theta
            flow[li, lj] = 0.0
            basic[li, lj] = False
            basic[ie, je] = True
            for x, y in ((li, k + lj), (k + lj, li)):  # drop the leaving cell from both lists
                for c in range(deg[x]):
                    if adj[x, c] == y:
                        deg[x] -= 1
                        adj[x, c] = adj[x, deg[x]]
                        break
            adj[ie, deg[ie]] = k + je
            deg[ie] += 1
            adj[k + je, deg[k + je]] = ie
            deg[k + je] += 1
        if not ok:
            out[t] = np.nan
            status[t] = 1
            basis_len[e] = -1
            continue
        # certificate: the basis potentials are a dual solution; primal and dual must meet
        primal = 0.0
        dual = 0.0
        feasible = True
        for i in range(k):
            dual += pot[i] * ma[a0 + rows[i]]
            for j in range(m):
                if flow[i, j] < -eps:
                    feasible = False
                primal += cost[i, j] * flow[i, j]
                if cost[i, j] - pot[i] - pot[k + j] < -eps:
                    feasible = False
        for j in range(m):
            dual += pot[k + j] * mb[b0 + cols[j]]
        if feasible and abs(primal - dual) <= 4.0 * eps:
            out[t] = primal
            status[t] = 0
            c = 0
            for i in range(k):
                for j in range(m):
                    if basic[i, j]:
                        basis[bo + c] = rows[i] * nb + cols[j]
                        c += 1
            basis_len[e] = c
        else:
            out[t] = np.nan
            status[t] = 2
            basis_len[e] = -1


def transport_batch(ma: np.ndarray, mb: np.ndarray, flat: np.ndarray, a_off: np.ndarray, b_off: np.ndarray,
                    p_off: np.ndarray, todo: np.ndarray, *, method: str = "primal-dual", check: bool = True,
                    basis: np.ndarray | None = None, basis_len: np.ndarray | None = None
                    ) -> tuple[np.ndarray, np.ndarray]:
    """W1 of problems ``todo``: problem ``e`` has supplies ``ma[a_off[e]:a_off[e+1]]``, demands
    ``mb[b_off[e]:b_off[e+1]]`` and costs ``flat[p_off[e]:p_off[e+1]]`` (row-major, >= 0).

    ``method="primal-dual"`` (costs must be integers: hop counts) or ``"simplex"`` (any
    non-negative costs; the transportation simplex). ``basis`` (int64, length
    ``a_off[-1] + b_off[-1]``) and ``basis_len`` (int64, one per problem, ``-1`` = none) hold
    each problem's optimal basis for the simplex: read as a warm start when present, written
    back after every certified solve (a Ricci flow passes the same arrays at every step).

    Returns ``(w1, status)``; ``status[t] != 0`` marks a problem whose certificate failed
    (``w1`` is NaN there) and that must be solved by another method. ``check=True`` verifies
    the costs (``ValueError`` naming the first bad one): finite, non-negative, and integers
    for the primal-dual method, whose admissible arcs are found by integer reduced costs.
    """
    if method not in ("primal-dual", "simplex"):
        raise ValueError(f"method must be 'primal-dual' or 'simplex', got {method!r}")
    flat = np.ascontiguousarray(flat)
    if flat.dtype not in (np.int8, np.float64):
        flat = flat.astype(np.float64)
    if check and flat.size:
        bad = ~np.isfinite(flat) | (flat < 0)
        if method == "primal-dual":
            bad[~bad] = flat[~bad] != np.rint(flat[~bad])
        if bad.any():
            what = "non-negative integers" if method == "primal-dual" else "finite and non-negative"
            raise ValueError(f"transport costs must be {what}, got {float(flat[bad][0])!r}")
    todo = np.ascontiguousarray(todo, dtype=np.int64)
    out = np.empty(todo.size)
    status = np.zeros(todo.size, dtype=np.int8)
    args = (np.ascontiguousarray(ma, dtype=np.float64), np.ascontiguousarray(mb, dtype=np.float64), flat,
            np.ascontiguousarray(a_off, dtype=np.int64), np.ascontiguousarray(b_off, dtype=np.int64),
            np.ascontiguousarray(p_off, dtype=np.int64), todo, out, status)
    if method == "primal-dual":
        _solve_batch(*args)
    else:
        if basis is None or basis_len is None:
            basis = np.zeros(int(a_off[-1]) + int(b_off[-1]), dtype=np.int64)
            basis_len = np.full(len(a_off) - 1, -1, dtype=np.int64)
        _simplex_batch(*args, basis, basis_len)
    return out, status
