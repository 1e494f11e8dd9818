"""File downloads shared by the pages: CSV that a spreadsheet opens as UTF-8."""

from __future__ import annotations

from flask import Response


def csv_download(text: str, filename: str) -> Response:
    """A CSV attachment; the byte order mark lets a spreadsheet open Cyrillic text as UTF-8."""
    return Response(
        ("\ufeff" + text).encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
