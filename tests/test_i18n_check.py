"""The translation check of `make lint` (crackdown/i18n_check.py): it must catch what it exists for."""

from __future__ import annotations

from pathlib import Path

from crackdown import i18n_check
from crackdown.i18n_check import check_catalogues, parse_po, template_problems

PO = """# header
msgid ""
msgstr ""
"Language: ko\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"

#: a.py
msgid "Seizure"
msgstr "압수"

#, fuzzy
msgid "Lookout"
msgstr "경계"

msgid "Untranslated"
msgstr ""

msgid ""
"A long "
"sentence"
msgstr ""
"긴 "
"문장"

msgctxt "menu"
msgid "Open"
msgstr ""

msgid "%(n)s alert"
msgid_plural "%(n)s alerts"
msgstr[0] ""

#~ msgid "Obsolete"
#~ msgstr ""
"""


def write(tmp_path: Path, language: str, text: str) -> None:
    path = tmp_path / language / "LC_MESSAGES"
    path.mkdir(parents=True)
    (path / "django.po").write_text(text, encoding="utf-8")


def test_parse_po_reads_entries_contexts_plurals_and_continuations():
    entries = {(e.msgctxt, e.msgid): e for e in parse_po(PO) if not e.is_header}
    assert entries[(None, "A long sentence")].msgstr == {0: "긴 문장"}
    assert entries[("menu", "Open")].msgstr == {0: ""}
    assert entries[(None, "%(n)s alert")].msgid_plural == "%(n)s alerts"
    assert "fuzzy" in entries[(None, "Lookout")].flags
    assert (None, "Obsolete") not in entries


def test_untranslated_fuzzy_and_empty_plural_fail(tmp_path):
    write(tmp_path, "ko", PO)
    problems = check_catalogues(["ko"], tmp_path)
    joined = "\n".join(problems)
    assert "fuzzy: 'Lookout'" in joined
    assert "untranslated: 'Untranslated'" in joined
    assert "untranslated: 'Open'" in joined
    assert "untranslated: '%(n)s alert'" in joined
    assert "Seizure" not in joined and "A long sentence" not in joined
    assert len(problems) == 4


def test_a_missing_catalogue_fails(tmp_path):
    assert check_catalogues(["th"], tmp_path) == ["locale/th/LC_MESSAGES/django.po: missing (run `make messages`)"]


def test_a_complete_catalogue_passes(tmp_path):
    write(tmp_path, "th", 'msgid ""\nmsgstr ""\n"Language: th\\n"\n\nmsgid "Seizure"\nmsgstr "การยึด"\n')
    assert check_catalogues(["th"], tmp_path) == []


def test_unmarked_text_and_read_attributes_are_found():
    source = """{% load i18n %}<h1>{% translate "Seizures" %}</h1>
<p>Nothing here yet</p>
<input placeholder="Search seizures" title="{% translate 'Search' %}">
<button aria-label="Close">×</button>"""
    found = template_problems(source)
    assert (2, "Nothing here yet") in found
    assert any(text == 'placeholder="Search seizures"' for _line, text in found)
    assert any(text == 'aria-label="Close"' for _line, text in found)
    assert len(found) == 3


def test_marked_text_tags_comments_and_scripts_pass():
    source = """{% load i18n %}{% comment %}Notes for developers{% endcomment %}{# a note #}
<p>{% blocktranslate count n=rows|length %}One row{% plural %}{{ n }} rows{% endblocktranslate %}</p>
<td>{{ seizure.reference }}</td><a class="brand" href="/">Crackdown</a> <span>12 · UTC</span>
<p>{% if box == "sent" %}{% translate "Sent" %}{% endif %}</p>
<script type="application/json">{"label": "Word"}</script>"""
    assert template_problems(source) == []


def test_text_templates_are_checked_line_by_line():
    assert template_problems("{% load i18n %}{{ alert.title }}\nOpen it here: {{ url }}\n", html=False) == [
        (2, "Open it here:")
    ]


def test_the_allow_list_stays_narrow():
    # Names that read the same in every language only; a new entry needs a reason:
    # "SHA-" (the SHA-256 hash of evidence files), "Excel" and "xlsx" (the import file format).
    assert len(i18n_check.ALLOWED) <= 13
    assert all(" " not in word for word in i18n_check.ALLOWED)


def test_the_project_templates_are_all_marked():
    assert i18n_check.check_templates() == []


def test_korean_and_thai_are_complete():
    assert check_catalogues(["ko", "th"]) == []
