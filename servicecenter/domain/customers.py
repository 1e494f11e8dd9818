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
