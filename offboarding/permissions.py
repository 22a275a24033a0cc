"""Who may do what with an offboarding case. Built on the client permissions.

The one place that decides: each predicate is written once, and each rule pairs a
predicate with the refusal a person reads. Views check a rule before they show a page;
services check the same rule before they write.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from agency.models import User
from agency.rules import Rule
from clients.models import Incident
from clients.permissions import can_manage_client, can_view_client, is_manager, is_on_team

from .models import Offboarding

if TYPE_CHECKING:
    from clients.models import Client


def can_propose(user: User, client: Client) -> bool:
    """Anyone on the team (staff, the lead) and managers may propose ending a relationship."""
    return can_view_client(user, client)


def can_edit_proposal(user: User, case: Offboarding) -> bool:
    return case.status == case.Status.DRAFT and (
        case.created_by_id == user.pk or can_manage_client(user, case.client)
    )


# --- Who may decide: never an author of the proposal (drafted, changed or sent it) --------


# Who wrote the proposal: drafted it, changed the draft, or sent it. Read three ways below
# (one case, a filter on cases, the managers of one case), always from this list. Whoever
# changed a cited incident after the proposal was sent counts as an author too: the
# evidence is part of the proposal (four eyes on the evidence).
AUTHOR_FIELDS = ("created_by", "edited_by", "proposed_by")


def cited_incident_changes(case: Offboarding) -> QuerySet:
    """Changes to the incidents this proposal cites, made after it was sent."""
    if case.proposed_at is None:
        return Incident.history.none()
    return Incident.history.filter(
        id__in=case.incidents.values("pk"),
        history_type="~",
        history_date__gt=case.proposed_at,
    )


def authors(case: Offboarding) -> set[int]:
    found: set[int | None] = set()
    for name in AUTHOR_FIELDS:
        field = case._meta.get_field(name)
        if field.many_to_many:
            found.update(getattr(case, name).values_list("pk", flat=True))
        else:
            found.add(getattr(case, field.attname))
    found.update(cited_incident_changes(case).values_list("history_user_id", flat=True))
    return {pk for pk in found if pk is not None}


def is_author(user: User, case: Offboarding) -> bool:
    return user.pk in authors(case)


def _not_authored_by(user: User) -> Q:
    """is_author as a filter on cases."""
    condition = Q()
    for name in AUTHOR_FIELDS:
        condition &= ~Q(**{name: user})
    cited = Offboarding.incidents.through.objects.filter(offboarding_id=OuterRef(OuterRef("pk")))
    changed_cited = Incident.history.filter(
        history_user=user,
        history_type="~",
        history_date__gt=OuterRef("proposed_at"),
        id__in=cited.values("incident_id"),
    )
    return condition & ~Exists(changed_cited)


def can_decide(user: User, case: Offboarding) -> bool:
    """Managers decide, but never on a proposal of their own."""
    return is_manager(user) and not is_author(user, case)


def decidable_by(user: User) -> Q:
    """The cases this person may decide on, as a filter (the approvals list)."""
    if not is_manager(user):
        return Q(pk__in=[])
    return _not_authored_by(user)


def deciders(case: Offboarding) -> QuerySet[User]:
    """Everyone who may decide on this case (the "decision needed" e-mail)."""
    return User.objects.filter(role=User.Role.MANAGER, is_active=True).exclude(pk__in=authors(case))


# --- Running the case ---------------------------------------------------------------------


def can_run_steps(user: User, case: Offboarding) -> bool:
    """The account lead and managers run the offboarding steps."""
    return can_manage_client(user, case.client)


def can_reveal_secrets(user: User, case: Offboarding) -> bool:
    """Those who keep the handover (the lead and managers) reveal a credential, one at a
    time, audited; the handover page is theirs too, so page and endpoint agree."""
    return can_run_steps(user, case)


def can_cancel(user: User, case: Offboarding) -> bool:
    """Before the decision the proposer or lead may withdraw it; after approval only a
    manager may cancel, because that reverses a recorded decision."""
    if case.status in (case.Status.DRAFT, case.Status.PROPOSED):
        return (
            case.created_by_id == user.pk
            or case.proposed_by_id == user.pk
            or can_manage_client(user, case.client)
        )
    return is_manager(user)


# --- The rules, with the words of their refusal -------------------------------------------

PROPOSE = Rule(
    can_propose, _("Only members of this client's team and managers propose an offboarding.")
)
EDIT_PROPOSAL = Rule(
    can_edit_proposal,
    _("Only a draft can be changed, by whoever drafted it, the lead or a manager."),
)
SUBMIT = Rule(
    can_edit_proposal, _("Only whoever drafted the proposal, the lead or a manager submits it.")
)
MANAGERS_DECIDE = Rule(is_manager, _("Only managers decide on an offboarding."))
ANOTHER_MANAGER_DECIDES = Rule(
    lambda user, case: not is_author(user, case),
    _(
        "You wrote or changed this proposal or the evidence it cites, so another manager must "
        "decide on it."
    ),
)
RUN_STEPS = Rule(can_run_steps, _("Only the account lead and managers run the offboarding steps."))
COMPLETE = Rule(can_run_steps, _("Only the account lead and managers complete an offboarding."))
CANCEL = Rule(
    can_cancel,
    _("After approval only a manager may cancel an offboarding: it reverses a decision."),
)
REVEAL_SECRET = Rule(
    can_reveal_secrets, _("Only the account lead and managers reveal a credential.")
)
PRODUCE_DOCUMENTS = Rule(can_run_steps, _("Only the account lead and managers produce documents."))
SEE_DOCUMENTS = Rule(can_run_steps, _("Only the account lead and managers see the documents."))
EXPORT_HANDOVER = Rule(can_run_steps, _("Only the account lead and managers export the handover."))
WRITE_LETTER = Rule(
    can_run_steps, _("Only the account lead and managers write the termination letter.")
)
DOWNLOAD_DOCUMENTS = Rule(
    can_run_steps, _("Only the account lead and managers download documents.")
)


def check_decide(user: User, case: Offboarding) -> None:
    """A manager, and not an author of this proposal: or Refused, saying which."""
    MANAGERS_DECIDE.check(user)
    ANOTHER_MANAGER_DECIDES.check(user, case)


EDIT_WORDING = Rule(
    is_manager, _("Only managers edit the agency's wording of letters and scripts.")
)

WAIVE_LEDGER = Rule(
    is_manager, _("Only a manager waives a row of the close-out ledger, with a reason.")
)


# --- The team's voice on a proposal --------------------------------------------------------


def can_give_view(user: User, case: Offboarding) -> bool:
    """The people who work on the account (its lead and team), except whoever sent the
    proposal, give their view on it."""
    return is_on_team(user, case.client) and case.proposed_by_id != user.pk


GIVE_VIEW = Rule(
    can_give_view,
    _("The account's lead and team give their view on a proposal, except whoever sent it."),
)


def can_look_back(user: User, case: Offboarding) -> bool:
    """The account's lead and team, and managers, record the look back on a closed case."""
    return is_manager(user) or is_on_team(user, case.client)


LOOK_BACK = Rule(
    can_look_back, _("The account's lead and team, and managers, record the look back.")
)
