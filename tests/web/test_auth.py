"""Logging in and out, safe redirects, sessions that end with a password change."""

from __future__ import annotations

import pytest

from servicecenter.services import users

from ..factories import PASSWORD


def log_in(client, username, password=PASSWORD, next_url=""):
    return client.post(
        "/login", data={"username": username, "password": password, "next": next_url}
    )


def test_login_with_the_right_password(client, make):
    make.network()
    response = log_in(client, "Reception_A")  # logins are case-insensitive
    assert response.status_code == 302
    assert client.get("/orders").status_code == 200


def test_login_with_a_wrong_password_says_so(client, make):
    make.network()
    response = log_in(client, "reception_a", "wrong")
    assert "Wrong login or password." in response.get_data(as_text=True)
    assert client.get("/orders").status_code == 302
    assert "Wrong login or password." in log_in(client, "nobody").get_data(as_text=True)


@pytest.mark.parametrize(
    ("target", "lands_on"),
    [
        ("/orders?status=ready", "/orders?status=ready"),
        ("https://evil.example/", "/"),
        ("//evil.example/x", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_next_only_goes_to_local_paths(client, make, target, lands_on):
    make.network()
    response = log_in(client, "reception_a", next_url=target)
    assert response.headers["Location"] == lands_on


def test_logout_is_a_post(client, make, login_as):
    login_as(make.net.reception_a)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert client.get("/orders").status_code == 302


def test_a_password_change_ends_other_sessions(client, make, login_as, db):
    login_as(make.net.reception_a)
    assert client.get("/orders").status_code == 200
    users.set_password(make.net.reception_a, "a-new-password")
    db.session.commit()
    response = client.get("/orders")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_passwords_are_stored_as_argon2_hashes(make):
    user = make.net.reception_a
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_an_inactive_user_cannot_log_in(client, make, db):
    make.net.reception_a.active = False
    db.session.commit()
    assert "Wrong login or password." in log_in(client, "reception_a").get_data(as_text=True)


def test_the_language_switch_remembers_the_choice(client, make, login_as, fresh):
    login_as(make.net.reception_a)
    response = client.post("/language", data={"lang": "ru", "next": "/orders"})
    assert response.headers["Location"] == "/orders"
    assert "Заказы" in client.get("/orders").get_data(as_text=True)
    fresh()
    assert make.net.reception_a.locale == "ru"
    evil = client.post("/language", data={"lang": "en", "next": "https://evil.example"})
    assert evil.headers["Location"] == "/"


def test_a_visitor_gets_the_browser_language(client, db):
    page = client.get("/status", headers={"Accept-Language": "ru-RU,ru;q=0.9"})
    assert "Где мой ремонт?" in page.get_data(as_text=True)
    assert "Where is my repair?" in client.get("/status").get_data(as_text=True)
