r"""Numerical mechanics of the computational Lagrangian: kernels and integrators.

The kernels are generated (through :func:`iegn.kernels.compile_kernel`) from an
:class:`iegn.symbolic.EulerLagrangeDerivation`; the integrators then call only plain NumPy or
JAX functions. Three methods:

``"variational"``
    the variational integrator of the discrete Lagrangian
    :math:`L_d = h\,[\tfrac12 m ((q_{k+1}-q_k)/h)^2 - \tfrac12 U(q_k) - \tfrac12 U(q_{k+1})]`
    in position–momentum form (Störmer–Verlet; symplectic, order 2; with dissipation, its
    Lagrange–d'Alembert form);
``"euler"``
    explicit Euler on :math:`(\dot q, \dot v) = (v, a(q, v))` (order 1, not symplectic);
``"rk4"``
    the classical fourth-order Runge–Kutta method (order 4, not symplectic).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from .._errors import InvalidArgumentError, NotConvergedError
from .._validation import check_int, check_option, check_real

if TYPE_CHECKING:  # pragma: no cover
    from ..symbolic._lagrangian import EulerLagrangeDerivation

__all__ = [
    "CONSTRAINTS",
    "INTEGRATION_METHODS",
    "DomainExitError",
    "LagrangianKernels",
    "Trajectory",
    "lagrangian_kernels",
    "simulate",
]

Method = Literal["variational", "euler", "rk4"]
#: Integration methods of :func:`simulate`.
INTEGRATION_METHODS: tuple[str, ...] = ("variational", "euler", "rk4")
Constraint = Literal["none", "simplex"]
#: Holonomic constraints :func:`simulate` can impose: none, or :math:`\sum_i q_i = 1`.
CONSTRAINTS: tuple[str, ...] = ("none", "simplex")


class DomainExitError(NotConvergedError):
    """A trajectory left the domain of the Lagrangian (``q_i <= 0`` with an entropy term) or
    overflowed; ``result`` holds the trajectory, frozen at the last valid step."""


@dataclass(frozen=True)
class LagrangianKernels:
    """Generated callables of one derivation, for one backend (plain functions, no SymPy).

    Attributes
    ----------
    n
        Number of coordinates.
    parameters
        Names of the extra constants, in the order the kernels take them.
    uses_log
        Whether the kernels contain :math:`\\log q` (then ``q > 0`` is required).
    site_acceleration
        ``(q, v, m, gamma, lam, F, *params) -> a``, elementwise.
    site_energy
        ``(q, v, m, lam, *params) -> h``, elementwise; the Hamiltonian is its sum plus
        :math:`V_c`.
    position_update
        ``(q_k, p_k, h, m, gamma, lam, F_k, *params) -> q_{k+1}`` of the variational integrator.
    momentum_update
        ``(q_k, q_{k+1}, h, m, gamma, lam, F_{k+1}, *params) -> p_{k+1}``.
    coupling_force
        ``(q, *params) -> -grad V_c`` with ``q`` of shape ``(..., n)``, or ``None``.
    coupling_energy
        ``(q, *params) -> V_c`` or ``None``.
    backend
        ``"numpy"`` or ``"jax"``.
    dissipation
        Whether the derivation has Rayleigh dissipation (``damping`` acts only then).
    """

    n: int
    parameters: tuple[str, ...]
    uses_log: bool
    site_acceleration: Callable[..., Any]
    site_energy: Callable[..., Any]
    position_update: Callable[..., Any]
    momentum_update: Callable[..., Any]
    coupling_force: Callable[..., Any] | None
    coupling_energy: Callable[..., Any] | None
    backend: str
    dissipation: bool = False

    def hamiltonian(self, q: Any, v: Any, *, masses: Any = 1.0, temperature: float = 1.0,
                    parameters: Mapping[str, float] | None = None) -> Any:
        """:math:`H(q, v)` summed over the last axis (``q``, ``v`` of shape ``(..., n)``)."""
        xp = _xp(self.backend)
        params = _param_values(self, parameters)
        e = xp.sum(self.site_energy(q, v, masses, temperature, *params), axis=-1)
        if self.coupling_energy is not None:
            e = e + self.coupling_energy(q, *params)
        return e

    def acceleration(self, q: Any, v: Any, *, masses: Any = 1.0, damping: Any = 0.0, temperature: float = 1.0,
                     parameters: Mapping[str, float] | None = None) -> Any:
        """:math:`\\ddot q(q, v)`, shape ``(..., n)``."""
        params = _param_values(self, parameters)
        F = self._force(q, params)
        return self.site_acceleration(q, v, masses, damping, temperature, F, *params)

    def _force(self, q: Any, params: tuple[float, ...]) -> Any:
        xp = _xp(self.backend)
        if self.coupling_force is None:
            return xp.zeros_like(q)
        return self.coupling_force(q, *params)


def _xp(backend: str) -> Any:
    if backend == "jax":
        from ..kernels import import_jax

        return import_jax()[1]
    return np


def _param_values(k: LagrangianKernels, parameters: Mapping[str, float] | None) -> tuple[float, ...]:
    parameters = dict(parameters or {})
    missing = [p for p in k.parameters if p not in parameters]
    extra = sorted(set(parameters) - set(k.parameters))
    if missing:
        raise InvalidArgumentError(f"parameters: no value for {missing[0]!r} (needs {', '.join(k.parameters)})")
    if extra:
        raise InvalidArgumentError(f"parameters: {extra[0]!r} is not a parameter of the potential")
    return tuple(check_real(f"parameters[{p!r}]", parameters[p]) for p in k.parameters)


def lagrangian_kernels(derivation: EulerLagrangeDerivation, *, backend: Literal["numpy", "jax"] = "numpy") -> LagrangianKernels:
    """Generate the NumPy or JAX kernels of a derivation (cached on the derivation).

    Parameters
    ----------
    derivation
        From :func:`iegn.symbolic.derive_euler_lagrange`.
    backend
        ``"numpy"`` or ``"jax"`` (float64, ``jit``).

    Examples
    --------
    >>> from iegn.symbolic import derive_euler_lagrange
    >>> k = lagrangian_kernels(derive_euler_lagrange(1, site_potential="q**2/2", entropy="none"))
    >>> float(k.acceleration(np.array([2.0]), np.array([0.0]))[0])  # a = -q/m
    -2.0
    """
    from ..kernels._backends import BACKENDS
    from ..symbolic._lagrangian import EulerLagrangeDerivation

    check_option("backend", backend, BACKENDS)
    if not isinstance(derivation, EulerLagrangeDerivation):
        raise InvalidArgumentError(f"derivation={derivation!r} must be an EulerLagrangeDerivation "
                                   "(from iegn.symbolic.derive_euler_lagrange)")
    return _kernels_cached(derivation, backend)


@functools.lru_cache(maxsize=32)
def _kernels_cached(derivation: Any, backend: str) -> LagrangianKernels:
    import sympy

    from ..kernels._codegen import compile_kernel
    from ..symbolic import _lagrangian as lg

    d = derivation
    site = d.site
    params = list(d.parameters)
    acc = compile_kernel(site["acceleration"], [lg.Q, lg.V, lg.M, lg.GAMMA, lg.LAM, lg.F, *params],
                         backend=backend, name="site_acceleration")  # type: ignore[arg-type]
    energy = compile_kernel(site["hamiltonian"], [lg.Q, lg.V, lg.M, lg.LAM, *params],
                            backend=backend, name="site_energy")  # type: ignore[arg-type]
    pos = compile_kernel(site["position_update"], [lg.Q0, lg.P0, lg.H, lg.M, lg.GAMMA, lg.LAM, lg.F0, *params],
                         backend=backend, name="position_update")  # type: ignore[arg-type]
    mom = compile_kernel(site["momentum_update"], [lg.Q0, lg.Q1, lg.H, lg.M, lg.GAMMA, lg.LAM, lg.F1, *params],
                         backend=backend, name="momentum_update")  # type: ignore[arg-type]
    force_fn = energy_fn = None
    if d.coupling_forces or d.coupling_potential != 0:
        q = list(d.symbols["q"])
        idx = sorted(d.coupling_forces)
        raw_force = compile_kernel([d.coupling_forces[i] for i in idx] or [sympy.Integer(0)], [*q, *params],
                                   backend=backend, name="coupling_force")  # type: ignore[arg-type]
        raw_energy = compile_kernel(d.coupling_potential, [*q, *params], backend=backend,
                                    name="coupling_energy")  # type: ignore[arg-type]
        force_fn, energy_fn = _wrap_coupling(raw_force, raw_energy, idx, backend)
    uses_log = any(site[key].has(sympy.log) for key in ("acceleration", "momentum_update", "hamiltonian"))
    return LagrangianKernels(d.n, tuple(p.name for p in params), bool(uses_log), acc, energy, pos, mom,
                             force_fn, energy_fn, backend, bool(d.dissipation))


def _wrap_coupling(raw_force: Callable[..., Any], raw_energy: Callable[..., Any], idx: list[int],
                   backend: str) -> tuple[Callable[..., Any], Callable[..., Any]]:
    xp = _xp(backend)

    def force(q: Any, *params: float) -> Any:
        cols = [q[..., j] for j in range(q.shape[-1])]
        parts = raw_force(*cols, *params)
        out = xp.zeros_like(q)
        if not idx:
            return out
        vals = xp.stack(xp.broadcast_arrays(*[p + xp.zeros(q.shape[:-1]) for p in parts]), axis=-1)
        if backend == "jax":
            return out.at[..., np.asarray(idx)].set(vals)
        out[..., idx] = vals
        return out

    def energy(q: Any, *params: float) -> Any:
        cols = [q[..., j] for j in range(q.shape[-1])]
        return raw_energy(*cols, *params) + xp.zeros(q.shape[:-1])

    return force, energy


@dataclass(frozen=True)
class Trajectory:
    """Result of :func:`simulate`.

    Attributes
    ----------
    times
        ``(n_steps + 1,)`` times :math:`t_k = k h`.
    positions, velocities
        ``(n_steps + 1, *batch, n)``; after a domain exit a trajectory stays frozen at its
        last valid state.
    energy
        ``(n_steps + 1, *batch)``: the Hamiltonian :math:`H(q_k, v_k)`.
    exit_step
        ``batch``-shaped integer array: the first step whose state would have left the
        domain (``q <= 0`` with an entropy term) or overflowed (a non-finite position,
        velocity or energy), ``-1`` if none.
    method
        The integration method.
    """

    times: np.ndarray
    positions: np.ndarray
    velocities: np.ndarray
    energy: np.ndarray
    exit_step: np.ndarray
    method: str

    @property
    def completed(self) -> bool:
        """Whether every trajectory stayed in the domain for all steps."""
        return bool(np.all(self.exit_step < 0))


def simulate(
    system: EulerLagrangeDerivation | LagrangianKernels,
    q0: Any,
    v0: Any,
    *,
    step: float,
    n_steps: int,
    masses: Any = 1.0,
    damping: Any = 0.0,
    temperature: float = 1.0,
    parameters: Mapping[str, float] | None = None,
    method: Method = "variational",
    constraint: Constraint = "none",
    backend: Literal["numpy", "jax"] = "numpy",
    on_failure: Literal["raise", "return"] = "raise",
) -> Trajectory:
    r"""Integrate the Euler–Lagrange dynamics from :math:`(q_0, v_0)` with a fixed step.

    Parameters
    ----------
    system
        A derivation (its kernels are generated and cached) or :class:`LagrangianKernels`.
    q0, v0
        Initial positions and velocities, shape ``(n,)`` or ``(batch, n)``.
    step
        Time step :math:`h > 0`.
    n_steps
        Number of steps (>= 1).
    masses, damping
        :math:`m_i > 0` and :math:`\gamma_i \ge 0`: scalars or shape ``(n,)``. ``damping`` acts
        only when the derivation has ``dissipation=True``.
    temperature
        :math:`\lambda > 0` (ignored when the derivation has ``entropy="none"``).
    parameters
        Values of the potential's extra symbols.
    method
        ``"variational"`` (default), ``"euler"`` or ``"rk4"``; see the module notes.
    constraint
        ``"none"`` (default) or ``"simplex"``: keep :math:`\sum_i q_i = 1` (a point of the
        probability simplex, with the entropy's :math:`q_i > 0`) by a Lagrange multiplier, the
        same constraint force on every coordinate (d'Alembert). The start must satisfy
        :math:`\sum_i q_i = 1` and :math:`\sum_i v_i = 0`. The variational method becomes
        RATTLE, still symplectic on the constraint manifold :cite:p:`hairer2006geometric`
        (Sect. VII.1.4).
    backend
        ``"numpy"``, or ``"jax"``: the step loop is a :func:`jax.lax.scan` under ``jit``,
        batched over initial conditions with :func:`jax.vmap`, in float64.
    on_failure
        ``"raise"`` (default): raise :class:`DomainExitError` (carrying the trajectory) when a
        trajectory leaves the domain; ``"return"``: return it, see ``exit_step``.

    Returns
    -------
    Trajectory

    Examples
    --------
    >>> from iegn.symbolic import derive_euler_lagrange
    >>> d = derive_euler_lagrange(1, site_potential="q**2/2", entropy="none")
    >>> tr = simulate(d, [1.0], [0.0], step=0.01, n_steps=628)
    >>> round(float(tr.positions[-1, 0]), 3), round(float(tr.energy.max() - tr.energy.min()), 6)
    (1.0, 1.2e-05)
    """
    check_option("method", method, INTEGRATION_METHODS)
    check_option("constraint", constraint, CONSTRAINTS)
    check_option("backend", backend, ("numpy", "jax"))
    check_option("on_failure", on_failure, ("raise", "return"))
    h = check_real("step", step, lower=0.0, lower_open=True)
    n_steps = check_int("n_steps", n_steps, minimum=1)
    lam = check_real("temperature", temperature, lower=0.0, lower_open=True)
    kern = system if isinstance(system, LagrangianKernels) else lagrangian_kernels(system, backend=backend)
    if kern.backend != backend:
        raise InvalidArgumentError(f"kernels are for backend={kern.backend!r}, not {backend!r}")
    n = kern.n
    q = _state("q0", q0, n)
    v = _state("v0", v0, n)
    if q.shape != v.shape:
        raise InvalidArgumentError(f"q0 has shape {q.shape} but v0 has shape {v.shape}")
    if kern.uses_log and not np.all(q > 0):
        bad = tuple(int(i) for i in np.argwhere(~(q > 0))[0])
        raise InvalidArgumentError(f"q0[{', '.join(map(str, bad))}]={float(q[bad])!r} must be > 0 "
                                   "(log q in the Lagrangian)")
    m = _coefficients("masses", masses, n, positive=True)
    g = _coefficients("damping", damping, n, positive=False)
    if not kern.dissipation and np.any(g != 0):
        raise InvalidArgumentError(f"damping={damping!r} but the derivation has no dissipation "
                                   "(derive with dissipation=True)")
    params = _param_values(kern, parameters)
    simplex = constraint == "simplex"
    if simplex:
        _check_on_simplex(q, v)
    _check_initial_state(kern, q, v, m, g, lam, params)
    run = _run_jax if backend == "jax" else _run_numpy
    Q, Vs, energy, exit_step = run(kern, q, v, h, n_steps, m, g, lam, params, method, simplex)
    traj = Trajectory(h * np.arange(n_steps + 1), Q, Vs, energy, exit_step, method)
    if on_failure == "raise" and not traj.completed:
        first = int(exit_step[exit_step >= 0].min())
        raise DomainExitError(f"{method} trajectory left the domain (q <= 0 or overflow) at step {first} "
                              f"(t = {first * h:.6g}); pass on_failure='return' to inspect it", traj)
    return traj


def _check_on_simplex(q: np.ndarray, v: np.ndarray) -> None:
    n = q.shape[-1]
    # a start built as x / x.sum() is on the simplex to a few ulps per coordinate
    tol = 8 * n * float(np.finfo(np.float64).eps)
    total, flow = q.sum(axis=-1), v.sum(axis=-1)
    if not np.all(np.abs(total - 1.0) <= tol):
        raise InvalidArgumentError(f"constraint='simplex' needs sum(q0) = 1, got {float(np.ravel(total)[0])!r}")
    if not np.all(np.abs(flow) <= tol * (1.0 + np.max(np.abs(v), axis=-1))):
        raise InvalidArgumentError(f"constraint='simplex' needs sum(v0) = 0, got {float(np.ravel(flow)[0])!r}")


def _check_initial_state(kern: LagrangianKernels, q: np.ndarray, v: np.ndarray, m: np.ndarray, g: np.ndarray,
                         lam: float, params: tuple[float, ...]) -> None:
    """The energy and acceleration at the start must be finite (a potential's own domain, overflow)."""
    with np.errstate(all="ignore"):
        e0 = np.asarray(_energy_fn(kern, np, m, lam, params)(q, v), dtype=np.float64)
        a0 = np.asarray(kern.site_acceleration(q, v, m, g, lam, kern._force(q, params), *params), dtype=np.float64)
    for what, val in (("energy H(q0, v0)", e0), ("acceleration at (q0, v0)", a0)):
        if not np.all(np.isfinite(val)):
            bad = float(np.ravel(val)[np.flatnonzero(~np.isfinite(np.ravel(val)))[0]])
            raise InvalidArgumentError(f"the {what} is {bad!r}: the initial state is outside the domain of the "
                                       "potential or overflows float64")


def _state(name: str, value: Any, n: int) -> np.ndarray:
    try:
        arr = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise InvalidArgumentError(f"{name}={value!r} must be an array of real numbers") from None
    if arr.ndim not in (1, 2) or arr.shape[-1] != n:
        raise InvalidArgumentError(f"{name} must have shape ({n},) or (batch, {n}), got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise InvalidArgumentError(f"{name} has a non-finite entry")
    return arr


def _coefficients(name: str, value: Any, n: int, *, positive: bool) -> np.ndarray:
    try:
        arr = np.broadcast_to(np.asarray(value, dtype=np.float64), (n,)).copy()
    except (TypeError, ValueError):
        raise InvalidArgumentError(f"{name}={value!r} must be a scalar or shape ({n},)") from None
    ok = arr > 0 if positive else arr >= 0
    if not np.all(ok & np.isfinite(arr)):
        bad = int(np.flatnonzero(~(ok & np.isfinite(arr)))[0])
        raise InvalidArgumentError(f"{name}[{bad}]={float(arr[bad])!r} must be {'> 0' if positive else '>= 0'} and finite")
    return arr


def _energy_fn(kern: LagrangianKernels, xp: Any, m: Any, lam: float, params: tuple[float, ...]
               ) -> Callable[[Any, Any], Any]:
    def energy(q: Any, v: Any) -> Any:
        qs = xp.where(q > 0, q, 1.0) if kern.uses_log else q
        e = xp.sum(kern.site_energy(qs, v, m, lam, *params) + xp.zeros_like(q), axis=-1)
        if kern.coupling_energy is not None:
            e = e + kern.coupling_energy(qs, *params)
        return e

    return energy


def _step_fn(kern: LagrangianKernels, xp: Any, h: float, m: Any, g: Any, lam: float, params: tuple[float, ...],
             method: str, simplex: bool = False) -> Callable[[Any, Any], tuple[Any, Any, Any, Any]]:
    r"""One step ``(q, v) -> (q', v', H(q', v'), ok)``, NaN-safe: the kernels never see ``q <= 0``.

    ``ok`` is false when the new state leaves the domain or its energy is not finite. With
    ``simplex`` the holonomic constraint :math:`\sum_i q_i = 1` acts through a multiplier
    :math:`\nu` (the same generalised force :math:`-\nu` on every coordinate): projected
    accelerations for Euler/RK4, RATTLE for the variational method.
    """
    energy = _energy_fn(kern, xp, m, lam, params)

    def total(x: Any) -> Any:
        return xp.sum(x, axis=-1, keepdims=True)

    def valid(q: Any) -> Any:
        ok = xp.all(xp.isfinite(q), axis=-1)
        return ok & xp.all(q > 0, axis=-1) if kern.uses_log else ok

    def safe(q: Any) -> Any:
        return xp.where(q > 0, q, 1.0) if kern.uses_log else q

    def accel(q: Any, v: Any) -> Any:
        qs = safe(q)
        a = kern.site_acceleration(qs, v, m, g, lam, kern._force(qs, params), *params)
        if simplex:  # m_i a_i = f_i - nu with sum_i a_i = 0 (keeps sum v = 0, hence sum q = 1)
            a = a - total(a) / total(1.0 / m + xp.zeros_like(a)) / m
        return a

    if method == "variational":
        def advance(q: Any, v: Any) -> tuple[Any, Any, Any]:
            p = m * v
            F = kern._force(q, params)
            q1 = kern.position_update(q, p, h, m, g, lam, F, *params)
            if simplex:  # RATTLE, position half: q1(nu) = q1(0) - c nu, c = dq1/dF, with sum q1 = 1
                c = kern.position_update(q, p, h, m, g, lam, F + 1.0, *params) - q1
                q1 = q1 - c * (total(q1) - 1.0) / total(c)
            ok = valid(q1)
            q1s = safe(q1)
            F1 = kern._force(q1s, params)
            p1 = kern.momentum_update(q, q1s, h, m, g, lam, F1, *params)
            if simplex:  # RATTLE, momentum half: p1(mu) = p1(0) - d mu, with sum p1/m = 0
                d = kern.momentum_update(q, q1s, h, m, g, lam, F1 + 1.0, *params) - p1
                p1 = p1 - d * total(p1 / m) / total(d / m)
            v1 = p1 / m
            return q1, v1, ok & xp.all(xp.isfinite(v1), axis=-1)
    elif method == "euler":
        def advance(q: Any, v: Any) -> tuple[Any, Any, Any]:
            q1, v1 = q + h * v, v + h * accel(q, v)
            return q1, v1, valid(q1) & xp.all(xp.isfinite(v1), axis=-1)
    else:
        def advance(q: Any, v: Any) -> tuple[Any, Any, Any]:
            k1q, k1v = v, accel(q, v)
            q2 = q + h / 2 * k1q
            k2q, k2v = v + h / 2 * k1v, accel(q2, v + h / 2 * k1v)
            q3 = q + h / 2 * k2q
            k3q, k3v = v + h / 2 * k2v, accel(q3, v + h / 2 * k2v)
            q4 = q + h * k3q
            k4q, k4v = v + h * k3v, accel(q4, v + h * k3v)
            q1 = q + h / 6 * (k1q + 2 * k2q + 2 * k3q + k4q)
            v1 = v + h / 6 * (k1v + 2 * k2v + 2 * k3v + k4v)
            ok = valid(q2) & valid(q3) & valid(q4) & valid(q1) & xp.all(xp.isfinite(v1), axis=-1)
            return q1, v1, ok

    def step(q: Any, v: Any) -> tuple[Any, Any, Any, Any]:
        q1, v1, ok = advance(q, v)
        e1 = energy(q1, v1)
        return q1, v1, e1, ok & xp.isfinite(e1)

    return step


def _run_numpy(kern: LagrangianKernels, q: np.ndarray, v: np.ndarray, h: float, n_steps: int, m: np.ndarray,
               g: np.ndarray, lam: float, params: tuple[float, ...], method: str, simplex: bool
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    step = _step_fn(kern, np, h, m, g, lam, params, method, simplex)
    Q = np.empty((n_steps + 1, *q.shape))
    Vs = np.empty_like(Q)
    batch = q.shape[:-1]
    Es = np.empty((n_steps + 1, *batch))
    Q[0], Vs[0], Es[0] = q, v, _energy_fn(kern, np, m, lam, params)(q, v)  # finite: checked by simulate
    e = Es[0]
    exit_step = np.full(batch, -1, dtype=np.int64)
    alive = np.ones(batch, dtype=bool)
    # overflow and log of a non-positive q are detected, and those trajectories frozen, below
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for k in range(1, n_steps + 1):
            q1, v1, e1, ok = step(q, v)
            newly_dead = alive & ~ok
            exit_step[newly_dead] = k
            alive &= ok
            keep = alive[..., None]
            q, v, e = np.where(keep, q1, q), np.where(keep, v1, v), np.where(alive, e1, e)
            Q[k], Vs[k], Es[k] = q, v, e
    return Q, Vs, Es, exit_step


def _run_jax(kern: LagrangianKernels, q: np.ndarray, v: np.ndarray, h: float, n_steps: int, m: np.ndarray,
             g: np.ndarray, lam: float, params: tuple[float, ...], method: str, simplex: bool
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    from ..kernels import import_jax

    jax, jnp = import_jax()
    single = q.ndim == 1
    qb, vb = (q[None], v[None]) if single else (q, v)
    runner = _jax_runner(kern, n_steps, method, simplex)
    Q, Vs, Es, exit_step = runner(jnp.asarray(qb), jnp.asarray(vb), jnp.float64(h), jnp.asarray(m),
                                  jnp.asarray(g), jnp.float64(lam), jnp.asarray(params, dtype=jnp.float64))
    Q, Vs, Es, exit_step = (np.asarray(Q, dtype=np.float64), np.asarray(Vs, dtype=np.float64),
                            np.asarray(Es, dtype=np.float64), np.asarray(exit_step, dtype=np.int64))
    # vmap puts the batch first: (batch, n_steps + 1, ...) -> (n_steps + 1, batch, ...)
    Q, Vs, Es = np.moveaxis(Q, 0, 1), np.moveaxis(Vs, 0, 1), np.moveaxis(Es, 0, 1)
    if single:
        return Q[:, 0], Vs[:, 0], Es[:, 0], exit_step[0]
    return Q, Vs, Es, exit_step


@functools.lru_cache(maxsize=32)
def _jax_runner(kern: LagrangianKernels, n_steps: int, method: str, simplex: bool = False) -> Callable[..., Any]:
    """The compiled integrator: cached on the kernels, the step count and the method only; the
    step, masses, damping, temperature and parameters are traced arguments (a sweep over them
    does not recompile)."""
    from ..kernels import import_jax

    jax, jnp = import_jax()

    def one(q: Any, v: Any, h: Any, ma: Any, ga: Any, lam: Any, pa: Any) -> tuple[Any, Any, Any, Any]:
        params = tuple(pa[i] for i in range(len(kern.parameters)))
        step = _step_fn(kern, jnp, h, ma, ga, lam, params, method, simplex)
        energy = _energy_fn(kern, jnp, ma, lam, params)

        def body(carry: Any, k: Any) -> tuple[Any, Any]:
            q, v, e, alive, exit_step = carry
            q1, v1, e1, ok = step(q, v)
            exit_step = jnp.where(alive & ~ok, k, exit_step)
            alive = alive & ok
            q, v, e = jnp.where(alive, q1, q), jnp.where(alive, v1, v), jnp.where(alive, e1, e)
            return (q, v, e, alive, exit_step), (q, v, e)

        e0 = energy(q, v)
        init = (q, v, e0, jnp.bool_(True), jnp.int64(-1))
        (*_, exit_step), (Qs, Vs, Es) = jax.lax.scan(body, init, jnp.arange(1, n_steps + 1, dtype=jnp.int64))
        return (jnp.concatenate([q[None], Qs]), jnp.concatenate([v[None], Vs]), jnp.concatenate([e0[None], Es]),
                exit_step)

    return jax.jit(jax.vmap(one, in_axes=(0, 0, None, None, None, None, None)))
