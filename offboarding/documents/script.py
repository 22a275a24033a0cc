"""The call script, generated from the agency's wording and the case's reasons, in the
language the call is held in.

Concerns are written in neutral words per incident category, in every language (the
phrases below are messages). Internal descriptions, titles and notes are never used:
only the categories of the linked incidents.
"""

from __future__ import annotations

from collections import Counter

from django.utils.translation import gettext_lazy as _

from clients.models import Incident

from .wording import ScriptFacts, script_text

C = Incident.Category

# How a reason is said to the client: factual, calm, without blame.
NEUTRAL_CONCERNS: dict[str, object] = {
    C.LATE_PAYMENT: _("we have not managed to agree payment timelines that work for both sides"),
    C.SCOPE_CREEP: _(
        "our expectations about the scope of the work, and how changes to it are "
        "handled, have drifted apart"
    ),
    C.ABUSIVE: _("the way our teams communicate has not allowed us to do our best work together"),
    C.STAFF_MORALE: _("the working relationship between our teams has become hard to sustain"),
    C.UNRESPONSIVE: _(
        "it has been difficult to get the feedback and decisions the projects need in time"
    ),
    C.REJECTS_ADVICE: _(
        "we see the right direction for the work differently, which makes it hard "
        "for us to add the value you deserve"
    ),
    C.UNETHICAL: _("some of the requested work falls outside what our agency can take on"),
    C.UNPROFITABLE: _("the engagement, as it is set up, no longer works for us commercially"),
    C.STYLE_MISMATCH: _(
        "our working styles and approaches differ more than either of us would like"
    ),
    C.OTHER: _("there are practical differences in how we work together"),
}

# A short, neutral reason for the termination letter, by category.
LETTER_REASONS: dict[str, object] = {
    C.LATE_PAYMENT: _("differences over payment arrangements"),
    C.SCOPE_CREEP: _("differing expectations about the scope of work"),
    C.ABUSIVE: _("difficulties in how our teams work together"),
    C.STAFF_MORALE: _("difficulties in how our teams work together"),
    C.UNRESPONSIVE: _("difficulties in keeping projects moving together"),
    C.REJECTS_ADVICE: _("a different view of the right direction for the work"),
    C.UNETHICAL: _("work that falls outside what our agency takes on"),
    C.UNPROFITABLE: _("a change in what our agency can offer commercially"),
    C.STYLE_MISMATCH: _("a difference in working style and approach"),
    C.OTHER: _("a change in our agency's direction"),
}


def reason_categories(incidents) -> list[str]:
    """Categories of the case's incidents, most frequent first, withdrawn ones left out."""
    counts = Counter(i.category for i in incidents if not i.is_withdrawn)
    return [category for category, _ in counts.most_common()]


def concerns_for(categories: list[str]) -> list[str]:
    return [NEUTRAL_CONCERNS[c] for c in categories if c in NEUTRAL_CONCERNS]


def generate_script(
    *, case, agency_name: str, speaker: str, referral_name: str = "", language: str = ""
) -> str:
    """The script in `language` (by default the client's): the agency's wording for that
    language with the client's name, the speaker and the neutral concerns filled in."""
    categories = reason_categories(case.incidents.all())
    contact = case.client.handover_contact
    facts = ScriptFacts(
        agency=agency_name,
        client=case.client.name,
        contact=contact.name if contact else "",
        speaker=speaker,
        concerns=tuple(concerns_for(categories)),
        referral_name=referral_name,
    )
    return script_text(facts, language=language or case.client.language)
