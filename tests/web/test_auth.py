"""Logging in and out, safe redirects, sessions and remember-me cookies that end with a password
change, Argon2 hashes."""

from __future__ import annotations

import pytest

from servicecenter.services import users

from ..factories import PASSWORD


def log_in(client, username, password=PASSWORD, next_url="", **extra):
    return client.post(
        "/login", data={"username": username, "password": password, "next": next_url, **extra}
    )


def logged_in(client) -> bool:
    response = client.get("/orders")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def test_login_with_the_right_password(client, make, fresh):
    make.network()
    assert not logged_in(client)
    response = log_in(client, " Reception_A ")  # logins are case-insensitive and trimmed
    assert response.status_code == 302
    assert logged_in(client)
    fresh()
    assert make.net.reception_a.last_login_at is not None


@pytest.mark.parametrize(
    ("username", "password"),
    [("reception_a", "wrong"), ("reception_a", PASSWORD.upper()), ("nobody", PASSWORD)],
)
def test_a_failed_login_says_so_and_the_same_for_every_reason(client, make, username, password):
    make.network()
    response = log_in(client, username, password)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Wrong login or password." in html  # never "no such user"
    assert f'value="{username}"' in html and f'value="{password}"' not in html
    assert not logged_in(client)


def test_an_inactive_user_cannot_log_in(client, make, db):
    make.net.reception_a.active = False
    db.session.commit()
    assert "Wrong login or password." in log_in(client, "reception_a").get_data(as_text=True)
    assert not logged_in(client)


@pytest.mark.parametrize(
    ("target", "lands_on"),
    [
        ("/orders", "/orders"),
        ("/orders?status=ready", "/orders?status=ready"),
        ("https://evil.example/", "/"),
        ("//evil.example", "/"),
        ("//evil.example/x", "/"),
        ("/\\evil.example", "/"),
        ("\\\\evil.example", "/"),
        ("/\t/evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("", "/"),
    ],
)
def test_next_only_goes_to_local_paths(client, make, target, lands_on):
    make.network()
    response = log_in(client, "reception_a", next_url=target)
    assert response.status_code == 302
    assert response.headers["Location"] == lands_on


def test_the_login_page_carries_next_from_the_address(client, make):
    make.network()
    first = client.get("/workshop/queue")  # a stranger is sent to log in, then comes back
    assert first.headers["Location"] == "/login?next=%2Fworkshop%2Fqueue"
    page = client.get(first.headers["Location"]).get_data(as_text=True)
    assert 'name="next" type="hidden" value="/workshop/queue"' in page
    response = log_in(client, "tech", next_url="/workshop/queue")
    assert response.headers["Location"] == "/workshop/queue"


def test_a_logged_in_user_going_to_the_login_page_goes_home(client, make, login_as):
    login_as(make.net.tech)
    response = client.get("/login")
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_logout_is_a_post(client, make, login_as):
    login_as(make.net.reception_a)
    assert client.get("/logout").status_code == 405
    assert logged_in(client)
    response = client.post("/logout")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert not logged_in(client)


def test_a_password_change_ends_an_existing_session(client, make, login_as, db):
    login_as(make.net.reception_a)
    assert logged_in(client)
    users.set_password(make.net.reception_a, "a-new-password")
    db.session.commit()
    response = client.get("/orders")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert log_in(client, "reception_a").status_code == 422  # the old password is gone
    assert log_in(client, "reception_a", "a-new-password").status_code == 302


def test_a_password_change_ends_remember_me_cookies(client, make, db):
    make.network()
    assert log_in(client, "reception_a", remember="y").status_code == 302
    assert client.get_cookie("remember_token") is not None
    client.delete_cookie("session")
    assert logged_in(client)  # the browser was closed; the cookie logs them back in
    users.set_password(make.net.reception_a, "a-new-password")
    db.session.commit()
    client.delete_cookie("session")
    assert not logged_in(client)


def test_the_session_cookie_is_not_readable_by_scripts(client, make):
    make.network()
    log_in(client, "reception_a", remember="y")
    cookies = client.get_cookie("session"), client.get_cookie("remember_token")
    assert all(cookie.http_only for cookie in cookies)
    assert all(cookie.same_site == "Lax" for cookie in cookies)


def test_passwords_are_stored_as_argon2_hashes(make, db):
    user = make.net.reception_a
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    other = make.net.reception_b  # same password, different salt
    assert other.password_hash != user.password_hash


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
