r"""Simulated annealing on a finite state space: Metropolis chain, cooling schedules, depth.

This module turns the row of blueprint §2.2 that maps physical *temperature* to an
algorithmic *exploration rate* into working code. On a finite set of states
:math:`S = \{0, \dots, n-1\}` with energies :math:`E` and a symmetric neighbourhood
structure (an undirected connected graph), the Metropolis chain at temperature :math:`T`
accepts an uphill move of height :math:`\Delta E > 0` with probability
:math:`e^{-\Delta E/T}`: the temperature *is* the exploration rate. At fixed :math:`T` the
chain samples the Boltzmann distribution :math:`\pi_T \propto e^{-E/T}`
(:func:`metropolis_matrix`); lowering :math:`T` step by step is simulated annealing
(:func:`simulated_annealing`).

What is true and what is not:

* Hajek's theorem: with :math:`T_k \downarrow 0`, the chain converges in probability to the
  set of global minima **iff** :math:`\sum_k e^{-d^*/T_k} = \infty`, where :math:`d^*` is the
  depth of the deepest local minimum that is not global (:func:`critical_depth`). For the
  logarithmic schedule :math:`T_k = c/\log(k+2)` this holds **iff** :math:`c \ge d^*`.
* The convergence is only asymptotic and slow (the mass left in a trap decays like a power of
  :math:`k`); a finite run gives a probability of success, not a certificate.
* The geometric schedule :math:`T_k = t_0\alpha^k` is fast and widely used but carries **no**
  guarantee: :math:`\sum_k e^{-d^*/T_k} < \infty` whenever :math:`d^* > 0`, so a chain can
  stay in a trap forever with positive probability. It is a heuristic.

Conventions: states are ``0..n-1``; ``neighbours`` is an undirected NetworkX graph on exactly
those nodes, or an adjacency list (``neighbours[i]`` = the neighbours of ``i``, symmetric);
:math:`d_i` is the degree of :math:`i` and :math:`d_{\max} = \max_i d_i`. Step ``k`` (for
``k = 0 .. n_steps-1``) moves :math:`X_k \to X_{k+1}` at temperature :math:`T_k`.
"""

from __future__ import annotations

import math
import numbers
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import networkx as nx
import numpy as np

from .._errors import DisconnectedGraphError, InvalidArgumentError, InvalidGraphError
from .._validation import as_float_vector, check_int, check_option, check_real

__all__ = [
    "SCHEDULE_KINDS",
    "AnnealingResult",
    "AnnealingSchedule",
    "annealing_schedule",
    "critical_depth",
    "metropolis_matrix",
    "simulated_annealing",
]

ScheduleKind = Literal["logarithmic", "geometric", "constant"]
#: Cooling schedules of :func:`annealing_schedule`.
SCHEDULE_KINDS: tuple[str, ...] = ("logarithmic", "geometric", "constant")
#: Which parameters each schedule kind takes (all others must be left as ``None``).
_SCHEDULE_PARAMETERS: dict[str, tuple[str, ...]] = {
    "logarithmic": ("c",),
    "geometric": ("t0", "alpha"),
    "constant": ("t0",),
}


# --------------------------------------------------------------------------- neighbourhoods


@dataclass(frozen=True)
class _Neighbourhood:
    """A validated neighbourhood structure: sorted neighbour lists and the padded table.

    ``table[i, :d_i]`` are the neighbours of ``i`` in increasing order and
    ``table[i, d_i:] = i`` (padding with the state itself: proposing it means "stay").
    """

    lists: tuple[tuple[int, ...], ...]
    degree: np.ndarray
    d_max: int
    table: np.ndarray


def _as_neighbourhood(neighbours: Any, n: int) -> _Neighbourhood:
    """Validate ``neighbours`` against ``n`` states (energies already checked)."""
    if isinstance(neighbours, nx.Graph):
        lists = _lists_from_graph(neighbours, n)
    elif isinstance(neighbours, Sequence) and not isinstance(neighbours, (str, bytes)):
        lists = _lists_from_adjacency(neighbours, n)
    else:
        raise InvalidGraphError(
            f"neighbours must be a networkx.Graph or an adjacency list (a sequence of sequences of "
            f"states), got {type(neighbours).__name__}"
        )
    _check_connected(lists)
    degree = np.array([len(nb) for nb in lists], dtype=np.intp)
    d_max = int(degree.max())
    table = np.repeat(np.arange(n, dtype=np.intp)[:, None], max(d_max, 1), axis=1)
    for i, nb in enumerate(lists):
        table[i, : len(nb)] = nb
    table.setflags(write=False)
    degree.setflags(write=False)
    return _Neighbourhood(lists, degree, d_max, table)


def _lists_from_graph(G: nx.Graph, n: int) -> tuple[tuple[int, ...], ...]:
    if G.is_directed():
        raise InvalidGraphError("neighbours is a directed graph: the Metropolis proposal needs a symmetric one")
    if G.is_multigraph():
        raise InvalidGraphError("neighbours is a multigraph: a neighbourhood is a set; use a simple graph")
    if G.number_of_nodes() != n:
        raise InvalidArgumentError(
            f"neighbours has {G.number_of_nodes()} nodes but energies has {n} entries: one node per state"
        )
    for node in G.nodes:
        if isinstance(node, bool) or not (isinstance(node, numbers.Integral) and 0 <= node < n):
            raise InvalidGraphError(f"neighbours has node {node!r}: the nodes must be the states 0..{n - 1}")
    loop = next(iter(nx.selfloop_edges(G)), None)
    if loop is not None:
        raise InvalidGraphError(f"neighbours has a self-loop at state {loop[0]!r}: a state is not its own neighbour")
    return tuple(tuple(sorted(int(j) for j in G.adj[i])) for i in range(n))


def _lists_from_adjacency(adjacency: Sequence[Any], n: int) -> tuple[tuple[int, ...], ...]:
    if len(adjacency) != n:
        raise InvalidArgumentError(
            f"neighbours has {len(adjacency)} lists but energies has {n} entries: one list per state"
        )
    sets: list[set[int]] = []
    for i, row in enumerate(adjacency):
        try:
            items = list(row)
        except TypeError:
            raise InvalidGraphError(f"neighbours[{i}]={row!r} must be a sequence of states") from None
        seen: set[int] = set()
        for j in items:
            if isinstance(j, bool) or not isinstance(j, numbers.Integral):
                raise InvalidGraphError(f"neighbours[{i}] contains {j!r}: states are integers 0..{n - 1}")
            if not 0 <= j < n:
                raise InvalidGraphError(f"neighbours[{i}] contains {j!r}: states are integers 0..{n - 1}")
            if j == i:
                raise InvalidGraphError(f"neighbours[{i}] contains {i}: a state is not its own neighbour")
            if int(j) in seen:
                raise InvalidGraphError(f"neighbours[{i}] lists {j!r} twice: a neighbourhood is a set")
            seen.add(int(j))
        sets.append(seen)
    for i, nb in enumerate(sets):
        for j in sorted(nb):
            if i not in sets[j]:
                raise InvalidGraphError(
                    f"neighbours is not symmetric: {j} is in neighbours[{i}] but {i} is not in neighbours[{j}]"
                )
    return tuple(tuple(sorted(nb)) for nb in sets)


def _check_connected(lists: tuple[tuple[int, ...], ...]) -> None:
    n = len(lists)
    seen = [False] * n
    seen[0] = True
    queue = deque([0])
    while queue:
        i = queue.popleft()
        for j in lists[i]:
            if not seen[j]:
                seen[j] = True
                queue.append(j)
    if not all(seen):
        unreached = seen.index(False)
        components = nx.number_connected_components(
            nx.Graph([(i, j) for i, nb in enumerate(lists) for j in nb] + [(i, i) for i in range(n)])
        )
        raise DisconnectedGraphError(
            f"neighbours has {components} connected components (state {unreached} cannot be reached from "
            "state 0): the Metropolis chain would not be irreducible, so it has no unique stationary "
            "distribution and annealing cannot reach every state"
        )


def _energies(energies: Any) -> np.ndarray:
    E = as_float_vector("energies", energies)
    if not E.size >= 1:
        raise InvalidArgumentError("energies is empty: the state space needs at least one state")
    return E


# --------------------------------------------------------------------------- acceptance


def _acceptance(delta: np.ndarray, temperature: float) -> tuple[np.ndarray, np.ndarray]:
    r"""Metropolis acceptance :math:`a = \min(1, e^{-\Delta E/T})` and rejection :math:`1-a`.

    Computed as :math:`e^{-x}` and :math:`-\mathrm{expm1}(-x)` with
    :math:`x = \max(\Delta E, 0)/T \in [0, \infty]`: the exponent is never positive, so nothing
    overflows; :math:`x` may be ``inf`` (huge :math:`\Delta E`, tiny or zero :math:`T`), giving
    exactly 0 and 1. Downhill moves (:math:`\Delta E \le 0`) never divide, so :math:`T = 0`
    is the greedy limit, not a NaN.
    """
    x = np.zeros_like(delta)
    with np.errstate(divide="ignore", over="ignore", under="ignore"):
        np.divide(delta, temperature, out=x, where=delta > 0.0)
        return np.exp(-x), -np.expm1(-x)


def metropolis_matrix(energies: Any, neighbours: Any, temperature: float) -> np.ndarray:
    r"""The exact transition matrix of the Metropolis chain at a fixed temperature.

    .. math::
        P_{ij} = \frac{1}{d_{\max}}\min\bigl(1, e^{-(E_j - E_i)/T}\bigr)\quad (j \sim i),
        \qquad P_{ii} = 1 - \sum_{j \sim i} P_{ij}, \qquad P_{ij} = 0 \text{ otherwise.}

    The proposal picks each neighbour with probability :math:`1/d_{\max}` and stays put with
    the remaining probability :math:`1 - d_i/d_{\max}`; this proposal is symmetric, so
    :math:`P` satisfies detailed balance with the Boltzmann distribution
    :math:`\pi_i = e^{-E_i/T}/\sum_j e^{-E_j/T}` (:math:`\pi_i P_{ij} = \pi_j P_{ji}`) and
    :math:`\pi` is its unique stationary distribution (the graph is connected).

    Parameters
    ----------
    energies
        :math:`E`, shape ``(n,)``, finite.
    neighbours
        Undirected, connected NetworkX graph on the nodes ``0..n-1``, or an adjacency list
        (``neighbours[i]``: the neighbours of state ``i``; symmetric, no self-loops).
    temperature
        :math:`T > 0`, finite. Any positive value works: :math:`T = 10^{-8}` with energy gaps
        :math:`\sim 10^3` gives exact zeros for uphill moves, no overflow.

    Returns
    -------
    numpy.ndarray
        Dense float64 matrix of shape ``(n, n)``; rows sum to 1 up to rounding, entries
        :math:`\ge 0`. For ``n = 1``, ``[[1.0]]``.

    Raises
    ------
    InvalidArgumentError
        ``temperature`` not a finite number > 0; ``energies`` empty or not finite; sizes of
        ``energies`` and ``neighbours`` differ.
    InvalidGraphError
        ``neighbours`` directed, a multigraph, not symmetric, with a self-loop or a node that is
        not a state.
    DisconnectedGraphError
        ``neighbours`` not connected: the chain would not be irreducible.

    Notes
    -----
    The rejection mass is accumulated as :math:`\sum_{j\sim i}(1 - a_{ij})` with
    :math:`1 - a = -\mathrm{expm1}(-\Delta E/T)`, so the diagonal is non-negative by
    construction and accurate when acceptances are close to 1. Dense: :math:`O(n^2)` memory.
    This is the chain of Metropolis et al. 1953 :cite:p:`metropolis1953equation` with Hajek's
    neighbourhood proposal :cite:p:`hajek1988cooling`.

    References
    ----------
    Metropolis, Rosenbluth, Rosenbluth, Teller & Teller (1953), "Equation of state calculations
    by fast computing machines", J. Chem. Phys. 21:1087–1092 (acceptance
    :math:`\min(1, e^{-\Delta E/kT})`).

    Examples
    --------
    A path of three states with energies 0, 1, 0 at :math:`T = 1/\log 2` (so
    :math:`e^{-1/T} = 1/2`); :math:`d_{\max} = 2`:

    >>> import math
    >>> P = metropolis_matrix([0.0, 1.0, 0.0], [[1], [0, 2], [1]], 1 / math.log(2))
    >>> P.round(6).tolist()
    [[0.75, 0.25, 0.0], [0.5, 0.0, 0.5], [0.0, 0.25, 0.75]]
    """
    E = _energies(energies)
    T = check_real("temperature", temperature, lower=0.0, lower_open=True)
    nb = _as_neighbourhood(neighbours, E.size)
    return _metropolis_matrix(E, nb, T)


def _metropolis_matrix(E: np.ndarray, nb: _Neighbourhood, T: float) -> np.ndarray:
    n = E.size
    P = np.zeros((n, n), dtype=np.float64)
    if nb.d_max == 0:
        P[0, 0] = 1.0
        return P
    rows = np.repeat(np.arange(n, dtype=np.intp), nb.degree)
    cols = np.fromiter((j for lst in nb.lists for j in lst), dtype=np.intp, count=int(nb.degree.sum()))
    with np.errstate(over="ignore"):  # E_j - E_i may round to +-inf for |E| ~ 1e308: exact 0 or 1 below
        delta = E[cols] - E[rows]
    accept, reject = _acceptance(delta, T)
    P[rows, cols] = accept / nb.d_max
    stay = (nb.d_max - nb.degree) + np.bincount(rows, weights=reject, minlength=n)
    P[np.arange(n), np.arange(n)] = stay / nb.d_max
    return P


# --------------------------------------------------------------------------- depth


def critical_depth(energies: Any, neighbours: Any) -> float:
    r"""The depth :math:`d^*` of the deepest local minimum that is not a global minimum.

    .. math::
        h(i) = \min_{\substack{\text{paths } i = v_0 \sim v_1 \sim \dots \sim v_m\\ E_{v_m} < E_i}}\
               \max_{0 \le l \le m} E_{v_l}, \qquad
        d^* = \max_{i:\ E_i > \min E}\ \bigl(h(i) - E_i\bigr)

    :math:`h(i)` is the lowest height at which some state of lower energy can be reached
    from :math:`i` (Hajek's "reachable at height :math:`h`"); :math:`h(i) - E_i` is the depth
    of :math:`i` when :math:`i` is a local minimum and 0 otherwise, so the maximum over all
    non-global states is the maximum over non-global local minima (0 if there are none).

    Parameters
    ----------
    energies
        :math:`E`, shape ``(n,)``, finite.
    neighbours
        Undirected, connected neighbourhood graph or adjacency list, as in
        :func:`metropolis_matrix`.

    Returns
    -------
    float
        :math:`d^* \ge 0`; 0 when every local minimum is global (plateaus included).

    Raises
    ------
    InvalidArgumentError, InvalidGraphError, DisconnectedGraphError
        As :func:`metropolis_matrix`.

    Notes
    -----
    Exact bottleneck (minimax-path) computation: the edges :math:`\{i, j\}` are processed by
    increasing height :math:`\max(E_i, E_j)` and merged with a union–find structure. Each
    component keeps its lowest energy and the states attaining it whose :math:`h` is not yet
    known; when a component meets one with a strictly lower minimum at height :math:`w`, its
    pending states get :math:`h = w` (every other state of the component already met a lower
    state no higher than that). Cost :math:`O(|E| \log |E|)` for the sort. Hajek 1988
    :cite:p:`hajek1988cooling` defines the depth and proves that :math:`T_k = c/\log(k+1)`
    drives annealing to the global minima iff :math:`c \ge d^*`.

    References
    ----------
    Hajek (1988), "Cooling schedules for optimal annealing", Math. Oper. Res. 13(2):311–329
    (depth of a local minimum; :math:`d^*`).

    Examples
    --------
    A double well on a path: the trap at state 1 (energy 0) is separated from the global
    minimum at state 3 (energy -1) by a barrier of height 2, so :math:`d^* = 2 - 0`:

    >>> critical_depth([1.0, 0.0, 2.0, -1.0], [[1], [0, 2], [1, 3], [2]])
    2.0
    """
    E = _energies(energies)
    nb = _as_neighbourhood(neighbours, E.size)
    return _critical_depth(E, nb)


def _critical_depth(E: np.ndarray, nb: _Neighbourhood) -> float:
    n = E.size
    parent = list(range(n))
    low = [float(e) for e in E]  # lowest energy of each component (valid at the roots)
    pending: list[list[int]] = [[i] for i in range(n)]  # states at that energy with h unknown
    height = [math.nan] * n

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    edges = sorted((max(E[i], E[j]), i, j) for i, lst in enumerate(nb.lists) for j in lst if i < j)
    for w, i, j in edges:
        a, b = find(i), find(j)
        if a == b:
            continue
        if low[b] < low[a] or (low[a] == low[b] and len(pending[b]) > len(pending[a])):
            a, b = b, a  # a: the lower minimum, or the larger pending list on a tie
        if low[a] < low[b]:
            for k in pending[b]:
                height[k] = float(w)
        else:
            pending[a].extend(pending[b])
        pending[b] = []
        parent[b] = a
    depth = 0.0
    for i in range(n):
        if not math.isnan(height[i]):
            depth = max(depth, height[i] - float(E[i]))
    return depth


# --------------------------------------------------------------------------- schedules


@dataclass(frozen=True)
class AnnealingSchedule:
    r"""A cooling schedule :math:`k \mapsto T_k`, :math:`k = 0, 1, \dots`.

    ``"logarithmic"``
        :math:`T_k = c/\log(k+2)`, :math:`c > 0`. Hajek's theorem
        :cite:p:`hajek1988cooling`: the chain converges in probability to the global minima
        iff :math:`\sum_k e^{-d^*/T_k} = \sum_k (k+2)^{-d^*/c} = \infty`, i.e. iff
        :math:`c \ge d^*` (:func:`critical_depth`).
    ``"geometric"``
        :math:`T_k = t_0\alpha^k`, :math:`t_0 > 0`, :math:`0 < \alpha < 1`. A fast
        **heuristic** (Kirkpatrick, Gelatt & Vecchi 1983 :cite:p:`kirkpatrick1983optimization`)
        with no convergence guarantee: :math:`\sum_k e^{-d^*/T_k} < \infty` for every
        :math:`d^* > 0`. :math:`T_k` underflows to exactly 0 after about
        :math:`745/|\log\alpha|` steps; :math:`T = 0` is the greedy limit (only moves with
        :math:`\Delta E \le 0` are accepted).
    ``"constant"``
        :math:`T_k = t_0 > 0`: the homogeneous Metropolis chain, which samples the
        Boltzmann distribution at :math:`t_0` instead of minimising.

    Build it with :func:`annealing_schedule`; the fields not used by ``kind`` are ``None``.

    Attributes
    ----------
    kind
        One of :data:`SCHEDULE_KINDS`.
    c
        Logarithmic constant (energy units).
    t0
        Initial (geometric) or fixed (constant) temperature (energy units).
    alpha
        Geometric cooling factor.
    """

    kind: ScheduleKind
    c: float | None = None
    t0: float | None = None
    alpha: float | None = None

    def __post_init__(self) -> None:
        kind = check_option("kind", self.kind, SCHEDULE_KINDS)
        wanted = _SCHEDULE_PARAMETERS[kind]
        for name in ("c", "t0", "alpha"):
            value = getattr(self, name)
            if name in wanted and value is None:
                raise InvalidArgumentError(f"the {kind} schedule needs {name}; got {name}=None")
            if name not in wanted and value is not None:
                raise InvalidArgumentError(
                    f"{name}={value!r} is not a parameter of the {kind} schedule (it takes {', '.join(wanted)})"
                )
        if kind == "logarithmic":
            object.__setattr__(self, "c", check_real("c", self.c, lower=0.0, lower_open=True))
        else:
            object.__setattr__(self, "t0", check_real("t0", self.t0, lower=0.0, lower_open=True))
        if kind == "geometric":
            alpha = check_real("alpha", self.alpha, lower=0.0, upper=1.0, lower_open=True, upper_open=True)
            object.__setattr__(self, "alpha", alpha)

    def temperatures(self, n_steps: int) -> np.ndarray:
        """:math:`(T_0, \\dots, T_{n-1})` for ``n = n_steps`` (>= 0), float64.

        Examples
        --------
        >>> annealing_schedule("geometric", t0=8.0, alpha=0.5).temperatures(4).tolist()
        [8.0, 4.0, 2.0, 1.0]
        """
        n = check_int("n_steps", n_steps, minimum=0)
        k = np.arange(n, dtype=np.float64)
        if self.kind == "logarithmic":
            return self.c / np.log(k + 2.0)
        if self.kind == "geometric":
            with np.errstate(under="ignore"):
                return self.t0 * np.power(self.alpha, k)
        return np.full(n, self.t0, dtype=np.float64)

    def temperature(self, k: int) -> float:
        """:math:`T_k` for one step ``k >= 0``, as a Python float.

        Examples
        --------
        >>> import math
        >>> annealing_schedule("logarithmic", c=2.0).temperature(0) == 2.0 / math.log(2.0)
        True
        """
        k = check_int("k", k, minimum=0)
        if self.kind == "logarithmic":
            return self.c / math.log(k + 2.0)
        if self.kind == "geometric":
            with np.errstate(under="ignore"):
                return float(self.t0 * np.power(self.alpha, np.float64(k)))
        return float(self.t0)

    def meets_hajek_condition(self, depth: float) -> bool:
        r"""Whether Hajek's theorem guarantees convergence to the global minima for :math:`d^*`.

        True iff :math:`T_k \downarrow 0` and :math:`\sum_k e^{-d^*/T_k} = \infty`:
        logarithmic, iff :math:`c \ge d^*`; geometric, only when :math:`d^* = 0` (no trap);
        constant, never (:math:`T_k \not\to 0`).

        Examples
        --------
        >>> annealing_schedule("logarithmic", c=2.0).meets_hajek_condition(2.0)
        True
        >>> annealing_schedule("geometric", t0=10.0, alpha=0.999).meets_hajek_condition(0.5)
        False
        """
        d = check_real("depth", depth, lower=0.0)
        if self.kind == "logarithmic":
            return self.c >= d
        if self.kind == "geometric":
            return d == 0.0
        return False


def annealing_schedule(
    kind: ScheduleKind, *, c: float | None = None, t0: float | None = None, alpha: float | None = None
) -> AnnealingSchedule:
    r"""A cooling schedule: logarithmic (Hajek), geometric (heuristic) or constant.

    .. math::
        T_k^{\log} = \frac{c}{\log(k+2)}, \qquad T_k^{\text{geom}} = t_0\,\alpha^k, \qquad
        T_k^{\text{const}} = t_0, \qquad k = 0, 1, \dots

    Parameters
    ----------
    kind
        ``"logarithmic"`` (needs ``c``), ``"geometric"`` (needs ``t0`` and ``alpha``) or
        ``"constant"`` (needs ``t0``).
    c
        :math:`c > 0`, energy units. Convergence to the global minima is guaranteed iff
        :math:`c \ge d^*` (:func:`critical_depth`); the offset :math:`k+2` makes
        :math:`T_0 = c/\log 2` finite and does not change the tail of :math:`\sum_k e^{-d^*/T_k}`.
    t0
        :math:`t_0 > 0`, energy units.
    alpha
        :math:`0 < \alpha < 1`.

    Returns
    -------
    AnnealingSchedule

    Raises
    ------
    InvalidArgumentError
        Unknown ``kind``; a needed parameter missing or outside its domain (NaN included); a
        parameter given that ``kind`` does not take.

    Notes
    -----
    Hajek 1988 :cite:p:`hajek1988cooling` states the criterion for :math:`T_k = c/\log(k+1)`,
    :math:`k \ge 1`; ours is the same sequence shifted by one step. The geometric schedule of
    Kirkpatrick et al. 1983 :cite:p:`kirkpatrick1983optimization` comes with no such theorem.

    Examples
    --------
    >>> s = annealing_schedule("logarithmic", c=3.0)
    >>> s.temperatures(3).round(4).tolist()
    [4.3281, 2.7307, 2.164]
    >>> annealing_schedule("geometric", t0=1.0, alpha=1.5)
    Traceback (most recent call last):
    ...
    iegn._errors.InvalidArgumentError: alpha=1.5 must be < 1.0
    """
    return AnnealingSchedule(kind, c=c, t0=t0, alpha=alpha)


# --------------------------------------------------------------------------- annealing


@dataclass(frozen=True, eq=False)
class AnnealingResult:
    r"""Outcome of :func:`simulated_annealing`.

    With ``n_chains=None`` the scalar fields are Python ``int``/``float`` and ``trajectory`` has
    shape ``(n_steps + 1,)``; with ``n_chains=m`` they are read-only arrays of shape ``(m,)``
    and ``trajectory`` has shape ``(n_steps + 1, m)`` (one column per chain).

    Attributes
    ----------
    state
        The last state :math:`X_{n}`.
    energy
        :math:`E(X_n)`.
    best_state
        The first visited state of lowest energy among :math:`X_0, \dots, X_n`.
    best_energy
        Its energy.
    n_steps
        Number of steps :math:`n` taken.
    trajectory
        The states :math:`X_0, \dots, X_n` (integer array), or ``None`` when not recorded.
    temperatures
        :math:`T_0, \dots, T_{n-1}`: step ``k`` moved :math:`X_k \to X_{k+1}` at :math:`T_k`.
    """

    state: Any
    energy: Any
    best_state: Any
    best_energy: Any
    n_steps: int
    trajectory: np.ndarray | None
    temperatures: np.ndarray


def simulated_annealing(
    energies: Any,
    neighbours: Any,
    *,
    schedule: AnnealingSchedule | Any,
    n_steps: int,
    x0: Any,
    seed: int | np.random.Generator = 0,
    n_chains: int | None = None,
    record_trajectory: bool = True,
) -> AnnealingResult:
    r"""Simulated annealing: the Metropolis chain run at a decreasing temperature.

    .. math::
        Y_k \sim \mathrm{Uniform}\{\text{neighbour } 1, \dots, d_{\max}\}
        \ (\text{padded: } Y_k = X_k \text{ for slots beyond } d_{X_k}), \qquad
        X_{k+1} = \begin{cases} Y_k & U_k < \min\bigl(1, e^{-(E_{Y_k} - E_{X_k})/T_k}\bigr)\\
        X_k & \text{otherwise,}\end{cases}

    so that step ``k`` has transition matrix ``metropolis_matrix(energies, neighbours, T_k)``.

    Parameters
    ----------
    energies
        :math:`E`, shape ``(n,)``, finite.
    neighbours
        Undirected, connected neighbourhood graph or adjacency list (see
        :func:`metropolis_matrix`).
    schedule
        An :class:`AnnealingSchedule`, or the temperatures themselves: an array of shape
        ``(n_steps,)``, finite and :math:`\ge 0` (0 = greedy step).
    n_steps
        Number of steps :math:`n \ge 1`.
    x0
        Initial state in ``0..n-1``; with ``n_chains``, one state for all chains or an integer
        array of shape ``(n_chains,)``.
    seed
        Seed (int >= 0) of a fresh :func:`numpy.random.default_rng`, or a
        :class:`numpy.random.Generator` to draw from (and advance).
    n_chains
        ``None`` (default): one chain, scalar results. An int ``m >= 1``: ``m`` independent
        chains advanced together, results of shape ``(m,)``; e.g.
        ``np.mean(result.state == argmin)`` estimates the probability of ending in a global
        minimum.
    record_trajectory
        Whether to keep the visited states (``(n_steps + 1) * m`` integers); ``False`` gives
        ``trajectory=None``.

    Returns
    -------
    AnnealingResult

    Raises
    ------
    InvalidArgumentError
        Bad ``energies``, ``schedule`` (wrong length, negative, NaN), ``n_steps < 1``, ``x0`` out
        of range, ``seed``, ``n_chains < 1``, sizes that do not match.
    InvalidGraphError, DisconnectedGraphError
        As :func:`metropolis_matrix`.

    Notes
    -----
    Deterministic: the same arguments and the same integer ``seed`` give bit-identical
    results. Each step draws ``Generator.integers(d_max, size=m)`` (proposal slot) and then
    ``Generator.random(m)`` (acceptance), in that order, so a run of ``n`` steps is the prefix of
    a run of ``n' > n`` steps with the same schedule. Cost :math:`O(m)` per step.

    Convergence: with :math:`T_k = c/\log(k+2)` and :math:`c \ge d^*` the probability of being in
    a global minimum tends to 1 as :math:`n \to \infty` (Hajek 1988 :cite:p:`hajek1988cooling`);
    it does so slowly, and for :math:`c < d^*` it need not. Simulated annealing as an
    optimisation method is due to Kirkpatrick, Gelatt & Vecchi 1983
    :cite:p:`kirkpatrick1983optimization`.

    References
    ----------
    Kirkpatrick, Gelatt & Vecchi (1983), "Optimization by simulated annealing", Science
    220:671–680. Hajek (1988), Math. Oper. Res. 13(2):311–329.

    Examples
    --------
    The double well of :func:`critical_depth` (:math:`d^* = 2`), started in the trap, cooled
    logarithmically with :math:`c = 4 \ge d^*`; 500 chains:

    >>> E = [1.0, 0.0, 2.0, -1.0]
    >>> nbrs = [[1], [0, 2], [1, 3], [2]]
    >>> s = annealing_schedule("logarithmic", c=4.0)
    >>> r = simulated_annealing(E, nbrs, schedule=s, n_steps=2000, x0=1, seed=1, n_chains=500)
    >>> r.state.shape, r.trajectory.shape
    ((500,), (2001, 500))
    >>> bool(np.mean(r.state == 3) > 0.5)
    True
    >>> one = simulated_annealing(E, nbrs, schedule=s, n_steps=2000, x0=1, seed=1)
    >>> one.best_state, one.best_energy
    (3, -1.0)
    """
    E = _energies(energies)
    n = E.size
    nb = _as_neighbourhood(neighbours, n)
    n_steps = check_int("n_steps", n_steps, minimum=1)
    temps = _schedule_temperatures(schedule, n_steps)
    m = None if n_chains is None else check_int("n_chains", n_chains, minimum=1)
    x = _initial_states(x0, n, m)
    rng = _generator(seed)
    if not isinstance(record_trajectory, bool):
        raise InvalidArgumentError(f"record_trajectory={record_trajectory!r} must be True or False")

    size = x.size
    e = E[x]
    best, best_e = x.copy(), e.copy()
    traj = np.empty((n_steps + 1, size), dtype=np.intp) if record_trajectory else None
    if traj is not None:
        traj[0] = x
    if nb.d_max > 0:
        table, d_max = nb.table, nb.d_max
        for k in range(n_steps):
            proposal = table[x, rng.integers(d_max, size=size)]
            u = rng.random(size)
            e_new = E[proposal]
            with np.errstate(over="ignore"):  # E_j - E_i may round to +-inf for |E| ~ 1e308
                delta = e_new - e
            accept_prob, _ = _acceptance(delta, float(temps[k]))
            move = u < accept_prob
            x = np.where(move, proposal, x)
            e = np.where(move, e_new, e)
            better = e < best_e
            best = np.where(better, x, best)
            best_e = np.where(better, e, best_e)
            if traj is not None:
                traj[k + 1] = x
    elif traj is not None:
        traj[1:] = x

    temps.setflags(write=False)
    if m is None:
        trajectory = None if traj is None else traj[:, 0].copy()
        if trajectory is not None:
            trajectory.setflags(write=False)
        return AnnealingResult(int(x[0]), float(e[0]), int(best[0]), float(best_e[0]), n_steps, trajectory, temps)
    for arr in (x, e, best, best_e, *(() if traj is None else (traj,))):
        arr.setflags(write=False)
    return AnnealingResult(x, e, best, best_e, n_steps, traj, temps)


def _schedule_temperatures(schedule: Any, n_steps: int) -> np.ndarray:
    if isinstance(schedule, AnnealingSchedule):
        return schedule.temperatures(n_steps)
    if isinstance(schedule, str):
        raise InvalidArgumentError(
            f"schedule={schedule!r} must be an AnnealingSchedule (build one with "
            "annealing_schedule(kind, ...)) or an array of temperatures"
        )
    temps = as_float_vector("schedule", schedule, size=n_steps)
    bad = np.flatnonzero(~(temps >= 0.0))
    if bad.size:
        raise InvalidArgumentError(f"schedule[{bad[0]}]={float(temps[bad[0]])!r} must be >= 0 (a temperature)")
    return temps


def _initial_states(x0: Any, n: int, m: int | None) -> np.ndarray:
    if m is None or isinstance(x0, numbers.Integral):
        x = check_int("x0", x0)
        if not 0 <= x < n:
            raise InvalidArgumentError(f"x0={x0!r} is not a state: states are 0..{n - 1}")
        return np.full(1 if m is None else m, x, dtype=np.intp)
    arr = np.asarray(x0)
    if not (arr.ndim == 1 and arr.shape[0] == m and (arr.size == 0 or np.issubdtype(arr.dtype, np.integer))):
        raise InvalidArgumentError(
            f"x0 must be one state or an integer array of shape ({m},) (one per chain), got {x0!r}"
        )
    bad = np.flatnonzero(~((arr >= 0) & (arr < n)))
    if bad.size:
        raise InvalidArgumentError(f"x0[{bad[0]}]={int(arr[bad[0]])!r} is not a state: states are 0..{n - 1}")
    return arr.astype(np.intp, copy=True)


def _generator(seed: Any) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(check_int("seed", seed, minimum=0))
