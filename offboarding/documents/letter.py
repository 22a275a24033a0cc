"""The termination letter's wording: the agency's own text in the letter's language, filled
from client-facing facts only; the lead chooses a neutral reason and edits the text before
it is produced."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

from clients.models import Incident

from ..models import Offboarding
from .contexts import referral_of
from .script import LETTER_REASONS, reason_categories
from .wording import LetterFacts, letter_text


def letter_reasons(case: Offboarding, *, language: str | None = None) -> list[tuple[str, str]]:
    """Short neutral reasons to choose from, by the categories of the case's incidents, as
    (category, phrase in `language`) pairs. "A change in our agency's direction" (the
    category "other") is always offered last; a phrase two categories share is offered once."""
    keys = [c for c in reason_categories(case.incidents.all()) if c in LETTER_REASONS]
    pairs: dict[str, str] = {}
    with translation.override(language or case.client.language):
        for key in [*keys, Incident.Category.OTHER]:
            phrase = str(LETTER_REASONS[key])
            if key not in pairs and phrase not in pairs.values():
                pairs[key] = phrase
    return list(pairs.items())


def letter_facts(case: Offboarding, *, reason: str) -> LetterFacts:
    review = case.contract_review
    contract = review.contract if review else case.client.current_contract
    call = case.call_plan
    referral = referral_of(call)
    contact = case.client.handover_contact
    lead = case.client.account_lead
    return LetterFacts(
        agency=settings.AGENCY_NAME,
        client=case.client.name,
        contact=contact.name if contact else "",
        effective_end=review.effective_end if review else None,
        contract_title=contract.title if contract else "",
        contract_reference=contract.reference if contract else "",
        clause_ref=contract.termination_clause_ref if contract else "",
        clause_text=contract.termination_clause_text if contract else "",
        notice_days=contract.notice_days if contract else None,
        notice_respected=not (review.breaks_notice if review else False),
        reason=reason,
        referral_name=referral.name if referral else "",
        referral_contact=referral.contact if referral else "",
        lead_name=lead.display_name if lead else "",
        lead_email=lead.email if lead else "",
    )


def default_letter_text(case: Offboarding, *, reason: str, language: str | None = None) -> str:
    """The agency's letter wording in `language` (by default the client's), filled from
    client-facing facts only. `reason` is a key from letter_reasons (or a phrase already
    written out). The lead edits the result."""
    language = language or case.client.language
    phrases = dict(letter_reasons(case, language=language))
    return letter_text(letter_facts(case, reason=phrases.get(reason, reason)), language=language)
