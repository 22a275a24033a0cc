"""The four PDFs of an offboarding: what they say, what they must never say, and how
they are produced (versions, idempotent renders, real failures, retries, the sweep).

PDFs are rendered for real with WeasyPrint and read back with pypdf. Text extracted from
a PDF wraps where the layout wraps, so most checks compare text with every whitespace
removed (`squash`): a marker split over two lines is still found.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.db.models.signals import post_save
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError, PdfReadError

from agency import crypto
from agency.errors import Refused
from agency.models import AuditEvent
from clients.models import Client, Evidence, Incident
from config import celery_app
from offboarding import pipeline, services, tasks
from offboarding.documents.letter import default_letter_text, letter_reasons
from offboarding.models import Asset, CallPlan, Deliverable, Document, Offboarding
from offboarding.tasks import render_document
from tests.factories import ContactFactory, IncidentFactory, RepairAttemptFactory

from .conftest import refreshed

K = Document.Kind
DS = Document.Status

# --- Reading PDFs ------------------------------------------------------------------------


def squash(text: str) -> str:
    """The text without any whitespace: immune to where the PDF layout wrapped a line."""
    return "".join(text.split())


def pdf_reader(document: Document, password: str | None = None) -> PdfReader:
    reader = PdfReader(io.BytesIO(document.read_pdf()))
    if password is not None:
        reader.decrypt(password)
    return reader


def page_texts(document: Document, password: str | None = None) -> list[str]:
    return [page.extract_text() or "" for page in pdf_reader(document, password).pages]


def pdf_text(document: Document, password: str | None = None) -> str:
    return "\n".join(page_texts(document, password))


def render(document: Document) -> Document:
    """Render as the worker does, and return the row as stored."""
    pipeline.document_render(document_id=document.pk)
    return Document.objects.select_related("case__client").get(pk=document.pk)


def ask_for(case: Offboarding, kind: str, **options) -> Document:
    return services.document_request(
        actor=case.client.account_lead, case=case, kind=kind, **options
    )


def request_and_render(case: Offboarding, kind: str, **options) -> Document:
    return render(ask_for(case, kind, **options))


# --- The case the documents are about -----------------------------------------------------

CREDENTIALS = [
    (f"System {name}", f"user.{i:02d}@acme.example", f"Pw{i:02d}-{token}")
    for i, (name, token) in enumerate(
        [
            ("Google Ads", "q7Lm"),
            ("Meta Business", "zR4k"),
            ("Hosting panel", "t9Wx"),
            ("Domain registrar", "b3Np"),
            ("WordPress admin", "h8Jd"),
            ("Analytics", "v2Qs"),
            ("Mailchimp", "k5Tz"),
            ("GitHub", "m1Yc"),
            ("Figma", "p6Fr"),
            ("LinkedIn page", "w4Ge"),
            ("Cloudflare", "c0Ua"),
            ("Search Console", 'x<&">y'),  # markup characters must survive, escaped
        ],
        start=1,
    )
]
ASSETS = [
    ("Main website acme-rockets.example", Asset.Kind.WEBSITE),
    ("Careers microsite", Asset.Kind.WEBSITE),
    ("Launch landing site", Asset.Kind.WEBSITE),
    ("acme-rockets.example", Asset.Kind.DOMAIN),
    ("acmerockets.shop", Asset.Kind.DOMAIN),
    ("Google Ads account 123-456-7890", Asset.Kind.AD_ACCOUNT),
    ("Meta ads account Acme", Asset.Kind.AD_ACCOUNT),
    ("Repository acme/website", Asset.Kind.REPOSITORY),
    ("Repository acme/landing", Asset.Kind.REPOSITORY),
    ("Brand guidelines Figma file", Asset.Kind.DESIGN),
    ("Icon set source files", Asset.Kind.DESIGN),
    ("GA4 property Acme", Asset.Kind.ANALYTICS),
    ("Instagram @acmerockets", Asset.Kind.SOCIAL),
    ("LinkedIn company page", Asset.Kind.SOCIAL),
    ("Print brochure templates", Asset.Kind.OTHER),
]
PROJECTS = [
    ("Spring campaign landing page", Deliverable.Decision.HAND_OVER),
    ("Newsletter redesign", Deliverable.Decision.CANCEL_REFUND),
    ("Product photo retouching", Deliverable.Decision.FINISH),
]


@pytest.fixture
def handover_case(cases, acme, lead):
    """In progress, with 12 credentials, 15 assets of 8 kinds and 3 deliverables."""
    ContactFactory(client=acme, name="Hanna Receiver", receives_handover=True)
    case = cases.in_progress(acme)
    for system, username, secret in CREDENTIALS:
        services.credential_save(
            actor=lead,
            case=case,
            system=system,
            username=username,
            secret=secret,
            url=f"https://{system.split()[1].lower()}.example/login",
            recovery_note="Recovery codes in the shared vault",
        )
    for name, kind in ASSETS:
        services.asset_save(actor=lead, case=case, name=name, kind=kind, location="on file")
    for name, decision in PROJECTS:
        services.deliverable_save(
            actor=lead,
            case=case,
            name=name,
            decision=decision,
            due_on=dt.date(2026, 11, 30),
            refund_amount=0 if decision == Deliverable.Decision.CANCEL_REFUND else None,
        )
    services.handover_instructions_save(
        actor=lead,
        case=case,
        text="Log in with each account below.\n\n- Change the password\n- Move the 2FA",
    )
    return refreshed(case)


# --- Handover ------------------------------------------------------------------------------


def test_handover_lists_every_credential_asset_and_project(handover_case):
    document = request_and_render(handover_case, K.HANDOVER)

    text = squash(pdf_text(document))
    for system, username, secret in CREDENTIALS:
        assert squash(system) in text
        assert username in text
        assert squash(secret) in text, secret
    for name, _kind in ASSETS:
        assert squash(name) in text, name
    for name, _decision in PROJECTS:
        assert squash(name) in text, name
    for kind in {kind for _name, kind in ASSETS}:
        assert squash(Asset.Kind(kind).label) in text
    assert "Hanna Receiver" in pdf_text(document)
    assert "delivered separately" not in pdf_text(document)


def test_handover_prints_each_field_of_a_login_on_its_own_line(handover_case, lead):
    # One block per login with newline-separated fields (white-space: pre-line): the
    # template's line breaks are the layout, and a note's own line breaks are kept.
    services.credential_save(
        actor=lead,
        case=handover_case,
        system="Zendesk",
        username="support@acme.example",
        secret="Zd-77-secret",
        url="https://acme.zendesk.example",
        recovery_note="Backup codes in the vault\nPhone: the office mobile",
    )
    document = request_and_render(handover_case, K.HANDOVER)

    lines = [line.strip() for line in pdf_text(document).splitlines()]
    start = lines.index(f"{len(CREDENTIALS) + 1}. Zendesk")
    assert lines[start + 1 : start + 6] == [
        "Address: https://acme.zendesk.example",
        "Username: support@acme.example",
        "Password / secret: Zd-77-secret",
        "2FA / recovery: Backup codes in the vault",
        "Phone: the office mobile",
    ]


def test_handover_numbers_every_page_page_x_of_n(handover_case):
    document = request_and_render(handover_case, K.HANDOVER)

    texts = page_texts(document)
    total = len(texts)
    assert total > 2  # 12 credentials and 15 assets do not fit on a cover and one page
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {total}" in text


def test_handover_cover_shows_version_and_effective_end(handover_case):
    request_and_render(handover_case, K.HANDOVER)
    document = request_and_render(handover_case, K.HANDOVER)

    end = handover_case.review.effective_end
    cover = page_texts(document)[0]
    assert document.version == 2
    assert "Version 2" in cover
    assert f"{end.day} {end:%B %Y}" in cover  # e.g. "31 December 2026"
    assert "Our collaboration ends on" in cover


def test_handover_without_secrets_prints_none_and_says_delivered_separately(handover_case):
    document = request_and_render(handover_case, K.HANDOVER, omit_secrets=True)

    raw = pdf_text(document)
    text = squash(raw)
    assert document.omit_secrets
    for system, username, secret in CREDENTIALS:
        assert squash(secret) not in text, secret
        assert username in text  # the login itself is still handed over
    assert "delivered separately" in raw
    # Each secret and each recovery note (they can hold backup codes) is marked.
    assert "Recovery codes in the shared vault" not in raw
    assert raw.count("delivered separately") >= 2 * len(CREDENTIALS)


def test_rendered_handover_record_matches_its_file(handover_case):
    before = timezone.now()
    document = request_and_render(handover_case, K.HANDOVER)

    data = document.read_pdf()
    assert document.status == DS.READY
    assert document.error == ""
    assert data.startswith(b"%PDF-")
    assert document.size == len(data)
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.page_count == len(PdfReader(io.BytesIO(data)).pages)
    assert document.started_at is not None and document.finished_at is not None
    assert before <= document.started_at <= document.finished_at <= timezone.now()
    assert document.attempts == 1
    assert document.file.name.startswith(f"documents/{handover_case.pk}/")


def overflowing_text(document: Document) -> list[str]:
    """Text laid out past the right edge of the page body: cut off in the printed PDF.

    Reads WeasyPrint's own layout of the document's HTML (its page boxes), the one thing
    that knows where every line ends; the running headers and footers are left out.
    """
    from django.conf import settings
    from weasyprint import HTML

    from offboarding.documents.render import render_html

    def boxes(box):
        yield box
        for child in getattr(box, "children", None) or []:
            if type(child).__name__ != "MarginBox":
                yield from boxes(child)

    rendered = HTML(string=render_html(document), base_url=str(settings.BASE_DIR)).render()
    cut = []
    for number, page in enumerate(rendered.pages, start=1):
        body = page._page_box
        right_edge = body.content_box_x() + body.width
        for box in boxes(body):
            if type(box).__name__ == "TextBox" and box.position_x + box.width > right_edge + 1:
                cut.append(f"page {number}: {box.text[:50]}")
    return cut


LONG_TOKEN = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9" * 5  # 180 characters, no break opportunity
LONG_URL = "https://business.facebook.com/settings/partners?business_id=1234567890123456" + (
    "&asset_id=9876543210987654" * 3
)


def test_stored_file_is_encrypted_at_rest_and_decrypts_to_the_pdf(handover_case):
    # A handover holds every password: on disk (and in backups of the media folder) it is
    # a Fernet token under CLEANBREAK_ENCRYPTION_KEYS, never a readable PDF.
    document = request_and_render(handover_case, K.HANDOVER)

    stored = Path(document.file.path).read_bytes()
    assert not stored.startswith(b"%PDF")
    assert b"%PDF" not in stored
    with pytest.raises(PdfReadError):
        PdfReader(io.BytesIO(stored))
    assert hashlib.sha256(stored).hexdigest() != document.sha256
    pdf = crypto.decrypt_bytes(stored)
    assert pdf == document.read_pdf()
    assert hashlib.sha256(pdf).hexdigest() == document.sha256
    assert CREDENTIALS[0][2] in squash(
        "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    )


def test_long_credential_and_asset_values_wrap_inside_the_page(handover_case, lead):
    services.credential_save(
        actor=lead,
        case=handover_case,
        system="Service account key",
        username="marketing-operations-and-digital-transformation@acme-rockets-holdings.example",
        secret=LONG_TOKEN,
        url=LONG_URL,
        recovery_note="Backup codes: " + LONG_TOKEN,
    )
    services.asset_save(
        actor=lead,
        case=handover_case,
        name="https://docs.google.com/document/d/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789/edit",
        kind=Asset.Kind.DESIGN,
        location=LONG_URL,
    )
    document = request_and_render(handover_case, K.HANDOVER)

    assert overflowing_text(document) == []
    text = squash(pdf_text(document))
    assert LONG_TOKEN in text
    assert LONG_URL in text


def test_long_links_in_instructions_referral_and_letter_wrap_inside_the_page(
    handover_case, lead, cases
):
    services.handover_instructions_save(
        actor=lead,
        case=handover_case,
        text=f"Accept our partner request at {LONG_URL}.\n\n- Then open {LONG_URL}",
    )
    cases.call_plan(handover_case, referral_name="Blue Fox Studio", referral_contact=LONG_URL)
    handover = request_and_render(handover_case, K.HANDOVER)
    letter = request_and_render(
        handover_case, K.LETTER, body=f"Dear Hanna,\n\nPlease accept {LONG_URL} first."
    )

    assert (overflowing_text(handover), overflowing_text(letter)) == ([], [])


# --- Passphrase ----------------------------------------------------------------------------

PASSPHRASE = "tell-them-by-phone-42"


def raw_passphrase_column(document: Document) -> str:
    table = connection.ops.quote_name(Document._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT passphrase FROM {table} WHERE id = %s", [document.pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_protected_handover_is_encrypted_and_opens_only_with_the_passphrase(handover_case):
    document = ask_for(handover_case, K.HANDOVER, passphrase=PASSPHRASE)
    assert document.protected
    document = render(document)

    reader = pdf_reader(document)
    assert reader.is_encrypted
    with pytest.raises(FileNotDecryptedError):
        reader.pages[0].extract_text()  # nothing readable without the passphrase

    wrong = pdf_reader(document)
    assert not wrong.decrypt("not-the-passphrase")  # PasswordType.NOT_DECRYPTED == 0
    with pytest.raises(FileNotDecryptedError):
        wrong.pages[0].extract_text()

    right = pdf_reader(document)
    assert right.decrypt(PASSPHRASE)
    text = squash("\n".join(page.extract_text() for page in right.pages))
    assert squash(CREDENTIALS[0][2]) in text
    assert "protectedwithapassphrase" in text
    assert document.page_count == len(right.pages)


def test_passphrase_is_erased_from_the_database_after_the_render(handover_case):
    document = ask_for(handover_case, K.HANDOVER, passphrase=PASSPHRASE)
    stored = raw_passphrase_column(document)
    assert stored  # kept until the render, ...
    assert PASSPHRASE not in stored  # ... encrypted at rest

    document = render(document)

    assert raw_passphrase_column(document) in ("", None)
    assert document.passphrase == ""
    assert document.protected  # the record still says the file is protected


def test_passphrase_shorter_than_eight_characters_is_refused(handover_case):
    with pytest.raises(Refused, match="at least 8 characters"):
        ask_for(handover_case, K.HANDOVER, passphrase="short")
    assert not handover_case.documents.exists()


# --- Letter --------------------------------------------------------------------------------

EDITED_LINE = "We add a personal word: thank you, Hanna, for the Tuesday calls."


@pytest.fixture
def letter_body(handover_case):
    reason = letter_reasons(handover_case)[0][0]
    return default_letter_text(handover_case, reason=reason) + "\n\n" + EDITED_LINE


def test_letter_quotes_effective_date_and_clause_and_keeps_the_edited_body(
    handover_case, letter_body
):
    document = request_and_render(handover_case, K.LETTER, body=letter_body)

    review = handover_case.review
    end = review.effective_end
    raw = pdf_text(document)
    text = squash(raw)
    assert document.body == letter_body
    assert squash(f"with effect from {end.day} {end:%B %Y}") in text
    assert squash(f"clause {review.contract.termination_clause_ref}") in text
    assert squash(review.contract.reference) in text
    assert squash(EDITED_LINE) in text
    assert "Hanna Receiver" in raw  # the handover contact is addressed


def test_letter_versions_keep_their_own_wording(handover_case, letter_body):
    first = request_and_render(handover_case, K.LETTER, body=letter_body)
    second = request_and_render(handover_case, K.LETTER, body="A much shorter second draft.")

    first.refresh_from_db()
    assert (first.version, second.version) == (1, 2)
    assert first.body == letter_body
    assert squash(EDITED_LINE) in squash(pdf_text(first))
    assert "A much shorter second draft." in pdf_text(second)
    assert squash(EDITED_LINE) not in squash(pdf_text(second))


def test_letter_needs_its_wording(handover_case):
    with pytest.raises(Refused, match="wording"):
        ask_for(handover_case, K.LETTER, body="   ")


# --- Internal documents --------------------------------------------------------------------


def test_dossier_says_internal_on_every_page(cases, acme, lead):
    for n in range(30):  # enough incidents for several pages
        IncidentFactory(client=acme, title=f"Incident number {n}", description="Long. " * 40)
    case = cases.in_progress(acme)

    document = request_and_render(case, K.DOSSIER)

    texts = page_texts(document)
    assert len(texts) >= 3
    assert document.page_count == len(texts)
    for number, text in enumerate(texts, start=1):
        assert "Internal" in text, f"page {number} is not marked Internal"
        assert f"Page {number} of {len(texts)}" in text


def test_refused_requests_are_summarised_not_listed_in_the_dossier(client, cases, acme, outsider):
    case = cases.in_progress(acme)
    client.force_login(outsider)
    for n in range(40):  # the same two pages, again and again
        client.get(reverse("offboarding:detail", args=[case.pk]) + f"?n={n}")
        client.get(reverse("offboarding:history", args=[case.pk]), {"page": n})
    refused = AuditEvent.objects.filter(case_id=case.pk, action=AuditEvent.Action.ACCESS_DENIED)
    assert refused.exists()

    document = request_and_render(case, K.DOSSIER)

    text = squash(pdf_text(document))
    assert squash(f"Refused attempts to open this case: {refused.count()}") in text
    assert squash("Refused GET") not in text
    assert document.page_count <= 3


def test_dossier_puts_the_incidents_the_proposal_cites_first_and_marks_them(cases, acme):
    IncidentFactory(
        client=acme, title="Older complaint about tone", occurred_on=dt.date(2026, 1, 5)
    )
    cited = IncidentFactory(client=acme, title="Abusive call with the team")
    case = cases.in_progress(acme, incidents=[cited])

    text = pdf_text(request_and_render(case, K.DOSSIER))

    assert "Incidents (2, 1 cited in the proposal)" in text
    assert text.index("Abusive call with the team") < text.index("Older complaint about tone")
    cited_line = next(line for line in text.splitlines() if "Abusive call" in line)
    assert cited_line.startswith("CITED")
    other_line = next(line for line in text.splitlines() if "Older complaint" in line)
    assert "CITED" not in other_line


def test_call_brief_contains_the_script_and_is_marked_internal(working_case, cases):
    call = cases.call_plan(
        working_case, talking_points="- Thank them\n- Name the end date", referral_name="Blue Fox"
    )
    assert call.script.strip()

    document = request_and_render(working_case, K.CALL_BRIEF)

    texts = page_texts(document)
    text = squash("\n".join(texts))
    assert squash(call.script) in text
    assert "Thankthem" in text
    assert "BlueFox" in text
    assert all("Internal" in page for page in texts)


# --- Nothing internal reaches the client ------------------------------------------------

LEAK_FIELDS = (
    "incident-title",
    "incident-description",
    "withdrawn-title",
    "withdrawn-reason",
    "evidence-name",
    "client-notes",
    "client-risk",
    "case-summary",
    "no-incident-justification",
    "decision-comment",
    "repair_attempt-description",
    "review-notes",
    "credential-notes",
    "talking-points",
    "script",
    "pushback",
    "commitments",
    "close-reason",
)


def leak(field: str) -> str:
    return f"LEAK-7731-{field}"


@pytest.fixture
def leaky_case(cases, acme, lead, manager):
    """A case whose every internal field carries a marker the client must never read."""
    Client.objects.filter(pk=acme.pk).update(
        notes=leak("client-notes"), risk_explanation=leak("client-risk")
    )
    ContactFactory(client=acme, name="Hanna Receiver", receives_handover=True)
    incident = IncidentFactory(
        client=acme,
        category=Incident.Category.ABUSIVE,
        title=leak("incident-title"),
        description=leak("incident-description"),
    )
    withdrawn = IncidentFactory(
        client=acme,
        category=Incident.Category.LATE_PAYMENT,
        title=leak("withdrawn-title"),
        description="Paid after all.",
        state=Incident.State.WITHDRAWN,
        withdrawn_reason=leak("withdrawn-reason"),
    )
    Evidence.objects.create(
        incident=incident,
        file=ContentFile(b"hello", name="evidence.eml"),
        original_name=leak("evidence-name") + ".eml",
        content_type="message/rfc822",
        size=5,
        sha256=hashlib.sha256(b"hello").hexdigest(),
        uploaded_by=lead,
    )
    repair = RepairAttemptFactory(client=acme, description=leak("repair_attempt-description"))
    case = services.offboarding_open(
        actor=lead,
        client=acme,
        summary=leak("case-summary"),
        timing=Offboarding.Timing.WITH_NOTICE,
        incidents=[incident, withdrawn],
        repair_attempts=[repair],
        no_incident_justification=leak("no-incident-justification"),
    )
    services.offboarding_submit(actor=lead, case=case)
    services.offboarding_approve(actor=manager, case=case, comment=leak("decision-comment"))
    cases.review(case, notes=leak("review-notes"))
    cases.call_plan(
        case,
        talking_points=leak("talking-points"),
        script=leak("script"),
        referral_name="Blue Fox Studio",
    )
    services.call_outcome_record(
        actor=lead,
        case=case,
        held=CallPlan.Held.HELD,
        held_at=timezone.now() - dt.timedelta(hours=1),
        reaction=CallPlan.Reaction.UPSET,
        commitments=leak("commitments"),
        pushback=leak("pushback"),
    )
    services.credential_save(
        actor=lead,
        case=case,
        system="Google Ads",
        username="ads@acme.example",
        secret="Pw-visible-1",
        notes=leak("credential-notes"),
    )
    services.asset_save(actor=lead, case=case, name="Main website", kind=Asset.Kind.WEBSITE)
    services.deliverable_save(
        actor=lead, case=case, name="Spring page", decision=Deliverable.Decision.HAND_OVER
    )
    # Not set by the services on an open case, but internal wherever it is set.
    Offboarding.objects.filter(pk=case.pk).update(close_reason=leak("close-reason"))
    return refreshed(case)


def _leaks(text: str) -> list[str]:
    text = squash(text)
    return [field for field in LEAK_FIELDS if leak(field) in text]


def test_no_internal_text_reaches_the_handover_or_the_letter(leaky_case):
    handover = request_and_render(leaky_case, K.HANDOVER)
    reason = letter_reasons(leaky_case)[0][0]
    body = default_letter_text(leaky_case, reason=reason)
    letter = request_and_render(leaky_case, K.LETTER, body=body)

    handover_text, letter_text = pdf_text(handover), pdf_text(letter)
    # The documents did render what they should: the check below is not vacuous.
    assert "Pw-visible-1" in handover_text and "Main website" in handover_text
    assert "BlueFoxStudio" in squash(handover_text) and "BlueFoxStudio" in squash(letter_text)
    assert "Hanna Receiver" in letter_text
    assert _leaks(body) == []
    assert _leaks(handover_text) == []
    assert _leaks(letter_text) == []
    assert "LEAK" not in handover_text + letter_text
    for document in (handover, letter):  # nor in the PDF's own metadata
        metadata = " ".join(str(v) for v in (pdf_reader(document).metadata or {}).values())
        assert "LEAK" not in metadata


def test_the_dossier_does_carry_the_internal_record(leaky_case):
    dossier = request_and_render(leaky_case, K.DOSSIER)

    found = set(_leaks(pdf_text(dossier)))
    assert {
        "incident-title",
        "incident-description",
        "withdrawn-reason",
        "evidence-name",
        "case-summary",
        "decision-comment",
        "repair_attempt-description",
        "review-notes",
        "pushback",
        "commitments",
    } <= found


def test_call_brief_carries_the_internal_call_notes(leaky_case):
    brief = request_and_render(leaky_case, K.CALL_BRIEF)

    assert {"talking-points", "script"} <= set(_leaks(pdf_text(brief)))


# --- Versions and idempotency --------------------------------------------------------------


def test_each_request_is_a_new_version_with_its_own_download_name(handover_case):
    first = request_and_render(handover_case, K.HANDOVER)
    second = request_and_render(handover_case, K.HANDOVER)
    letter = request_and_render(handover_case, K.LETTER, body="Short letter.")

    assert (first.version, second.version, letter.version) == (1, 2, 1)
    assert first.download_name == "handover-acme-rockets-v1.pdf"
    assert second.download_name == "handover-acme-rockets-v2.pdf"
    assert letter.download_name == "termination-letter-acme-rockets-v1.pdf"
    assert first.file.name != second.file.name
    assert Path(first.file.path).exists() and Path(second.file.path).exists()
    assert "Version 1" in page_texts(first)[0] and "Version 2" in page_texts(second)[0]
    requested = AuditEvent.objects.filter(
        case_id=handover_case.pk, object_type="document", action="created"
    )
    assert requested.count() == 3


def test_rendering_a_ready_document_again_changes_nothing(handover_case):
    document = request_and_render(handover_case, K.HANDOVER)
    data = Path(document.file.path).read_bytes()

    again = pipeline.document_render(document_id=document.pk)
    stored = Document.objects.get(pk=document.pk)

    assert again.status == DS.READY
    for field in ("file", "sha256", "size", "page_count", "finished_at", "started_at", "attempts"):
        assert getattr(stored, field) == getattr(document, field), field
    assert Path(stored.file.path).read_bytes() == data


def test_a_render_left_half_done_by_a_killed_worker_completes_exactly_once(handover_case):
    document = ask_for(handover_case, K.HANDOVER)
    killed_at = timezone.now() - dt.timedelta(minutes=5)
    Document.objects.filter(pk=document.pk).update(
        status=DS.RENDERING, started_at=killed_at, attempts=1
    )

    first = render(document)
    second = render(document)

    assert first.status == DS.READY
    assert first.attempts == 2
    assert first.started_at > killed_at
    for field in ("file", "sha256", "finished_at", "attempts"):
        assert getattr(second, field) == getattr(first, field), field
    folder = Path(first.file.path).parent
    assert sorted(p.name for p in folder.iterdir()) == [Path(first.file.name).name]


def test_render_of_a_missing_document_is_a_no_op(db):
    assert pipeline.document_render(document_id=999_999) is None
    assert render_document.apply(args=[999_999]).get() == "gone"


# --- Failure and retry, for real -----------------------------------------------------------


@pytest.fixture
def broken_media(settings, tmp_path):
    """MEDIA_ROOT below a regular file: creating the documents folder fails with an OSError."""
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("I am a file, not a folder")
    settings.MEDIA_ROOT = blocker / "media"
    return settings


@pytest.fixture
def retries_in_process(monkeypatch):
    """Let an eager task retry in-process, as a worker would, instead of raising `Retry`.

    With `task_eager_propagates` on (the project's setting), Celery re-raises the `Retry`
    of an eagerly applied task to the caller; a worker would run the retries instead.
    """
    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", False)


def test_a_failing_disk_fails_the_document_with_the_error(
    handover_case, broken_media, retries_in_process
):
    document = ask_for(handover_case, K.HANDOVER)

    result = render_document.apply(args=[document.pk])

    document.refresh_from_db()
    assert result.get() == "failed"
    assert document.status == DS.FAILED
    assert document.error.startswith("NotADirectoryError")
    assert "not-a-dir" in document.error
    # Applied in-process (eagerly) there is no worker to wait for a retry: it fails at
    # once. A worker retries with backoff (tests/offboarding/test_worker.py).
    assert document.attempts == 1
    assert document.finished_at is not None
    assert not document.file


def test_a_transient_failure_in_eager_mode_ends_failed_not_stuck_rendering(
    handover_case, broken_media, django_capture_on_commit_callbacks
):
    """No broker configured: the render runs in-process on commit, as in development."""
    with django_capture_on_commit_callbacks(execute=True):
        document = ask_for(handover_case, K.HANDOVER)

    document.refresh_from_db()
    assert document.status == DS.FAILED
    assert document.error.startswith("NotADirectoryError")


def test_a_failed_document_shows_its_error_and_renders_after_a_retry(
    handover_case, broken_media, tmp_path, lead, client, django_capture_on_commit_callbacks
):
    document = ask_for(handover_case, K.HANDOVER)
    render_document.apply(args=[document.pk], retries=render_document.max_retries)
    document.refresh_from_db()
    assert document.status == DS.FAILED
    assert document.attempts == 1  # the last try: no retry left

    client.force_login(lead)
    panel = client.get(reverse("offboarding:documents", args=[handover_case.pk])).content.decode()
    assert "Failed" in panel
    assert "NotADirectoryError" in panel
    assert reverse("offboarding:document_retry", args=[handover_case.pk, document.pk]) in panel

    broken_media.MEDIA_ROOT = tmp_path / "media-fixed"
    with django_capture_on_commit_callbacks(execute=True):
        services.document_retry(actor=lead, document=document)

    document.refresh_from_db()
    assert document.status == DS.READY
    assert document.error == ""
    assert Path(document.file.path).is_relative_to(tmp_path / "media-fixed")
    assert document.sha256 == hashlib.sha256(document.read_pdf()).hexdigest()
    assert AuditEvent.objects.filter(case_id=handover_case.pk, summary__contains="retried").exists()


def test_a_template_error_fails_at_once_without_retries(handover_case):
    """Not transient: the same render would fail again, so the task does not retry it."""
    document = ask_for(handover_case, K.HANDOVER)
    Document.objects.filter(pk=document.pk).update(kind="no-such-kind")

    assert render_document.apply(args=[document.pk]).get() == "failed"

    document.refresh_from_db()
    assert document.status == DS.FAILED
    assert document.attempts == 1
    assert document.error.startswith("KeyError")


def test_a_failed_protected_document_cannot_be_retried(handover_case, broken_media, lead):
    document = ask_for(handover_case, K.HANDOVER, passphrase=PASSPHRASE)
    render_document.apply(args=[document.pk], retries=render_document.max_retries)
    document.refresh_from_db()
    assert document.status == DS.FAILED
    assert raw_passphrase_column(document) in ("", None)  # not kept past the last try

    with pytest.raises(Refused, match="export it again"):
        services.document_retry(actor=lead, document=document)

    document.refresh_from_db()
    assert document.status == DS.FAILED


def test_a_redelivered_render_never_writes_a_protected_handover_in_clear(
    handover_case, broken_media, tmp_path
):
    document = ask_for(handover_case, K.HANDOVER, passphrase=PASSPHRASE)
    render_document.apply(args=[document.pk], retries=render_document.max_retries)
    document.refresh_from_db()
    assert document.status == DS.FAILED and document.protected

    # The disk is back and the broker hands the same message over again (acks_late: the
    # worker died after recording the failure, before acknowledging the message).
    broken_media.MEDIA_ROOT = tmp_path / "media-back"
    render_document.apply(args=[document.pk])

    document.refresh_from_db()
    in_clear = [
        path
        for path in (tmp_path / "media-back").rglob("*.pdf")
        if not PdfReader(path).is_encrypted
    ]
    assert in_clear == []
    assert document.status == DS.FAILED


def test_a_copy_that_loses_the_race_leaves_the_recorded_file_alone(handover_case):
    document = ask_for(handover_case, K.HANDOVER, passphrase=PASSPHRASE)
    overtaken: list[Document | None] = []

    def second_worker_finishes_first(sender, instance, **kwargs):
        """Right after this copy claimed the row, another copy renders it to the end."""
        if instance.pk == document.pk and instance.status == DS.RENDERING and not overtaken:
            overtaken.append(None)  # once: the other copy's own claim does not recurse
            overtaken[0] = pipeline.document_render(document_id=document.pk)

    post_save.connect(second_worker_finishes_first, sender=Document)
    try:
        stored = render(document)
    finally:
        post_save.disconnect(second_worker_finishes_first, sender=Document)

    assert overtaken and overtaken[0].status == DS.READY
    data = stored.read_pdf()
    assert stored.sha256 == overtaken[0].sha256
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.size == len(data)


def test_retry_of_a_document_that_did_not_fail_does_nothing(handover_case, lead):
    document = request_and_render(handover_case, K.HANDOVER)

    again = services.document_retry(actor=lead, document=document)

    assert again.status == DS.READY
    assert again.finished_at == document.finished_at


def test_only_the_lead_and_managers_retry(handover_case, broken_media, staff):
    document = ask_for(handover_case, K.HANDOVER)
    render_document.apply(args=[document.pk], retries=render_document.max_retries)

    with pytest.raises(Refused, match="lead and managers"):
        services.document_retry(actor=staff, document=document)


# --- Gating --------------------------------------------------------------------------------


def test_letter_is_refused_before_the_contract_review(approved_case):
    with pytest.raises(Refused, match="contract review"):
        ask_for(approved_case, K.LETTER, body="Dear client, ...")
    assert not approved_case.documents.exists()


def test_no_termination_letter_for_a_cancelled_offboarding(working_case, manager):
    services.offboarding_cancel(actor=manager, case=working_case, reason="They fixed it.")

    with pytest.raises(Refused):
        ask_for(working_case, K.LETTER, body="Dear client, we end our collaboration.")


def test_no_handover_for_a_cancelled_offboarding(working_case, manager):
    services.offboarding_cancel(actor=manager, case=working_case, reason="They fixed it.")

    with pytest.raises(Refused, match="once the case is approved"):
        ask_for(working_case, K.HANDOVER)


def test_call_brief_is_refused_before_a_call_plan(working_case, cases):
    with pytest.raises(Refused, match="Plan the call first"):
        ask_for(working_case, K.CALL_BRIEF)

    cases.call_plan(working_case)
    assert ask_for(working_case, K.CALL_BRIEF).version == 1


@pytest.mark.parametrize("status", ["draft_case", "proposed_case"])
def test_handover_is_refused_before_approval(request, status):
    case = request.getfixturevalue(status)
    with pytest.raises(Refused, match="once the case is approved"):
        services.document_request(actor=case.client.account_lead, case=case, kind=K.HANDOVER)
    assert not case.documents.exists()


def test_dossier_is_refused_on_a_draft(draft_case):
    with pytest.raises(Refused, match="Submit the proposal first"):
        ask_for(draft_case, K.DOSSIER)


def test_staff_cannot_produce_documents(working_case, staff):
    with pytest.raises(Refused, match="lead and managers"):
        services.document_request(actor=staff, case=working_case, kind=K.HANDOVER)


def test_completion_needs_a_ready_handover(ready_case, lead):
    ready_case.documents.filter(kind=K.HANDOVER).update(status=DS.FAILED)

    with pytest.raises(Refused, match="export the handover PDF") as refused:
        services.offboarding_complete(actor=lead, case=ready_case)
    assert str(refused.value.message) == (
        "Still to do before completing: export the handover PDF (after its contents are complete)."
    )

    pending = ask_for(ready_case, K.HANDOVER)  # queued is not enough
    with pytest.raises(Refused, match="export the handover PDF"):
        services.offboarding_complete(actor=lead, case=ready_case)

    render(pending)
    case = services.offboarding_complete(actor=lead, case=ready_case)
    assert case.status == Offboarding.Status.COMPLETED


# --- The sweep for documents that never reached a worker -----------------------------------


def test_sweep_hands_over_documents_stuck_in_queued(handover_case):
    stuck = ask_for(handover_case, K.HANDOVER)
    recent = ask_for(handover_case, K.DOSSIER)
    Document.objects.filter(pk=stuck.pk).update(
        requested_at=timezone.now() - dt.timedelta(minutes=10)
    )
    assert Document.objects.filter(status=DS.QUEUED, enqueued_at=None).count() == 2

    assert tasks.sweep_queued_documents(older_than_seconds=120) == 1

    stuck.refresh_from_db()
    recent.refresh_from_db()
    assert stuck.status == DS.READY  # the eager worker rendered it
    assert recent.status == DS.QUEUED and recent.enqueued_at is None
    assert tasks.sweep_queued_documents(older_than_seconds=120) == 0


def test_sweep_hands_over_a_queued_document_the_broker_lost(handover_case):
    lost = ask_for(handover_case, K.HANDOVER)
    sent = ask_for(handover_case, K.DOSSIER)
    now = timezone.now()
    Document.objects.filter(pk=lost.pk).update(enqueued_at=now - dt.timedelta(hours=1))
    Document.objects.filter(pk=sent.pk).update(
        enqueued_at=now - dt.timedelta(minutes=5), requested_at=now - dt.timedelta(minutes=5)
    )

    assert tasks.sweep_queued_documents(older_than_seconds=120) == 1

    lost.refresh_from_db()
    sent.refresh_from_db()
    assert lost.status == DS.READY
    assert sent.status == DS.QUEUED


def test_sweep_task_returns_the_count(handover_case):
    stuck = ask_for(handover_case, K.HANDOVER)
    Document.objects.filter(pk=stuck.pk).update(
        requested_at=timezone.now() - dt.timedelta(minutes=10)
    )
    from offboarding.tasks import sweep_queued_documents

    assert sweep_queued_documents.apply(kwargs={"older_than_seconds": 60}).get() == 1
    stuck.refresh_from_db()
    assert stuck.status == DS.READY


def test_request_hands_the_render_to_a_worker_on_commit(
    handover_case, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        document = ask_for(handover_case, K.HANDOVER)
    assert len(callbacks) == 1

    document.refresh_from_db()
    assert document.status == DS.READY


def test_completion_refuses_a_handover_exported_before_the_last_change(ready_case, lead):
    assert ready_case.documents.filter(kind=K.HANDOVER, status=DS.READY).exists()
    # A login added after the export: the exported PDF lacks it.
    services.credential_save(
        actor=lead, case=ready_case, system="Mailchimp", username="news@acme.example", secret="s3"
    )
    services.handover_complete(actor=lead, case=ready_case)
    with pytest.raises(Refused, match="export the handover PDF"):
        services.offboarding_complete(actor=lead, case=ready_case)

    request_and_render(ready_case, K.HANDOVER)
    case = services.offboarding_complete(actor=lead, case=ready_case)
    assert case.status == Offboarding.Status.COMPLETED


def test_changed_takeover_instructions_reopen_the_handover_step(ready_case, lead):
    services.handover_instructions_save(actor=lead, case=ready_case, text="- New first step")
    assert Offboarding.objects.get(pk=ready_case.pk).handover_done_at is None
