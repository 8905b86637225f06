"""Assertions that several test modules share.

Errors teach (DESIGN.md, principle 6): a bad call raises ``InvalidArgumentError``
whose message names the op and the shapes, dtypes or values involved. The op
tests keep tables of bad calls and check each one with ``assert_teaches``.
"""

import pytest

from stage1_tensors.errors import InvalidArgumentError


def assert_teaches(call, words, op=None):
    """``call()`` raises ``InvalidArgumentError`` naming every one of ``words``.

    With ``op``, the message must also start with ``"op:"``, the way every op
    error begins. Returns the message for further checks.
    """
    with pytest.raises(InvalidArgumentError) as info:
        call()
    message = str(info.value)
    if op is not None:
        assert message.startswith(op + ":"), message
    for word in words:
        assert word in message, "%r not in %r" % (word, message)
    return message
