"""The agency's own wording of the termination letter and the call script, per language.

A wording is plain text with placeholders in braces: `{client}`, `{date}`, `{clause}` ...
(PLACEHOLDERS says which each kind knows). The shipped defaults live in defaults/ as
`<kind>.<language>.txt`; a manager's edited version (offboarding.models.Wording, one row a
version) replaces the default for that kind and language. Each placeholder is filled in
the document's language: a date as a native writes it, the clause sentence and the
referral in that language, the reason from the neutral phrases. Only client-facing
facts are ever filled in: no incident title, description or note.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from agency.formatting import long_date

from ..models import Wording

DEFAULTS = Path(__file__).resolve().parent / "defaults"
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")

# What each placeholder becomes, by kind, as the manager's editing page explains it.
PLACEHOLDERS: dict[str, dict[str, object]] = {
    Wording.Kind.LETTER: {
        "contact": gettext_lazy("the client's contact person (or a polite salutation)"),
        "client": gettext_lazy("the client's name"),
        "agency": gettext_lazy("our agency's name"),
        "date": gettext_lazy("the effective end, written out in full"),
        "clause": gettext_lazy("the sentence naming the contract and its termination clause"),
        "clause_text": gettext_lazy("the wording of the termination clause, as stored"),
        "notice": gettext_lazy("the sentence on the notice period (empty when it is not met)"),
        "reason": gettext_lazy("the neutral reason the lead chose"),
        "referral": gettext_lazy("the sentence recommending another agency (or nothing)"),
        "lead": gettext_lazy("the account lead's name and e-mail address"),
    },
    Wording.Kind.SCRIPT: {
        "contact": gettext_lazy("the client's contact person"),
        "client": gettext_lazy("the client's name"),
        "agency": gettext_lazy("our agency's name"),
        "speaker": gettext_lazy("who leads the call"),
        "concerns": gettext_lazy("the neutral concerns, one line each"),
        "referral": gettext_lazy("the sentence recommending another agency (or nothing)"),
    },
}


def unknown_placeholders(kind: str, body: str) -> list[str]:
    """Names in braces that this kind of wording does not know, in order of appearance."""
    known = PLACEHOLDERS[kind]
    return list(dict.fromkeys(n for n in PLACEHOLDER.findall(body) if n not in known))


def default_body(kind: str, language: str) -> str:
    path = DEFAULTS / f"{kind}.{language}.txt"
    if not path.exists():
        path = DEFAULTS / f"{kind}.{settings.LANGUAGE_CODE}.txt"
    return path.read_text(encoding="utf-8").strip()


def current(kind: str, language: str) -> Wording | None:
    """The newest saved version for this kind and language; None while the default stands."""
    return (
        Wording.objects.filter(kind=kind, language=language).order_by("-created_at", "-id").first()
    )


def current_body(kind: str, language: str) -> str:
    version = current(kind, language)
    return version.body if version else default_body(kind, language)


def fill(body: str, values: dict[str, str]) -> str:
    """Put the values in place; a placeholder without a value is left out, and the space and
    blank lines it leaves behind are tidied (an empty {referral} takes its paragraph too)."""
    text = PLACEHOLDER.sub(lambda m: values.get(m.group(1), ""), body)
    text = re.sub(r"[ \t]+([,.;:!?])", r"\1", text)  # "Hello , " when {contact} is empty
    text = re.sub(r"[ \t]{2,}", " ", text)
    text = "\n".join(line.strip() for line in text.replace("\r\n", "\n").split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# --- Letter ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LetterFacts:
    """The client-facing facts a letter may quote, in no particular language."""

    agency: str
    client: str
    contact: str = ""
    effective_end: dt.date | None = None
    contract_title: str = ""
    contract_reference: str = ""
    clause_ref: str = ""
    clause_text: str = ""
    notice_days: int | None = None
    notice_respected: bool = True
    reason: str = ""
    referral_name: str = ""
    referral_contact: str = ""
    lead_name: str = ""
    lead_email: str = ""


def clause_sentence(facts: LetterFacts) -> str:
    if not facts.contract_title:
        return ""
    values = {
        "ref": facts.clause_ref,
        "title": facts.contract_title,
        "reference": facts.contract_reference,
    }
    if facts.clause_ref and facts.contract_reference:
        text = _(
            "This notice is given under clause %(ref)s of our agreement “%(title)s” "
            "(reference %(reference)s)."
        )
    elif facts.clause_ref:
        text = _("This notice is given under clause %(ref)s of our agreement “%(title)s”.")
    elif facts.contract_reference:
        text = _("This notice is given under our agreement “%(title)s” (reference %(reference)s).")
    else:
        text = _("This notice is given under our agreement “%(title)s”.")
    return text % values


def notice_sentence(facts: LetterFacts) -> str:
    if not facts.notice_days or not facts.notice_respected or not facts.contract_title:
        return ""
    return ngettext(
        "The agreement provides for a notice period of %(days)s day, which this date respects.",
        "The agreement provides for a notice period of %(days)s days, which this date respects.",
        facts.notice_days,
    ) % {"days": facts.notice_days}


def letter_referral_sentence(name: str, contact: str) -> str:
    if not name:
        return ""
    if contact:
        return _(
            "To help with the transition, we recommend %(name)s (%(contact)s), who we believe "
            "is a good fit for your needs."
        ) % {"name": name, "contact": contact}
    return _(
        "To help with the transition, we recommend %(name)s, who we believe is a good fit for "
        "your needs."
    ) % {"name": name}


def letter_values(facts: LetterFacts) -> dict[str, str]:
    """Every letter placeholder's text in the active language."""
    lead = facts.lead_name
    if facts.lead_email:
        lead = f"{lead} ({facts.lead_email})" if lead else facts.lead_email
    return {
        # Translators: the salutation of a letter when the contact's name is unknown,
        # after "Dear" (nl "Geachte heer, mevrouw", hu "Tisztelt Hölgyem/Uram").
        "contact": facts.contact or _("Sir or Madam"),
        "client": facts.client,
        "agency": facts.agency,
        "date": long_date(facts.effective_end)
        if facts.effective_end
        else _("the end of the notice period"),
        "clause": clause_sentence(facts),
        "clause_text": f"“{facts.clause_text.strip()}”" if facts.clause_text.strip() else "",
        "notice": notice_sentence(facts),
        "reason": facts.reason,
        "referral": letter_referral_sentence(facts.referral_name, facts.referral_contact),
        "lead": lead,
    }


def letter_text(facts: LetterFacts, *, language: str, body: str | None = None) -> str:
    """The letter in `language`: the agency's current wording (or `body`, e.g. a draft being
    previewed) with its placeholders filled in that language."""
    with translation.override(language):
        wording = body if body is not None else current_body(Wording.Kind.LETTER, language)
        return fill(wording, letter_values(facts))


# --- Script ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ScriptFacts:
    agency: str
    client: str
    speaker: str
    contact: str = ""
    concerns: tuple[str, ...] = ()
    referral_name: str = ""


def script_values(facts: ScriptFacts) -> dict[str, str]:
    referral = ""
    if facts.referral_name:
        referral = _(
            "We would also like to recommend %(name)s, who we believe fits your needs well, "
            "and we are happy to introduce you."
        ) % {"name": facts.referral_name}
    concerns = [str(c) for c in facts.concerns] or [
        _("we are no longer the right partner for where your business is going")
    ]
    return {
        "contact": facts.contact,
        "client": facts.client,
        "agency": facts.agency,
        "speaker": facts.speaker,
        "concerns": "\n".join(f"- {capfirst(c)}." for c in concerns),
        "referral": referral,
    }


def script_text(facts: ScriptFacts, *, language: str, body: str | None = None) -> str:
    with translation.override(language):
        wording = body if body is not None else current_body(Wording.Kind.SCRIPT, language)
        return fill(wording, script_values(facts))


# --- Preview ----------------------------------------------------------------------------


def sample_letter_facts() -> LetterFacts:
    """Made-up facts for the editing page's preview: no real client is shown."""
    return LetterFacts(
        agency=settings.AGENCY_NAME,
        client="Example Client Ltd",
        contact="Alex Morgan",
        effective_end=dt.date.today() + dt.timedelta(days=30),
        contract_title="Website retainer",
        contract_reference="EX-2026-01",
        clause_ref="14.2",
        clause_text="Either party may end this agreement with 30 days' written notice.",
        notice_days=30,
        reason="",  # filled in the preview's language
        referral_name="Brightside Studio",
        referral_contact="hello@brightside.example",
        lead_name="Sam Lee",
        lead_email="sam@agency.example",
    )
