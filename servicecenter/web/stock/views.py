"""Stock pages: levels per location, the ledger, low stock, transfers, and the movement forms."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from wtforms import SelectChoice

from ... import labels
from ...domain.errors import DomainError
from ...domain.stock import REVERSIBLE, Level, reorder_suggestion
from ...extensions import db
from ...queries import stock as queries
from ...queries.handovers import carriers_of
from ...services import stock as stock_service
from ..access import STAFF, roles_required
from ..errors import apply_to_form, message_of
from ..safe_redirect import local_target
from .forms import (
    ANY,
    AdjustForm,
    ButtonForm,
    LedgerFilterForm,
    LevelFilterForm,
    MinimumForm,
    ReceiveForm,
    ReverseForm,
    TransferForm,
    WriteOffForm,
)

bp = Blueprint("stock", __name__, url_prefix="/stock")

RECEIVERS = stock_service.RECEIVERS
COUNTERS = stock_service.COUNTERS


@bp.context_processor
def stock_context():
    return {
        "stock_labels": labels,
        "may_receive": current_user.role in RECEIVERS,
        "may_sign_for": current_user.role in stock_service.TRANSFER_RECEIVERS,
        "may_count": current_user.role in COUNTERS,
        "location_label": location_label,
    }


def location_label(location) -> str:
    if location.office_id is not None:
        return gettext("%(name)s (office)", name=location.name)
    return gettext("%(name)s (workshop)", name=location.name)


def _page_size() -> int:
    return current_app.config["PAGE_SIZE"]


def _load_location(location_id: int):
    return queries.get_location_for(current_user, location_id) or abort(404)


def _require_role(roles) -> None:
    # After the scoped lookup: another workshop's location is not found (404) for everyone.
    if current_user.role not in roles:
        abort(403)


# --- levels ---------------------------------------------------------------------------------


def _action_forms(location, sent=None) -> dict:
    """The movement forms of the page: the one sent (with its errors) and fresh others."""
    sku = request.args.get("sku", "")[:40] if request.method == "GET" else ""
    forms = {}
    for name, form_class in (
        ("receive_form", ReceiveForm),
        ("transfer_form", TransferForm),
        ("write_off_form", WriteOffForm),
        ("adjust_form", AdjustForm),
        ("minimum_form", MinimumForm),
    ):
        if isinstance(sent, form_class):
            forms[name] = sent
        else:
            forms[name] = form_class(formdata=None, sku=sku)
    fresh_transfer = not isinstance(sent, TransferForm)
    _destinations(forms["transfer_form"], exclude=location.id if fresh_transfer else None)
    return forms


def _destinations(form: TransferForm, *, exclude: int | None = None) -> None:
    form.destination_id.choices = [SelectChoice("", gettext("Choose…"))] + [
        SelectChoice(other.id, location_label(other))
        for other in queries.list_all_locations()
        if other.id != exclude
    ]


def _render_index(location, *, sent=None, code=200):
    filter_form = LevelFilterForm(formdata=request.args if request.method == "GET" else None)
    filter_form.validate()
    q = filter_form.q.data if not filter_form.q.errors else ""
    page = queries.list_levels(
        location.id,
        q=q or "",
        low_only=bool(filter_form.low.data),
        cursor=request.args.get("after") if request.method == "GET" else None,
        limit=_page_size(),
    )
    return render_template(
        "stock/index.html",
        location=location,
        locations=queries.list_locations_for(current_user),
        filter_form=filter_form,
        page=page,
        holding=queries.holding_of(location.id),
        **_action_forms(location, sent),
    ), code


@bp.get("")
@roles_required(*STAFF)
def index():
    location_id = request.args.get("location", type=int)
    if location_id is not None:
        location = _load_location(location_id)
    else:
        location = queries.default_location_for(current_user)
    if location is None:
        return render_template("stock/no_location.html")
    return _render_index(location)


def _part_of(form):
    """The catalogue part the form's SKU names, or None with the message under the field."""
    part = queries.get_part_by_sku(form.sku.data)
    if part is None:
        form.sku.errors = [*form.sku.errors, gettext("No part with this SKU in the catalogue.")]
    return part


def _refused(error: DomainError, form, **aliases) -> None:
    """Show a domain error on the form, under the form's name for the field it concerns."""
    if error.field in aliases:
        error.field = aliases[error.field]
    apply_to_form(error, form)


def _done(location, message: str):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("stock.index", location=location.id))


def _movement(location_id: int, roles, form_class, act, *, aliases=None):
    """The shape of every movement form: scoped location, role, form, one service call, commit
    and a message, or the page again with the refusal where it belongs.

    `act(form, part, location)` calls the service and returns the success message.
    """
    location = _load_location(location_id)
    _require_role(roles)
    form = form_class()
    if form_class is TransferForm:
        _destinations(form)
    if form.validate_on_submit() and (part := _part_of(form)) is not None:
        try:
            message = act(form, part, location)
        except DomainError as error:
            _refused(error, form, **(aliases or {}))
        else:
            return _done(location, message)
    return _render_index(location, sent=form, code=422)


@bp.post("/<int:location_id>/receive")
@roles_required(*STAFF)
def receive(location_id: int):
    def act(form, part, location):
        stock_service.receive(
            part,
            location,
            form.quantity.data,
            actor=current_user,
            unit_cost=form.unit_cost.minor,
            supplier_document=form.supplier_document.data or "",
            note=form.note.data or "",
        )
        return gettext("Received %(count)s × %(sku)s.", count=form.quantity.data, sku=part.sku)

    return _movement(location_id, RECEIVERS, ReceiveForm, act)


@bp.post("/<int:location_id>/transfer")
@roles_required(*STAFF)
def transfer(location_id: int):
    def act(form, part, location):
        destination = queries.get_location(form.destination_id.data)
        stock_service.send(
            part,
            location,
            destination,
            form.quantity.data,
            actor=current_user,
            note=form.note.data or "",
        )
        return gettext(
            "Sent %(count)s × %(sku)s to %(place)s.",
            count=form.quantity.data,
            sku=part.sku,
            place=destination.name,
        )

    return _movement(location_id, RECEIVERS, TransferForm, act)


@bp.post("/<int:location_id>/write-off")
@roles_required(*STAFF)
def write_off(location_id: int):
    def act(form, part, location):
        stock_service.write_off(
            part, location, form.quantity.data, actor=current_user, reason=form.reason.data
        )
        return gettext("Wrote off %(count)s × %(sku)s.", count=form.quantity.data, sku=part.sku)

    return _movement(location_id, COUNTERS, WriteOffForm, act)


@bp.post("/<int:location_id>/adjust")
@roles_required(*STAFF)
def adjust(location_id: int):
    def act(form, part, location):
        stock_service.adjust(
            part, location, form.counted.data, actor=current_user, note=form.note.data or ""
        )
        return gettext("%(sku)s: %(count)s on hand.", sku=part.sku, count=form.counted.data)

    return _movement(location_id, COUNTERS, AdjustForm, act, aliases={"quantity": "counted"})


@bp.post("/<int:location_id>/minimum")
@roles_required(*STAFF)
def set_minimum(location_id: int):
    def act(form, part, location):
        stock_service.set_minimum(part, location, form.minimum.data, actor=current_user)
        return gettext("%(sku)s: minimum %(count)s.", sku=part.sku, count=form.minimum.data)

    return _movement(location_id, COUNTERS, MinimumForm, act)


# --- locations, low stock -------------------------------------------------------------------


@bp.get("/locations")
@roles_required(*STAFF)
def locations():
    holdings = queries.list_holdings(current_user)
    total = sum(holding.value for _location, holding in holdings)
    return render_template("stock/locations.html", holdings=holdings, total=total)


def _suggestion(level) -> int:
    figures = Level(level.on_hand, level.reserved, level.in_transit)
    return reorder_suggestion(figures, level.minimum)


@bp.get("/low")
@roles_required(*STAFF)
def low():
    location_id = request.args.get("location", type=int)
    location = _load_location(location_id) if location_id is not None else None
    page = queries.list_low(
        current_user,
        location_id=location.id if location else None,
        cursor=request.args.get("after"),
        limit=_page_size(),
    )
    rows = [(level, _suggestion(level)) for level in page.items]
    return render_template(
        "stock/low.html",
        page=page,
        rows=rows,
        location=location,
        # Levels carry a location id; the few visible locations name them.
        locations={loc.id: loc for loc in queries.list_locations_for(current_user)},
    )


# --- the ledger -----------------------------------------------------------------------------


def _render_ledger(code=200):
    form = LedgerFilterForm(formdata=request.args if request.method == "GET" else None)
    visible = queries.list_locations_for(current_user)
    form.location.choices = ANY + [SelectChoice(loc.id, location_label(loc)) for loc in visible]
    form.validate()
    page = queries.list_ledger(
        current_user,
        form.to_filter(),
        cursor=request.args.get("after") if request.method == "GET" else None,
        limit=_page_size(),
    )
    context = queries.ledger_context(page.items)
    return render_template(
        "stock/ledger.html",
        form=form,
        page=page,
        links=context,
        reversible=REVERSIBLE,
        show_location=len(visible) > 1,
        button_form=ButtonForm(formdata=None),
    ), code


@bp.get("/ledger")
@roles_required(*STAFF)
def ledger():
    return _render_ledger()


@bp.post("/movements/<int:movement_id>/reverse")
@roles_required(*STAFF)
def reverse(movement_id: int):
    movement = queries.get_movement_for(current_user, movement_id) or abort(404)
    _require_role(COUNTERS)
    form = ReverseForm()
    if not form.validate_on_submit():
        for message in form.note.errors or [gettext("The form expired. Please try again.")]:
            flash(message, "danger")
    else:
        try:
            stock_service.reverse(movement, actor=current_user, note=form.note.data)
        except DomainError as error:
            flash(message_of(error), "danger")
        else:
            db.session.commit()
            flash(gettext("The movement was reversed."), "success")
            # Back to the ledger as it was filtered (a local path only).
            back = local_target(request.form.get("next"))
            if not (back or "").startswith(url_for("stock.ledger")):
                back = url_for("stock.ledger")
            return redirect(back)
    return _render_ledger(code=422)


# --- transfers ------------------------------------------------------------------------------


def _render_transfers(code=200):
    page = queries.list_transfers_in_transit(
        current_user,
        cursor=request.args.get("after") if request.method == "GET" else None,
        limit=_page_size(),
    )
    return render_template(
        "stock/transfers.html",
        page=page,
        # Parts sent in a handover are signed for there, with its devices.
        carriers=carriers_of([transfer.id for transfer in page.items]),
        closed=queries.list_recent_closed_transfers(current_user),
        may_use=lambda location: stock_service.may_use(current_user, location),
        button_form=ButtonForm(formdata=None),
    ), code


@bp.get("/transfers")
@roles_required(*STAFF)
def transfers():
    return _render_transfers()


def _close_transfer(transfer_id: int, close, done_message: str, roles=RECEIVERS):
    transfer = queries.get_transfer_for(current_user, transfer_id) or abort(404)
    _require_role(roles)
    form = ButtonForm()
    if form.validate_on_submit():
        try:
            close(transfer, actor=current_user)
        except DomainError as error:
            flash(message_of(error), "danger")
        else:
            db.session.commit()
            flash(done_message, "success")
            return redirect(url_for("stock.transfers"))
    return _render_transfers(code=422)


@bp.post("/transfers/<int:transfer_id>/receive")
@roles_required(*STAFF)
def receive_transfer(transfer_id: int):
    return _close_transfer(
        transfer_id,
        stock_service.receive_transfer,
        gettext("The transfer was received."),
        roles=stock_service.TRANSFER_RECEIVERS,
    )


@bp.post("/transfers/<int:transfer_id>/cancel")
@roles_required(*STAFF)
def cancel_transfer(transfer_id: int):
    return _close_transfer(
        transfer_id,
        stock_service.cancel_transfer,
        gettext("The transfer was cancelled: the parts are back at the sender."),
    )
