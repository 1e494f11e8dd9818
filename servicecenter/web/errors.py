"""Error pages and the mapping of domain errors onto forms and flash messages."""

from __future__ import annotations

from flask import Flask, abort, flash, jsonify, render_template, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from ..domain.errors import DomainError
from ..extensions import db

# Werkzeug's own texts are English only; the errors a person meets get ours.
HTTP_MESSAGES = {
    400: (_l("Something is wrong with this request"), _l("Please go back and try again.")),
    403: (_l("Not for your role"), _l("This page belongs to another role. Ask an administrator.")),
    405: (_l("Not like this"), _l("This address cannot be opened this way.")),
    413: (_l("Too large"), _l("The file is larger than this page accepts.")),
}


def message_of(error: DomainError) -> str:
    """The error's message in the visitor's language (an error given as the reason of another,
    e.g. the order that stopped a whole handover, is translated too)."""
    params = {
        name: message_of(value) if isinstance(value, DomainError) else value
        for name, value in error.params.items()
    }
    return gettext(error.template, **params)


def apply_to_form(error: DomainError, form: FlaskForm) -> None:
    """Show a domain error next to the field it concerns, or at the top of the page."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, message_of(error)]
    else:
        flash(message_of(error), "danger")


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def _has_nul_character() -> bool:
    texts = [text for values in request.args.listvalues() for text in values]
    texts += [text for values in request.form.listvalues() for text in values]
    texts += [value for value in (request.view_args or {}).values() if isinstance(value, str)]
    return any("\x00" in text for text in texts)


def register(app: Flask) -> None:
    @app.before_request
    def refuse_nul_characters():
        # Nobody types a NUL character and PostgreSQL cannot store one: refuse the request here
        # instead of failing half-way through it with a database error (a 500).
        if _has_nul_character():
            abort(400)

    def render(code: int, title: str, detail: str):
        if _wants_json():
            return jsonify(error=title, detail=detail), code
        return render_template("errors/error.html", code=code, title=title, detail=detail), code

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render(
            400,
            gettext("The form expired"),
            gettext("Please go back, reload the page and submit the form again."),
        )

    @app.errorhandler(404)
    def not_found(error):
        return render(
            404, gettext("Not found"), gettext("There is nothing here, or it is not yours to see.")
        )

    @app.errorhandler(429)
    def too_many(error):
        return render(
            429,
            gettext("Too many attempts"),
            gettext("Please wait a minute before trying again."),
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        title, detail = HTTP_MESSAGES.get(code, HTTP_MESSAGES[400])
        return render(code, str(title), str(detail))

    @app.errorhandler(StaleDataError)
    def changed_meanwhile(error):
        # Two requests changed the same record at the same moment: the version column let one
        # through and stopped the other at its flush. Nothing of the second was saved.
        db.session.rollback()
        if request.path.startswith("/orders/"):
            detail = gettext(
                "Someone else changed this order while you had it open. Check it and try again."
            )
        elif request.path.startswith("/handovers/"):
            detail = gettext(
                "Someone else changed this handover while you had it open. Check it and try again."
            )
        else:
            detail = gettext(
                "Someone else saved this while you had it open. Check it and try again."
            )
        return render(409, gettext("Changed by someone else"), detail)

    @app.errorhandler(500)
    def server_error(error):
        # Flask logged the exception already; make sure no half-done work is left behind.
        db.session.rollback()
        return render(
            500,
            gettext("Something went wrong"),
            gettext("The error has been logged. Nothing was saved; please try again."),
        )
