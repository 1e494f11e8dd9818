"""Code run in separate processes by the concurrency tests (importable by `spawn`)."""

from __future__ import annotations


def intake_worker(url: str, ids: dict, count: int, rollback_every: int, start) -> int:
    """Open `count` orders; every `rollback_every`-th is rolled back after taking its number."""
    from servicecenter import create_app
    from servicecenter.database import write_transaction
    from servicecenter.domain.enums import OrderKind
    from servicecenter.extensions import db
    from servicecenter.models import Customer, Device, Office, User, Workshop
    from servicecenter.services import intake

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    committed = 0
    start.wait()
    with app.app_context(), write_transaction():
        for index in range(1, count + 1):
            order = intake.receive_device(
                customer=db.session.get(Customer, ids["customer"]),
                device=db.session.get(Device, ids["device"]),
                office=db.session.get(Office, ids["office"]),
                workshop=db.session.get(Workshop, ids["workshop"]),
                actor=db.session.get(User, ids["actor"]),
                data=intake.OrderData(kind=OrderKind.PAID, complaint="c", condition="c"),
            )
            assert order.sequence > 0
            if index % rollback_every == 0:
                db.session.rollback()
            else:
                db.session.commit()
                committed += 1
    return committed


def stock_worker(url: str, ids: dict, jobs: list[tuple[str, int]], start) -> list[str]:
    """Run `jobs` one transaction each, as one person at a workstation would, and say how each
    ended. A job is ("reserve", order_id): add one unit of the part to that order (its line
    ends RESERVED or PENDING); ("write_off", 0) or ("send", 0): take one unit out of the
    workshop's stock ("ok" or "short")."""
    from servicecenter import create_app
    from servicecenter.database import write_transaction
    from servicecenter.domain.stock import StockError
    from servicecenter.extensions import db
    from servicecenter.models import Office, Part, RepairOrder, User, Workshop
    from servicecenter.services import order_lines, stock

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    outcomes = []
    with app.app_context(), write_transaction():
        part = db.session.get(Part, ids["part"])
        workshop = stock.location_for(workshop=db.session.get(Workshop, ids["workshop"]))
        office = stock.location_for(office=db.session.get(Office, ids["office"]))
        tech = db.session.get(User, ids["tech"])
        manager = db.session.get(User, ids["manager"])
        db.session.commit()
        start.wait()
        for job, order_id in jobs:
            try:
                if job == "reserve":
                    order = db.session.get(RepairOrder, order_id)
                    line = order_lines.add_part(order, part, 1, actor=tech)
                    outcome = line.state.value
                elif job == "write_off":
                    stock.write_off(part, workshop, 1, actor=manager, reason="Broken in the race")
                    outcome = "ok"
                else:
                    stock.send(part, workshop, office, 1, actor=manager)
                    outcome = "ok"
                db.session.commit()
            except StockError:
                db.session.rollback()
                outcome = "short"
            outcomes.append(f"{job}:{outcome}")
    return outcomes


def handover_worker(url: str, ids: dict, start) -> str:
    """Pack the same orders into a handover of one's own and send it, as a second receptionist
    at the same counter would at the same moment; say how it ended."""
    from servicecenter import create_app
    from servicecenter.database import write_transaction
    from servicecenter.domain.errors import DomainError
    from servicecenter.domain.handovers import Direction
    from servicecenter.extensions import db
    from servicecenter.models import Office, RepairOrder, User, Workshop
    from servicecenter.services import handovers

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context(), write_transaction():
        start.wait()
        try:
            handover = handovers.create(
                Direction.TO_WORKSHOP,
                office=db.session.get(Office, ids["office"]),
                workshop=db.session.get(Workshop, ids["workshop"]),
                orders_to_pack=[db.session.get(RepairOrder, i) for i in ids["orders"]],
                actor=db.session.get(User, ids["desk"]),
            )
            handovers.send(handover, actor=db.session.get(User, ids["desk"]))
            db.session.commit()
        except DomainError:
            db.session.rollback()
            return "refused"
    return "sent"
