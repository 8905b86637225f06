"""Matrix multiplication (``matmul``, batched) and its relatives: ``einsum``, ``tensordot``.

``einsum`` is the general op: one equation names every axis of every input,
axes named in the output are kept, the others are summed over. ``tensordot``
is built on it, so both share one kernel and (in stage 2) one gradient.

>>> import stage1_tensors as tf
>>> tf.matmul([[1, 2], [3, 4]], [[5, 6], [7, 8]])
tf.Tensor([[19 22]
           [43 50]], shape=(2, 2), dtype=int32)
>>> tf.einsum("ij,jk->ik", [[1, 2], [3, 4]], [[5, 6], [7, 8]])
tf.Tensor([[19 22]
           [43 50]], shape=(2, 2), dtype=int32)
"""

import string

from ..dispatch import execute
from ..dtypes import NUMBER
from ..errors import InvalidArgumentError
from ..registry import define_op
from .attrs import bool_attr
from .error_scope import error_scope

__all__ = ["matmul", "einsum", "tensordot"]


def _check_matmul(values, attrs):
    a, b = values
    if a.ndim < 2 or b.ndim < 2:
        raise InvalidArgumentError(
            "matmul: both inputs must have rank >= 2, got a %s and b %s; "
            "use tf.expand_dims or tf.tensordot for vectors"
            % (tuple(a.shape), tuple(b.shape)), op="matmul")
    inner_a = a.shape[-2] if attrs.get("transpose_a") else a.shape[-1]
    inner_b = b.shape[-1] if attrs.get("transpose_b") else b.shape[-2]
    if inner_a != inner_b:
        flags = "".join(", %s=True" % k for k in ("transpose_a", "transpose_b")
                        if attrs.get(k))
        raise InvalidArgumentError(
            "matmul: inner dimensions must match, got a %s and b %s%s"
            % (tuple(a.shape), tuple(b.shape), flags), op="matmul")


MatMul = define_op("MatMul", "matmul", inputs=("a", "b"), dtypes=NUMBER,
                   check=_check_matmul)


@MatMul.kernel
def _matmul(xp, a, b, transpose_a=False, transpose_b=False):
    if transpose_a:
        a = a.swapaxes(-1, -2)     # the method: np.swapaxes is a slow Python wrapper
    if transpose_b:
        b = b.swapaxes(-1, -2)
    return xp.matmul(a, b)


_NO_TRANSPOSE = {}


def _conjugated(x, adjoint, which):
    """``x``, conjugated when ``adjoint_<which>`` asks for it and ``x`` is complex."""
    from .complex_ops import conj, holds_complex
    if adjoint is False or not bool_attr(adjoint, "adjoint_" + which, "matmul") \
            or not holds_complex(x):
        return x
    return conj(x)


def _transposed(transpose, adjoint, which):
    if transpose is True or adjoint is True:
        return True
    return (bool_attr(transpose, "transpose_" + which, "matmul")
            or bool_attr(adjoint, "adjoint_" + which, "matmul"))


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False,
           adjoint_b=False, name=None):
    """Matrix product of the last two axes; leading (batch) axes broadcast.

    ``transpose_a``/``transpose_b`` transpose the last two axes first;
    ``adjoint_*`` also conjugates a complex input (for real numbers it is a transpose).

    >>> import stage1_tensors as tf
    >>> x = [[2.]]
    >>> tf.matmul(x, x)
    tf.Tensor([[4.]], shape=(1, 1), dtype=float32)
    >>> tf.matmul(tf.ones([5, 2, 3]), tf.ones([5, 4, 3]), transpose_b=True).shape
    TensorShape([5, 2, 4])
    """
    if adjoint_a is not False or adjoint_b is not False:
        a, b = _conjugated(a, adjoint_a, "a"), _conjugated(b, adjoint_b, "b")
    if transpose_a is not False or adjoint_a is not False:
        transpose_a = _transposed(transpose_a, adjoint_a, "a")
    if transpose_b is not False or adjoint_b is not False:
        transpose_b = _transposed(transpose_b, adjoint_b, "b")
    if not (transpose_a or transpose_b):
        return execute(MatMul, (a, b), _NO_TRANSPOSE)
    return execute(MatMul, (a, b), {"transpose_a": transpose_a,
                                    "transpose_b": transpose_b})


# --- einsum ------------------------------------------------------------------------------
_LETTERS = frozenset(string.ascii_letters)


def parse_equation(equation, num_inputs):
    """Splits an einsum equation into input subscripts and output subscripts.

    Returns ``(inputs, output)`` as strings; the output is made explicit
    (NumPy's rule: the letters used exactly once, sorted, after any ``...``).

    >>> from stage1_tensors.ops.linalg_ops import parse_equation
    >>> parse_equation("ij,jk", 2)
    (['ij', 'jk'], 'ik')
    """
    if not isinstance(equation, str):
        raise InvalidArgumentError(
            "einsum: the equation must be a string such as 'ij,jk->ik', got %r"
            % (equation,), op="einsum")
    text = equation.replace(" ", "")
    lhs, arrow, output = text.partition("->")
    inputs = lhs.split(",")
    problem = None
    if len(inputs) != num_inputs:
        problem = "it names %d inputs but %d were given" % (len(inputs), num_inputs)
    elif any(set(part.replace("...", "")) - _LETTERS for part in inputs + [output]):
        problem = "subscripts must be letters (and '...'), separated by ',' and '->'"
    elif not arrow:
        letters = "".join(inputs).replace("...", "")
        output = ("..." if "..." in lhs else "") + "".join(
            sorted(c for c in set(letters) if letters.count(c) == 1))
    elif "..." in lhs and "..." not in output:
        problem = "an input has '...', so the output must keep '...' too"
    elif len(set(output.replace("...", ""))) != len(output.replace("...", "")):
        problem = "the output repeats a letter"
    elif set(output.replace("...", "")) - set(lhs):
        problem = "the output has letters that no input has"
    if problem:
        raise InvalidArgumentError(
            "einsum: bad equation %r: %s" % (equation, problem), op="einsum")
    return inputs, output


def _check_einsum(values, attrs):
    inputs, _ = parse_equation(attrs["equation"], len(values))
    sizes = {}
    for sub, v in zip(inputs, values):
        named = sub.replace("...", "")
        if ("..." in sub and v.ndim < len(named)) or ("..." not in sub and v.ndim != len(named)):
            raise InvalidArgumentError(
                "einsum: subscripts %r name %d axes but the input has shape %s (equation %r)"
                % (sub, len(named), tuple(v.shape), attrs["equation"]), op="einsum")
        head, _, tail = sub.partition("...")
        dims = list(zip(head, v.shape)) + list(zip(tail, v.shape[v.ndim - len(tail):]))
        for letter, size in dims:
            if sizes.setdefault(letter, size) != size:
                raise InvalidArgumentError(
                    "einsum: axis %r has size %d in one input and %d in another; shapes %s "
                    "(equation %r)" % (letter, sizes[letter], size,
                                       ", ".join(str(tuple(u.shape)) for u in values),
                                       attrs["equation"]), op="einsum")


Einsum = define_op("Einsum", "einsum", inputs=("inputs",), dtypes=NUMBER,
                   variadic=True, check=_check_einsum)


@Einsum.kernel
def _einsum(xp, *operands, equation):
    # optimize=True lets NumPy contract through BLAS (tensordot) when it can.
    return xp.einsum(equation, *operands, optimize=len(operands) > 1)


def einsum(equation, *inputs, **kwargs):
    """Sums products of the inputs' elements as the equation says (NumPy's ``einsum``).

    >>> import stage1_tensors as tf
    >>> tf.einsum("ij->ji", [[1, 2, 3]]).shape
    TensorShape([3, 1])
    >>> tf.einsum("i,i->", [1.0, 2.0], [3.0, 4.0])
    tf.Tensor(11.0, shape=(), dtype=float32)
    >>> tf.einsum("bij,bjk->bik", tf.ones([5, 2, 3]), tf.ones([5, 3, 4])).shape
    TensorShape([5, 2, 4])
    """
    if not inputs:
        raise InvalidArgumentError("einsum: no inputs given for %r" % (equation,),
                                   op="einsum")
    ins, out = parse_equation(equation, len(inputs))
    return execute(Einsum, (list(inputs),), {"equation": ",".join(ins) + "->" + out})


# --- tensordot --------------------------------------------------------------------------------
def _tensordot_axes(axes, rank_a, rank_b):
    """TensorFlow's ``axes`` argument as two lists of non-negative axis numbers."""
    if hasattr(axes, "numpy"):
        axes = axes.numpy()
    if hasattr(axes, "tolist"):
        axes = axes.tolist()
    if isinstance(axes, int) and not isinstance(axes, bool):
        if not 0 <= axes <= min(rank_a, rank_b):
            raise ValueError("an int axes must be in 0..%d (the smaller rank)"
                             % min(rank_a, rank_b))
        return list(range(rank_a - axes, rank_a)), list(range(axes))
    if not isinstance(axes, (list, tuple)) or len(axes) != 2:
        raise ValueError("axes must be an int or a pair of axis lists")
    a_axes, b_axes = ([x] if isinstance(x, int) else list(x) for x in axes)
    if len(a_axes) != len(b_axes):
        raise ValueError("the two axis lists have different lengths")
    for axis_list, rank in ((a_axes, rank_a), (b_axes, rank_b)):
        for i, ax in enumerate(axis_list):
            if not isinstance(ax, int) or not -rank <= ax < rank:
                raise ValueError("axis %r is out of range for rank %d" % (ax, rank))
            axis_list[i] = ax % rank
        if len(set(axis_list)) != len(axis_list):
            raise ValueError("an axis is listed twice")
    return a_axes, b_axes


def tensordot(a, b, axes, name=None):
    """Sums ``a * b`` over the paired ``axes``; the other axes of ``a`` then ``b`` remain.

    ``axes`` is an int N (the last N axes of ``a`` with the first N of ``b``)
    or a pair of lists ``[[axes of a], [axes of b]]``.

    >>> import stage1_tensors as tf
    >>> tf.tensordot([[1, 2], [3, 4]], [[1, 0], [0, 1]], axes=1)
    tf.Tensor([[1 2]
               [3 4]], shape=(2, 2), dtype=int32)
    >>> tf.tensordot(tf.ones([3, 4, 5]), tf.ones([4, 3, 2]), [[1, 0], [0, 1]]).shape
    TensorShape([5, 2])
    """
    from ..convert import convert_to_tensor
    with error_scope("tensordot"):
        a, b = convert_to_tensor(a), convert_to_tensor(b)
        try:
            a_axes, b_axes = _tensordot_axes(axes, a.ndim, b.ndim)
            for i, j in zip(a_axes, b_axes):
                if a.shape[i] != b.shape[j]:
                    raise ValueError("a's axis %d has size %d but b's axis %d has size %d"
                                     % (i, a.shape[i], j, b.shape[j]))
        except (ValueError, TypeError) as error:
            raise InvalidArgumentError(
                "tensordot: %s (a %s, b %s, axes %r)"
                % (error, tuple(a.shape), tuple(b.shape), axes), op="tensordot") from None
        if a.ndim + b.ndim > len(string.ascii_letters):
            raise InvalidArgumentError("tensordot: too many axes (%d)" % (a.ndim + b.ndim),
                                       op="tensordot")
        letters = iter(string.ascii_letters)
        sub_a = [next(letters) for _ in range(a.ndim)]
        sub_b = [next(letters) for _ in range(b.ndim)]
        for i, j in zip(a_axes, b_axes):
            sub_b[j] = sub_a[i]
        out = [c for i, c in enumerate(sub_a) if i not in a_axes] + \
              [c for j, c in enumerate(sub_b) if j not in b_axes]
        return einsum("%s,%s->%s" % ("".join(sub_a), "".join(sub_b), "".join(out)), a, b)
