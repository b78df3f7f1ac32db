r"""Finite normal-form games, logit (quantal) responses and the logit dynamics.

This module checks blueprint §2.1: *agents minimising the free energy*
:math:`F = U - \lambda S` *converge to a Boltzmann distribution, approximating the Nash
equilibrium of the underlying game*. In a game, each player's free-energy minimiser against
fixed opponents is the logit (Boltzmann) response

.. math:: L_\lambda(x)_i = \operatorname{softmax}\bigl(u_i(\cdot, x_{-i})/\lambda\bigr)
          = \arg\max_{p\in\Delta_{n_i}}\ \bigl(p\cdot u_i(\cdot, x_{-i}) + \lambda H(p)\bigr),

and its fixed points are the logit quantal-response equilibria (QRE) of McKelvey & Palfrey
(1995, "Quantal response equilibria for normal form games", Games Econ. Behav. 10:6–38).
What is true and what is not:

* a QRE always exists (Brouwer) and is a :math:`\lambda\,\max_i\log n_i`-Nash equilibrium
  (:func:`nash_gap`; more sharply, :math:`\lambda\max_i H(x_i)`-Nash);
* in exact potential games (:func:`potential_function`) the QRE are the critical points of the
  entropy-regularised potential and the dynamics converge (Hofbauer & Sandholm 2002);
* in general they do **not** converge: in Shapley's game (:func:`shapley_game`) the unique Nash
  equilibrium is uniform and so is a QRE, but for :math:`\lambda < 1/6` it repels the logit
  dynamics, which (numerically) approach a limit cycle instead (:func:`logit_dynamics` raises
  :class:`~iegn.NotConvergedError`).

Conventions: players are numbered ``0 .. P-1``; ``payoffs[i][a_0, ..., a_{P-1}]`` is player
``i``'s payoff at the pure profile ``a``; a *profile* of mixed strategies is a sequence of
``P`` probability vectors; :math:`\|\cdot\|_1` is the distance on each simplex.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from .._errors import InvalidArgumentError, NotConvergedError
from .._validation import as_float_vector, check_int, check_option, check_real

__all__ = [
    "LogitDynamicsResult",
    "NormalFormGame",
    "coordination_game",
    "expected_payoffs",
    "logit_dynamics",
    "logit_response",
    "matching_pennies",
    "nash_gap",
    "potential_function",
    "prisoners_dilemma",
    "quantal_response_equilibrium",
    "shapley_game",
]

OnFailure = Literal["raise", "return"]
#: A mixed-strategy profile: one probability vector per player.
Strategies = tuple[np.ndarray, ...]

#: A strategy is accepted when its entries are >= 0 and they sum to 1 within this absolute
#: tolerance: far above the rounding of decimal input (``0.1 + 0.2 + 0.7``) or of the
#: renormalised iterates of :func:`logit_dynamics` (~1e-16), far below any deliberate
#: deviation from the simplex.
SIMPLEX_TOL = 1e-9
#: Default relative tolerance of :func:`potential_function`: the potential identity is checked
#: to ``POTENTIAL_RTOL * max|u|``. The residual is a signed sum of at most ``4P`` payoff entries,
#: so rounding alone leaves ~``4P * 1e-16 * max|u|``; games built as ``Phi + g_i(a_-i)`` in
#: float64 pass, and a genuine violation smaller than 1e-9 of the payoff scale is not one a
#: payoff table typed to a few digits can express.
POTENTIAL_RTOL = 1e-9


@dataclass(frozen=True, eq=False)
class NormalFormGame:
    r"""A finite game in normal (strategic) form.

    Parameters
    ----------
    payoffs
        One array per player, each of shape :math:`(n_0, \dots, n_{P-1})` (one axis per
        player): ``payoffs[i][a]`` is player ``i``'s payoff at the pure profile ``a``. Stored
        as read-only float64 copies.

    Raises
    ------
    InvalidArgumentError
        Fewer than two players; an array that is not real, not finite, has one axis too many or
        too few, or a shape different from the others; a player with no action.

    Notes
    -----
    Equality is identity (``eq=False``): arrays have no single truth value. Compare
    ``payoffs`` with :func:`numpy.array_equal` when needed.

    Examples
    --------
    >>> g = NormalFormGame(([[3.0, 0.0], [5.0, 1.0]], [[3.0, 5.0], [0.0, 1.0]]))
    >>> g.n_players, g.n_actions
    (2, (2, 2))
    """

    payoffs: tuple[np.ndarray, ...]

    def __post_init__(self) -> None:
        raw = self.payoffs
        if isinstance(raw, (str, bytes)) or not isinstance(raw, (Sequence, np.ndarray)):
            raise InvalidArgumentError(f"payoffs={raw!r} must be a sequence of arrays, one per player")
        n_players = len(raw)
        if not n_players >= 2:
            raise InvalidArgumentError(f"payoffs has {n_players} array(s): a game needs at least 2 players")
        arrays = []
        for i, u in enumerate(raw):
            try:
                arr = np.array(u, dtype=np.float64, copy=True)
            except (TypeError, ValueError) as exc:
                raise InvalidArgumentError(f"payoffs[{i}] must be an array of real numbers: {exc}") from None
            if arr.ndim != n_players:
                raise InvalidArgumentError(
                    f"payoffs[{i}] has shape {arr.shape} ({arr.ndim} axes) but the game has {n_players} "
                    "players: each payoff array needs one axis per player"
                )
            if arrays and arr.shape != arrays[0].shape:
                raise InvalidArgumentError(
                    f"payoffs[{i}] has shape {arr.shape}, expected {arrays[0].shape} (the shape of payoffs[0])"
                )
            if not min(arr.shape) >= 1:
                raise InvalidArgumentError(
                    f"payoffs[{i}] has shape {arr.shape}: every player needs at least one action"
                )
            bad = np.argwhere(~np.isfinite(arr))
            if bad.size:
                where = tuple(int(k) for k in bad[0])
                raise InvalidArgumentError(f"payoffs[{i}][{where}]={float(arr[where])!r} must be finite")
            arr.setflags(write=False)
            arrays.append(arr)
        object.__setattr__(self, "payoffs", tuple(arrays))

    @property
    def n_players(self) -> int:
        """Number of players :math:`P`."""
        return len(self.payoffs)

    @property
    def n_actions(self) -> tuple[int, ...]:
        """Number of pure actions of each player, :math:`(n_0, \\dots, n_{P-1})`."""
        return tuple(int(n) for n in self.payoffs[0].shape)


def _bimatrix(a: Any, b: Any) -> NormalFormGame:
    return NormalFormGame((np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)))


def matching_pennies() -> NormalFormGame:
    r"""Matching pennies: a 2×2 zero-sum game with a unique, fully mixed equilibrium.

    .. math:: u_0 = \begin{pmatrix} 1 & -1\\ -1 & 1\end{pmatrix}, \qquad u_1 = -u_0

    (player 0 wins on a match, player 1 on a mismatch; actions: heads, tails).

    Notes
    -----
    The unique Nash equilibrium, and for every :math:`\lambda>0` the unique logit QRE, is
    :math:`x_0 = x_1 = (1/2, 1/2)`. At it the logit response has Jacobian eigenvalues
    :math:`\pm i/\lambda`, so the damped dynamics of :func:`logit_dynamics` converge locally iff
    ``step`` :math:`< 2\lambda^2/(1+\lambda^2)`; the fixed-point iteration (``step=1``) does
    not for :math:`\lambda<1`. The continuous-time dynamics :math:`\dot x = L_\lambda(x) - x`
    (eigenvalues :math:`-1 \pm i/\lambda`) always converge.

    References
    ----------
    Fudenberg & Tirole (1991), *Game Theory*, MIT Press, §1.1 (matching pennies).

    Examples
    --------
    >>> matching_pennies().payoffs[0].tolist()
    [[1.0, -1.0], [-1.0, 1.0]]
    """
    u = np.array([[1.0, -1.0], [-1.0, 1.0]])
    return _bimatrix(u, -u)


def coordination_game(a: float = 2.0, b: float = 1.0) -> NormalFormGame:
    r"""A 2×2 pure coordination game (identical interests, hence an exact potential game).

    .. math:: u_0 = u_1 = \begin{pmatrix} a & 0\\ 0 & b\end{pmatrix}, \qquad a, b > 0

    Parameters
    ----------
    a, b
        Payoffs of coordinating on action 0 and on action 1 (both > 0). With ``a > b`` the
        profile (0, 0) payoff-dominates (1, 1).

    Returns
    -------
    NormalFormGame
        Pure Nash equilibria (0, 0) and (1, 1), and one mixed, :math:`x_i(0) = b/(a+b)`.
        Potential :math:`\Phi = u_0` (:func:`potential_function` returns it shifted so that
        :math:`\Phi(0,0)=0`).

    Raises
    ------
    InvalidArgumentError
        ``a`` or ``b`` not a finite number > 0.

    References
    ----------
    Monderer & Shapley (1996), "Potential games", Games Econ. Behav. 14:124–143 (identical-interest
    games are exact potential games).

    Examples
    --------
    >>> coordination_game(3.0, 1.0).payoffs[1].tolist()
    [[3.0, 0.0], [0.0, 1.0]]
    """
    a = check_real("a", a, lower=0.0, lower_open=True)
    b = check_real("b", b, lower=0.0, lower_open=True)
    u = np.array([[a, 0.0], [0.0, b]])
    return _bimatrix(u, u)


def prisoners_dilemma() -> NormalFormGame:
    r"""The prisoner's dilemma with Axelrod's payoffs :math:`(T, R, P, S) = (5, 3, 1, 0)`.

    .. math:: u_0 = \begin{pmatrix} 3 & 0\\ 5 & 1\end{pmatrix}, \qquad u_1 = u_0^\top

    (action 0: cooperate, action 1: defect). Defecting strictly dominates; the unique Nash
    equilibrium is (defect, defect). Like every symmetric 2×2 game it is an exact potential game,
    :math:`\Phi = \begin{pmatrix}0 & 2\\ 2 & 3\end{pmatrix}`.

    References
    ----------
    Axelrod (1984), *The Evolution of Cooperation*, Basic Books (payoffs T=5, R=3, P=1, S=0).

    Examples
    --------
    >>> prisoners_dilemma().payoffs[0].tolist()
    [[3.0, 0.0], [5.0, 1.0]]
    """
    u = np.array([[3.0, 0.0], [5.0, 1.0]])
    return _bimatrix(u, u.T)


def shapley_game() -> NormalFormGame:
    r"""Shapley's 3×3 game, in which fictitious play and the logit dynamics cycle.

    .. math:: u_0 = \begin{pmatrix} 1&0&0\\ 0&1&0\\ 0&0&1\end{pmatrix}, \qquad
              u_1 = \begin{pmatrix} 0&1&0\\ 0&0&1\\ 1&0&0\end{pmatrix}

    Player 0 wants to match player 1's action, player 1 wants to play "one more" (mod 3) than
    player 0, so the pure best responses chase each other around a 6-cycle of profiles.

    Notes
    -----
    The unique Nash equilibrium is :math:`x_0 = x_1 = (1/3, 1/3, 1/3)`, and by symmetry it is a
    logit QRE for every :math:`\lambda`. At it the logit response has Jacobian eigenvalues
    :math:`\pm e^{\pm i\pi/3}/(3\lambda)` (on the tangent space), so the continuous-time logit
    dynamics :math:`\dot x = L_\lambda(x) - x` leave it for :math:`\lambda < 1/6` (a Hopf
    bifurcation; numerically the orbits approach a limit cycle, and the threshold scales with
    the payoff differences, here 1); the damped iteration
    of :func:`logit_dynamics` with ``step`` :math:`s` converges locally iff
    :math:`r<2` and :math:`s < (2 - r)/(1 - r + r^2)`, :math:`r = 1/(3\lambda)`.

    The literature states the game in several relabelled forms (e.g. with :math:`u_1` the
    transpose of the matrix above and :math:`u_0` permuted); they are the same game up to
    renaming actions. Shapley (1964) gives a one-parameter family; this is the representative
    most often quoted.

    References
    ----------
    L. S. Shapley (1964), "Some topics in two-person games", in *Advances in Game Theory*,
    Ann. Math. Studies 52, pp. 1–28.

    Examples
    --------
    >>> shapley_game().payoffs[1].tolist()
    [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    """
    return _bimatrix(np.eye(3), np.roll(np.eye(3), 1, axis=1))


def _check_game(game: Any) -> NormalFormGame:
    if not isinstance(game, NormalFormGame):
        raise InvalidArgumentError(f"game={game!r} must be a NormalFormGame")
    return game


def _as_profile(game: NormalFormGame, strategies: Any, name: str = "strategies") -> Strategies:
    """Validate a mixed-strategy profile: ``P`` vectors on the simplices, as float64 copies."""
    if isinstance(strategies, (str, bytes)):
        raise InvalidArgumentError(f"{name}={strategies!r} must be a sequence of probability vectors")
    try:
        items = list(strategies)
    except TypeError:
        raise InvalidArgumentError(f"{name}={strategies!r} must be a sequence of probability vectors") from None
    if len(items) != game.n_players:
        raise InvalidArgumentError(f"{name} has {len(items)} strategies, expected one per player ({game.n_players})")
    out = []
    for i, (s, n) in enumerate(zip(items, game.n_actions, strict=True)):
        x = as_float_vector(f"{name}[{i}]", s, size=n)
        neg = np.flatnonzero(~(x >= 0.0))
        if neg.size:
            raise InvalidArgumentError(f"{name}[{i}][{neg[0]}]={float(x[neg[0]])!r} must be >= 0 (a probability)")
        total = float(x.sum())
        if not abs(total - 1.0) <= SIMPLEX_TOL:
            raise InvalidArgumentError(f"{name}[{i}] sums to {total!r}, not 1 (a probability vector)")
        out.append(x)
    return tuple(out)


def _payoff_vectors(payoffs: tuple[np.ndarray, ...], profile: Strategies) -> Strategies:
    """v_i(a_i) = E_{a_-i ~ x_-i} u_i(a_i, a_-i): contract every axis but i with the strategies."""
    if len(payoffs) == 2:  # bimatrix fast path (the dynamics call this once per step)
        return (payoffs[0] @ profile[1], profile[0] @ payoffs[1])
    out = []
    for i, u in enumerate(payoffs):
        v = np.moveaxis(u, i, 0)  # axes left: i, then the others in increasing order
        for j, x in enumerate(profile):
            if j != i:
                v = np.tensordot(v, x, axes=([1], [0]))
        out.append(v)
    return tuple(out)


def _softmax(v: np.ndarray, temperature: float) -> np.ndarray:
    # Shift by the max: every exponent is <= 0, the max term is exp(0) = 1, so the sum lies in
    # [1, n] and nothing overflows; very negative exponents underflow to exactly 0 (or, for a
    # tiny temperature, (v - max)/temperature to -inf and exp to 0), as they should. Callers run
    # this under _quiet() so that those harmless events raise nothing under np.errstate(all="raise").
    z = np.exp((v - v.max()) / temperature)
    return z / z.sum()


def _quiet() -> Any:
    return np.errstate(under="ignore", over="ignore")


def expected_payoffs(game: NormalFormGame, strategies: Sequence[Any]) -> Strategies:
    r"""Each player's expected payoff of each own pure action against the others' mixtures.

    .. math:: v_i(a_i) = \sum_{a_{-i}} u_i(a_i, a_{-i}) \prod_{j\ne i} x_j(a_j)

    Parameters
    ----------
    game
        The game.
    strategies
        One probability vector per player, shape ``(n_i,)``.

    Returns
    -------
    tuple of numpy.ndarray
        :math:`v_i`, shape ``(n_i,)``, for each player. Player ``i``'s own strategy is not used;
        their expected payoff is ``strategies[i] @ v_i``.

    Raises
    ------
    InvalidArgumentError
        ``game`` is not a :class:`NormalFormGame`, or ``strategies`` has the wrong length,
        wrong sizes, negative or non-finite entries, or a vector not summing to 1.

    Notes
    -----
    Cost :math:`O(P\prod_j n_j)` (one tensor contraction per player and opponent).

    Examples
    --------
    >>> v0, v1 = expected_payoffs(prisoners_dilemma(), [[0.5, 0.5], [0.25, 0.75]])
    >>> v0.tolist(), v1.tolist()
    ([0.75, 2.0], [1.5, 3.0])
    """
    game = _check_game(game)
    profile = _as_profile(game, strategies)
    return _payoff_vectors(game.payoffs, profile)


def logit_response(game: NormalFormGame, strategies: Sequence[Any], temperature: float) -> Strategies:
    r"""The logit (Boltzmann, softmax) response of every player to the others' mixtures.

    .. math:: L_\lambda(x)_i(a_i) = \frac{\exp(v_i(a_i)/\lambda)}{\sum_{b}\exp(v_i(b)/\lambda)}
              = \arg\max_{p\in\Delta_{n_i}}\ \bigl(p\cdot v_i + \lambda H(p)\bigr),
              \qquad H(p) = -\sum_a p(a)\log p(a),

    with :math:`v_i` from :func:`expected_payoffs`: the minimiser of player ``i``'s free energy
    :math:`F = -p\cdot v_i - \lambda H(p)` (blueprint §2.1, :math:`U = -p\cdot v_i`,
    :math:`S = H`).

    Parameters
    ----------
    game
        The game.
    strategies
        One probability vector per player.
    temperature
        :math:`\lambda > 0`, in payoff units.

    Returns
    -------
    tuple of numpy.ndarray
        One probability vector per player.

    Raises
    ------
    InvalidArgumentError
        Bad game or strategies, or ``temperature`` not a finite number > 0.

    Notes
    -----
    Computed as :math:`\exp((v - \max v)/\lambda)/\sum\exp(\cdot)`: no overflow for any
    :math:`\lambda>0` and payoff scale; as :math:`\lambda\to 0` it tends to the uniform
    distribution over the best responses.

    Examples
    --------
    >>> p0, p1 = logit_response(coordination_game(), [[0.5, 0.5], [0.5, 0.5]], temperature=1.0)
    >>> p0.round(4).tolist()
    [0.6225, 0.3775]
    """
    game = _check_game(game)
    profile = _as_profile(game, strategies)
    lam = check_real("temperature", temperature, lower=0.0, lower_open=True)
    with _quiet():
        return tuple(_softmax(v, lam) for v in _payoff_vectors(game.payoffs, profile))


def _gap(payoffs: tuple[np.ndarray, ...], profile: Strategies) -> float:
    vs = _payoff_vectors(payoffs, profile)
    return max(0.0, max(float(v.max() - x @ v) for v, x in zip(vs, profile, strict=True)))


def nash_gap(game: NormalFormGame, strategies: Sequence[Any]) -> float:
    r"""Exploitability: the most any player gains by switching to a pure best response.

    .. math:: \varepsilon(x) = \max_i \Bigl(\max_{a_i} v_i(a_i) - x_i\cdot v_i\Bigr) \ge 0

    :math:`x` is a Nash equilibrium iff :math:`\varepsilon(x) = 0`, and an
    :math:`\varepsilon`-Nash equilibrium iff :math:`\varepsilon(x)\le\varepsilon`.

    Parameters
    ----------
    game
        The game.
    strategies
        One probability vector per player.

    Returns
    -------
    float
        :math:`\varepsilon(x)`, in payoff units. Rounding can make the difference a few ulps
        negative at an exact equilibrium; it is clipped at 0.

    Raises
    ------
    InvalidArgumentError
        Bad game or strategies.

    Notes
    -----
    At a logit QRE :math:`x = L_\lambda(x)`, comparing :math:`x_i` with a pure best response in
    the variational problem of :func:`logit_response` gives

    .. math:: \max_{a_i} v_i(a_i) - x_i\cdot v_i \le \lambda H(x_i) \le \lambda\log n_i,

    so a QRE is a :math:`\lambda\max_i\log n_i`-Nash equilibrium. (The tighter-looking
    :math:`\lambda(\log n_i - H(x_i))` is false: it tends to 0 as :math:`\lambda\to\infty`,
    while the gap tends to :math:`\max v_i - \bar v_i > 0`.)

    Examples
    --------
    >>> nash_gap(matching_pennies(), [[0.5, 0.5], [0.5, 0.5]])
    0.0
    >>> nash_gap(prisoners_dilemma(), [[1.0, 0.0], [1.0, 0.0]])  # both cooperate
    2.0
    """
    game = _check_game(game)
    profile = _as_profile(game, strategies)
    return _gap(game.payoffs, profile)


def potential_function(game: NormalFormGame, *, rtol: float = POTENTIAL_RTOL) -> np.ndarray | None:
    r"""The exact potential of the game, or ``None`` if it has none.

    An exact potential (Monderer & Shapley 1996, §2) is :math:`\Phi` with

    .. math:: u_i(a_i', a_{-i}) - u_i(a) = \Phi(a_i', a_{-i}) - \Phi(a)
              \quad\text{for all } i,\ a,\ a_i',

    i.e. :math:`u_i - \Phi` does not depend on :math:`a_i`. It is unique up to a constant; this
    returns the one with :math:`\Phi(0, \dots, 0) = 0`, built along the path that moves players
    one at a time from action 0:

    .. math:: \Phi(a) = \sum_{i} \bigl[u_i(a_{\le i}, 0_{>i}) - u_i(a_{<i}, 0_{\ge i})\bigr].

    Parameters
    ----------
    game
        The game.
    rtol
        The identity is accepted when every residual is at most ``rtol * max_i max|u_i|``;
        ``0.0`` asks for exact equality. Default ``1e-9``: a residual is a signed sum of at most
        :math:`4P` payoffs, so rounding alone leaves about :math:`4P\varepsilon\max|u|`
        (games built as :math:`\Phi + g_i(a_{-i})` in float64 pass), while a genuine violation
        below :math:`10^{-9}` of the payoff scale is beyond what a payoff table means.

    Returns
    -------
    numpy.ndarray or None
        :math:`\Phi`, shape ``game.n_actions``, or ``None`` if some residual exceeds the
        tolerance (the game is not an exact potential game).

    Raises
    ------
    InvalidArgumentError
        Bad game or ``rtol`` not a finite number >= 0.

    Notes
    -----
    Cost :math:`O(P\prod_j n_j)`. For a potential game the multilinear extension
    :math:`\Phi(x)=\mathbb E_x\Phi(a)` satisfies :math:`\partial\Phi(x)/\partial x_i(a_i) =
    v_i(a_i) + c_i(x_{-i})`, so the logit QRE are exactly the critical points of the
    entropy-regularised potential :math:`\Phi(x) + \lambda\sum_i H(x_i)` on the product of
    simplices, and it increases along the continuous logit dynamics (Hofbauer & Sandholm 2002,
    "On the global convergence of stochastic fictitious play", Econometrica 70:2265–2294).

    References
    ----------
    Monderer & Shapley (1996), "Potential games", Games Econ. Behav. 14:124–143.

    Examples
    --------
    >>> potential_function(prisoners_dilemma()).tolist()
    [[0.0, 2.0], [2.0, 3.0]]
    >>> potential_function(matching_pennies()) is None
    True
    """
    game = _check_game(game)
    rtol = check_real("rtol", rtol, lower=0.0)
    P = game.n_players
    shape = game.n_actions
    phi = np.zeros(shape)
    for i, u in enumerate(game.payoffs):
        # u_i with players after i held at action 0; minus the same with player i at 0 as well
        part = u[tuple(slice(None) if j <= i else slice(0, 1) for j in range(P))]
        phi = phi + (part - part[tuple(slice(0, 1) if j == i else slice(None) for j in range(P))])
    scale = max(float(np.max(np.abs(u))) for u in game.payoffs)
    for i, u in enumerate(game.payoffs):
        rest = u - phi
        resid = rest - rest[tuple(slice(0, 1) if j == i else slice(None) for j in range(P))]
        if not float(np.max(np.abs(resid))) <= rtol * scale:
            return None
    return phi


@dataclass(frozen=True)
class LogitDynamicsResult:
    r"""Outcome of :func:`logit_dynamics` and :func:`quantal_response_equilibrium`.

    Attributes
    ----------
    strategies
        The last iterate :math:`x^{(k)}`, one probability vector per player.
    n_iter
        Number of update steps taken.
    converged
        Whether :math:`\max_i\|L_\lambda(x)_i - x_i\|_1 \le` ``tol`` at the last iterate.
    distance
        :math:`\max_i\|L_\lambda(x^{(k)})_i - x^{(k)}_i\|_1` for :math:`k = 0, \dots, n_{iter}`,
        shape ``(n_iter + 1,)``.
    trajectory
        The iterates, one array per player of shape ``(n_iter + 1, n_i)``; row ``k`` is
        :math:`x^{(k)}_i`.
    nash_gap
        :func:`nash_gap` of ``strategies``.
    temperature, step
        The :math:`\lambda` and step used.
    """

    strategies: Strategies
    n_iter: int
    converged: bool
    distance: np.ndarray
    trajectory: tuple[np.ndarray, ...]
    nash_gap: float
    temperature: float
    step: float


def _iterate(
    payoffs: tuple[np.ndarray, ...],
    x: Strategies,
    lam: float,
    s: float,
    max_iter: int,
    tol: float,
    distance: list[float],
    traj: list[Strategies],
) -> None:
    for k in range(max_iter + 1):
        resp = tuple(_softmax(v, lam) for v in _payoff_vectors(payoffs, x))
        d = max(float(np.abs(r - xi).sum()) for r, xi in zip(resp, x, strict=True))
        distance.append(d)
        traj.append(x)
        if d <= tol or k == max_iter:
            return
        # a convex combination stays >= 0; renormalising removes the O(eps) drift of the sum
        new = []
        for r, xi in zip(resp, x, strict=True):
            y = xi + s * (r - xi)
            new.append(y / y.sum())
        x = tuple(new)


def logit_dynamics(
    game: NormalFormGame,
    x0: Sequence[Any],
    *,
    temperature: float,
    step: float = 0.1,
    max_iter: int = 10_000,
    tol: float = 1e-10,
    on_failure: OnFailure = "raise",
) -> LogitDynamicsResult:
    r"""Iterate the discretised logit (perturbed best-response) dynamics to a fixed point.

    .. math:: x^{(k+1)} = x^{(k)} + s\,\bigl(L_\lambda(x^{(k)}) - x^{(k)}\bigr), \qquad
              \text{stop when } \max_i \|L_\lambda(x^{(k)})_i - x^{(k)}_i\|_1 \le \mathrm{tol}

    This is the explicit Euler scheme, with step :math:`s`, of the continuous-time logit
    dynamics :math:`\dot x = L_\lambda(x) - x`; ``step=1`` is the fixed-point iteration
    :math:`x \leftarrow L_\lambda(x)` (every player simultaneously plays the Boltzmann
    response to the others' current mixtures).

    Parameters
    ----------
    game
        The game.
    x0
        Initial profile, one probability vector per player.
    temperature
        :math:`\lambda > 0`.
    step
        :math:`s \in (0, 1]` (default 0.1). Each iterate is a convex combination of
        probability vectors, so it stays on the simplices.
    max_iter
        Maximum number of update steps (>= 0).
    tol
        Stopping level of the :math:`\ell_1` distance to the logit response (> 0).
    on_failure
        ``"raise"`` (default): raise :class:`~iegn.NotConvergedError` carrying the result.
        ``"return"``: return it with ``converged=False``.

    Returns
    -------
    LogitDynamicsResult

    Raises
    ------
    NotConvergedError
        ``max_iter`` reached before ``tol``; the message says whether the distance was still
        falling or stayed bounded away from 0 (a cycle).
    InvalidArgumentError
        Bad game, profile or parameter.

    Notes
    -----
    A fixed point is a logit quantal-response equilibrium (McKelvey & Palfrey 1995). In exact
    potential games and two-player zero-sum games the continuous dynamics converge (Hofbauer & Sandholm
    2002) and so does this iteration for a small enough step. In general they need not: see
    :func:`shapley_game` (a limit cycle for :math:`\lambda<1/6`) and :func:`matching_pennies`
    (converges iff ``step`` :math:`< 2\lambda^2/(1+\lambda^2)`). Cost per step:
    :math:`O(P^2\prod_j n_j)`.

    Examples
    --------
    >>> r = logit_dynamics(coordination_game(), [[0.5, 0.5], [0.5, 0.5]], temperature=0.5)
    >>> r.converged, r.strategies[0].round(4).tolist(), round(r.nash_gap, 4)
    (True, [0.9797, 0.0203], 0.0393)
    """
    check_option("on_failure", on_failure, ("raise", "return"))
    game = _check_game(game)
    x = _as_profile(game, x0, "x0")
    lam = check_real("temperature", temperature, lower=0.0, lower_open=True)
    s = check_real("step", step, lower=0.0, upper=1.0, lower_open=True)
    max_iter = check_int("max_iter", max_iter, minimum=0)
    tol = check_real("tol", tol, lower=0.0, lower_open=True)
    payoffs = game.payoffs

    distance: list[float] = []
    traj: list[Strategies] = []
    with _quiet():
        _iterate(payoffs, x, lam, s, max_iter, tol, distance, traj)
    x = traj[-1]
    dist = np.array(distance)
    trajectory = tuple(np.array([p[i] for p in traj]) for i in range(game.n_players))
    converged = bool(dist[-1] <= tol)
    result = LogitDynamicsResult(x, len(dist) - 1, converged, dist, trajectory, _gap(payoffs, x), lam, s)
    if not converged and on_failure == "raise":
        half = dist[len(dist) // 2 :]
        how = (
            "it was still falling"
            if dist[-1] <= 0.5 * half[0]
            else f"it did not halve over the last half of the run, staying >= {half.min():.3g}: "
            "the iterates cycle or stall"
        )
        raise NotConvergedError(
            f"logit dynamics with temperature={lam!r}, step={s!r} did not reach tol={tol} in "
            f"max_iter={max_iter} steps (distance to the logit response {dist[-1]:.3g}; {how})",
            result,
        )
    return result


def _default_step(game: NormalFormGame, temperature: float) -> float:
    """``1 / (1 + rho^2)``; a temperature so small that it rounds to 0 is refused by name
    (rather than as ``step=0.0``, a value the caller never passed)."""
    spread = max(float(u.max() - u.min()) for u in game.payoffs)
    rho = spread / (2.0 * temperature)  # inf when temperature is subnormal: the step is then 0
    step = 1.0 / (1.0 + rho * rho) if rho < 1e150 else 1.0 / rho / rho
    if step == 0.0:
        raise InvalidArgumentError(
            f"temperature={temperature!r} is too small for the default step 1/(1 + rho^2) "
            f"(rho = payoff spread / (2 temperature) = {rho:.3g}): it rounds to 0; pass step= explicitly")
    return step


def quantal_response_equilibrium(
    game: NormalFormGame,
    temperature: float,
    *,
    x0: Sequence[Any] | None = None,
    step: float | None = None,
    max_iter: int = 100_000,
    tol: float = 1e-10,
    on_failure: OnFailure = "raise",
) -> LogitDynamicsResult:
    r"""A logit quantal-response equilibrium, found by the damped logit dynamics.

    .. math:: x_i = \operatorname{softmax}\bigl(v_i(x_{-i})/\lambda\bigr)
              \quad\text{for every player } i

    (a fixed point of :func:`logit_response`; McKelvey & Palfrey 1995, §2). It is computed by
    :func:`logit_dynamics`; when the dynamics cycle instead of converging this raises — the
    last iterate is *not* an equilibrium and is never returned as one.

    Parameters
    ----------
    game
        The game.
    temperature
        :math:`\lambda > 0`.
    x0
        Starting profile; default uniform for every player. From the uniform start in a
        2×2 coordination game the dynamics follow the principal branch (the one continuous in
        :math:`\lambda` from :math:`\lambda=\infty`).
    step
        Damping :math:`s\in(0,1]`. Default :math:`1/(1+\rho^2)`,
        :math:`\rho = \max_i(\max u_i - \min u_i)/(2\lambda)`: half of the largest step for which
        a rotation with Jacobian eigenvalues :math:`\pm i\rho` contracts (exact for matching
        pennies, where :math:`\rho = 1/\lambda`), and ``1`` in the limit of high temperature.
        Robust rather than fast; pass a larger step for potential games.
    max_iter, tol, on_failure
        As in :func:`logit_dynamics`.

    Returns
    -------
    LogitDynamicsResult

    Raises
    ------
    NotConvergedError
        The dynamics did not reach ``tol`` (e.g. Shapley's game at :math:`\lambda<1/6` from a
        generic start: a limit cycle).
    InvalidArgumentError
        Bad game, profile or parameter.

    Notes
    -----
    Every QRE satisfies ``nash_gap <= temperature * max_i H(x_i) <= temperature * max_i log n_i``
    (:func:`nash_gap`). A QRE exists for every game and :math:`\lambda`; failure here is the
    failure of the dynamics, not of existence. Conversely, success says nothing about
    stability when ``x0`` is already a fixed point: in Shapley's game the uniform default start
    *is* the QRE and is returned after 0 steps, although the dynamics leave it from any other
    start for :math:`\lambda<1/6`.

    Examples
    --------
    >>> r = quantal_response_equilibrium(matching_pennies(), 0.25)
    >>> r.converged, r.strategies[0].round(6).tolist()
    (True, [0.5, 0.5])
    >>> r = quantal_response_equilibrium(coordination_game(), 0.1)
    >>> r.strategies[0].round(6).tolist(), r.nash_gap < 0.1 * math.log(2)
    ([1.0, 0.0], True)
    """
    check_option("on_failure", on_failure, ("raise", "return"))
    game = _check_game(game)
    lam = check_real("temperature", temperature, lower=0.0, lower_open=True)
    if x0 is None:
        x0 = [np.full(n, 1.0 / n) for n in game.n_actions]
    s = _default_step(game, lam) if step is None else step
    return logit_dynamics(game, x0, temperature=lam, step=s, max_iter=max_iter, tol=tol, on_failure=on_failure)
