"""Printing: the current document of each kind, and every stored version, as PDF."""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, send_file, url_for
from flask_babel import gettext
from flask_login import current_user

from ...database import write_after_reads
from ...domain.documents import DocumentKind, MissingDocumentFields, NotIssuable
from ...extensions import db
from ...queries.orders import get_order_for
from ...services import documents
from ..access import STAFF, roles_required

bp = Blueprint("documents", __name__, url_prefix="/orders")


def _kind(value: str) -> DocumentKind:
    try:
        return DocumentKind(value)
    except ValueError:
        abort(404)


def _send(document):
    response = send_file(
        io.BytesIO(document.content),
        mimetype="application/pdf",
        download_name=f"{document.number}.pdf",
        etag=document.sha256,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/<number>/documents/<kind>.pdf")
@roles_required(*STAFF)
def current(number: str, kind: str):
    """Print: the stored document if the order has not changed since, else a new version.

    A new version is drawn while only reading, then stored in a short writer's transaction:
    the drawing does not hold the write lock that intake and the other desks wait for.
    """
    kind = _kind(kind)
    order = get_order_for(current_user, number) or abort(404)
    try:
        found = documents.current_or_drawn(order, kind)
        if not isinstance(found, documents.Drawn):
            return _send(found)  # a reprint: nothing to store
        with write_after_reads():
            order = get_order_for(current_user, number) or abort(404)
            document = documents.issue(order, kind, actor=current_user, drawn=found)
            db.session.commit()
    except NotIssuable:
        abort(404)
    except MissingDocumentFields as error:
        names = ", ".join(gettext(field) for field in error.fields)
        flash(gettext("Fill in before printing: %(fields)s.", fields=names), "danger")
        return redirect(url_for("orders.detail", number=order.number, _anchor="documents"))
    return _send(document)


@bp.get("/<number>/documents/<kind>/v<int:version>.pdf")
@roles_required(*STAFF)
def version(number: str, kind: str, version: int):
    """An earlier version exactly as it was issued."""
    order = get_order_for(current_user, number) or abort(404)
    document = documents.get_version(order, _kind(kind), version) or abort(404)
    return _send(document)
