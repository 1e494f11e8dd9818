"""The public status page: by order number and the phone's last 4 digits, or by the signed link;
and from the signed link, the customer's answer to a quote and their ratings after collection."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime, gettext
from flask_babel import lazy_gettext as _l

from ...domain.errors import DomainError, StaleEdit
from ...domain.feedback import Decision
from ...extensions import db, limiter
from ...queries.public_status import PublicOrder, find_by_number, find_by_token
from ...services import feedback as feedback_service
from ...services import quotes
from ..errors import apply_to_form, message_of
from .forms import FeedbackForm, QuoteAnswerForm, StatusLookupForm

bp = Blueprint("status", __name__)


def status_limit() -> str:
    return current_app.config["STATUS_RATE_LIMIT"]


# The customer's answers share one allowance: guessing links on one form does not leave the
# other one open for more guesses.
answers_limit = limiter.shared_limit(status_limit, scope="status-answers")


NOT_FOUND = _l("We could not find an order with this number and phone. Check both and try again.")


def _render_order(
    order: PublicOrder, *, quote_form=None, feedback_form=None, code: int = 200, **context
):
    """The status page with its forms: the quote's answer while it waits, the ratings once the
    device is collected (fresh ones unless a refused one is given back, as typed)."""
    if quote_form is None and order.quote is not None:
        quote_form = QuoteAnswerForm(formdata=None, version=order.quote.version)
    if feedback_form is None and order.feedback_open:
        feedback_form = FeedbackForm(formdata=None)
    return render_template(
        "status/order.html",
        order=order,
        quote_form=quote_form,
        feedback_form=feedback_form,
        **context,
    ), code


def _unknown_link():
    return render_template("status/lookup.html", form=StatusLookupForm(), unknown_link=True), 404


def _to_status(token: str, anchor: str | None = None):
    return redirect(url_for("status.by_token", token=token, _anchor=anchor), code=303)


def _client() -> tuple[str, str]:
    """Where an answer came from: kept with it as the evidence of the customer's consent."""
    return request.remote_addr or "", request.user_agent.string or ""


@bp.route("/status", methods=["GET", "POST"])
@limiter.limit(status_limit, methods=["POST"])
def lookup():
    form = StatusLookupForm()
    # A POST cannot be replayed by the language switch: it comes back to the lookup form, or to
    # the order's own link once the visitor has shown the order is theirs (not to a login page).
    back = url_for("status.lookup")
    if form.validate_on_submit():
        order = find_by_number(form.number.data, form.phone_last4.data)
        if order is not None:
            return _render_order(order, language_next=url_for("status.by_token", token=order.token))
        form.form_errors.append(str(NOT_FOUND))
        return render_template("status/lookup.html", form=form, language_next=back), 404
    code = 422 if form.errors else 200
    return render_template("status/lookup.html", form=form, language_next=back), code


@bp.get("/s/<token>")
@limiter.limit(status_limit)
def by_token(token: str):
    order = find_by_token(token)
    if order is None:
        return _unknown_link()
    return _render_order(order)


@bp.post("/s/<token>/quote")
@answers_limit
def answer_quote(token: str):
    order = find_by_token(token)
    if order is None:
        return _unknown_link()
    form = QuoteAnswerForm()
    if not form.validate_on_submit():
        if order.quote is None:  # nothing to answer on the page either: say so, not "invalid"
            flash(gettext("This quote is no longer waiting for your answer."), "warning")
            return _to_status(token)
        return _render_order(order, quote_form=form, code=422)
    ip, agent = _client()
    decision = Decision(form.decision.data)
    try:
        quotes.decide(
            token,
            decision,
            shown_version=form.shown_version(),
            ip=ip,
            user_agent=agent,
            comment=form.comment.data or "",
        )
    except quotes.UnknownLink:
        return _unknown_link()
    except quotes.AlreadyAnswered as error:
        flash(_already_answered(error), "info")
        return _to_status(token)
    except StaleEdit as error:
        # The page showed another price: show the quote as it is now, the comment kept.
        fresh = find_by_token(token)
        flash(message_of(error), "warning")
        if fresh.quote is None:
            return _to_status(token)
        form.version.data = str(fresh.quote.version)
        return _render_order(fresh, quote_form=form, code=409)
    except DomainError as error:
        flash(message_of(error), "warning")
        return _to_status(token)
    db.session.commit()
    if decision is Decision.APPROVE:
        flash(
            gettext("Thank you: the repair is approved. We will let you know when it is ready."),
            "success",
        )
    else:
        flash(
            gettext("Your answer is recorded: the device comes back to you unrepaired."),
            "success",
        )
    return _to_status(token)


def _already_answered(error: quotes.AlreadyAnswered) -> str:
    if error.decided_at is None:
        return gettext("You answered this quote already. Nothing was changed.")
    when = format_datetime(error.decided_at, "short")
    if error.decision is Decision.APPROVE:
        return gettext("You approved this quote on %(when)s. Nothing was changed.", when=when)
    return gettext("You declined this quote on %(when)s. Nothing was changed.", when=when)


@bp.route("/s/<token>/feedback", methods=["GET", "POST"])
@answers_limit
def feedback(token: str):
    order = find_by_token(token)
    if order is None:
        return _unknown_link()
    form = FeedbackForm()
    if request.method == "GET" or not order.feedback_open:
        if request.method == "POST":  # sent again, or before collection: nothing is taken
            flash(
                gettext("Thank you, we already have your answers.")
                if order.feedback_given
                else gettext("You can rate our service once you have collected your device."),
                "info",
            )
            return redirect(url_for("status.feedback", token=token), code=303)
        fresh = FeedbackForm(formdata=None)
        return render_template("status/feedback.html", order=order, form=fresh)
    if not form.validate_on_submit():
        return render_template("status/feedback.html", order=order, form=form), 422
    ip, agent = _client()
    try:
        feedback_service.submit(token, form.scores(), ip=ip, user_agent=agent)
    except (feedback_service.AlreadyRated, feedback_service.NotCollectedYet) as error:
        flash(message_of(error), "info")
        return redirect(url_for("status.feedback", token=token), code=303)
    except DomainError as error:
        apply_to_form(error, form)
        return render_template("status/feedback.html", order=order, form=form), 422
    db.session.commit()
    flash(gettext("Thank you for your answers!"), "success")
    return redirect(url_for("status.feedback", token=token), code=303)
