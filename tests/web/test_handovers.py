"""The Handovers pages: scope (404 elsewhere), bad input with a clear message, the manifest PDF,
the receipt form, the custody card of the order page, and query counts."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from servicecenter.domain.enums import OrderStatus
from servicecenter.domain.handovers import Direction, HandoverStatus, ItemState
from servicecenter.extensions import db as _db
from servicecenter.models import Handover, HandoverItem
from servicecenter.services import handovers
from servicecenter.services import orders as order_service

from .helpers import alerts, database_snapshot
from .test_access import staff_urls
from .test_health_and_lists import counting_queries

S = OrderStatus


def handover_of(db, order) -> Handover:
    item = db.session.scalars(
        sa.select(HandoverItem).where(HandoverItem.order_id == order.id).order_by(HandoverItem.id)
    ).all()[-1]
    return db.session.get(Handover, item.handover_id)


def test_the_office_prepares_and_sends_a_handover(client, make, login_as, db, fresh):
    net = make.net
    first, second = make.order(), make.order()
    login_as(net.reception_a)
    page = client.get("/handovers").get_data(as_text=True)
    assert first.number in page and second.number in page and "Prepare a handover" in page
    response = client.post(
        "/handovers/new",
        data={
            "direction": "to_workshop",
            "office_id": net.office_a.id,
            "workshop_id": net.remote.id,
            "order": [first.id, second.id],
        },
    )
    assert response.status_code == 302
    fresh()
    handover = handover_of(db, first)
    detail = client.get(f"/handovers/{handover.id}").get_data(as_text=True)
    assert "Print the manifest" in detail and "Mark as sent" in detail
    response = client.post(f"/handovers/{handover.id}/send", data={"version": handover.version})
    assert response.status_code == 302
    fresh()
    assert (first.status, second.status) == (S.TO_WORKSHOP, S.TO_WORKSHOP)
    order_page = client.get(f"/orders/{first.number}").get_data(as_text=True)
    assert "In transit" in order_page and handover.number in order_page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"order": []}, "Choose at least one device to put into the handover."),
        ({"order": ["abc"]}, "Some of the devices chosen cannot travel now"),
        ({"order": ["999999"]}, "Some of the devices chosen cannot travel now"),
        ({"order": [str(2**70)]}, "Some of the devices chosen cannot travel now"),
        ({"order": ["1"], "office_id": "abc"}, "Reload the page and try again."),
        ({"order": ["1"], "direction": "sideways"}, "Reload the page and try again."),
    ],
)
def test_a_bad_choice_gets_a_message_and_writes_nothing(client, make, login_as, data, message):
    net = make.net
    make.order()
    login_as(net.reception_a)
    before = database_snapshot()
    response = client.post(
        "/handovers/new",
        data={
            "direction": "to_workshop",
            "office_id": net.office_a.id,
            "workshop_id": net.remote.id,
            **data,
        },
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert any(message in text for text in alerts(response.get_data(as_text=True)))
    assert database_snapshot() == before
    # Adding to a draft: the same words, nothing added.
    draft = handovers.create(
        Direction.TO_WORKSHOP,
        office=net.office_a,
        workshop=net.remote,
        orders_to_pack=[make.order()],
        actor=net.reception_a,
    )
    _db.session.commit()
    before = database_snapshot()
    if "order" in data and "office_id" not in data and "direction" not in data and data["order"]:
        response = client.post(
            f"/handovers/{draft.id}/orders", data={"version": draft.version, **data}
        )
        assert response.status_code == 422
        assert message in " ".join(alerts(response.get_data(as_text=True)))
    assert database_snapshot() == before


def test_an_order_already_packed_is_refused_by_name(client, make, login_as, db):
    net = make.net
    order = make.order()
    draft = handovers.create(
        Direction.TO_WORKSHOP,
        office=net.office_a,
        workshop=net.remote,
        orders_to_pack=[order],
        actor=net.reception_a,
    )
    db.session.commit()
    login_as(net.reception_a)
    response = client.post(
        "/handovers/new",
        data={
            "direction": "to_workshop",
            "office_id": net.office_a.id,
            "workshop_id": net.remote.id,
            "order": [order.id],
        },
        follow_redirects=True,
    )
    # The list of what may travel no longer offers it, and a forced post is told why.
    assert "cannot travel now" in " ".join(alerts(response.get_data(as_text=True)))
    empty = client.post(f"/handovers/{draft.id}/items/999/remove", data={"version": 1})
    assert empty.status_code == 404


def test_signing_for_a_handover_item_by_item(client, make, login_as, db, fresh):
    net = make.net
    order = make.order(S.TO_WORKSHOP)
    order_service.accept(order, actor=net.manager, technician=net.tech)
    db.session.commit()
    handover = handover_of(db, order)
    item = db.session.scalars(sa.select(HandoverItem).filter_by(handover_id=handover.id)).one()
    login_as(net.manager)
    page = client.get(f"/handovers/{handover.id}").get_data(as_text=True)
    assert "Sign for the handover" in page
    # Unticked without a word: refused with the reason, what was typed kept.
    response = client.post(
        f"/handovers/{handover.id}/receive",
        data={"version": handover.version, f"note-{item.id}": ""},
    )
    assert response.status_code == 422
    assert f"{order.number} did not arrive: say what is known in its note." in " ".join(
        alerts(response.get_data(as_text=True))
    )
    response = client.post(
        f"/handovers/{handover.id}/receive",
        data={
            "version": handover.version,
            f"arrived-{item.id}": "1",
            f"note-{item.id}": "Charger missing",
        },
    )
    assert response.status_code == 302
    fresh()
    assert (handover.status, item.state, item.note) == (
        HandoverStatus.RECEIVED,
        ItemState.RECEIVED,
        "Charger missing",
    )
    login_as(net.reception_a)
    page = client.get(f"/orders/{order.number}").get_data(as_text=True)
    assert re.search(r'id="custody-now">At the workshop: Remote Partner', page)
    assert "Charger missing" in page


def test_the_manifest_lists_what_travels(client, make, login_as, db):
    net = make.net
    order = make.order(S.TO_WORKSHOP)
    handover = handover_of(db, order)
    login_as(net.reception_a)
    response = client.get(f"/handovers/{handover.id}/manifest.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    for expected in (handover.number, order.number, order.device.serial, "Charger", "Office A"):
        assert expected in text, expected
    # The same handover prints the same bytes.
    assert client.get(f"/handovers/{handover.id}/manifest.pdf").data == response.data


def handover_urls(app, handover, order) -> list[tuple[str, str]]:
    return [
        (method, path.replace("/handovers/1", f"/handovers/{handover.id}"))
        for method, path in staff_urls(app, order)
        if path.startswith("/handovers/1") and method in ("GET", "POST")
    ]


@pytest.mark.parametrize(
    "outsider", ["reception_b", "tech_other", "manager_other", "tech_in_office"]
)
def test_another_place_does_not_find_the_handover(
    app, client, make, login_as, db, manager_other, outsider
):
    order = make.order(S.TO_WORKSHOP)
    handover = handover_of(db, order)
    urls = handover_urls(app, handover, order)
    assert ("GET", f"/handovers/{handover.id}") in urls and len(urls) >= 8
    user = manager_other if outsider == "manager_other" else getattr(make.net, outsider)
    login_as(user)
    before = database_snapshot()
    for method, path in urls:
        response = client.open(path, method=method, data={"version": handover.version})
        assert response.status_code == 404, (method, path, response.status_code)
    assert database_snapshot() == before
    assert order.number not in client.get("/handovers").get_data(as_text=True)


def test_the_handovers_page_reads_a_constant_number_of_queries(client, make, login_as, db):
    net = make.net
    login_as(net.reception_a)

    def count() -> int:
        client.get("/handovers")
        with counting_queries(db) as statements:
            assert client.get("/handovers").status_code == 200
        return len(statements)

    make.order()
    make.order(S.TO_WORKSHOP)
    few = count()
    for _ in range(3):
        make.order()
        make.order(S.TO_WORKSHOP)
        make.order(S.READY)
    assert count() == few
