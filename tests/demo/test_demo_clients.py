from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db.models import Count

from agency.models import User
from clients.models import Client, Evidence, Incident
from clients.selectors import clients_for_user

HEALTHY = "Harbour & Pine Outfitters"
ABUSIVE = "Vantage Motors Regional"


def run_demo_data() -> str:
    out = StringIO()
    call_command("demo_data", stdout=out)
    return out.getvalue()


def client_summary() -> dict[str, tuple[int, int, int, int, int]]:
    rows = Client.objects.annotate(
        invoice_count=Count("invoices", distinct=True),
        incident_count=Count("incidents", distinct=True),
        contact_count=Count("contacts", distinct=True),
        contract_count=Count("contracts", distinct=True),
        repair_attempt_count=Count("repair_attempts", distinct=True),
    )
    return {
        c.name: (
            c.invoice_count,
            c.incident_count,
            c.contact_count,
            c.contract_count,
            c.repair_attempt_count,
        )
        for c in rows
    }


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    run_demo_data()


@pytest.mark.django_db
def test_demo_data_twice_keeps_the_same_clients(settings):
    settings.DEBUG = True
    run_demo_data()
    first = client_summary()
    evidence = Evidence.objects.count()

    output = run_demo_data()

    assert len(first) >= 4
    assert client_summary() == first
    assert Client.objects.count() == len(first)
    assert Evidence.objects.count() == evidence
    assert f"Kept client “{HEALTHY}”" in output


@pytest.mark.django_db
def test_abusive_client_is_high_risk_and_healthy_client_low(demo):
    assert Client.objects.get(name=ABUSIVE).risk_level == Client.RiskLevel.HIGH
    assert Client.objects.get(name=HEALTHY).risk_level == Client.RiskLevel.LOW


@pytest.mark.django_db
def test_every_evidence_file_is_in_storage(demo):
    incidents = Incident.objects.filter(evidence__isnull=False).distinct()
    assert incidents.filter(category=Incident.Category.ABUSIVE).exists()
    assert incidents.filter(category=Incident.Category.LATE_PAYMENT).exists()
    for incident in incidents:
        for item in incident.evidence.all():
            assert default_storage.exists(item.file.name), item.original_name
            assert default_storage.size(item.file.name) == item.size


@pytest.mark.django_db
def test_each_demo_client_has_one_handover_contact(demo):
    for client in Client.objects.prefetch_related("contacts"):
        assert 1 <= client.contacts.count() <= 3, client.name
        assert client.contacts.filter(receives_handover=True).count() == 1, client.name


@pytest.mark.django_db
def test_staff_sees_fewer_demo_clients_than_manager(demo):
    staff = User.objects.get(username="staff")
    manager = User.objects.get(username="manager")
    seen_by_staff = set(clients_for_user(staff))
    seen_by_manager = set(clients_for_user(manager))
    assert seen_by_staff < seen_by_manager
    assert Client.objects.get(name=ABUSIVE) in seen_by_staff
