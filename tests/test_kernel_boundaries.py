"""The generated kernels at the edges of their domains: no NaN, no warning, the closed-form limit.

Every built-in kernel of :func:`iegn.kernels.kernel_names` (NumPy and JAX) is evaluated at the
points where a naive formula breaks: probability 0 and 1, the smallest subnormal 5e-324, the
largest energies, temperatures near 0 and near the float64 limit. The expected values are the
mathematical limits written by hand (:math:`0\\log 0 = 0`, :math:`e^{-\\infty} = 0`,
:math:`\\mathrm{KL}` term :math:`+\\infty` where :math:`p > 0 = q`), never the kernels' own output.
Tests run with NumPy floating-point errors raised and warnings as errors (``tests/conftest.py``,
``pyproject.toml``), so an overflowing or NaN-producing intermediate fails even when the final
value would be right.

Two platform facts are stated where they matter:

* XLA on CPU flushes subnormal inputs and results to zero (DAZ/FTZ). A JAX kernel fed 5e-324
  computes with 0 instead, so -p log p on a subnormal p may differ from the closed form by up
  to 2.2e-308 * 745 = 1.7e-305, absolutely. Where that changes a value by more (a KL term turns
  from 744 into +inf), the case is marked as a known failure.
* Known library defects are ``xfail(strict=True)`` with the reproducer in the reason, so the
  test turns red (XPASS) when the defect is fixed and the mark should go.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from iegn import boltzmann, free_energy, kl_divergence, log_partition, shannon_entropy
from iegn.kernels import kernel, kernel_names

from ._helpers import assert_close

jax = pytest.importorskip("jax")
from iegn.kernels import import_jax  # noqa: E402

_, jnp = import_jax()

SUB = 5e-324  # smallest positive subnormal
SUB2 = 1e-310  # a subnormal with more significant bits
NORMAL_MIN = float(np.finfo(np.float64).tiny)  # 2.2e-308
BIG = 1e308
# XLA's CPU flush-to-zero: a subnormal input counts as 0, so -p log p (or p log(p/q)) on a
# subnormal p may come out 0: at most NORMAL_MIN * -log(5e-324) = 1.7e-305 away
FTZ_ATOL = NORMAL_MIN * 745.0
BACKENDS = ["numpy", "jax"]

# Fixed: NumPy's boltzmann_weight overflowed in -(E - E_min)/lam although the weight is exactly 0
# (e.g. boltzmann([-1e308, 1e308], 1.0)); its KernelSpec now sets overflow_to_limit=True.
JAX_SUBNORMAL_Q = pytest.mark.xfail(
    strict=False,  # depends on XLA's CPU flush-to-zero
    reason="platform/library defect: jax kl_term(1.0, 5e-324) is +inf (q flushed to 0 takes the "
           "p > 0 = q branch) while numpy gives -log(5e-324) = 744.44, and jax kl_term(5e-324, 0.0) is 0 "
           "where numpy gives +inf; kl_divergence on JAX arrays changes between finite and inf for "
           "subnormal entries",
)


def _arr(backend: str, value):
    return np.asarray(value, dtype=np.float64) if backend == "numpy" else jnp.asarray(value, dtype=jnp.float64)


def _call(name: str, backend: str, *args):
    out = np.asarray(kernel(name, backend)(*(_arr(backend, a) for a in args)), dtype=np.float64)
    assert not np.any(np.isnan(out)), f"{name} on {backend} gave NaN at {args}"
    return out


# --------------------------------------------------------------------------- entropy_term: -p log p

# p -> closed form of -p log p (Python floats; the product of a subnormal is rounded onto the
# subnormal grid, as NumPy does)
ENTROPY_POINTS = {
    "zero": (0.0, 0.0),  # 0 log 0 = 0 by continuity
    "one": (1.0, 0.0),
    "half": (0.5, 0.5 * math.log(2.0)),
    "1/e (the maximum)": (math.exp(-1.0), math.exp(-1.0)),
    "smallest normal": (NORMAL_MIN, -NORMAL_MIN * math.log(NORMAL_MIN)),
    "subnormal 5e-324": (SUB, -SUB * math.log(SUB)),
    "subnormal 1e-310": (SUB2, -SUB2 * math.log(SUB2)),
}


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("point", sorted(ENTROPY_POINTS))
def test_entropy_term_at_the_boundary(backend, point):
    p, expected = ENTROPY_POINTS[point]
    out = _call("entropy_term", backend, p)
    subnormal_in = 0 < p < NORMAL_MIN
    atol = FTZ_ATOL if backend == "jax" and subnormal_in else 2 * SUB  # subnormal grid: 1 step each way
    assert_close(out, expected, rtol=4e-16, atol=atol,
                 why="one log and one product: <= 2 ulps; subnormal results sit on a grid of 5e-324")


@pytest.mark.parametrize("backend", BACKENDS)
def test_entropy_term_vectorised_keeps_each_limit(backend):
    p = [0.0, SUB, 0.25, 1.0, 0.0]
    out = _call("entropy_term", backend, p)
    assert out[0] == 0.0 and out[3] == 0.0 and out[4] == 0.0  # exact limits, whatever their neighbours
    assert_close(out[2], 0.25 * math.log(4.0), rtol=4e-16, why="one log, one product")
    assert 0.0 <= out[1] <= 4e-321  # -5e-324 log 5e-324 = 3.7e-321 (0 under XLA's flush-to-zero)


# --------------------------------------------------------------------------- kl_term: p log(p/q)

KL_POINTS = {
    "p = q = 0": (0.0, 0.0, 0.0),  # no mass, no contribution
    "p = 0 < q": (0.0, 0.5, 0.0),
    "p > 0 = q": (0.5, 0.0, math.inf),  # not absolutely continuous
    "p = q": (0.5, 0.5, 0.0),
    "p = q = 1": (1.0, 1.0, 0.0),
    "p = q subnormal": (SUB, SUB, 0.0),
    "p = 0, q subnormal": (0.0, SUB, 0.0),
    "p subnormal, q = 1": (SUB, 1.0, SUB * math.log(SUB)),
    "p = 1, q smallest normal": (1.0, NORMAL_MIN, -math.log(NORMAL_MIN)),
    "p = 1, q subnormal": (1.0, SUB, -math.log(SUB)),
    "p subnormal, q = 0": (SUB, 0.0, math.inf),
}


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("point", sorted(KL_POINTS))
def test_kl_term_at_the_boundary(backend, point, request):
    p, q, expected = KL_POINTS[point]
    if backend == "jax" and point in ("p = 1, q subnormal", "p subnormal, q = 0"):
        request.applymarker(JAX_SUBNORMAL_Q)
    out = _call("kl_term", backend, p, q)
    if math.isinf(expected):
        assert out == expected
        return
    atol = FTZ_ATOL if backend == "jax" and (0 < p < NORMAL_MIN or 0 < q < NORMAL_MIN) else 2 * SUB
    assert_close(out, expected, rtol=4e-16, atol=atol,
                 why="two logs of exact arguments and one product: <= 2 ulps; subnormal grid 5e-324")


@pytest.mark.parametrize("backend", BACKENDS)
def test_kl_term_is_never_nan_on_a_grid_of_boundary_values(backend):
    vals = [0.0, SUB, SUB2, NORMAL_MIN, 0.5, 1.0]
    P, Q = np.meshgrid(vals, vals, indexing="ij")
    out = _call("kl_term", backend, P, Q)
    assert np.all(out[P == 0] == 0.0)  # 0 log(0/q) = 0 for every q, q = 0 included
    # under XLA's flush-to-zero a subnormal p counts as 0 (see JAX_SUBNORMAL_Q): law checked on normal p
    seen_positive = P >= NORMAL_MIN if backend == "jax" else P > 0
    assert np.all(out[seen_positive & (Q == 0)] == np.inf)
    assert np.all(out[P == Q] == 0.0)


# --------------------------------------------------------------------------- boltzmann_weight: exp(-(E - E_min)/lam)

@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("lam", [1e-300, 1e-3, 1.0, 1e300, BIG])
@pytest.mark.parametrize("e", [-BIG, -1.0, 0.0, 7.5, BIG])
def test_the_ground_state_weight_is_exactly_one(backend, lam, e):
    assert _call("boltzmann_weight", backend, e, e, lam) == 1.0  # exp(-0/lam) = 1 exactly


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("e", "e_min", "lam", "expected"), [
    (1.0, 0.0, 1e-300, 0.0),  # exp(-1e300) underflows to 0: the limit lam -> 0+
    (1.0, 0.0, 1e300, 1.0),  # exp(-1e-300) = 1 to float64: the limit lam -> inf
    (1.0, 0.0, 1.0, math.exp(-1.0)),
    (BIG, 0.0, 1.0, 0.0),
    (0.0, -BIG, 1.0, 0.0),
    (BIG, BIG / 2, BIG, math.exp(-0.5)),  # huge energies, huge temperature: a finite ratio
])
def test_boltzmann_weight_limits(backend, e, e_min, lam, expected):
    out = _call("boltzmann_weight", backend, e, e_min, lam)
    assert_close(out, expected, rtol=4e-16, why="one subtraction, one division, one exp: <= 2 ulps")


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("e", "e_min", "lam"), [
    (BIG, -BIG, 1.0),  # E - E_min = 2e308 overflows although the weight is 0
    (1e10, 0.0, 1e-300),  # (E - E_min)/lam = 1e310 overflows although the weight is 0
    (1.0, 0.0, SUB),  # the coldest positive temperature
])
def test_boltzmann_weight_is_zero_when_an_intermediate_overflows(backend, e, e_min, lam):
    assert _call("boltzmann_weight", backend, e, e_min, lam) == 0.0


# was a defect on JAX (0/lam with lam flushed to 0 gave NaN); the ground state is now its own branch
@pytest.mark.parametrize("backend", BACKENDS)
def test_boltzmann_weight_at_a_subnormal_temperature_on_the_ground_state(backend):
    assert _call("boltzmann_weight", backend, 0.0, 0.0, SUB) == 1.0


# --------------------------------------------------------------------------- log_partition_shifted: -E_min/lam + log s

@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("e_min", "lam", "s", "expected"), [
    (0.0, 1e-300, 1.0, 0.0),  # only the ground state, zero energy: log 1 = 0 at any temperature
    (0.0, 1.0, 4.0, math.log(4.0)),  # four degenerate ground states
    (BIG, 1.0, 1.0, -BIG),
    (-BIG, 1.0, 1.0, BIG),
    (3.0, 1e-300, 1.0, -3e300),  # lam -> 0+: log Z -> -E_min/lam
    (1.0, BIG, 2.0, math.log(2.0)),  # lam -> inf: log Z -> log n
])
def test_log_partition_shifted_limits(backend, e_min, lam, s, expected):
    out = _call("log_partition_shifted", backend, e_min, lam, s)
    assert_close(out, expected, rtol=4e-16, why="one division, one log, one addition: <= 2 ulps")


# --------------------------------------------------------------------------- the stability kernels

STABILITY_POINTS = [
    ("mode_factor", (0.0, 5.0), 1.0),  # no step: nothing moves
    ("mode_factor", (0.5, 0.0), 1.0),  # the consensus mode mu = 0 is fixed
    ("mode_factor", (0.5, 4.0), -1.0),  # alpha = 2/mu: the stability boundary
    ("mode_factor", (1e-300, 1e300), 0.0),  # alpha mu = 1 exactly, with extreme factors
    ("critical_step", (1e-300,), 2e300),  # a nearly disconnected graph
    ("critical_step", (1e300,), 2e-300),
    ("optimal_step", (0.0, 4.0), 0.5),  # mu_2 = 0: the disconnected limit, 2/mu_max
    ("optimal_step", (3.0, 3.0), 1.0 / 3.0),  # complete graph K_n: mu_2 = mu_max = n
    ("optimal_factor", (0.0, 4.0), 1.0),  # disconnected: no contraction
    ("optimal_factor", (3.0, 3.0), 0.0),  # complete graph: one step to consensus
    ("optimal_factor", (1e-300, 1.0), 1.0),  # 1 - 2e-300 rounds to 1
    ("convergence_factor", (0.0, 1.0, 3.0), 1.0),  # alpha = 0
    ("convergence_factor", (0.5, 1.0, 3.0), 0.5),  # the optimal step of (1, 3)
    ("convergence_factor", (2.0 / 3.0, 0.0, 3.0), 1.0),  # mu_2 = 0 and alpha = 2/mu_max: both modes at 1
    ("convergence_factor", (1e-300, 1.0, 3.0), 1.0),
]


def test_every_kernel_has_boundary_cases():
    covered = {"entropy_term", "kl_term", "boltzmann_weight", "log_partition_shifted"}
    covered |= {name for name, _, _ in STABILITY_POINTS}
    assert covered == set(kernel_names())


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("name", "args", "expected"), STABILITY_POINTS,
                         ids=[f"{n}{a}" for n, a, _ in STABILITY_POINTS])
def test_stability_kernels_at_the_boundary(backend, name, args, expected):
    out = _call(name, backend, *args)
    assert_close(out, expected, rtol=4.5e-16, atol=1.2e-16,
                 why="at most two roundings (a division of exact sums); XLA may contract a*b + c into an "
                     "FMA, skipping the product's rounding: up to half an ulp of 1 (1.1e-16) absolute")


# --------------------------------------------------------------------------- JAX gradients stay finite

@pytest.mark.parametrize("p", [0.0, SUB, 1.0])
def test_jax_gradients_of_the_entropy_kernels_are_not_nan_at_the_boundary(p):
    # the true derivative -log p - 1 is +inf at p = 0: a where-guarded kernel must not turn
    # that into NaN through 0 * inf in the unselected branch (the "double where" pattern)
    g_ent = jax.grad(lambda x: kernel("entropy_term", "jax")(x))(jnp.float64(p))
    g_klp = jax.grad(lambda x: kernel("kl_term", "jax")(x, jnp.float64(0.5)))(jnp.float64(p))
    g_klq = jax.grad(lambda y: kernel("kl_term", "jax")(jnp.float64(0.0), y))(jnp.float64(p))
    assert not np.isnan(float(g_ent)) and not np.isnan(float(g_klp)) and not np.isnan(float(g_klq))


# --------------------------------------------------------------------------- the public functions on zero weights

@pytest.mark.parametrize("backend", BACKENDS)
def test_zero_probabilities_in_entropy_kl_and_free_energy(backend):
    p = _arr(backend, [0.25, 0.0, 0.75, 0.0])
    h = float(shannon_entropy(p))
    assert_close(h, -(0.25 * math.log(0.25) + 0.75 * math.log(0.75)), rtol=4e-16,
                 why="two nonzero terms, ~1 ulp each; the zeros contribute exactly 0")
    assert float(shannon_entropy(_arr(backend, [0.0, 1.0, 0.0]))) == 0.0  # a vertex: S = 0 exactly
    q = _arr(backend, [0.5, 0.25, 0.25, 0.0])  # q = 0 where p = 0: a zero term, not NaN
    expected = 0.25 * math.log(0.5) + 0.75 * math.log(3.0)
    assert_close(float(kl_divergence(p, q)), expected, rtol=1e-15, why="two terms with logs: a few ulps")
    assert float(kl_divergence(p, _arr(backend, [0.5, 0.5, 0.0, 0.0]))) == math.inf  # p > 0 = q at index 2
    # F at a vertex is its energy exactly: S = 0, whatever the temperature
    for lam in (1e-300, 1.0, 1e300):
        assert float(free_energy(_arr(backend, [0.0, 1.0, 0.0]), _arr(backend, [2.0, 5.0, 7.0]), lam)) == 5.0


@pytest.mark.parametrize("backend", BACKENDS)
def test_boltzmann_in_the_cold_limit_has_exact_zero_weights(backend):
    p = np.asarray(boltzmann(_arr(backend, [3.0, 4.0, 3.0, 100.0]), 1e-300))
    assert not np.any(np.isnan(p))
    assert p.tolist() == [0.5, 0.0, 0.5, 0.0]  # ties share the mass; everything else underflows to 0
    assert float(log_partition(_arr(backend, [3.0, 4.0]), 1e-300)) == -3e300  # -E_min/lam + log 1


JAX_SUBNORMAL_RECIPROCAL = pytest.mark.xfail(
    strict=False,  # depends on how XLA's CPU backend vectorises division, and on flush-to-zero
    reason="library/platform defect: on arrays of 2 or more entries XLA divides by lam through the "
           "reciprocal 1/lam, which is subnormal (flushed to 0) for lam > 4.5e307; every weight becomes 1: "
           "boltzmann(jnp.asarray([-2.5e307, 0.0, 2.5e307]), 1e308) is uniform, numpy gives "
           "[0.419, 0.326, 0.254]",
)


@pytest.mark.parametrize("backend", ["numpy", pytest.param("jax", marks=JAX_SUBNORMAL_RECIPROCAL)])
def test_boltzmann_at_the_largest_temperatures(backend):
    p = np.asarray(boltzmann(_arr(backend, [-BIG / 4, 0.0, BIG / 4]), BIG))
    # shifted energies (0, 2.5e307, 5e307) over lam = 1e308: weights exp(-(0, 0.25, 0.5)), normalised
    w = np.exp(-np.array([0.0, 0.25, 0.5]))
    assert_close(p, w / w.sum(), rtol=1e-15, why="three exps and a sum of three: a few ulps")


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("energies", "lam", "expected"), [
    ([-BIG, BIG], 1.0, [1.0, 0.0]),
    ([0.0, 1e10], 1e-300, [1.0, 0.0]),
])
def test_boltzmann_with_an_overflowing_energy_gap(backend, energies, lam, expected):
    p = np.asarray(boltzmann(_arr(backend, energies), lam))
    assert p.tolist() == expected


@pytest.mark.parametrize("backend", BACKENDS)
def test_log_partition_with_an_overflowing_energy_gap(backend):
    # log Z = -E_min/lam + log(1 + exp(-1e310)) = 0 exactly in float64
    assert float(log_partition(_arr(backend, [0.0, 1e10]), 1e-300)) == 0.0


@pytest.mark.parametrize("backend", [
    "numpy",  # was a defect (overflow in (E - E_min)/lam); the kernel now evaluates with over="ignore"
    "jax",  # was a defect (NaN from 0/lam, lam flushed to 0); the ground state is now its own branch
])
def test_boltzmann_at_the_smallest_positive_temperature(backend):
    p = np.asarray(boltzmann(_arr(backend, [0.0, 1.0]), SUB))
    assert p.tolist() == [1.0, 0.0]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("energies", "expected_p", "expected_log_z"), [
    ([0.0, 1.0], [1.0, 0.0], 0.0),  # log Z -> -E_min/lam = 0
    ([2.0, 2.0, 3.0], [0.5, 0.5, 0.0], -math.inf),  # -2/lam overflows to -inf (the limit)
    ([-1.0, 0.0], [1.0, 0.0], math.inf),  # +1/lam overflows to +inf (the limit)
])
def test_thermo_at_the_smallest_positive_temperature(backend, energies, expected_p, expected_log_z):
    """lam = 5e-324 (the coldest float64 temperature): p* puts all mass uniformly on the ground
    states (the lam -> 0+ limit) and log Z = -E_min/lam + log(#ground states), on both backends."""
    p = np.asarray(boltzmann(_arr(backend, energies), SUB))
    assert p.tolist() == expected_p
    with np.errstate(over="ignore", divide="ignore"):  # -E_min/lam legitimately overflows to the limit
        log_z = float(log_partition(_arr(backend, energies), SUB))
    assert log_z == expected_log_z
