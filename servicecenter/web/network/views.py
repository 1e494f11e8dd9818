"""Network administration (admin only): offices, workshops and the partners' contracts."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user

from ...domain.contracts import routing_refusal, status_of
from ...domain.enums import Role, WorkshopKind
from ...domain.errors import DomainError
from ...extensions import db
from ...models import Office, Workshop, WorkshopContract
from ...queries.network import (
    current_contracts,
    get_contract,
    get_office,
    get_workshop,
    list_offices,
    list_workshops,
)
from ...services import network
from ...services.clock import local_date
from ..access import roles_required
from ..errors import apply_to_form
from .forms import ContractForm, OfficeForm, WorkshopForm

bp = Blueprint("network", __name__, url_prefix="/admin/network")


def _valid_id(value: int) -> bool:
    return 0 < value < 2**63  # an id typed into an address can be any size


def _office_or_404(office_id: int) -> Office:
    return (get_office(office_id) if _valid_id(office_id) else None) or abort(404)


def _workshop_or_404(workshop_id: int) -> Workshop:
    return (get_workshop(workshop_id) if _valid_id(workshop_id) else None) or abort(404)


def _contract_or_404(contract_id: int) -> WorkshopContract:
    return get_contract(contract_id) or abort(404)


def contract_status(contract: WorkshopContract | None, today: date) -> str:
    """A key of labels.CONTRACT_STATUS: where the contract stands today."""
    return status_of(contract.terms if contract else None, today).value


def _refusal(contract: WorkshopContract | None, today: date) -> str | None:
    reason = routing_refusal(contract.terms if contract else None, today)
    return gettext(reason) if reason else None


@bp.get("")
@roles_required(Role.ADMIN)
def index():
    today = local_date()
    contracts = current_contracts(today)  # one query for every partner
    rows = []
    for workshop in list_workshops():
        contract = None
        if workshop.kind is WorkshopKind.PARTNER:
            contract = contracts.get(workshop.id)
        rows.append(
            {
                "workshop": workshop,
                "contract": contract,
                "status": contract_status(contract, today),
                "refusal": _refusal(contract, today),
            }
        )
    return render_template("network/index.html", offices=list_offices(), workshops=rows)


# --- offices --------------------------------------------------------------------------------


@bp.route("/offices/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_office():
    form = OfficeForm()
    if form.validate_on_submit():
        try:
            office = network.save_office(form.to_data(), actor=current_user)
        except DomainError as error:
            apply_to_form(error, form)
        else:
            db.session.commit()
            flash(gettext("Office %(code)s added.", code=office.code), "success")
            return redirect(url_for("network.index"))
    code = 422 if form.is_submitted() else 200  # a post that got here was refused
    return render_template("network/office_form.html", form=form, office=None), code


@bp.route("/offices/<int:office_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_office(office_id: int):
    office = _office_or_404(office_id)
    form = OfficeForm(obj=office)
    del form.code  # printed order numbers carry it: shown, never sent back
    if form.validate_on_submit():
        try:
            network.save_office(
                form.to_data(code=office.code),
                actor=current_user,
                office=office,
                expected_version=form.expected_version(),
            )
        except DomainError as error:
            apply_to_form(error, form)
        else:
            db.session.commit()
            flash(gettext("Office %(code)s saved.", code=office.code), "success")
            return redirect(url_for("network.index"))
    code = 422 if form.is_submitted() else 200  # a post that got here was refused
    return render_template("network/office_form.html", form=form, office=office), code


# --- workshops ------------------------------------------------------------------------------


@bp.get("/workshops/<int:workshop_id>")
@roles_required(Role.ADMIN)
def workshop(workshop_id: int):
    workshop = _workshop_or_404(workshop_id)
    today = local_date()
    contracts = [
        {"contract": contract, "status": contract_status(contract, today)}
        for contract in network.contracts_of(workshop)
    ]
    current = None
    if workshop.kind is WorkshopKind.PARTNER:
        current = network.contract_in_force(workshop, today)
    return render_template(
        "network/workshop.html",
        workshop=workshop,
        contracts=contracts,
        status=contract_status(current, today),
        refusal=_refusal(current, today) if workshop.kind is WorkshopKind.PARTNER else None,
    )


@bp.route("/workshops/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_workshop():
    form = WorkshopForm()
    form.set_offices(list_offices())
    if form.validate_on_submit():
        try:
            workshop = network.save_workshop(form.to_data(), actor=current_user)
        except DomainError as error:
            apply_to_form(error, form)
        else:
            db.session.commit()
            flash(gettext("Workshop %(name)s added.", name=workshop.name), "success")
            return redirect(url_for("network.workshop", workshop_id=workshop.id))
    code = 422 if form.is_submitted() else 200  # a post that got here was refused
    return render_template("network/workshop_form.html", form=form, workshop=None), code


@bp.route("/workshops/<int:workshop_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_workshop(workshop_id: int):
    workshop = _workshop_or_404(workshop_id)
    form = WorkshopForm(obj=workshop)
    form.set_offices(list_offices())
    if form.validate_on_submit():
        try:
            network.save_workshop(
                form.to_data(),
                actor=current_user,
                workshop=workshop,
                expected_version=form.expected_version(),
            )
        except DomainError as error:
            apply_to_form(error, form)
        else:
            db.session.commit()
            flash(gettext("Workshop %(name)s saved.", name=workshop.name), "success")
            return redirect(url_for("network.workshop", workshop_id=workshop.id))
    code = 422 if form.is_submitted() else 200  # a post that got here was refused
    return render_template("network/workshop_form.html", form=form, workshop=workshop), code


# --- contracts ------------------------------------------------------------------------------


@bp.route("/workshops/<int:workshop_id>/contracts/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_contract(workshop_id: int):
    workshop = _workshop_or_404(workshop_id)
    if workshop.kind is not WorkshopKind.PARTNER:
        abort(404)  # only partners work under a contract: there is no such page for the others
    form = ContractForm()
    if form.validate_on_submit():
        try:
            contract = network.save_contract(workshop, form.to_data(), actor=current_user)
        except DomainError as error:
            apply_to_form(error, form)
        else:
            db.session.commit()
            flash(gettext("Contract %(number)s added.", number=contract.number), "success")
            return redirect(url_for("network.workshop", workshop_id=workshop.id))
    code = 422 if form.is_submitted() else 200  # a post that got here was refused
    return render_template(
        "network/contract_form.html", form=form, workshop=workshop, contract=None
    ), code


def _initial(contract: WorkshopContract) -> dict:
    return {
        "number": contract.number,
        "starts_on": contract.starts_on,
        "ends_on": contract.ends_on,
        "categories": [value for value in contract.categories.split(",") if value],
        "brands": contract.brands,
        "turnaround_days": contract.turnaround_days,
        "labour_share_percent": contract.labour_share_percent,
        "active": contract.active,
        "version": contract.version,
    }


@bp.route("/contracts/<int:contract_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_contract(contract_id: int):
    contract = _contract_or_404(contract_id)
    workshop = contract.workshop
    form = ContractForm(data=_initial(contract))
    if form.validate_on_submit():
        try:
            network.save_contract(
                workshop,
                form.to_data(),
                actor=current_user,
                contract=contract,
                expected_version=form.expected_version(),
            )
        except DomainError as error:
            apply_to_form(error, form)
        else:
            db.session.commit()
            flash(gettext("Contract %(number)s saved.", number=contract.number), "success")
            return redirect(url_for("network.workshop", workshop_id=workshop.id))
    code = 422 if form.is_submitted() else 200  # a post that got here was refused
    return render_template(
        "network/contract_form.html", form=form, workshop=workshop, contract=contract
    ), code
