"""The offboarding cases of the demo data: one per workflow stage, safe to create twice."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count

from agency import crypto
from agency.models import User
from clients.models import Client
from offboarding.models import Credential, Deliverable, Offboarding
from offboarding.selectors import awaiting_decision, case_steps

AWAITING = "Lumen Analytics"
IN_PROGRESS = "Vantage Motors Regional"
COMPLETED = "Copperleaf Bakery Co."


def run_demo_data() -> str:
    out = StringIO()
    call_command("demo_data", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(settings):
    """The demo data, run twice, with the output of the second run."""
    settings.DEBUG = True
    run_demo_data()
    return run_demo_data()


def case_of(name: str) -> Offboarding:
    return Offboarding.objects.select_related("client").get(client__name=name)


def steps_of(case: Offboarding) -> dict[str, str]:
    return {step.key: step.state for step in case_steps(case)}


@pytest.mark.django_db
def test_each_demo_client_with_a_case_has_exactly_one(demo):
    counts = dict(
        Client.objects.annotate(n=Count("cases")).filter(n__gt=0).values_list("name", "n")
    )
    assert counts == {AWAITING: 1, IN_PROGRESS: 1, COMPLETED: 1}
    for name in counts:
        assert f"Kept the offboarding case of “{name}”" in demo


@pytest.mark.django_db
def test_lumen_case_awaits_the_managers_decision(demo):
    case = case_of(AWAITING)
    manager = User.objects.get(username="manager")
    assert case.status == Offboarding.Status.PROPOSED
    assert case.proposed_by.username == "staff"
    assert case.timing == Offboarding.Timing.WITH_NOTICE
    assert case.incidents.exists() and case.repair_attempts.exists()
    assert case in awaiting_decision(manager)
    assert case.client.status == Client.Status.OFFBOARDING


@pytest.mark.django_db
def test_vantage_case_is_in_progress_at_the_call_outcome(demo):
    case = case_of(IN_PROGRESS)
    assert case.status == Offboarding.Status.IN_PROGRESS
    assert case.proposed_by.username == "lead"
    assert case.decided_by.username == "manager" and case.decision_comment
    steps = steps_of(case)
    assert steps["review"] == "done"
    assert steps["deliverables"] == "done"
    assert steps["call"] == "done"
    assert steps["outcome"] != "done"
    assert steps["handover"] == "in_progress"
    assert steps["closeout"] == "in_progress"  # the ledger is under way
    assert case.ledger_open and case.access_rows.exclude(done_at=None).exists()

    assert case.review.breaks_notice and case.review.warning
    assert case.review.effective_end > case.review.notice_given_on
    assert {d.status for d in case.deliverables.all()} == {
        Deliverable.Status.DELIVERED,
        Deliverable.Status.HANDED_OVER,
        Deliverable.Status.CANCELLED,
    }
    assert "\n- " in case.takeover_instructions
    assert 4 <= case.credentials.count() <= 6
    assert 4 <= case.assets.values("kind").distinct().count() <= 6
    assert case.call.script.strip() and case.call.referral_name in case.call.script


@pytest.mark.django_db
def test_copperleaf_case_is_completed_and_the_client_offboarded(demo):
    case = case_of(COMPLETED)
    assert case.status == Offboarding.Status.COMPLETED
    assert case.closed_at is not None
    assert case.client.status == Client.Status.OFFBOARDED
    assert case.closeout_complete
    # A realistic ledger: a dozen rows, every one settled, one waived by a manager.
    rows = [*case.access_rows.all(), *case.assets.all()]
    assert len(rows) == 12 and all(row.settled for row in rows)
    assert [row.system for row in case.access_rows.exclude(waived_at=None)] == ["Staging server"]
    assert case.call.pushback and case.call.reaction
    assert all(state == "done" for state in steps_of(case).values())


@pytest.mark.django_db
def test_every_demo_secret_is_encrypted_at_rest(demo):
    credentials = list(Credential.objects.all())
    assert len(credentials) >= 4
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, secret FROM {Credential._meta.db_table}")
        raw = dict(cursor.fetchall())
    # Copperleaf's were destroyed after its handover room; the others are kept.
    destroyed = [c for c in credentials if c.case.client.name.startswith("Copperleaf")]
    assert destroyed and not any(c.secret or c.recovery_note for c in destroyed)
    kept = [c for c in credentials if c not in destroyed]
    assert kept
    for credential in kept:
        stored = raw[credential.pk]
        assert credential.secret, credential.system  # decrypted by the field on the way out
        assert credential.secret not in stored, credential.system
        assert crypto.decrypt(stored) == credential.secret, credential.system
