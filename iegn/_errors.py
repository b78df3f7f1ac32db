"""The exception hierarchy of iegn: one place, three kinds of failure."""

from __future__ import annotations

from typing import Any

__all__ = [
    "IegnError",
    "InvalidArgumentError",
    "InvalidGraphError",
    "DisconnectedGraphError",
    "NotConvergedError",
]


class IegnError(Exception):
    """Base class of every error raised on purpose by iegn."""


class InvalidArgumentError(IegnError, ValueError):
    """A parameter or array has a value outside its documented domain.

    The message names the offending value, e.g. ``step=-0.5 must be > 0``.
    """


class InvalidGraphError(IegnError, ValueError):
    """A graph (or graph file) cannot be used: empty, directed, bad weights, unreadable."""


class DisconnectedGraphError(InvalidGraphError):
    """The operation needs a connected graph and the graph has several components."""


class NotConvergedError(IegnError, RuntimeError):
    """An iterative method stopped before meeting its tolerance.

    Attributes
    ----------
    result
        The partial result (the last iterate and its history), so no work is lost.
    """

    def __init__(self, message: str, result: Any = None) -> None:
        super().__init__(message)
        self.result = result
