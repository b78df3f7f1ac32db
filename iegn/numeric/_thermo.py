r"""Entropy, free energy and the Boltzmann distribution on the probability simplex.

.. math:: S(p) = -\sum_i p_i \log p_i, \qquad
          F(p) = \sum_i p_i E_i - \lambda S(p), \qquad
          p^*_i = \frac{e^{-E_i/\lambda}}{Z}, \quad Z = \sum_j e^{-E_j/\lambda},
          \qquad \min_p F = F(p^*) = -\lambda \log Z .

The elementwise parts are the generated kernels of :func:`iegn.symbolic.derive_gibbs`:
``entropy_term`` and ``kl_term`` take the convention :math:`0\log 0 = 0` by construction (no
logarithm of zero is ever evaluated), and the Boltzmann weights are shifted by
:math:`\min_i E_i` (the derivation shows :math:`p^*` is invariant under that shift), so no
exponential overflows, whatever the temperature.

Every function takes NumPy arrays (and returns Python floats for one distribution) or JAX
arrays (and returns JAX arrays, float64); the last axis is the state axis, leading axes are
batch axes. Functions of two arrays broadcast their batch axes as NumPy does (one energy vector
against a batch of distributions, say); their state axes must be equal.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from .._errors import InvalidArgumentError
from .._validation import check_real
from ..kernels import kernel
from ..kernels._jax import check_jax_float64, is_jax_array

__all__ = [
    "SIMPLEX_ATOL",
    "boltzmann",
    "check_simplex",
    "free_energy",
    "kl_divergence",
    "log_partition",
    "shannon_entropy",
]

#: Largest accepted :math:`|\sum_i p_i - 1|` for a probability vector: a vector normalised in
#: float64 (``x / x.sum()``) is within a few ulps per entry of 1; 1e-9 also admits vectors
#: read from text with 10 significant digits.
SIMPLEX_ATOL = 1e-9


def _is_tracer(x: Any) -> bool:
    return "Tracer" in type(x).__name__


def _prepare(*arrays: Any, names: tuple[str, ...]) -> tuple[Any, str, tuple[Any, ...]]:
    """Namespace, backend and float64 arrays; checks shapes and finiteness of concrete values."""
    backend = "jax" if any(is_jax_array(a) for a in arrays) else "numpy"
    if backend == "jax":
        from ..kernels import import_jax

        _, xp = import_jax()
    else:
        xp = np
    out = []
    for a, name in zip(arrays, names):
        check_jax_float64(a, name)
        try:
            arr = xp.asarray(a, dtype=xp.float64)
        except (TypeError, ValueError):
            raise InvalidArgumentError(f"{name}={a!r} must be an array of real numbers") from None
        if arr.ndim == 0 or arr.shape[-1] == 0:
            raise InvalidArgumentError(f"{name} must have at least one state (last axis), got shape {arr.shape}")
        if not _is_tracer(arr):
            host = np.asarray(arr)
            if not np.all(np.isfinite(host)):
                idx = tuple(int(i) for i in np.argwhere(~np.isfinite(host))[0])
                raise InvalidArgumentError(f"{name}{list(idx)}={float(host[idx])!r} must be finite")
        out.append(arr)
    if len({a.shape for a in out}) > 1:
        # leading (batch) axes broadcast as in NumPy; the state axis must agree exactly
        desc = ", ".join(f"{n} {a.shape}" for n, a in zip(names, out))
        try:
            if len({a.shape[-1] for a in out}) > 1:
                raise ValueError
            shape = np.broadcast_shapes(*(a.shape for a in out))
        except ValueError:
            raise InvalidArgumentError(
                f"shapes do not match: {desc} (the last axes, the states, must be equal and the "
                "leading batch axes must broadcast)") from None
        out = [xp.broadcast_to(a, shape) for a in out]
    return xp, backend, tuple(out)


def check_simplex(p: Any, *, name: str = "p", atol: float = SIMPLEX_ATOL) -> None:
    """Raise unless every ``p[..., :]`` is a probability vector.

    Entries must be ``>= 0`` (no tolerance: a negative probability is an error, not rounding)
    and each sum within ``atol`` of 1. Skipped for traced JAX values (inside ``jit``).

    Raises
    ------
    InvalidArgumentError
        Not an array of real numbers, no states, or naming the first non-finite or negative
        entry or the first bad sum; or ``atol`` not a finite number ``>= 0``.

    Examples
    --------
    >>> check_simplex([0.5, 0.5])
    >>> check_simplex([0.5, 0.6])
    Traceback (most recent call last):
    ...
    iegn._errors.InvalidArgumentError: p does not sum to 1: sum = 1.1 (tolerance 1e-09)
    """
    tol = check_real("atol", atol, lower=0.0)
    if _is_tracer(p):
        return
    try:
        host = np.asarray(p, dtype=np.float64)
    except (TypeError, ValueError):
        raise InvalidArgumentError(f"{name}={p!r} must be an array of real numbers") from None
    if host.ndim == 0 or host.shape[-1] == 0:
        raise InvalidArgumentError(f"{name} must have at least one state (last axis), got shape {host.shape}")
    if not np.all(np.isfinite(host)):
        idx = tuple(int(i) for i in np.argwhere(~np.isfinite(host))[0])
        raise InvalidArgumentError(f"{name}{list(idx)}={float(host[idx])!r} must be finite")
    if not np.all(host >= 0):
        idx = tuple(int(i) for i in np.argwhere(~(host >= 0))[0])
        raise InvalidArgumentError(f"{name}{list(idx)}={float(host[idx])!r} is negative: not a probability")
    total = host.sum(axis=-1)
    ok = np.abs(total - 1.0) <= tol
    if not np.all(ok):
        bad = tuple(int(i) for i in np.argwhere(~np.atleast_1d(ok))[0]) if total.ndim else ()
        where = f"[{', '.join(map(str, bad))}]" if bad else ""
        raise InvalidArgumentError(f"{name}{where} does not sum to 1: sum = {float(total[bad])!r} "
                                   f"(tolerance {tol:g})")


def _finish(value: Any, backend: str) -> Any:
    if backend == "numpy" and np.ndim(value) == 0:
        return float(value)
    return value


def _log_base(base: Any) -> float | None:
    if base is None:
        return None
    b = check_real("base", base, lower=0.0, lower_open=True)
    if b == 1.0:
        raise InvalidArgumentError("base=1 is not a valid logarithm base")
    return math.log(b)


def shannon_entropy(p: Any, *, base: float | None = None) -> Any:
    r"""Shannon entropy :math:`S(p) = -\sum_i p_i\log p_i` of a probability vector.

    Parameters
    ----------
    p
        Probabilities on the last axis, shape ``(..., n)``: non-negative, summing to 1 within
        :data:`SIMPLEX_ATOL`.
    base
        Logarithm base: ``None`` (nats, default), ``2`` (bits), any positive number but 1.

    Returns
    -------
    float or array
        Shape ``(...)``; a Python float for one NumPy distribution. Zero entries contribute 0
        (:math:`0\log 0 = 0`).

    Raises
    ------
    InvalidArgumentError
        Not on the simplex, not finite, or a bad ``base``.

    Notes
    -----
    :math:`0 \le S(p) \le \log n`, with equality at a vertex and at the uniform distribution
    :cite:p:`cover2006elements` (Thm. 2.6.4).

    Examples
    --------
    >>> shannon_entropy([0.5, 0.5], base=2)
    1.0
    >>> shannon_entropy([1.0, 0.0, 0.0])
    0.0
    """
    xp, backend, (arr,) = _prepare(p, names=("p",))
    check_simplex(arr)
    lb = _log_base(base)
    h = xp.sum(kernel("entropy_term", backend)(arr), axis=-1)  # type: ignore[arg-type]
    if lb is not None:
        h = h / lb
    return _finish(h + 0.0, backend)


def kl_divergence(p: Any, q: Any, *, base: float | None = None) -> Any:
    r"""Kullback–Leibler divergence :math:`\mathrm{KL}(p\,\|\,q) = \sum_i p_i\log(p_i/q_i)`.

    Terms with :math:`p_i = 0` are 0; a term with :math:`p_i > 0 = q_i` makes the divergence
    ``+inf`` (``p`` is not absolutely continuous with respect to ``q``). Never NaN.

    Examples
    --------
    >>> kl_divergence([0.5, 0.5], [0.5, 0.5])
    0.0
    >>> round(kl_divergence([1.0, 0.0], [0.5, 0.5], base=2), 12)
    1.0
    >>> kl_divergence([0.5, 0.5], [1.0, 0.0])
    inf
    """
    xp, backend, (pa, qa) = _prepare(p, q, names=("p", "q"))
    check_simplex(pa, name="p")
    check_simplex(qa, name="q")
    lb = _log_base(base)
    d = xp.sum(kernel("kl_term", backend)(pa, qa), axis=-1)  # type: ignore[arg-type]
    d = xp.maximum(d, 0.0)  # Gibbs' inequality in nats; rounding can leave -1e-17 at p = q
    if lb is not None:
        d = d / lb  # a base below 1 makes every divergence <= 0, as log_b does
    return _finish(d, backend)


def _temperature(temperature: Any) -> float:
    if _is_tracer(temperature):
        return temperature  # type: ignore[no-any-return]
    if (is_jax_array(temperature) or isinstance(temperature, np.ndarray)) and np.ndim(temperature) == 0:
        host = np.asarray(temperature)
        if np.issubdtype(host.dtype, np.floating) or np.issubdtype(host.dtype, np.integer):
            temperature = float(host)
    return check_real("temperature", temperature, lower=0.0, lower_open=True)


def _shifted_weights(xp: Any, backend: str, energies: Any, lam: Any) -> tuple[Any, Any, Any]:
    e_min = xp.min(energies, axis=-1, keepdims=True)
    w = kernel("boltzmann_weight", backend)(energies, e_min, lam)  # type: ignore[arg-type]
    s = xp.sum(w, axis=-1, keepdims=True)  # >= 1: the minimum's weight is exactly 1
    return w, s, e_min


def log_partition(energies: Any, temperature: float) -> Any:
    r""":math:`\log Z = \log\sum_i e^{-E_i/\lambda}`, without overflow for any temperature.

    Examples
    --------
    >>> round(log_partition([0.0, 0.0], 1.0), 12)  # log 2
    0.69314718056
    >>> log_partition([0.0, 1000.0], 1e-3)  # only the ground state counts
    0.0
    """
    xp, backend, (e,) = _prepare(energies, names=("energies",))
    lam = _temperature(temperature)
    _, s, e_min = _shifted_weights(xp, backend, e, lam)
    out = kernel("log_partition_shifted", backend)(e_min, lam, s)[..., 0]  # type: ignore[arg-type]
    return _finish(out, backend)


def boltzmann(energies: Any, temperature: float) -> Any:
    r"""The Boltzmann (Gibbs) distribution :math:`p^*_i = e^{-E_i/\lambda}/Z`.

    It is the unique minimiser of :func:`free_energy` on the simplex
    (:func:`iegn.symbolic.derive_gibbs`). Computed with the energies shifted by their minimum,
    so it neither overflows nor underflows to an all-zero vector.

    Parameters
    ----------
    energies
        Shape ``(..., n)``, finite.
    temperature
        :math:`\lambda > 0`.

    Examples
    --------
    >>> boltzmann([0.0, 0.0], 1.0).tolist()
    [0.5, 0.5]
    >>> boltzmann([0.0, 1e4], 1e-3).tolist()
    [1.0, 0.0]
    """
    xp, backend, (e,) = _prepare(energies, names=("energies",))
    lam = _temperature(temperature)
    w, s, _ = _shifted_weights(xp, backend, e, lam)
    return w / s


def free_energy(p: Any, energies: Any, temperature: float) -> Any:
    r"""Free energy :math:`F(p) = \sum_i p_iE_i - \lambda S(p)` of Lemma 1 (blueprint §2.1).

    Examples
    --------
    >>> round(free_energy([0.5, 0.5], [0.0, 0.0], 1.0), 12)  # -log 2
    -0.69314718056
    >>> import numpy as np
    >>> E = np.array([0.0, 1.0, 3.0])
    >>> bool(np.isclose(free_energy(boltzmann(E, 0.5), E, 0.5), -0.5 * log_partition(E, 0.5)))
    True
    """
    xp, backend, (pa, e) = _prepare(p, energies, names=("p", "energies"))
    check_simplex(pa)
    lam = _temperature(temperature)
    u = xp.sum(pa * e, axis=-1)
    s = xp.sum(kernel("entropy_term", backend)(pa), axis=-1)  # type: ignore[arg-type]
    return _finish(u - lam * s, backend)
