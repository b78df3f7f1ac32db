"""Numerical mechanics: integrators and kernels against closed forms, hand formulas and laws.

Oracles, none of them the expression a kernel was generated from: the exact harmonic
oscillator; the closed-form one-step energy factors and Jacobian determinants of explicit
Euler (1 + h^2 w^2) and RK4 (|R(i h w)|^2 = 1 - (hw)^6/72 + (hw)^8/576); the long-time energy
laws of geometric integration (Hairer, Lubich & Wanner 2006, :cite:p:`hairer2006geometric`,
Ch. IX: a symplectic method keeps the energy error bounded, O(h^p), with no drift); the
hand-solved minimum of the free energy; an energy-integral quadrature for the time to reach
q = 0; hand-written forces and Hamiltonians; the three-term discrete Euler–Lagrange map, which
the library derives separately from the position–momentum form it integrates with.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st
from scipy import integrate

from iegn import InvalidArgumentError
from iegn.numeric import (
    INTEGRATION_METHODS,
    DomainExitError,
    LagrangianKernels,
    Trajectory,
    lagrangian_kernels,
    simulate,
)
from iegn.symbolic import _lagrangian as lg
from iegn.symbolic import derive_euler_lagrange

from ._helpers import assert_close

CHAIN = "k*(q1 - q0)**2/2 + k*(q2 - q1)**2/2"


def harmonic():
    return derive_euler_lagrange(1, site_potential="k*q**2/2", parameters=["k"], entropy="none")


def pendulum():
    return derive_euler_lagrange(1, site_potential="1 - cos(q)", entropy="none")


def chain_forces(q, k):
    """-grad of k/2 [(q1-q0)^2 + (q2-q1)^2], by hand, for q of shape (..., 3)."""
    f = np.zeros_like(q)
    f[..., 0] = k * (q[..., 1] - q[..., 0])
    f[..., 1] = -k * (q[..., 1] - q[..., 0]) + k * (q[..., 2] - q[..., 1])
    f[..., 2] = -k * (q[..., 2] - q[..., 1])
    return f


def chain_energy(q, k):
    return k * (q[..., 1] - q[..., 0]) ** 2 / 2 + k * (q[..., 2] - q[..., 1]) ** 2 / 2


# ------------------------------------------------------------------ 1. convergence order
ORDERS = {"euler": 1, "variational": 2, "rk4": 4}


@pytest.mark.parametrize("method", INTEGRATION_METHODS)
def test_convergence_order_against_exact_harmonic_oscillator(method):
    k, q0, v0, t_end = 4.0, 0.7, -0.3, 2.0
    w = math.sqrt(k)  # m = 1
    exact_q = q0 * math.cos(w * t_end) + v0 / w * math.sin(w * t_end)
    exact_v = -q0 * w * math.sin(w * t_end) + v0 * math.cos(w * t_end)
    errors = []
    for n in (400, 800):  # h = 5e-3, 2.5e-3: hw <= 0.01, deep in the asymptotic regime
        tr = simulate(harmonic(), [q0], [v0], step=t_end / n, n_steps=n, parameters={"k": k}, method=method)
        assert tr.times[-1] == pytest.approx(t_end, rel=1e-15)  # t_k = k h exactly up to rounding
        errors.append(math.hypot(tr.positions[-1, 0] - exact_q, (tr.velocities[-1, 0] - exact_v) / w))
    order = math.log2(errors[0] / errors[1])
    # +-0.15: the next term of the error expansion moves the estimated order by O(hw) ~ 1e-2
    # (measured: euler 1.01, variational 2.00, rk4 4.00); RK4's errors (2.4e-10, 1.5e-11) stay
    # 100x above the rounding accumulated over 800 steps (~1e-13), which cannot move the estimate.
    assert order == pytest.approx(ORDERS[method], abs=0.15), f"{method}: errors {errors}, order {order}"


# ------------------------------------------------------------------ 2. long-time energy
# Closed forms on the harmonic oscillator (m = 1, w^2 = k): with E = (v^2 + w^2 q^2)/2, one
# step of a linear method multiplies E by |R(i h w)|^2, R its stability function.
# Euler: |1 + ix|^2 = 1 + x^2.  RK4: |1 + z + z^2/2 + z^3/6 + z^4/24|^2 at z = ix
# = 1 - x^6/72 + x^8/576 (expand (1 - x^2/2 + x^4/24)^2 + (x - x^3/6)^2).
ENERGY_FACTOR = {"euler": lambda x: 1 + x**2, "rk4": lambda x: 1 - x**6 / 72 + x**8 / 576}


@pytest.mark.parametrize("method", ["euler", "rk4"])
def test_harmonic_energy_factor_per_step_is_the_closed_form(method):
    k, h, n = 2.25, 0.2, 2000
    x = h * math.sqrt(k)
    tr = simulate(harmonic(), [0.4], [0.9], step=h, n_steps=n, parameters={"k": k}, method=method)
    expected = tr.energy[0] * ENERGY_FACTOR[method](x) ** np.arange(n + 1)
    # 2000 multiplications, each correct to rounding: relative error grows like n * eps ~ 1e-12
    assert_close(tr.energy, expected, rtol=1e-10, why="E_k = E_0 |R(ix)|^2k exactly; n*eps rounding")


def _long_run_backend():
    """JAX's lax.scan runs 10^5 steps ~20x faster than the Python loop. The laws belong to the
    method, not the backend, and the two backends are shown to agree below; without JAX, NumPy."""
    try:
        import jax  # noqa: F401
    except ImportError:  # pragma: no cover - the jax extra is installed in CI
        return "numpy"
    return "jax"


def _pendulum_energy_error(method, h=0.1, n=100_000):
    """Energy error of 10^5 steps of h = 0.1 (~1300 periods) of the pendulum from q = 1.5 at rest."""
    tr = simulate(pendulum(), [1.5], [0.0], step=h, n_steps=n, method=method, backend=_long_run_backend())
    assert tr.completed
    return tr.energy - tr.energy[0], tr.energy[0]


def test_variational_energy_error_is_bounded_and_second_order():
    # Hairer, Lubich & Wanner 2006 (hairer2006geometric), Thm IX.8.1: a symplectic method of
    # order p conserves a modified Hamiltonian, so |H(q_k, p_k) - H_0| = O(h^p) over
    # exponentially long times: no drift.
    err, _ = _pendulum_energy_error("variational")
    tenth = err.size // 10
    first, last = np.abs(err[:tenth]).max(), np.abs(err[-tenth:]).max()
    # each tenth spans ~130 periods, so each samples the whole bounded oscillation of the
    # error; a drift of even 1% of the error over 9e4 steps would show.
    assert last == pytest.approx(first, rel=1e-2), f"drift: max|dE| first tenth {first}, last {last}"
    # O(h^2): the bound falls by 4 when h halves (next term O(h^4), i.e. < 1% at h = 0.2)
    coarse, _ = _pendulum_energy_error("variational", h=0.2, n=5_000)
    assert np.abs(coarse).max() / first == pytest.approx(4.0, rel=0.02)


def test_euler_energy_grows_on_the_pendulum():
    err, e0 = _pendulum_energy_error("euler")
    block_means = err[1:].reshape(10, -1).mean(axis=1)
    # explicit Euler multiplies the energy of the linearisation by 1 + h^2 w^2 > 1 each step:
    # the energy rises block after block (it slows once the pendulum rotates, but never falls)
    assert np.all(np.diff(block_means) > 0), block_means
    # measured 329 for E0 = 0.93; 100 E0 leaves a factor ~3.5 of margin for a real law
    assert err[-1] > 100 * e0


def test_rk4_energy_drifts_linearly_downwards_on_the_pendulum():
    err, _ = _pendulum_energy_error("rk4")
    block_means = err[1:].reshape(10, -1).mean(axis=1)
    steps = np.diff(block_means)
    # RK4 is dissipative on oscillations (|R(ix)|^2 = 1 - x^6/72 + ... < 1): the energy falls
    # block after block, by the same amount each time (a linear drift in t, unlike the bounded
    # error of the symplectic method).
    assert np.all(steps < 0), block_means
    # drift per block constant to 1% (measured: 0.1%; the drift rate depends weakly on the
    # slowly shrinking amplitude)
    assert_close(steps, steps.mean(), rtol=1e-2, why="linear drift: equal decrements per block")
    assert abs(err[-1]) > 5 * np.abs(err[: err.size // 10]).max()


# ------------------------------------------------------------------ 3. symplecticity
def _one_step_jacobian(d, q, v, *, h, method, eps=1e-5, parameters=None):
    """Central finite differences of (q, v) -> (q1, v1), one batched simulate call."""
    starts = np.array([[q + eps, v], [q - eps, v], [q, v + eps], [q, v - eps]])
    tr = simulate(d, starts[:, :1], starts[:, 1:], step=h, n_steps=1, method=method, parameters=parameters)
    end = np.stack([tr.positions[1, :, 0], tr.velocities[1, :, 0]], axis=1)
    return np.column_stack([(end[0] - end[1]) / (2 * eps), (end[2] - end[3]) / (2 * eps)])


@pytest.mark.parametrize("q0, v0", [(1.2, 0.3), (-2.5, 1.1), (0.1, -2.0)])
def test_variational_one_step_map_preserves_area(q0, v0):
    # nonlinear (pendulum) and a large step: det = 1 is symplecticity, not linear algebra.
    jac = _one_step_jacobian(pendulum(), q0, v0, h=0.3, method="variational")
    # central differences: truncation O(eps^2) ~ 1e-10 x the third derivative, rounding
    # eps_mach / eps ~ 1e-11
    assert np.linalg.det(jac) == pytest.approx(1.0, abs=1e-8)


def test_euler_and_rk4_one_step_determinants_are_the_closed_forms():
    k, h = 4.0, 0.3
    x = h * math.sqrt(k)
    # the maps are linear on the harmonic oscillator, so the differences are exact but for
    # rounding (eps_mach / eps ~ 1e-11)
    j_euler = _one_step_jacobian(harmonic(), 0.5, -0.2, h=h, method="euler", parameters={"k": k})
    assert np.linalg.det(j_euler) == pytest.approx(1 + x**2, abs=1e-8)  # [[1, h], [-h w^2, 1]]
    j_rk4 = _one_step_jacobian(harmonic(), 0.5, -0.2, h=h, method="rk4", parameters={"k": k})
    assert np.linalg.det(j_rk4) == pytest.approx(1 - x**6 / 72 + x**8 / 576, abs=1e-8)
    assert abs(np.linalg.det(j_rk4) - 1) > 5e-4  # x^6/72 - x^8/576 = 6.2e-4 at x = 0.6: not symplectic
    # Euler on the pendulum: Jacobian [[1, h], [-h cos q, 1]], det = 1 + h^2 cos q
    j_pend = _one_step_jacobian(pendulum(), 0.8, 0.4, h=h, method="euler")
    assert np.linalg.det(j_pend) == pytest.approx(1 + h**2 * math.cos(0.8), abs=1e-8)


# ------------------------------------------------------------------ 4. free-energy minimum
FREE_ENERGY = derive_euler_lagrange(1, site_potential="E*q", parameters=["E"], entropy="free-energy",
                                    dissipation=True)


@given(
    lam=st.floats(0.5, 2.0),
    ratio=st.floats(-2.0, 2.0),
    gamma=st.floats(0.5, 2.0),
    u=st.lists(st.floats(0.2, 2.5, exclude_min=True, exclude_max=True), min_size=1, max_size=4),
)
def test_damped_free_energy_dynamics_reach_the_hand_solved_minimum(lam, ratio, gamma, u):
    # F(q) = E q + lam q log q; F'(q) = E + lam (log q + 1) = 0  =>  q* = exp(-E/lam - 1).
    energy = ratio * lam
    q_star = math.exp(-ratio - 1)
    # F(u q*) = lam q* u (log u - 1) < 0 = F(0+) for u < e: started at rest there, the damped
    # motion can never climb back to q = 0, so the orbit stays in the domain by construction.
    q0 = np.array(u)[:, None] * q_star
    tr = simulate(FREE_ENERGY, q0, np.zeros_like(q0), step=0.1, n_steps=2500, damping=gamma, temperature=lam,
                  parameters={"E": energy})
    assert tr.completed and np.all(tr.positions > 0)
    # the linearisation at q* (stiffness lam/q* in [0.5/e, 2e^3]) decays at rate
    # min(gamma/2, (gamma - sqrt(gamma^2 - 4 lam/q*))/2) >= 0.096 (gamma = 2, lam/q* = 0.5/e), so
    # after t = 250 the offset is ~e^-24 ~ 3e-11 of its start (measured worst over a grid: 1e-10)
    assert_close(tr.positions[-1, :, 0], q_star, rtol=1e-8, why="exponential approach, rate >= 0.096, t = 250")
    assert_close(tr.velocities[-1, :, 0], 0.0, rtol=0, atol=1e-8, why="at rest at the minimum, same decay")


# ------------------------------------------------------------------ 5. domain exit
def _exit_time_oracle(q0=0.3):
    """t = int_0^q0 dq / sqrt(2 (U(q0) - U(q))), U = -q log q (lam = m = 1), by quadrature."""
    u = lambda q: -q * math.log(q) if q > 0 else 0.0  # noqa: E731
    t, abserr = integrate.quad(lambda q: 1 / math.sqrt(2 * (u(q0) - u(q))), 0, q0, limit=200)
    assert abserr < 1e-8
    return t


def test_domain_exit_raises_with_the_trajectory():
    with pytest.raises(DomainExitError, match=r"left the domain .* at step \d+") as info:
        simulate(derive_euler_lagrange(1), [0.3], [0.0], step=1e-3, n_steps=2000)
    tr = info.value.result
    assert isinstance(tr, Trajectory) and not tr.completed
    assert int(tr.exit_step) > 0


@pytest.mark.parametrize("method, slack", [("variational", 1), ("rk4", 1), ("euler", 2)])
def test_domain_exit_time_matches_the_energy_integral(method, slack):
    # U = -q log q; from q0 = 0.3 at rest the coordinate falls to q = 0 (U(0+) = 0 < U(0.3)),
    # arriving with speed sqrt(2 U(0.3)) > 0 at the time given by energy conservation.
    t_star = _exit_time_oracle()
    h = 1e-3
    tr = simulate(derive_euler_lagrange(1), [[0.3], [0.5]], [[0.0], [0.0]], step=h, n_steps=2000, method=method,
                  on_failure="return")
    exit_step = int(tr.exit_step[0])
    # the true crossing lies in ((k-1) h, k h] for the first step k with q_k <= 0: one step of
    # grid slack, plus the method's own timing error (O(h) for Euler: measured 0.8 h, 1.8 h)
    assert abs(h * exit_step - t_star) <= (1 + slack) * h, (h * exit_step, t_star)
    # the second trajectory (q0 = 0.5 > 1/e: pushed away from 0) never leaves
    assert tr.exit_step[1] == -1
    assert not np.any(np.isnan(tr.positions)) and np.all(tr.positions > 0)
    frozen = tr.positions[exit_step - 1:, 0]
    assert np.all(frozen == frozen[0]), "frozen at the last valid state after the exit"
    assert np.all(np.isfinite(tr.energy))


@pytest.mark.parametrize("method", INTEGRATION_METHODS)
def test_overflow_is_a_domain_exit(method):
    # quartic well from q0 = 1e3 with h = 0.5: h w = h sqrt(3 q^2) ~ 870 >> 2, every method blows
    # up. With NumPy errors raised (conftest) the overflow must still come out as a domain exit.
    d = derive_euler_lagrange(1, site_potential="q**4/4", entropy="none")
    with pytest.raises(DomainExitError, match="left the domain"):
        simulate(d, [1e3], [0.0], step=0.5, n_steps=50, method=method)
    tr = simulate(d, [1e3], [0.0], step=0.5, n_steps=50, method=method, on_failure="return")
    exit_step = int(tr.exit_step)
    assert exit_step > 0
    # frozen at the last state whose energy is finite: nothing inf or NaN is handed back
    assert np.all(np.isfinite(tr.positions)) and np.all(np.isfinite(tr.velocities)) and np.all(np.isfinite(tr.energy))
    assert np.all(tr.positions[exit_step - 1:] == tr.positions[exit_step - 1])


def test_initial_energy_overflow_is_an_invalid_argument_with_errors_raised():
    d = derive_euler_lagrange(1, site_potential="q**4/4", entropy="none")
    with pytest.raises(InvalidArgumentError, match=r"H\(q0, v0\) is inf"):
        simulate(d, [1e100], [0.0], step=0.1, n_steps=3)  # q^4/4 = 2.5e399 > float64 max


@pytest.mark.parametrize("backend", ["numpy", "jax"])
def test_initial_energy_overflow_is_an_invalid_argument(backend):
    if backend == "jax":
        pytest.importorskip("jax")
    d = derive_euler_lagrange(1, site_potential="q**4/4", entropy="none")
    with np.errstate(over="ignore"), pytest.raises(InvalidArgumentError, match=r"H\(q0, v0\) is inf"):
        simulate(d, [1e100], [0.0], step=0.1, n_steps=3, backend=backend)


def test_nonpositive_q0_message_names_the_index_plainly():
    with pytest.raises(InvalidArgumentError, match=r"q0\[1, 0\]=-0.1 must be > 0"):
        simulate(derive_euler_lagrange(1), [[0.5], [-0.1]], [[0.0], [0.0]], step=0.1, n_steps=3)


def test_a_start_outside_the_coupling_potentials_domain_is_rejected():
    # a log in the coupling potential constrains its own argument, not necessarily q > 0: the
    # start is checked by evaluating H and the acceleration there (NaN-safe, errors raised)
    d = derive_euler_lagrange(1, "-log(q0)", entropy="none")
    with pytest.raises(InvalidArgumentError, match="outside the domain of the potential"):
        simulate(d, [-1.0], [0.0], step=0.1, n_steps=10)


# ------------------------------------------------------------------ 6. backends
def _coupled():
    return derive_euler_lagrange(3, CHAIN, site_potential="c*(q - 1)**4/4", parameters=["k", "c"],
                                 entropy="free-energy", dissipation=True)


COUPLED_ARGS = dict(step=0.01, n_steps=400, masses=[1.0, 2.0, 0.5], damping=[0.1, 0.0, 0.3], temperature=0.7,
                    parameters={"k": 3.0, "c": 2.0})
Q0 = np.array([0.8, 1.1, 1.3])
V0 = np.array([0.2, -0.1, 0.0])


@pytest.mark.parametrize("method", INTEGRATION_METHODS)
def test_numpy_and_jax_agree(method):
    pytest.importorskip("jax")
    d = _coupled()
    a = simulate(d, Q0, V0, method=method, backend="numpy", **COUPLED_ARGS)
    b = simulate(d, Q0, V0, method=method, backend="jax", **COUPLED_ARGS)
    assert a.completed and b.completed
    for name in ("positions", "velocities", "energy"):
        x, y = getattr(a, name), getattr(b, name)
        assert y.dtype == np.float64 and x.shape == y.shape
        # same float64 formulas; XLA's log/pow differ from NumPy's by ~1 ulp, amplified over 400
        # steps of a damped (non-chaotic) chain: measured ~1e-15
        assert_close(y, x, rtol=0, atol=1e-12, why="float64 both; ulp-level differences in transcendental functions")


def test_jax_batch_equals_single_runs():
    pytest.importorskip("jax")
    d = _coupled()
    rng = np.random.default_rng(7)
    q0 = 1 + 0.3 * rng.uniform(-1, 1, size=(5, 3))
    v0 = 0.2 * rng.uniform(-1, 1, size=(5, 3))
    batch = simulate(d, q0, v0, method="variational", backend="jax", **COUPLED_ARGS)
    assert batch.positions.shape == (401, 5, 3) and batch.exit_step.shape == (5,)
    for i in range(5):
        one = simulate(d, q0[i], v0[i], method="variational", backend="jax", **COUPLED_ARGS)
        # XLA fuses a batch of 5 differently from a batch of 1 (sums reassociated); 400 steps of a
        # coupled chain amplify the ulp-level differences to ~1e-12
        assert_close(batch.positions[:, i], one.positions, rtol=0, atol=1e-11, why="vmap vs single: rounding")
        assert_close(batch.velocities[:, i], one.velocities, rtol=0, atol=1e-11, why="vmap vs single: rounding")
        assert batch.exit_step[i] == one.exit_step


def test_jax_computes_in_float64():
    pytest.importorskip("jax")
    from iegn.kernels import import_jax

    jnp = import_jax()[1]
    d = _coupled()
    kern = lagrangian_kernels(d, backend="jax")
    acc = kern.acceleration(jnp.asarray(np.stack([Q0, Q0])), jnp.asarray(np.stack([V0, V0])), masses=1.0,
                            parameters={"k": 3.0, "c": 2.0})
    assert acc.dtype == jnp.float64
    # simulate casts its output to float64 whatever JAX computed in, so the dtype alone proves
    # nothing: a 1e-9 nudge of q0 (float32 spacing at 1.0 is 1.2e-7: it would vanish) must move
    # the JAX trajectory exactly as it moves the NumPy one.
    nudge = np.array([1e-9, 0.0, 0.0])
    out = {}
    for backend in ("numpy", "jax"):
        base = simulate(d, Q0, V0, method="rk4", backend=backend, **COUPLED_ARGS)
        moved = simulate(d, Q0 + nudge, V0, method="rk4", backend=backend, **COUPLED_ARGS)
        out[backend] = moved.positions - base.positions
    assert np.abs(out["numpy"]).max() > 1e-10  # the response is there to be seen
    assert_close(out["jax"], out["numpy"], rtol=0, atol=1e-13,
                 why="float64 rounding of two runs is ~1e-15; float32 would lose the 1e-9 response entirely")


def test_jax_domain_exit_matches_numpy():
    pytest.importorskip("jax")
    d = derive_euler_lagrange(1)
    args = dict(step=1e-3, n_steps=2000, on_failure="return")
    a = simulate(d, [[0.3], [0.5]], [[0.0], [0.0]], backend="numpy", **args)
    b = simulate(d, [[0.3], [0.5]], [[0.0], [0.0]], backend="jax", **args)
    np.testing.assert_array_equal(b.exit_step, a.exit_step)
    assert not np.any(np.isnan(b.positions)) and np.all(b.positions > 0)


# ------------------------------------------------------------------ 7. coupled forces by hand
@pytest.mark.parametrize("entropy, sigma", [("blueprint", 1), ("free-energy", -1), ("none", 0)])
def test_acceleration_and_hamiltonian_match_hand_formulas(entropy, sigma):
    k, c, lam = 3.0, 0.8, 0.7
    m = np.array([1.0, 2.0, 0.5])
    gamma = np.array([0.3, 0.0, 1.1])
    d = derive_euler_lagrange(3, CHAIN, site_potential="c*q**2/2", parameters=["k", "c"], entropy=entropy,
                              dissipation=True)
    kern = lagrangian_kernels(d)
    assert isinstance(kern, LagrangianKernels) and kern.n == 3 and kern.uses_log == (sigma != 0)
    rng = np.random.default_rng(3)
    q = rng.uniform(0.2, 2.0, size=(4, 3))
    v = rng.uniform(-1.0, 1.0, size=(4, 3))
    # L = sum(m v^2/2 - c q^2/2 + sigma lam q log q) - V_c, R = sum gamma v^2 / 2:
    # m a = -c q + sigma lam (log q + 1) - dV_c/dq - gamma v
    expected = (-c * q + sigma * lam * (np.log(q) + 1) + chain_forces(q, k) - gamma * v) / m
    got = kern.acceleration(q, v, masses=m, damping=gamma, temperature=lam, parameters={"k": k, "c": c})
    assert_close(got, expected, rtol=1e-13, atol=1e-14, why="same formula, different operation order")
    # H = sum(m v^2/2 + c q^2/2 - sigma lam q log q) + V_c
    h_expected = (np.sum(m * v**2 / 2 + c * q**2 / 2 - sigma * lam * q * np.log(q), axis=-1)
                  + chain_energy(q, k))
    h_got = kern.hamiltonian(q, v, masses=m, temperature=lam, parameters={"k": k, "c": c})
    assert_close(h_got, h_expected, rtol=1e-13, why="same formula, different operation order")


# ------------------------------------------------------------------ 8. the discrete map
def _discrete_map(d):
    args = [lg.QM, lg.Q0, lg.H, lg.M, lg.GAMMA, lg.LAM, lg.F, *d.parameters]
    expr = d.site["discrete_map"]
    assert expr.free_symbols <= set(args)
    return sympy.lambdify(args, expr, "numpy")


def test_variational_positions_satisfy_the_undamped_discrete_map():
    d = derive_euler_lagrange(1, site_potential="c*q**4/4", parameters=["c"], entropy="free-energy")
    h, lam, c, m = 0.05, 0.6, 1.5, 1.3
    # F(q) = c q^4/4 + lam q log q < 0 = F(0+) at q0 = 0.6 at rest: the orbit stays in q > 0
    tr = simulate(d, [0.6], [0.0], step=h, n_steps=400, masses=m, temperature=lam, parameters={"c": c})
    q = tr.positions[:, 0]
    step = _discrete_map(d)
    predicted = step(q[:-2], q[1:-1], h, m, 0.0, lam, 0.0, c)
    # the map divides the DEL residual by m/h^2 ~ 500: rounding of q (~1e-16) is multiplied by
    # ~few, so 1e-13 absolute on O(1) positions
    assert_close(q[2:], predicted, rtol=0, atol=1e-13, why="two derived forms of one integrator; rounding")


def test_variational_positions_satisfy_the_damped_coupled_discrete_map():
    d = derive_euler_lagrange(3, CHAIN, site_potential="c*q**2/2", parameters=["k", "c"], entropy="free-energy",
                              dissipation=True)
    h, lam, k, c = 0.04, 0.5, 2.0, 1.0
    m = np.array([1.0, 2.0, 0.5])
    gamma = np.array([0.4, 0.0, 1.5])
    # near the free-energy minimum q* ~ 0.23 (c q + lam (log q + 1) = 0), damped: stays in q > 0
    tr = simulate(d, [0.2, 0.3, 0.25], [0.1, 0.0, -0.1], step=h, n_steps=300, masses=m, damping=gamma,
                  temperature=lam, parameters={"k": k, "c": c})
    q = tr.positions
    step = _discrete_map(d)
    # the coupling force enters at q_k, computed by hand here (not by the library's kernel)
    predicted = step(q[:-2], q[1:-1], h, m, gamma, lam, chain_forces(q[1:-1], k), k, c)
    assert_close(q[2:], predicted, rtol=0, atol=1e-13, why="two derived forms of one integrator; rounding")


# ------------------------------------------------------------------ 9. bad input
LOG1 = derive_euler_lagrange(1)  # entropy: log q, needs q > 0
GOOD = dict(step=0.1, n_steps=3)


def _chain_none():
    return derive_euler_lagrange(3, CHAIN, parameters=["k"], entropy="none")


BAD = [
    ("step zero", lambda: simulate(harmonic(), [1.0], [0.0], step=0.0, n_steps=3, parameters={"k": 1.0}),
     InvalidArgumentError, r"step=0.0 must be > 0"),
    ("step negative", lambda: simulate(harmonic(), [1.0], [0.0], step=-0.1, n_steps=3, parameters={"k": 1.0}),
     InvalidArgumentError, r"step=-0.1 must be > 0"),
    ("step nan", lambda: simulate(harmonic(), [1.0], [0.0], step=float("nan"), n_steps=3, parameters={"k": 1.0}),
     InvalidArgumentError, r"step=nan must be finite"),
    ("n_steps zero", lambda: simulate(harmonic(), [1.0], [0.0], step=0.1, n_steps=0, parameters={"k": 1.0}),
     InvalidArgumentError, r"n_steps=0 must be >= 1"),
    ("n_steps float", lambda: simulate(harmonic(), [1.0], [0.0], step=0.1, n_steps=3.0, parameters={"k": 1.0}),
     InvalidArgumentError, r"n_steps=3.0 must be an integer"),
    ("temperature zero", lambda: simulate(LOG1, [1.0], [0.0], temperature=0.0, **GOOD),
     InvalidArgumentError, r"temperature=0.0 must be > 0"),
    ("temperature negative", lambda: simulate(LOG1, [1.0], [0.0], temperature=-1.0, **GOOD),
     InvalidArgumentError, r"temperature=-1.0 must be > 0"),
    ("mass zero", lambda: simulate(_chain_none(), [1, 2, 3], [0, 0, 0], masses=[1.0, 0.0, 1.0],
                                   parameters={"k": 1.0}, **GOOD),
     InvalidArgumentError, r"masses\[1\]=0.0 must be > 0"),
    ("mass nan", lambda: simulate(LOG1, [1.0], [0.0], masses=float("nan"), **GOOD),
     InvalidArgumentError, r"masses\[0\]=nan must be > 0 and finite"),
    ("masses wrong length", lambda: simulate(_chain_none(), [1, 2, 3], [0, 0, 0], masses=[1.0, 2.0],
                                             parameters={"k": 1.0}, **GOOD),
     InvalidArgumentError, r"masses=.* must be a scalar or shape \(3,\)"),
    ("damping negative", lambda: simulate(LOG1, [1.0], [0.0], damping=-0.5, **GOOD),
     InvalidArgumentError, r"damping\[0\]=-0.5 must be >= 0"),
    ("damping inf", lambda: simulate(LOG1, [1.0], [0.0], damping=float("inf"), **GOOD),
     InvalidArgumentError, r"damping\[0\]=inf must be >= 0 and finite"),
    ("q0 wrong length", lambda: simulate(_chain_none(), [1.0, 2.0], [0.0, 0.0], parameters={"k": 1.0}, **GOOD),
     InvalidArgumentError, r"q0 must have shape \(3,\) or \(batch, 3\), got \(2,\)"),
    ("q0 3-d", lambda: simulate(LOG1, np.ones((2, 2, 1)), np.zeros((2, 2, 1)), **GOOD),
     InvalidArgumentError, r"q0 must have shape \(1,\) or \(batch, 1\), got \(2, 2, 1\)"),
    ("q0 nan", lambda: simulate(harmonic(), [float("nan")], [0.0], parameters={"k": 1.0}, **GOOD),
     InvalidArgumentError, r"q0 has a non-finite entry"),
    ("v0 inf", lambda: simulate(harmonic(), [1.0], [float("inf")], parameters={"k": 1.0}, **GOOD),
     InvalidArgumentError, r"v0 has a non-finite entry"),
    ("q0 not numbers", lambda: simulate(harmonic(), ["a"], [0.0], parameters={"k": 1.0}, **GOOD),
     InvalidArgumentError, r"q0=.* must be an array of real numbers"),
    ("q0 zero with log", lambda: simulate(LOG1, [0.0], [0.0], **GOOD),
     InvalidArgumentError, r"=0.0 must be > 0 \(log q in the Lagrangian\)"),
    ("q0 negative in batch with log", lambda: simulate(LOG1, [[0.5], [-0.1]], [[0.0], [0.0]], **GOOD),
     InvalidArgumentError, r"=-0.1 must be > 0 \(log q in the Lagrangian\)"),
    ("q0/v0 shapes differ", lambda: simulate(LOG1, [[0.5], [0.6]], [0.0], **GOOD),
     InvalidArgumentError, r"q0 has shape \(2, 1\) but v0 has shape \(1,\)"),
    ("unknown method", lambda: simulate(LOG1, [1.0], [0.0], method="leapfrog", **GOOD),
     InvalidArgumentError, r"method='leapfrog' is not one of"),
    ("unknown backend", lambda: simulate(LOG1, [1.0], [0.0], backend="torch", **GOOD),
     InvalidArgumentError, r"backend='torch' is not one of"),
    ("unknown on_failure", lambda: simulate(LOG1, [1.0], [0.0], on_failure="ignore", **GOOD),
     InvalidArgumentError, r"on_failure='ignore' is not one of"),
    ("unknown kernel backend", lambda: lagrangian_kernels(LOG1, backend="torch"),
     InvalidArgumentError, r"backend='torch' is not one of"),
    ("missing parameter", lambda: simulate(harmonic(), [1.0], [0.0], **GOOD),
     InvalidArgumentError, r"parameters: no value for 'k'"),
    ("extra parameter", lambda: simulate(harmonic(), [1.0], [0.0], parameters={"k": 1.0, "zz": 2.0}, **GOOD),
     InvalidArgumentError, r"parameters: 'zz' is not a parameter"),
    ("parameter nan", lambda: simulate(harmonic(), [1.0], [0.0], parameters={"k": float("nan")}, **GOOD),
     InvalidArgumentError, r"parameters\['k'\]=nan must be finite"),
    ("numpy kernels, jax backend", lambda: simulate(lagrangian_kernels(LOG1), [1.0], [0.0], backend="jax", **GOOD),
     InvalidArgumentError, r"kernels are for backend='numpy', not 'jax'"),
    ("domain exit", lambda: simulate(LOG1, [0.3], [0.0], step=0.01, n_steps=500),
     DomainExitError, r"variational trajectory left the domain \(q <= 0 or overflow\) at step \d+"),
    ("domain exit rk4", lambda: simulate(LOG1, [0.3], [0.0], step=0.01, n_steps=500, method="rk4"),
     DomainExitError, r"rk4 trajectory left the domain"),
]


@pytest.mark.parametrize("call, error, message", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_jax_kernels_with_numpy_backend():
    pytest.importorskip("jax")
    kern = lagrangian_kernels(LOG1, backend="jax")
    with pytest.raises(InvalidArgumentError, match=r"kernels are for backend='jax', not 'numpy'"):
        simulate(kern, [1.0], [0.0], **GOOD)


# ------------------------------------------------------------------ 10. determinism
def test_same_inputs_same_result_bit_for_bit():
    d = _coupled()
    runs = [simulate(d, Q0, V0, method=m, **COUPLED_ARGS) for m in INTEGRATION_METHODS for _ in range(2)]
    for a, b in zip(runs[::2], runs[1::2]):
        for name in ("times", "positions", "velocities", "energy", "exit_step"):
            np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    # and the inputs were not touched
    np.testing.assert_array_equal(Q0, [0.8, 1.1, 1.3])


def test_damping_without_dissipation_is_rejected_not_ignored():
    d = derive_euler_lagrange(1, site_potential="q**2/2", entropy="none")
    with pytest.raises(InvalidArgumentError, match=r"damping=0.5 but the derivation has no dissipation"):
        simulate(d, [1.0], [0.0], step=0.1, n_steps=3, damping=0.5)
    # zero damping is the conservative system: accepted
    assert simulate(d, [1.0], [0.0], step=0.1, n_steps=3, damping=0.0).completed


def test_jax_parameter_sweep_reuses_one_compiled_program():
    pytest.importorskip("jax")
    from iegn.numeric import _mechanics

    d = derive_euler_lagrange(1, site_potential="k*q**2/2", parameters=["k"], entropy="none")
    _mechanics._jax_runner.cache_clear()
    finals = [simulate(d, [1.0], [0.0], step=0.01, n_steps=100, parameters={"k": k}, backend="jax").positions[-1, 0]
              for k in (1.0, 4.0, 9.0)]
    assert _mechanics._jax_runner.cache_info().currsize == 1
    # oracle: q(t) = cos(sqrt(k) t) at t = 1; Verlet's phase error ~ h^2 k^1.5 t / 24 <= 1e-4
    assert_close(finals, [np.cos(np.sqrt(k)) for k in (1.0, 4.0, 9.0)], rtol=0, atol=2e-4,
                 why="Verlet phase error O(h^2) at h = 0.01")


# ------------------------------------------------------------------ the simplex constraint
def _boltzmann_system(n):
    return derive_euler_lagrange(n, " + ".join(f"E{i}*q{i}" for i in range(n)), parameters=[f"E{i}" for i in range(n)],
                                 entropy="free-energy", dissipation=True)


@pytest.mark.parametrize("backend", ["numpy", "jax"])
@pytest.mark.parametrize("method", INTEGRATION_METHODS)
def test_damped_free_energy_dynamics_on_the_simplex_reach_boltzmann(method, backend):
    if backend == "jax":
        pytest.importorskip("jax")
    from scipy.special import softmax

    E, lam = np.array([0.0, 1.0, 0.3, 2.0]), 0.7
    tr = simulate(_boltzmann_system(4), np.full(4, 0.25), [0.1, -0.1, 0.05, -0.05], step=0.02, n_steps=5000,
                  damping=5.0, temperature=lam, parameters={f"E{i}": E[i] for i in range(4)}, constraint="simplex",
                  method=method, backend=backend)
    # the constraint is exact up to rounding of one projection per step
    assert np.abs(tr.positions.sum(axis=-1) - 1.0).max() <= 1e-13
    assert np.abs(tr.velocities.sum(axis=-1)).max() <= 1e-13
    # oracle: SciPy's softmax of -E/lam; overdamped decay over t = 100 leaves < 1e-10
    assert_close(tr.positions[-1], softmax(-E / lam), rtol=0, atol=1e-10, why="exponential decay, t = 100")


def test_rattle_conserves_energy_without_damping():
    d = derive_euler_lagrange(3, "q0*q1 + q2**2", entropy="free-energy")
    tr = simulate(d, [0.2, 0.3, 0.5], [0.05, -0.02, -0.03], step=0.01, n_steps=20_000, temperature=0.5,
                  constraint="simplex")
    err = np.abs(tr.energy - tr.energy[0])
    # symplectic on the constraint manifold: bounded O(h^2) error, no drift (Hairer et al. 2006, VII.1.4)
    assert err.max() < 1e-4 and err[-2000:].max() <= 1.5 * err[:2000].max()


def test_the_blueprint_sign_runs_away_from_its_simplex_equilibrium():
    E, lam = np.array([0.0, 1.0, 0.3, 2.0]), 0.7
    d = derive_euler_lagrange(4, " + ".join(f"E{i}*q{i}" for i in range(4)), parameters=[f"E{i}" for i in range(4)],
                              dissipation=True)
    tr = simulate(d, np.full(4, 0.25), np.zeros(4), step=0.02, n_steps=5000, damping=5.0, temperature=lam,
                  parameters={f"E{i}": E[i] for i in range(4)}, constraint="simplex", on_failure="return")
    # its only interior equilibrium, softmax(+E/lam), is a maximum: the state reaches the boundary
    assert tr.exit_step > 0


@pytest.mark.parametrize(("q0", "v0", "match"), [
    ([0.5, 0.6], [0.0, 0.0], r"sum\(q0\) = 1"),
    ([0.5, 0.5], [0.1, 0.0], r"sum\(v0\) = 0"),
])
def test_simplex_start_is_validated(q0, v0, match):
    with pytest.raises(InvalidArgumentError, match=match):
        simulate(derive_euler_lagrange(2, entropy="free-energy"), q0, v0, step=0.1, n_steps=2, constraint="simplex")
    with pytest.raises(InvalidArgumentError, match="constraint='sphere'"):
        simulate(derive_euler_lagrange(2), [0.5, 0.5], [0.0, 0.0], step=0.1, n_steps=2, constraint="sphere")
