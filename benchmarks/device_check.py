"""The JAX paths on an accelerator: float64, agreement with NumPy, and timings.

Run from the repository root (JAX sees the GPU when one is there)::

    PYTHONPATH=. python3 benchmarks/device_check.py [--quick] [--out DIR]

Checks, each against an independent NumPy computation on the CPU:

* float64 is on (``jax_enable_x64`` via :func:`iegn.kernels.import_jax`);
* the generated JAX acceleration kernel of the Lagrangian layer at N = 10^6 and 10^7 against a
  hand-written NumPy line;
* :func:`iegn.numeric.simulate` with ``backend="jax"`` (``lax.scan`` under ``jit``, ``vmap``
  over a batch of initial conditions) against the NumPy backend on a subset of the batch;
* :func:`iegn.numeric.consensus_iterate` with ``backend="jax"`` (BCOO sparse mat-vec in a
  ``lax.while_loop``) against a bare SciPy loop on a 10^6-node sparse graph.

Writes ``device_check.json`` to ``--out`` and prints a summary. Exit status 1 if any check of
agreement fails.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import types
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
try:  # the accelerator image has no z3; no SMT is run here, and iegn only needs the name
    import z3  # noqa: F401
except ImportError:
    sys.modules["z3"] = types.ModuleType("z3")

from bench_consensus import ring_with_chords  # noqa: E402
from bench_lagrangian import hand_acceleration  # noqa: E402

from iegn.kernels import import_jax  # noqa: E402
from iegn.numeric import consensus_iterate, lagrangian_kernels, simulate  # noqa: E402
from iegn.symbolic import derive_euler_lagrange  # noqa: E402


def timed(fn: Any, repeat: int = 5) -> tuple[float, Any]:
    out = fn()  # warm-up: compiles
    ts = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        ts.append(time.perf_counter() - t0)
    return float(np.median(ts)), out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    args = ap.parse_args()
    jax, jnp = import_jax()
    report: dict[str, Any] = {
        "jax": jax.__version__, "devices": [str(d) for d in jax.devices()], "backend": jax.default_backend(),
        "x64": bool(jnp.zeros(1).dtype == jnp.float64), "numpy": np.__version__,
    }
    ok = report["x64"]
    rng = np.random.default_rng(0)

    # --- the generated kernel -------------------------------------------------------------
    d = derive_euler_lagrange(1, site_potential="q**4/4 - q**2/2", dissipation=True)
    jk = lagrangian_kernels(d, backend="jax")
    m, gamma, lam = 1.5, 0.3, 0.7
    report["kernel"] = []
    for n in ((10**5,) if args.quick else (10**6, 10**7)):
        q, v = rng.uniform(0.1, 2.0, n), rng.standard_normal(n)
        jq, jv, jF = jnp.asarray(q), jnp.asarray(v), jnp.zeros(n)
        t_jax, out = timed(lambda: jk.site_acceleration(jq, jv, m, gamma, lam, jF).block_until_ready())
        t_np, ref = timed(lambda: hand_acceleration(q, v, m, gamma, lam))
        err = float(np.max(np.abs(np.asarray(out) - ref)) / np.max(np.abs(ref)))
        ok &= err <= 1e-12 and np.asarray(out).dtype == np.float64
        report["kernel"].append({"n": n, "jax_s": t_jax, "numpy_hand_s": t_np, "speedup": t_np / t_jax,
                                 "max_rel_diff": err})

    # --- the integrator: lax.scan under jit, vmap over the batch --------------------------------
    coupled = derive_euler_lagrange(8, " + ".join(f"(q{i + 1} - q{i})**2/2" for i in range(7)),
                                    site_potential="q**4/4 - q**2/2", dissipation=True)
    batch, steps = (256, 200) if args.quick else (8192, 2000)
    q0 = rng.uniform(0.5, 1.5, (batch, 8))
    v0 = 0.1 * rng.standard_normal((batch, 8))
    kw = dict(step=0.01, n_steps=steps, masses=1.0, damping=0.1, temperature=0.5, on_failure="return")
    t_jax, tr = timed(lambda: simulate(coupled, q0, v0, backend="jax", **kw), repeat=3)
    sub = 32
    t_np, tr_np = timed(lambda: simulate(coupled, q0[:sub], v0[:sub], **kw), repeat=1)
    err = float(np.max(np.abs(tr.positions[:, :sub] - tr_np.positions)))
    ok &= err <= 1e-9 and tr.positions.dtype == np.float64  # same scheme; XLA reassociates sums
    report["simulate"] = {"batch": batch, "coordinates": 8, "steps": steps, "jax_s": t_jax,
                          "jax_trajectory_steps_per_s": batch * steps / t_jax,
                          "numpy_s_for_subset": t_np, "numpy_subset": sub,
                          "numpy_trajectory_steps_per_s": sub * steps / t_np, "max_abs_diff_vs_numpy": err,
                          "completed": bool(tr.completed)}

    # --- consensus on a sparse graph ------------------------------------------------------------
    n = 10**5 if args.quick else 10**6
    L = ring_with_chords(n)
    alpha = float(0.5 / L.diagonal().max())
    x0 = rng.standard_normal(n)
    K = 100
    t_jax, r = timed(lambda: consensus_iterate(L, x0, step=alpha, max_iter=K, tol=1e-15, atol=0.0, backend="jax",
                                               on_failure="return"), repeat=3)

    def bare() -> np.ndarray:
        x = x0.copy()
        for _ in range(K):
            x = x - alpha * (L @ x)
        return x

    t_np, x_ref = timed(bare, repeat=3)
    err = float(np.linalg.norm(r.state - x_ref) / np.linalg.norm(x_ref))
    ok &= err <= 1e-12 and r.n_iter == K
    report["consensus"] = {"n": n, "nnz": int(L.nnz), "steps": K, "jax_s": t_jax, "scipy_bare_s": t_np,
                           "speedup": t_np / t_jax, "rel_diff": err}
    report["all_agree"] = bool(ok)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "device_check.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
