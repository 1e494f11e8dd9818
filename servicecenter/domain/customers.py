"""Rules of customer records: which two records may be merged, and what the survivor keeps."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import N_, DomainError


class MergeRefused(DomainError):
    """These two records cannot be merged."""


def merge_refusal(survivor_id: int, duplicate_id: int) -> MergeRefused | None:
    """Why the duplicate cannot be merged into the survivor, or None when it can."""
    if survivor_id == duplicate_id:
        return MergeRefused(N_("A record cannot be merged into itself: pick the other one."))
    return None


@dataclass(frozen=True)
class Contact:
    phone: str
    email: str | None


def merged_contact(survivor: Contact, duplicate: Contact) -> Contact:
    """The survivor's phone and e-mail, its empty ones filled from the duplicate.

    Nothing the survivor has is overwritten: the desk chose it as the record to keep.
    """
    return Contact(
        phone=survivor.phone or duplicate.phone,
        email=survivor.email or duplicate.email or None,
    )


# --- finding a customer -----------------------------------------------------------------------
# A customer is found by the start of any word of the name ("petr" finds "Ivan Petrov"), by the
# start of the phone (international or, for +7, national digits) or by its last digits. Each
# way is a key stored beside the customer, so a search is a range on one index, not a read of
# every customer. The kinds are prefixed so one index serves all three.
NAME_KEY = "n:"
PHONE_KEY = "p:"
PHONE_END_KEY = "r:"  # the digits backwards: "ends with 2233" is "starts with 3322"
MIN_NAME_TYPED = 2
MIN_DIGITS_TYPED = 4


def search_text(name: str) -> str:
    """A name as it is compared: casefolded, single spaces, "ё" as "е" (people type either)."""
    return " ".join(name.casefold().replace("ё", "е").split())


def search_keys(name: str, phone: str) -> set[str]:
    """Every key a customer with this name and phone is found by."""
    text = search_text(name)
    starts = [0] + [i + 1 for i, char in enumerate(text) if char in " -" and i + 1 < len(text)]
    keys = {NAME_KEY + text[start:] for start in starts if text[start:].strip(" -")}
    digits = phone.lstrip("+")
    if digits:
        keys.add(PHONE_KEY + digits)
        keys.add(PHONE_END_KEY + digits[::-1])
        if digits.startswith("7") and len(digits) == 11:
            keys.add(PHONE_KEY + digits[1:])  # "916 123…" typed without the country code
    return keys


def name_prefix(typed: str) -> str | None:
    """The key prefix a typed part of a name finds, or None when too little was typed."""
    text = search_text(typed)
    return NAME_KEY + text if len(text) >= MIN_NAME_TYPED else None


def phone_prefixes(digits: str) -> list[str]:
    """The key prefixes typed phone digits find: the phone's start or its end."""
    if len(digits) < MIN_DIGITS_TYPED:
        return []
    prefixes = [PHONE_KEY + digits, PHONE_END_KEY + digits[::-1]]
    if digits.startswith("8"):  # "8 916 …" is how +7 916 … is dialled at home
        prefixes.append(PHONE_KEY + "7" + digits[1:])
    return prefixes
