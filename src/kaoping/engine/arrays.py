"""Vectorised building blocks: exact quantisation, reductions by key, and positions.

Exactness: measures are computed in float64 (relative error ~10⁻¹⁵) and every value that
is compared, ranked, graded, shown or written is first snapped to a grid of 10⁻⁹
(``exact``). Inputs are decimals with a few places, so a true value is a multiple of 10⁻⁹
or, after a division (÷ best, means), a rational far from a half-step of the grid; the
float error is a million times smaller than the grid, so snapping gives equal true values
equal floats whatever order the operations ran in (3 days late at 0.1 is exactly 0.7; two
units whose true scores are equal tie). Intermediate values are deliberately *not*
snapped: snapping after each division would add up to 10⁻⁹ per step and could split
true ties. Display rounding (half-up, to the scheme's places) happens once, at the end.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np

DIGITS = 9


def exact(x, out=None):
    """Snap to the 10⁻⁹ grid (NaN stays NaN); ``out`` to snap an array in place."""
    return np.round(x, DIGITS, out=out)


def to_decimal(x: float, places: int) -> Decimal | None:
    """The display value: half-up rounding of the exact value to ``places`` decimals."""
    if x is None or (isinstance(x, float) and np.isnan(x)) or np.isnan(x):
        return None
    d = Decimal(repr(float(np.round(x, DIGITS))))
    return d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def reduce_by_key(keys: np.ndarray, values: np.ndarray, ufunc: np.ufunc) -> np.ndarray:
    """For each element, ``ufunc`` reduced over all elements with the same key.

    ``values`` may have trailing axes (reduced element-wise). NaN-ignoring reductions use
    ``np.fmax``/``np.fmin``.
    """
    if len(keys) == 0:
        return values.copy()
    reduced, inverse = reduce_by_group(keys, values, ufunc)
    return reduced[inverse]


def reduce_by_group(keys: np.ndarray, values: np.ndarray, ufunc: np.ufunc):
    """``ufunc`` reduced over the elements of each distinct key, once per key.

    Returns ``(reduced, inverse)``: ``reduced[inverse]`` gives every element its key's value
    (the form of ``reduce_by_key``), and indexing ``reduced`` later spares a full-size copy.
    """
    n = len(keys)
    if n == 0:
        return values[:0].copy(), np.zeros(0, np.intp)
    order = np.argsort(keys, kind="stable")
    sk = keys[order]
    new = np.empty(n, bool)
    new[:1] = True
    np.not_equal(sk[1:], sk[:-1], out=new[1:])
    reduced = ufunc.reduceat(values[order], np.flatnonzero(new), axis=0)
    inverse = np.empty(n, np.intp)
    inverse[order] = np.cumsum(new) - 1
    return reduced, inverse


def positions(values: np.ndarray, segments: np.ndarray, better: str = "higher"):
    """Competition positions within each segment, ignoring NaN.

    Returns ``(top, bottom, size)`` per element (0 where the value is NaN):
    ``top`` = 1 + number strictly better (ties share the better rank);
    ``bottom`` = number of values worse than or equal to it (its place from the bottom:
    a unit is in the bottom N only when this is ≤ N);
    ``size`` = number of valued elements in its segment.
    """
    n = len(values)
    top = np.zeros(n, np.int64)
    bottom = np.zeros(n, np.int64)
    size = np.zeros(n, np.int64)
    idx = np.flatnonzero(~np.isnan(values))
    if len(idx) == 0:
        return top, bottom, size
    v = values[idx]
    s = segments[idx]
    key = -v if better == "higher" else v
    order = np.lexsort((key, s))
    sv, ss = key[order], s[order]
    m = len(order)
    pos = np.arange(m)
    new_seg = np.r_[True, ss[1:] != ss[:-1]]
    new_run = new_seg | np.r_[True, sv[1:] != sv[:-1]]
    seg_start = np.maximum.accumulate(np.where(new_seg, pos, 0))
    run_start = np.maximum.accumulate(np.where(new_run, pos, 0))
    seg_id = np.cumsum(new_seg) - 1
    seg_len = np.bincount(seg_id)
    seg_end = seg_start + seg_len[seg_id]
    t = run_start - seg_start + 1
    b = seg_end - run_start
    target = idx[order]
    top[target] = t
    bottom[target] = b
    size[target] = seg_len[seg_id]
    return top, bottom, size


def split_sizes(n: np.ndarray, parts: int) -> np.ndarray:
    """Cumulative tier limits for splitting ``n`` into ``parts`` near-equal tiers, larger first.

    Each tier takes ⌈remaining ÷ tiers left⌉: 8 units in 3 → 3, 3, 2 (limits 3, 6, 8).
    Returns an array of shape ``(len(n), parts)``.
    """
    n = np.asarray(n, np.int64)
    limits = np.zeros((len(n), parts), np.int64)
    done = np.zeros(len(n), np.int64)
    for k in range(parts):
        take = -(-(n - done) // (parts - k))
        done = done + take
        limits[:, k] = done
    return limits


def dense_codes(column: np.ndarray) -> tuple[np.ndarray, int]:
    """Codes 0..k-1 for the distinct values of a column (strings or numbers)."""
    uniq, inv = np.unique(column, return_inverse=True)
    return inv.astype(np.int64), len(uniq)
