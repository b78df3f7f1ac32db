"""One linear consensus step x <- (I - alpha L) x on a sparse graph: iegn against bare SciPy.

The graph is a weighted ring lattice (each node joined to its two nearest neighbours on
either side) plus random chords, about 5 edges per node, built directly as a SciPy CSR
Laplacian from NumPy edge arrays (no NetworkX: a 10**6-node ``nx.Graph`` alone takes minutes).

Cases (ratio = ours / baseline, lower is better):

* ``step``: ``W @ x`` with ``W = iegn.numeric.consensus_matrix(L, alpha)`` built once,
  against ``x - alpha * (L @ x)``. Target ratio <= 1.5.
* ``setup``: building ``W`` with ``consensus_matrix`` (which validates ``L``) against the bare
  ``eye - alpha * L``. Information: a one-off cost, paid once per ``consensus_iterate`` call.
* ``iterate/step``: ``consensus_iterate(..., max_iter=K)`` total time / K, against K bare
  steps / K and against a bare K-step SciPy loop that also takes the disagreement norm each
  step (what the library loop does). Information.
* ``iterate/step (jax)``: the same with ``backend="jax"``, when JAX is importable, against K
  bare steps / K. Information.

Every case first checks that ours and the baseline compute the same thing.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sps
from _timing import Timing, measure

import iegn.numeric as inum

#: Agreement required between ours and the baseline, relative (2-norm). Both evaluate the
#: same sum per row, in a different order or with W = I - alpha L formed first, so each step
#: differs by a few ulps; the iteration is a contraction at this step, so K steps do not
#: amplify the difference. 1e-12 is ~10**4 ulps of headroom and still catches any wrong
#: operator (a wrong alpha, a transposed or stale matrix) by many orders of magnitude.
RTOL = 1e-12
#: Steps of the timed ``consensus_iterate`` loop; the setup cost is amortised over them.
N_STEPS = 50
SEED = 20240601
TARGET_STEP = 1.5


def ring_with_chords(n: int, *, chords_per_node: int = 3, seed: int = SEED) -> sps.csr_array:
    """Weighted Laplacian L = D - A of a ring lattice (offsets 1, 2) plus random chords.

    About ``(2 + chords_per_node) * n`` edges after self-loops and duplicates are dropped;
    weights are uniform in [0.5, 1.5). CSR, float64, int32 indices, canonical format.
    Cost: one sort of the edge keys (``np.unique`` is avoided: in NumPy 2.4 it is ~8x slower
    than sort-and-mask on 5e6 int64 keys).
    """
    rng = np.random.default_rng(seed)
    node = np.arange(n, dtype=np.int64)
    m = chords_per_node * n
    u = np.concatenate([node, node, rng.integers(0, n, m)])
    v = np.concatenate([(node + 1) % n, (node + 2) % n, rng.integers(0, n, m)])
    keep = u != v
    lo, hi = np.minimum(u[keep], v[keep]), np.maximum(u[keep], v[keep])
    key = np.sort(lo * n + hi)
    first = np.empty(key.size, dtype=bool)
    first[:1] = True
    np.not_equal(key[1:], key[:-1], out=first[1:])
    key = key[first]
    row, col = (key // n).astype(np.int32), (key % n).astype(np.int32)
    weight = rng.uniform(0.5, 1.5, key.size)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(row, minlength=n), out=indptr[1:])
    upper = sps.csr_array((weight, col, indptr.astype(np.int32)), shape=(n, n))  # sorted keys: rows sorted
    adjacency = (upper + upper.T).tocsr()
    degree = np.asarray(adjacency.sum(axis=1)).ravel()
    laplacian = sps.csr_array(sps.diags_array(degree, format="csr") - adjacency)
    laplacian.sum_duplicates()
    return laplacian


def _check_close(what: str, ours: np.ndarray, reference: np.ndarray) -> float:
    err = float(np.linalg.norm(ours - reference) / np.linalg.norm(reference))
    if not err <= RTOL:
        raise RuntimeError(f"{what}: ours and the baseline differ (relative error {err:.3g} > {RTOL:g})")
    return err


def _row(
    case: str,
    ours: Timing,
    baseline: Timing,
    *,
    ours_label: str,
    baseline_label: str,
    target: float | None,
    params: dict[str, Any],
    note: str = "",
) -> dict[str, Any]:
    return {
        "case": case,
        "ours": ours_label,
        "baseline": baseline_label,
        "ours_s": ours.median,
        "baseline_s": baseline.median,
        "target": target,
        "ours_timing": ours.as_dict(),
        "baseline_timing": baseline.as_dict(),
        "params": params,
        "note": note,
    }


def run(quick: bool) -> list[dict[str, Any]]:
    n = 10**5 if quick else 10**6
    laplacian = ring_with_chords(n)
    degree = laplacian.diagonal()
    # mu_max <= 2 d_max, so alpha * mu_max <= 1: well inside the stable range (0, 2/mu_max).
    alpha = float(0.5 / degree.max())
    x0 = np.random.default_rng(SEED + 1).standard_normal(n)
    params = {
        "n": n,
        "edges": (laplacian.nnz - n) // 2,
        "nnz": laplacian.nnz,
        "step": alpha,
        "graph": "ring lattice (offsets 1, 2) + 3n random chords, weights U[0.5, 1.5)",
        "seed": SEED,
    }
    rows: list[dict[str, Any]] = []

    # --- one step -------------------------------------------------------------------------
    W = inum.consensus_matrix(laplacian, alpha)
    err = _check_close("step", W @ x0, x0 - alpha * (laplacian @ x0))
    step = measure(
        {"ours": lambda: W @ x0, "baseline": lambda: x0 - alpha * (laplacian @ x0)}, repeat=25, warmup=3
    )
    rows.append(
        _row(
            "step",
            step["ours"],
            step["baseline"],
            ours_label="W @ x, W = consensus_matrix(L, step) built once",
            baseline_label="x - step * (L @ x), L CSR",
            target=TARGET_STEP,
            params=params,
            note=f"W nnz {W.nnz}; rel. diff {err:.1e}",
        )
    )

    # --- one-off setup --------------------------------------------------------------------
    def bare_matrix() -> sps.csr_array:
        return sps.csr_array(sps.eye_array(n, format="csr") - alpha * laplacian)

    err = _check_close("setup", inum.consensus_matrix(laplacian, alpha) @ x0, bare_matrix() @ x0)
    setup = measure(
        {"ours": lambda: inum.consensus_matrix(laplacian, alpha), "baseline": bare_matrix}, repeat=5, warmup=1
    )
    rows.append(
        _row(
            "setup",
            setup["ours"],
            setup["baseline"],
            ours_label="consensus_matrix(L, step) (validates L, then I - step L)",
            baseline_label="eye_array(n) - step * L (no validation)",
            target=None,
            params=params,
            note="one-off, paid once per consensus_iterate call",
        )
    )

    # --- the library loop, per step -------------------------------------------------------
    K = N_STEPS

    def ours_iterate(backend: str = "numpy") -> inum.ConsensusResult:
        return inum.consensus_iterate(
            laplacian, x0, step=alpha, max_iter=K, tol=1e-15, atol=0.0, backend=backend, on_failure="return"
        )

    def bare_loop() -> tuple[np.ndarray, np.ndarray]:
        x = x0.copy()
        mean = x.mean()
        hist = [float(np.linalg.norm(x - mean))]
        for _ in range(K):
            x = x - alpha * (laplacian @ x)
            hist.append(float(np.linalg.norm(x - mean)))
        return x, np.array(hist)

    def bare_steps() -> np.ndarray:
        x = x0.copy()
        for _ in range(K):
            x = x - alpha * (laplacian @ x)
        return x

    result = ours_iterate()
    state, hist = bare_loop()
    if not (result.n_iter == K and not result.converged):
        raise RuntimeError(f"consensus_iterate stopped after {result.n_iter} of {K} steps: the timing would be short")
    err = _check_close("iterate state", result.state, state)
    _check_close("iterate disagreement history", result.disagreement, hist)
    _check_close("bare steps", bare_steps(), state)
    calls = {"ours": ours_iterate, "bare loop": bare_loop, "bare steps": bare_steps}

    try:
        import jax
    except ImportError:
        jax = None
    if jax is not None:
        result = ours_iterate("jax")
        if not (result.n_iter == K and not result.converged):
            raise RuntimeError(f"consensus_iterate(jax) stopped after {result.n_iter} of {K} steps")
        err_jax = _check_close("iterate state (jax)", result.state, state)
        _check_close("iterate disagreement history (jax)", result.disagreement, hist)
        calls["jax"] = lambda: ours_iterate("jax")

    # All loops interleaved in each round. The correctness-check calls above were the warm-up
    # (allocator; for JAX, compilation: the jit cache is keyed on shapes and max_iter).
    loop = measure(calls, repeat=5, warmup=0, scale=1.0 / K)
    iterate_label = f"consensus_iterate(L, x0, step, max_iter={K}, tol=1e-15, atol=0) / {K}"
    bare_steps_label = f"{K} bare steps x - step * (L @ x), L CSR, no norm, / {K}"
    rows.append(
        _row(
            "iterate/step vs bare step",
            loop["ours"],
            loop["bare steps"],
            ours_label=iterate_label,
            baseline_label=bare_steps_label,
            target=None,
            params=params,
            note=f"includes validation + building W once, and a norm per step; warm-up = the check call; rel. diff {err:.1e}",
        )
    )
    rows.append(
        _row(
            "iterate/step vs bare loop",
            loop["ours"],
            loop["bare loop"],
            ours_label=iterate_label,
            baseline_label=f"bare loop of {K} x - step * (L @ x) with norm(x - mean) each step, / {K}",
            target=None,
            params=params,
            note="same mat-vec + norm per step; the library adds its one-off setup (validation, W) spread over K steps",
        )
    )
    if jax is not None:
        rows.append(
            _row(
                "iterate/step (jax) vs bare step",
                loop["jax"],
                loop["bare steps"],
                ours_label=iterate_label.replace("atol=0)", "atol=0, backend='jax')"),
                baseline_label=bare_steps_label,
                target=None,
                params=params,
                note=(
                    f"JAX {jax.__version__} on CPU; includes validation, BCOO conversion, transfers; "
                    f"warm-up = the check call (compiles); rel. diff {err_jax:.1e}"
                ),
            )
        )
    return rows
