"""Intake at the counter in one screen: customer, then device, then the order.

The page at /intake grows as the receptionist goes: it finds or creates the customer, then the
device (showing its history and warranty), then takes the order. Each step's choice travels in
the query string, so the browser's back button and a reload do what a person expects.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from wtforms import SelectChoice

from ...database import reads_first, write_after_reads
from ...domain.enums import Role
from ...domain.errors import DomainError
from ...extensions import db
from ...queries import customers as customer_queries
from ...queries import routing
from ...queries.network import get_workshop, list_workshops
from ...services import intake
from ...services.clock import local_date
from ..access import roles_required
from ..errors import apply_to_form
from ..fields import workshop_choices
from .forms import CustomerForm, DeviceForm, OrderForm

bp = Blueprint("intake", __name__, url_prefix="/intake")


def _customer_from_args():
    customer_id = request.args.get("customer", type=int)
    if customer_id is None:
        return None
    return customer_queries.get_customer(customer_id) or abort(404)


def _owned_device(customer, device_id: int):
    device = customer_queries.get_device(device_id)
    if device is None or device.customer_id != customer.id:
        abort(404)
    return device


def _device_for(customer):
    device_id = request.args.get("device", type=int)
    if customer is None or device_id is None:
        return None
    return _owned_device(customer, device_id)


def _assessment(device):
    """The kind the device's warranties suggest today, and the earlier orders a repeat may cite."""
    today = local_date()
    suggestion, history = intake.assess_device(device, today=today)
    return suggestion, history, intake.eligible_originals(history, today=today)


def _routes(device) -> list[routing.Suggestion]:
    return routing.suggest(
        office_id=current_user.office_id,
        category=device.category,
        brand=device.brand,
        today=local_date(),
    )


def _order_form(suggestion, originals, routes, formdata=None) -> OrderForm:
    """The order form; `routes` None (a form posted) offers the active workshops unranked,
    enough to validate the choice: the ranking is worked out only if the form is shown again."""
    form = (
        OrderForm(formdata=formdata)
        if formdata is not None
        else OrderForm(kind=suggestion.kind.value)
    )
    if routes is None:
        form.workshop_id.choices = [
            SelectChoice(workshop.id, workshop.name)
            for workshop in list_workshops()
            if workshop.active
        ]
    else:
        form.workshop_id.choices = workshop_choices(routes)
    if formdata is None:
        form.workshop_id.data = next(
            (route.workshop.id for route in routes if route.refusal is None), None
        )
    form.original_order_id.choices = [SelectChoice(0, "—")] + [
        SelectChoice(o.id, f"{o.number} · {o.received_at:%Y-%m-%d}") for o in originals
    ]
    if formdata is None and originals:
        form.original_order_id.data = suggestion.original_order_id or 0
    return form


def _typed(form, name: str) -> str:
    return ((getattr(form, name).data or "") if form is not None else "").strip()


def _render(customer=None, device=None, *, customer_form=None, device_form=None, order_form=None):
    """Render the intake page for the steps reached so far."""
    # After a refused registration the search boxes show what was typed in the form.
    phone = request.args.get("phone", "").strip() or _typed(customer_form, "phone")
    serial = request.args.get("serial", "").strip() or _typed(device_form, "serial")
    context = {"customer": customer, "device": device, "phone": phone, "serial": serial}
    if customer is None:
        context["matches"] = customer_queries.find_customers(phone) if phone else None
        context["customer_form"] = customer_form or CustomerForm(phone=phone)
    elif device is None:
        context["devices"] = customer_queries.list_devices_of(customer.id)
        context["serial_matches"] = customer_queries.find_devices(serial) if serial else None
        context["device_form"] = device_form or DeviceForm(serial=serial)
    else:
        suggestion, history, originals = _assessment(device)
        routes = _routes(device)
        if order_form is None:
            order_form = _order_form(suggestion, originals, routes)
        else:  # posted and shown again: now ranked, with the reasons beside
            order_form.workshop_id.choices = workshop_choices(routes)
        context.update(
            suggestion=suggestion,
            history=history,
            originals=originals,
            routes=routes,
            order_form=order_form,
        )
    return render_template("intake/index.html", **context)


@bp.get("")
@roles_required(Role.RECEPTIONIST)
def index():
    customer = _customer_from_args()
    return _render(customer, _device_for(customer))


@bp.post("/customers")
@roles_required(Role.RECEPTIONIST)
def create_customer():
    form = CustomerForm()
    if form.validate_on_submit():
        try:
            customer = intake.register_customer(form.to_data())
        except DomainError as error:
            apply_to_form(error, form)
        else:
            db.session.commit()
            return redirect(url_for("intake.index", customer=customer.id))
    return _render(customer_form=form), 422


@bp.post("/customers/<int:customer_id>/devices")
@roles_required(Role.RECEPTIONIST)
def create_device(customer_id: int):
    customer = customer_queries.get_customer(customer_id) or abort(404)
    form = DeviceForm()
    if form.validate_on_submit():
        try:
            device = intake.register_device(customer, form.to_data())
        except DomainError as error:
            apply_to_form(error, form)
        else:
            db.session.commit()
            return redirect(url_for("intake.index", customer=customer.id, device=device.id))
    return _render(customer, device_form=form), 422


@bp.post("/customers/<int:customer_id>/devices/<int:device_id>/orders")
@reads_first
@roles_required(Role.RECEPTIONIST)
def create_order(customer_id: int, device_id: int):
    """Open the order. The form is read and checked without the write lock; the order is then
    written in a short writer's transaction, which reads again what it relies on (the service
    checks it all again), so other desks wait for the writing only."""
    customer = customer_queries.get_customer(customer_id) or abort(404)
    device = _owned_device(customer, device_id)
    suggestion, _history, originals = _assessment(device)
    form = _order_form(suggestion, originals, None, formdata=request.form)
    if form.validate_on_submit():
        data, workshop_id = form.to_data(), form.workshop_id.data
        with write_after_reads():
            customer = customer_queries.get_customer(customer_id) or abort(404)
            device = _owned_device(customer, device_id)
            try:
                order = intake.receive_device(
                    customer=customer,
                    device=device,
                    office=current_user.office,
                    workshop=get_workshop(workshop_id),
                    actor=current_user,
                    data=data,
                )
            except DomainError as error:
                db.session.rollback()
                apply_to_form(error, form)
            else:
                # said before the commit expires the order and the user (read again otherwise)
                opened = gettext("Order %(number)s is open.", number=order.number)
                target = url_for("orders.detail", number=order.number)
                db.session.commit()
                flash(opened, "success")
                return redirect(target)
    return _render(customer, device, order_form=form), 422
