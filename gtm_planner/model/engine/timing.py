"""Vectorised time shifts with a different lag per row, and the ramp kernel.

These are the only places where the engine moves numbers between months; everything else is
element-wise arithmetic over (regions × sources × months) arrays.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def _lags(lag: FloatArray) -> npt.NDArray[np.int64]:
    return np.rint(lag).astype(np.int64)


def shift_earlier(values: FloatArray, lag: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Move each row's month ``t`` to ``t - lag``.

    ``values`` is ``(..., T)`` and ``lag`` is ``values.shape[:-1]``. Returns the shifted array
    and, per row, the total that falls before plan start (reported, never dropped).
    """
    horizon = values.shape[-1]
    lags = _lags(lag)[..., None]
    months = np.arange(horizon)
    source_month = months + lags  # destination t takes the value closing at t + lag
    inside = source_month < horizon
    shifted = np.take_along_axis(values, np.minimum(source_month, horizon - 1), axis=-1)
    shifted = np.where(inside, shifted, 0.0)
    before_start = np.where(months < lags, values, 0.0).sum(axis=-1)
    return shifted, before_start


def shift_later(values: FloatArray, lag: FloatArray) -> FloatArray:
    """Move each row's month ``t`` to ``t + lag``; what lands past the horizon is dropped."""
    horizon = values.shape[-1]
    lags = _lags(lag)[..., None]
    source_month = np.arange(horizon) - lags
    inside = source_month >= 0
    shifted = np.take_along_axis(values, np.maximum(source_month, 0), axis=-1)
    return np.where(inside, shifted, 0.0)


def ramp_fraction(ramp_months: FloatArray, horizon: int) -> FloatArray:
    """``(R, T, T)`` productivity in month ``t`` of an AE hired in month ``h``.

    A linear ramp: an AE hired in month ``h`` is at ``k / ramp`` of full productivity in month
    ``h + k`` and fully productive from month ``h + ramp`` on; with no ramp, at once.
    """
    months = np.arange(horizon)
    elapsed = (months[:, None] - months[None, :]).astype(np.float64)  # (t, h)
    ramp = _lags(ramp_months).astype(np.float64)[:, None, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        fraction = np.where(ramp > 0, elapsed / np.where(ramp > 0, ramp, 1.0), 1.0)
    return np.where(elapsed[None, :, :] >= 0, np.clip(fraction, 0.0, 1.0), 0.0)


def safe_divide(numerator: FloatArray, denominator: FloatArray | float) -> FloatArray:
    """Element-wise division that gives 0 where the denominator is 0."""
    num = np.asarray(numerator, dtype=np.float64)
    den = np.broadcast_to(
        np.asarray(denominator, dtype=np.float64),
        np.broadcast_shapes(num.shape, np.shape(denominator)),
    )
    out = np.zeros(np.broadcast_shapes(num.shape, den.shape))
    with np.errstate(over="ignore"):  # a subnormal denominator may overflow to inf: keep it
        np.divide(num, den, out=out, where=den != 0)
    return out
