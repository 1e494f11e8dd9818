"""The admin's notification pages: the outbox with resend, the templates with preview; admin only,
CSRF enforced, bad input refused with a message and the typed text kept."""

from __future__ import annotations

import html

import pytest

from servicecenter.domain.enums import OrderStatus
from servicecenter.domain.notifications import Channel, Event, State
from servicecenter.models import Notification, NotificationRule, NotificationTemplate

from ..notify_helpers import consenting, outbox
from .helpers import csrf_token, database_snapshot
from .test_csrf import guarded, log_in  # noqa: F401 (the fixture)
from .test_health_and_lists import counting_queries

S = OrderStatus


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize("user", ["reception_a", "tech", "manager"])
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/admin/notifications"),
        ("GET", "/admin/notifications/templates"),
        ("GET", "/admin/notifications/templates/ready/sms"),
        ("POST", "/admin/notifications/templates/ready/sms"),
        ("POST", "/admin/notifications/1/resend"),
    ],
)
def test_the_pages_are_the_admins(client, make, login_as, user, method, path):
    make.order(S.RECEIVED, device=consenting(make))
    login_as(getattr(make.net, user))
    before = database_snapshot()
    data = {"enabled": "y", "body_en": "x", "body_ru": "x", "version": "0"}
    response = client.open(path, method=method, data=data if method == "POST" else None)
    assert response.status_code == 403
    assert database_snapshot() == before


def test_the_outbox_lists_messages_newest_first_and_filters_by_state(client, make, login_as, db):
    first = make.order(S.RECEIVED, device=consenting(make, sms=False))
    second = make.order(S.RECEIVED, device=consenting(make, email=False))
    failed = outbox(second)[0]
    failed.state, failed.attempts, failed.last_error = State.FAILED, 5, "SMS gateway answered 500"
    db.session.commit()
    login_as(make.net.admin)
    text = page_text(client.get("/admin/notifications"))
    assert text.index(second.number) < text.index(first.number)
    assert "maria@example.com" in text and "SMS gateway answered 500" in text
    only_failed = page_text(client.get("/admin/notifications?state=failed"))
    assert second.number in only_failed and first.number not in only_failed
    # a state that does not exist is no filter, not an error
    assert client.get("/admin/notifications?state=bogus").status_code == 200


def test_the_outbox_query_count_does_not_grow_with_rows(client, make, login_as, db):
    def queries_for(orders: int) -> int:
        while len(outbox()) < orders:
            make.order(S.RECEIVED, device=consenting(make, sms=False))
        login_as(make.net.admin)
        client.get("/admin/notifications")
        with counting_queries(db) as statements:
            assert client.get("/admin/notifications").status_code == 200
        return len(statements)

    assert queries_for(2) == queries_for(8)


def test_resend_queues_a_failed_message_again_and_copies_a_sent_one(
    client, make, login_as, db, fresh
):
    order = make.order(S.RECEIVED, device=consenting(make))
    email, sms = outbox(order)
    email.state, email.attempts, email.last_error = State.FAILED, 5, "boom"
    sms.state = State.SENT
    db.session.commit()
    login_as(make.net.admin)

    response = client.post(f"/admin/notifications/{email.id}/resend")
    assert response.status_code == 302
    fresh()
    assert (email.state, email.attempts, email.last_error) == (State.QUEUED, 0, None)

    client.post(f"/admin/notifications/{sms.id}/resend")
    fresh()
    rows = outbox(order)
    assert len(rows) == 3
    copy = rows[-1]
    assert (copy.state, copy.channel, copy.body) == (State.QUEUED, Channel.SMS, sms.body)
    assert sms.state is State.SENT

    # a queued message is not queued twice
    before = database_snapshot()
    refused = client.post(f"/admin/notifications/{copy.id}/resend", follow_redirects=True)
    assert "waiting to be sent already" in page_text(refused)
    assert database_snapshot() == before
    assert client.post("/admin/notifications/999999/resend").status_code == 404


def test_the_templates_page_shows_which_message_fires_when(client, make, login_as):
    login_as(make.net.admin)
    text = page_text(client.get("/admin/notifications/templates"))
    for label in ("Order accepted", "At intake", "Ready for pickup", "Awaiting parts"):
        assert label in text


def edit_form(client, path="/admin/notifications/templates/ready/email"):
    page = page_text(client.get(path))
    assert 'name="version"' in page
    return {
        "enabled": "y",
        "version": "0",
        "subject_en": "Ready: {order_number}",
        "body_en": "Collect {device} at {office_address}",
        "subject_ru": "Готов: {order_number}",
        "body_ru": "Заберите {device}: {office_address}",
    }


def test_a_template_is_saved_and_used(client, make, login_as, db, fresh):
    login_as(make.net.admin)
    data = edit_form(client)
    response = client.post("/admin/notifications/templates/ready/email", data=data)
    assert response.status_code == 302
    fresh()
    rule = db.session.scalars(db.select(NotificationRule)).one()
    assert (rule.event, rule.channel, rule.enabled, rule.version) == (
        Event.READY,
        Channel.EMAIL,
        True,
        1,
    )
    saved = db.session.scalars(
        db.select(NotificationTemplate).where(NotificationTemplate.locale == "ru")
    ).one()
    assert saved.body == "Заберите {device}: {office_address}"
    order = make.order(S.READY, device=consenting(make, sms=False))
    assert outbox(order)[-1].body == "Заберите Acme Phone X: 1 Main St"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"body_ru": "Заберите {devise}"}, "Unknown placeholder: {devise}"),
        ({"subject_en": "Hi {name}"}, "Unknown placeholder: {name}"),
        ({"body_en": ""}, "An enabled message needs a text in every language."),
        ({"body_en": "x" * 5001}, "At most 5000 characters."),
        ({"version": "7"}, "Someone else saved this while you had it open."),
    ],
)
def test_bad_template_input_is_refused_with_a_message(client, make, login_as, change, message):
    login_as(make.net.admin)
    data = {**edit_form(client), **change}
    before = database_snapshot()
    response = client.post("/admin/notifications/templates/ready/email", data=data)
    assert response.status_code == 422
    text = page_text(response)
    assert message in text
    assert data["body_ru"][:100] in text  # what was typed is kept
    assert database_snapshot() == before


def test_preview_renders_without_saving(client, make, login_as):
    login_as(make.net.admin)
    data = {**edit_form(client), "preview": "1"}
    before = database_snapshot()
    response = client.post("/admin/notifications/templates/ready/email", data=data)
    assert response.status_code == 200
    text = page_text(response)
    assert "Готов: MSK-2026-000123" in text
    assert "Заберите Apple iPhone 13: ул. Тверская, 7" in text
    assert database_snapshot() == before


def test_an_unknown_event_or_channel_is_not_found(client, make, login_as):
    login_as(make.net.admin)
    assert client.get("/admin/notifications/templates/exploded/email").status_code == 404
    assert client.get("/admin/notifications/templates/ready/pigeon").status_code == 404


def test_resend_and_template_forms_need_the_csrf_token(guarded, make, db, fresh):  # noqa: F811
    order = make.order(S.RECEIVED, device=consenting(make))
    email = outbox(order)[0]
    email.state = State.FAILED
    db.session.commit()
    log_in(guarded, "admin")
    before = database_snapshot()
    assert guarded.post(f"/admin/notifications/{email.id}/resend").status_code == 400
    form = {
        "enabled": "y",
        "version": "0",
        "body_en": "Ready {order_number}",
        "body_ru": "Готов {order_number}",
    }
    path = "/admin/notifications/templates/ready/sms"
    assert guarded.post(path, data=form).status_code == 400
    assert database_snapshot() == before

    token = csrf_token(guarded, "/admin/notifications")
    response = guarded.post(f"/admin/notifications/{email.id}/resend", data={"csrf_token": token})
    assert response.status_code == 302
    token = csrf_token(guarded, path)
    assert guarded.post(path, data={**form, "csrf_token": token}).status_code == 302
    fresh()
    assert db.session.get(Notification, email.id).state is State.QUEUED
