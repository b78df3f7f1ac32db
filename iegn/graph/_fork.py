"""Run independent pieces of work in forked worker processes that write into shared memory.

The exact curvature spends its time in compiled code that holds the GIL (POT's network
simplex, SciPy's Dijkstra), so threads do not help; ``workers > 1`` forks that many - 1 child
processes per call instead. Each child inherits the inputs copy-on-write, writes its part of the
result into an anonymous shared mapping and exits; nothing is pickled. POSIX only (elsewhere the
work runs in the calling process).
"""

from __future__ import annotations

import mmap
import os
import warnings
from collections.abc import Callable, Sequence

import numpy as np

__all__ = ["run_forked"]


def run_forked(parts: Sequence[np.ndarray], work: Callable[[np.ndarray, np.ndarray], None], shape: tuple[int, ...],
               dtype: type = np.float64) -> np.ndarray:
    """``out`` of ``shape`` with ``work(part, out)`` run for every part, the first in this process.

    Raises ``RuntimeError`` with the child's message when a child's work raised.
    """
    nbytes = max(1, int(np.prod(shape)) * np.dtype(dtype).itemsize)
    if len(parts) < 2 or not hasattr(os, "fork"):
        out = np.empty(shape, dtype=dtype)
        for part in parts:
            work(part, out)
        return out
    buf = mmap.mmap(-1, nbytes)
    out = np.frombuffer(buf, dtype=dtype, count=int(np.prod(shape))).reshape(shape)
    children: list[tuple[int, int]] = []
    try:
        for part in parts[1:]:
            r, w = os.pipe()
            with warnings.catch_warnings():  # JAX warns at every fork; the child never touches JAX
                warnings.simplefilter("ignore")
                pid = os.fork()
            if pid == 0:  # pragma: no cover - runs in the child
                status = 0
                try:
                    os.close(r)
                    work(part, out)
                except BaseException as exc:  # noqa: BLE001 - reported to the parent
                    os.write(w, f"{type(exc).__name__}: {exc}".encode()[:4000])
                    status = 1
                finally:
                    os._exit(status)
            os.close(w)
            children.append((pid, r))
        work(parts[0], out)
    finally:
        errors = []
        for pid, r in children:
            _, status = os.waitpid(pid, 0)
            with os.fdopen(r, "rb") as f:
                message = f.read().decode(errors="replace")
            if status != 0:
                errors.append(message or f"worker process {pid} ended with status {status}")
    if errors:
        raise RuntimeError(errors[0])
    result = out.copy()
    del out
    buf.close()
    return result
