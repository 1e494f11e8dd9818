"""Handovers: what is ready to travel, drafts put together and sent, and signing for arrivals."""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user
from wtforms import SelectChoice

from ...domain.errors import DomainError
from ...domain.handovers import Arrival, Direction, HandoverStatus, ItemState
from ...extensions import db
from ...queries import handovers as handover_queries
from ...queries import stock as stock_queries
from ...queries.network import get_office, get_workshop
from ...services import documents
from ...services import handovers as handover_service
from ...services.order_lines import find_part
from ..access import STAFF, roles_required
from ..errors import apply_to_form
from ..orders.forms import PartLineForm
from .forms import AddOrdersForm, HandoverActionForm, NewHandoverForm, ReceiptForm

bp = Blueprint("handovers", __name__, url_prefix="/handovers")


def _load(handover_id: int):
    return handover_queries.get_handover_for(current_user, handover_id) or abort(404)


def _to_detail(handover):
    return redirect(url_for("handovers.detail", handover_id=handover.id))


@bp.get("")
@roles_required(*STAFF)
def index():
    batches = handover_queries.ready_to_send(current_user)
    open_page = handover_queries.list_handovers(current_user, open_only=True, limit=200)
    closed = handover_queries.list_handovers(
        current_user,
        open_only=False,
        cursor=request.args.get("after"),
        limit=current_app.config["PAGE_SIZE"],
    )
    ids = [h.id for h in open_page.items + closed.items]
    return render_template(
        "handovers/index.html",
        batches=batches,
        open_handovers=open_page.items,
        page=closed,
        counts=handover_queries.item_counts(ids),
    )


@bp.post("/new")
@roles_required(*STAFF)
def create():
    form = NewHandoverForm()
    if not form.validate_on_submit():
        flash(gettext("Choose at least one device to put into the handover."), "danger")
        return redirect(url_for("handovers.index"))
    direction = Direction(form.direction.data)
    office, workshop = _place(form.office_id.data, get_office), _place(form.workshop_id.data)
    chosen = handover_queries.sendable_orders(
        current_user,
        direction,
        office_id=office.id,
        workshop_id=workshop.id,
        order_ids=form.order.data,
    )
    if len(chosen) != len(set(form.order.data)):
        flash(
            gettext("Some of the devices chosen cannot travel now: look at the list again."),
            "danger",
        )
        return redirect(url_for("handovers.index"))
    try:
        handover = handover_service.create(
            direction, office=office, workshop=workshop, orders_to_pack=chosen, actor=current_user
        )
    except DomainError as error:
        apply_to_form(error, form)
        return redirect(url_for("handovers.index"))
    db.session.commit()
    flash(
        gettext(
            "Handover %(number)s prepared: print the manifest, then send it.",
            number=handover.number,
        ),
        "success",
    )
    return _to_detail(handover)


def _place(place_id: int, getter=get_workshop):
    found = getter(place_id) if 0 < place_id < 2**63 else None
    return found or abort(404)


def _render_detail(handover, *, receipt=None, part_form=None, code=200):
    sendable = []
    if handover.status is HandoverStatus.DRAFT:
        sendable = handover_queries.sendable_orders(
            current_user,
            handover.direction,
            office_id=handover.office_id,
            workshop_id=handover.workshop_id,
        )
    may_send = handover_service.is_sender(current_user, handover)
    may_receive = handover_service.is_receiver(current_user, handover)
    in_stock = []
    if handover.status is HandoverStatus.DRAFT and may_send:
        outbound = handover.direction is Direction.TO_WORKSHOP
        in_stock = stock_queries.available_parts(
            office_id=handover.office_id if outbound else None,
            workshop_id=None if outbound else handover.workshop_id,
        )
    add_form = AddOrdersForm(formdata=None, version=handover.version)
    add_form.order.choices = [SelectChoice(order.id, order.number) for order in sendable]
    return render_template(
        "handovers/detail.html",
        handover=handover,
        devices=[item for item in handover.items if item.order is not None],
        parts=[item for item in handover.items if item.part is not None],
        sendable=sendable,
        add_form=add_form,
        part_form=part_form or PartLineForm(formdata=None, prefix="part", version=handover.version),
        action_form=HandoverActionForm(formdata=None, version=handover.version),
        receipt=receipt or {},
        in_stock=in_stock,
        may_send=may_send,
        draft=handover.status is HandoverStatus.DRAFT,
        receiving=handover.status is HandoverStatus.SENT and may_receive,
        may_receive=may_receive,
    ), code


@bp.get("/<int:handover_id>")
@roles_required(*STAFF)
def detail(handover_id: int):
    return _render_detail(_load(handover_id))


def _act(handover_id: int, action, done: str, form_class=HandoverActionForm):
    """Load, check the form, run one service call, commit; a refusal re-renders the page."""
    handover = _load(handover_id)
    form = form_class()
    if form.validate_on_submit():
        try:
            action(handover, form)
        except DomainError as error:
            apply_to_form(error, form)
        else:
            db.session.commit()
            flash(done, "success")
            return _to_detail(handover)
    for errors in form.errors.values():
        for message in errors:
            flash(message, "danger")
    return _render_detail(handover, code=422)


@bp.post("/<int:handover_id>/orders")
@roles_required(*STAFF)
def add_orders(handover_id: int):
    def action(handover, form):
        chosen = handover_queries.sendable_orders(
            current_user,
            handover.direction,
            office_id=handover.office_id,
            workshop_id=handover.workshop_id,
            order_ids=form.order.data,
        )
        handover_service.add_orders(
            handover, chosen, actor=current_user, expected_version=form.expected_version()
        )

    return _act(handover_id, action, gettext("Devices added."), AddOrdersForm)


@bp.post("/<int:handover_id>/parts")
@roles_required(*STAFF)
def add_part(handover_id: int):
    handover = _load(handover_id)
    form = PartLineForm(prefix="part")
    if form.validate_on_submit():
        try:
            handover_service.add_part(
                handover,
                find_part(form.sku.data),
                form.quantity.data,
                actor=current_user,
                expected_version=form.expected_version(),
            )
        except DomainError as error:
            apply_to_form(error, form)
        else:
            db.session.commit()
            flash(gettext("Parts added."), "success")
            return _to_detail(handover)
    return _render_detail(handover, part_form=form, code=422)


@bp.post("/<int:handover_id>/items/<int:item_id>/remove")
@roles_required(*STAFF)
def remove_item(handover_id: int, item_id: int):
    def action(handover, form):
        handover_service.remove_item(
            handover,
            _item(handover, item_id),
            actor=current_user,
            expected_version=form.expected_version(),
        )

    return _act(handover_id, action, gettext("Taken out of the handover."))


def _item(handover, item_id: int):
    return next((item for item in handover.items if item.id == item_id), None) or abort(404)


@bp.post("/<int:handover_id>/send")
@roles_required(*STAFF)
def send(handover_id: int):
    def action(handover, form):
        handover_service.send(
            handover, actor=current_user, expected_version=form.expected_version()
        )

    return _act(handover_id, action, gettext("Sent: the devices are on their way."))


@bp.post("/<int:handover_id>/cancel")
@roles_required(*STAFF)
def cancel(handover_id: int):
    def action(handover, form):
        handover_service.cancel(
            handover, actor=current_user, expected_version=form.expected_version()
        )

    return _act(handover_id, action, gettext("Handover cancelled: nothing was sent."))


def _arrivals(handover) -> dict[int, Arrival]:
    """What the receiver ticked and typed for each item still on its way."""
    return {
        item.id: Arrival(
            arrived=request.form.get(f"arrived-{item.id}") == "1",
            note=(request.form.get(f"note-{item.id}") or "").strip(),
        )
        for item in handover.items
        if item.state is ItemState.PACKED
    }


@bp.post("/<int:handover_id>/receive")
@roles_required(*STAFF)
def receive(handover_id: int):
    handover = _load(handover_id)
    form = ReceiptForm()
    arrivals = _arrivals(handover)
    if form.validate_on_submit():
        try:
            handover_service.receive(
                handover, arrivals, actor=current_user, expected_version=form.expected_version()
            )
        except DomainError as error:
            apply_to_form(error, form)
        else:
            db.session.commit()
            flash(gettext("Signed for: the handover has arrived."), "success")
            return _to_detail(handover)
    for message in form.version.errors:
        flash(message, "danger")
    return _render_detail(handover, receipt=arrivals, code=422)


@bp.post("/<int:handover_id>/items/<int:item_id>/arrived")
@roles_required(*STAFF)
def arrived_late(handover_id: int, item_id: int):
    def action(handover, form):
        handover_service.arrived_late(
            handover,
            _item(handover, item_id),
            actor=current_user,
            note=request.form.get("note", ""),
        )

    return _act(handover_id, action, gettext("Signed for the item that arrived late."))


@bp.get("/<int:handover_id>/manifest.pdf")
@roles_required(*STAFF)
def manifest(handover_id: int):
    handover = _load(handover_id)
    content = documents.handover_manifest(handover)
    response = send_file(
        io.BytesIO(content),
        mimetype="application/pdf",
        download_name=f"{handover.number}.pdf",
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
