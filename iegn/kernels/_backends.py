"""Names of the array backends (kept free of heavy imports)."""

from __future__ import annotations

from typing import Literal

__all__ = ["Backend", "BACKENDS"]

Backend = Literal["numpy", "jax"]
BACKENDS: tuple[str, ...] = ("numpy", "jax")
