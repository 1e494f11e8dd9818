"""Offices, workshops and contracts through the service, and routing refused without a contract."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from servicecenter.domain.contracts import ContractError
from servicecenter.domain.enums import DeviceCategory as C
from servicecenter.domain.enums import OrderKind, WorkshopKind
from servicecenter.domain.errors import DomainError, NotPermitted
from servicecenter.models import StockLocation, WorkshopContract
from servicecenter.services import intake, network
from servicecenter.services.clock import local_date


def contract(number="N-1", starts=date(2026, 1, 1), ends=date(2026, 12, 31), **changes):
    values = dict(
        number=number,
        starts_on=starts,
        ends_on=ends,
        categories=(C.PHONE,),
        brands="Apple, Samsung",
        turnaround_days=5,
        labour_share_percent=40,
    )
    values.update(changes)
    return network.ContractData(**values)


@pytest.fixture
def partner(make, db):
    workshop = network.save_workshop(
        network.WorkshopData(name="New Partner", kind=WorkshopKind.PARTNER, turnaround_days=9),
        actor=make.net.admin,
    )
    db.session.commit()
    return workshop


def test_a_new_office_holds_stock_and_keeps_its_code(make, db):
    admin = make.net.admin
    office = network.save_office(network.OfficeData(code=" kzn ", name="Kazan"), actor=admin)
    db.session.commit()
    assert office.code == "KZN"
    assert db.session.scalar(sa.select(StockLocation.id).filter_by(office_id=office.id))
    with pytest.raises(DomainError, match="cannot change") as error:
        network.save_office(
            network.OfficeData(code="KZ2", name="Kazan"), actor=admin, office=office
        )
    assert error.value.field == "code"
    with pytest.raises(DomainError, match="Another office has this code"):
        network.save_office(network.OfficeData(code="AAA", name="Dup"), actor=admin)
    with pytest.raises(DomainError, match="2 to 6 Latin letters"):
        network.save_office(network.OfficeData(code="МСК", name="Cyrillic"), actor=admin)


def test_only_an_admin_changes_the_network(make, db):
    with pytest.raises(NotPermitted):
        network.save_office(network.OfficeData(code="XX", name="X"), actor=make.net.reception_a)
    with pytest.raises(NotPermitted):
        network.save_workshop(
            network.WorkshopData(name="X", kind=WorkshopKind.OWN), actor=make.net.manager
        )


def test_contracts_of_a_partner_never_overlap(make, db, partner):
    admin = make.net.admin
    first = network.save_contract(partner, contract(), actor=admin)
    network.save_contract(
        partner, contract("N-2", date(2027, 1, 1), date(2027, 12, 31)), actor=admin
    )
    with pytest.raises(ContractError, match="N-1") as error:
        network.save_contract(
            partner, contract("N-3", date(2026, 6, 1), date(2026, 8, 1)), actor=admin
        )
    assert error.value.field == "starts_on"
    # Editing a contract does not compete with itself.
    network.save_contract(partner, contract(ends=date(2026, 11, 30)), actor=admin, contract=first)
    db.session.commit()
    assert first.ends_on == date(2026, 11, 30) and first.brands == "Apple, Samsung"
    assert first.terms.covers(C.PHONE, "samsung")


def test_own_workshops_have_no_contract(make, db):
    with pytest.raises(ContractError, match="Only partner"):
        network.save_contract(make.net.in_office, contract(), actor=make.net.admin)


def test_a_partner_without_a_contract_in_force_takes_no_new_orders(make, db, partner):
    device = make.device()
    today = local_date()

    def receive(workshop):
        return intake.receive_device(
            customer=device.customer,
            device=device,
            office=make.net.office_a,
            workshop=workshop,
            actor=make.net.reception_a,
            data=intake.OrderData(kind=OrderKind.PAID, complaint="c", condition="c"),
        )

    with pytest.raises(ContractError, match="no contract in force") as error:
        receive(partner)
    assert error.value.field == "workshop_id"
    old = network.save_contract(
        partner,
        contract(starts=today - timedelta(days=400), ends=today - timedelta(days=1)),
        actor=make.net.admin,
    )
    with pytest.raises(ContractError, match="expired"):
        receive(partner)
    network.save_contract(
        partner,
        contract("N-2", starts=today, ends=today + timedelta(days=365), active=False),
        actor=make.net.admin,
    )
    with pytest.raises(ContractError, match="suspended"):  # the latest one says why
        receive(partner)
    suspended = db.session.scalar(sa.select(WorkshopContract).filter_by(number="N-2"))
    network.save_contract(
        partner,
        contract("N-2", starts=today, ends=today + timedelta(days=365)),
        actor=make.net.admin,
        contract=suspended,
    )
    assert receive(partner).workshop_id == partner.id
    assert old.terms.in_force(today) is False
    assert receive(make.net.in_office).id  # own workshops need no contract
