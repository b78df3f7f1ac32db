"""Test configuration: Hypothesis profiles, floating-point errors raised, slow marker."""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

# ci: fast, used by `make test`. The example database stays on, so examples that once failed
# are replayed and new ones are still explored from run to run.
settings.register_profile("ci", max_examples=40, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
# thorough: 100x the examples of ci (`make test-thorough`).
settings.register_profile("thorough", max_examples=4000, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-slow", action="store_true", default=False, help="also run tests marked slow")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --run-slow (make test-thorough)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _raise_floating_point_errors():
    """Overflow, invalid operations (NaN) and division by zero raise in every test.

    Underflow is left alone: (1 - alpha mu)^k legitimately underflows to 0.
    """
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        yield
