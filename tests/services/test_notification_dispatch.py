"""Sending the outbox after commit: a real SMTP server and a fake HTTP SMS gateway on 127.0.0.1,
retries with backoff, failure after the configured attempts, never one message twice."""

from __future__ import annotations

import email
import email.policy
import http.server
import json
import socket
import threading
from datetime import UTC, datetime, timedelta

import pytest
from aiosmtpd.controller import Controller

from servicecenter.domain.enums import OrderStatus
from servicecenter.domain.notifications import Channel, State
from servicecenter.models import Notification
from servicecenter.services import notifications

from ..notify_helpers import consenting, outbox

S = OrderStatus
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.envelopes.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server(app, monkeypatch):
    """A real SMTP server on 127.0.0.1, and the app configured to send through it."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    monkeypatch.setitem(app.config, "MAIL_FROM", "service@example.com")
    yield inbox
    controller.stop()


class Gateway:
    """A fake HTTP SMS gateway: records what it is sent, answers with `status`."""

    def __init__(self):
        self.received = []
        self.status = 200


@pytest.fixture
def sms_gateway(app, monkeypatch):
    gateway = Gateway()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            length = int(self.headers["Content-Length"])
            gateway.received.append(
                (self.headers["Authorization"], json.loads(self.rfile.read(length)))
            )
            self.send_response(gateway.status)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setitem(app.config, "SMS_GATEWAY", "http")
    monkeypatch.setitem(
        app.config, "SMS_HTTP_URL", f"http://127.0.0.1:{server.server_address[1]}/send"
    )
    monkeypatch.setitem(app.config, "SMS_HTTP_TOKEN", "secret-token")
    monkeypatch.setitem(app.config, "NOTIFY_SEND_TIMEOUT", 5)
    yield gateway
    server.shutdown()
    server.server_close()


def test_the_smtp_server_receives_the_mail_in_cyrillic(make, db, fresh, smtp_server):
    order = make.order(S.RECEIVED, device=consenting(make, sms=False), now=NOW)
    summary = notifications.dispatch_due(now=NOW)
    assert summary.startswith("notifications: 1 sent")
    (envelope,) = smtp_server.envelopes
    assert envelope.rcpt_tos == ["maria@example.com"]
    assert envelope.mail_from == "service@example.com"
    message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    assert message["Subject"] == f"Заказ {order.number}: ваше устройство Acme Phone X принято"
    body = message.get_content()
    assert body.startswith("Здравствуйте, Мария Соколова!")
    assert f"/s/{order.tracking_token}" in body
    fresh()
    (row,) = outbox(order)
    assert (row.state, row.attempts, row.last_error) == (State.SENT, 1, None)
    assert row.sent_at is not None

    # A second run right after sends nothing again.
    assert notifications.dispatch_due(now=NOW + timedelta(hours=1)).startswith(
        "notifications: 0 sent"
    )
    assert len(smtp_server.envelopes) == 1


def test_the_sms_gateway_receives_the_text_with_the_token(make, db, fresh, sms_gateway):
    order = make.order(S.RECEIVED, device=consenting(make, email=False), now=NOW)
    notifications.dispatch_due(now=NOW)
    ((authorization, payload),) = sms_gateway.received
    assert authorization == "Bearer secret-token"
    assert payload["to"] == order.customer.phone
    assert payload["text"].startswith(f"Заказ {order.number} принят")
    fresh()
    assert outbox(order)[0].state is State.SENT


def test_a_failing_gateway_retries_with_backoff_then_fails(
    app, make, db, fresh, sms_gateway, monkeypatch
):
    monkeypatch.setitem(app.config, "NOTIFY_MAX_ATTEMPTS", 3)
    sms_gateway.status = 500
    order = make.order(S.RECEIVED, device=consenting(make, email=False), now=NOW)

    assert "1 to retry" in notifications.dispatch_due(now=NOW)
    fresh()
    (row,) = outbox(order)
    assert (row.state, row.attempts) == (State.QUEUED, 1)
    assert row.next_attempt_at == NOW + timedelta(minutes=1)
    assert "500" in row.last_error

    # Not due yet: nothing is tried.
    notifications.dispatch_due(now=NOW + timedelta(seconds=59))
    assert len(sms_gateway.received) == 1

    later = NOW + timedelta(minutes=1)
    notifications.dispatch_due(now=later)
    fresh()
    assert (row.state, row.attempts) == (State.QUEUED, 2)
    assert row.next_attempt_at == later + timedelta(minutes=5)

    last = later + timedelta(minutes=5)
    assert "1 failed" in notifications.dispatch_due(now=last)
    fresh()
    assert (row.state, row.attempts) == (State.FAILED, 3)
    assert "SMS gateway answered 500" in row.last_error
    assert len(sms_gateway.received) == 3

    # Failed is final: later runs leave it alone.
    notifications.dispatch_due(now=last + timedelta(days=2))
    assert len(sms_gateway.received) == 3


def test_a_message_left_sending_by_a_dead_dispatcher_is_tried_again(app, make, db, fresh):
    order = make.order(S.RECEIVED, device=consenting(make, email=False), now=NOW)
    (claimed,) = notifications.claim_due(now=NOW)  # … and the dispatcher died before sending
    fresh()
    row = outbox(order)[0]
    assert row.state is State.SENDING
    assert notifications.claim_due(now=NOW + timedelta(minutes=5)) == []  # still its claim
    lapsed = NOW + timedelta(seconds=app.config["NOTIFY_SENDING_TIMEOUT"])
    assert "1 sent" in notifications.dispatch_due(now=lapsed)
    fresh()
    assert (row.state, row.attempts) == (State.SENT, 2)


def test_a_claim_takes_each_message_once(make, db):
    make.order(S.RECEIVED, device=consenting(make), now=NOW)
    first = notifications.claim_due(now=NOW)
    assert len(first) == 2
    assert notifications.claim_due(now=NOW) == []


def test_two_dispatchers_at_once_never_claim_one_message_twice(app, make, db):
    for _ in range(6):
        make.order(S.RECEIVED, device=consenting(make), now=NOW)
    total = len(outbox())
    start = threading.Barrier(4)
    claims: list[list[int]] = []
    errors = []

    def dispatcher():
        try:
            with app.app_context():
                start.wait()
                claims.append([m.id for m in notifications.claim_due(now=NOW, limit=5)])
        except Exception as error:  # noqa: BLE001 — reported below
            errors.append(error)

    threads = [threading.Thread(target=dispatcher) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    every = [notification_id for claim in claims for notification_id in claim]
    assert len(every) == len(set(every)) == total  # 12 rows, 4 × up to 5 claims


def test_log_gateways_are_the_default(app, make, db, fresh, caplog):
    assert not app.config["MAIL_SERVER"] and app.config["SMS_GATEWAY"] == "log"
    order = make.order(S.RECEIVED, device=consenting(make), now=NOW)
    with caplog.at_level("INFO", logger="servicecenter.messaging"):
        assert "2 sent" in notifications.dispatch_due(now=NOW)
    assert f"Subject: Заказ {order.number}" in caplog.text
    assert f"SMS to {order.customer.phone}" in caplog.text
    fresh()
    assert {row.state for row in outbox(order)} == {State.SENT}


def test_the_cli_dispatches_once(app, make, db, fresh):
    order = make.order(S.RECEIVED, device=consenting(make, email=False))
    result = app.test_cli_runner().invoke(args=["notifications", "dispatch"])
    assert result.exit_code == 0, result.output
    assert "1 sent" in result.output
    fresh()
    assert db.session.get(Notification, outbox(order)[0].id).channel is Channel.SMS
    assert outbox(order)[0].state is State.SENT
