"""Kernels: SymPy expressions turned into NumPy and JAX functions (one mechanism)."""

from ._codegen import KernelSpec as KernelSpec
from ._codegen import compile_kernel as compile_kernel
from ._codegen import kernel_source as kernel_source
from ._codegen import module_source as module_source
from ._jax import BackendUnavailableError as BackendUnavailableError
from ._jax import import_jax as import_jax
from ._registry import kernel as kernel
from ._registry import kernel_names as kernel_names

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
