"""Regenerate the committed kernel modules from the symbolic layer.

Run ``python -m iegn.kernels.build`` after changing a derivation; the test suite fails when
the committed modules differ from what this writes.
"""

from __future__ import annotations

from pathlib import Path

from ._codegen import KernelSpec, module_source

__all__ = ["builtin_specs", "render", "main"]

HERE = Path(__file__).parent
TARGETS = {"numpy": HERE / "_generated_numpy.py", "jax": HERE / "_generated_jax.py"}


def builtin_specs() -> list[KernelSpec]:
    """Every built-in kernel, collected from the symbolic layer."""
    from ..symbolic._gibbs import gibbs_kernel_specs
    from ..symbolic._stability import stability_kernel_specs

    return [*stability_kernel_specs(), *gibbs_kernel_specs()]


def render() -> dict[str, str]:
    """The source of each generated module, by backend."""
    specs = builtin_specs()
    return {backend: module_source(specs, backend) for backend in TARGETS}  # type: ignore[arg-type]


def main() -> None:
    for backend, source in render().items():
        TARGETS[backend].write_text(source)
        print(f"wrote {TARGETS[backend]}")


if __name__ == "__main__":
    main()
