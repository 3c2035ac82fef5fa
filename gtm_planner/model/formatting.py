"""How numbers read: money with thousands separators, K/M suffixes, percent, coverage as 4.0x.

Rounding happens here, for display only; the engine keeps full floats.
"""

from __future__ import annotations

import math

from gtm_planner.model.engine.kpis import Unit

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹"}


def currency_prefix(currency: str) -> str:
    symbol = CURRENCY_SYMBOLS.get(currency)
    return symbol if symbol else f"{currency} "


def money(value: float, currency: str, decimals: int = 0) -> str:
    if not math.isfinite(value):
        return "–"
    sign = "-" if value < 0 else ""
    return f"{sign}{currency_prefix(currency)}{abs(value):,.{decimals}f}"


def money_short(value: float, currency: str) -> str:
    """$1.2M, $850K, $12.50B — for tiles and chart axes."""
    if not math.isfinite(value):
        return "–"
    sign = "-" if value < 0 else ""
    v = abs(value)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if v >= limit:
            return f"{sign}{currency_prefix(currency)}{v / limit:,.1f}{suffix}"
    return f"{sign}{currency_prefix(currency)}{v:,.0f}"


def percent(value: float, decimals: int = 1) -> str:
    return "–" if not math.isfinite(value) else f"{value * 100:.{decimals}f}%"


def count(value: float, decimals: int = 0) -> str:
    return "–" if not math.isfinite(value) else f"{value:,.{decimals}f}"


def format_value(value: float, unit: Unit, currency: str, short: bool = False) -> str:
    if unit is Unit.MONEY:
        return money_short(value, currency) if short else money(value, currency)
    if unit is Unit.PERCENT:
        return percent(value)
    if unit is Unit.RATIO:
        return "–" if not math.isfinite(value) else f"{value:.2f}x"
    if unit is Unit.MONTHS:
        return "–" if not math.isfinite(value) else f"{value:.1f} months"
    return count(value, 1 if 0 < abs(value) < 10 else 0)
