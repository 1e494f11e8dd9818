"""The order list with search and filters, the order page, and the actions taken on it."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from wtforms import SelectChoice

from ... import labels
from ...domain import workflow
from ...domain.documents import DocumentKind, NotIssuable, check_issuable
from ...domain.enums import OrderStatus, PaymentKind, PaymentMethod, WorkshopKind
from ...domain.errors import DomainError
from ...domain.payments import balance_due
from ...domain.stock import LineKind, LineState
from ...domain.warranty import days_left, legal_deadline
from ...extensions import db
from ...queries import handovers as handover_queries
from ...queries import notifications as notification_queries
from ...queries import reminders as reminder_queries
from ...queries import routing
from ...queries import stock as stock_queries
from ...queries.network import get_workshop, list_offices, list_technicians, list_workshops
from ...queries.orders import get_order_for, list_orders
from ...services import order_lines
from ...services import orders as order_service
from ...services import stock as stock_service
from ...services.clock import local_date, local_zone
from ..access import STAFF, roles_required
from ..errors import apply_to_form
from ..fields import workshop_choices
from .forms import (
    ANY,
    AcceptForm,
    LineForm,
    OrderFilterForm,
    PartLineForm,
    PaymentForm,
    RouteForm,
    SerialsForm,
    ServiceLineForm,
    StatusForm,
    WorkForm,
)

bp = Blueprint("orders", __name__, url_prefix="/orders")


@bp.get("")
@roles_required(*STAFF)
def index():
    form = OrderFilterForm(request.args)
    form.office_id.choices = ANY + [
        SelectChoice(o.id, f"{o.code} · {o.name}") for o in list_offices()
    ]
    form.workshop_id.choices = ANY + [SelectChoice(w.id, w.name) for w in list_workshops()]
    form.validate()
    page = list_orders(
        current_user,
        form.to_filter(),
        cursor=request.args.get("after"),
        limit=current_app.config["PAGE_SIZE"],
    )
    return render_template("orders/index.html", form=form, page=page)


def _load(number: str):
    return get_order_for(current_user, number) or abort(404)


def _render_detail(
    order,
    *,
    status_form=None,
    work_form=None,
    payment_form=None,
    part_form=None,
    service_form=None,
    line_form=None,
    serials_form=None,
    accept_form=None,
    route_form=None,
    code=200,
):
    # read once: the guards share the lines, payments and handovers the page's cards show
    lines = order_lines.lines_of(order)
    custody = handover_queries.custody_of(order)
    at_counter = order.status is OrderStatus.RECEIVED
    facts = order_service.order_facts(
        order,
        lines=lines,
        payments=order.payments,
        custody=custody.facts,
        refusal=routing.refusal_of(order.workshop_id, local_date()) if at_counter else None,
    )
    paid = order.amount_charged - facts.balance_due
    deadline = legal_deadline(order.kind, order.received_at.astimezone(local_zone()).date())
    options = workflow.options(facts, current_user.role)
    may_work = (
        current_user.role in workflow.WORKSHOP and order.status in order_service.WORK_EDITABLE
    )
    may_pay = current_user.role in workflow.OFFICE
    context = dict(
        order=order,
        facts=facts,
        paid=paid,
        balance=balance_due(order.amount_charged, paid),
        deadline=deadline,
        deadline_days_left=days_left(deadline, local_date()) if deadline else None,
        options=options,
        # The passcode is for the workshop that unlocks the device; the desk typed it in already.
        show_passcode=current_user.role in workflow.WORKSHOP,
        # The forms not posted are fresh: formdata=None keeps them from reading another form's
        # fields (and its version) out of the request.
        status_form=status_form or StatusForm(formdata=None, version=order.version),
        work_form=(work_form or WorkForm(formdata=None, obj=order, version=order.version))
        if may_work
        else None,
        payment_form=(payment_form or _new_payment_form(order, facts)) if may_pay else None,
        **_routing_context(order, accept_form, route_form),
        custody=custody,
        printable=printable_kinds(order),
        issued=order.documents,
        **_lines_context(order, lines, part_form, service_form, line_form, serials_form),
        **_messages_context(order),
    )
    if work_form is None and may_work:
        context["work_form"].price.data = None if order.price is None else order.price / 100
    return render_template("orders/detail.html", **context), code


def _messages_context(order) -> dict:
    """The messages to the customer and the reminders recorded; the notice before disposal
    apart, for the page's top while the device still waits."""
    # read with the order (queries.orders.get_order_for); none before the device is ready
    reminders = reminder_queries.recorded(order.reminders)
    notice = reminder_queries.disposal_notice(reminders)
    return dict(
        messages=notification_queries.list_for_order(order.id),
        reminders=reminders,
        disposal_notice=notice if order.status is OrderStatus.READY else None,
    )


def _lines_context(order, lines, part_form, service_form, line_form, serials_form) -> dict:
    """The parts and services card: the lines (parts joined), their totals, and the forms the
    workshop may use now (office staff read the lines only)."""
    live = [line for line in lines if line.is_live]
    workshop = current_user.role in workflow.WORKSHOP
    may_edit = workshop and order.status in order_lines.LINES_EDITABLE
    version = order.version
    serials_forms = {}
    if may_edit:
        for line in lines:
            if line.state in (LineState.PENDING, LineState.RESERVED) and line.part.serial_tracked:
                prefix = f"line-{line.id}"
                if serials_form is not None and serials_form.serials.name == f"{prefix}-serials":
                    serials_forms[line.id] = serials_form  # the refused one, as it was typed
                else:
                    form = SerialsForm(formdata=None, prefix=prefix, version=version)
                    form.serials.data = line.serials
                    serials_forms[line.id] = form
    return dict(
        lines=lines,
        labour_total=sum(line.total for line in live if line.kind is LineKind.SERVICE),
        parts_total=sum(line.total for line in live if line.kind is LineKind.PART),
        may_edit_lines=may_edit,
        in_stock=stock_queries.available_parts(workshop_id=order.workshop_id) if may_edit else [],
        may_take_out=workshop and order.status is OrderStatus.REPAIRED,
        part_form=(part_form or PartLineForm(formdata=None, prefix="part", version=version))
        if may_edit
        else None,
        service_form=(
            service_form or ServiceLineForm(formdata=None, prefix="service", version=version)
        )
        if may_edit
        else None,
        line_form=line_form or LineForm(formdata=None, version=version),
        serials_forms=serials_forms,
    )


def _line(order, line_id: int):
    """A line of this order (404 for another order's line)."""
    line = next((line for line in order_lines.lines_of(order) if line.id == line_id), None)
    return line or abort(404)


def _to_lines(order):
    return redirect(url_for("orders.detail", number=order.number, _anchor="lines"))


def _flash_waiting(order, line) -> None:
    """Tell the workshop why a part just added is not reserved."""
    if line.state is not LineState.PENDING:
        flash(gettext("Part added and reserved."), "success")
        return
    available = max(stock_service.level_of(line.part_id, line.location_id).available, 0)
    if order_lines.reservation_due(order) or available < line.quantity:
        flash(
            gettext(
                "Not enough in stock: %(available)s available, %(wanted)s needed. "
                "The part waits until the stock arrives.",
                available=available,
                wanted=line.quantity,
            ),
            "warning",
        )
    else:
        flash(
            gettext("Part added: it is reserved when the customer approves the repair."),
            "success",
        )


def _routing_context(order, accept_form, route_form) -> dict:
    """The partner manager's answer to an order sent to the workshop, and the office's choice of
    another workshop for an order still at the counter (each only to whom it concerns)."""
    context = {"accept_form": None, "route_form": None, "routes": [], "refused_by": None}
    if (
        current_user.role in workflow.WORKSHOP_MANAGEMENT
        and order.status is OrderStatus.TO_WORKSHOP
        and order.accepted_at is None
        and order.workshop.kind is WorkshopKind.PARTNER
    ):
        form = accept_form or AcceptForm(formdata=None, version=order.version)
        form.technician_id.choices = [SelectChoice(0, gettext("— assign later —"))] + [
            SelectChoice(user.id, user.name) for user in list_technicians(order.workshop_id)
        ]
        context["accept_form"] = form
    if current_user.role in workflow.OFFICE and order.status is OrderStatus.RECEIVED:
        routes = routing.suggest(
            office_id=order.office_id,
            category=order.device.category,
            brand=order.device.brand,
            today=local_date(),
        )
        last = order.history[-1] if order.history else None
        refused = last is not None and last.from_status is OrderStatus.TO_WORKSHOP
        refused_by = order.workshop_id if refused else None
        # After a refusal the next choice is preselected, not the workshop that said no.
        preselect = next(
            (r.workshop.id for r in routes if r.refusal is None and r.workshop.id != refused_by),
            order.workshop_id,
        )
        form = route_form or RouteForm(
            formdata=None,
            version=order.version,
            workshop_id=preselect if refused else order.workshop_id,
        )
        context["refused_by"] = refused_by
        form.workshop_id.choices = workshop_choices(routes)
        context.update(route_form=form, routes=routes)
    return context


def printable_kinds(order) -> list[DocumentKind]:
    """The documents this order has reached (the others are not offered)."""
    kinds = []
    for kind in DocumentKind:
        try:
            check_issuable(kind, order.status, order.kind, order.outcome, order.price)
        except NotIssuable:
            continue
        kinds.append(kind)
    return kinds


def _new_payment_form(order, facts) -> PaymentForm:
    form = PaymentForm(formdata=None, version=order.version)
    # Before the device is ready the money taken is a prepayment; at pickup, the final payment.
    final = order.status is OrderStatus.READY and order.charge_is_known
    form.kind.data = (PaymentKind.FINAL if final else PaymentKind.PREPAYMENT).value
    if facts.balance_due > 0:
        form.amount.data = Decimal(facts.balance_due) / 100
    return form


@bp.get("/<number>")
@roles_required(*STAFF)
def detail(number: str):
    return _render_detail(_load(number))


@bp.post("/<number>/status")
@roles_required(*STAFF)
def change_status(number: str):
    order = _load(number)
    form = StatusForm()
    target = form.target_status()
    if form.validate_on_submit():
        if target is None:
            flash(gettext("Choose one of the actions offered on the order page."), "danger")
            return _render_detail(order, status_form=form, code=422)
        try:
            order_service.change_status(
                order,
                target,
                actor=current_user,
                note=form.note.data,
                note_public=form.note_public.data,
                expected_version=form.expected_version(),
            )
        except DomainError as error:
            apply_to_form(error, form)
        else:
            db.session.commit()
            flash(gettext("Status: %(status)s.", status=labels.STATUS[target]), "success")
            return redirect(url_for("orders.detail", number=order.number))
    return _render_detail(order, status_form=form, code=422)


@bp.post("/<number>/work")
@roles_required(*STAFF)
def record_work(number: str):
    order = _load(number)
    form = WorkForm()
    if form.validate_on_submit():
        try:
            order_service.record_work(
                order,
                actor=current_user,
                diagnosis=form.diagnosis.data or "",
                work_done=form.work_done.data or "",
                price=form.price.minor,
                expected_version=form.expected_version(),
            )
        except DomainError as error:
            apply_to_form(error, form)
        else:
            db.session.commit()
            flash(gettext("Saved."), "success")
            return redirect(url_for("orders.detail", number=order.number))
    return _render_detail(order, work_form=form, code=422)


@bp.post("/<number>/payments")
@roles_required(*STAFF)
def record_payment(number: str):
    order = _load(number)
    form = PaymentForm()
    if form.validate_on_submit():
        try:
            order_service.record_payment(
                order,
                kind=PaymentKind(form.kind.data),
                method=PaymentMethod(form.method.data),
                amount=form.amount.minor,
                actor=current_user,
                expected_version=form.expected_version(),
            )
        except DomainError as error:
            apply_to_form(error, form)
        else:
            db.session.commit()
            flash(gettext("Payment recorded."), "success")
            return redirect(url_for("orders.detail", number=order.number))
    return _render_detail(order, payment_form=form, code=422)


@bp.post("/<number>/lines/part")
@roles_required(*STAFF)
def add_part(number: str):
    order = _load(number)
    form = PartLineForm(prefix="part")
    if form.validate_on_submit():
        try:
            line = order_lines.add_part(
                order,
                order_lines.find_part(form.sku.data),
                form.quantity.data,
                actor=current_user,
                expected_version=form.expected_version(),
            )
        except DomainError as error:
            apply_to_form(error, form)
        else:
            _flash_waiting(order, line)
            db.session.commit()
            return _to_lines(order)
    return _render_detail(order, part_form=form, code=422)


@bp.post("/<number>/lines/service")
@roles_required(*STAFF)
def add_service(number: str):
    order = _load(number)
    form = ServiceLineForm(prefix="service")
    if form.validate_on_submit():
        try:
            order_lines.add_service(
                order,
                form.description.data,
                form.quantity.data,
                form.unit_price.minor,
                actor=current_user,
                expected_version=form.expected_version(),
            )
        except DomainError as error:
            apply_to_form(error, form)
        else:
            db.session.commit()
            flash(gettext("Service added."), "success")
            return _to_lines(order)
    return _render_detail(order, service_form=form, code=422)


def _line_action(number: str, line_id: int, action, done: str):
    order = _load(number)
    line = _line(order, line_id)
    form = LineForm()
    if form.validate_on_submit():
        try:
            action(order, line, actor=current_user, expected_version=form.expected_version())
        except DomainError as error:
            apply_to_form(error, form)
        else:
            db.session.commit()
            flash(done, "success")
            return _to_lines(order)
    return _render_detail(order, line_form=form, code=422)


@bp.post("/<number>/lines/<int:line_id>/remove")
@roles_required(*STAFF)
def remove_line(number: str, line_id: int):
    return _line_action(number, line_id, order_lines.remove, gettext("Line removed."))


@bp.post("/<number>/lines/<int:line_id>/take-out")
@roles_required(*STAFF)
def take_out_line(number: str, line_id: int):
    return _line_action(
        number, line_id, order_lines.take_out, gettext("Part taken out and back in stock.")
    )


@bp.post("/<number>/lines/<int:line_id>/serials")
@roles_required(*STAFF)
def record_serials(number: str, line_id: int):
    order = _load(number)
    line = _line(order, line_id)
    form = SerialsForm(prefix=f"line-{line.id}")
    if form.validate_on_submit():
        try:
            order_lines.set_serials(
                order,
                line,
                form.serials.data,
                actor=current_user,
                expected_version=form.expected_version(),
            )
        except DomainError as error:
            apply_to_form(error, form)
        else:
            db.session.commit()
            flash(gettext("Serial numbers saved."), "success")
            return _to_lines(order)
    return _render_detail(order, serials_form=form, code=422)


@bp.post("/<number>/accept")
@roles_required(*STAFF)
def accept(number: str):
    order = _load(number)
    form = AcceptForm()
    technicians = {user.id: user for user in list_technicians(order.workshop_id)}
    form.technician_id.choices = [SelectChoice(0, "")] + [
        SelectChoice(user.id, user.name) for user in technicians.values()
    ]
    if form.validate_on_submit():
        technician = technicians.get(form.technician_id.data)
        try:
            order_service.accept(
                order,
                actor=current_user,
                technician=technician,
                expected_version=form.expected_version(),
            )
        except DomainError as error:
            apply_to_form(error, form)
        else:
            db.session.commit()
            flash(gettext("Order accepted: it is the workshop's now."), "success")
            return redirect(url_for("orders.detail", number=order.number))
    return _render_detail(order, accept_form=form, code=422)


@bp.post("/<number>/route")
@roles_required(*STAFF)
def route(number: str):
    order = _load(number)
    form = RouteForm()
    form.workshop_id.choices = [SelectChoice(w.id, w.name) for w in list_workshops()]
    if form.validate_on_submit():
        try:
            order_service.reroute(
                order,
                get_workshop(form.workshop_id.data),
                actor=current_user,
                expected_version=form.expected_version(),
            )
        except DomainError as error:
            apply_to_form(error, form)
        else:
            db.session.commit()
            flash(gettext("Routed to %(workshop)s.", workshop=order.workshop.name), "success")
            return redirect(url_for("orders.detail", number=order.number))
    return _render_detail(order, route_form=form, code=422)
