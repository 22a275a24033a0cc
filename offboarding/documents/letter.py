"""The termination letter's wording: our own text, filled from client-facing facts only;
the lead chooses a neutral reason and edits the text before it is produced."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string

from ..models import Offboarding
from ..script import LETTER_REASONS, reason_categories
from .contexts import referral_of


def letter_reasons(case: Offboarding) -> list[str]:
    """Short neutral reasons to choose from, by the categories of the case's incidents."""
    reasons = [LETTER_REASONS[c] for c in reason_categories(case.incidents.all())]
    fallback = "a change in our agency's direction"
    return list(dict.fromkeys([*reasons, fallback]))


def default_letter_text(case: Offboarding, *, reason: str) -> str:
    """Our own letter wording, filled from client-facing facts only. The lead edits it."""
    review = case.contract_review
    contract = review.contract if review else case.client.current_contract
    call = case.call_plan
    contact = case.client.handover_contact
    return render_to_string(
        "offboarding/pdf/letter_body.txt",
        {
            "agency_name": settings.AGENCY_NAME,
            "client_name": case.client.name,
            "contact_name": contact.name if contact else "",
            "effective_end": review.effective_end if review else None,
            "breaks_notice": review.breaks_notice if review else False,
            "contract": contract,
            "reason": reason,
            "referral": referral_of(call),
            "lead": case.client.account_lead,
        },
    ).strip()
