"""The stock service with the database: ledger and cached level move together, and nothing that
would make a figure wrong is written."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from servicecenter.domain.errors import DomainError, NotPermitted
from servicecenter.domain.stock import MovementKind, StockError, TransferStatus
from servicecenter.models import Part, StockLevel, StockMovement
from servicecenter.services import stock

K = MovementKind


@pytest.fixture
def part(make, db):
    make.network()
    part = Part(sku="LCD-1", name="Display", unit_cost=10_000, sale_price=25_000)
    db.session.add(part)
    db.session.commit()
    return part


@pytest.fixture
def here(make):
    return stock.location_for(workshop=make.net.remote)


def level(part, location):
    return stock.level_of(part.id, location.id)


def ledger(db, part):
    return db.session.execute(
        sa.select(StockMovement.kind, StockMovement.location_id, StockMovement.on_hand_change)
        .where(StockMovement.part_id == part.id)
        .order_by(StockMovement.id)
    ).all()


def test_every_office_and_workshop_has_one_location(make, db):
    net = make.net
    assert stock.location_for(office=net.office_a).id == stock.location_for(office=net.office_a).id
    assert stock.location_for(office=net.office_a).name == "Office A"
    assert stock.location_for(workshop=net.remote).name == "Remote Partner"


def test_receipt_and_write_off_move_ledger_and_level_together(make, db, part, here):
    manager = make.net.manager
    stock.receive(part, here, 5, actor=manager, unit_cost=9_000, supplier_document="INV-7")
    stock.write_off(part, here, 2, actor=manager, reason="Cracked")
    db.session.commit()
    assert level(part, here).on_hand == 3
    assert ledger(db, part) == [(K.RECEIPT, here.id, 5), (K.WRITE_OFF, here.id, -2)]
    assert stock.reconcile() == []


def test_nothing_leaves_more_than_is_available(make, db, part, here):
    manager = make.net.manager
    stock.receive(part, here, 2, actor=manager)
    db.session.commit()
    with pytest.raises(StockError, match="Only 2 of this part available here."):
        stock.write_off(part, here, 3, actor=manager, reason="Lost")
    other = stock.location_for(office=make.net.office_a)
    with pytest.raises(StockError, match="Only 2"):
        stock.send(part, here, other, 3, actor=manager)
    db.session.rollback()
    assert level(part, here).on_hand == 2
    assert len(ledger(db, part)) == 1
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(sa.text("stock_transfers"))) == 0
    )


def test_a_transfer_is_in_transit_until_received(make, db, part, here):
    manager, desk = make.net.manager, make.net.reception_a
    office = stock.location_for(office=make.net.office_a)
    stock.receive(part, here, 4, actor=manager)
    transfer = stock.send(part, here, office, 3, actor=manager, note="for the counter")
    db.session.commit()
    assert level(part, here).on_hand == 1
    assert level(part, office).in_transit == 3 and level(part, office).on_hand == 0
    stock.receive_transfer(transfer, actor=desk)
    db.session.commit()
    assert transfer.status is TransferStatus.RECEIVED and transfer.closed_by_id == desk.id
    assert level(part, office).on_hand == 3 and level(part, office).in_transit == 0
    with pytest.raises(DomainError, match="no longer in transit"):
        stock.receive_transfer(transfer, actor=desk)
    with pytest.raises(DomainError, match="no longer in transit"):
        stock.cancel_transfer(transfer, actor=manager)
    db.session.rollback()
    assert stock.reconcile() == []


def test_a_cancelled_transfer_puts_the_parts_back(make, db, part, here):
    manager = make.net.manager
    office = stock.location_for(office=make.net.office_a)
    stock.receive(part, here, 4, actor=manager)
    transfer = stock.send(part, here, office, 4, actor=manager)
    stock.cancel_transfer(transfer, actor=manager)
    db.session.commit()
    assert level(part, here).on_hand == 4
    assert level(part, office).in_transit == 0
    assert transfer.status is TransferStatus.CANCELLED
    assert stock.reconcile() == []


def test_a_transfer_needs_two_places(make, db, part, here):
    stock.receive(part, here, 1, actor=make.net.manager)
    with pytest.raises(DomainError, match="another location") as error:
        stock.send(part, here, here, 1, actor=make.net.manager)
    assert error.value.field == "destination_id"


def test_a_count_adjusts_and_a_mistake_is_reversed_once(make, db, part, here):
    manager = make.net.manager
    receipt = stock.receive(part, here, 10, actor=manager)
    count = stock.adjust(part, here, 12, actor=manager, note="Count of May")
    assert (count.kind, count.on_hand_change) == (K.ADJUSTMENT, 2)
    reversal = stock.reverse(receipt, actor=manager, note="Wrong delivery")
    assert reversal.on_hand_change == -10 and reversal.reverses_id == receipt.id
    db.session.commit()
    with pytest.raises(DomainError, match="already been reversed"):
        stock.reverse(receipt, actor=manager)
    with pytest.raises(DomainError, match="Only receipts"):
        stock.reverse(reversal, actor=manager)
    with pytest.raises(StockError, match="nothing to adjust"):
        stock.adjust(part, here, 2, actor=manager)
    db.session.rollback()
    assert level(part, here).on_hand == 2
    assert stock.reconcile() == []


def test_a_reversal_cannot_take_away_parts_already_used(make, db, part, here):
    manager = make.net.manager
    receipt = stock.receive(part, here, 5, actor=manager)
    stock.write_off(part, here, 4, actor=manager, reason="Broken")
    db.session.commit()
    with pytest.raises(StockError, match="Only 1"):
        stock.reverse(receipt, actor=manager)
    db.session.rollback()
    assert level(part, here).on_hand == 1


def test_staff_move_only_their_own_stock(make, db, part, here):
    net = make.net
    with pytest.raises(NotPermitted):
        stock.receive(part, here, 1, actor=net.tech_other)  # another workshop
    with pytest.raises(NotPermitted):
        stock.write_off(part, here, 1, actor=net.tech, reason="x")  # technicians only look
    office_b = stock.location_for(office=net.office_b)
    with pytest.raises(NotPermitted):
        stock.receive(part, office_b, 1, actor=net.reception_a)
    stock.receive(part, office_b, 1, actor=net.reception_b)
    stock.receive(part, here, 1, actor=net.admin)


def test_an_inactive_part_is_not_received(make, db, part, here):
    part.active = False
    with pytest.raises(StockError, match="no longer in the catalogue"):
        stock.receive(part, here, 1, actor=make.net.manager)


def test_reconciliation_reports_and_fixes_drift(make, db, part, here):
    stock.receive(part, here, 3, actor=make.net.manager)
    db.session.commit()
    db.session.execute(
        sa.update(StockLevel)
        .where(StockLevel.part_id == part.id, StockLevel.location_id == here.id)
        .values(on_hand=9)
    )
    [drift] = stock.reconcile()
    assert (drift.cached.on_hand, drift.ledger.on_hand) == (9, 3)
    stock.reconcile(fix=True)
    db.session.commit()
    assert stock.reconcile() == []
    assert level(part, here).on_hand == 3


def test_minimum_is_a_setting_not_a_figure(make, db, part, here):
    stock.set_minimum(part, here, 4, actor=make.net.manager)
    db.session.commit()
    assert db.session.get(StockLevel, (part.id, here.id)).minimum == 4
    assert stock.reconcile() == []
    with pytest.raises(StockError):
        stock.set_minimum(part, here, -1, actor=make.net.manager)


def test_a_technician_signs_for_parts_arriving_at_the_workshop(make, db, part, here):
    net = make.net
    office = stock.location_for(office=net.office_a)
    stock.receive(part, office, 2, actor=net.reception_a)
    transfer = stock.send(part, office, here, 2, actor=net.reception_a)
    with pytest.raises(NotPermitted):
        stock.cancel_transfer(transfer, actor=net.tech)  # the sender's business
    stock.receive_transfer(transfer, actor=net.tech)
    db.session.commit()
    assert transfer.closed_by_id == net.tech.id and level(part, here).on_hand == 2


def test_a_new_office_or_workshop_holds_stock_at_once(make, db):
    from servicecenter.domain.enums import WorkshopKind
    from servicecenter.models import Office, StockLocation, Workshop

    make.network()
    office = Office(code="NEW", name="New office", address="3 New St", hours="9-18")
    workshop = Workshop(name="New workshop", kind=WorkshopKind.PARTNER)
    db.session.add_all([office, workshop])
    db.session.commit()
    found = db.session.execute(
        sa.select(StockLocation.office_id, StockLocation.workshop_id).where(
            sa.or_(StockLocation.office_id == office.id, StockLocation.workshop_id == workshop.id)
        )
    ).all()
    assert sorted(found, key=str) == sorted([(office.id, None), (None, workshop.id)], key=str)
