"""The customer's answers from the status link: the quote with Approve and Decline, the ratings
after collection (CSRF, idempotent, no personal data, clear messages), and the office's
follow-ups page."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from servicecenter.domain.enums import OrderStatus
from servicecenter.domain.feedback import Scores
from servicecenter.models import Feedback, FollowUp, Part, QuoteDecision
from servicecenter.services import feedback as feedback_service
from servicecenter.services import notifications, order_lines, orders, stock

from .helpers import alerts, csrf_token, database_snapshot, field_messages
from .test_public_status import assert_private, tightest

S = OrderStatus
VERSION = re.compile(r'<input type="hidden" name="version" value="(\d+)">')


@pytest.fixture
def quoted(make, db):
    """Waiting for approval: 5,000.00 for the repair, 1,000.00 allowed without asking."""
    order = make.order(S.AWAITING_APPROVAL, price=500_000, approval_limit=100_000)
    order.customer.email = "ivan.petrov@example.com"
    db.session.commit()
    return order


def page_of(client, order) -> str:
    response = client.get(f"/s/{order.tracking_token}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def answer(client, order, decision="approve", **data):
    return client.post(
        f"/s/{order.tracking_token}/quote",
        data={"decision": decision, "version": str(order.version), **data},
    )


def test_the_status_page_shows_the_quote_with_both_answers(client, quoted):
    html = page_of(client, quoted)
    assert 'id="quote-total">5,000.00\xa0RUB</div>' in html
    assert "Broken connector" in html  # the work found, as the printed quote shows it
    assert "allowed repairs up to 1,000.00\xa0RUB without asking" in html
    assert VERSION.findall(html) == [str(quoted.version)] * 2  # approve and decline
    assert f'action="/s/{quoted.tracking_token}/quote"' in html
    assert 'id="approve"' in html and 'id="decline"' in html
    assert_private(html, quoted, token_allowed=True)


def test_an_approval_moves_the_order_and_a_second_click_changes_nothing(client, quoted, fresh):
    response = answer(client, quoted)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/s/{quoted.tracking_token}")
    fresh()
    assert quoted.status is S.IN_REPAIR
    html = page_of(client, quoted)
    assert "Thank you: the repair is approved." in html
    assert 'id="quote"' not in html and "You approved the repair for 5,000.00" in html

    before = database_snapshot()
    again = client.post(
        f"/s/{quoted.tracking_token}/quote",
        data={"decision": "decline", "version": str(quoted.version - 1)},
        headers={"User-Agent": "second tab"},
    )
    assert again.status_code == 303
    assert database_snapshot() == before
    messages = alerts(page_of(client, quoted))
    assert any(m.startswith("You approved this quote on") for m in messages), messages


def status_json(client, order) -> dict:
    query = {"number": order.number, "phone": order.customer.phone[-4:]}
    response = client.get("/api/v1/status", query_string=query)
    assert response.status_code == 200
    assert_private(response.get_data(as_text=True), order)  # the token is no part of it either
    return response.get_json()


def test_the_json_status_shows_the_quote_and_then_the_answer(client, quoted):
    body = status_json(client, quoted)
    assert body["status"] == "awaiting_approval"
    assert body["quote"] == {
        "lines": [
            {
                "description": "Broken connector",
                "quantity": 1,
                "unit_price": "5000.00",
                "total": "5000.00",
            }
        ],
        "total": "5000.00",
        "approval_limit": "1000.00",
        "approved_amount": None,
        "diagnostic_fee": None,
    }
    assert body["quote_answer"] is None

    assert answer(client, quoted).status_code == 303
    body = status_json(client, quoted)
    assert body["quote"] is None and body["status"] == "in_repair"
    assert body["quote_answer"]["decision"] == "approve"
    assert body["quote_answer"]["amount"] == "5000.00"


def test_a_decline_keeps_the_customers_reason_for_the_staff_only(client, quoted, fresh, db):
    response = answer(client, quoted, "decline", comment="Too expensive")
    assert response.status_code == 303
    fresh()
    assert quoted.status is S.TO_OFFICE
    decision = db.session.scalars(sa.select(QuoteDecision)).one()
    assert decision.comment == "Too expensive" and decision.user_agent.startswith("Werkzeug")
    html = page_of(client, quoted)
    assert "You declined the repair on" in html
    assert "Too expensive" not in html  # staff read it in the history, nobody else


def test_a_stale_page_is_refused_with_the_new_quote_and_the_comment_kept(client, quoted, make, db):
    shown = quoted.version
    orders.record_work(quoted, actor=make.net.tech, diagnosis="x", work_done="", price=600_000)
    db.session.commit()
    before = database_snapshot()
    response = client.post(
        f"/s/{quoted.tracking_token}/quote",
        data={"decision": "decline", "version": str(shown), "comment": "Let me think"},
    )
    assert response.status_code == 409
    assert database_snapshot() == before
    html = response.get_data(as_text=True)
    assert "The quote changed after you opened the page." in " ".join(alerts(html))
    assert 'id="quote-total">6,000.00\xa0RUB</div>' in html
    assert VERSION.findall(html) == [str(quoted.version)] * 2
    assert ">Let me think</textarea>" in html and '<details id="decline-box" open>' in html


def test_an_order_no_longer_waiting_says_why(client, make):
    order = make.order(S.IN_REPAIR)
    before = database_snapshot()
    response = answer(client, order)
    assert response.status_code == 303
    assert database_snapshot() == before
    assert alerts(page_of(client, order)) == [
        "This quote is no longer waiting for your answer: see where the repair is below."
    ]


def test_a_forged_link_is_not_found(client, quoted):
    before = database_snapshot()
    for path in ("/s/forged/quote", f"/s/{quoted.tracking_token[:-1]}x/quote"):
        response = client.post(path, data={"decision": "approve", "version": quoted.version})
        assert response.status_code == 404
        assert "This link is not valid." in response.get_data(as_text=True)
    assert database_snapshot() == before


def test_bad_answers_are_refused_without_a_500(client, quoted):
    before = database_snapshot()
    for data in (
        {"decision": "maybe", "version": str(quoted.version)},
        {"decision": "approve", "version": "not-a-number"},
        {"decision": "approve"},
        {},
    ):
        response = client.post(f"/s/{quoted.tracking_token}/quote", data=data)
        assert response.status_code in (409, 422), (data, response.status_code)
    long = answer(client, quoted, "decline", comment="y" * 501)
    assert long.status_code == 422
    html = long.get_data(as_text=True)
    assert field_messages(html, "comment") == ["Field cannot be longer than 500 characters."]
    assert "y" * 501 + "</textarea>" in html
    assert database_snapshot() == before


def test_answering_needs_the_csrf_token(make_app, quoted, fresh):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    data = {"decision": "approve", "version": str(quoted.version)}
    before = database_snapshot()
    path = f"/s/{quoted.tracking_token}/quote"
    assert client.post(path, data=data).status_code == 400
    assert client.post(path, data={**data, "csrf_token": "forged"}).status_code == 400
    assert database_snapshot() == before
    token = csrf_token(client, f"/s/{quoted.tracking_token}")
    assert client.post(path, data={**data, "csrf_token": token}).status_code == 303
    fresh()
    assert quoted.status is S.IN_REPAIR


def test_answers_and_ratings_are_rate_limited(make_app, quoted):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    allowed = tightest(app.config["STATUS_RATE_LIMIT"])
    client = app.test_client()
    codes = [
        client.post(f"/s/guess{i}/quote", data={"decision": "approve"}).status_code
        for i in range(allowed + 1)
    ]
    assert codes == [404] * allowed + [429]
    assert client.post(f"/s/{quoted.tracking_token}/feedback").status_code == 429


# --- ratings -----------------------------------------------------------------------------------


@pytest.fixture
def collected(make, db):
    order = make.order(S.COLLECTED)
    order.customer.email = "ivan.petrov@example.com"
    db.session.commit()
    return order


def rate(client, order, **data):
    values = {"csat": "4", "nps": "9", "effort": "5", "comment": "Quick"}
    values.update(data)
    return client.post(
        f"/s/{order.tracking_token}/feedback",
        data={k: v for k, v in values.items() if v is not None},
    )


def test_the_survey_link_is_the_rating_page(app, collected):
    values = notifications.placeholder_values(collected, "en")
    assert values["survey_link"] == (
        f"{app.config['PUBLIC_BASE_URL']}/s/{collected.tracking_token}/feedback"
    )
    assert values["status_link"].endswith(f"/s/{collected.tracking_token}")


def test_a_collected_order_is_rated_from_its_page_once(client, collected, db, fresh):
    status = page_of(client, collected)
    assert 'id="feedback-form"' in status  # on the status page too
    assert f'action="/s/{collected.tracking_token}/feedback"' in status
    page = client.get(f"/s/{collected.tracking_token}/feedback")
    assert page.status_code == 200 and 'name="nps"' in page.get_data(as_text=True)

    response = rate(client, collected)
    assert response.status_code == 303
    fresh()
    given = db.session.scalars(sa.select(Feedback)).one()
    assert (given.csat, given.nps, given.effort, given.comment) == (4, 9, 5, "Quick")
    assert db.session.scalar(sa.select(sa.func.count(FollowUp.id))) == 0
    thanks = client.get(f"/s/{collected.tracking_token}/feedback").get_data(as_text=True)
    assert "Thank you for your answers!" in thanks and 'id="feedback-thanks"' in thanks
    assert 'id="feedback-thanks"' in page_of(client, collected)
    assert 'id="feedback-form"' not in page_of(client, collected)

    before = database_snapshot()
    again = rate(client, collected, csat="1", nps="0")
    assert again.status_code == 303
    assert database_snapshot() == before
    assert "Thank you, we already have your answers." in " ".join(
        alerts(client.get(f"/s/{collected.tracking_token}/feedback").get_data(as_text=True))
    )


def test_the_json_status_says_whether_the_service_may_still_be_rated(client, collected):
    assert status_json(client, collected)["feedback"] == {"open": True, "given": False}
    assert rate(client, collected).status_code == 303
    assert status_json(client, collected)["feedback"] == {"open": False, "given": True}


def test_a_low_rating_opens_a_follow_up(client, collected, db, fresh):
    assert rate(client, collected, csat="2", nps="8").status_code == 303
    fresh()
    follow_up = db.session.scalars(sa.select(FollowUp)).one()
    assert follow_up.order_id == collected.id and follow_up.is_open


def test_a_rating_with_mistakes_keeps_what_was_typed(client, collected):
    before = database_snapshot()
    response = rate(client, collected, nps=None, effort="9", comment="Friendly staff")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_messages(html, "nps") == ["Choose a score."]
    assert field_messages(html, "effort") == ["Not a valid choice."]
    assert 'id="csat-4" value="4" autocomplete="off" checked>' in html
    assert ">Friendly staff</textarea>" in html
    assert database_snapshot() == before


def test_an_order_not_collected_cannot_be_rated_yet(client, make):
    order = make.order(S.READY)
    html = client.get(f"/s/{order.tracking_token}/feedback").get_data(as_text=True)
    assert 'id="feedback-not-yet"' in html and 'name="csat"' not in html
    assert 'id="feedback-form"' not in page_of(client, order)
    before = database_snapshot()
    assert rate(client, order).status_code == 303
    assert database_snapshot() == before


def test_the_rating_page_shows_no_personal_data(client, collected):
    html = client.get(f"/s/{collected.tracking_token}/feedback").get_data(as_text=True)
    assert_private(html, collected, token_allowed=True)
    assert client.get("/s/forged/feedback").status_code == 404


def test_rating_needs_the_csrf_token(make_app, collected):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    before = database_snapshot()
    assert rate(client, collected).status_code == 400
    assert database_snapshot() == before
    token = csrf_token(client, f"/s/{collected.tracking_token}/feedback")
    assert rate(client, collected, csrf_token=token).status_code == 303


# --- the office's follow-ups ------------------------------------------------------------------


@pytest.fixture
def follow_up(make, db):
    order = make.order(S.COLLECTED)
    feedback_service.submit(
        order.tracking_token,
        Scores(csat=1, nps=2, effort=2, comment="Nobody told me it was ready"),
        ip="",
        user_agent="",
    )
    db.session.commit()
    return db.session.scalars(sa.select(FollowUp)).one()


def close(client, follow_up, action="Called back and apologised", version=None):
    prefix = f"follow-up-{follow_up.id}"
    return client.post(
        f"/follow-ups/{follow_up.id}/close",
        data={
            f"{prefix}-action": action,
            f"{prefix}-version": str(follow_up.version if version is None else version),
        },
    )


def test_the_office_sees_its_open_follow_ups_and_closes_one(client, login_as, make, follow_up):
    login_as(make.net.reception_a)
    html = client.get("/follow-ups").get_data(as_text=True)
    assert f'id="follow-up-{follow_up.id}"' in html
    assert "Nobody told me it was ready" in html and "Ivan Petrov" in html
    assert 'id="open-count">1<' in html
    assert 'id="nav-follow-ups"' in html

    response = close(client, follow_up)
    assert response.status_code == 302
    html = client.get("/follow-ups").get_data(as_text=True)
    assert "Follow-up closed." in html and 'id="no-open-follow-ups"' in html
    assert "Called back and apologised" in html  # among the recently closed


def test_closing_without_saying_what_was_done_is_refused(client, login_as, make, follow_up):
    login_as(make.net.admin)
    before = database_snapshot()
    response = close(client, follow_up, action="   ")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_messages(html, f"follow-up-{follow_up.id}-action") == [
        "Say what was done for the customer."
    ]
    assert database_snapshot() == before


def test_a_second_close_at_once_is_told_and_keeps_the_text(client, login_as, make, follow_up, db):
    login_as(make.net.reception_a)
    shown = follow_up.version
    db.session.execute(  # someone else edited it meanwhile (the version moved on)
        sa.update(FollowUp).where(FollowUp.id == follow_up.id).values(version=shown + 1)
    )
    db.session.commit()
    response = close(client, follow_up, action="My notes", version=shown)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Someone else closed or changed this follow-up meanwhile." in " ".join(alerts(html))
    assert ">My notes</textarea>" in html


def test_a_closed_follow_up_is_not_closed_again(client, login_as, make, follow_up, db):
    login_as(make.net.reception_a)
    assert close(client, follow_up).status_code == 302
    before = database_snapshot()
    again = close(client, follow_up, action="Again", version=follow_up.version)
    assert again.status_code == 302
    assert database_snapshot() == before


def test_follow_ups_are_the_offices_own(client, login_as, make, follow_up):
    login_as(make.net.reception_b)
    html = client.get("/follow-ups").get_data(as_text=True)
    assert f'id="follow-up-{follow_up.id}"' not in html
    before = database_snapshot()
    assert close(client, follow_up).status_code == 404
    assert database_snapshot() == before
    for outsider in (make.net.tech, make.net.manager):
        login_as(outsider)
        assert client.get("/follow-ups").status_code == 403
        assert close(client, follow_up).status_code == 403
        assert 'id="nav-follow-ups"' not in client.get("/orders").get_data(as_text=True)


def test_the_ledger_names_the_customer_for_a_reservation_of_their_answer(
    client, make, db, login_as
):
    net = make.net
    display = Part(sku="LCD-7", name="Display", unit_cost=10_000, sale_price=300_000)
    db.session.add(display)
    db.session.flush()
    stock.receive(display, stock.location_for(workshop=net.remote), 1, actor=net.manager)
    order = make.order(S.DIAGNOSING, price=None, approval_limit=100_000)
    order_lines.add_part(order, display, 1, actor=net.tech)
    orders.change_status(order, S.AWAITING_APPROVAL, actor=net.tech)
    db.session.commit()
    assert answer(client, order).status_code == 303

    login_as(net.manager)
    response = client.get("/stock/ledger")
    assert response.status_code == 200
    actors = re.findall(r'<td class="actor">([^<]*)</td>', response.get_data(as_text=True))
    assert actors == ["customer", "Manager"]  # newest first: the reservation, the receipt
