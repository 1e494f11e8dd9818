"""The intake page suggests where to send the device, and says why."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from servicecenter.models import WorkshopContract
from servicecenter.services.clock import local_date


def intake_page(client, device) -> str:
    response = client.get(f"/intake?customer={device.customer_id}&device={device.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def options(html: str) -> list[tuple[str, bool, bool]]:
    """(workshop name, selected, disabled) of the workshop select, in page order."""
    select = html[html.index('name="workshop_id"') :]
    select = select[: select.index("</select>")]
    return [
        (name, "selected" in attrs, "disabled" in attrs)
        for attrs, name in re.findall(r"<option([^>]*)>([^<]+)</option>", select)
    ]


def test_the_best_workshop_is_chosen_and_the_reasons_shown(client, make, login_as, db):
    device = make.device()
    login_as(make.net.reception_a)
    html = intake_page(client, device)
    assert options(html)[0] == ("In-office Workshop", True, False)
    routing = html[html.index('id="routing"') :]
    assert "in this office" in routing and "contract covers this device" in routing
    assert "open orders: 0" in routing


def test_a_partner_whose_contract_expired_cannot_be_chosen(client, make, login_as, db):
    make.network()
    contract = db.session.scalar(sa.select(WorkshopContract).filter_by(number="C-OTHER"))
    contract.ends_on = local_date() - timedelta(days=1)
    db.session.commit()
    device = make.device()
    login_as(make.net.reception_b)  # office B: no workshop inside it
    html = intake_page(client, device)
    listed = options(html)
    assert listed[-1] == ("Other Partner", False, True)
    assert listed[0][1] and not listed[0][2]  # the first routable one is chosen
    assert "The contract with this workshop has expired" in html
