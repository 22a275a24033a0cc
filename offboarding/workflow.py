"""The one table of allowed transitions of an offboarding case.

    draft -> proposed -> approved -> in progress -> completed
    proposed -> rejected          any open state -> cancelled (with a reason)

A rejected, completed or cancelled case is closed for good: a client who promises
to change does not reopen it; only a new case with a new recorded decision does.
"""

from __future__ import annotations

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

ACTION_LABELS = {
    "submit": "submitted for approval",
    "approve": "approved",
    "reject": "rejected",
    "start": "started",
    "complete": "completed",
    "cancel": "cancelled",
}


def allowed(action: str, status: str) -> bool:
    sources, _ = TRANSITIONS[action]
    return status in sources


def target(action: str) -> str:
    return TRANSITIONS[action][1]


def actions_from(status: str) -> list[str]:
    return [action for action, (sources, _) in TRANSITIONS.items() if status in sources]
