"""Laws of the thermodynamic functions that the first mutation run found untested.

Batched input (last axis = states) must equal the row-by-row values, with each row shifted by
its own minimum; a 0-d array temperature is the same temperature; NumPy in gives NumPy out and
scalar functions give Python floats; ``check_simplex`` names the offending entry; messages
start with the bad value. Oracles: closed forms of the two-level system and the row-by-row
calls of the same public functions (a consistency law, not a golden value).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from iegn import InvalidArgumentError, boltzmann, free_energy, kl_divergence, log_partition, shannon_entropy
from iegn.numeric import check_simplex

from ._helpers import assert_close

P = np.array([[0.2, 0.8], [0.5, 0.5], [1.0, 0.0]])
Q = np.array([[0.5, 0.5], [0.1, 0.9], [0.3, 0.7]])
# the second row sits 1e4 above the first: shifting by the global minimum would make its
# weights exp(-1e4) = 0 (an all-zero row, 0/0); each row must be shifted by its own minimum
E = np.array([[0.0, 1.0], [1e4, 1e4 + 1.0], [3.0, 3.0]])


def _two_level(delta: float, lam: float) -> list[float]:
    """Boltzmann of energies (0, delta): p0 = 1/(1 + e^{-delta/lam})."""
    p0 = 1.0 / (1.0 + math.exp(-delta / lam))
    return [p0, 1.0 - p0]


def test_batched_rows_equal_row_by_row_values():
    assert_close(shannon_entropy(P), [shannon_entropy(r) for r in P], rtol=0, atol=0,
                 why="the same arithmetic per row, vectorised")
    assert_close(kl_divergence(P, Q), [kl_divergence(p, q) for p, q in zip(P, Q)], rtol=0, atol=0,
                 why="the same arithmetic per row")
    assert_close(free_energy(P, E, 1.5), [free_energy(p, e, 1.5) for p, e in zip(P, E)], rtol=1e-15,
                 atol=0, why="a sum over 2 terms, possibly reassociated: 1 ulp")
    assert_close(log_partition(E, 0.7), [log_partition(e, 0.7) for e in E], rtol=1e-15, atol=0,
                 why="a sum over 2 terms, possibly reassociated: 1 ulp")
    rows = np.array([boltzmann(e, 1.0) for e in E])
    assert_close(boltzmann(E, 1.0), rows, rtol=0, atol=1e-16, why="the same arithmetic per row")


def test_each_row_is_shifted_by_its_own_minimum():
    p = boltzmann(E, 1.0)
    # closed form of a two-level system with gap 1 at lambda = 1, for both shifted rows
    why = "the oracle forms 1 - p0 for the smaller probability: a few ulps relative"
    assert_close(p[0], _two_level(1.0, 1.0), rtol=4e-15, atol=0, why=why)
    assert_close(p[1], _two_level(1.0, 1.0), rtol=4e-15, atol=0, why=why)
    assert p[2].tolist() == [0.5, 0.5]
    # log Z of the second row: -1e4/lam + log(1 + e^{-1/lam}) (no underflow to -inf)
    assert_close(log_partition(E, 1.0)[1], -1e4 + math.log1p(math.exp(-1.0)), rtol=1e-15, atol=0,
                 why="1e4 plus an O(1) term: relative rounding of the sum")


@pytest.mark.parametrize("temperature", [np.array(0.5), np.array(2), np.float64(0.5), np.int64(2)])
def test_zero_dimensional_and_numpy_scalar_temperatures(temperature):
    lam = float(temperature)
    assert boltzmann([0.0, 1.0], temperature).tolist() == boltzmann([0.0, 1.0], lam).tolist()
    assert log_partition([0.0, 1.0], temperature) == log_partition([0.0, 1.0], lam)
    assert free_energy([0.3, 0.7], [0.0, 1.0], temperature) == free_energy([0.3, 0.7], [0.0, 1.0], lam)
    assert_close(boltzmann([0.0, 1.0], temperature), _two_level(1.0, lam), rtol=4e-15, atol=0,
                 why="the oracle forms 1 - p0 for the smaller probability: a few ulps relative")


def test_return_types_numpy_in_numpy_out():
    assert type(shannon_entropy([0.5, 0.5])) is float
    assert type(kl_divergence([0.5, 0.5], [0.25, 0.75])) is float
    assert type(log_partition([0.0, 1.0], 1.0)) is float
    assert type(free_energy([0.5, 0.5], [0.0, 1.0], 1.0)) is float
    assert type(boltzmann([0.0, 1.0], 1.0)) is np.ndarray
    assert type(shannon_entropy(P)) is np.ndarray and shannon_entropy(P).dtype == np.float64


def test_no_negative_zero():
    # -1 log 1 = -0.0 in IEEE arithmetic; an entropy is reported as +0.0
    for p in ([1.0], [0.0, 1.0], [1.0, 0.0, 0.0]):
        h = shannon_entropy(p)
        assert h == 0.0 and math.copysign(1.0, h) == 1.0
    assert math.copysign(1.0, kl_divergence([0.5, 0.5], [0.5, 0.5])) == 1.0


def test_check_simplex_names_the_entry_and_honours_its_tolerance():
    with pytest.raises(InvalidArgumentError, match=r"^p=\['a', 'b'\] must be an array of real numbers"):
        check_simplex(["a", "b"])
    with pytest.raises(InvalidArgumentError, match=r"^p\[1\]=-0\.5 is negative"):
        check_simplex([0.0, -0.5, 1.5])
    with pytest.raises(InvalidArgumentError, match=r"^p\[1\]=nan must be finite"):
        check_simplex([0.5, float("nan")])
    check_simplex([0.5, 0.5], atol=0.0)  # sums to exactly 1: the tolerance is inclusive
    check_simplex([0.25, 0.25, 0.25, 0.25], atol=0.0)
    with pytest.raises(InvalidArgumentError, match=r"does not sum to 1"):
        check_simplex([0.5, 0.5 + 1e-9], atol=1e-10)
    check_simplex([0.5, 0.5 + 1e-9], atol=2e-9)  # |sum - 1| = 1e-9 (to rounding) is within 2e-9


@pytest.mark.parametrize(("call", "message"), [
    (lambda: shannon_entropy([0.5, float("nan")]), r"^p\[1\]=nan must be finite"),
    (lambda: kl_divergence([0.5, 0.5], [0.2, 0.7]), r"^q does not sum to 1"),
    (lambda: kl_divergence([0.5, 0.6], [0.5, 0.5]), r"^p does not sum to 1"),
    (lambda: boltzmann([0.0, 1.0], 0.0), r"^temperature=0\.0 must be > 0"),
    (lambda: log_partition([0.0, 1.0], -1.0), r"^temperature=-1\.0 must be > 0"),
    (lambda: free_energy([0.5, 0.5], [0.0, 1.0, 2.0], 1.0), r"^shapes do not match"),
    (lambda: boltzmann([0.0, float("inf")], 1.0), r"^energies\[1\]=inf must be finite"),
])
def test_messages_start_with_the_bad_value(call, message):
    with pytest.raises(InvalidArgumentError, match=message):
        call()


def test_two_array_functions_broadcast_their_batch_axes():
    """Leading axes broadcast as in NumPy: a batch of distributions against one reference or one
    energy vector, and one distribution against a batch of energies, equal the row-by-row values
    (the same float operations on the same numbers: exactly equal)."""
    P = np.array([[0.5, 0.5, 0.0], [0.2, 0.3, 0.5], [1.0, 0.0, 0.0]])
    q = np.array([0.25, 0.25, 0.5])
    E = np.array([0.0, 1.0, 3.0])
    Es = np.array([[0.0, 1.0, 3.0], [2.0, -1.0, 0.5]])
    assert kl_divergence(P, q).tolist() == [kl_divergence(p, q) for p in P]
    assert kl_divergence(q, P).tolist() == [kl_divergence(q, p) for p in P]
    assert free_energy(P, E, 0.7).tolist() == [free_energy(p, E, 0.7) for p in P]
    assert free_energy(q, Es, 0.7).tolist() == [free_energy(q, e, 0.7) for e in Es]
    # (2, 1, 3) against (3, 3): the batch is (2, 3)
    grid = free_energy(np.stack([P, P])[:, :1, :].repeat(1, axis=1), np.stack([E, E, E]), 0.7)
    assert grid.shape == (2, 3)
    # KL(p || q) >= 0 with equality iff p = q, on every row of a broadcast batch
    d = kl_divergence(np.stack([q, P[1]]), q)
    assert d[0] == 0.0 and d[1] > 0


@pytest.mark.parametrize(("a", "b"), [
    (np.full(2, 0.5), np.ones(1)),  # a state axis of 1 would broadcast to 2 states: refused
    (np.full((3, 2), 0.5), np.full((2, 2), 0.5)),  # batch axes 3 and 2 do not broadcast
])
def test_state_axes_must_agree_and_batch_axes_broadcast(a, b):
    with pytest.raises(InvalidArgumentError, match=r"^shapes do not match: p .* must be equal"):
        kl_divergence(a, b)


@pytest.mark.parametrize(("call", "message"), [
    (lambda: kl_divergence([0.5, 0.5], [0.5, 0.5], base=-2.0), r"^base=-2\.0 must be > 0"),
    (lambda: check_simplex([0.5, 0.5], atol=-1e-9), r"^atol=-1e-09 must be >= 0"),
    (lambda: free_energy([0.5, 0.5], [float("nan"), 0.0], 1.0), r"^energies\[0\]=nan must be finite"),
    (lambda: log_partition([0.0, float("-inf")], 1.0), r"^energies\[1\]=-inf must be finite"),
    (lambda: kl_divergence([0.5, 0.5], [0.5, float("nan")]), r"^q\[1\]=nan must be finite"),
    (lambda: kl_divergence(np.full((3, 2), 0.5), np.full((2, 2), 0.5)),
     r"^shapes do not match: p \(3, 2\), q \(2, 2\) \(the last axes, the states, must be equal and the "
     r"leading batch axes must broadcast\)$"),
    (lambda: boltzmann([0.0, 1.0], np.array(-1.0)), r"^temperature=-1\.0 must be > 0"),  # 0-d array read as float
    (lambda: boltzmann([0.0, 1.0], np.array(0, dtype=np.int64)), r"^temperature=0\.0 must be > 0"),  # read as 0.0
])
def test_each_message_names_the_argument_and_its_value(call, message):
    with pytest.raises(InvalidArgumentError, match=message):
        call()


def test_zero_dimensional_temperatures_are_read_as_numbers():
    E = np.array([0.0, 1.0, 3.0])
    assert boltzmann(E, np.array(0.5)).tolist() == boltzmann(E, 0.5).tolist()
    assert log_partition(E, np.array(2, dtype=np.int32)) == log_partition(E, 2.0)
