"""What a user may type into a cell, and how cells read: no guessing, no silent clamping."""

from __future__ import annotations

import pytest

from gtm_planner.model.validation import RULE_BY_FIELD, FieldRule
from gtm_planner.ui.grid.edits import parse_tsv
from gtm_planner.ui.grid.values import (
    EntryError,
    Fmt,
    copy_text,
    edit_text,
    format_number,
    parse_entry,
)

WIN_RATE = RULE_BY_FIELD["win_rate"]
BUDGET = RULE_BY_FIELD["budget"]
CYCLE = RULE_BY_FIELD["sales_cycle_months"]
MIX = RULE_BY_FIELD["source_mix"]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("25%", 0.25),
        ("25", 0.25),
        (" 25.5 % ", 0.255),
        ("100%", 1.0),
        ("0.5", 0.5),  # below 1 without %: a fraction, as Excel's automatic percent entry
        ("0.5%", 0.005),
        ("1", 0.01),
    ],
)
def test_a_rate_is_typed_as_a_percentage(typed: str, stored: float) -> None:
    assert parse_entry(typed, WIN_RATE, "USD") == pytest.approx(stored)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("1200000", 1_200_000.0),
        ("1,200,000", 1_200_000.0),
        ("$1,200,000.50", 1_200_000.5),
        ("$1.2M", 1_200_000.0),
        ("850k", 850_000.0),
        ("USD 2,000", 2_000.0),
        ("1 200 000", 1_200_000.0),
        ("1.5e6", 1_500_000.0),
        ("0", 0.0),
    ],
)
def test_money_takes_separators_the_currency_and_k_m_suffixes(typed: str, stored: float) -> None:
    assert parse_entry(typed, BUDGET, "USD") == pytest.approx(stored)


@pytest.mark.parametrize(
    ("typed", "rule", "says"),
    [
        ("150%", WIN_RATE, "'150%' is not a percentage above 0% and at most 100%"),
        ("0%", WIN_RATE, "'0%' is not a percentage above 0% and at most 100%"),
        ("abc", MIX, "'abc' is not a percentage from 0% to 100%"),
        ("-5", BUDGET, "'-5' is not an amount of 0 or more"),
        ("(1,200)", BUDGET, "'(1,200)' is not an amount of 0 or more"),
        ("1,5", BUDGET, "'1,5' is not a number (thousands separators are commas, decimals"),
        ("€100", BUDGET, "'€100' is in another currency than the plan's (USD)"),
        ("25%", BUDGET, "'25%' is not an amount of 0 or more"),
        ("$25", WIN_RATE, "'$25' is not a percentage above 0%"),
        ("3.5", CYCLE, "'3.5' is not a whole number of months from 0 to 36"),
        ("", BUDGET, "nothing entered: enter an amount of 0 or more"),
        ("nan", BUDGET, "'nan' is not an amount of 0 or more"),
        ("1,20,000", BUDGET, "'1,20,000' is not a number"),
    ],
)
def test_what_cannot_be_read_with_certainty_is_refused_saying_what_is_allowed(
    typed: str, rule: FieldRule, says: str
) -> None:
    with pytest.raises(EntryError) as refused:
        parse_entry(typed, rule, "USD")
    assert str(refused.value).startswith(says)


def test_cells_read_as_money_percent_and_whole_numbers() -> None:
    assert format_number(24_000_000.0, Fmt.MONEY, "USD") == "$24,000,000"
    assert format_number(0.25, Fmt.PERCENT, "USD") == "25.0%"
    assert format_number(3.0, Fmt.WHOLE, "USD") == "3"
    assert format_number(266.666, Fmt.NUMBER, "USD") == "267"
    assert format_number(33.5, Fmt.NUMBER, "USD") == "33.5"
    assert format_number(float("nan"), Fmt.MONEY, "USD") == "–"


def test_editors_open_in_user_units_and_copies_read_back_the_same() -> None:
    assert edit_text(0.57, WIN_RATE.kind) == "57%"
    assert edit_text(1_200_000.0, BUDGET.kind) == "1,200,000"
    assert copy_text(0.245, Fmt.PERCENT) == "24.5%"
    assert copy_text(1_200_000.0, Fmt.MONEY) == "1200000"
    assert parse_entry(copy_text(0.245, Fmt.PERCENT), WIN_RATE, "USD") == pytest.approx(0.245)


def test_a_range_copied_from_excel_reads_as_rows_of_cells() -> None:
    assert parse_tsv("1\t2\t3\r\n4\t5\t6\r\n") == [["1", "2", "3"], ["4", "5", "6"]]
    assert parse_tsv("1\t2\n3\n") == [["1", "2"], ["3", ""]]
    assert parse_tsv('"1,200"\t5\n') == [["1,200", "5"]]
