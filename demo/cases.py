"""The demo offboarding cases, written through offboarding/services/.

One function per case, each a short script of what the people involved did. Each takes
the client, the demo users and today's date, and returns the case. The cases sit at
different points of the workflow: one waits for a manager's decision (here), one is
halfway through its steps (case_vantage.py), one is finished (case_copperleaf.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from clients.models import Client, Incident
from offboarding.models import Offboarding
from offboarding.services import offboarding_open, offboarding_submit, team_view_save

from .case_copperleaf import copperleaf_case
from .case_vantage import vantage_case
from .common import Users


def lumen_case(*, client: Client, users: Users, today: dt.date) -> Offboarding:
    """Awaiting approval: Sofia proposes ending the retainer that keeps outgrowing itself."""
    staff = users["staff"]
    incidents = list(
        client.incidents.filter(
            category__in=[Incident.Category.SCOPE_CREEP, Incident.Category.REJECTS_ADVICE]
        ).order_by("occurred_on")
    )
    hours = sum(i.hours_lost or 0 for i in incidents)
    money = sum(i.money_at_stake or 0 for i in incidents)
    case = offboarding_open(
        actor=staff,
        client=client,
        timing=Offboarding.Timing.WITH_NOTICE,
        incidents=incidents,
        repair_attempts=client.repair_attempts.all(),
        summary=(
            f"Over the last {(today - incidents[0].occurred_on).days // 7} weeks Lumen "
            "asked for work well outside the statement of work: seven revision rounds on "
            "the pricing page where two are included, and a webinar landing-page system of "
            "about three weeks' work requested as a 'quick tweak'. It also launched a paid "
            "campaign against our written advice and then asked us to rebuild the landing "
            f"page at no charge. Together that is {hours} hours and {money} EUR of work "
            "we were not paid for.\n\n"
            "From the third revision round on we sent a priced change request for every "
            "extra piece of work, as clause 8.1 allows; none was signed or refused, and the "
            "requests kept coming. "
            "Lumen pays on time, so this is not about money owed: the retainer no longer "
            "covers what is asked of it.\n\n"
            "I propose ending the retainer with the 45 days' notice of clause 8.1, finishing "
            "the launch campaign in progress and handing over the rest."
        ),
    )
    case = offboarding_submit(actor=staff, case=case)
    # The account's lead gives their view beside the evidence; the decision does not wait.
    if client.account_lead_id != staff.pk:
        team_view_save(
            actor=client.account_lead,
            case=case,
            verdict="unsure",
            comment=(
                "The reports are late, but they pay in full. I would try one quarterly "
                "review with their CFO before we end it."
            ),
        )
    return case


DEMO_CASES: Sequence[tuple[str, Callable[..., Offboarding]]] = (
    ("Lumen Analytics", lumen_case),
    ("Vantage Motors Regional", vantage_case),
    ("Copperleaf Bakery Co.", copperleaf_case),
)
