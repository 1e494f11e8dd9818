"""The one form of the partner pages: confirming a settlement (nothing but the CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm


class ConfirmForm(FlaskForm):
    """Freezes the month's settlement; the period and workshop are in the address."""
