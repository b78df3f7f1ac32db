"""Timing helper shared by the benchmark modules (not a benchmark: no ``bench_`` prefix)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Timing", "measure"]


@dataclass(frozen=True)
class Timing:
    """Seconds per call: the median of ``repeat`` timed calls, with their extremes."""

    median: float
    minimum: float
    maximum: float
    repeat: int
    warmup: int

    def as_dict(self) -> dict[str, float | int]:
        return {
            "median_s": self.median,
            "min_s": self.minimum,
            "max_s": self.maximum,
            "repeat": self.repeat,
            "warmup": self.warmup,
        }


def measure(
    calls: Mapping[str, Callable[[], Any]],
    *,
    repeat: int,
    warmup: int = 1,
    scale: float = 1.0,
) -> dict[str, Timing]:
    """Time several callables, interleaved, with :func:`time.perf_counter`.

    Each of ``warmup`` rounds calls every callable once, untimed (caches, allocator, JIT
    compilation). Each of ``repeat`` rounds then times one call of each, in order, so slow
    drift (frequency scaling, a noisy neighbour) hits all of them alike. The reported time
    is the median over rounds, multiplied by ``scale`` (``1/K`` turns a K-step loop into a
    per-step cost).
    """
    if not repeat >= 1:
        raise ValueError(f"{repeat=} must be >= 1")
    for _ in range(warmup):
        for call in calls.values():
            call()
    times: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(repeat):
        for name, call in calls.items():
            t0 = time.perf_counter()
            call()
            times[name].append((time.perf_counter() - t0) * scale)
    return {
        name: Timing(statistics.median(ts), min(ts), max(ts), len(ts), warmup) for name, ts in times.items()
    }
