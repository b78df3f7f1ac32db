"""The code generator and the generated kernels, each against an independent formula."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from iegn import InvalidArgumentError
from iegn.kernels import KernelSpec, compile_kernel, kernel, kernel_names, kernel_source
from iegn.kernels.build import TARGETS, render

jax = pytest.importorskip("jax")

# Hand-written formulas of Xiao & Boyd (2004), Sect. 4.1, typed independently of SymPy.
HAND = {
    "mode_factor": lambda a, m: 1.0 - a * m,
    "critical_step": lambda mm: 2.0 / mm,
    "optimal_step": lambda m2, mm: 2.0 / (m2 + mm),
    "optimal_factor": lambda m2, mm: (mm - m2) / (mm + m2),
    "convergence_factor": lambda a, m2, mm: max(abs(1.0 - a * m2), abs(1.0 - a * mm)),
}
# Hand-written thermodynamic kernels (Cover & Thomas 2006, Ch. 2), typed independently.
HAND_THERMO = {
    "boltzmann_weight": lambda e, e_min, lam: math.exp(-(e - e_min) / lam),
    "log_partition_shifted": lambda e_min, lam, s: -e_min / lam + math.log(s),
    "entropy_term": lambda p: 0.0 if p == 0 else -p * math.log(p),
    # log p - log q rather than log(p/q): p/q overflows for subnormal q
    "kl_term": lambda p, q: 0.0 if p == 0 else (math.inf if q == 0 else p * (math.log(p) - math.log(q))),
}
positive = st.floats(1e-3, 1e3)


def test_committed_modules_are_what_the_generator_writes():
    # fails when a derivation changed and `python -m iegn.kernels.build` was not re-run
    for backend, source in render().items():
        assert Path(TARGETS[backend]).read_text() == source, f"regenerate {TARGETS[backend].name}"


def test_every_builtin_kernel_has_a_hand_formula():
    assert set(kernel_names()) == set(HAND) | set(HAND_THERMO)


@given(st.floats(-50, 50), st.floats(-50, 50), st.floats(1e-3, 1e3), st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_thermo_kernels_match_hand_formulas(e, shift, lam, p, q):
    # XLA on CPU flushes subnormal inputs to zero; NumPy does not. Subnormal probabilities are
    # outside what either backend promises, so they are mapped to 0 here.
    p, q = (0.0 if 0.0 < x < sys.float_info.min else x for x in (p, q))
    e_min = min(e, shift)  # the weight is used with E >= E_min: in (0, 1], never overflows
    for backend in ("numpy", "jax"):
        w = float(kernel("boltzmann_weight", backend)(e, e_min, lam))
        assert math.isclose(w, HAND_THERMO["boltzmann_weight"](e, e_min, lam), rel_tol=1e-13, abs_tol=1e-300)
        s = 1.0 + p * 10
        z = float(kernel("log_partition_shifted", backend)(e_min, lam, s))
        assert math.isclose(z, HAND_THERMO["log_partition_shifted"](e_min, lam, s), rel_tol=1e-13, abs_tol=1e-13)
        # 0 log 0 = 0 and KL's +inf, without log(0) (NumPy errors are raised in this suite)
        h = float(kernel("entropy_term", backend)(p))
        assert math.isclose(h, HAND_THERMO["entropy_term"](p), rel_tol=1e-13, abs_tol=1e-300)
        k = float(kernel("kl_term", backend)(p, q))
        want = HAND_THERMO["kl_term"](p, q)
        assert k == want if math.isinf(want) else math.isclose(k, want, rel_tol=1e-12, abs_tol=1e-15)


@given(st.floats(-10, 10), positive, positive)
def test_numpy_kernels_match_hand_formulas(alpha, a, b):
    m2, mm = min(a, b), max(a, b)
    args = {"mode_factor": (alpha, m2), "critical_step": (mm,), "optimal_step": (m2, mm),
            "optimal_factor": (m2, mm), "convergence_factor": (alpha, m2, mm)}
    for name, arg in args.items():
        got, want = float(kernel(name)(*arg)), HAND[name](*arg)
        # same formula evaluated in a different order: a few ulps of the larger operand
        assert math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-12 * (1 + abs(alpha) * mm)), name


@given(st.floats(-10, 10), positive, positive)
def test_jax_kernels_equal_numpy_kernels_in_float64(alpha, a, b):
    m2, mm = min(a, b), max(a, b)
    out = kernel("convergence_factor", "jax")(alpha, m2, mm)
    assert out.dtype == np.float64
    assert float(out) == pytest.approx(HAND["convergence_factor"](alpha, m2, mm), rel=1e-12, abs=1e-12 * (1 + abs(alpha) * mm))


def test_kernels_broadcast_over_arrays():
    mu2 = np.array([1.0, 2.0, 3.0])
    out = kernel("optimal_step")(mu2, 4.0)
    np.testing.assert_array_equal(out, 2.0 / (mu2 + 4.0))  # exact: one division each


def test_compile_kernel_hoists_common_subexpressions():
    x, y = sympy.symbols("x y")
    e = (x + y) ** 2 + sympy.sin(x + y)
    src = kernel_source(KernelSpec("f", (x, y), (e,)), "numpy")
    assert "_x0 = x + y" in src and src.count("x + y") == 1
    f = compile_kernel(e, [x, y])
    assert f(0.5, 0.25) == pytest.approx(0.75**2 + math.sin(0.75), rel=1e-15)


def test_compile_kernel_is_cached_and_returns_tuples_for_sequences():
    x = sympy.Symbol("x")
    assert compile_kernel(x**2, [x]) is compile_kernel(x**2, [x])
    (one,) = compile_kernel([x + 1], [x])(2.0)
    assert one == 3.0
    two = compile_kernel([x + 1, x * 3], [x])(2.0)
    assert two == (3.0, 6.0)


def test_jax_compiled_kernel_is_float64_and_jittable():
    x = sympy.Symbol("x")
    f = compile_kernel(sympy.exp(-x) * sympy.log(1 + x), [x], backend="jax")
    out = f(np.linspace(0.0, 1.0, 5))
    assert out.dtype == np.float64
    np.testing.assert_allclose(np.asarray(out), np.exp(-np.linspace(0, 1, 5)) * np.log1p(np.linspace(0, 1, 5)),
                               rtol=1e-14, err_msg="log(1+x) vs log1p: a few ulps")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: compile_kernel(sympy.Symbol("x") + sympy.Symbol("y"), [sympy.Symbol("x")]), "not in args"),
        (lambda: compile_kernel(sympy.Symbol("x"), [sympy.Symbol("x")], backend="torch"), "backend='torch'"),
        (lambda: compile_kernel(sympy.Symbol("x"), [sympy.Symbol("x")], name="not valid"), "identifier"),
        (lambda: kernel("nope"), "name='nope'"),
        (lambda: kernel("optimal_step", "cupy"), "backend='cupy'"),
    ],
)
def test_kernel_errors_name_the_bad_value(call, message):
    with pytest.raises(InvalidArgumentError, match=message):
        call()


def test_overflow_to_limit_kernels_ignore_overflow_in_numpy_only():
    """exp(-x/lam) with x/lam overflowing is exactly 0: the NumPy kernel must not warn or raise."""
    import sympy

    x, lam = sympy.symbols("x lam")
    spec = KernelSpec("decay", (x, lam), (sympy.exp(-x / lam),), overflow_to_limit=True)
    assert 'numpy.errstate(over="ignore")' in kernel_source(spec, "numpy")
    assert "errstate" not in kernel_source(spec, "jax")
    plain = KernelSpec("decay_plain", (x, lam), (sympy.exp(-x / lam),))

    def load(s: KernelSpec):
        namespace: dict = {"numpy": np}
        exec(kernel_source(s, "numpy"), namespace)  # the generated source, as the build writes it
        return namespace[s.name]

    with np.errstate(over="raise"):
        big, tiny = np.array([1e10]), np.array([1e-300])  # arrays: NumPy signals the overflow
        assert load(spec)(big, tiny)[0] == 0.0  # exp(-inf): the exact limit
        with pytest.raises(FloatingPointError):
            load(plain)(big, tiny)
