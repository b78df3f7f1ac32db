"""Small array helpers shared across the package."""

from __future__ import annotations

import numpy as np

__all__ = ["readonly"]


def readonly(*arrays: np.ndarray) -> tuple[np.ndarray, ...]:
    """The arrays, made read-only in place (they belong to a frozen result); returned as a tuple."""
    for a in arrays:
        a.flags.writeable = False
    return arrays
