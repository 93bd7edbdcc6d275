"""Every word a victim reads exists in Welsh (issue 20): a string marked in a victim template or
module with no Welsh (or only a fuzzy guess) fails here, and so does visible text a victim
template forgot to mark for translation."""

import pytest
from django.utils import translation

from . import welsh


def test_the_victim_templates_are_found():
    assert "victim/base.html" in welsh.victim_templates()


def test_the_letters_a_victim_is_sent_are_victim_templates():
    """The written acknowledgement (PDF and email) and the 'your rights' summary."""
    found = welsh.victim_templates()
    for name in (
        "entitlements/letters/letter.html",
        "entitlements/letters/acknowledgement.txt",
        "entitlements/letters/your_rights.html",
    ):
        assert name in found, name


@pytest.mark.parametrize("name", list(welsh.victim_templates()))
def test_a_victim_template_marks_every_visible_word_for_translation(name):
    source = welsh.victim_templates()[name].read_text(encoding="utf-8")
    assert welsh.unmarked_text(source) == [], (
        f"{name} shows text not marked for translation: wrap it in {{% translate %}} or "
        "{% blocktranslate %}, then `make messages` and write the Welsh"
    )


@pytest.mark.parametrize("name", list(welsh.victim_templates()))
def test_every_string_of_a_victim_template_has_welsh(name):
    entries = welsh.welsh_entries()
    missing = [
        msgid
        for key in welsh.template_messages(name)
        for msgid in [key[1]]
        if key not in entries or not entries[key].translated
    ]
    assert missing == [], f"{name}: no Welsh (run `make messages`, then translate): {missing}"


@pytest.mark.parametrize("path", welsh.victim_modules(), ids=str)
def test_every_string_of_a_victim_module_has_welsh(path):
    entries = welsh.welsh_entries()
    missing = [
        key[1]
        for key in welsh.module_messages(path)
        if key not in entries or not entries[key].translated
    ]
    assert missing == [], f"{path}: no Welsh (run `make messages`, then translate): {missing}"


def test_no_string_from_a_victim_source_is_empty_or_fuzzy_in_the_welsh_file():
    sources = welsh.victim_sources()
    untranslated = [
        entry.msgid
        for entry in welsh.welsh_entries().values()
        if set(entry.references) & sources and not entry.translated
    ]
    assert untranslated == []


def test_the_compiled_welsh_is_up_to_date_with_the_po_file():
    mo = welsh.PO_FILE.with_suffix(".mo")
    assert mo.exists() and mo.stat().st_mtime >= welsh.PO_FILE.stat().st_mtime, (
        "compile the Welsh: make install"
    )
    with translation.override("cy"):
        assert translation.gettext("Leave this site quickly") == "Gadael y wefan hon yn gyflym"


def test_the_checks_catch_an_unmarked_word_and_a_missing_translation():
    """The checks themselves: they would fail on the mistakes they exist for."""
    assert welsh.unmarked_text('<p>Hello {{ name }}</p><a title="Go">{% translate "x" %}</a>') == [
        "Hello",
        'title="Go"',
    ]
    assert (
        welsh.unmarked_text(
            '{% blocktranslate %}Hi {{ n }}{% endblocktranslate %}<script src="a.js"></script>'
        )
        == []
    )
    assert ("", "A string no one translated") not in welsh.welsh_entries()
