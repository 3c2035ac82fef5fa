"""Monthly bookings targets from annual targets and the seasonality profile."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from gtm_planner.model.calendar import FiscalCalendar
from gtm_planner.model.engine.timing import safe_divide

FloatArray = npt.NDArray[np.float64]


def monthly_target(
    annual_target: FloatArray, seasonality: FloatArray, calendar: FiscalCalendar
) -> FloatArray:
    """``B[r, t] = annual[r, fy(t)] × w[r, fm(t)] / Σ w[r, :]`` — (R, T).

    A fiscal year that the horizon only partly covers keeps the weights of its months inside
    the horizon, so a plan starting mid-year carries just those months' share.
    """
    weights = safe_divide(seasonality, seasonality.sum(axis=1, keepdims=True))
    annual_per_month = annual_target[:, calendar.fiscal_year_index]
    return np.asarray(annual_per_month * weights[:, calendar.fiscal_month])
