"""The keys a customer is found by, and the prefixes what was typed looks for."""

from __future__ import annotations

import pytest

from servicecenter.domain.customers import name_prefix, phone_prefixes, search_keys


def found(name: str, phone: str, typed: str) -> bool:
    keys = search_keys(name, phone)
    prefixes = phone_prefixes(typed) if typed.isdigit() else [name_prefix(typed)]
    return any(key.startswith(prefix) for key in keys for prefix in prefixes if prefix)


@pytest.mark.parametrize(
    "typed",
    ["ал", "алена", "Алёна", "АЛЁНА", "петрова", "ПЕТР", "водкина", "алена  петр", "петрова-вод"],
)
def test_a_name_is_found_by_the_start_of_any_word(typed):
    assert found("Алёна  Петрова-Водкина", "+79161234567", typed)


@pytest.mark.parametrize("typed", ["етров", "ван", "в п", "и"])
def test_not_by_the_middle_of_a_word_nor_one_letter(typed):
    assert not found("Иван Петров", "+79161234567", typed)


@pytest.mark.parametrize(
    ("typed", "hit"),
    [
        ("4567", True),  # the last digits, as read from a receipt
        ("1234567", True),
        ("79161234567", True),  # the whole number
        ("9161234", True),  # its start without the country code
        ("89161234", True),  # dialled at home with 8
        ("7916", True),
        ("1612", False),  # the middle
        ("456", False),  # too few
    ],
)
def test_a_phone_is_found_by_its_start_or_its_end(typed, hit):
    assert found("Иван Петров", "+79161234567", typed) is hit


def test_keys_are_unique_and_short_enough():
    keys = search_keys("Ivan  Ivan", "+441234567890")
    assert keys == {"n:ivan ivan", "n:ivan", "p:441234567890", "r:098765432144"}
    assert max(len(key) for key in search_keys("x" * 120, "+" + "9" * 15)) <= 130
