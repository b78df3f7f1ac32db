"""Checks and spectra of graph Laplacian matrices (dense NumPy or SciPy sparse)."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import scipy.sparse as sps
from scipy.sparse import csgraph
from scipy.sparse import linalg as spla

from .._errors import InvalidArgumentError
from .._validation import check_option
from ..kernels._jax import check_jax_float64, is_jax_array

__all__ = ["SpectrumMethod", "as_laplacian", "laplacian_extreme_eigenvalues", "DENSE_LIMIT"]

SpectrumMethod = Literal["auto", "exact", "dense", "sparse"]
SPECTRUM_METHODS = ("auto", "exact", "dense", "sparse")
#: ``method="auto"`` uses a dense symmetric eigen-solver up to this many nodes, ARPACK above.
DENSE_LIMIT = 2000
# Relative tolerance of the structural checks (symmetry, zero row sums): a Laplacian built
# in floating point from weights w has row sums of order eps * sum(w), far below this.
_STRUCTURE_RTOL = 1e-10


def as_laplacian(laplacian: Any, *, name: str = "laplacian") -> np.ndarray | sps.csr_array:
    """Validate a graph Laplacian and return it as float64 (dense ndarray or CSR array).

    A Laplacian here is a real symmetric matrix with non-positive off-diagonal entries and
    zero row sums (``L = D - A`` of an undirected graph with non-negative weights).

    Raises
    ------
    InvalidArgumentError
        Not square, not finite, not symmetric, positive off-diagonal entry, or a row sum
        that is not zero; the message names the offending entry.
    """
    if sps.issparse(laplacian):
        mat: np.ndarray | sps.csr_array = sps.csr_array(laplacian, dtype=np.float64)
    else:
        if is_jax_array(laplacian):
            check_jax_float64(laplacian, name)
            laplacian = np.asarray(laplacian)
        try:
            mat = np.array(laplacian, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise InvalidArgumentError(f"{name} must be a real matrix: {exc}") from None
    if mat.ndim != 2 or mat.shape[0] != mat.shape[1] or mat.shape[0] == 0:
        raise InvalidArgumentError(f"{name} must be a non-empty square matrix, got shape {mat.shape}")
    data = mat.data if sps.issparse(mat) else mat
    if not np.all(np.isfinite(data)):
        raise InvalidArgumentError(f"{name} has a non-finite entry")
    scale = float(np.max(np.abs(data))) if data.size else 0.0
    tol = _STRUCTURE_RTOL * max(scale, 1.0) * max(1, mat.shape[0]) ** 0.5
    if sps.issparse(mat):
        asym_max, off_max = _sparse_structure(mat)
    else:
        asym_max = float(np.max(np.abs(mat - mat.T)))
        off_max = float(np.max(mat - np.diag(np.diag(mat))))
    if not asym_max <= tol:
        raise InvalidArgumentError(f"{name} is not symmetric (max |L - L^T| = {asym_max:.3g}): use an undirected graph")
    if not off_max <= 0.0:
        raise InvalidArgumentError(f"{name} has a positive off-diagonal entry {off_max!r}: weights must be >= 0")
    rows = np.asarray(mat.sum(axis=1)).ravel()
    worst = int(np.argmax(np.abs(rows)))
    if not abs(rows[worst]) <= tol:
        raise InvalidArgumentError(f"{name} row {worst} sums to {float(rows[worst])!r}, not 0: not a Laplacian")
    return mat


def _sparse_structure(mat: sps.csr_array) -> tuple[float, float]:
    """``max |L - L^T|`` and the largest off-diagonal entry of a CSR matrix, without sparse
    arithmetic: on canonical CSR, ``L^T`` in CSR has the same pattern iff ``L`` is
    structurally symmetric, and then the entries can be compared directly."""
    if not mat.has_canonical_format:
        mat = mat.copy()  # never reorder the caller's arrays in place
        mat.sum_duplicates()
    n = mat.shape[0]
    rows = np.repeat(np.arange(n, dtype=mat.indices.dtype), np.diff(mat.indptr))
    off = mat.data[mat.indices != rows]
    off_max = float(off.max()) if off.size else 0.0
    t = mat.T.tocsr()
    t.sum_duplicates()
    if np.array_equal(t.indptr, mat.indptr) and np.array_equal(t.indices, mat.indices):
        asym_max = float(np.max(np.abs(mat.data - t.data))) if mat.data.size else 0.0
    else:  # different patterns: explicit zeros or a genuinely asymmetric matrix
        diff = abs(mat - t)
        asym_max = float(diff.max()) if diff.nnz else 0.0
    return asym_max, off_max


def laplacian_extreme_eigenvalues(laplacian: Any, *, method: SpectrumMethod = "auto") -> tuple[float, float]:
    r"""Return :math:`(\mu_2, \mu_{\max})` of a graph Laplacian.

    Parameters
    ----------
    laplacian
        Dense or SciPy sparse Laplacian (checked by :func:`as_laplacian`), at least 2×2.
    method
        ``"dense"``: LAPACK symmetric eigen-solver (:func:`numpy.linalg.eigvalsh`), backward
        stable, :math:`O(n^3)`. ``"sparse"``: ARPACK Lanczos for :math:`\mu_{\max}` and
        shift-invert Lanczos around a negative shift for :math:`\mu_2`. ``"exact"``: exact
        characteristic polynomial and isolated real roots (SymPy), rounded once to float.
        ``"auto"``: dense up to :data:`DENSE_LIMIT` nodes, sparse above.

    Returns
    -------
    tuple of float
        The algebraic connectivity :math:`\mu_2` (exactly ``0.0`` when the graph of
        non-zero off-diagonal entries is disconnected) and the largest eigenvalue.

    Examples
    --------
    >>> laplacian_extreme_eigenvalues([[1.0, -1.0], [-1.0, 1.0]])
    (2.0, 2.0)
    """
    check_option("method", method, SPECTRUM_METHODS)
    mat = as_laplacian(laplacian)
    n = mat.shape[0]
    if n < 2:
        raise InvalidArgumentError(f"a Laplacian of size {n} has no mu_2: need at least 2 nodes")
    n_comp = csgraph.connected_components(sps.csr_array(mat), directed=False, return_labels=False)
    if method == "auto":
        method = "dense" if n <= DENSE_LIMIT else "sparse"
    if method == "exact":
        import sympy

        from ..symbolic import laplacian_eigenvalues_exact

        dense = mat.toarray() if sps.issparse(mat) else mat
        eig = laplacian_eigenvalues_exact(dense.tolist())
        mu2, mumax = (float(sympy.N(e, 30)) for e in (eig[1], eig[-1]))
    elif method == "dense":
        dense = mat.toarray() if sps.issparse(mat) else mat
        eig = np.linalg.eigvalsh(dense)
        mu2, mumax = float(eig[1]), float(eig[-1])
    else:
        mu2, mumax = _sparse_extremes(sps.csr_array(mat), n_comp)
    if n_comp > 1:
        mu2 = 0.0  # exact: the indicator vectors of two components span a 2-D null space
    return max(mu2, 0.0), max(mumax, 0.0)


def _sparse_extremes(mat: sps.csr_array, n_comp: int) -> tuple[float, float]:
    n = mat.shape[0]
    if mat.nnz == 0:
        return 0.0, 0.0
    v0 = np.random.default_rng(0).standard_normal(n)  # deterministic ARPACK start
    if n <= 3:
        eig = np.linalg.eigvalsh(mat.toarray())
        return float(eig[1]), float(eig[-1])
    mumax = float(spla.eigsh(mat, k=1, which="LA", v0=v0, return_eigenvectors=False, tol=0)[0])
    if n_comp > 1:
        return 0.0, mumax
    # mu_2 = 1 / (largest eigenvalue of the pseudo-inverse L^+). For b orthogonal to 1,
    # L^+ b is the solution of the grounded system (last node's row and column removed,
    # nonsingular for a connected graph) padded with 0 and projected onto 1-perp.
    grounded = spla.splu(sps.csc_array(mat[:-1, :-1]))

    def pinv_matvec(b: np.ndarray) -> np.ndarray:
        b = np.ravel(b)
        b = b - b.mean()
        y = np.empty(n)
        y[:-1] = grounded.solve(b[:-1])
        y[-1] = 0.0
        return y - y.mean()

    op = spla.LinearOperator((n, n), matvec=pinv_matvec, dtype=np.float64)
    top = float(spla.eigsh(op, k=1, which="LA", v0=v0 - v0.mean(), return_eigenvectors=False, tol=0)[0])
    return 1.0 / top, mumax
