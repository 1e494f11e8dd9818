"""The Russian catalogue is complete: every string in the code and templates is translated.

The sources are extracted the way `make translations-extract` does it (babel.cfg, the same keywords
and ignored folders), so a string added without a translation fails here by name.
"""

from __future__ import annotations

import ast
import fnmatch
import os
import re
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "servicecenter/translations/ru/LC_MESSAGES/messages.po"
# Babel's defaults (_, gettext, ngettext, pgettext, N_ …) plus Flask-Babel's lazy functions:
# keep in step with the -k options of `make translations-extract`.
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "lazy_gettext": None,
    "_l": None,
    "lazy_ngettext": (1, 2),
    "lazy_pgettext": ((1, "c"), 2),
}
IGNORED_DIRS = (".*", "__pycache__")  # the --ignore-dirs of `make translations-extract`
PLACEHOLDER = re.compile(r"%\(\w+\)[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")


def catalogue():
    with CATALOGUE.open("rb") as handle:
        return read_po(handle)


def source_messages() -> dict[tuple[str, str | None], set[str]]:
    """(msgid, context) of every message in the sources, with the files that use it."""
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)

    def wanted(path: str) -> bool:
        name = os.path.basename(path)
        return not any(fnmatch.fnmatch(name, pattern) for pattern in IGNORED_DIRS)

    found: dict[tuple[str, str | None], set[str]] = {}
    for filename, _line, message, _comments, context in extract_from_dir(
        ROOT, method_map, options_map, keywords=KEYWORDS, directory_filter=wanted
    ):
        msgid = message if isinstance(message, str) else message[0]
        found.setdefault((msgid, context), set()).add(filename)
    return found


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def test_the_sources_have_messages():
    # Guards the test below against an extraction that silently finds nothing.
    assert len(source_messages()) > 100


def test_every_message_is_translated_and_keeps_its_placeholders():
    po = catalogue()
    problems = []
    for message in po:
        if not message.id:
            continue
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        if message.pluralizable:
            expected = placeholders(message.id[0]) | placeholders(message.id[1])
            forms = message.string if isinstance(message.string, tuple) else (message.string,)
            if len(forms) != po.num_plurals or not all(forms):
                problems.append(f"needs {po.num_plurals} plural forms: {message.id[0]!r}")
        else:
            expected = placeholders(message.id)
            forms = (message.string,)
            if not message.string:
                problems.append(f"untranslated: {message.id!r}")
        for form in forms:
            if form and placeholders(form) != expected:
                problems.append(f"placeholders differ: {message.id!r} -> {form!r}")
    assert problems == [], f"In {CATALOGUE.relative_to(ROOT)}:\n" + "\n".join(problems)


def test_every_string_in_the_sources_is_in_the_catalogue():
    po = catalogue()
    missing = sorted(
        f"{msgid!r}{f' (context {context!r})' if context else ''} in {', '.join(sorted(files))}"
        for (msgid, context), files in source_messages().items()
        if po.get(msgid, context=context) is None
    )
    assert missing == [], (
        "Not in the Russian catalogue: run `make translations-update`, then translate in "
        "servicecenter/translations/ru/LC_MESSAGES/messages.po:\n" + "\n".join(missing)
    )


def test_no_translated_string_is_hidden_inside_an_f_string():
    # On Python 3.11 pybabel sees no call inside an f-string, so its text never reaches the
    # catalogue and stays English. Translate first, then format: f"{label}: {value}".
    hidden = []
    for path in sorted((ROOT / "servicecenter").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for fstring in ast.walk(tree):
            if not isinstance(fstring, ast.JoinedStr):
                continue
            for node in ast.walk(fstring):
                if isinstance(node, ast.Call):
                    name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                    if name in KEYWORDS:
                        where = f"{path.relative_to(ROOT)}:{node.lineno}"
                        hidden.append(f"{where}: {ast.unparse(node)}")
    assert hidden == [], "Move these calls out of their f-strings:\n" + "\n".join(hidden)
