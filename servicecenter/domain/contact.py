"""Phone numbers and device serials as people type them, normalised for storage and search."""

from __future__ import annotations

import re

from .errors import N_, InvalidPhone, InvalidSerial

_PHONE_CHARS = re.compile(r"^\+?[\d\s()\-.]+$")
_SERIAL = re.compile(r"^[A-Z0-9][A-Z0-9\-/.]{2,39}$")


def normalize_phone(raw: str) -> str:
    """Return the phone in international form, `+` and digits only.

    Russian habits are understood: `8 916 …` and `916 …` (ten digits) mean `+7 916 …`.
    Raises InvalidPhone for anything that is not 10 to 15 digits.
    """
    text = (raw or "").strip()
    if not text or not _PHONE_CHARS.match(text):
        raise InvalidPhone(
            N_("Enter a phone number: digits, spaces, brackets, dashes and a leading +.")
        )
    digits = re.sub(r"\D", "", text)
    if not text.startswith("+"):
        if len(digits) == 11 and digits.startswith("8"):
            digits = "7" + digits[1:]
        elif len(digits) == 10:
            digits = "7" + digits
    if not 10 <= len(digits) <= 15:
        raise InvalidPhone(N_("A phone number has 10 to 15 digits."))
    return "+" + digits


def phone_digits(raw: str) -> str:
    """Digits of a partial phone typed into a search box (no validation)."""
    return re.sub(r"\D", "", raw or "")


def phone_ends_with(phone: str, last_digits: str) -> bool:
    return len(last_digits) == 4 and last_digits.isdigit() and phone.endswith(last_digits)


def luhn_check_digit(body: str) -> str:
    """The Luhn check digit that completes `body` (the last digit of an IMEI)."""
    total = 0
    for index, char in enumerate(reversed(body)):
        value = int(char)
        if index % 2 == 0:  # doubling starts next to the check digit
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return str(-total % 10)


def luhn_valid(digits: str) -> bool:
    return luhn_check_digit(digits[:-1]) == digits[-1]


def normalize_serial(raw: str) -> str:
    """Return a serial or IMEI in stored form: upper case, no spaces.

    Raises InvalidSerial for characters a serial never has, a length outside 3–40, or a
    15-digit IMEI whose check digit is wrong (a typo at the counter, caught before it is printed).
    """
    text = re.sub(r"\s+", "", (raw or "")).upper()
    if not _SERIAL.match(text):
        raise InvalidSerial(
            N_("A serial number has 3 to 40 letters, digits, dashes, dots or slashes.")
        )
    if len(text) == 15 and text.isdigit() and not luhn_valid(text):
        raise InvalidSerial(N_("This IMEI's check digit is wrong: please check the number."))
    return text
