"""The routing suggestion at intake: coverage, then the office's own workshop, load, record."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from servicecenter.domain.enums import DeviceCategory as C
from servicecenter.domain.enums import OrderStatus as S
from servicecenter.models import WorkshopContract
from servicecenter.queries import routing
from servicecenter.services.clock import local_date


def suggest(make, category=C.PHONE, brand="Acme", office=None):
    return routing.suggest(
        office_id=(office or make.net.office_a).id,
        category=category,
        brand=brand,
        today=local_date(),
    )


def names(routes):
    return [route.workshop.name for route in routes]


def test_a_contract_that_covers_the_device_comes_first(make, db):
    net = make.net
    other = db.session.scalar(sa.select(WorkshopContract).filter_by(number="C-OTHER"))
    other.categories, other.brands = "laptop", ""
    db.session.commit()
    routes = suggest(make, C.PHONE)
    # Remote covers phones; the in-office workshop is our own (covers all) and in this office.
    assert names(routes) == ["In-office Workshop", "Remote Partner", "Other Partner"]
    assert [route.covers for route in routes] == [True, True, False]
    # From another office the in-office workshop is one among others: the least loaded first.
    elsewhere = suggest(make, C.LAPTOP, office=net.office_b)
    assert not any(route.in_this_office for route in elsewhere)
    assert all(route.covers for route in elsewhere)


def test_load_and_on_time_record_order_the_rest(make, db):
    net = make.net
    for _ in range(2):
        make.order(S.DIAGNOSING, workshop=net.remote)
    late = make.order(S.READY, workshop=net.other)
    on_time = make.order(S.READY, workshop=net.other)
    late.ready_on_time, on_time.ready_on_time = False, True
    db.session.commit()
    routes = {route.workshop.name: route for route in suggest(make, office=net.office_b)}
    assert routes["Remote Partner"].open_orders == 2
    assert routes["Other Partner"].on_time_percent == 50
    assert routes["Remote Partner"].on_time_percent is None  # nothing made ready lately
    ranked = names(suggest(make, office=net.office_b))
    assert ranked.index("Other Partner") < ranked.index("Remote Partner")  # less loaded


def test_a_partner_without_a_contract_in_force_is_last_and_says_why(make, db):
    net = make.net
    remote = db.session.scalar(sa.select(WorkshopContract).filter_by(number="C-REMOTE"))
    remote.ends_on = local_date() - timedelta(days=1)
    db.session.commit()
    routes = suggest(make)
    assert routes[-1].workshop.name == "Remote Partner"
    assert "expired" in routes[-1].refusal
    assert all(route.refusal is None for route in routes[:-1])
    assert net.remote.name == "Remote Partner"


def test_ready_orders_record_whether_they_kept_the_promise(make, db):
    order = make.order(S.READY)
    assert order.ready_on_time is True  # made ready the day it was received, promised later
