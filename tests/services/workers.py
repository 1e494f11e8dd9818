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
