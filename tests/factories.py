"""Test data made through the services, so that every object is one the app itself could make."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, datetime

from servicecenter.domain.enums import (
    DeviceCategory,
    OrderKind,
    OrderStatus,
    PaymentKind,
    PaymentMethod,
    Role,
    WorkshopKind,
)
from servicecenter.domain.handovers import Arrival, Direction
from servicecenter.extensions import db
from servicecenter.models import (
    Customer,
    Device,
    Handover,
    HandoverItem,
    Office,
    RepairOrder,
    User,
    Workshop,
    WorkshopContract,
)
from servicecenter.services import handovers, intake, orders, stock, users

S = OrderStatus
PASSWORD = "secret-pass"

# The path an order takes to reach each status (remote workshop); the in-office path skips transit.
PATHS = {
    S.RECEIVED: [],
    S.TO_WORKSHOP: [S.TO_WORKSHOP],
    S.DIAGNOSING: [S.TO_WORKSHOP, S.DIAGNOSING],
    S.AWAITING_APPROVAL: [S.TO_WORKSHOP, S.DIAGNOSING, S.AWAITING_APPROVAL],
    S.AWAITING_PARTS: [S.TO_WORKSHOP, S.DIAGNOSING, S.AWAITING_PARTS],
    S.IN_REPAIR: [S.TO_WORKSHOP, S.DIAGNOSING, S.IN_REPAIR],
    S.REPAIRED: [S.TO_WORKSHOP, S.DIAGNOSING, S.IN_REPAIR, S.REPAIRED],
    S.TO_OFFICE: [S.TO_WORKSHOP, S.DIAGNOSING, S.IN_REPAIR, S.REPAIRED, S.TO_OFFICE],
    S.READY: [S.TO_WORKSHOP, S.DIAGNOSING, S.IN_REPAIR, S.REPAIRED, S.TO_OFFICE, S.READY],
    S.COLLECTED: [
        S.TO_WORKSHOP,
        S.DIAGNOSING,
        S.IN_REPAIR,
        S.REPAIRED,
        S.TO_OFFICE,
        S.READY,
        S.COLLECTED,
    ],
    S.CANCELLED: [S.CANCELLED],
}


@dataclass
class Network:
    office_a: Office
    office_b: Office
    remote: Workshop  # partner workshop, devices travel to it
    other: Workshop  # another partner workshop
    in_office: Workshop  # own workshop on office A's premises
    admin: User
    reception_a: User
    reception_b: User
    tech: User  # technician of `remote`
    manager: User  # manager of `remote`
    tech_other: User  # technician of `other`
    tech_in_office: User


class Factory:
    def __init__(self) -> None:
        self._network: Network | None = None
        self._serials = itertools.count(100000)
        self._phones = itertools.count(1234567)

    @property
    def net(self) -> Network:
        if self._network is None:
            self._network = self._build_network()
        return self._network

    def network(self) -> Network:
        """Build the network now (tests that need it present before they act)."""
        return self.net

    def _build_network(self) -> Network:
        office_a = Office(
            code="AAA",
            name="Office A",
            legal_name="Service LLC",
            tax_id="7700000001",
            address="1 Main St",
            phone="+7 495 000-00-01",
            hours="10-20",
        )
        office_b = Office(code="BBB", name="Office B", address="2 Side St", hours="9-18")
        db.session.add_all([office_a, office_b])
        db.session.flush()
        remote = Workshop(name="Remote Partner", kind=WorkshopKind.PARTNER, turnaround_days=7)
        other = Workshop(name="Other Partner", kind=WorkshopKind.PARTNER, turnaround_days=10)
        in_office = Workshop(
            name="In-office Workshop",
            kind=WorkshopKind.OWN,
            in_office_id=office_a.id,
            turnaround_days=3,
        )
        db.session.add_all([remote, other, in_office])
        db.session.flush()
        # The partners work under contracts in force for years around today.
        for number, partner in (("C-REMOTE", remote), ("C-OTHER", other)):
            db.session.add(
                WorkshopContract(
                    workshop_id=partner.id,
                    number=number,
                    starts_on=date(2020, 1, 1),
                    ends_on=date(2099, 12, 31),
                    categories=",".join(category.value for category in DeviceCategory),
                    turnaround_days=partner.turnaround_days,
                    labour_share_percent=60,
                )
            )
        stock.ensure_locations()

        def user(login, role, office=None, workshop=None):
            return users.create_user(
                username=login,
                name=login.title(),
                role=role,
                password=PASSWORD,
                office=office,
                workshop=workshop,
            )

        network = Network(
            office_a,
            office_b,
            remote,
            other,
            in_office,
            admin=user("admin", Role.ADMIN),
            reception_a=user("reception_a", Role.RECEPTIONIST, office=office_a),
            reception_b=user("reception_b", Role.RECEPTIONIST, office=office_b),
            tech=user("tech", Role.TECHNICIAN, workshop=remote),
            manager=user("manager", Role.MANAGER, workshop=remote),
            tech_other=user("tech_other", Role.TECHNICIAN, workshop=other),
            tech_in_office=user("tech_in_office", Role.TECHNICIAN, workshop=in_office),
        )
        db.session.commit()
        return network

    def customer(self, *, name: str = "Ivan Petrov", phone: str | None = None) -> Customer:
        phone = phone or f"+7916{next(self._phones):07d}"
        customer = intake.register_customer(intake.CustomerData(name=name, phone=phone))
        db.session.commit()
        return customer

    def device(
        self,
        customer: Customer | None = None,
        *,
        serial: str | None = None,
        purchase_date: date | None = None,
        warranty_months: int | None = None,
        brand: str = "Acme",
        model: str = "Phone X",
    ) -> Device:
        customer = customer or self.customer()
        device = intake.register_device(
            customer,
            intake.DeviceData(
                category=DeviceCategory.PHONE,
                brand=brand,
                model=model,
                serial=serial or f"SN{next(self._serials)}",
                purchase_date=purchase_date,
                warranty_months=warranty_months,
            ),
            today=purchase_date or None,
        )
        db.session.commit()
        return device

    def order(
        self,
        status: OrderStatus = S.RECEIVED,
        *,
        kind: OrderKind = OrderKind.PAID,
        workshop: Workshop | None = None,
        office: Office | None = None,
        device: Device | None = None,
        price: int | None = 500_000,
        estimate: int | None = 400_000,
        approval_limit: int | None = 1_000_000,
        prepayment: int | None = None,
        diagnostic_fee: int | None = None,
        original_order_id: int | None = None,
        now: datetime | None = None,
    ) -> RepairOrder:
        """An order walked through the workflow to `status` by the right people."""
        net = self.net
        office = office or net.office_a
        workshop = workshop or net.remote
        device = device or self.device()
        desk = net.reception_a if office is net.office_a else net.reception_b
        order = intake.receive_device(
            customer=device.customer,
            device=device,
            office=office,
            workshop=workshop,
            actor=desk,
            data=intake.OrderData(
                kind=kind,
                complaint="Does not turn on",
                condition="Scratched back",
                accessories="Charger",
                passcode="2580",
                declared_value=3_000_000,
                estimate=estimate,
                approval_limit=approval_limit,
                diagnostic_fee=diagnostic_fee,
                prepayment=prepayment,
                original_order_id=original_order_id,
            ),
            now=now,
        )
        self.advance(order, status, price=price, now=now)
        db.session.commit()
        return order

    def technician_of(self, workshop: Workshop) -> User:
        net = self.net
        return {net.remote.id: net.tech, net.other.id: net.tech_other}.get(
            workshop.id, net.tech_in_office
        )

    def desk_of(self, order: RepairOrder) -> User:
        net = self.net
        return net.reception_a if order.office_id == net.office_a.id else net.reception_b

    def send(self, order: RepairOrder, *, now=None) -> Handover:
        """The office sends the device to its workshop in a handover of its own."""
        return handovers.send_at_once(
            Direction.TO_WORKSHOP, [order], actor=self.desk_of(order), now=now
        )

    def sign_for(self, order: RepairOrder, *, actor: User | None = None, note="", now=None):
        """The other end signs for the handover the device travels in (it arrived)."""
        item = db.session.scalars(
            db.select(HandoverItem).where(HandoverItem.open_order_id == order.id)
        ).one()
        handover = db.session.get(Handover, item.handover_id)
        if actor is None:
            outbound = handover.direction is Direction.TO_WORKSHOP
            actor = self.technician_of(order.workshop) if outbound else self.desk_of(order)
        handovers.receive(handover, {item.id: Arrival(True, note)}, actor=actor, now=now)
        return handover

    def bring_back(self, order: RepairOrder, *, now=None) -> Handover:
        """The workshop sends a finished device back; the office signs for it (ready)."""
        handover = self.send_back(order, now=now)
        self.sign_for(order, now=now)
        return handover

    def send_back(self, order: RepairOrder, *, now=None) -> Handover:
        """The workshop sends a finished device back to its office (on its way)."""
        return handovers.send_at_once(
            Direction.TO_OFFICE, [order], actor=self.technician_of(order.workshop), now=now
        )

    def advance(
        self, order: RepairOrder, status: OrderStatus, *, price: int | None = 500_000, now=None
    ) -> None:
        net = self.net
        desk = self.desk_of(order)
        tech = self.technician_of(order.workshop)
        path = PATHS[status]
        if order.status in path:  # on from where the order is
            path = path[path.index(order.status) + 1 :]
        remote = not order.workshop.is_inside(order.office_id)
        if not remote:
            path = [s for s in path if s not in (S.TO_WORKSHOP, S.TO_OFFICE)]
            if status in (S.TO_WORKSHOP, S.TO_OFFICE):
                raise ValueError("an in-office workshop has no transit statuses")
        for step in path:
            if step is S.TO_WORKSHOP:
                self.send(order, now=now)
                continue
            if step is S.READY and remote:
                self.bring_back(order, now=now)
                continue
            if step is S.DIAGNOSING:
                if order.workshop.kind is WorkshopKind.PARTNER and remote:
                    orders.accept(order, actor=net.admin, technician=tech, now=now)
                if remote:
                    self.sign_for(order, now=now)
                orders.change_status(order, step, actor=tech, now=now)
                orders.record_work(
                    order,
                    actor=tech,
                    diagnosis="Broken connector",
                    work_done="",
                    price=None if order.kind.is_free else price,
                )
                continue
            if step is S.REPAIRED:
                orders.record_work(
                    order,
                    actor=tech,
                    diagnosis=order.diagnosis,
                    work_done="Replaced connector",
                    price=order.price,
                )
            if step is S.COLLECTED:
                due = orders.order_facts(order).balance_due
                if due > 0:
                    orders.record_payment(
                        order,
                        kind=PaymentKind.FINAL,
                        method=PaymentMethod.CARD,
                        amount=due,
                        actor=desk,
                        now=now,
                    )
            actor = desk if step in (S.COLLECTED, S.CANCELLED) else tech
            note = "Customer changed their mind" if step is S.CANCELLED else None
            orders.change_status(order, step, actor=actor, note=note, now=now)
