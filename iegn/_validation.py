"""Validation helpers: every public function checks its input here, first.

Checks are written as *valid condition, negated* so that NaN fails them.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import Any

import numpy as np

from ._errors import InvalidArgumentError

__all__ = ["check_option", "check_real", "check_int", "as_float_vector"]


def check_option(name: str, value: Any, options: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``options`` (a closed set), else raise."""
    opts = tuple(options)
    if not (isinstance(value, str) and value in opts):
        raise InvalidArgumentError(f"{name}={value!r} is not one of {', '.join(map(repr, opts))}")
    return value


def check_real(
    name: str,
    value: Any,
    *,
    lower: float | None = None,
    upper: float | None = None,
    lower_open: bool = False,
    upper_open: bool = False,
) -> float:
    """Return ``value`` as a finite Python float inside the given interval, else raise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidArgumentError(f"{name}={value!r} must be a real number")
    x = float(value)
    if not math.isfinite(x):
        raise InvalidArgumentError(f"{name}={value!r} must be finite")
    if lower is not None and not (x > lower if lower_open else x >= lower):
        raise InvalidArgumentError(f"{name}={value!r} must be {'>' if lower_open else '>='} {lower}")
    if upper is not None and not (x < upper if upper_open else x <= upper):
        raise InvalidArgumentError(f"{name}={value!r} must be {'<' if upper_open else '<='} {upper}")
    return x


def check_int(name: str, value: Any, *, minimum: int | None = None) -> int:
    """Return ``value`` as an int no smaller than ``minimum``, else raise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InvalidArgumentError(f"{name}={value!r} must be an integer")
    if minimum is not None and not value >= minimum:
        raise InvalidArgumentError(f"{name}={value!r} must be >= {minimum}")
    return int(value)


def as_float_vector(name: str, value: Any, *, size: int | None = None) -> np.ndarray:
    """Return a finite float64 vector copy of ``value``, else raise."""
    try:
        arr = np.array(value, dtype=np.float64, copy=True)
    except (TypeError, ValueError) as exc:
        raise InvalidArgumentError(f"{name} must be an array of real numbers: {exc}") from None
    if arr.ndim != 1:
        raise InvalidArgumentError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if size is not None and arr.shape[0] != size:
        raise InvalidArgumentError(f"{name} has {arr.shape[0]} entries, expected {size}")
    bad = np.flatnonzero(~np.isfinite(arr))
    if bad.size:
        raise InvalidArgumentError(f"{name}[{bad[0]}]={float(arr[bad[0]])!r} must be finite")
    return arr
