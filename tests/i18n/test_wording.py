"""The agency's wording of the letter and the script: shipped in every language, filled in
the document's language, edited by managers as versions."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.conf import settings
from django.urls import reverse

from agency.errors import Refused
from offboarding.documents import wording
from offboarding.models import Wording
from offboarding.services.wording import wording_save

LANGUAGES = [code for code, _ in settings.LANGUAGES]

FACTS = wording.LetterFacts(
    agency="Northwind Digital",
    client="Kovács Kft.",
    contact="Kovács Éva",
    effective_end=dt.date(2026, 12, 2),
    contract_title="Webshop-üzemeltetés",
    contract_reference="NW-77",
    clause_ref="§ 9.2 (b)",
    notice_days=30,
    reason="fizetési megállapodásokkal kapcsolatos nézeteltérések",
    referral_name="Brightside Studio",
    lead_name="Sam Lee",
    lead_email="sam@northwind.example",
)


@pytest.mark.parametrize("kind", Wording.Kind.values)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_a_default_wording_with_known_placeholders(kind, language):
    body = wording.default_body(kind, language)
    assert wording.unknown_placeholders(kind, body) == []
    english = wording.default_body(kind, "en-gb")
    assert set(wording.PLACEHOLDER.findall(body)) == set(wording.PLACEHOLDER.findall(english))
    if language != "en-gb":
        assert body != english


@pytest.mark.parametrize(
    ("language", "date", "heading_words"),
    [
        ("en-gb", "2 December 2026", "Dear Kovács Éva"),
        ("nl", "2 december 2026", "Geachte Kovács Éva"),
        ("it", "2 dicembre 2026", "Gentile Kovács Éva"),
        ("hu", "2026. december 2.", "Tisztelt Kovács Éva"),
    ],
)
@pytest.mark.django_db
def test_the_letter_is_written_in_its_language(language, date, heading_words):
    text = wording.letter_text(FACTS, language=language)
    assert text.startswith(heading_words)
    assert date in text
    assert "§ 9.2 (b)" in text and "NW-77" in text  # the clause exactly as stored
    assert "Brightside Studio" in text
    assert "{" not in text


@pytest.mark.django_db
def test_missing_facts_leave_no_holes():
    bare = wording.LetterFacts(agency="Northwind Digital", client="Acme", reason="x")
    text = wording.letter_text(bare, language="en-gb")
    assert text.startswith("Dear Sir or Madam,")
    assert "the end of the notice period" in text
    assert "recommend" not in text
    assert "\n\n\n" not in text and " ." not in text


@pytest.mark.django_db
def test_a_manager_saves_versions_and_the_newest_is_used(manager):
    body = "Geachte {contact},\n\nWij stoppen per {date}. {referral}"
    first = wording_save(actor=manager, kind="letter", language="nl", body=body)
    assert wording.current_body("letter", "nl") == body
    assert wording_save(actor=manager, kind="letter", language="nl", body=body) is None
    second = wording_save(actor=manager, kind="letter", language="nl", body=body + "\nGroet")
    assert second.pk != first.pk
    assert Wording.objects.filter(kind="letter", language="nl").count() == 2
    assert wording.letter_text(FACTS, language="nl").startswith(
        "Geachte Kovács Éva,\n\nWij stoppen per 2 december 2026."
    )
    assert wording.current_body("letter", "it") == wording.default_body("letter", "it")


@pytest.mark.django_db
def test_an_unknown_placeholder_is_refused(manager):
    with pytest.raises(Refused, match=r"\{cleint\}"):
        wording_save(actor=manager, kind="letter", language="en-gb", body="Dear {cleint}")
    assert not Wording.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["lead", "staff"])
def test_only_managers_edit_the_wording(request, role, client):
    user = request.getfixturevalue(role)
    with pytest.raises(Refused):
        wording_save(actor=user, kind="letter", language="en-gb", body="Dear {contact}")
    client.force_login(user)
    assert client.get(reverse("offboarding:wording_list")).status_code == 403
    url = reverse("offboarding:wording_edit", args=["letter", "nl"])
    assert client.post(url, {"body": "x", "action": "save"}).status_code == 403


@pytest.mark.django_db
def test_the_editing_page_previews_without_saving_and_keeps_what_was_typed(manager, client):
    client.force_login(manager)
    url = reverse("offboarding:wording_edit", args=["letter", "it"])
    page = client.get(url)
    assert wording.default_body("letter", "it") in html.unescape(page.content.decode())

    typed = "Gentile {contact},\n\ncessiamo dal {date}."
    preview = client.post(url, {"body": typed, "action": "preview"})
    shown = html.unescape(preview.content.decode())
    assert "Gentile Alex Morgan," in shown
    preview_box = shown.split('id="preview-title"')[1].split("</section>")[0]
    assert "cessiamo dal " in preview_box and "{date}" not in preview_box
    assert not Wording.objects.exists()

    wrong = client.post(url, {"body": typed + " {cleint}", "action": "save"})
    assert "{cleint}" in html.unescape(wrong.content.decode())
    assert typed in html.unescape(wrong.content.decode())  # what was typed is kept
    assert not Wording.objects.exists()

    saved = client.post(url, {"body": typed, "action": "save"}, follow=True)
    assert Wording.objects.get().body == typed
    assert "version 1" in saved.content.decode().lower()
