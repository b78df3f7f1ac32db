"""Lazy, float64 access to JAX: the only place iegn imports it."""

from __future__ import annotations

import functools
from types import ModuleType

from .._errors import IegnError

__all__ = ["BackendUnavailableError", "import_jax"]


class BackendUnavailableError(IegnError, ImportError):
    """An optional array backend (JAX) was asked for and is not installed."""


@functools.cache
def import_jax() -> tuple[ModuleType, ModuleType]:
    """Import JAX with 64-bit floats enabled and return ``(jax, jax.numpy)``.

    iegn never computes in float32 silently: x64 is switched on before any array is made.
    """
    try:
        import jax
    except ImportError:  # pragma: no cover - exercised only without the extra
        raise BackendUnavailableError(
            "backend='jax' needs JAX: install the extra with  pip install 'iegn[jax]'"
        ) from None
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    return jax, jnp
