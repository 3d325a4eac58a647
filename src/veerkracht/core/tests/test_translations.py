"""The Dutch catalogue is complete and compiles without GNU gettext."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command

CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "nl" / "LC_MESSAGES" / "django.po"


def test_dutch_catalogue_has_no_missing_or_fuzzy_entries():
    catalogue = polib.pofile(str(CATALOGUE))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert len(catalogue) > 50
    assert untranslated == []
    assert fuzzy == []


def test_placeholders_survive_translation():
    catalogue = polib.pofile(str(CATALOGUE))
    for entry in catalogue.translated_entries():
        if entry.msgid_plural:
            assert _placeholders(entry.msgid) == _placeholders(entry.msgstr_plural[0])
            assert _placeholders(entry.msgid_plural) == _placeholders(entry.msgstr_plural[1])
        else:
            assert _placeholders(entry.msgid) == _placeholders(entry.msgstr), entry.msgid


def _placeholders(text: str) -> list[str]:
    return sorted(part.split(")")[0] for part in text.split("%(")[1:])


def test_compile_translations_writes_a_working_mo_file(tmp_path, settings):
    po_dir = tmp_path / "nl" / "LC_MESSAGES"
    po_dir.mkdir(parents=True)
    catalogue = polib.POFile()
    catalogue.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "nl"}
    catalogue.append(polib.POEntry(msgid="Test sentence", msgstr="Testzin"))
    catalogue.save(str(po_dir / "django.po"))
    settings.LOCALE_PATHS = [tmp_path]

    call_command("compile_translations", verbosity=0)

    mo = polib.mofile(str(po_dir / "django.mo"))
    assert mo.find("Test sentence").msgstr == "Testzin"


def test_dutch_is_the_default_whatever_the_browser_asks(client, db):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert response.headers["Content-Language"] == "nl"


def test_the_language_cookie_selects_english(client, db, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/")
    assert response.headers["Content-Language"] == "en"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert client.get("/").headers["Content-Language"] == "nl"
