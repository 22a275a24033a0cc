"""The translations are complete and current: every marked message is in the Dutch, Italian
and Hungarian catalogues, translated and not fuzzy; the compiled catalogues are what Django
reads; and no template shows English outside a translation tag."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from tests.conftest import missing

LOCALE = Path(settings.BASE_DIR) / "locale"
TEMPLATES = Path(settings.BASE_DIR) / "templates"
TRANSLATED = [code for code, _ in settings.LANGUAGES if not code.startswith("en")]


def catalogue(language: str):
    with open(LOCALE / language / "LC_MESSAGES" / "django.po", "rb") as po:
        return read_po(po, locale=language)


def test_the_interface_speaks_four_languages():
    assert [code for code, _ in settings.LANGUAGES] == ["en-gb", "nl", "it", "hu"]


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    po = catalogue(language)
    untranslated, fuzzy = [], []
    for message in po:
        if not message.id:
            continue  # the header
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(s.strip() for s in strings):
            untranslated.append(message.id)
        if message.fuzzy:
            fuzzy.append(message.id)
    assert not untranslated, f"{len(untranslated)} untranslated in {language}: {untranslated[:10]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy in {language}: {fuzzy[:10]}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_every_placeholder(language):
    """A translation that drops or renames %(name)s would crash or lose a fact."""
    wrong = []
    for message in catalogue(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(re.findall(r"%\(\w+\)[sd]", ids[-1]))
        for string in strings:
            if set(re.findall(r"%\(\w+\)[sd]", string)) != wanted:
                wrong.append((ids[0], string))
    assert not wrong, wrong[:5]


@pytest.mark.parametrize("language", TRANSLATED)
def test_django_reads_the_compiled_catalogue(language):
    """`make` compiles locale/*.po to .mo; a page in the language reads the translation."""
    mo = LOCALE / language / "LC_MESSAGES" / "django.mo"
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    assert mo.exists(), "run `make messages` (make test and make run do it)"
    assert mo.stat().st_mtime >= po.stat().st_mtime, "the compiled catalogue is older than its .po"
    with translation.override(language):
        assert translation.gettext("Clients") != "Clients"


def test_the_catalogues_hold_every_marked_message(tmp_path, settings, monkeypatch):
    """Extract the messages afresh (Django's makemessages) and compare: a string marked in
    the code but missing from a catalogue would reach the reader in English. It runs on a
    copy of the code, so the catalogues in the repository are never touched."""
    if shutil.which("xgettext") is None:
        missing("GNU gettext (xgettext) is not installed")
    source = tmp_path / "source"
    for part in ("config", "agency", "clients", "offboarding", "templates"):
        shutil.copytree(
            Path(settings.BASE_DIR) / part,
            source / part,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "migrations"),
        )
    (source / "locale").mkdir()
    settings.LOCALE_PATHS = [source / "locale"]
    monkeypatch.chdir(source)
    call_command("makemessages", locale=["nl"], verbosity=0, no_obsolete=True)
    with open(source / "locale" / "nl" / "LC_MESSAGES" / "django.po", "rb") as po:
        extracted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(po) if m.id}
    assert len(extracted) > 500  # the extraction itself worked
    for language in TRANSLATED:
        held = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue(language) if m.id}
        absent = sorted(extracted - held)
        assert not absent, f"{len(absent)} not in {language}'s catalogue: {absent[:10]}"


# --- Templates --------------------------------------------------------------------------

BLOCKS = [
    re.compile(r"{%\s*blocktranslate\b.*?{%\s*endblocktranslate\s*%}", re.S),
    re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.S),
    re.compile(r"<script\b.*?</script>", re.S | re.I),
    re.compile(r"<style\b.*?</style>", re.S | re.I),
    # A PDF layout's own CSS, which the base layout puts inside its <style>.
    re.compile(r"{%\s*block\s+(?:css|first_page|page_extra)\s*%}.*?{%\s*endblock", re.S),
    re.compile(r"<!--.*?-->", re.S),
    re.compile(r"{#.*?#}", re.S),
    re.compile(r"{{.*?}}", re.S),
    re.compile(r"{%.*?%}", re.S),
]
# Attributes a person sees or hears; any other attribute's value is markup.
SPOKEN = re.compile(r"""\b(?:placeholder|title|aria-label|alt|data-busy)\s*=\s*("[^"]*"|'[^']*')""")
TAG = re.compile(r"<[^>]*>", re.S)
ENTITY = re.compile(r"&#?\w+;")
WORD = re.compile(r"[^\W\d_]{2,}")
# Names that are the same in every language.
UNTRANSLATED = {"Clean", "Break", "SHA"}  # the product; SHA-256, an algorithm's name


def visible_text(source: str) -> list[str]:
    """The words of a template a reader would see that no translation tag covers."""
    for block in BLOCKS:
        source = block.sub(" ", source)
    words = []
    for value in SPOKEN.findall(source):
        words += WORD.findall(value)
    source = ENTITY.sub(" ", TAG.sub(" ", source))
    words += WORD.findall(source)
    return [w for w in words if w not in UNTRANSLATED]


def test_the_check_finds_english_outside_tags():
    page = '{% load i18n %}<h1>Clients</h1><input placeholder="Search">{% translate "Ok" %}'
    assert visible_text(page) == ["Search", "Clients"]
    covered = (
        '{% load i18n %}<h1>{% translate "Clients" %}</h1>'
        "{% blocktranslate with n=x %}{{ n }} left{% endblocktranslate %}"
        '<a href="{% url \'x\' %}" class="btn btn-primary">{{ client.name }}</a>'
    )
    assert visible_text(covered) == []


@pytest.mark.parametrize(
    "template",
    sorted(str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html")),
)
def test_templates_show_no_text_outside_translation_tags(template):
    source = (TEMPLATES / template).read_text(encoding="utf-8")
    assert visible_text(source) == []
