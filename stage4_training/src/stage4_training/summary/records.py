"""TFRecord framing: how an event file cuts its byte stream into records.

An event file is nothing but records laid end to end, each one::

    uint64  length               8 bytes, little-endian: len(data)
    uint32  masked_crc32c(length) 4 bytes, little-endian
    bytes   data                 `length` bytes: one serialized Event
    uint32  masked_crc32c(data)  4 bytes, little-endian

The length has its own checksum so a reader can trust it before reading that
many bytes; a record cut short by a crash is detected, not misread.

>>> record = frame(b"hi")
>>> len(record)                     # 8 + 4 + 2 + 4
18
>>> list(read_records(record))
[b'hi']
"""

import struct

from .crc32c import masked_crc32c


def frame(data):
    """One TFRecord holding ``data`` (bytes): length, its CRC, data, its CRC.

    >>> frame(b"hi")[:8].hex()          # the length, 2, as a little-endian uint64
    '0200000000000000'
    """
    length = struct.pack("<Q", len(data))
    return (length + struct.pack("<I", masked_crc32c(length))
            + data + struct.pack("<I", masked_crc32c(data)))


def read_records(buffer):
    """Yield the data of each TFRecord in ``buffer`` (bytes), checking both CRCs.

    Raises ``ValueError`` naming the offset of a record that is cut short or
    fails its checksum.

    >>> list(read_records(frame(b"a") + frame(b"bc")))
    [b'a', b'bc']
    """
    offset = 0
    while offset < len(buffer):
        header = buffer[offset:offset + 12]
        if len(header) < 12:
            raise ValueError(f"truncated record header at byte {offset}")
        length_bytes, (length_crc,) = header[:8], struct.unpack("<I", header[8:])
        if masked_crc32c(length_bytes) != length_crc:
            raise ValueError(f"record at byte {offset}: the length's CRC does not match")
        (length,) = struct.unpack("<Q", length_bytes)
        data = buffer[offset + 12:offset + 12 + length]
        footer = buffer[offset + 12 + length:offset + 16 + length]
        if len(data) < length or len(footer) < 4:
            raise ValueError(f"record at byte {offset} is truncated")
        if masked_crc32c(data) != struct.unpack("<I", footer)[0]:
            raise ValueError(f"record at byte {offset}: the data's CRC does not match")
        yield data
        offset += 16 + length
