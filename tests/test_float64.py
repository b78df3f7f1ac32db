"""float64 end to end, JAX included: every JAX path really computes in float64.

A float64 dtype on the output proves little (several paths cast their result to float64 on
the host whatever JAX computed in), so each test feeds an input whose answer float32 cannot
produce: values that differ at ~1e-9 relative (float32 spacing at 1 is 2**-23 = 1.2e-7), or sums
that need more than 24 bits of mantissa. The oracle is a closed form evaluated in Python float
(float64, with ``log1p`` where cancellation would otherwise cost digits) or a hand-written
float64 loop, never the JAX path itself. Each tolerance is at least 100 times below the error a
float32 computation would make on the same input.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys

import networkx as nx
import numpy as np
import pytest

from iegn.graph import (TransportBatch, consensus, laplacian_matrix, ollivier_ricci, sinkhorn_curvature,
                        sinkhorn_transport)
from iegn.kernels import compile_kernel, import_jax, kernel, kernel_names
from iegn.numeric import (boltzmann, consensus_iterate, free_energy, kl_divergence, lagrangian_kernels,
                          log_partition, shannon_entropy, simulate)

from ._helpers import assert_close, hand_consensus

jax = pytest.importorskip("jax")
_, jnp = import_jax()

TINY = 2.0**-30  # 9.3e-10: exactly representable in float64, lost next to 1 in float32


def test_import_jax_switches_x64_on():
    jax_mod, jnp_mod = import_jax()
    assert jax_mod.config.jax_enable_x64 is True
    assert jnp_mod.asarray(1.0).dtype == jnp_mod.float64
    assert jnp_mod.zeros(2).dtype == jnp_mod.float64


# --------------------------------------------------------------------------- generated kernels

# kernel name -> (arguments, closed-form float64 value, rtol and why). Every argument is chosen so
# that rounding it (or an intermediate) to float32 changes the answer by far more than rtol.
KERNEL_CASES = {
    "mode_factor": ((TINY, 1.0), 1.0 - TINY,
                    0.0, "1 - 2**-30 is exact in float64 (power-of-two operands); float32 returns 1.0"),
    "critical_step": ((3.0,), 2.0 / 3.0,
                      2.3e-16, "one correctly rounded division: <= 1 ulp; float32's 2/3 is off by 1e-8"),
    "optimal_step": ((1.0, 2.0**25), 2.0 / (2.0**25 + 1.0),
                     4.5e-16, "exact sum, one division: <= 1 ulp; float32 rounds 2**25 + 1 to 2**25 (3e-8)"),
    "optimal_factor": ((1.0, 1.0 + TINY), TINY / (2.0 + TINY),
                       4.5e-16, "numerator and denominator exact: one division; float32 returns 0"),
    "convergence_factor": ((1.0, 1.0 - 2.0**-40, 1.0 + 2.0**-41), 2.0**-40,
                           0.0, "every term exact in float64; float32 returns 0"),
    "boltzmann_weight": ((1e8 + 1.0, 1e8, 1.0), math.exp(-1.0),
                         1e-15, "exact difference, one exp (XLA and libm within a few ulps); "
                                "float32 rounds 1e8 + 1 to 1e8 and returns 1.0"),
    "log_partition_shifted": ((0.5, 1.0, 1.0 + TINY), -0.5 + math.log1p(TINY),
                              1e-15, "log of an exact argument near 1: a few ulps of the sum; "
                                     "float32 returns -0.5, off by 9e-10 relative 2e-9"),
    "entropy_term": ((1.0 - TINY,), -(1.0 - TINY) * math.log1p(-TINY),
                     1e-13, "log of an exact p near 1 is accurate to ~1 ulp relative; float32 returns 0"),
    "kl_term": ((1.0 - TINY, 1.0 - 2 * TINY), (1.0 - TINY) * (math.log1p(-TINY) - math.log1p(-2 * TINY)),
                1e-12, "difference of two logs of exact arguments, each ~1 ulp relative to ~1e-9; "
                       "float32 returns 0"),
}


def test_every_kernel_has_a_float64_case():
    assert set(KERNEL_CASES) == set(kernel_names())


@pytest.mark.parametrize("name", sorted(KERNEL_CASES))
@pytest.mark.parametrize("wrap", ["python", "numpy", "jax"])
def test_jax_kernels_compute_in_float64(name, wrap):
    args, expected, rtol, why = KERNEL_CASES[name]
    if wrap == "numpy":
        args = tuple(np.float64(a) for a in args)
    elif wrap == "jax":
        args = tuple(jnp.asarray(a) for a in args)
    out = kernel(name, "jax")(*args)
    assert out.dtype == jnp.float64
    assert_close(float(out), expected, rtol=rtol, why=why)
    # the NumPy kernel meets the same oracle (so the two backends agree through it)
    assert_close(float(kernel(name, "numpy")(*(float(a) for a in args))), expected, rtol=rtol, why=why)


def test_compiled_jax_kernel_computes_in_float64():
    import sympy

    x, y = sympy.symbols("x y")
    f = compile_kernel(x + y, [x, y], backend="jax", name="add_f64")
    out = f(1.0, TINY)
    assert out.dtype == jnp.float64
    assert float(out) - 1.0 == TINY  # exact in float64; float32 gives 0
    g = compile_kernel(sympy.log(x) / y, [x, y], backend="jax", name="log_ratio_f64")
    val = g(np.array([1.0 + TINY]), np.array([TINY]))
    assert val.dtype == jnp.float64
    assert_close(np.asarray(val), [math.log1p(TINY) / TINY], rtol=1e-15,
                 why="log of an exact argument near 1, ~1 ulp; float32 gives 0 (log 1)")


# --------------------------------------------------------------------------- thermodynamics on JAX arrays

EPS33 = 2.0**-33  # 1.2e-10: 1 - EPS33 is exact in float64, 1.0 in float32
P_EDGE = [1.0 - EPS33, EPS33]  # sums to 1 exactly in float64


def _entropy_edge() -> float:
    return -(1.0 - EPS33) * math.log1p(-EPS33) - EPS33 * math.log(EPS33)


def test_shannon_entropy_on_jax_arrays_is_float64():
    h = shannon_entropy(jnp.asarray(P_EDGE))
    assert isinstance(h, jax.Array) and h.dtype == jnp.float64
    # float32: the (1 - e) log(1 - e) term (4% of the total) vanishes
    assert_close(float(h), _entropy_edge(), rtol=1e-13, why="two positive terms, each ~1 ulp relative")
    hb = shannon_entropy(jnp.asarray(P_EDGE), base=2)
    assert hb.dtype == jnp.float64
    assert_close(float(hb), _entropy_edge() / math.log(2), rtol=1e-13, why="one more division by log 2")


def test_kl_divergence_on_jax_arrays_is_float64():
    q = [1.0 - 2 * EPS33, 2 * EPS33]
    d = kl_divergence(jnp.asarray(P_EDGE), jnp.asarray(q))
    assert isinstance(d, jax.Array) and d.dtype == jnp.float64
    expected = (1.0 - EPS33) * (math.log1p(-EPS33) - math.log1p(-2 * EPS33)) - EPS33 * math.log(2.0)
    assert expected > 0.3 * EPS33  # float32 loses the first term, leaving -0.69 e, clipped to 0
    assert_close(float(d), expected, rtol=1e-11,
                 why="sum of +1.0e and -0.69e: cancellation x3 on terms accurate to ~1e-15 relative")


def test_log_partition_on_jax_arrays_needs_more_than_24_bits():
    e = jnp.asarray([1e8, 1e8 + 1.0])  # float32 spacing at 1e8 is 8: both energies become 1e8
    out = log_partition(e, 1.0)
    assert out.dtype == jnp.float64
    # float32 gives -1e8 + log 2, off by 0.38
    assert_close(float(out), -1e8 + math.log1p(math.exp(-1.0)), rtol=0, atol=3e-8,
                 why="float64 spacing at 1e8 is 1.5e-8: two roundings of the final sum")


def test_boltzmann_on_jax_arrays_is_float64():
    delta = 1e-6
    p = boltzmann(jnp.asarray([0.0, delta]), 1.0)
    assert p.dtype == jnp.float64
    assert_close(float(p[0] - p[1]), math.tanh(delta / 2), rtol=1e-8,
                 why="difference of two O(1) probabilities: ~2e-16 absolute on 5e-7 is 4e-10 relative; "
                     "float32 (spacing 6e-8 at 0.5) is off by ~10%")
    assert_close(float(jnp.sum(p)), 1.0, rtol=2.3e-16, why="two terms, one division each: 1 ulp")


def test_free_energy_on_jax_arrays_is_float64():
    out = free_energy(jnp.asarray(P_EDGE), jnp.asarray([0.0, 1.0]), 1.0)
    assert out.dtype == jnp.float64
    expected = EPS33 - _entropy_edge()  # <p, E> - S(p): E = (0, 1)
    assert_close(float(out), expected, rtol=1e-12,
                 why="e - S with S ~ 24 e: no cancellation, ~1 ulp per term; float32 is off by 4%")


def test_thermo_batches_of_jax_arrays_are_float64():
    P = jnp.asarray([P_EDGE, [0.5, 0.5]])
    h = shannon_entropy(P)
    assert h.shape == (2,) and h.dtype == jnp.float64
    assert_close(np.asarray(h), [_entropy_edge(), math.log(2)], rtol=1e-13, why="as the single-row tests")


# --------------------------------------------------------------------------- consensus

def test_graph_consensus_with_jax_computes_in_float64():
    G = nx.path_graph(4)
    x0 = 1.0 + TINY * np.arange(4.0)  # disagreement 1e-9: float32 sees four equal values
    alpha, k = 0.3, 5
    r = consensus(G, x0, step=alpha, max_iter=k, tol=1e-300, backend="jax", on_failure="return")
    assert r.state.dtype == np.float64 and r.n_iter == k
    L = nx.laplacian_matrix(G, nodelist=list(G)).toarray().astype(np.float64)
    ref = hand_consensus(L, x0, alpha, k)
    # compare the disagreement, x - 1 ~ 1e-9 (float32 returns 0 or multiples of 1.2e-7)
    assert_close(r.state - 1.0, ref - 1.0, rtol=0, atol=1e-15,
                 why="5 steps of a 4x4 mat-vec on values ~1: a few ulps of 1 (2.2e-16 each)")
    assert np.ptp(r.state) > 1e-10  # the disagreement is still there to be compared


@pytest.mark.parametrize("fmt", ["csr", "dense"])
def test_consensus_iterate_with_jax_computes_in_float64(fmt):
    L = laplacian_matrix(nx.cycle_graph(5), format=fmt)
    x0 = 1.0 + TINY * np.array([0.0, 3.0, -1.0, 2.0, 5.0])
    r = consensus_iterate(L, x0, step=0.25, max_iter=4, tol=1e-300, backend="jax", on_failure="return")
    Ld = nx.laplacian_matrix(nx.cycle_graph(5)).toarray().astype(np.float64)
    ref = hand_consensus(Ld, x0, 0.25, r.n_iter)
    assert r.n_iter == 4
    assert_close(r.state - 1.0, ref - 1.0, rtol=0, atol=1e-15, why="4 mat-vecs on values ~1: a few ulps of 1")
    # the disagreement history is computed in the JAX loop: compare it with the hand iterates
    hist = [np.linalg.norm(hand_consensus(Ld, x0, 0.25, j) - x0.mean()) for j in range(5)]
    assert_close(r.disagreement, hist, rtol=1e-6, atol=0,
                 why="norms of ~1e-9 vectors formed as x - mean of O(1) values: ulps of 1 (2e-16) on 1e-9")


# --------------------------------------------------------------------------- simulate

def _hand_rk4(q, v, k, h, n):
    """RK4 for q'' = -k q (unit mass), written independently of iegn."""
    out = [q]
    for _ in range(n):
        def f(y):
            return np.array([y[1], -k * y[0]])
        y = np.array([q, v])
        k1 = f(y)
        k2 = f(y + h / 2 * k1)
        k3 = f(y + h / 2 * k2)
        k4 = f(y + h * k3)
        y = y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        q, v = float(y[0]), float(y[1])
        out.append(q)
    return np.array(out)


def test_simulate_with_jax_computes_in_float64():
    from iegn.symbolic import derive_euler_lagrange

    d = derive_euler_lagrange(1, site_potential="k*q**2/2", parameters=["k"], entropy="none")
    q0 = 1.0 + TINY
    tr = simulate(d, [q0], [0.0], step=0.01, n_steps=50, parameters={"k": 1.0}, method="rk4", backend="jax")
    base = simulate(d, [1.0], [0.0], step=0.01, n_steps=50, parameters={"k": 1.0}, method="rk4", backend="jax")
    assert tr.positions.dtype == np.float64
    ref = _hand_rk4(q0, 0.0, 1.0, 0.01, 50)
    assert_close(tr.positions[:, 0], ref, rtol=0, atol=1e-14,
                 why="same RK4 formulas, 50 steps on O(1) values: a few ulps per step")
    # the 2**-30 nudge survives as a response of the same size: float32 loses it entirely
    assert_close(tr.positions[:, 0] - base.positions[:, 0], ref - _hand_rk4(1.0, 0.0, 1.0, 0.01, 50),
                 rtol=0, atol=1e-14, why="difference of two float64 runs: a few ulps of 1")
    kern = lagrangian_kernels(d, backend="jax")
    acc = kern.acceleration(jnp.asarray([[q0]]), jnp.asarray([[0.0]]), masses=1.0, parameters={"k": 1.0})
    assert acc.dtype == jnp.float64
    assert float(acc[0, 0]) == -q0  # -k q / m with k = m = 1: exact; float32 gives -1.0


# --------------------------------------------------------------------------- Sinkhorn

def test_sinkhorn_transport_keeps_bits_beyond_float32():
    c = 1.0 + 2.0**-40  # a 1x1 problem: the plan is the unit mass, W1 = c exactly
    batch = TransportBatch(edges=((0, 1),), mass_x=np.array([[1.0]]), mass_y=np.array([[1.0]]),
                           cost=np.array([[[c]]]), distance=np.array([c]))
    sol = sinkhorn_transport(batch, epsilon=0.01, tol=1e-12)
    assert sol.cost.dtype == np.float64 and bool(sol.converged[0])
    # float32 rounds c to 1.0: the cost's excess over 1 (2**-40 = 9.1e-13) would be 0
    assert_close(sol.cost[0] - 1.0, 2.0**-40, rtol=1e-3,
                 why="plan exp(u + v - c/e) = 1 up to ~2 ulps (4e-16) on a 9e-13 excess: 5e-4 relative")
    assert sol.lower[0] <= c <= sol.upper[0]
    assert sol.upper[0] - sol.lower[0] < 1e-14  # a float32 enclosure could not be narrower than 1.2e-7


def test_sinkhorn_curvature_resolves_differences_float32_cannot():
    G = nx.cycle_graph(5)
    for i, (u, v) in enumerate(G.edges):
        G[u][v]["weight"] = 1.0 + i * TINY  # lengths differing at 1e-9
    res = sinkhorn_curvature(G, weight="weight", tol=1e-10)
    exact = ollivier_ricci(G, weight="weight")  # exact transport LP in float64: the oracle
    edges = list(G.edges)
    sk = np.array([res.curvature.by_edge[e] for e in edges])
    lp = np.array([exact.by_edge[e] for e in edges])
    assert sk.dtype == np.float64
    diffs = lp[:, None] - lp[None, :]
    # the curvatures (~0.25) differ pairwise by ~1e-9: float32's spacing at 0.25 is 3e-8, so a
    # float32 computation can only return differences of 0 or >= 3e-8
    assert np.any((np.abs(diffs) > 1e-9) & (np.abs(diffs) < 1e-8))
    assert_close(sk[:, None] - sk[None, :], diffs, rtol=0, atol=2e-10,
                 why="Sinkhorn to an l1 marginal error of 1e-10 with costs ~1: |W1 error| <= 2 |C| delta ~ 2e-10")
    assert_close(sk, lp, rtol=0, atol=2e-10, why="as above, each curvature on its own")


# --------------------------------------------------------------------------- a fresh process

_FRESH = r"""
import json, math, os, sys
assert "JAX_ENABLE_X64" not in os.environ
import numpy as np, networkx as nx
import iegn
from iegn.kernels import kernel
out = {}
r = iegn.consensus(nx.path_graph(3), [1.0, 1.0 + 2.0**-30, 1.0], step=0.5, max_iter=1, tol=1e-300,
                   backend="jax", on_failure="return")
out["consensus_excess"] = [float(x - 1.0) for x in r.state]
import jax, jax.numpy as jnp
out["x64"] = bool(jax.config.jax_enable_x64)
out["dtype"] = str(jnp.asarray(1.0).dtype)
k = kernel("mode_factor", "jax")(2.0**-30, 1.0)
out["kernel"] = [str(k.dtype), float(k)]
h = iegn.shannon_entropy(jnp.asarray([1.0 - 2.0**-33, 2.0**-33]))
out["entropy"] = [str(h.dtype), float(h)]
print(json.dumps(out))
"""


@pytest.mark.parametrize("first", ["consensus", "import-jax-first"])
def test_a_fresh_process_without_jax_enable_x64_gets_float64(first):
    env = {k: v for k, v in os.environ.items() if k != "JAX_ENABLE_X64"}
    env.setdefault("JAX_PLATFORMS", "cpu")
    code = _FRESH if first == "consensus" else "import jax\n" + _FRESH  # JAX imported before iegn
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["x64"] is True and out["dtype"] == "float64"
    # one step with alpha = 1/2 on the path 0-1-2: x1 <- x1 - (2 x1 - x0 - x2)/2, x0 <- (x0 + x1)/2
    assert out["consensus_excess"] == [2.0**-31, 0.0, 2.0**-31]  # exact in binary; float32 gives zeros
    assert out["kernel"] == ["float64", 1.0 - 2.0**-30]  # exact; float32 gives 1.0
    assert out["entropy"][0] == "float64"
    expected = -(1 - 2.0**-33) * math.log1p(-(2.0**-33)) - 2.0**-33 * math.log(2.0**-33)
    assert_close(out["entropy"][1], expected, rtol=1e-13, why="as test_shannon_entropy_on_jax_arrays_is_float64")


_ORDER = {
    # JAX imported after iegn: x64 comes from JAX_ENABLE_X64, set by `import iegn`
    "iegn-then-jax": "import iegn\nimport jax.numpy as jnp\n",
    # JAX imported first: `import iegn` switches the flag on
    "jax-then-iegn": "import jax.numpy as jnp\nimport iegn\n",
}


@pytest.mark.parametrize("order", sorted(_ORDER))
def test_arrays_made_after_import_iegn_are_float64_whatever_the_import_order(order):
    """The user's own ``jnp.asarray`` after ``import iegn`` is float64 before any iegn call:
    KL(p || u) with p = (1 - 2^-30, 2^-30) keeps the 2^-30 that float32 rounds away (float32
    gives exactly log 2)."""
    env = {k: v for k, v in os.environ.items() if k != "JAX_ENABLE_X64"}
    env.setdefault("JAX_PLATFORMS", "cpu")
    code = _ORDER[order] + (
        "import json\np = jnp.asarray([1.0 - 2.0**-30, 2.0**-30])\n"
        "print(json.dumps([str(p.dtype), float(iegn.kl_divergence(p, jnp.asarray([0.5, 0.5])))]))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    dtype, kl = json.loads(proc.stdout.strip().splitlines()[-1])
    assert dtype == "float64"
    t = TINY
    expected = (1 - t) * (math.log(2) + math.log1p(-t)) + t * (math.log(2) + math.log(t))  # = log 2 - 2e-8
    assert abs(expected - math.log(2)) > 1e-8  # what float32 would lose
    assert_close(kl, expected, rtol=1e-14, why="a sum of two float64 terms of size <= 1: a few ulps")


@pytest.mark.parametrize("dtype", ["float32", "bfloat16", "float16"])
def test_narrow_float_jax_arrays_are_refused_by_name(dtype):
    """An array already rounded to fewer bits is refused, never silently widened."""
    from iegn import InvalidArgumentError
    from iegn.graph import laplacian_matrix as _  # noqa: F401  (the graph layer imports fine)
    from iegn.numeric import as_laplacian

    p = jnp.asarray([0.5, 0.5], dtype=getattr(jnp, dtype))
    with pytest.raises(InvalidArgumentError, match=rf"^p is a JAX array of dtype {dtype}"):
        shannon_entropy(p)
    with pytest.raises(InvalidArgumentError, match=rf"^energies is a JAX array of dtype {dtype}"):
        boltzmann(jnp.asarray([0.0, 1.0], dtype=getattr(jnp, dtype)), 1.0)
    L = jnp.asarray([[1.0, -1.0], [-1.0, 1.0]], dtype=getattr(jnp, dtype))
    with pytest.raises(InvalidArgumentError, match=rf"^laplacian is a JAX array of dtype {dtype}"):
        as_laplacian(L)
