"""The Russian catalogue is complete: every string in the code and templates is translated."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "servicecenter/translations/ru/LC_MESSAGES/messages.po"
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "lazy_gettext": None,
    "_l": None,
    "N_": None,
}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def catalogue():
    with CATALOGUE.open("rb") as handle:
        return read_po(handle)


def source_messages() -> set[str]:
    found = set()
    method_maps = {
        "servicecenter": [("**.py", "python")],
        "templates": [("**.html", "jinja2")],
    }
    for folder, method_map in method_maps.items():
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder,
            method_map,
            options_map={"**.html": {"extensions": "jinja2.ext.do"}},
            keywords=KEYWORDS,
            directory_filter=lambda path: not Path(path).name.startswith((".", "__")),
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_message_is_translated_and_keeps_its_placeholders():
    problems = []
    for message in catalogue():
        if not message.id:
            continue
        if not message.string or message.fuzzy:
            problems.append(f"untranslated: {message.id!r}")
        elif set(PLACEHOLDER.findall(message.id)) != set(PLACEHOLDER.findall(message.string)):
            problems.append(f"placeholders differ: {message.id!r} -> {message.string!r}")
    assert problems == []


def test_every_string_in_the_sources_is_in_the_catalogue():
    known = {message.id for message in catalogue() if message.id}
    missing = sorted(source_messages() - known)
    assert missing == [], "run `make translations-update` and translate: " + repr(missing)
