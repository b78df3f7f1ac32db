"""Lazy, float64 access to JAX: the only place iegn imports it."""

from __future__ import annotations

import functools
import os
import sys
from types import ModuleType
from typing import Any

from .._errors import IegnError, InvalidArgumentError

__all__ = ["BackendUnavailableError", "check_jax_float64", "import_jax", "is_jax_array", "prefer_x64"]


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


def prefer_x64() -> None:
    """Make JAX arrays float64 from now on, without importing JAX (run at ``import iegn``).

    If JAX is already imported its ``jax_enable_x64`` flag is switched on now; otherwise the
    environment variable ``JAX_ENABLE_X64`` is set (unless the caller set it), which JAX reads
    when it is imported. Either way an array a caller makes with ``jnp.asarray`` after
    importing iegn is float64, not JAX's float32 default rounded before iegn ever sees it.
    """
    jax = sys.modules.get("jax")
    if jax is not None and hasattr(jax, "config"):
        jax.config.update("jax_enable_x64", True)
    else:
        os.environ.setdefault("JAX_ENABLE_X64", "1")


def is_jax_array(value: Any) -> bool:
    """Whether ``value`` is a JAX array or tracer (told by its type's module; JAX is not imported)."""
    return type(value).__module__.split(".")[0] in {"jax", "jaxlib"}


def check_jax_float64(value: Any, name: str) -> None:
    """Refuse a JAX array of a floating dtype narrower than float64 (float32, bfloat16, ...).

    Such an array was rounded when it was made, typically before x64 was on: widening it would
    compute in float64 on float32 data, silently. The message names the fix.
    """
    if not is_jax_array(value):
        return
    dtype = getattr(value, "dtype", None)
    kind, size = getattr(dtype, "kind", ""), getattr(dtype, "itemsize", 8)
    if kind in ("f", "V") and size < 8:
        raise InvalidArgumentError(
            f"{name} is a JAX array of dtype {dtype}: iegn computes in float64 and will not widen "
            "data already rounded to fewer bits; make it after `import iegn` (which turns JAX's x64 "
            "on) or with dtype=jnp.float64")
