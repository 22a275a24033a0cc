"""Regressions that span both apps' forms: the one-time token every form carries
(agency.once), and the refusal messages of the views that always redirect."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django import forms
from django.urls import reverse
from hypothesis import assume, example, given
from hypothesis import strategies as st

from tests.factories import ClientFactory, IncidentFactory
from tests.fuzz.harness import (
    FUZZ,
    NUL,
    PAGE,
    Outcome,
    document_made,
    edge_input,
    long_text,
    rolled_back,
    submit,
)
from tests.offboarding.conftest import CaseBuilder

pytestmark = pytest.mark.django_db


# --- Regressions -------------------------------------------------------------------------------
#
# Each bug the tests above found, now fixed, pinned with its failing input as an explicit
# example so that it cannot come back unnoticed.


def token_forms(people) -> dict[str, tuple[str, dict, Callable[[Outcome], bool]]]:
    """Forms that go through agency.once, each with a payload it accepts."""
    cases = CaseBuilder(lead=people.lead, manager=people.manager)
    acme = ClientFactory(account_lead=people.lead, team=[people.staff])
    case = cases.in_progress(acme)
    fresh = ClientFactory(account_lead=people.lead)
    succeeded = Outcome.succeeded.fget
    return {
        "client": (
            reverse("clients:create"),
            {"name": "Initech", "account_lead": str(people.lead.pk), "monthly_value": "10"}
            | {"currency": "EUR"},
            succeeded,
        ),
        "contact": (reverse("clients:contact_create", args=[acme.pk]), {"name": "Ada"}, succeeded),
        "proposal": (
            reverse("offboarding:start", args=[fresh.pk]),
            {"summary": "Scope keeps growing.", "timing": "with_notice"}
            | {"no_incident_justification": "Nothing was written down."},
            succeeded,
        ),
        "asset": (
            reverse("offboarding:asset_create", args=[case.pk]),
            {"name": "acme.example", "kind": "domain"},
            succeeded,
        ),
        "letter": (
            reverse("offboarding:letter", args=[case.pk]),
            {"body": "Dear Acme,\n\nWe end our work together."},
            document_made,
        ),
    }


@pytest.mark.parametrize("form", ["client", "contact", "proposal", "asset", "letter"])
def test_one_time_token_with_a_nul_byte_is_no_500(people, form):
    url, fields, saved = token_forms(people)[form]

    @FUZZ
    @example(token=NUL)
    @given(token=st.builds(lambda a, b: a + NUL + b, st.text(max_size=10), st.text(max_size=10)))
    def check(token):
        data = edge_input(fields)
        data["form_once"] = token
        with rolled_back():
            # Fixed, the token is ignored or refused, or the form is saved: anything but a 500.
            submit(people.browsers["lead"], url, data, allowed=PAGE | {400}, saved=saved)

    check()


def refusing_forms(people) -> dict[str, tuple[str, str, type[forms.Form]]]:
    """The forms whose views always redirect, replacing the form's errors by a message."""
    from clients.forms import WithdrawForm
    from offboarding.forms import InstructionsForm, ReasonForm

    cases = CaseBuilder(lead=people.lead, manager=people.manager)
    acme = ClientFactory(account_lead=people.lead)
    incident = IncidentFactory(client=acme)
    working = cases.in_progress(ClientFactory(account_lead=people.lead))
    draft = cases.draft(ClientFactory(account_lead=people.lead))
    return {
        "withdraw": (
            reverse("clients:incident_withdraw", args=[acme.pk, incident.pk]),
            "reason",
            WithdrawForm,
        ),
        "cancel": (reverse("offboarding:cancel", args=[draft.pk]), "reason", ReasonForm),
        "instructions": (
            reverse("offboarding:instructions", args=[working.pk]),
            "takeover_instructions",
            InstructionsForm,
        ),
    }


@pytest.mark.parametrize(
    "form,text",
    [("withdraw", "r" * 2001), ("cancel", "c" * 4001), ("instructions", "Step 1\x00")],
)
def test_refusal_messages_name_the_actual_problem(people, form, text):
    url, name, form_class = refusing_forms(people)[form]

    @FUZZ
    @example(value=text)
    @given(value=st.one_of(long_text, st.text(min_size=1).map(lambda s: s + NUL)))
    def check(value):
        problems = list(form_class({name: value}).errors.get(name, []))
        assume(problems)
        with rolled_back():
            outcome = submit(people.browsers["lead"], url, {name: value}, allowed={302})
            said = " ".join(text for _, text in outcome.messages)
            assert any(problem in said for problem in problems), (
                f"{form}: the form says {problems}, the user is told {said!r}"
            )

    check()
