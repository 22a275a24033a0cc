"""The guided step pages as a new user meets them: what each form offers, what it refuses
before anything is saved, and where it sends them next."""

from __future__ import annotations

import datetime as dt
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from agency.errors import Refused
from offboarding import services
from offboarding.forms import CallOutcomeForm, CallPlanForm, ContractReviewForm
from offboarding.models import CallPlan

from .conftest import refreshed

FORMAT = "%Y-%m-%dT%H:%M"


def body_of(response) -> str:
    return unescape(response.content.decode())


@pytest.fixture
def planned(cases, working_case):
    """A prepared call planned for two hours ago: its outcome may be recorded."""
    cases.call_plan(working_case, scheduled_at=timezone.now() - dt.timedelta(hours=2))
    return refreshed(working_case)


def post_outcome(client, lead, case, **data):
    client.force_login(lead)
    return client.post(reverse("offboarding:outcome", args=[case.pk]), data)


# --- 1. A call is held after it was planned, never in the future ----------------------------


def test_a_call_held_before_its_planned_time_is_refused_with_the_way_out(client, lead, planned):
    before = timezone.localtime(planned.call.scheduled_at - dt.timedelta(hours=1))

    response = post_outcome(
        client, lead, planned, held="held", held_at=before.strftime(FORMAT), reaction="upset"
    )

    assert response.status_code == 200
    body = body_of(response)
    assert "correct the time in call planning first" in body
    assert refreshed(planned).call.held == CallPlan.Held.PLANNED


def test_a_call_held_in_the_future_is_refused(client, lead, planned):
    later = timezone.localtime(timezone.now() + dt.timedelta(hours=3))

    response = post_outcome(
        client, lead, planned, held="held", held_at=later.strftime(FORMAT), reaction="upset"
    )

    assert "This is in the future" in body_of(response)
    assert refreshed(planned).call.held == CallPlan.Held.PLANNED


def test_the_service_refuses_a_call_held_before_it_was_planned(lead, planned):
    with pytest.raises(Refused, match="correct the time in call planning first"):
        services.call_outcome_record(
            actor=lead,
            case=planned,
            held=CallPlan.Held.HELD,
            held_at=planned.call.scheduled_at - dt.timedelta(minutes=1),
            reaction=CallPlan.Reaction.ACCEPTING,
        )


def test_a_call_held_after_its_planned_time_is_recorded(client, lead, planned):
    after = timezone.localtime(planned.call.scheduled_at + dt.timedelta(minutes=5))

    post_outcome(
        client, lead, planned, held="held", held_at=after.strftime(FORMAT), reaction="upset"
    )

    assert refreshed(planned).call.held == CallPlan.Held.HELD


# --- 2. The basis of the contract review offers its three answers only ----------------------


def test_the_basis_offers_no_empty_choice(working_case):
    form = ContractReviewForm(client=working_case.client)

    values = [value for value, _ in form.fields["basis"].choices]

    assert values == ["end_of_term", "notice", "immediate"]
    assert "---------" not in str(form["basis"])


# --- 3. The call plan explains before it refuses --------------------------------------------


def test_email_is_not_offered_and_the_help_says_why(working_case):
    form = CallPlanForm(case=working_case)

    assert CallPlan.Channel.EMAIL not in [value for value, _ in form.fields["channel"].choices]
    assert "that is why e-mail is not offered" in form.fields["channel"].help_text


def test_the_service_still_refuses_email(cases, working_case):
    with pytest.raises(Refused, match="A bare e-mail is not enough"):
        cases.call_plan(working_case, channel=CallPlan.Channel.EMAIL)


def call_plan_data(case, **overrides) -> dict:
    data = {
        "scheduled_at": (timezone.localtime() + dt.timedelta(days=2)).strftime(FORMAT),
        "duration_minutes": "30",
        "channel": CallPlan.Channel.PHONE,
        "agency_attendees": [case.client.account_lead.pk],
        "talking_points": "- The decision, said once.",
        "script": "",
        "points_written": "on",
    }
    return {**data, **overrides}


@pytest.mark.parametrize("box", ["rehearsed", "agreed_internally"])
def test_rehearsed_or_agreed_cannot_be_ticked_without_a_script(client, lead, working_case, box):
    client.force_login(lead)

    response = client.post(
        reverse("offboarding:call", args=[working_case.pk]),
        call_plan_data(working_case, **{box: "on"}),
    )

    assert response.status_code == 200
    assert "There is no script yet" in body_of(response)
    assert refreshed(working_case).call_plan is None


def test_rehearsed_is_accepted_with_the_script_on_the_form(client, lead, working_case):
    client.force_login(lead)

    client.post(
        reverse("offboarding:call", args=[working_case.pk]),
        call_plan_data(working_case, script="Our words.", rehearsed="on", agreed_internally="on"),
    )

    call = refreshed(working_case).call_plan
    assert call.prepared and call.script == "Our words."


def test_talking_points_written_needs_talking_points(working_case):
    form = CallPlanForm(call_plan_data(working_case, talking_points=""), case=working_case)

    assert not form.is_valid()
    assert "Write the talking points" in str(form.errors["points_written"])


# --- 4. Labels read as words, not as field names --------------------------------------------


def test_the_duration_is_labelled_with_its_unit(working_case):
    assert CallPlanForm(case=working_case).fields["duration_minutes"].label == (
        "Duration (minutes)"
    )


def test_no_offboarding_form_label_is_a_bare_field_name(working_case):
    suspicious = {"duration_minutes", "immediate_on", "no_incident_justification"}
    forms = [CallPlanForm(case=working_case), ContractReviewForm(client=working_case.client)]
    for form in forms:
        for name, field in form.fields.items():
            if name in suspicious:
                assert field.label and field.label != name.replace("_", " ").capitalize()


# --- 5. The outcome form says which date applies --------------------------------------------


def test_each_date_of_the_outcome_says_when_it_applies(planned):
    form = CallOutcomeForm(call=planned.call)

    assert "Only if the call was held" in form.fields["held_at"].help_text
    assert "Only if the call was rescheduled" in form.fields["rescheduled_to"].help_text
    assert 'data-show-if="held=held"' in str(form["held_at"])
    assert 'data-show-if="held=rescheduled"' in str(form["rescheduled_to"])


# --- 6. A revealed secret goes in its column, the recovery note in its own -----------------


def test_the_revealed_fragment_puts_the_note_in_the_recovery_column_with_a_hide_button(
    client, lead, working_case
):
    credential = services.credential_save(
        actor=lead,
        case=working_case,
        system="Registrar",
        username="acme",
        secret="pw-ZQX-1",
        recovery_note="PIN 5813",
    )
    client.force_login(lead)

    response = client.post(
        reverse("offboarding:credential_reveal", args=[working_case.pk, credential.pk]),
        HTTP_HX_REQUEST="true",
    )

    body = body_of(response)
    assert "data-hide-secret" in body
    assert f'hx-swap-oob="innerHTML:#recovery-{credential.pk}"' in body
    page = body_of(client.get(reverse("offboarding:handover", args=[working_case.pk])))
    assert f'id="recovery-{credential.pk}"' in page
    assert "PIN 5813" not in page


# --- 7. A passed notice deadline is said plainly --------------------------------------------


def test_a_passed_deadline_says_it_is_too_late_and_the_earliest_end_now(client, lead, working_case):
    contract = working_case.client.contracts.get(is_current=True)
    today = timezone.localdate()
    contract.end_date = today + dt.timedelta(days=10)
    contract.notice_days = 30
    contract.auto_renews = True
    contract.renewal_months = 12
    contract.save()
    client.force_login(lead)

    body = body_of(client.get(reverse("offboarding:review", args=[working_case.pk])))

    assert "Too late for the term end of" in body
    assert "Ending at a term end now means the next one" in body
    assert "notice given today ends it on" in body


# --- 8. After a step, a button to the next open step ----------------------------------------


def test_a_saved_step_offers_the_next_open_step(client, lead, working_case):
    client.force_login(lead)

    response = client.get(reverse("offboarding:review", args=[working_case.pk]))

    body = body_of(response)
    assert "Next step: Deliverables" in body
    assert reverse("offboarding:deliverables", args=[working_case.pk]) in body


def test_the_case_page_offers_the_next_open_step(client, lead, working_case):
    client.force_login(lead)

    body = body_of(client.get(reverse("offboarding:detail", args=[working_case.pk])))

    assert "Next step: Deliverables" in body


def test_a_step_not_done_yet_offers_no_next_step(client, lead, working_case):
    client.force_login(lead)

    body = body_of(client.get(reverse("offboarding:deliverables", args=[working_case.pk])))

    assert "data-next-step" not in body


# --- 9 and 10. Documents newest first; on the embedded default the page says it waits -----


def test_documents_are_listed_newest_first(client, lead, cases, ready_case):
    services.document_request(actor=lead, case=ready_case, kind="call_brief")
    cases.export_handover(ready_case)
    client.force_login(lead)

    body = body_of(client.get(reverse("offboarding:documents", args=[ready_case.pk])))

    assert body.index("Handover v2") < body.index("Call brief v1") < body.index("Handover v1")


def test_document_buttons_show_a_busy_state_and_the_page_says_it_waits(
    client, lead, ready_case, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    client.force_login(lead)

    body = body_of(client.get(reverse("offboarding:detail", args=[ready_case.pk])))
    export = body_of(client.get(reverse("offboarding:handover_export", args=[ready_case.pk])))

    assert body.count('data-busy="Working…"') == 2
    assert "Documents are made while you wait" in body
    assert "It is made while you wait" in export
    assert 'data-busy="Exporting…"' in export


def test_a_call_cannot_be_rescheduled_into_the_past(working_case, lead):
    case = working_case
    services.call_plan_save(
        actor=lead,
        case=case,
        scheduled_at=timezone.now() - dt.timedelta(hours=2),
        channel="video",
        points_written=True,
        talking_points="Points",
        script="Script",
        rehearsed=True,
        agreed_internally=True,
    )
    with pytest.raises(Refused, match="still to come"):
        services.call_outcome_record(
            actor=lead,
            case=case,
            held="rescheduled",
            rescheduled_to=timezone.now() - dt.timedelta(hours=1),
        )


def test_generating_the_script_again_unticks_rehearsed(working_case, lead):
    services.call_plan_save(
        actor=lead,
        case=working_case,
        scheduled_at=timezone.now() + dt.timedelta(days=1),
        channel="video",
        points_written=True,
        talking_points="Points",
        script="Our own words",
        rehearsed=True,
        agreed_internally=True,
    )
    call = services.call_script_regenerate(actor=lead, case=working_case)
    assert call.script != "Our own words"
    assert call.rehearsed is False
