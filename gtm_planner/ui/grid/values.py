"""How a grid cell reads and what a user may type into it: formats, parsing, copy text.

Pure Python (no Qt), so the rules are testable on their own. A user types in *user units*:
a rate as a percentage ("25", "25%", "25.5 %", or "0.25" as Excel reads it), money with or
without thousands separators, the plan's currency symbol or code, and K/M/B suffixes
("$1.2M"). What cannot be read with certainty is refused, never guessed: "1,5" (a decimal
comma?) and "€100" in a USD plan are errors, not 15 or 100 dollars.
"""

from __future__ import annotations

import math
import re
from enum import StrEnum

import numpy as np

from gtm_planner.model.formatting import CURRENCY_SYMBOLS, count, money, percent
from gtm_planner.model.validation import FieldRule, Kind


class Fmt(StrEnum):
    """How a number is shown in a grid cell."""

    MONEY = "money"  # $1,200,000
    PERCENT = "percent"  # 25.0%
    WHOLE = "whole"  # 3 (months)
    NUMBER = "number"  # 1,234 or 33.5 (heads, deals, leads)
    DECIMAL = "decimal"  # 0.85, 0.073 (elasticity, seasonality weights)
    RATIO = "ratio"  # 4.00x


FMT_BY_KIND = {
    Kind.MONEY: Fmt.MONEY,
    Kind.POSITIVE_MONEY: Fmt.MONEY,
    Kind.RATE: Fmt.PERCENT,
    Kind.POSITIVE_RATE: Fmt.PERCENT,
    Kind.MONTHS: Fmt.WHOLE,
    Kind.COUNT: Fmt.NUMBER,
    Kind.WEIGHT: Fmt.DECIMAL,
    Kind.ELASTICITY: Fmt.DECIMAL,
}
RATE_KINDS = (Kind.RATE, Kind.POSITIVE_RATE)
MONEY_KINDS = (Kind.MONEY, Kind.POSITIVE_MONEY)

# How to type a value, per kind: shown in each input cell's tooltip.
TYPING_HINT = {
    Kind.RATE: "type 25, 25% or 0.25 for 25%",
    Kind.POSITIVE_RATE: "type 25, 25% or 0.25 for 25%",
    Kind.MONEY: "type 1200000, 1,200,000 or 1.2M",
    Kind.POSITIVE_MONEY: "type 50000, 50,000 or 50K",
    Kind.MONTHS: "type a whole number, e.g. 3",
    Kind.COUNT: "type a number, e.g. 12",
    Kind.WEIGHT: "type a number; the twelve weights are shares of each other",
    Kind.ELASTICITY: "type e.g. 0.85",
}


def format_number(value: float, fmt: Fmt, currency: str) -> str:
    """The text a cell shows; "–" for a number the engine could not give (NaN)."""
    if not math.isfinite(value):
        return "–"
    if fmt is Fmt.MONEY:
        return money(value, currency)
    if fmt is Fmt.PERCENT:
        return percent(value)
    if fmt is Fmt.WHOLE:
        return f"{value:,.0f}"
    if fmt is Fmt.RATIO:
        return f"{value:.2f}x"
    if fmt is Fmt.DECIMAL:
        return plain_number(round(value, 3))
    if value == round(value):
        return f"{value:,.0f}"
    return count(value, 1 if abs(value) < 100 else 0)


def plain_number(value: float) -> str:
    """A number without grouping or exponent, as few decimals as it needs (up to six)."""
    if not math.isfinite(value):
        return ""
    if value == round(value) and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def to_user_units(value: float, kind: Kind) -> float:
    """Stored value → what the user types (a rate 0.25 → 25), rounded off float noise."""
    if kind in RATE_KINDS:
        return round(value * 100.0, 10)
    return value


def edit_text(value: float, kind: Kind) -> str:
    """The text an editor opens with: "25%", "1,200,000", "3"."""
    user = to_user_units(value, kind)
    if kind in RATE_KINDS:
        return f"{plain_number(user)}%"
    if kind in MONEY_KINDS and user == round(user):
        return f"{user:,.0f}"
    return plain_number(user)


def copy_text(value: float, fmt: Fmt) -> str:
    """A cell on the clipboard: plain numbers a spreadsheet reads, rates with "%"."""
    if not math.isfinite(value):
        return ""
    if fmt is Fmt.PERCENT:
        return f"{plain_number(round(value * 100.0, 10))}%"
    return plain_number(value)


class EntryError(ValueError):
    """What a user typed cannot be used; ``str()`` says what and what is allowed."""


_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_PLAIN = re.compile(r"^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
_GROUPED = re.compile(r"^\d{1,3}(?:([,' ])\d{3})(?:\1\d{3})*(?:\.\d+)?$")
_SUFFIXES = {"k": 1e3, "m": 1e6, "mm": 1e6, "b": 1e9, "bn": 1e9}
_SUFFIX = re.compile(r"^(.*?\d)\s*(k|mm|m|bn|b)$", re.IGNORECASE)
_KNOWN_SYMBOLS = frozenset(CURRENCY_SYMBOLS.values())


def _strip_currency(text: str, currency: str) -> tuple[str, bool]:
    """Remove the plan's currency symbol or code from either end; refuse another currency."""
    own = {CURRENCY_SYMBOLS.get(currency, ""), currency.upper()} - {""}
    upper = text.upper()
    for mark in sorted(own, key=len, reverse=True):
        if upper.startswith(mark):
            return text[len(mark) :].strip(), True
        if upper.endswith(mark):
            return text[: -len(mark)].strip(), True
    for symbol in _KNOWN_SYMBOLS - own:
        if symbol in text:
            raise EntryError(f"is in another currency than the plan's ({currency})")
    return text, False


def _read_number(text: str) -> float:
    """Digits with an optional decimal point and consistent thousands separators."""
    if _PLAIN.match(text):
        return float(text)
    grouped = _GROUPED.match(text)
    if grouped:
        return float(text.replace(grouped.group(1), ""))
    if "," in text:
        raise EntryError("is not a number (thousands separators are commas, decimals a dot)")
    raise EntryError("")


def parse_user_number(text: str, currency: str) -> tuple[float, bool, bool]:
    """Read what a user typed: (value in user units, had "%", had currency or K/M/B)."""
    s = _SPACES.sub(" ", text).strip().replace("\u2212", "-")
    if not s:
        raise EntryError("is empty")
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1].strip()
    if s.startswith(("-", "+")):
        negative, s = negative or s[0] == "-", s[1:].strip()
    is_percent = s.endswith("%")
    if is_percent:
        s = s[:-1].strip()
    s, is_money = _strip_currency(s, currency)
    if s.startswith(("-", "+")):  # "$-1,200"
        negative, s = negative or s[0] == "-", s[1:].strip()
    factor = 1.0
    suffix = _SUFFIX.match(s)
    if suffix:
        s, factor, is_money = suffix.group(1).strip(), _SUFFIXES[suffix.group(2).lower()], True
    value = _read_number(s) * factor
    return (-value if negative else value), is_percent, is_money


def parse_entry(text: str, rule: FieldRule, currency: str) -> float:
    """The stored value (a fraction for rates) for ``text`` typed into a ``rule`` cell.

    Raises ``EntryError`` whose message reads after the quoted text: "'150%' is not a
    percentage above 0% and at most 100%".
    """
    allowed = rule.allowed()
    if not text.strip():
        raise EntryError(f"nothing entered: enter {allowed}")
    quoted = repr(text.strip())
    try:
        value, is_percent, is_money = parse_user_number(text, currency)
    except EntryError as exc:
        reason = f"{exc}: enter {allowed}" if str(exc) else f"is not {allowed}"
        raise EntryError(f"{quoted} {reason}") from None
    is_rate = rule.kind in RATE_KINDS
    if (is_percent and not is_rate) or (is_money and is_rate):
        raise EntryError(f"{quoted} is not {allowed}")
    # As Excel's automatic percent entry: 25 or 25% is 25%, and so is 0.25 (below 1, no %).
    fraction_typed = is_rate and not is_percent and 0 < abs(value) < 1
    stored = value if fraction_typed or not is_rate else value / 100.0
    if bool(rule.bad(np.array([stored]))[0]):
        raise EntryError(f"{quoted} is not {allowed}")
    return stored


def accepts(rule: FieldRule, stored: float) -> bool:
    """Whether ``rule`` allows the stored value (e.g. 0 for a cleared cell)."""
    return not bool(rule.bad(np.array([stored]))[0])
