"""Every word a template shows goes through the translation functions.

A template's own text (outside `{{ }}`, `{% %}` and `{# #}`) is what Babel cannot extract: a word
typed there stays English on a Russian page. This reads each template as Jinja lexes it, keeps
only that text, and looks for words in what a person sees: text between tags, and the attributes
a browser shows (placeholder, title, alt, aria-label, an option's label, a button's value).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from jinja2 import Environment

ROOT = Path(__file__).resolve().parents[2] / "templates"
SHOWN_ATTRIBUTES = {"placeholder", "title", "alt", "aria-label", "label"}
BUTTON_TYPES = {"submit", "button", "reset"}
# Two letters in a row, Latin or Cyrillic: "—", "·", "%", numbers and single letters pass.
WORD = re.compile(r"[A-Za-zА-Яа-яЁё]{2,}")
# Not for people to read: scripts, styles, and code samples (a CSV header to copy).
UNREAD = {"script", "style", "code"}


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.words: list[str] = []
        self._unread = 0

    def handle_starttag(self, tag, attrs):
        if tag in UNREAD:
            self._unread += 1
        attributes = dict(attrs)
        for name, value in attrs:
            shown = name in SHOWN_ATTRIBUTES or (
                name == "value" and tag == "input" and attributes.get("type") in BUTTON_TYPES
            )
            if shown and value and WORD.search(value):
                self.words.append(f"{tag} {name}={value!r}")

    def handle_endtag(self, tag):
        if tag in UNREAD and self._unread:
            self._unread -= 1

    def handle_data(self, data):
        if not self._unread and WORD.search(data):
            self.words.append(data.strip())


def template_text(source: str) -> str:
    """The template with every Jinja construct blanked out, and the text of blocks that fill an
    attribute (`{% block body_class %}public{% endblock %}`: a CSS class, not a word) dropped."""
    environment = Environment(extensions=["jinja2.ext.do", "jinja2.ext.i18n"])
    parts: list[str] = []
    in_class_block = False
    previous_names: list[str] = []
    for _line, kind, value in environment.lex(source):
        if kind == "name":
            previous_names.append(value)
        elif kind == "block_end":
            if previous_names[:1] == ["block"] and previous_names[-1].endswith("class"):
                in_class_block = True
            elif previous_names[:1] == ["endblock"]:
                in_class_block = False
            previous_names = []
        if kind == "data":
            parts.append("" if in_class_block else value)
        else:
            parts.append(" ")
    return "".join(parts)


def untranslated(path: Path) -> list[str]:
    scanner = _VisibleText()
    scanner.feed(template_text(path.read_text(encoding="utf-8")))
    scanner.close()
    return scanner.words


def test_the_scanner_finds_a_word_typed_into_a_template(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        '{% block body_class %}public{% endblock %}<p>{{ _("Fine") }} · 3 %</p>'
        "<input placeholder=\"{{ _('Fine') }}\"><code>sku,name</code>"
        '<button title="Save it">Save</button><input type="submit" value="Go on">'
        '<input type="radio" value="yes">'
    )
    assert untranslated(page) == ["button title='Save it'", "Save", "input value='Go on'"]


def untranslated_plain(path: Path) -> list[str]:
    """A plain-text template (a mail's body): all its own text is read."""
    text = template_text(path.read_text(encoding="utf-8"))
    return [line.strip() for line in text.splitlines() if WORD.search(line)]


def test_no_template_shows_a_word_outside_the_translation_functions():
    found = {
        str(path.relative_to(ROOT)): words
        for path in sorted(ROOT.rglob("*.html"))
        if (words := untranslated(path))
    }
    found |= {
        str(path.relative_to(ROOT)): words
        for path in sorted(ROOT.rglob("*.txt"))
        if (words := untranslated_plain(path))
    }
    assert found == {}, "wrap these in _() in the templates: " + repr(found)


def test_the_plain_text_scanner_reads_every_line(tmp_path):
    mail = tmp_path / "mail.txt"
    mail.write_text('{{ _("Hello") }}\n- {{ order.number }} · {{ when }}\nSee you soon\n')
    assert untranslated_plain(mail) == ["See you soon"]
