"""Kernels: SymPy expressions turned into NumPy and JAX functions (one mechanism).

The code generator (:func:`compile_kernel`, :class:`KernelSpec`, ...) needs SymPy and is
imported on first use; the built-in generated kernels (:func:`kernel`) do not.
"""

from .._lazy import lazy_getattr as _lazy_getattr
from ._jax import BackendUnavailableError as BackendUnavailableError
from ._jax import import_jax as import_jax
from ._registry import kernel as kernel
from ._registry import kernel_names as kernel_names

_LAZY = {name: "._codegen" for name in ("KernelSpec", "compile_kernel", "kernel_source", "module_source")}
__getattr__ = _lazy_getattr(__name__, globals(), _LAZY)

__all__ = [
    "BackendUnavailableError",
    "KernelSpec",
    "compile_kernel",
    "import_jax",
    "kernel",
    "kernel_names",
    "kernel_source",
    "module_source",
]
