"""The partner workshop's inbox: accept with a technician or refuse; the office routes again."""

from __future__ import annotations

from servicecenter.domain.enums import OrderStatus as S

from .helpers import database_snapshot, field_messages, order_numbers


def test_the_inbox_lists_what_waits_for_the_managers_answer(client, make, login_as):
    waiting = make.order(S.TO_WORKSHOP)
    at_home = make.order(S.RECEIVED)  # not sent yet
    elsewhere = make.order(S.TO_WORKSHOP, workshop=make.net.other)
    login_as(make.net.manager)
    listed = order_numbers(client.get("/workshop/inbox"))
    assert listed == [waiting.number]
    assert at_home.number not in listed and elsewhere.number not in listed
    login_as(make.net.admin)
    assert set(order_numbers(client.get("/workshop/inbox"))) == {waiting.number, elsewhere.number}
    login_as(make.net.tech)
    assert client.get("/workshop/inbox").status_code == 403


def test_the_manager_accepts_and_names_the_technician(client, make, login_as, fresh):
    order = make.order(S.TO_WORKSHOP)
    login_as(make.net.manager)
    page = client.get(f"/orders/{order.number}").get_data(as_text=True)
    assert 'id="accept"' in page and "Tech</option>" in page
    before = database_snapshot()
    wrong = client.post(
        f"/orders/{order.number}/accept",
        data={"technician_id": str(make.net.tech_other.id), "version": order.version},
    )
    assert wrong.status_code == 422
    assert field_messages(wrong.get_data(as_text=True), "technician_id") == ["Not a valid choice."]
    stale = client.post(
        f"/orders/{order.number}/accept",
        data={"technician_id": str(make.net.tech.id), "version": order.version - 1},
    )
    assert stale.status_code == 422
    assert database_snapshot() == before
    done = client.post(
        f"/orders/{order.number}/accept",
        data={"technician_id": str(make.net.tech.id), "version": order.version},
    )
    assert done.status_code == 302
    fresh()
    assert (order.accepted_by_id, order.technician_id) == (make.net.manager.id, make.net.tech.id)
    assert order_numbers(client.get("/workshop/inbox")) == []
    assert "Accepted by Manager" in client.get(f"/orders/{order.number}").get_data(as_text=True)


def test_a_technician_cannot_accept(client, make, login_as):
    order = make.order(S.TO_WORKSHOP)
    login_as(make.net.tech)
    assert 'id="accept"' not in client.get(f"/orders/{order.number}").get_data(as_text=True)
    response = client.post(
        f"/orders/{order.number}/accept", data={"technician_id": "0", "version": order.version}
    )
    assert response.status_code == 422
    assert "The workshop&#39;s manager accepts or refuses orders." in response.get_data(
        as_text=True
    )


def test_a_refused_order_goes_back_and_the_office_routes_it_again(client, make, login_as, fresh):
    order = make.order(S.TO_WORKSHOP)
    login_as(make.net.manager)
    refused = client.post(
        f"/orders/{order.number}/status",
        data={
            "target": "received",
            "note": "We do not repair this model",
            "version": order.version,
        },
    )
    assert refused.status_code == 302
    fresh()
    login_as(make.net.reception_a)
    page = client.get(f"/orders/{order.number}").get_data(as_text=True)
    assert "We do not repair this model" in page and 'id="route"' in page
    moved = client.post(
        f"/orders/{order.number}/route",
        data={"workshop_id": str(make.net.other.id), "version": order.version},
    )
    assert moved.status_code == 302
    fresh()
    assert order.workshop_id == make.net.other.id and order.status is S.RECEIVED


def test_a_partner_that_refused_an_order_no_longer_sees_it(client, make, login_as, fresh):
    order = make.order(S.TO_WORKSHOP)
    login_as(make.net.manager)
    client.post(
        f"/orders/{order.number}/status",
        data={"target": "received", "note": "Not our brand", "version": order.version},
    )
    assert client.get(f"/orders/{order.number}").status_code == 404
    fresh()
    login_as(make.net.reception_a)
    page = client.get(f"/orders/{order.number}").get_data(as_text=True)
    assert "Refused by the workshop" in page and "refused this order" in page
    # the next workshop is offered, not the one that said no
    selected = page[page.index('id="route"') :]
    assert f'<option selected value="{make.net.remote.id}">' not in selected
