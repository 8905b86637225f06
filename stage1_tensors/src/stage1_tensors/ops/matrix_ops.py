"""Matrices as such: inverses, determinants, solvers, decompositions, diagonals, norms.

Every op here works on the last two axes and treats any leading axes as a
batch, as ``tf.linalg`` does. The kernels call NumPy's LAPACK wrappers
(``xp.linalg``), so a matrix that has no inverse or no Cholesky factor fails
with TensorFlow's error class (``InvalidArgumentError``) and a reason. These
names live in ``tf.linalg`` (see ``stage1_tensors/linalg.py``); ``norm`` is
also ``tf.norm``.

>>> import stage1_tensors as tf
>>> tf.linalg.det([[2.0, 0.0], [0.0, 3.0]])
tf.Tensor(6.0, shape=(), dtype=float32)
>>> tf.linalg.inv([[2.0, 0.0], [0.0, 4.0]])
tf.Tensor([[0.5  0.  ]
           [0.   0.25]], shape=(2, 2), dtype=float32)
"""

import builtins
from collections import namedtuple

import numpy as np

from ..dispatch import execute
from ..dtypes import ALL_NUMPY, FLOATING
from ..errors import InvalidArgumentError
from ..registry import define_op
from .array_ops import reshape, squeeze, transpose
from .attrs import bool_attr, int_attr, tensor_list
from .error_scope import error_scope
from .reduction_ops import (_float_tensor, check_axes, normalize_axis, reduce_max,
                            reduce_sum)

__all__ = ["inv", "det", "solve", "cholesky", "qr", "eigh", "svd", "diag", "diag_part",
           "trace", "band_part", "matrix_transpose", "norm", "global_norm"]


# --- shape checks shared by the ops --------------------------------------------------
def _check_matrices(op_name, square=True):
    """A ``check`` hook: the input has rank >= 2 (and square last two axes)."""
    def check(values, attrs):
        x = values[0]
        if x.ndim < 2 or (square and x.shape[-1] != x.shape[-2]):
            raise InvalidArgumentError(
                "%s: the input must be a %smatrix or a batch of them (shape [..., M, %s]), "
                "got shape %s" % (op_name, "square " if square else "",
                                  "M" if square else "N", tuple(x.shape)), op=op_name)
    return check


def _linalg_failed(op_name, reason):
    return InvalidArgumentError("%s: %s" % (op_name, reason), op=op_name)


# --- inverse, determinant, solve -----------------------------------------------------
MatrixInverse = define_op("MatrixInverse", "inv", inputs=("input",), dtypes=FLOATING,
                          check=_check_matrices("inv"))


@MatrixInverse.kernel
def _inv(xp, x, adjoint):
    if adjoint:
        x = x.swapaxes(-1, -2)
    try:
        return xp.linalg.inv(x)
    except np.linalg.LinAlgError:
        raise _linalg_failed("inv", "the input matrix is not invertible (it is singular); "
                             "its determinant is 0") from None


def inv(input, adjoint=False, name=None):  # noqa: A002  (TensorFlow's name)
    """The inverse of each square matrix (of its transpose when ``adjoint``).

    >>> import stage1_tensors as tf
    >>> tf.linalg.inv([[1.0, 2.0], [3.0, 4.0]])
    tf.Tensor([[-2.   1. ]
               [ 1.5 -0.5]], shape=(2, 2), dtype=float32)
    """
    return execute(MatrixInverse, (input,), {"adjoint": bool_attr(adjoint, "adjoint", "inv")})


MatrixDeterminant = define_op("MatrixDeterminant", "det", inputs=("input",),
                              dtypes=FLOATING, check=_check_matrices("det"))
MatrixDeterminant.kernel(lambda xp, x: xp.linalg.det(x).astype(x.dtype))


def det(input, name=None):  # noqa: A002
    """The determinant of each square matrix; the batch axes remain.

    >>> import stage1_tensors as tf
    >>> tf.linalg.det(tf.eye(3, batch_shape=[2]))
    tf.Tensor([1. 1.], shape=(2,), dtype=float32)
    """
    return execute(MatrixDeterminant, (input,))


def _check_solve(values, attrs):
    _check_matrices("solve")(values, attrs)
    matrix, rhs = values
    if rhs.ndim != matrix.ndim or rhs.shape[:-1] != matrix.shape[:-1]:
        raise InvalidArgumentError(
            "solve: rhs must have shape [..., M, K] with the matrix's [..., M] (no "
            "broadcasting), got matrix %s and rhs %s"
            % (tuple(matrix.shape), tuple(rhs.shape)), op="solve")


MatrixSolve = define_op("MatrixSolve", "solve", inputs=("matrix", "rhs"), dtypes=FLOATING,
                        check=_check_solve)


@MatrixSolve.kernel
def _solve(xp, matrix, rhs, adjoint):
    if adjoint:
        matrix = matrix.swapaxes(-1, -2)
    try:
        return xp.linalg.solve(matrix, rhs)
    except np.linalg.LinAlgError:
        raise _linalg_failed("solve", "the input matrix is not invertible (it is "
                             "singular), so the system has no unique solution") from None


def solve(matrix, rhs, adjoint=False, name=None):
    """``X`` with ``matrix @ X = rhs`` (``matrix^T @ X = rhs`` when ``adjoint``).

    >>> import stage1_tensors as tf
    >>> tf.linalg.solve([[2.0, 0.0], [0.0, 4.0]], [[2.0], [2.0]])
    tf.Tensor([[1. ]
               [0.5]], shape=(2, 1), dtype=float32)
    """
    return execute(MatrixSolve, (matrix, rhs), {"adjoint": bool_attr(adjoint, "adjoint",
                                                                     "solve")})


# --- decompositions ----------------------------------------------------------------------
Cholesky = define_op("Cholesky", "cholesky", inputs=("input",), dtypes=FLOATING,
                     check=_check_matrices("cholesky"))


@Cholesky.kernel
def _cholesky(xp, x):
    try:
        return xp.linalg.cholesky(x)      # reads the lower triangle only, like TensorFlow
    except np.linalg.LinAlgError:
        raise _linalg_failed("cholesky", "the decomposition was not successful: the "
                             "input must be symmetric positive definite") from None


def cholesky(input, name=None):  # noqa: A002
    """The lower-triangular ``L`` with ``L @ L^T = input`` (symmetric positive
    definite input; only its lower triangle is read).

    >>> import stage1_tensors as tf
    >>> tf.linalg.cholesky([[4.0, 2.0], [2.0, 5.0]])
    tf.Tensor([[2. 0.]
               [1. 2.]], shape=(2, 2), dtype=float32)
    """
    return execute(Cholesky, (input,))


Qr = define_op("Qr", "qr", inputs=("input",), dtypes=FLOATING,
               check=_check_matrices("qr", square=False), num_outputs=2)
QR = namedtuple("Qr", "q r")


@Qr.kernel
def _qr(xp, x, full_matrices):
    return xp.linalg.qr(x, mode="complete" if full_matrices else "reduced")


def qr(input, full_matrices=False, name=None):  # noqa: A002
    """``(q, r)`` with ``q`` orthonormal columns, ``r`` upper-triangular, ``q @ r = input``.

    >>> import stage1_tensors as tf
    >>> q, r = tf.linalg.qr([[3.0, 0.0], [4.0, 5.0]])
    >>> tf.round(tf.matmul(q, r))
    tf.Tensor([[3. 0.]
               [4. 5.]], shape=(2, 2), dtype=float32)
    """
    return QR(*execute(Qr, (input,), {"full_matrices": bool_attr(full_matrices,
                                                                 "full_matrices", "qr")}))


SelfAdjointEigV2 = define_op("SelfAdjointEigV2", "eigh", inputs=("input",),
                             dtypes=FLOATING, check=_check_matrices("eigh"), num_outputs=2)


@SelfAdjointEigV2.kernel
def _eigh(xp, x):
    return xp.linalg.eigh(x)              # the lower triangle, eigenvalues ascending


def eigh(tensor, name=None):
    """``(e, v)``: eigenvalues (ascending) and eigenvectors (columns) of each symmetric
    matrix, ``tensor @ v = v * e``; only the lower triangle is read.

    >>> import stage1_tensors as tf
    >>> e, v = tf.linalg.eigh([[2.0, 1.0], [1.0, 2.0]])
    >>> e
    tf.Tensor([1. 3.], shape=(2,), dtype=float32)
    """
    return tuple(execute(SelfAdjointEigV2, (tensor,)))


Svd = define_op("Svd", "svd", inputs=("input",), dtypes=FLOATING,
                check=_check_matrices("svd", square=False), num_outputs="list")


@Svd.kernel
def _svd(xp, x, full_matrices, compute_uv):
    if not compute_uv:
        return [xp.linalg.svd(x, compute_uv=False)]
    u, s, vh = xp.linalg.svd(x, full_matrices=full_matrices)
    return [s, u, vh.swapaxes(-1, -2)]


def svd(tensor, full_matrices=False, compute_uv=True, name=None):
    """Singular values ``s`` (descending) and, with ``compute_uv``, ``u`` and ``v`` with
    ``tensor = u @ diag(s) @ v^T``. Returns ``(s, u, v)``, or ``s`` alone.

    >>> import stage1_tensors as tf
    >>> tf.linalg.svd([[3.0, 0.0], [0.0, -4.0]], compute_uv=False)
    tf.Tensor([4. 3.], shape=(2,), dtype=float32)
    """
    compute_uv = bool_attr(compute_uv, "compute_uv", "svd")
    out = execute(Svd, (tensor,), {"full_matrices": bool_attr(full_matrices,
                                                              "full_matrices", "svd"),
                                   "compute_uv": compute_uv})
    return tuple(out) if compute_uv else out[0]


# --- diagonals and bands ------------------------------------------------------------
def _check_diag(values, attrs):
    if values[0].ndim < 1:
        raise InvalidArgumentError("diag: the diagonal must have rank >= 1, got a scalar",
                                   op="diag")


MatrixDiag = define_op("MatrixDiagV3", "diag", inputs=("diagonal",), dtypes=ALL_NUMPY,
                       check=_check_diag)


@MatrixDiag.kernel
def _diag(xp, d, k):
    n = d.shape[-1] + builtins.abs(k)
    out = xp.zeros(d.shape[:-1] + (n, n), dtype=d.dtype)
    rows = xp.arange(d.shape[-1]) + builtins.max(-k, 0)
    out[..., rows, rows + k] = d
    return out


def diag(diagonal, name="diag", k=0, num_rows=-1, num_cols=-1, padding_value=0,
         align="RIGHT_LEFT"):
    """A (batch of) square matrix with ``diagonal`` on diagonal ``k`` (0: the main one,
    > 0 above it), zeros elsewhere. One ``k`` and the default sizes only.

    >>> import stage1_tensors as tf
    >>> tf.linalg.diag([1, 2])
    tf.Tensor([[1 0]
               [0 2]], shape=(2, 2), dtype=int32)
    """
    k = int_attr(k, "k", "diag")
    if (int_attr(num_rows, "num_rows", "diag"), int_attr(num_cols, "num_cols", "diag")) \
            != (-1, -1) or not (isinstance(padding_value, (int, float))
                                and padding_value == 0):
        raise InvalidArgumentError(
            "diag: only the default num_rows, num_cols and padding_value are supported "
            "here: the result is square, of size len(diagonal) + |k|", op="diag")
    return execute(MatrixDiag, (diagonal,), {"k": k})


def _check_diag_part(values, attrs):
    x, k = values[0], attrs["k"]
    if x.ndim < 2 or not -x.shape[-2] < k < x.shape[-1]:
        raise InvalidArgumentError(
            "diag_part: the input must be a matrix or a batch of them and k must name "
            "one of its diagonals (%s), got shape %s and k=%d"
            % ("-%d < k < %d" % (x.shape[-2], x.shape[-1]) if x.ndim >= 2 else "rank >= 2",
               tuple(x.shape), k), op="diag_part")


MatrixDiagPart = define_op("MatrixDiagPartV3", "diag_part", inputs=("input",),
                           dtypes=ALL_NUMPY, check=_check_diag_part)


@MatrixDiagPart.kernel
def _diag_part(xp, x, k):
    return xp.diagonal(x, offset=k, axis1=-2, axis2=-1).copy()


def diag_part(input, name="diag_part", k=0, padding_value=0, align="RIGHT_LEFT"):  # noqa: A002
    """The ``k``-th diagonal of each matrix (0: the main one), as a vector.

    >>> import stage1_tensors as tf
    >>> tf.linalg.diag_part([[1, 2], [3, 4]])
    tf.Tensor([1 4], shape=(2,), dtype=int32)
    """
    return execute(MatrixDiagPart, (input,), {"k": int_attr(k, "k", "diag_part")})


def trace(x, name=None):
    """The sum of each matrix's main diagonal (``diag_part`` then ``reduce_sum``).

    >>> import stage1_tensors as tf
    >>> tf.linalg.trace([[1.0, 2.0], [3.0, 4.0]])
    tf.Tensor(5.0, shape=(), dtype=float32)
    """
    with error_scope("trace"):
        return reduce_sum(diag_part(x), axis=-1)


MatrixBandPart = define_op("MatrixBandPart", "band_part", inputs=("input",),
                           dtypes=ALL_NUMPY, check=_check_matrices("band_part", square=False))


@MatrixBandPart.kernel
def _band_part(xp, x, num_lower, num_upper):
    m, n = x.shape[-2:]
    below = xp.arange(m)[:, None] - xp.arange(n)[None, :]    # row - column
    keep = ((num_lower < 0) | (below <= num_lower)) & ((num_upper < 0) | (-below <= num_upper))
    return xp.where(keep, x, xp.zeros((), dtype=x.dtype))


def band_part(input, num_lower, num_upper, name=None):  # noqa: A002
    """Keeps ``num_lower`` diagonals below the main one and ``num_upper`` above it
    (negative: all of them), zeros the rest. ``band_part(x, -1, 0)`` is the lower triangle.

    >>> import stage1_tensors as tf
    >>> tf.linalg.band_part([[1, 2, 3], [4, 5, 6], [7, 8, 9]], 1, 0)
    tf.Tensor([[1 0 0]
               [4 5 0]
               [0 8 9]], shape=(3, 3), dtype=int32)
    """
    return execute(MatrixBandPart, (input,),
                   {"num_lower": int_attr(num_lower, "num_lower", "band_part"),
                    "num_upper": int_attr(num_upper, "num_upper", "band_part")})


def matrix_transpose(a, name="matrix_transpose", conjugate=False):
    """Swaps the last two axes (a ``transpose`` that keeps the batch axes in place).

    >>> import stage1_tensors as tf
    >>> tf.linalg.matrix_transpose(tf.zeros([4, 2, 3])).shape
    TensorShape([4, 3, 2])
    """
    from ..convert import convert_to_tensor
    with error_scope("matrix_transpose"):
        a = convert_to_tensor(a)
        if a.ndim < 2:
            raise InvalidArgumentError(
                "matrix_transpose: the input must have rank >= 2, got shape %s"
                % (tuple(a.shape),), op="matrix_transpose")
        perm = list(builtins.range(a.ndim))
        perm[-2:] = perm[-1], perm[-2]
        return transpose(a, perm)


# --- norms (composed from public ops, so they differentiate for free) -------------------
_VECTOR_NORMS = ("euclidean", 1, 2, np.inf)
_MATRIX_NORMS = ("euclidean", "fro", 1, 2, np.inf)


def _norm_axes(axis):
    """``None``, ``(a,)`` or ``(a, b)``, and whether it is a matrix norm."""
    axes = normalize_axis(axis, "norm")
    if axes is not None and (len(axes) > 2 or len(set(axes)) != len(axes)):
        raise ValueError("norm: 'axis' must be None, an integer, or a tuple of 2 unique "
                         "integers, got %r" % (axis,))
    return axes, axes is not None and len(axes) == 2


def _check_ord(ord, matrix):  # noqa: A002  (TensorFlow's name)
    number = isinstance(ord, (int, float, np.integer, np.floating)) and \
        not isinstance(ord, (bool, np.bool_))
    if matrix:
        ok = (isinstance(ord, str) or number) and ord in _MATRIX_NORMS
    else:
        ok = ord == "euclidean" if isinstance(ord, str) else number and ord > 0
    if not ok:
        kind = "matrix" if matrix else "vector"
        raise ValueError(
            "norm: 'ord' must be a supported %s norm (%s%s), got %r%s"
            % (kind, ", ".join(repr(o) for o in (_MATRIX_NORMS if matrix else _VECTOR_NORMS)),
               "" if matrix else " or any positive number", ord,
               "; 'fro' is a matrix norm: give axis a pair of axes"
               if isinstance(ord, str) and ord == "fro" else ""))


def norm(tensor, ord="euclidean", axis=None, keepdims=None, name=None):  # noqa: A002
    """The vector norm over ``axis`` (None: all elements), or the matrix norm over a
    pair of axes. ``ord``: ``'euclidean'`` (also ``'fro'`` for matrices), 1, 2,
    ``np.inf`` or (vectors) any p > 0. Floats only.

    >>> import stage1_tensors as tf
    >>> tf.norm([3.0, 4.0]), tf.norm([3.0, -4.0], ord=1)
    (tf.Tensor(5.0, shape=(), dtype=float32), tf.Tensor(7.0, shape=(), dtype=float32))
    >>> tf.norm([[1.0, 2.0], [3.0, 4.0]], ord=1, axis=[-2, -1])
    tf.Tensor(6.0, shape=(), dtype=float32)
    """
    from .unary_ops import abs as abs_, sqrt, square
    from .binary_ops import pow as pow_
    axes, matrix = _norm_axes(axis)
    _check_ord(ord, matrix)
    keepdims = bool_attr(keepdims, "keepdims", "norm") if keepdims is not None else False
    with error_scope("norm"):
        x = _float_tensor(tensor, "norm")
        if axes is not None:
            check_axes("norm", x._value, axes)
        if matrix and ord == 2:
            result = _spectral_norm(x, axes)
        elif ord in ("euclidean", "fro", 2):
            result = sqrt(reduce_sum(square(x), axes, keepdims=True))
        elif ord == 1:          # matrices: the largest column sum of |x|
            result = reduce_sum(abs_(x), None if axes is None else axes[0], keepdims=True)
            if matrix:
                result = reduce_max(result, axes[1], keepdims=True)
        elif ord == np.inf:     # matrices: the largest row sum of |x|
            result = abs_(x)
            if matrix:
                result = reduce_sum(result, axes[1], keepdims=True)
            result = reduce_max(result, None if axes is None else axes[0], keepdims=True)
        else:
            result = pow_(reduce_sum(pow_(abs_(x), float(ord)), axes, keepdims=True),
                          1.0 / float(ord))
        return result if keepdims else squeeze(result, axes)


def _spectral_norm(x, axes):
    """The matrix 2-norm: the largest singular value, over the two ``axes``."""
    rank = x.ndim
    pair = [a % rank for a in axes]
    rest = [a for a in builtins.range(rank) if a not in pair]
    moved = transpose(x, rest + pair)
    top = reduce_max(svd(moved, compute_uv=False), axis=-1)
    shape = list(x.shape)
    for a in pair:
        shape[a] = 1
    return reshape(top, shape)


def global_norm(t_list, name=None):
    """The Euclidean norm of all the tensors in ``t_list`` together (None entries
    are skipped): ``sqrt(sum of reduce_sum(t ** 2))``, as gradient clipping uses it.

    >>> import stage1_tensors as tf
    >>> tf.linalg.global_norm([[3.0], [[4.0]]])
    tf.Tensor(5.0, shape=(), dtype=float32)
    """
    from .unary_ops import sqrt, square
    from .reduction_ops import add_n
    from ..tensor import Tensor
    if isinstance(t_list, Tensor):
        raise TypeError("global_norm: t_list must be a list of tensors, got one tensor of "
                        "shape %s; wrap it in a list" % (tuple(t_list.shape),))
    items = tensor_list(t_list, "global_norm", "t_list")
    with error_scope("global_norm"):
        tensors = [_float_tensor(t, "global_norm") for t in items if t is not None]
        if not tensors:
            raise InvalidArgumentError("global_norm: t_list has no tensors to take the "
                                       "norm of", op="global_norm")
        parts = [reduce_sum(square(t)) for t in tensors]
        if any(p.dtype != parts[0].dtype for p in parts):
            raise InvalidArgumentError(
                "global_norm: all tensors must have one dtype, got %s"
                % ", ".join(p.dtype.name for p in parts), op="global_norm")
        return sqrt(add_n(parts))
