"""Marketing response: inquiries from demand-creation spend, and its inverse (SPEC §3.3).

``inquiries = (S0 / cpi) × (spend / S0) ** e``. With ``e = 1`` this is ``spend / cpi`` whatever
the reference spend ``S0``; with ``e < 1`` every extra currency unit buys fewer inquiries.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def inquiries_from_spend(
    spend: FloatArray,
    cost_per_inquiry: FloatArray,
    reference_spend: FloatArray,
    elasticity: FloatArray,
) -> FloatArray:
    """``spend`` is (R, T); the parameters are (R,). Returns inquiries (R, T)."""
    cpi = cost_per_inquiry[:, None]
    s0 = np.where(reference_spend > 0, reference_spend, 1.0)[:, None]
    e = elasticity[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        linear = np.where(cpi > 0, spend / np.where(cpi > 0, cpi, 1.0), 0.0)
        curved = np.where(
            cpi > 0,
            (s0 / np.where(cpi > 0, cpi, 1.0)) * np.power(np.maximum(spend, 0.0) / s0, e),
            0.0,
        )
    return np.asarray(np.where(e == 1.0, linear, curved))


def spend_for_inquiries(
    inquiries: FloatArray,
    cost_per_inquiry: FloatArray,
    reference_spend: FloatArray,
    elasticity: FloatArray,
) -> FloatArray:
    """The spend that buys ``inquiries`` (R, T): ``S0 × (inquiries × cpi / S0) ** (1 / e)``."""
    cpi = cost_per_inquiry[:, None]
    s0 = np.where(reference_spend > 0, reference_spend, 1.0)[:, None]
    e = elasticity[:, None]
    linear = inquiries * cpi
    with np.errstate(divide="ignore", invalid="ignore"):
        inverse_e = np.where(e > 0, 1.0 / np.where(e > 0, e, 1.0), 1.0)
        curved = s0 * np.power(np.maximum(inquiries, 0.0) * cpi / s0, inverse_e)
    return np.asarray(np.where(e == 1.0, linear, curved))
