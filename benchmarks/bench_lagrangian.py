"""The Lagrangian layer: derivation cost against N, and the generated kernel against hand-written NumPy.

Cases (ratio = ours / baseline, lower is better):

* ``derive N=10^4 vs N=10``: :func:`iegn.symbolic.derive_euler_lagrange` with an elementwise
  (site) potential for 10**4 coordinates, against the same call for 10 coordinates. The
  separable part is derived once for a representative coordinate, so the cost must not grow
  with N. Target ratio <= 2. The derivation cache is cleared before every call, so both
  sides do the full symbolic work.
* ``all accelerations N=10^4`` (information): materialising every coordinate's equation
  (``accelerations()``), which is O(N) by nature.
* ``kernel N=10^6``: the generated NumPy acceleration kernel (from the derivation, through
  :func:`iegn.kernels.compile_kernel`) against a hand-written NumPy expression of the same
  formula, on the same arrays. Target ratio <= 1.2.
* ``kernel N=10^6 (jax)`` (information): the generated JAX kernel (``jit``, float64) on the
  same data, against the hand-written NumPy line; on CPU here, on a GPU in
  ``benchmarks/device_check.py``.
* ``simulate/step`` (information): the NumPy variational integrator per step, for a batch of
  trajectories, against a hand-written Störmer–Verlet loop.

Every case first checks that ours and the baseline compute the same numbers.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sympy.core.cache import clear_cache
from _timing import Timing, measure

from iegn.numeric import lagrangian_kernels, simulate
from iegn.symbolic import _lagrangian as lg
from iegn.symbolic import derive_euler_lagrange

SEED = 20241125
SITE = "q**4/4 - q**2/2"
TARGET_DERIVE = 2.0
TARGET_KERNEL = 1.2
#: Generated and hand-written kernels evaluate the same operations; the generated one may
#: order the sum differently, so they agree to a few ulps of the largest term.
RTOL = 1e-13


def _row(case: str, ours: Timing, baseline: Timing, *, ours_label: str, baseline_label: str,
         target: float | None, params: dict[str, Any], note: str = "") -> dict[str, Any]:
    return {"case": case, "ours": ours_label, "baseline": baseline_label, "ours_s": ours.median,
            "baseline_s": baseline.median, "target": target, "ours_timing": ours.as_dict(),
            "baseline_timing": baseline.as_dict(), "params": params, "note": note}


def _derive(n: int) -> Any:
    # cold: our derivation cache and SymPy's own expression cache both emptied
    lg._site_cached.cache_clear()
    clear_cache()
    return derive_euler_lagrange(n, site_potential=SITE, dissipation=True)


def hand_acceleration(q: np.ndarray, v: np.ndarray, m: float, gamma: float, lam: float) -> np.ndarray:
    """m a = -f'(q) + lam (log q + 1) - gamma v with f = q^4/4 - q^2/2, written by hand."""
    return (q - q**3 + lam * (np.log(q) + 1.0) - gamma * v) / m


def run(quick: bool) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    big_n = 10**4
    # --- derivation cost against N ---------------------------------------------------------
    small, big = _derive(10), _derive(big_n)
    if not (big.site["acceleration"] == small.site["acceleration"] and len(big) == big_n):
        raise RuntimeError("N = 10 and N = 10^4 derivations differ in their site equation")
    t = measure({"ours": lambda: _derive(big_n), "baseline": lambda: _derive(10)}, repeat=3 if quick else 7)
    params = {"site_potential": SITE, "dissipation": True, "entropy": "blueprint"}
    rows.append(_row("derive N=10^4 vs N=10", t["ours"], t["baseline"],
                     ours_label=f"derive_euler_lagrange({big_n}, site_potential=...)",
                     baseline_label="derive_euler_lagrange(10, site_potential=...)",
                     target=TARGET_DERIVE, params=params, note="iegn and SymPy caches cleared before each call"))
    acc = measure({"ours": lambda: _derive(big_n).accelerations(), "baseline": lambda: _derive(10).accelerations()},
                  repeat=3)
    rows.append(_row("all accelerations N=10^4 vs N=10", acc["ours"], acc["baseline"],
                     ours_label="derive + accelerations() for 10^4 coordinates",
                     baseline_label="derive + accelerations() for 10 coordinates",
                     target=None, params=params, note="O(N) by nature: every equation is built"))

    # --- generated kernel against hand-written NumPy ----------------------------------------
    n = 10**5 if quick else 10**6
    rng = np.random.default_rng(SEED)
    q = rng.uniform(0.1, 2.0, n)
    v = rng.standard_normal(n)
    F = np.zeros(n)
    m, gamma, lam = 1.5, 0.3, 0.7
    kern = lagrangian_kernels(small)
    gen = kern.site_acceleration
    ours_val = gen(q, v, m, gamma, lam, F)
    ref = hand_acceleration(q, v, m, gamma, lam)
    err = float(np.max(np.abs(ours_val - ref)) / np.max(np.abs(ref)))
    if not err <= RTOL:
        raise RuntimeError(f"generated and hand-written kernels differ: {err:.3g}")
    k = measure({"ours": lambda: gen(q, v, m, gamma, lam, F), "baseline": lambda: hand_acceleration(q, v, m, gamma, lam)},
                repeat=9 if quick else 25, warmup=2)
    kparams = {"n": n, "site_potential": SITE, "seed": SEED}
    rows.append(_row(f"kernel N={n:.0e}", k["ours"], k["baseline"],
                     ours_label="generated site_acceleration(q, v, m, gamma, lam, F) (NumPy)",
                     baseline_label="(q - q**3 + lam*(log q + 1) - gamma*v)/m by hand",
                     target=TARGET_KERNEL, params=kparams, note=f"max rel. diff {err:.1e}"))
    try:
        import jax
    except ImportError:
        jax = None
    if jax is not None:
        jkern = lagrangian_kernels(small, backend="jax")
        jq, jv, jF = (jax.numpy.asarray(a) for a in (q, v, F))

        def jax_call() -> Any:
            return jkern.site_acceleration(jq, jv, m, gamma, lam, jF).block_until_ready()

        jval = np.asarray(jax_call())
        jerr = float(np.max(np.abs(jval - ref)) / np.max(np.abs(ref)))
        if not (jval.dtype == np.float64 and jerr <= 1e-12):  # XLA may fuse and reorder: a few more ulps
            raise RuntimeError(f"JAX kernel differs from the hand-written one: {jerr:.3g} ({jval.dtype})")
        jk = measure({"ours": jax_call, "baseline": lambda: hand_acceleration(q, v, m, gamma, lam)},
                     repeat=9 if quick else 25, warmup=2)
        rows.append(_row(f"kernel N={n:.0e} (jax)", jk["ours"], jk["baseline"],
                         ours_label=f"generated JAX kernel, jit, float64, {jax.devices()[0].platform}",
                         baseline_label="hand-written NumPy (CPU)", target=None, params=kparams,
                         note=f"JAX {jax.__version__}; data already on the device; max rel. diff {jerr:.1e}"))

    # --- the integrator loop ------------------------------------------------------------------
    batch, steps, h = (64, 200, 0.01) if quick else (256, 500, 0.01)
    q0 = rng.uniform(0.5, 1.5, (batch, 1))
    v0 = rng.standard_normal((batch, 1)) * 0.1

    def ours_sim() -> np.ndarray:
        return simulate(small_one, q0, v0, step=h, n_steps=steps, masses=m, damping=gamma, temperature=lam).positions

    def hand_sim() -> np.ndarray:
        qq, pp = q0.copy(), m * v0.copy()
        out = [qq]
        for _ in range(steps):
            # damped Störmer-Verlet (Lagrange-d'Alembert, midpoint friction), written by hand
            force = qq - qq**3 + lam * (np.log(qq) + 1.0)
            q1 = qq + (h * pp + h * h / 2 * force) / (m + gamma * h / 2)
            force1 = q1 - q1**3 + lam * (np.log(q1) + 1.0)
            pp = m * (q1 - qq) / h - gamma * (q1 - qq) / 2 + h / 2 * force1
            qq = q1
            out.append(qq)
        return np.stack(out)

    small_one = _derive(1)
    a, b = ours_sim(), hand_sim()
    serr = float(np.max(np.abs(a - b)))
    if not serr <= 1e-10:  # same scheme, different association of the same terms over 500 steps
        raise RuntimeError(f"simulate and the hand-written Verlet loop differ: {serr:.3g}")
    s = measure({"ours": ours_sim, "baseline": hand_sim}, repeat=3 if quick else 5, scale=1.0 / steps)
    rows.append(_row("simulate/step", s["ours"], s["baseline"],
                     ours_label=f"simulate(method='variational'), batch {batch}, per step",
                     baseline_label="hand-written damped Störmer–Verlet loop, per step", target=None,
                     params={"batch": batch, "steps": steps, "h": h}, note=f"max abs diff {serr:.1e}"))
    return rows
