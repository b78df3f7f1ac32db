"""Access to the built-in generated kernels, by name and backend."""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from typing import Any

from .._errors import InvalidArgumentError
from .._validation import check_option
from ._backends import BACKENDS, Backend

__all__ = ["kernel", "kernel_names"]


@functools.cache
def _module(backend: str) -> Any:
    return importlib.import_module(f"iegn.kernels._generated_{backend}")


def kernel_names() -> tuple[str, ...]:
    """Names of the built-in kernels (the same for every backend)."""
    return tuple(_module("numpy").__all__)


@functools.cache
def kernel(name: str, backend: Backend = "numpy") -> Callable[..., Any]:
    """Return the built-in generated kernel ``name`` for ``backend``.

    The NumPy kernels are plain functions (no SymPy import at call time); JAX kernels are
    wrapped in :func:`jax.jit` and computed in float64.

    Parameters
    ----------
    name
        One of :func:`kernel_names`, e.g. ``"critical_step"``.
    backend
        ``"numpy"`` (default) or ``"jax"``.

    Raises
    ------
    InvalidArgumentError
        Unknown name or backend.

    Examples
    --------
    >>> kernel("optimal_step")(1.0, 3.0)
    0.5
    """
    check_option("backend", backend, BACKENDS)
    if name not in kernel_names():
        raise InvalidArgumentError(f"kernel name={name!r} is not one of {', '.join(kernel_names())}")
    fn = getattr(_module(backend), name)
    if backend == "jax":
        from ._jax import import_jax

        jax, _ = import_jax()
        fn = jax.jit(fn)
    return fn
