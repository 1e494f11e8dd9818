"""Words and dates in templates: made once per language (labels, a day's date), and still each
request's own language."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import render_template_string
from flask_babel import force_locale

from servicecenter.domain.enums import OrderStatus

PAGE = (
    "{{ labels.STATUS[status] }} · {{ day|date('long') }} · {{ moment|date('short') }}"
    " · {{ _('Orders') }}"
)


def render(locale: str) -> str:
    with force_locale(locale):
        return render_template_string(
            PAGE,
            status=OrderStatus.READY,
            day=date(2026, 3, 1),
            # 22:30 UTC is already the next day in Moscow, where dates are shown
            moment=datetime(2026, 3, 1, 22, 30, tzinfo=UTC),
        )


def test_each_language_gets_its_own_words_however_often_the_page_is_made(app):
    with app.test_request_context("/"):
        english, russian, english_again = render("en"), render("ru"), render("en")
    assert english == "Ready · March 1, 2026 · 3/2/26 · Orders"
    assert russian == "Готов к выдаче · 1 марта 2026\u202fг. · 02.03.2026 · Заказы"
    assert english_again == english


def test_a_mapping_of_plain_values_is_given_as_it_is(app):
    with app.test_request_context("/"):
        html = render_template_string(
            "{{ labels.STATUS_COLOUR[status] }}", status=OrderStatus.READY
        )
    assert html == "success"
