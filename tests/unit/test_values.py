"""Phones, serials, money and order numbers as people type them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from servicecenter.domain import contact, money, numbering
from servicecenter.domain.errors import InvalidAmount, InvalidPhone, InvalidSerial


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("+7 (916) 123-45-67", "+79161234567"),
        ("8 916 123 45 67", "+79161234567"),
        ("9161234567", "+79161234567"),
        ("+44 20 7946 0958", "+442079460958"),
    ],
)
def test_phones_are_normalised(typed, stored):
    assert contact.normalize_phone(typed) == stored


@pytest.mark.parametrize("typed", ["", "abc", "12", "+7 916 abc", "1" * 16, "++79161234567"])
def test_bad_phones_are_refused(typed):
    with pytest.raises(InvalidPhone):
        contact.normalize_phone(typed)


def test_last_four_digits_must_be_exactly_four_digits():
    assert contact.phone_ends_with("+79161234567", "4567")
    assert not contact.phone_ends_with("+79161234567", "567")
    assert not contact.phone_ends_with("+79161234567", "")


def test_serials_are_upper_case_without_spaces():
    assert contact.normalize_serial(" ab 12-cd/3 ") == "AB12-CD/3"
    assert contact.normalize_serial("490154203237518") == "490154203237518"  # valid IMEI


@pytest.mark.parametrize("typed", ["", "!!", "ab", "x" * 41, "490154203237519"])
def test_bad_serials_are_refused(typed):
    with pytest.raises(InvalidSerial):
        contact.normalize_serial(typed)


@pytest.mark.parametrize(
    ("typed", "minor"),
    [("1500", 150000), ("1 500,50", 150050), (Decimal("0.005"), 1), ("", None), (None, None)],
)
def test_money_in_minor_units(typed, minor):
    assert money.to_minor(typed) == minor


@pytest.mark.parametrize("typed", ["-1", "12abc", "NaN", "1e20"])
def test_bad_money_is_refused(typed):
    with pytest.raises(InvalidAmount):
        money.to_minor(typed)


def test_order_numbers_are_read_as_typed():
    assert numbering.format_number("MSK", 2026, 42) == "MSK-2026-000042"
    assert numbering.canonical_number(" msk-2026-42 ") == "MSK-2026-000042"
    assert numbering.canonical_number("MSK-26-42") is None
    assert numbering.canonical_number("'; drop table") is None
