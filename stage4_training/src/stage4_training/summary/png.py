"""A minimal PNG encoder, for ``summary.image``: 8-bit grayscale, RGB or RGBA.

A PNG file is an 8-byte signature and *chunks*, each ``length, type, data,
CRC-32(type + data)``: ``IHDR`` (width, height, bit depth, colour type),
``IDAT`` (the pixel rows, each prefixed with filter byte 0 = "none", the whole
zlib-compressed) and ``IEND``.

>>> data = encode_png(__import__("numpy").zeros((2, 3, 1), "uint8"))
>>> data[:8], data[12:16]
(b'\\x89PNG\\r\\n\\x1a\\n', b'IHDR')
"""

import struct
import zlib

import numpy as np

__all__ = ["encode_png"]

SIGNATURE = b"\x89PNG\r\n\x1a\n"
COLOR_TYPES = {1: 0, 3: 2, 4: 6}      # channels -> PNG colour type (gray, RGB, RGBA)


def _chunk(kind, data):
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def encode_png(image):
    """``image``: a uint8 array of shape (height, width, channels), channels 1, 3 or 4."""
    height, width, channels = image.shape
    header = struct.pack(">IIBBBBB", width, height, 8, COLOR_TYPES[channels], 0, 0, 0)
    rows = np.concatenate([np.zeros((height, 1), np.uint8),
                           np.ascontiguousarray(image, np.uint8).reshape(height, -1)], axis=1)
    return (SIGNATURE + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(rows.tobytes(), 6)) + _chunk(b"IEND", b""))
