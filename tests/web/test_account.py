"""My account: every staff member sets their interface language and changes their password; a
new password ends the other sessions and keeps this one."""

from __future__ import annotations

import pytest

from servicecenter.services import users

from ..factories import PASSWORD
from .helpers import csrf_token, database_snapshot, field_messages


def log_in(client, username="reception_a", password=PASSWORD):
    return client.post("/login", data={"username": username, "password": password})


def logged_in(client) -> bool:
    return client.get("/account").status_code == 200


@pytest.mark.parametrize("role", ["admin", "reception_a", "tech", "manager"])
def test_every_staff_member_has_an_account_page_linked_from_their_name(
    client, make, login_as, role
):
    user = login_as(getattr(make.net, role))
    page = client.get("/account").get_data(as_text=True)
    assert user.username in page
    assert 'id="nav-account" href="/account"' in client.get("/orders").get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_log_in(client, make):
    response = client.get("/account")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_language_setting_changes_the_interface(client, make, login_as, fresh):
    user = login_as(make.net.reception_a)
    # the header's switch chose English for this browser: the setting made now must still win
    client.post("/language", data={"lang": "en", "next": "/orders"})
    response = client.post("/account/language", data={"locale": "ru"})
    assert response.status_code == 302
    assert "Заказы" in client.get("/orders").get_data(as_text=True)
    fresh()
    assert user.locale == "ru"
    # and it follows the user to another browser
    other = client.application.test_client()
    log_in(other)
    assert "Заказы" in other.get("/orders").get_data(as_text=True)


def test_the_browsers_language_may_be_chosen_again(client, make, login_as, fresh):
    user = login_as(make.net.reception_a)
    client.post("/account/language", data={"locale": "ru"})
    assert client.post("/account/language", data={"locale": ""}).status_code == 302
    fresh()
    assert user.locale is None
    page = client.get("/orders", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Orders" in page and "Заказы" not in page


def test_an_unknown_language_is_refused(client, make, login_as):
    login_as(make.net.tech)
    before = database_snapshot()
    response = client.post("/account/language", data={"locale": "xx"})
    assert response.status_code == 422
    assert field_messages(response.get_data(as_text=True), "locale")
    assert database_snapshot() == before


def change(client, current=PASSWORD, new="a-new-password", repeat=None):
    return client.post(
        "/account/password",
        data={
            "current_password": current,
            "password": new,
            "password_repeat": new if repeat is None else repeat,
        },
    )


def test_a_wrong_current_password_is_refused(client, make, login_as):
    login_as(make.net.reception_a)
    before = database_snapshot()
    response = change(client, current="not-my-password")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_messages(page, "current_password") == ["This is not your current password."]
    assert "not-my-password" not in page  # passwords are never sent back
    assert database_snapshot() == before


@pytest.mark.parametrize(
    ("new", "repeat", "field", "message"),
    [
        ("a-new-password", "another-password", "password_repeat", "The two new passwords differ."),
        ("abc", "abc", "password", "The password is too short."),
    ],
)
def test_a_new_password_must_be_typed_twice_and_long_enough(
    client, make, login_as, new, repeat, field, message
):
    login_as(make.net.reception_a)
    before = database_snapshot()
    response = change(client, new=new, repeat=repeat)
    assert response.status_code == 422
    assert field_messages(response.get_data(as_text=True), field) == [message]
    assert database_snapshot() == before


def test_a_new_password_ends_other_sessions_and_keeps_this_one(client, make):
    make.network()
    assert log_in(client).status_code == 302
    other = client.application.test_client()
    assert log_in(other).status_code == 302 and logged_in(other)

    assert change(client).status_code == 302
    assert logged_in(client)
    assert not logged_in(other)
    assert log_in(other).status_code == 422  # the old password is gone
    assert log_in(other, password="a-new-password").status_code == 302


def test_a_remembered_browser_gets_a_cookie_that_still_works(client, make):
    make.network()
    client.post("/login", data={"username": "reception_a", "password": PASSWORD, "remember": "y"})
    assert change(client).status_code == 302
    client.delete_cookie("session")  # the browser was closed: the new cookie logs them back in
    assert logged_in(client)


def test_the_password_form_needs_the_csrf_token(make_app, make):
    make.network()
    guarded = make_app(WTF_CSRF_ENABLED=True).test_client()
    token = csrf_token(guarded, "/login")
    guarded.post("/login", data={"username": "tech", "password": PASSWORD, "csrf_token": token})
    before = database_snapshot()
    assert change(guarded).status_code == 400
    assert guarded.post("/account/language", data={"locale": "ru"}).status_code == 400
    assert database_snapshot() == before
    token = csrf_token(guarded, "/account")
    response = guarded.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "password": "a-new-password",
            "password_repeat": "a-new-password",
            "csrf_token": token,
        },
    )
    assert response.status_code == 302
    assert users.authenticate("tech", "a-new-password") is not None
