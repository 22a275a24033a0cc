"""The lead exports a protected handover in Chromium; a real worker renders it through
Redis; the documents panel turns "Ready" by itself and the PDF downloads."""

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from playwright.sync_api import expect
from pypdf import PasswordType, PdfReader

from config import celery_app
from offboarding import services
from offboarding.models import Asset, Document
from tests.factories import ClientFactory, ContactFactory
from tests.offboarding.conftest import SECRET, CaseBuilder

PASSPHRASE = "tell-rita-by-phone-42"


@pytest.fixture
def empty_queue(broker_url):
    """Nothing left over from an earlier run may be rendered here."""
    celery_app.control.purge()
    client = redis.Redis.from_url(broker_url)
    client.delete("unacked", "unacked_index", "unacked_mutex")
    client.close()
    return broker_url


@pytest.fixture
def case_to_hand_over(lead, manager):
    client = ClientFactory(name="Vantage Motors Regional", account_lead=lead)
    ContactFactory(client=client, name="Rita Vance", receives_handover=True)
    case = CaseBuilder(lead=lead, manager=manager).in_progress(client)
    services.credential_save(
        actor=lead, case=case, system="Google Ads", username="ads@vantage.example", secret=SECRET
    )
    services.asset_save(
        actor=lead, case=case, name="vantage-motors.example", kind=Asset.Kind.DOMAIN
    )
    return case


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_lead_exports_a_protected_handover_and_downloads_it_once_ready(
    empty_queue, page, live_server, login, lead, case_to_hand_over, tmp_path
):
    case = case_to_hand_over
    login(page, lead)
    page.goto(f"{live_server.url}/offboardings/{case.pk}/")
    page.get_by_role("link", name="Export handover…", exact=True).click()
    page.get_by_label("Protect the PDF with a passphrase").fill(PASSPHRASE)
    page.get_by_label("Passphrase again").fill(PASSPHRASE)
    page.get_by_role("button", name="Export handover", exact=True).click()

    # No worker runs yet: the render waits in Redis and the panel says so.
    panel = page.locator("#documents-panel")
    expect(panel).to_contain_text("Handover v1")
    expect(panel).to_contain_text("Queued")
    expect(panel).to_contain_text("passphrase")
    expect(panel.get_by_role("link", name="Download Handover v1")).to_have_count(0)
    document = Document.objects.get(case=case, kind=Document.Kind.HANDOVER)
    assert document.enqueued_at is not None
    assert document.protected

    # A full page load would drop this flag: the panel must update in place.
    page.evaluate("window.notReloaded = true")
    with start_worker(celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        expect(panel.get_by_text("Ready", exact=True)).to_be_visible(timeout=60_000)
    assert page.evaluate("window.notReloaded === true"), "the page was reloaded"
    expect(panel).not_to_contain_text("Queued")

    with page.expect_download() as download_info:
        panel.get_by_role("link", name="Download Handover v1").click()
    download = download_info.value
    assert download.suggested_filename == "handover-vantage-motors-regional-v1.pdf"
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    locked = PdfReader(path)
    assert locked.is_encrypted
    assert locked.decrypt("not-the-passphrase") == PasswordType.NOT_DECRYPTED
    reader = PdfReader(path)
    assert reader.decrypt(PASSPHRASE) != PasswordType.NOT_DECRYPTED
    text = " ".join(" ".join(p.extract_text() or "" for p in reader.pages).split())
    assert "Handover for Vantage Motors Regional" in text
    assert SECRET in text
    assert "vantage-motors.example" in text
