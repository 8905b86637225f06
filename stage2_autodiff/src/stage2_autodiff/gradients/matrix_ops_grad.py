"""Gradients of ``tf.linalg``'s ops (``stage1_tensors/ops/matrix_ops.py``).

The rules are TensorFlow's (``linalg_grad.py``), written with public ops so
they can be differentiated again. Two shapes of argument recur:

* ``inv``, ``solve`` and ``det`` differentiate ``A^-1``: ``d(A^-1) = -A^-1 dA A^-1``.
* ``cholesky``, ``eigh`` and ``svd`` read only part of their input (a triangle,
  or the symmetric part), so their gradient is the one for a symmetric change.

``trace`` and ``matrix_transpose`` are built from other ops and need no rule;
``norm``'s matrix 2-norm goes through ``svd``.

>>> import stage2_autodiff as tf
>>> a = tf.constant([[2.0, 0.0], [0.0, 4.0]])
>>> with tf.GradientTape() as tape:
...     tape.watch(a)
...     d = tf.linalg.det(a)
>>> tape.gradient(d, a)                  # det(A) * inv(A)^T
tf.Tensor([[4. 0.]
           [0. 2.]], shape=(2, 2), dtype=float32)
"""

import stage1_tensors as tf
from stage1_tensors.errors import UnimplementedError

from ..registry import RegisterGradient

__all__ = []

_T = tf.linalg.matrix_transpose


def _safe_reciprocal(x, epsilon=1e-20):
    """``1 / x``, but 0 (not inf) where ``x`` is 0: TensorFlow's ``_SafeReciprocal``."""
    return x * tf.math.reciprocal(x * x + epsilon)


def _off_diagonal(x):
    """``x`` with its main diagonal (over the last two axes) set to zero."""
    return x - tf.linalg.diag(tf.linalg.diag_part(x))


@RegisterGradient("MatrixInverse")
def _inv_grad(op, grad):
    ainv = op.outputs[0]
    adjoint = op.attrs["adjoint"]
    return -tf.matmul(ainv, tf.matmul(grad, ainv, transpose_a=adjoint,
                                      transpose_b=not adjoint), transpose_a=not adjoint)


@RegisterGradient("MatrixDeterminant")
def _det_grad(op, grad):
    a, = op.inputs
    scale = tf.expand_dims(tf.expand_dims(grad * op.outputs[0], -1), -1)
    return scale * tf.linalg.inv(a, adjoint=True)


@RegisterGradient("MatrixSolve")
def _solve_grad(op, grad):
    a, _ = op.inputs
    adjoint = op.attrs["adjoint"]
    c = op.outputs[0]
    grad_b = tf.linalg.solve(a, grad, adjoint=not adjoint)
    if adjoint:
        grad_a = -tf.matmul(c, grad_b, transpose_b=True)
    else:
        grad_a = -tf.matmul(grad_b, c, transpose_b=True)
    return grad_a, grad_b


@RegisterGradient("Cholesky")
def _cholesky_grad(op, grad):
    l = op.outputs[0]  # noqa: E741  (the factor's usual name)
    l_inverse = tf.linalg.inv(l)
    middle = tf.matmul(l, grad, transpose_a=True)
    middle = tf.linalg.band_part(middle, -1, 0) - 0.5 * tf.linalg.diag(
        tf.linalg.diag_part(middle))
    grad_a = tf.matmul(tf.matmul(l_inverse, middle, transpose_a=True), l_inverse)
    return 0.5 * (grad_a + _T(grad_a))


@RegisterGradient("Qr")
def _qr_grad(op, dq, dr):
    q, r = op.outputs
    m, n = op.inputs[0]._value.shape[-2:]
    if m < n or (m > n and q._value.shape[-1] == m):
        raise UnimplementedError(
            "qr: the gradient is implemented for square and tall matrices (M >= N) with "
            "full_matrices=False only, got shape %s" % (tuple(op.inputs[0]._value.shape),),
            op="qr")

    def times_inverse_of_r_transposed(x):          # x @ r^-T
        return tf.matmul(x, tf.linalg.inv(r), transpose_b=True)

    qdq = tf.matmul(q, dq, transpose_a=True)
    rdr = tf.matmul(r, dr, transpose_b=True)
    tril = tf.linalg.band_part(qdq - _T(qdq) + rdr - _T(rdr), -1, 0)
    grad_a = tf.matmul(q, dr + times_inverse_of_r_transposed(tril))
    return grad_a + times_inverse_of_r_transposed(dq - tf.matmul(q, qdq))


@RegisterGradient("SelfAdjointEigV2")
def _eigh_grad(op, grad_e, grad_v):
    e, v = op.outputs
    # f[i, j] = 1 / (e[j] - e[i]) off the diagonal (0 where eigenvalues repeat).
    f = _off_diagonal(_safe_reciprocal(tf.expand_dims(e, -2) - tf.expand_dims(e, -1)))
    inner = tf.linalg.diag(grad_e) + f * tf.matmul(v, grad_v, transpose_a=True)
    grad_a = tf.matmul(v, tf.matmul(inner, v, transpose_b=True))
    # The forward op reads only the lower triangle: fold the upper half onto it.
    grad_a = tf.linalg.band_part(grad_a + _T(grad_a), -1, 0)
    return grad_a - 0.5 * tf.linalg.diag(tf.linalg.diag_part(grad_a))


@RegisterGradient("Svd")
def _svd_grad(op, grad_s, grad_u=None, grad_v=None):
    a, = op.inputs
    if not op.attrs["compute_uv"]:
        _, u, v = tf.linalg.svd(a)
        return tf.matmul(u, tf.matmul(tf.linalg.diag(grad_s), v, transpose_b=True))
    m, n = a._value.shape[-2:]
    if op.attrs["full_matrices"] and m != n:
        raise UnimplementedError(
            "svd: the gradient of a non-square matrix is implemented for "
            "full_matrices=False only, got shape %s" % (tuple(a._value.shape),), op="svd")
    s, u, v = op.outputs
    transposed = m > n
    if transposed:             # work on A^T = V S U^T, transpose the answer at the end
        m, n = n, m
        u, v, grad_u, grad_v = v, u, grad_v, grad_u
    s_mat = tf.linalg.diag(s)
    s2 = s * s
    f = _off_diagonal(_safe_reciprocal(tf.expand_dims(s2, -2) - tf.expand_dims(s2, -1)))
    f_u = f * tf.matmul(u, grad_u, transpose_a=True)
    f_v = f * tf.matmul(v, grad_v, transpose_a=True)
    inner = (tf.linalg.diag(grad_s) + tf.matmul(f_u + _T(f_u), s_mat)
             + tf.matmul(s_mat, f_v + _T(f_v)))
    grad_a = tf.matmul(u, tf.matmul(inner, v, transpose_b=True))
    if m != n:                 # the part of grad_v outside v's column space
        gvt = _T(grad_v)
        rest = gvt - tf.matmul(tf.matmul(gvt, v), v, transpose_b=True)
        grad_a = grad_a + tf.matmul(tf.matmul(u, tf.linalg.diag(_safe_reciprocal(s))), rest)
    return _T(grad_a) if transposed else grad_a


@RegisterGradient("MatrixDiagV3")
def _diag_grad(op, grad):
    return tf.linalg.diag_part(grad, k=op.attrs["k"])


@RegisterGradient("MatrixDiagPartV3")
def _diag_part_grad(op, grad):
    x = op.inputs[0]
    m, n = x._value.shape[-2:]
    k = op.attrs["k"]
    full = tf.linalg.diag(grad, k=k)       # square, of size len(diagonal) + |k|
    size = full._value.shape[-1]
    # Pad or cut it to x's m x n.
    pad = [[0, 0]] * (x.ndim - 2) + [[0, max(m - size, 0)], [0, max(n - size, 0)]]
    if any(p for row in pad for p in row):
        full = tf.pad(full, pad)
    if full._value.shape[-2:] != (m, n):
        full = full[..., :m, :n]
    return full


@RegisterGradient("MatrixBandPart")
def _band_part_grad(op, grad):
    return tf.linalg.band_part(grad, op.attrs["num_lower"], op.attrs["num_upper"])

