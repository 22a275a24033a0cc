"""The call script, generated from our own template and the case's reasons.

Concerns are written in neutral words per incident category. Internal descriptions,
titles and notes are never used: only the categories of the linked incidents.
"""

from __future__ import annotations

from collections import Counter

from django.template.loader import render_to_string

from clients.models import Incident

C = Incident.Category

# How a reason is said to the client: factual, calm, without blame.
NEUTRAL_CONCERNS: dict[str, str] = {
    C.LATE_PAYMENT: "we have not managed to agree payment timelines that work for both sides",
    C.SCOPE_CREEP: "our expectations about the scope of the work, and how changes to it are "
    "handled, have drifted apart",
    C.ABUSIVE: "the way our teams communicate has not allowed us to do our best work together",
    C.STAFF_MORALE: "the working relationship between our teams has become hard to sustain",
    C.UNRESPONSIVE: "it has been difficult to get the feedback and decisions the projects need "
    "in time",
    C.REJECTS_ADVICE: "we see the right direction for the work differently, which makes it hard "
    "for us to add the value you deserve",
    C.UNETHICAL: "some of the requested work falls outside what our agency can take on",
    C.UNPROFITABLE: "the engagement, as it is set up, no longer works for us commercially",
    C.STYLE_MISMATCH: "our working styles and approaches differ more than either of us would like",
    C.OTHER: "there are practical differences in how we work together",
}

# A short, neutral reason for the termination letter, by category.
LETTER_REASONS: dict[str, str] = {
    C.LATE_PAYMENT: "differences over payment arrangements",
    C.SCOPE_CREEP: "differing expectations about the scope of work",
    C.ABUSIVE: "difficulties in how our teams work together",
    C.STAFF_MORALE: "difficulties in how our teams work together",
    C.UNRESPONSIVE: "difficulties in keeping projects moving together",
    C.REJECTS_ADVICE: "a different view of the right direction for the work",
    C.UNETHICAL: "work that falls outside what our agency takes on",
    C.UNPROFITABLE: "a change in what our agency can offer commercially",
    C.STYLE_MISMATCH: "a difference in working style and approach",
    C.OTHER: "a change in our agency's direction",
}


def reason_categories(incidents) -> list[str]:
    """Categories of the case's incidents, most frequent first, withdrawn ones left out."""
    counts = Counter(i.category for i in incidents if not i.is_withdrawn)
    return [category for category, _ in counts.most_common()]


def concerns_for(categories: list[str]) -> list[str]:
    return [NEUTRAL_CONCERNS[c] for c in categories if c in NEUTRAL_CONCERNS]


def generate_script(*, case, agency_name: str, speaker: str, referral_name: str = "") -> str:
    categories = reason_categories(case.incidents.all())
    contact = case.client.handover_contact
    return render_to_string(
        "offboarding/script.txt",
        {
            "agency_name": agency_name,
            "client_name": case.client.name,
            "contact_name": contact.name if contact else "",
            "speaker": speaker,
            "concerns": concerns_for(categories)
            or ["we are no longer the right partner for where your business is going"],
            "referral_name": referral_name,
        },
    ).strip()
