"""Flattening nested structures of tensors (lists, tuples, dicts) and back.

``GradientTape.gradient`` accepts sources in any such structure and answers in
the same structure; these two helpers do the bookkeeping. Dict entries are
visited in sorted key order, and a packed dict keeps its structure's key order,
both as in TensorFlow's ``tf.nest``.

>>> from stage2_autodiff import nest
>>> nest.flatten({"b": [1, 2], "a": (3,)})
[3, 1, 2]
>>> nest.pack_sequence_as({"b": [1, 2], "a": (3,)}, ["x", "y", "z"])
{'b': ['y', 'z'], 'a': ('x',)}
"""

from stage1_tensors.tensor import Tensor

__all__ = ["flatten", "pack_sequence_as"]


def _is_nested(x):
    return isinstance(x, (list, tuple, dict)) and not isinstance(x, Tensor)


def flatten(structure):
    """The leaves of ``structure`` in order (a tensor alone is one leaf).

    >>> from stage2_autodiff import nest
    >>> nest.flatten([1, (2, [3])])
    [1, 2, 3]
    """
    kind = type(structure)
    if kind is list or kind is tuple:
        for item in structure:          # fast path: a flat list of leaves
            if _is_nested(item):
                break
        else:
            return list(structure)
    elif not _is_nested(structure):
        return [structure]
    flat, stack = [], [structure]
    while stack:                          # iterative: deep nesting is fine
        item = stack.pop()
        if not _is_nested(item):
            flat.append(item)
        elif isinstance(item, dict):
            stack.extend(item[k] for k in reversed(sorted(item)))
        else:
            stack.extend(reversed(item))
    return flat


def pack_sequence_as(structure, flat):
    """``flat`` (a list of leaves) arranged like ``structure``.

    >>> from stage2_autodiff import nest
    >>> nest.pack_sequence_as([0, (0, 0)], [1, 2, 3])
    [1, (2, 3)]
    """
    if not _is_nested(structure):
        return flat[0]
    if type(structure) is list:
        for item in structure:          # fast path: a flat list of leaves
            if _is_nested(item):
                break
        else:
            return list(flat)
    leaves = iter(flat)

    def pack(item):
        if not _is_nested(item):
            return next(leaves)
        if isinstance(item, dict):
            # Leaves are taken in sorted-key order (as ``flatten`` gives them), and
            # the dict is rebuilt in the structure's own key order, as TF's nest does.
            packed = {k: pack(item[k]) for k in sorted(item)}
            return type(item)((k, packed[k]) for k in item)
        values = [pack(v) for v in item]
        if isinstance(item, tuple) and hasattr(item, "_fields"):    # namedtuple
            return type(item)(*values)
        return type(item)(values)
    return pack(structure)
