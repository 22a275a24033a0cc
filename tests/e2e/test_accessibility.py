"""Every main page, as each role sees it, checked by axe-core against WCAG 2.1 A and AA
(contrast, labels, names, landmarks), plus one keyboard walk through the login form.

axe-core is vendored in tests/e2e/vendor (see its README), so this runs offline.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from clients.models import Client
from clients.services import client_risk_refresh
from offboarding.models import Offboarding
from tests.factories import (
    ClientFactory,
    ContactFactory,
    ContractFactory,
    IncidentFactory,
    InvoiceFactory,
    RepairAttemptFactory,
)
from tests.offboarding.conftest import CaseBuilder

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Runs axe on the whole document and returns only what a failure message needs.
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return result.violations.map(v => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    targets: v.nodes.map(n => {
      const why = [...n.any, ...n.all, ...n.none].map(check => check.message).join("; ");
      return n.target.flat().join(" >>> ") + (why ? ` -- ${why}` : "");
    }),
  }));
}"""

CLIENT_TABS = ("overview", "contracts", "payments", "incidents", "repair_attempts", "timeline")
STEP_PATHS = (
    "contract-review",
    "deliverables",
    "call",
    "call/outcome",
    "handover",
    "close-out",
    "room",
)


def axe_violations(page) -> list[dict]:
    # Injected through the DevTools protocol rather than a <script> tag: the app's
    # Content-Security-Policy (rightly) refuses inline scripts, and turning it off for
    # the test would also let inline styles through, so axe would judge another page.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(f"() => {{\n{AXE_SOURCE}\n}}")
    return page.evaluate(RUN_AXE, WCAG_TAGS)


def describe(where: str, violations: list[dict]) -> list[str]:
    return [
        f"{where}: {v['id']} ({v['impact']}) {v['help']}\n    " + "\n    ".join(v["targets"])
        for v in violations
    ]


def client_with_history(name: str, *, lead, staff, today: dt.date) -> Client:
    """A client with what every tab shows: contracts, invoices (one overdue), contacts,
    incidents of several severities and repair attempts."""
    client = ClientFactory(name=name, account_lead=lead, team=[staff])
    contract = ContractFactory(
        client=client,
        title="Campaign management agreement",
        start_date=today - dt.timedelta(days=400),
        end_date=today + dt.timedelta(days=200),
    )
    ContractFactory(
        client=client,
        title="Launch project",
        start_date=today - dt.timedelta(days=800),
        end_date=today - dt.timedelta(days=420),
        is_current=False,
    )
    ContactFactory(client=client, name="Rita Vance", receives_handover=True)
    ContactFactory(client=client, name="Carl Brandt")
    InvoiceFactory(
        client=client,
        contract=contract,
        issued_on=today - dt.timedelta(days=70),
        paid_on=today - dt.timedelta(days=45),
        paid_amount=Decimal("4000.00"),
    )
    InvoiceFactory(client=client, contract=contract, issued_on=today - dt.timedelta(days=50))
    IncidentFactory(
        client=client,
        category="abusive",
        severity=4,
        occurred_on=today - dt.timedelta(days=5),
        title="Threatening voicemail",
        reported_by=staff,
    )
    IncidentFactory(client=client, occurred_on=today - dt.timedelta(days=30))
    RepairAttemptFactory(client=client, outcome="worse", tried_on=today - dt.timedelta(days=20))
    return client_risk_refresh(client=client, today=today)


@pytest.fixture
def agency(lead, staff, manager):
    """Four clients of the lead (staff on each team), each with an offboarding case in a
    different state: ready to complete, just started, awaiting a decision, rejected."""
    today = timezone.localdate()
    cases = CaseBuilder(lead=lead, manager=manager)
    acme = client_with_history("Acme Rockets", lead=lead, staff=staff, today=today)
    ready = cases.ready(acme)
    started = cases.in_progress(
        client_with_history("Initech Systems", lead=lead, staff=staff, today=today)
    )
    proposed = cases.proposed(
        client_with_history("Umbrella Health", lead=lead, staff=staff, today=today)
    )
    cases.rejected(client_with_history("Hooli Media", lead=lead, staff=staff, today=today))
    ClientFactory(name="Quiet Bakery", account_lead=lead, team=[staff])  # no risk signal
    assert ready.status == started.status == Offboarding.Status.IN_PROGRESS
    return {
        "client": acme,
        "incident": acme.incidents.order_by("-severity").first(),
        "ready": ready,
        "started": started,
        "proposed": proposed,
    }


def pages_for(role: str, agency: dict) -> list[str]:
    client, incident = agency["client"], agency["incident"]
    ready, started, proposed = agency["ready"], agency["started"], agency["proposed"]
    paths = [
        "/",
        "/clients/",
        *(f"/clients/{client.pk}/?tab={tab}" for tab in CLIENT_TABS),
        f"/clients/{client.pk}/incidents/{incident.pk}/",
        f"/clients/{client.pk}/incidents/new/",
        f"/clients/{client.pk}/repair-attempts/new/",
        f"/offboardings/{ready.pk}/",
        f"/offboardings/{ready.pk}/history/",
        f"/offboardings/{started.pk}/",
        f"/offboardings/{proposed.pk}/decision/",
        "/offboardings/",
        "/offboardings/?show=closed",
        "/accounts/calendar/",
    ]
    if role != "staff":  # only the lead and managers run the steps and edit the record
        paths += [f"/offboardings/{ready.pk}/{step}/" for step in STEP_PATHS]
        paths += [
            "/clients/new/",
            f"/clients/{client.pk}/edit/",
            f"/clients/{client.pk}/contacts/new/",
            f"/clients/{client.pk}/contracts/new/",
            f"/clients/{client.pk}/invoices/new/",
            f"/offboardings/{ready.pk}/credentials/new/",
            f"/offboardings/{ready.pk}/assets/new/",
            f"/offboardings/{ready.pk}/documents/handover/",
            f"/offboardings/{ready.pk}/documents/letter/",
        ]
    if role == "staff":  # on the team, not the sender: asked for a view on the proposal
        paths.append(f"/offboardings/{proposed.pk}/view/")
    if role == "manager":
        paths.append("/approvals/")
    return paths


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", ["manager", "lead", "staff"])
def test_every_main_page_meets_wcag_aa(request, role, page, live_server, login, agency):
    user = request.getfixturevalue(role)
    login(page, user)
    problems = []
    for path in pages_for(role, agency):
        response = page.goto(f"{live_server.url}{path}")
        assert response.ok, f"{path} answered {response.status} for the {role}"
        assert page.url == f"{live_server.url}{path}", f"{path} sent the {role} elsewhere"
        problems += describe(f"{role} {path}", axe_violations(page))
    # A form showing its errors: the messages must be readable and tied to their fields.
    page.goto(f"{live_server.url}/clients/{agency['client'].pk}/incidents/new/")
    page.get_by_role("button", name="Log incident").click()
    page.wait_for_selector(".invalid-feedback")
    problems += describe(f"{role} incident form with errors", axe_violations(page))
    assert not problems, f"{len(problems)} accessibility violation(s):\n" + "\n".join(problems)


@pytest.mark.django_db(transaction=True)
def test_login_page_meets_wcag_aa(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    problems = describe("login", axe_violations(page))
    assert not problems, "\n".join(problems)


FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {
    name: el.name || el.textContent.trim(),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
    shadow: style.boxShadow !== "none",
    look: [style.outlineStyle, style.outlineWidth, style.boxShadow, style.borderColor].join("|"),
  };
}"""


@pytest.mark.django_db(transaction=True)
def test_login_form_works_by_keyboard_with_visible_focus(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    # Where focus starts (the username field has autofocus), then each Tab.
    stops = [page.evaluate(FOCUSED)]
    for _ in range(4):
        page.keyboard.press("Tab")
        stops.append(page.evaluate(FOCUSED))
    names = [stop["name"] for stop in stops]
    assert "username" in names, names
    form = stops[names.index("username") :][:3]
    assert [stop["name"] for stop in form] == ["username", "password", "Log in"], names
    for stop in form:
        assert stop["outline"] or stop["shadow"], f"no visible focus indicator on {stop['name']}"
    # The indicator is a change the eye can see: the button looks different unfocused.
    page.evaluate("document.activeElement.blur()")
    unfocused = page.get_by_role("button", name="Log in").evaluate(
        """b => {
          const s = getComputedStyle(b);
          return [s.outlineStyle, s.outlineWidth, s.boxShadow, s.borderColor].join("|");
        }"""
    )
    assert unfocused != form[-1]["look"]
