"""Absolute links into the app, for what leaves it (documents, messages, digests), built where
there is no request to build them from: the site's public address (PUBLIC_BASE_URL) with the
path of the endpoint, so a link and its route never disagree."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def public_url(endpoint: str, **values) -> str:
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path.rstrip("/") or "/", url_scheme=base.scheme or "http"
    )
    return adapter.build(endpoint, values, force_external=True)
