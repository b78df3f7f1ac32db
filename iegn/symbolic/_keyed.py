"""The keyed result type shared by the derivations of the symbolic layer."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import sympy

__all__ = ["KeyedDerivation"]


@dataclass(frozen=True)
class KeyedDerivation(Mapping[str, sympy.Basic]):
    """A read-only mapping from result name to SymPy object.

    ``symbols`` maps the names used in the expressions to their SymPy symbols and ``steps``
    records the derivation in words, one entry per SymPy operation.
    """

    results: Mapping[str, sympy.Basic]
    symbols: Mapping[str, Any]
    steps: tuple[str, ...] = field(default=())

    def __getitem__(self, key: str) -> sympy.Basic:
        return self.results[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)
