"""Delivering one message: email over SMTP, SMS through a pluggable gateway. No database here;
the outbox (services.notifications) decides what to send and records how it went."""

from __future__ import annotations

import json
import logging
import smtplib
import ssl
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

log = logging.getLogger("servicecenter.messaging")


class DeliveryError(Exception):
    """The message could not be handed over; the text says why (it is kept on the outbox row)."""


def send_email(config: Mapping, *, to: str, subject: str, body: str) -> None:
    """Send through the SMTP server of MAIL_SERVER, or write the mail to the log when none is
    configured (development). Raises DeliveryError or an smtplib/OSError."""
    if not config.get("MAIL_SERVER"):
        log.info("mail to %s (no MAIL_SERVER configured)\nSubject: %s\n\n%s", to, subject, body)
        return
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=config["MAIL_FROM"].rpartition("@")[2] or None)
    message.set_content(body)
    with smtplib.SMTP(
        config["MAIL_SERVER"], int(config["MAIL_PORT"]), timeout=config["NOTIFY_SEND_TIMEOUT"]
    ) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(message)


def _log_sms(config: Mapping, *, to: str, text: str) -> None:
    log.info("SMS to %s (SMS_GATEWAY=log)\n%s", to, text)


def _http_sms(config: Mapping, *, to: str, text: str) -> None:
    """POST {"to", "text"} as JSON to SMS_HTTP_URL with the bearer token; any answer but 2xx
    is a failure."""
    url = config.get("SMS_HTTP_URL")
    if not url:
        raise DeliveryError("SMS_GATEWAY is http but SMS_HTTP_URL is not set")
    request = urllib.request.Request(
        url,
        data=json.dumps({"to": to, "text": text}).encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {config.get('SMS_HTTP_TOKEN') or ''}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=config["NOTIFY_SEND_TIMEOUT"]) as answer:
            status = answer.status
    except urllib.error.HTTPError as error:
        raise DeliveryError(f"SMS gateway answered {error.code} {error.reason}") from error
    except (urllib.error.URLError, OSError) as error:
        raise DeliveryError(f"SMS gateway unreachable: {error}") from error
    if not 200 <= status < 300:
        raise DeliveryError(f"SMS gateway answered {status}")


# SMS_GATEWAY names one of these; another gateway is one more function here.
SMS_GATEWAYS: dict[str, Callable[..., None]] = {"log": _log_sms, "http": _http_sms}


def send_sms(config: Mapping, *, to: str, text: str) -> None:
    gateway = SMS_GATEWAYS.get(config.get("SMS_GATEWAY") or "log")
    if gateway is None:
        raise DeliveryError(f"Unknown SMS_GATEWAY {config.get('SMS_GATEWAY')!r}")
    gateway(config, to=to, text=text)
