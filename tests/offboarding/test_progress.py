"""Where a case stands is the domain's rule (offboarding.progress): completion refuses
with what it names, and the stepper renders the same steps with their pages."""

import pytest

from agency.errors import Refused
from offboarding import progress, services
from offboarding.models import Document, Offboarding
from offboarding.selectors import case_steps

from .conftest import refreshed


def test_what_completion_still_needs_is_every_open_step_and_a_current_export(working_case):
    missing = progress.missing_for_completion(working_case)

    assert missing == [
        "Deliverables",
        "Call planning",
        "Call outcome",
        "Handover contents",
        "Close-out",
        "export the handover PDF (after its contents are complete)",
    ]
    with pytest.raises(Refused) as refused:
        services.offboarding_complete(actor=working_case.client.account_lead, case=working_case)
    assert refused.value.message == "Still to do before completing: " + ", ".join(missing) + "."


def test_a_ready_case_misses_nothing(cases, acme):
    case = cases.ready(acme)
    assert progress.missing_for_completion(case) == []


def test_an_export_older_than_the_last_handover_change_does_not_count(cases, acme, lead):
    case = cases.ready(acme)
    # Transferred already (the ledger is settled): only the export is missing.
    services.asset_save(
        actor=lead, case=case, name="Late domain", kind="domain", transfer_status="confirmed"
    )
    services.handover_complete(actor=lead, case=refreshed(case))

    assert progress.missing_for_completion(refreshed(case)) == [
        "export the handover PDF (after its contents are complete)"
    ]
    assert refreshed(case).documents.filter(kind=Document.Kind.HANDOVER).exists()


def test_the_stepper_renders_the_domain_steps_with_their_pages(working_case):
    domain = progress.steps(working_case)
    shown = case_steps(working_case)

    assert [(s.key, s.title, s.state, s.blocker) for s in shown] == [
        (s.key, s.title, s.state, s.blocker) for s in domain
    ]
    assert all(s.url == "" for s in domain)
    assert shown[2].url == f"/offboardings/{working_case.pk}/contract-review/"
    assert len(shown) == 8


def test_the_close_out_list_is_the_models(working_case):
    assert progress.steps(working_case)[-1].state == "not_started"
    for name in Offboarding.CLOSEOUT_FIELDS:
        setattr(working_case, name, True)
    assert progress.steps(working_case)[-1].state == "done"
    assert working_case.closeout_complete


def test_the_case_page_shows_what_completion_still_needs_when_every_step_is_done(
    client, cases, acme, lead
):
    from django.urls import reverse

    case = cases.ready(acme)
    services.asset_save(
        actor=lead, case=case, name="Late domain", kind="domain", transfer_status="confirmed"
    )
    services.handover_complete(actor=lead, case=refreshed(case))
    client.force_login(lead)

    page = client.get(reverse("offboarding:detail", args=[case.pk])).text

    assert all(step.done for step in case_steps(refreshed(case)))
    assert "Still to do before completing:" in page
    assert "export the handover PDF (after its contents are complete)" in page
    assert "btn-success" not in page.split("Complete offboarding")[0].rsplit("<button", 1)[1]
