"""JSON API for a shop's own website: public, rate limited, as silent about people as /status."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from flask_babel import force_locale

from ...extensions import csrf, limiter
from ...queries.public_status import find_by_number
from ..status.views import NOT_FOUND, status_limit
from . import serializers

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # GET only; nothing here changes state


@bp.get("/status")
@limiter.limit(status_limit)
def status():
    number, phone = request.args.get("number", ""), request.args.get("phone", "")
    lang = request.args.get("lang", "en")
    with force_locale(lang if lang in current_app.config["LANGUAGES"] else "en"):
        order = find_by_number(number, phone) if number and phone else None
        if order is None:
            return jsonify(error="not_found", detail=str(NOT_FOUND)), 404
        return jsonify(serializers.public_order(order))
