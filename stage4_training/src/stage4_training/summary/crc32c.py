"""CRC-32C, the checksum that guards every record of an event file.

A CRC is the remainder of dividing the data, read as one long binary number, by a
fixed polynomial. CRC-32C (Castagnoli) uses the polynomial 0x1EDC6F41; written
bit-reversed, as the byte-at-a-time algorithm below needs it, that is 0x82F63B78.
The table holds the remainder of every possible byte, so each byte of input costs
one table lookup, one shift and one XOR.

TFRecord files store a *masked* CRC: rotated right by 15 bits plus a constant, so
that a CRC stored inside data that is itself checksummed does not weaken the outer
checksum.

>>> hex(crc32c(b"123456789"))      # the standard check value of CRC-32C
'0xe3069283'
>>> hex(masked_crc32c(b""))
'0xa282ead8'
"""

POLYNOMIAL = 0x82F63B78  # CRC-32C's polynomial 0x1EDC6F41, bit-reversed
MASK_DELTA = 0xA282EAD8  # the constant TFRecord adds when masking a CRC


def _byte_remainder(byte):
    """The CRC of one byte on its own: eight steps of shift-and-maybe-XOR."""
    crc = byte
    for _ in range(8):
        crc = (crc >> 1) ^ POLYNOMIAL if crc & 1 else crc >> 1
    return crc


TABLE = [_byte_remainder(b) for b in range(256)]


def crc32c(data):
    """CRC-32C of ``data`` (bytes), as an unsigned 32-bit int.

    >>> crc32c(b"a")
    3251651376
    """
    crc = 0xFFFFFFFF
    for byte in data:
        crc = TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def mask(crc):
    """Mask a CRC as TFRecord stores it: rotate right by 15 bits, add MASK_DELTA.

    >>> hex(mask(0))
    '0xa282ead8'
    """
    rotated = ((crc >> 15) | (crc << 17)) & 0xFFFFFFFF
    return (rotated + MASK_DELTA) & 0xFFFFFFFF


def masked_crc32c(data):
    """The masked CRC-32C of ``data``: what a TFRecord stores after each part.

    >>> hex(masked_crc32c(b"123456789"))
    '0xc78ab0e5'
    """
    return mask(crc32c(data))
