"""Redirect targets taken from the request (`next=`) must stay on this site."""

from __future__ import annotations

from urllib.parse import urlsplit


def local_target(target: str | None) -> str | None:
    """Return `target` if it is a path on this host, else None.

    Refuses absolute URLs, scheme-relative `//host` and the backslash forms browsers treat alike.
    """
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if "\\" in target or any(ord(char) < 32 for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
