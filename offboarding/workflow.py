"""The one table of allowed transitions of an offboarding case.

    draft -> proposed -> approved -> in progress -> completed
    proposed -> rejected          any open state -> cancelled (with a reason)

A rejected, completed or cancelled case is closed for good: a client who promises
to change does not reopen it; only a new case with a new recorded decision does.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from .models import Offboarding

S = Offboarding.Status

TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    # action: (from states, to state)
    "submit": ((S.DRAFT,), S.PROPOSED),
    "approve": ((S.PROPOSED,), S.APPROVED),
    "reject": ((S.PROPOSED,), S.REJECTED),
    "start": ((S.APPROVED,), S.IN_PROGRESS),
    "complete": ((S.IN_PROGRESS,), S.COMPLETED),
    "cancel": ((S.DRAFT, S.PROPOSED, S.APPROVED, S.IN_PROGRESS), S.CANCELLED),
}

# What each action did to the case, as a person reads it after "Offboarding ...".
ACTION_LABELS = {
    # Translators: what happened to an offboarding case (past participle); the same for
    # the five words below.
    "submit": _("submitted for approval"),
    "approve": _("approved"),
    "reject": _("rejected"),
    "start": _("started"),
    "complete": _("completed"),
    "cancel": _("cancelled"),
}

# The audit trail's summary of each transition: message ids, translated when read.
SUMMARIES = {
    "submit": gettext_noop("Offboarding submitted for approval"),
    "approve": gettext_noop("Offboarding approved"),
    "reject": gettext_noop("Offboarding rejected"),
    "start": gettext_noop("Offboarding started"),
    "complete": gettext_noop("Offboarding completed"),
    "cancel": gettext_noop("Offboarding cancelled"),
}

# The refusal of an action the case's state does not allow, one whole sentence each.
NOT_NOW = {
    # Translators: %(state)s is the case's state in lower case, e.g. "rejected", "awaiting
    # decision", "in progress"; the same for the five sentences below.
    "submit": _("This case is %(state)s; it cannot be submitted for approval now."),
    "approve": _("This case is %(state)s; it cannot be approved now."),
    "reject": _("This case is %(state)s; it cannot be rejected now."),
    "start": _("This case is %(state)s; it cannot be started now."),
    "complete": _("This case is %(state)s; it cannot be completed now."),
    "cancel": _("This case is %(state)s; it cannot be cancelled now."),
}


def allowed(action: str, status: str) -> bool:
    sources, _target = TRANSITIONS[action]
    return status in sources


def target(action: str) -> str:
    return TRANSITIONS[action][1]


def actions_from(status: str) -> list[str]:
    return [action for action, (sources, _target) in TRANSITIONS.items() if status in sources]
