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
from ..errors import apply_to_form, message_of
from ..orders.forms import PartLineForm
from .forms import (
    AddOrdersForm,
    ArrivedLateForm,
    HandoverActionForm,
    NewHandoverForm,
    ReceiptForm,
)

bp = Blueprint("handovers", __name__, url_prefix="/handovers")


def _load(handover_id: int):
    return handover_queries.get_handover_for(current_user, handover_id) or abort(404)


def _to_detail(handover):
    return redirect(url_for("handovers.detail", handover_id=handover.id))


def _place(place_id: int, getter):
    return (getter(place_id) if 0 < place_id < 2**63 else None) or abort(404)


@bp.get("")
@roles_required(*STAFF)
def index():
    open_page = handover_queries.list_handovers(current_user, open_only=True, limit=200)
    closed = handover_queries.list_handovers(
        current_user,
        open_only=False,
        cursor=request.args.get("after"),
        limit=current_app.config["PAGE_SIZE"],
    )
    return render_template(
        "handovers/index.html",
        batches=handover_queries.ready_to_send(current_user),
        open_handovers=open_page.items,
        page=closed,
        counts=handover_queries.item_counts([h.id for h in open_page.items + closed.items]),
    )


@bp.post("/new")
@roles_required(*STAFF)
def create():
    form = NewHandoverForm()
    if not form.validate_on_submit():
        problem = form.order.errors or [gettext("Reload the page and try again.")]
        flash(problem[0], "danger")
        return redirect(url_for("handovers.index"))
    direction = Direction(form.direction.data)
    office = _place(form.office_id.data, get_office)
    workshop = _place(form.workshop_id.data, get_workshop)
    try:
        chosen = handover_service.chosen_orders(
            current_user, direction, office=office, workshop=workshop, order_ids=form.order.data
        )
        handover = handover_service.create(
            direction, office=office, workshop=workshop, orders_to_pack=chosen, actor=current_user
        )
    except DomainError as error:
        flash(message_of(error), "danger")
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


def _render_detail(handover, *, receipt=None, part_form=None, code=200):
    draft = handover.status is HandoverStatus.DRAFT
    may_send = handover_service.is_sender(current_user, handover)
    may_receive = handover_service.is_receiver(current_user, handover)
    may_pack_parts = draft and may_send and handover_service.may_pack_parts(current_user)
    sendable, in_stock = [], []
    if draft and may_send:
        sendable = handover_queries.sendable_orders(
            current_user,
            handover.direction,
            office_id=handover.office_id,
            workshop_id=handover.workshop_id,
        )
    if may_pack_parts:
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
        draft=draft,
        receiving=handover.status is HandoverStatus.SENT and may_receive,
        may_send=may_send,
        may_receive=may_receive,
        may_pack_parts=may_pack_parts,
    ), code


@bp.get("/<int:handover_id>")
@roles_required(*STAFF)
def detail(handover_id: int):
    return _render_detail(_load(handover_id))


def _act(handover_id: int, action, done: str, form_class=HandoverActionForm, again=None):
    """Load, check the form, run one service call, commit, redirect. A refusal shows the page
    again, with what was typed when `again(handover, form)` says how (else as flash messages)."""
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
    if again is not None:
        return _render_detail(handover, code=422, **again(handover, form))
    for errors in form.errors.values():
        for message in errors:
            flash(message, "danger")
    return _render_detail(handover, code=422)


@bp.post("/<int:handover_id>/orders")
@roles_required(*STAFF)
def add_orders(handover_id: int):
    def action(handover, form):
        chosen = handover_service.chosen_orders(
            current_user,
            handover.direction,
            office=handover.office,
            workshop=handover.workshop,
            order_ids=form.order.data,
        )
        handover_service.add_orders(
            handover, chosen, actor=current_user, expected_version=form.expected_version()
        )

    return _act(handover_id, action, gettext("Devices added."), AddOrdersForm)


@bp.post("/<int:handover_id>/parts")
@roles_required(*STAFF)
def add_part(handover_id: int):
    def action(handover, form):
        handover_service.add_part(
            handover,
            find_part(form.sku.data),
            form.quantity.data,
            actor=current_user,
            expected_version=form.expected_version(),
        )

    return _act(
        handover_id,
        action,
        gettext("Parts added."),
        lambda: PartLineForm(prefix="part"),
        again=lambda handover, form: {"part_form": form},
    )


def _item(handover, item_id: int):
    return next((item for item in handover.items if item.id == item_id), None) or abort(404)


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
    def action(handover, form):
        handover_service.receive(
            handover,
            _arrivals(handover),
            actor=current_user,
            expected_version=form.expected_version(),
        )

    def again(handover, form):
        for message in form.version.errors:
            flash(message, "danger")
        return {"receipt": _arrivals(handover)}

    return _act(
        handover_id, action, gettext("Signed for: the handover has arrived."), ReceiptForm, again
    )


@bp.post("/<int:handover_id>/items/<int:item_id>/arrived")
@roles_required(*STAFF)
def arrived_late(handover_id: int, item_id: int):
    def action(handover, form):
        handover_service.arrived_late(
            handover,
            _item(handover, item_id),
            actor=current_user,
            note=form.note.data or "",
            expected_version=form.expected_version(),
        )

    return _act(
        handover_id, action, gettext("Signed for the item that arrived late."), ArrivedLateForm
    )


@bp.post("/<int:handover_id>/items/<int:item_id>/back")
@roles_required(*STAFF)
def back_at_sender(handover_id: int, item_id: int):
    def action(handover, form):
        handover_service.back_at_sender(
            handover,
            _item(handover, item_id),
            actor=current_user,
            expected_version=form.expected_version(),
        )

    return _act(handover_id, action, gettext("Back at the sender."))


@bp.get("/<int:handover_id>/manifest.pdf")
@roles_required(*STAFF)
def manifest(handover_id: int):
    handover = _load(handover_id)
    response = send_file(
        io.BytesIO(documents.handover_manifest(handover)),
        mimetype="application/pdf",
        download_name=f"{handover.number}.pdf",
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
