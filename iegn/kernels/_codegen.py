"""Turn SymPy expressions into NumPy and JAX source code and callables.

This is the one mechanism every layer uses. A kernel is rendered to plain Python source
(common subexpressions hoisted by :func:`sympy.cse`, printed by SymPy's NumPy or JAX printer),
so the generated functions import neither SymPy nor iegn. Built-in kernels are rendered once
into committed modules (``_generated_numpy.py`` and ``_generated_jax.py``) by
``python -m iegn.kernels.build``; user expressions are compiled at run time through the same
renderer and cached.
"""

from __future__ import annotations

import functools
import keyword
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sympy
from sympy.printing.numpy import JaxPrinter, NumPyPrinter

from .._errors import InvalidArgumentError
from .._validation import check_option
from ._backends import BACKENDS, Backend

__all__ = ["KernelSpec", "kernel_source", "module_source", "compile_kernel"]

_HEADERS = {
    "numpy": "import functools  # noqa: F401\n\nimport numpy  # noqa: F401\n",
    "jax": (
        "import functools  # noqa: F401\n\n"
        "from iegn.kernels._jax import import_jax\n\n"
        "jax, _jnp = import_jax()\n"
        "import jax.numpy  # noqa: E402,F401  (x64 is on before this line)\n"
    ),
}


@dataclass(frozen=True)
class KernelSpec:
    """A named kernel: the SymPy expressions it evaluates and the order of its arguments.

    Parameters
    ----------
    name
        A Python identifier; the generated function's name.
    args
        The symbols, in call order.
    exprs
        One expression (the kernel returns one value) or several (it returns a tuple).
    doc
        The first line of the generated function's docstring.
    tuple_output
        Return a tuple even when there is a single expression.
    overflow_to_limit
        An intermediate that overflows to ±inf still gives the exact answer (as in
        ``exp(-(E - E_min)/lam)``, where an infinite exponent means a weight of exactly 0), so
        the NumPy kernel evaluates under ``numpy.errstate(over="ignore")`` instead of warning
        or raising. JAX never signals floating-point errors.
    """

    name: str
    args: tuple[sympy.Symbol, ...]
    exprs: tuple[sympy.Expr, ...]
    doc: str = ""
    tuple_output: bool = False
    overflow_to_limit: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.name, str):
            raise InvalidArgumentError(f"kernel name={self.name!r} must be a string")
        names = [self.name, *(str(a) for a in self.args)]
        bad = [n for n in names if not n.isidentifier() or keyword.iskeyword(n)]
        if bad:
            raise InvalidArgumentError(f"kernel name or argument {bad[0]!r} is not a Python identifier")
        not_symbol = [a for a in self.args if not isinstance(a, sympy.Symbol)]
        if not_symbol:
            raise InvalidArgumentError(f"kernel {self.name!r}: argument {not_symbol[0]!r} is not a SymPy Symbol")
        if len(set(self.args)) != len(self.args):
            raise InvalidArgumentError(f"kernel {self.name!r}: args {list(self.args)} repeat a symbol")
        if not self.exprs:
            raise InvalidArgumentError(f"kernel {self.name!r} has no expressions")
        not_expr = [e for e in self.exprs if not isinstance(e, sympy.Basic)]
        if not_expr:
            raise InvalidArgumentError(f"kernel {self.name!r}: {not_expr[0]!r} is not a SymPy expression")
        free = set().union(*(sympy.sympify(e).free_symbols for e in self.exprs))
        missing = sorted(str(s) for s in free - set(self.args))
        if missing:
            raise InvalidArgumentError(
                f"kernel {self.name!r}: symbols {missing} appear in the expressions but not in args"
            )


def _printer(backend: str) -> NumPyPrinter:
    settings = {"fully_qualified_modules": True, "allow_unknown_functions": False}
    return JaxPrinter(settings) if backend == "jax" else NumPyPrinter(settings)


def kernel_source(spec: KernelSpec, backend: Backend = "numpy") -> str:
    """Render ``spec`` as the source of one Python function for ``backend``.

    Common subexpressions become local variables ``_x0, _x1, ...``; constants stay exact
    until NumPy/JAX evaluate them in float64.
    """
    check_option("backend", backend, BACKENDS)
    if not isinstance(spec, KernelSpec):
        raise InvalidArgumentError(f"spec={spec!r} must be a KernelSpec")
    printer = _printer(backend)
    symbols = sympy.numbered_symbols("_x")
    replacements, reduced = sympy.cse(list(spec.exprs), symbols=symbols, optimizations="basic")
    lines = [f"def {spec.name}({', '.join(str(a) for a in spec.args)}):"]
    doc = spec.doc or f"Generated kernel {spec.name}."
    lines.append(f'    """{doc}"""')
    indent = "    "
    if spec.overflow_to_limit and backend == "numpy":
        lines.append('    with numpy.errstate(over="ignore"):  # overflow reaches the exact limit')
        indent = "        "
    for sym, sub in replacements:
        lines.append(f"{indent}{sym} = {printer.doprint(sub)}")
    body = [printer.doprint(e) for e in reduced]
    single = len(body) == 1 and not spec.tuple_output
    lines.append(f"{indent}return {body[0]}" if single else f"{indent}return ({', '.join(body)},)")
    return "\n".join(lines) + "\n"


def module_source(specs: Sequence[KernelSpec], backend: Backend = "numpy") -> str:
    """Render a whole module holding every kernel of ``specs`` for ``backend``."""
    check_option("backend", backend, BACKENDS)
    if isinstance(specs, (str, KernelSpec)) or not isinstance(specs, Sequence) \
            or not all(isinstance(s, KernelSpec) for s in specs):
        raise InvalidArgumentError(f"specs={specs!r} must be a sequence of KernelSpec")
    names = [s.name for s in specs]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise InvalidArgumentError(f"duplicate kernel names {sorted(dup)}")
    parts = [
        f'"""Generated by ``python -m iegn.kernels.build`` for the {backend} backend: do not edit."""\n',
        _HEADERS[backend],
        f"__all__ = {names!r}\n",
    ]
    parts += [kernel_source(s, backend) for s in specs]
    return "\n\n".join(parts)


def _exec_source(source: str, name: str) -> Callable[..., Any]:
    namespace: dict[str, Any] = {}
    exec(compile(source, f"<iegn kernel {name}>", "exec"), namespace)  # noqa: S102 - our own printer output
    return namespace[name]


@functools.lru_cache(maxsize=256)
def _compile_cached(spec: KernelSpec, backend: str) -> Callable[..., Any]:
    src = _HEADERS[backend] + "\n" + kernel_source(spec, backend)  # type: ignore[arg-type]
    fn = _exec_source(src, spec.name)
    if backend == "jax":
        from ._jax import import_jax

        jax, _ = import_jax()
        fn = jax.jit(fn)
    return fn


def compile_kernel(
    exprs: sympy.Expr | Sequence[sympy.Expr],
    args: Sequence[sympy.Symbol],
    *,
    backend: Backend = "numpy",
    name: str = "kernel",
) -> Callable[..., Any]:
    """Compile SymPy expression(s) into a NumPy or JAX function of ``args``.

    The result is cached on the expressions, arguments and backend, so compiling the same
    expression twice costs one dictionary lookup. JAX kernels are wrapped in :func:`jax.jit`
    and run in float64.

    Parameters
    ----------
    exprs
        One SymPy expression, or a sequence of them (the kernel then returns a tuple).
    args
        The argument symbols, in call order. Every free symbol of ``exprs`` must be listed.
    backend
        ``"numpy"`` (default) or ``"jax"``.
    name
        Name of the generated function (shown in tracebacks and ``repr``).

    Returns
    -------
    callable
        A plain function of arrays or floats; it broadcasts like NumPy.

    Raises
    ------
    InvalidArgumentError
        If ``backend`` is unknown or a free symbol is missing from ``args``.

    Examples
    --------
    >>> import sympy
    >>> x, y = sympy.symbols("x y")
    >>> f = compile_kernel(sympy.sin(x) ** 2 + sympy.cos(x) ** 2 + y, [x, y])
    >>> float(f(0.3, 1.0))
    2.0
    """
    check_option("backend", backend, BACKENDS)
    many = isinstance(exprs, (list, tuple))
    try:
        exprs_t = tuple(sympy.sympify(e, strict=True) for e in (exprs if many else [exprs]))
    except (sympy.SympifyError, TypeError) as exc:
        raise InvalidArgumentError(f"exprs={exprs!r} must be SymPy expression(s): {exc}") from None
    if isinstance(args, (str, sympy.Basic)) or not isinstance(args, Sequence):
        raise InvalidArgumentError(f"args={args!r} must be a sequence of SymPy symbols")
    spec = KernelSpec(name=name, args=tuple(args), exprs=exprs_t, tuple_output=many)
    return _compile_cached(spec, backend)
