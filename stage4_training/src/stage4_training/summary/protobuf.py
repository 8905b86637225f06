"""A small protocol-buffer encoder: just enough to write TensorBoard's ``Event``.

A protocol buffer message is a sequence of *fields*; each field is a key and
a value. The key is ``field_number << 3 | wire_type``, written as a varint;
the wire type says how the value is written:

====  ================  ==============================================
type  name              value
====  ================  ==============================================
0     varint            an integer, 7 bits per byte, low bits first;
                        the top bit of a byte says "more bytes follow"
1     64-bit            8 bytes little-endian (a ``double``)
2     length-delimited  a varint length, then that many bytes (a string,
                        a nested message, or a *packed* list of numbers)
5     32-bit            4 bytes little-endian (a ``float``)
====  ================  ==============================================

A field that holds its default (0, empty) is simply left out, as protobuf does.

>>> varint(300).hex()                 # 300 = 0b10_0101100 -> 1010_1100 0000_0010
'ac02'
>>> message(field_int(2, 150)).hex()  # field 2, varint 150: the protobuf docs' example
'109601'
"""

import struct

__all__ = ["varint", "key", "field_int", "field_double", "field_float", "field_bytes",
           "field_message", "field_packed_doubles", "field_packed_floats", "message"]

VARINT, FIXED64, LENGTH_DELIMITED, FIXED32 = 0, 1, 2, 5


def varint(value):
    """``value`` (an int >= 0; a negative int64 as its two's complement) as a varint."""
    if value < 0:
        value += 1 << 64
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def key(number, wire_type):
    """A field's key: its number and wire type in one varint."""
    return varint(number << 3 | wire_type)


def field_int(number, value):
    """An integer field (int32, int64, enum, bool); nothing if 0."""
    return key(number, VARINT) + varint(int(value)) if value else b""


def field_double(number, value):
    """A ``double`` field: 8 bytes; nothing if 0.0."""
    return key(number, FIXED64) + struct.pack("<d", value) if value else b""


def field_float(number, value):
    """A ``float`` field: 4 bytes; nothing if 0.0."""
    return key(number, FIXED32) + struct.pack("<f", value) if value else b""


def field_bytes(number, value, always=False):
    """A ``string``/``bytes`` field (str is written as UTF-8); nothing if empty,
    unless ``always`` (an element of a repeated field)."""
    if isinstance(value, str):
        value = value.encode("utf-8")
    if not value and not always:
        return b""
    return key(number, LENGTH_DELIMITED) + varint(len(value)) + value


def field_message(number, encoded, always=False):
    """A nested message (already encoded) as a length-delimited field."""
    return field_bytes(number, encoded, always=always)


def field_packed_doubles(number, values):
    """A ``repeated double`` field, packed: one length, then 8 bytes per value."""
    values = list(values)
    return field_bytes(number, struct.pack("<%dd" % len(values), *values)) if values else b""


def field_packed_floats(number, values):
    """A ``repeated float`` field, packed: one length, then 4 bytes per value."""
    values = list(values)
    return field_bytes(number, struct.pack("<%df" % len(values), *values)) if values else b""


def message(*fields):
    """A message: its fields one after another (in any order; we keep field order)."""
    return b"".join(fields)
