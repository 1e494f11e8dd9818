"""The customer's profile for the desk: contact, consent, devices with their orders, money,
ratings; and merging a duplicate record into it.

A customer belongs to the whole network (the desk serves returning customers at any office), so
admins and receptionists see every order of theirs; an order of another office is listed without
a link, its page staying scoped. Workshop staff meet customers only through their orders: 403.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from ...domain.customers import merge_refusal
from ...domain.errors import DomainError
from ...extensions import db
from ...models import Customer
from ...queries import customers as customer_queries
from ...services import customers as customer_service
from ..access import OFFICE_ROLES, roles_required
from ..errors import apply_to_form, message_of
from .forms import ConsentForm, FindDuplicateForm, MergeForm

bp = Blueprint("customers", __name__, url_prefix="/customers")


def _customer_or_404(customer_id: int) -> Customer:
    return customer_queries.get_customer(customer_id) or abort(404)


def _render_profile(customer: Customer, *, consent_form: ConsentForm | None = None, code=200):
    profile = customer_queries.get_profile(customer, current_user)
    form = consent_form or ConsentForm(formdata=None, obj=customer)
    return render_template("customers/profile.html", profile=profile, consent_form=form), code


@bp.get("/<int:customer_id>")
@roles_required(*OFFICE_ROLES)
def profile(customer_id: int):
    customer = customer_queries.get_customer(customer_id)
    if customer is None:
        # An old link or tab of a record merged since: its history lives on the survivor.
        survivor_id = customer_queries.survivor_of(customer_id)
        if survivor_id is None:
            abort(404)
        flash(gettext("That record was merged into this one."), "info")
        return redirect(url_for("customers.profile", customer_id=survivor_id))
    return _render_profile(customer)


@bp.post("/<int:customer_id>/consent")
@roles_required(*OFFICE_ROLES)
def consent(customer_id: int):
    customer = _customer_or_404(customer_id)
    form = ConsentForm()
    if form.validate_on_submit():
        try:
            customer_service.set_consent(
                customer,
                customer_service.Consent(
                    sms=bool(form.consent_sms.data), email=bool(form.consent_email.data)
                ),
                actor=current_user,
                expected_version=form.expected_version(),
            )
        except DomainError as error:
            apply_to_form(error, form)
        else:
            db.session.commit()
            flash(gettext("Consent saved."), "success")
            return redirect(url_for("customers.profile", customer_id=customer.id))
    return _render_profile(customer, consent_form=form, code=422)


@bp.get("/<int:customer_id>/merge")
@roles_required(*OFFICE_ROLES)
def find_duplicate(customer_id: int):
    customer = _customer_or_404(customer_id)
    form = FindDuplicateForm(request.args)
    matches = None
    if form.q.data and form.validate():
        matches = customer_queries.search_customers(form.q.data, exclude_id=customer.id)
    return render_template(
        "customers/find_duplicate.html", customer=customer, form=form, matches=matches
    )


def _render_confirm(survivor, duplicate, code=200):
    refusal = merge_refusal(survivor.id, duplicate.id)
    form = MergeForm(
        formdata=None, survivor_version=survivor.version, duplicate_version=duplicate.version
    )
    return render_template(
        "customers/merge.html",
        survivor=survivor,
        duplicate=duplicate,
        counts={
            "survivor": customer_queries.count_orders_and_devices(survivor.id),
            "duplicate": customer_queries.count_orders_and_devices(duplicate.id),
        },
        refusal=message_of(refusal) if refusal else None,
        form=form,
    ), code


@bp.get("/<int:customer_id>/merge/<int:duplicate_id>")
@roles_required(*OFFICE_ROLES)
def confirm_merge(customer_id: int, duplicate_id: int):
    return _render_confirm(_customer_or_404(customer_id), _customer_or_404(duplicate_id))


@bp.post("/<int:customer_id>/merge/<int:duplicate_id>")
@roles_required(*OFFICE_ROLES)
def merge(customer_id: int, duplicate_id: int):
    survivor = _customer_or_404(customer_id)
    duplicate = customer_queries.get_customer(duplicate_id)
    if duplicate is None:
        # Merged by someone else meanwhile, typically a second click: say so, change nothing.
        flash(
            gettext("The other record was changed or merged meanwhile. Nothing was changed."),
            "warning",
        )
        return redirect(url_for("customers.profile", customer_id=survivor.id))
    form = MergeForm()
    if form.validate_on_submit():
        survivor_version, duplicate_version = form.expected_versions()
        name = duplicate.name
        try:
            customer_service.merge(
                survivor,
                duplicate,
                actor=current_user,
                survivor_version=survivor_version,
                duplicate_version=duplicate_version,
            )
        except DomainError as error:
            apply_to_form(error, form)
        else:
            db.session.commit()
            flash(gettext("%(name)s merged into this record.", name=name), "success")
            return redirect(url_for("customers.profile", customer_id=survivor.id))
    # Shown again with the versions as they are now: the desk looks again, then confirms.
    return _render_confirm(survivor, duplicate, code=422)
