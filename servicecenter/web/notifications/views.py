"""Customer notifications (admin only): the outbox with its resend button, and the templates
of each event and channel."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from ...domain.enums import Role
from ...domain.errors import DomainError
from ...domain.notifications import (
    CUSTOMER_EVENTS,
    PLACEHOLDERS,
    STATUS_OF_EVENT,
    Channel,
    Event,
    State,
    render,
)
from ...extensions import db
from ...queries import notifications as queries
from ...services import notifications as service
from ...services.clock import local_date
from ..access import roles_required
from ..errors import apply_to_form, message_of
from .forms import ResendForm, template_form

bp = Blueprint("notifications", __name__, url_prefix="/admin/notifications")


@bp.get("")
@roles_required(Role.ADMIN)
def outbox():
    state = request.args.get("state", "")
    chosen = State(state) if state in set(State) else None
    page = queries.list_outbox(
        state=chosen, cursor=request.args.get("after"), limit=current_app.config["PAGE_SIZE"]
    )
    return render_template("notifications/outbox.html", page=page, state=chosen, states=list(State))


@bp.post("/<int:notification_id>/resend")
@roles_required(Role.ADMIN)
def resend(notification_id: int):
    notification = queries.get_notification(notification_id) or abort(404)
    form = ResendForm()
    if form.validate_on_submit():
        try:
            service.resend(notification, actor=current_user)
        except DomainError as error:
            flash(message_of(error), "danger")
        else:
            db.session.commit()
            flash(gettext("The message is queued to be sent again."), "success")
    return redirect(url_for("notifications.outbox"))


@bp.get("/templates")
@roles_required(Role.ADMIN)
def templates():
    return render_template(
        "notifications/templates.html",
        events=CUSTOMER_EVENTS,
        channels=list(Channel),
        rules=queries.rules(),
        customised=queries.customised(),
        statuses=STATUS_OF_EVENT,
    )


def _pair(event: str, channel: str) -> tuple[Event, Channel]:
    if event not in set(CUSTOMER_EVENTS) or channel not in set(Channel):
        abort(404)
    return Event(event), Channel(channel)


@bp.route("/templates/<event>/<channel>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_template(event: str, channel: str):
    event, channel = _pair(event, channel)
    languages = current_app.config["LANGUAGES"]
    rule = queries.rules().get((event, channel))
    form = template_form(channel, languages)
    previews = None
    if form.validate_on_submit():
        try:
            if "preview" in request.form:
                cleaned = service.check_texts(
                    channel, form.texts(languages), enabled=form.enabled.data
                )
                previews = _previews(cleaned)
            else:
                service.save_templates(
                    event,
                    channel,
                    enabled=form.enabled.data,
                    texts=form.texts(languages),
                    actor=current_user,
                    expected_version=form.expected_version(),
                )
                db.session.commit()
                flash(gettext("The message settings are saved."), "success")
                return redirect(url_for("notifications.templates"))
        except DomainError as error:
            apply_to_form(error, form)
    if not form.is_submitted():
        form.enabled.data = rule.enabled if rule else True
        form.version.data = str(rule.version if rule else 0)
        for locale, (subject, body) in queries.texts_of(event, channel, languages).items():
            if channel is Channel.EMAIL:
                getattr(form, f"subject_{locale}").data = subject
            getattr(form, f"body_{locale}").data = body
    refused = form.is_submitted() and previews is None
    return render_template(
        "notifications/template_edit.html",
        event=event,
        channel=channel,
        form=form,
        languages=languages,
        placeholders=PLACEHOLDERS,
        previews=previews,
        status=STATUS_OF_EVENT.get(event),
    ), 422 if refused else 200


def _previews(cleaned) -> dict[str, tuple[str, str]]:
    today = local_date()
    return {
        locale: (
            render(text.subject, service.sample_values(locale, today=today)),
            render(text.body, service.sample_values(locale, today=today)),
        )
        for locale, text in cleaned.items()
    }
