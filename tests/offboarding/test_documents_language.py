"""Documents follow the client's language, the internal ones the requester's: read back from
the real PDFs (WeasyPrint, then pypdf), with dates and money as a native writes them, and
fonts that carry every letter of the four languages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from babel.dates import format_date
from babel.numbers import format_currency
from django.utils import translation
from django.utils.translation import gettext, pgettext

from offboarding import services
from offboarding.models import Deliverable, Document
from tests.factories import ContactFactory, ContractFactory

from .conftest import refreshed
from .test_documents import pdf_reader, pdf_text, render, squash

K = Document.Kind


def as_lang(language: str, message: str) -> str:
    with translation.override(language):
        return gettext(message)


@pytest.fixture
def hungarian_case(cases, acme, lead):
    """A Hungarian client whose contract names its clause; the lead works in Dutch."""
    acme.name = "Kovács és Társa Kft."
    acme.language = "hu"
    acme.currency = "HUF"
    acme.save()
    lead.language = "nl"
    lead.save()
    ContactFactory(client=acme, name="Szőke Erzsébet", receives_handover=True)
    ContractFactory(
        client=acme,
        title="Webáruház-üzemeltetés",
        reference="NW-2026/17",
        termination_clause_ref="9.2 (b)",
        notice_days=30,
    )
    case = cases.in_progress(acme)
    cases.call_plan(
        case, referral_name="Fényes Stúdió Zrt.", referral_contact="hello@fenyes.example"
    )
    return refreshed(case)


def request(case, kind, *, actor=None, **options) -> Document:
    return render(
        services.document_request(
            actor=actor or case.client.account_lead, case=case, kind=kind, **options
        )
    )


@pytest.mark.django_db
def test_a_hungarian_letter_asked_for_by_a_dutch_lead_is_hungarian(hungarian_case):
    from offboarding.documents.letter import default_letter_text, letter_reasons

    case = hungarian_case
    with translation.override("nl"):  # the lead's own pages are in Dutch
        reason = letter_reasons(case)[0][0]
        body = default_letter_text(case, reason=reason)
        letter = request(case, K.LETTER, body=body)
        dossier = request(case, K.DOSSIER)
    assert letter.language == "hu" and dossier.language == "nl"

    text = pdf_text(letter)
    end = case.contract_review.effective_end
    assert "Tisztelt Szőke Erzsébet!" in text
    assert squash(format_date(end, "long", locale="hu")) in squash(text)  # "2027. január 2."
    assert "9.2 (b)" in text and "NW-2026/17" in text  # the clause exactly as stored
    assert "Fényes Stúdió Zrt." in squash(text) or "FényesStúdióZrt." in squash(text)
    with translation.override("hu"):
        page_word = pgettext("Page 3 of 12", "Page")
    assert page_word != "Page" and f"{page_word}1/1" in squash(text)
    assert "Dear" not in text and "Geachte" not in text

    internal = pdf_text(dossier)
    assert squash(as_lang("nl", "Audit trail")) in squash(internal)
    assert squash(as_lang("nl", "Payment statement")) in squash(internal)
    assert as_lang("nl", "Audit trail") != "Audit trail"


@pytest.mark.parametrize(("language", "currency"), [("it", "EUR"), ("nl", "EUR"), ("hu", "HUF")])
@pytest.mark.django_db
def test_a_handover_reads_in_the_clients_language_with_native_dates_and_money(
    cases, acme, lead, language, currency
):
    acme.language, acme.currency = language, currency
    acme.save()
    case = cases.in_progress(acme)
    services.deliverable_save(
        actor=lead,
        case=case,
        name="Newsletter redesign",
        decision=Deliverable.Decision.CANCEL_REFUND,
        due_on=dt.date(2026, 11, 30),
        refund_amount=Decimal("1234.50"),
    )
    handover = request(refreshed(case), K.HANDOVER)

    assert handover.language == language
    text = squash(pdf_text(handover))
    for heading in ("1. Logins and credentials", "4. Ongoing projects", "Contents"):
        translated = as_lang(language, heading)
        assert translated != heading
        assert squash(translated) in text, heading
    end = case.contract_review.effective_end
    assert squash(format_date(end, "long", locale=language)) in text
    assert squash(format_currency(Decimal("1234.50"), currency, locale=language)) in text
    assert squash("1. Logins and credentials") not in text


@pytest.mark.django_db
def test_the_lead_may_pick_another_language_for_one_version(cases, acme):
    acme.language = "it"
    acme.save()
    case = cases.in_progress(acme)
    dutch = request(case, K.HANDOVER, language="nl")
    assert dutch.language == "nl"
    assert squash(as_lang("nl", "4. Ongoing projects")) in squash(pdf_text(dutch))
    assert request(case, K.HANDOVER).language == "it"  # the next one is the client's again


@pytest.mark.django_db
def test_the_call_script_is_in_the_calls_language_inside_a_brief_in_the_leads(cases, acme, lead):
    acme.language = "it"
    acme.save()
    lead.language = "hu"
    lead.save()
    case = cases.in_progress(acme)
    call = cases.call_plan(case)
    assert call.language == "it"
    assert call.script.startswith("1. Saluto")
    brief = request(refreshed(case), K.CALL_BRIEF)
    assert brief.language == "hu"
    text = squash(pdf_text(brief))
    assert squash(as_lang("hu", "Talking points")) in text
    assert squash("Saluto e scopo della telefonata") in text


@pytest.mark.django_db
def test_the_pdf_fonts_carry_every_letter_of_the_four_languages(cases, acme):
    letters = "őŐűŰáéíóöúü àèéìòù ëïéè ÀÈÉÌÒÙ"
    acme.name = f"Ügyfél {letters}"
    acme.save()
    handover = request(cases.in_progress(acme), K.HANDOVER)

    assert squash(letters) in squash(pdf_text(handover))
    fonts = set()
    for page in pdf_reader(handover).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts.add(str(font["/BaseFont"]))
            assert "/ToUnicode" in font  # text is extractable, not drawn as shapes
    assert fonts and all("DejaVu" in name for name in fonts), fonts
