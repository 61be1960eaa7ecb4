"""Exact decimal-to-float64 conversion of many number tokens at once, with numpy.

``np.fromstring`` costs 250-650 ns per token; this module reads the same tokens bit for
bit as Python's ``float()`` in well under half of that for large arrays (see
``benchmarks/float_parsing.py``), by doing every step for all tokens of a block together
(so each array costs a fixed ~0.3-0.5 ms on top: about 200 numpy calls):

1. *Scan* (SWAR, "SIMD within a register"): each token's first 8K bytes are read as K
   little-endian uint64 words; one shift and mask per class marks digits, ``e``/``E``,
   signs and the dot, and a multiplication gathers each class into a bit mask per
   token.  The grammar ``[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?`` is then a few bit
   tests on those masks.
2. *Digits*: the dot is squeezed out of the words, eight digits per word are summed
   with the three multiplications of fast_float's ``parse_eight_digits_unrolled``, and
   the words are joined into the mantissa ``w`` (uint64, exact while ``w < 2**64``),
   with the decimal exponent ``q`` (explicit exponent minus digits after the dot).
3. *Value*: Clinger's fast path where ``w <= 2**53`` and ``|q| <= 22`` (one correctly
   rounded multiplication or division); elsewhere the Eisel-Lemire algorithm (Lemire,
   "Number Parsing at a Gigabyte per Second", 2021, with the round-to-even rule and the
   no-fallback result of Mushtak & Lemire, "Fast Number Parsing Without Fallback", 2023,
   as in fast_float and Go's ``strconv``), with a 128-bit table of powers of five built
   at import from exact Python integers and 64x64->128-bit products from 32-bit halves.

A token the method does not settle (more than ~19 significant digits, a subnormal or
overflowing result, a long exponent, a token over 32 bytes, an undecidable product)
gets ``ok=False``, and the caller converts it the slow way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["to_float64", "read_decimals"]

BLOCK = 32768  # tokens converted together: their words stay in the CPU cache
MAX_BYTES = 32  # longer tokens are left to the caller (ok=False)
MIN_Q, MAX_Q = -342, 308  # decimal exponents of the power table; beyond, the result is 0 or inf

_U = np.uint64
_ONES = _U(0x0101010101010101)
_LOW_NIBBLES = _U(0x0F0F0F0F0F0F0F0F)
_GATHER = _U(0x0102040810204080)  # (flags * _GATHER) >> 56: bit j <- the 0/1 flag in byte j
_M32 = _U(0xFFFFFFFF)
_TWO_53 = _U(1 << 53)
_TWO_64_SAFE = 1.8e19  # below 2**64 by more than the rounding error of a float estimate of w

# x87 extended precision (64-bit significand): w and 10**k (k <= 27, as 5**27 < 2**64) are exact there, so
# w * 10**q is one correctly rounded operation, and rounding that to a double is exact unless it lies
# exactly halfway between two doubles (its 11 low bits 0x400), which Eisel-Lemire then settles
_EXTENDED = np.finfo(np.longdouble).nmant == 63 and np.dtype(np.longdouble).itemsize == 16
_EXTENDED_Q = 27
_POW10_EXTENDED = np.cumprod(np.r_[1, np.full(_EXTENDED_Q, 10)].astype(np.longdouble))

# Clinger's fast path: w * _SCALE_UP[q + 22] / _SCALE_DOWN[q + 22], one of them 1.0, for |q| <= 22
_SCALE_UP = np.array([10.0 ** max(q, 0) for q in range(-22, 23)])
_SCALE_DOWN = np.array([10.0 ** max(-q, 0) for q in range(-22, 23)])

# Per-word tables indexed by c + _SLOT, where c = (a byte count) - 8k for word k:
_SLOT = MAX_BYTES
_COUNTS = np.arange(-_SLOT, 2 * MAX_BYTES + 1)
_KEEP = np.array([(1 << (8 * min(max(c, 0), 8))) - 1 for c in _COUNTS], dtype=np.uint64)  # first c bytes
_ALIGN = np.array([8 * min(max(8 - c, 0), 8) for c in _COUNTS], dtype=np.uint64)  # moves c bytes to the top
_WEIGHT = np.array([10 ** min(max(c - 8, 0), 19) for c in _COUNTS], dtype=np.uint64)  # 10**(digits after)
_WEIGHT_F64 = np.array([10.0 ** max(c - 8, 0) for c in _COUNTS])


def _power_of_five_table() -> tuple[np.ndarray, np.ndarray]:
    """The 128-bit mantissa of 5**q (top bit set), hi and lo words, for q in [MIN_Q, MAX_Q].

    Truncated for q >= 0, rounded up by one unit for q < 0, as in fast_float's table
    (``script/table_generation.py``), which the Mushtak-Lemire bound assumes.
    """
    hi, lo = [], []
    for q in range(MIN_Q, MAX_Q + 1):
        if q >= 0:
            m = 5**q
            m = m << (128 - m.bit_length()) if m.bit_length() <= 128 else m >> (m.bit_length() - 128)
        else:
            p = 5**-q
            z = (p - 1).bit_length()
            m = (1 << (z + 127 if q >= -27 else 2 * z + 128)) // p + 1
            m >>= max(0, m.bit_length() - 128)
        hi.append(m >> 64)
        lo.append(m & ((1 << 64) - 1))
    return np.array(hi, dtype=np.uint64), np.array(lo, dtype=np.uint64)


_POW5_HI, _POW5_LO = _power_of_five_table()


def to_float64(data: np.ndarray, start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each token ``data[start[i]:end[i]]`` as float64, and ``ok[i]``: it is a decimal number read exactly.

    ``data`` is uint8; the tokens are runs of ``[0-9+-.eE]`` (other bytes, such as the
    letters of ``nan``, make a token fail).  Where ``ok`` is True the value is bit for
    bit ``float(token)``; elsewhere the value means nothing: the token is no number, or
    one left to the caller (see the module docstring).
    """
    values, ok, _ = read_decimals(data, start, end)
    return values, ok


def read_decimals(data: np.ndarray, start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`to_float64`, and per token whether it has neither dot nor exponent (an integer; where ``ok``)."""
    start = np.asarray(start, dtype=np.int64)
    end = np.asarray(end, dtype=np.int64)
    values = np.zeros(len(start))
    ok = np.zeros(len(start), dtype=bool)
    integral = np.zeros(len(start), dtype=bool)
    if len(start) == 0:
        return values, ok, integral
    padded = np.concatenate([np.asarray(data, dtype=np.uint8), np.zeros(MAX_BYTES + 8, dtype=np.uint8)])
    for first in range(0, len(start), BLOCK):
        part = slice(first, first + BLOCK)
        values[part], ok[part], integral[part] = _convert_block(padded, start[part], end[part] - start[part])
    return values, ok, integral


def _convert_block(padded: np.ndarray, start: np.ndarray,
                   length: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One block of tokens: scan, digits, value (see the module docstring); and which are integers."""
    length = np.minimum(length, MAX_BYTES + 1)  # a longer token only fails (and keeps tables in range)
    count = min(max(1, -(-int(length.max()) // 8)), MAX_BYTES // 8)
    window = np.ndarray((len(padded) - 8 * count + 1, 8 * count), np.uint8, buffer=padded, strides=(1, 1))
    words = np.ascontiguousarray(window[start].view(np.uint64).T)  # (count, n): word k of every token
    scan = _scan(words, length)
    w, w_fits = _mantissa(scan)
    q = -scan.fraction_digits
    ok = scan.ok & w_fits & (length <= MAX_BYTES)
    has_exponent = scan.mantissa_end < length
    integral = ~has_exponent & (scan.dot == 64)
    if has_exponent.any():
        exponent, exponent_ok = _exponent(padded, start, length, scan)
        q += exponent
        ok &= exponent_ok
    bits, value_ok = _to_bits(w, q)
    bits |= scan.negative.astype(np.uint64) << _U(63)
    return bits.view(np.float64), ok & value_ok, integral


@dataclass(slots=True)
class _Scan:
    """Where the parts of each token are, from its class bit masks (one entry per token)."""

    ok: np.ndarray  # the token fits the grammar
    negative: np.ndarray
    mantissa_end: np.ndarray  # index of 'e', or the length
    dot: np.ndarray  # index of '.', or 64 when there is none
    exponent_start: np.ndarray  # index after 'e'
    fraction_digits: np.ndarray
    digits: np.ndarray  # (words, n): each byte's digit value, 0 at other bytes


_CLASS_BITS = np.array([4, 6, 0], dtype=np.uint64)[:, None, None]  # digit, e/E, odd
_WORD_SHIFTS = np.array([8 * k for k in range(MAX_BYTES // 8)], dtype=np.uint64)[:, None]


def _class_masks(words: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Digit values per byte (0 elsewhere), and bit masks (bit j = byte j) of digits, ``e``/``E`` and odd bytes.

    In the alphabet ``[0-9+-.eE]`` only digits have bit 4 set, only ``e``/``E`` bit 6,
    and among the rest ``+``/``-`` are odd and ``.`` even.
    """
    flags = (words >> _CLASS_BITS) & _ONES  # (3, words, n): byte value 1 where the class bit is set
    digits = words & (flags[0] * _U(0x0F))
    flags *= _GATHER
    flags >>= _U(56)  # each word's 8-bit mask
    flags <<= _WORD_SHIFTS[: words.shape[0]]
    masks = np.bitwise_or.reduce(flags, axis=1)
    return digits, masks[0], masks[1], masks[2]


def _bit_index(single_bit: np.ndarray) -> np.ndarray:
    """Index of the set bit of each one-bit mask (64 for 0)."""
    return np.bitwise_count(single_bit - _U(1)).astype(np.int64)


def _scan(words: np.ndarray, length: np.ndarray) -> _Scan:
    """Check the grammar with bit tests and locate sign, dot, exponent."""
    full = (_U(1) << length.astype(np.uint64)) - _U(1)
    digits, digit, exp_mark, odd = _class_masks(words)
    digit &= full
    exp_mark &= full
    other = full & ~(digit | exp_mark)
    sign = other & odd
    dot = other & ~odd
    mantissa = (exp_mark - _U(1)) & full  # bits before 'e' (all when there is none)
    last_is_digit = (digit >> (length - 1).astype(np.uint64)) & _U(1)
    bad = exp_mark & (exp_mark - _U(1))  # a second 'e'
    bad |= dot & (dot - _U(1))  # a second dot
    bad |= dot & ~mantissa  # a dot after 'e'
    bad |= sign & ~(_U(1) | (exp_mark << _U(1)))  # a sign not first nor right after 'e'
    bad |= exp_mark & (last_is_digit - _U(1))  # 'e' without digits after it
    ok = (bad == 0) & ((digit & mantissa) != 0)  # and a digit before 'e'
    mantissa_end = np.bitwise_count(mantissa).astype(np.int64)
    dot_at = _bit_index(dot)  # 64 when there is none
    negative = (words[0] & _U(0xFF)) == _U(ord("-"))
    fraction = np.maximum(mantissa_end - 1 - dot_at, 0)
    return _Scan(ok, negative, mantissa_end, dot_at, mantissa_end + 1, fraction, digits)


def _parse_eight_digits(x: np.ndarray) -> np.ndarray:
    """Each word's 8 byte values (0-15, byte 0 the most significant) as one decimal number."""
    x = ((x * _U(2561)) >> _U(8)) & _U(0x00FF00FF00FF00FF)
    x = ((x * _U(6553601)) >> _U(16)) & _U(0x0000FFFF0000FFFF)
    return (x * _U(42949672960001)) >> _U(32)


def _mantissa(scan: _Scan) -> tuple[np.ndarray, np.ndarray]:
    """The mantissa digits as uint64 ``w``, and whether ``w < 2**64`` (so it is exact)."""
    digits = scan.digits
    # squeeze out the dot: bytes from the dot on take the next byte
    shifted = digits >> _U(8)
    shifted[:-1] |= digits[1:] << _U(56)
    slot = _SLOT - 8 * np.arange(digits.shape[0])[:, None]
    digits = shifted ^ ((digits ^ shifted) & _KEEP[scan.dot + slot])
    # n digit positions before 'e' (a sign counts as a leading 0): move the last word's
    # digits to its top bytes (dropping what follows), clear the words after it
    n = scan.mantissa_end - (scan.dot < 64)
    index = n + slot
    digits <<= _ALIGN[index]
    values = _parse_eight_digits(digits)
    w = (values * _WEIGHT[index]).sum(axis=0, dtype=np.uint64)
    fits = n <= 19  # then w < 10**19 < 2**64
    if not fits.all():  # leading zeros may still leave w < 2**64
        long = np.flatnonzero(~fits)
        estimate = (values[:, long].astype(np.float64) * _WEIGHT_F64[index[:, long]]).sum(axis=0)
        fits[long] = estimate < _TWO_64_SAFE
    return w, fits


def _exponent(padded: np.ndarray, start: np.ndarray, length: np.ndarray, scan: _Scan) -> tuple[np.ndarray, np.ndarray]:
    """The explicit exponent (0 without 'e'), and whether it was read (at most 8 digits)."""
    at = np.minimum(scan.exponent_start, length)  # == length when there is no 'e'
    unaligned = np.ndarray((len(padded) - 7,), dtype=np.uint64, buffer=padded, strides=(1,))
    x = unaligned[start + at]  # the 8 bytes from 'e' + 1 on
    signed = (x & _U(0x10)) == 0  # first byte is '+' or '-', not a digit
    minus = signed & ((x & _U(2)) == 0)
    x >>= signed.astype(np.uint64) << _U(3)
    count = length - at - signed
    x <<= _ALIGN[count + _SLOT]  # right-align; drops the bytes after
    value = _parse_eight_digits(x & _LOW_NIBBLES).astype(np.int64)
    value *= 1 - 2 * minus.astype(np.int64)
    return value, count <= 8  # no 'e': count 0, value 0


def _to_bits(w: np.ndarray, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The float64 bits of ``w * 10**q`` (sign not set), and whether they are exact."""
    bits, ok = _extended_to_bits(w, q) if _EXTENDED else _clinger_to_bits(w, q)
    zero = np.flatnonzero(w == 0)  # 0.0 whatever q (only its sign, set by the caller)
    bits[zero], ok[zero] = 0, True
    return bits, ok


def _clinger_to_bits(w: np.ndarray, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_to_bits` by Clinger's fast path where it applies, Eisel-Lemire elsewhere."""
    clinger = (w <= _TWO_53) & (q >= -22) & (q <= 22)
    if 2 * np.count_nonzero(clinger) < len(w):  # Eisel-Lemire for all, cheaper than picking its tokens out
        bits, ok = _eisel_lemire(w, q)
    else:
        bits, ok = np.zeros(len(w), dtype=np.uint64), np.ones(len(w), dtype=bool)
        rest = np.flatnonzero(~clinger)
        bits[rest], ok[rest] = _eisel_lemire(w[rest], q[rest])
    if clinger.any():
        idx = np.flatnonzero(clinger)
        slot = q[idx] + 22
        value = w[idx].astype(np.float64) * _SCALE_UP[slot] / _SCALE_DOWN[slot]
        bits[idx], ok[idx] = value.view(np.uint64), True
    return bits, ok


def _extended_to_bits(w: np.ndarray, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_to_bits` through one extended-precision operation, Eisel-Lemire where that may round twice."""
    near = (q >= -_EXTENDED_Q) & (q <= _EXTENDED_Q)
    x = w.astype(np.longdouble)
    power = _POW10_EXTENDED[np.minimum(np.abs(q), _EXTENDED_Q)]
    down = q < 0
    if down.all():
        x /= power
    elif not down.any():
        x *= power
    else:
        x[down] /= power[down]
        x[~down] *= power[~down]
    halfway = (x.view(np.uint64)[0::2] & _U(0x7FF)) == _U(0x400)  # the 64-bit significand, little-endian
    bits = x.astype(np.float64).view(np.uint64)
    ok = near & ~halfway
    if not ok.all():
        rest = np.flatnonzero(~ok)
        bits[rest], ok[rest] = _eisel_lemire(w[rest], q[rest])
    return bits, ok


def _multiply(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The full 128-bit product of uint64 arrays, as (hi, lo), from 32-bit halves."""
    a1, a0 = a >> _U(32), a & _M32
    b1, b0 = b >> _U(32), b & _M32
    low, cross1, cross2 = a0 * b0, a0 * b1, a1 * b0
    middle = (low >> _U(32)) + (cross1 & _M32) + (cross2 & _M32)
    hi = a1 * b1 + (cross1 >> _U(32)) + (cross2 >> _U(32)) + (middle >> _U(32))
    return hi, (middle << _U(32)) | (low & _M32)


def _leading_zeros(w: np.ndarray) -> np.ndarray:
    """Leading zero bits of nonzero uint64 values (the float estimate corrected by one)."""
    _, e = np.frexp(w.astype(np.float64))  # bit length, or one more where w rounded up
    e = e.astype(np.int64)
    e -= (w >> (e - 1).astype(np.uint64)) == 0
    return 64 - e


def _eisel_lemire(w: np.ndarray, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``w * 10**q`` for nonzero uint64 ``w``: (bits, ok); ok False for 0/inf/subnormal results."""
    index = (q - MIN_Q).view(np.uint64)  # huge where q < MIN_Q
    in_table = index <= _U(MAX_Q - MIN_Q)
    index = np.minimum(index, _U(MAX_Q - MIN_Q))
    w = np.maximum(w, _U(1))  # w == 0 is the caller's
    lz = _leading_zeros(w)
    w = w << lz.astype(np.uint64)
    hi, lo = _multiply(w, _POW5_HI[index])
    wide = (hi & _U(0x1FF)) == _U(0x1FF)  # the first product may be too short: add the second
    if wide.any():
        k = np.flatnonzero(wide)
        extra_hi, extra_lo = _multiply(w[k], _POW5_LO[index[k]])
        merged = lo[k] + extra_hi
        carry = merged < extra_hi
        lo[k], hi[k] = merged, hi[k] + carry.astype(np.uint64)
        # Go's check: cannot decide (never true for w < 2**64 by Mushtak & Lemire)
        in_table[k] &= ~(((hi[k] & _U(0x1FF)) == _U(0x1FF)) & (merged == ~_U(0)) & (extra_lo + w[k] < w[k]))
    upper = (hi >> _U(63)).astype(np.int64)
    shift = (upper + 9).astype(np.uint64)
    mantissa = hi >> shift
    power2 = (((152170 + 65536) * q) >> 16) + 63 + upper - lz + 1023
    # an exact tie between two doubles (possible only where 5**q fits 64 bits): round to even
    maybe = np.flatnonzero(lo <= _U(1))
    if len(maybe):
        m, qm = mantissa[maybe], q[maybe]
        tie = (qm >= -4) & (qm <= 23) & ((m & _U(3)) == _U(1)) & ((m << shift[maybe]) == hi[maybe])
        mantissa[maybe] = m & ~tie.astype(np.uint64)
    mantissa += mantissa & _U(1)
    mantissa >>= _U(1)
    carried = mantissa >= _U(2 << 52)  # rounded up to 2**53: one bit more
    mantissa >>= carried.astype(np.uint64)
    power2 += carried
    ok = in_table & (power2 > 0) & (power2 < 0x7FF)
    bits = ((power2.astype(np.uint64) & _U(0x7FF)) << _U(52)) | (mantissa & _U((1 << 52) - 1))
    return bits, ok
