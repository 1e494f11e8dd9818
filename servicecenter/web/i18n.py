"""Choosing the interface language: the visitor's choice, the user's setting, the browser."""

from __future__ import annotations

from flask import current_app, request, session
from flask_babel import _get_current_context, get_translations
from flask_login import current_user

SESSION_KEY = "lang"


def select_locale() -> str:
    languages = list(current_app.config["LANGUAGES"])
    chosen = session.get(SESSION_KEY)
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def _page_translations():
    """The request's translations, found once. Flask-Babel's template callables look them up
    anew for every `_()` (half a dozen context lookups), and a page says a hundred. Kept where
    Flask-Babel itself keeps them for the request (`babel_translations`), which `force_locale`
    and `refresh` reset, so a switched language is still honoured."""
    context = _get_current_context()
    if context is None:
        return get_translations()
    found = getattr(context, "babel_translations", None)
    if found is None:
        found = context.babel_translations = get_translations()
    return found


def install_template_gettext(app) -> None:
    """Templates' `_()`, `ngettext` and friends through the request's translations, found once."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _page_translations().ugettext(s),
        ngettext=lambda s, p, n: _page_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _page_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _page_translations().unpgettext(c, s, p, n),
    )
