"""The case and its decision: propose, submit, decide, complete, cancel."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from agency.errors import Refused
from agency.formatting import in_every_language
from agency.models import AuditEvent, User
from clients.models import Client, Incident, RepairAttempt

from .. import permissions, progress
from ..models import Offboarding, Retrospective, TeamView
from ._common import S, audit, follow_client_status, lock, transition

# --- Proposal -------------------------------------------------------------------------------


def _check_links(
    client: Client, incidents: Iterable[Incident], repair_attempts: Iterable[RepairAttempt]
) -> None:
    if any(i.client_id != client.pk for i in incidents) or any(
        r.client_id != client.pk for r in repair_attempts
    ):
        raise Refused(_("Only this client's incidents and repair attempts can be linked."))


def offboarding_open(
    *,
    actor: User,
    client: Client,
    summary: str,
    timing: str,
    incidents: Iterable[Incident] = (),
    repair_attempts: Iterable[RepairAttempt] = (),
    no_incident_justification: str = "",
) -> Offboarding:
    """Start a draft proposal to end the relationship with this client."""
    permissions.PROPOSE.check(actor, client)
    incidents, repair_attempts = list(incidents), list(repair_attempts)
    _check_links(client, incidents, repair_attempts)
    try:
        with transaction.atomic():
            Client.objects.select_for_update().get(pk=client.pk)
            case = Offboarding.objects.create(
                client=client,
                created_by=actor,
                summary=summary,
                timing=timing,
                no_incident_justification=no_incident_justification,
            )
            case.incidents.set(incidents)
            case.repair_attempts.set(repair_attempts)
            follow_client_status(case)
            audit(
                actor,
                case,
                AuditEvent.Action.CREATED,
                gettext_noop("Offboarding proposal drafted"),
                to_state=case.status,
            )
    except IntegrityError as error:
        raise Refused(
            _("%(client)s already has an open offboarding case; continue that one.")
            % {"client": client.name}
        ) from error
    return case


def offboarding_update_proposal(
    *,
    actor: User,
    case: Offboarding,
    summary: str,
    timing: str,
    incidents: Iterable[Incident] = (),
    repair_attempts: Iterable[RepairAttempt] = (),
    no_incident_justification: str = "",
) -> Offboarding:
    incidents, repair_attempts = list(incidents), list(repair_attempts)
    with transaction.atomic():
        case = lock(case)
        permissions.EDIT_PROPOSAL.check(actor, case)
        _check_links(case.client, incidents, repair_attempts)
        before = _proposal_state(case)
        case.summary = summary
        case.timing = timing
        case.no_incident_justification = no_incident_justification
        case.save()
        case.incidents.set(incidents)
        case.repair_attempts.set(repair_attempts)
        changed = [
            label for label, value in _proposal_state(case).items() if before[label] != value
        ]
        if not changed:
            return case
        if actor.pk != case.created_by_id:
            case.edited_by.add(actor)  # a co-author: another manager decides
        audit(
            actor,
            case,
            AuditEvent.Action.UPDATED,
            # Translators: %(fields)s lists what changed, e.g. "summary, timing".
            gettext_noop("Proposal changed: %(fields)s"),
            {"fields": ", ".join(changed)},
            comments=in_every_language(lambda: _("As a co-author: another manager decides."))
            if actor.pk != case.created_by_id
            else None,
        )
    return case


def _proposal_state(case: Offboarding) -> dict[str, object]:
    """What a proposal edit can change, by the name a person reads in the audit trail."""
    return {
        "summary": case.summary,
        "timing": case.timing,
        "why no incident": case.no_incident_justification,
        "linked incidents": set(case.incidents.values_list("pk", flat=True)),
        "linked repair attempts": set(case.repair_attempts.values_list("pk", flat=True)),
    }


def offboarding_submit(*, actor: User, case: Offboarding) -> Offboarding:
    """draft -> proposed, and tell the managers who may decide that a decision awaits."""
    with transaction.atomic():
        case = lock(case)
        if case.status == S.DRAFT:
            permissions.SUBMIT.check(actor, case)
            if not case.summary.strip():
                raise Refused(_("Write a summary for the manager before submitting."))
            if not case.incidents.exists() and not case.no_incident_justification.strip():
                raise Refused(
                    _("Link at least one incident, or explain why there is none on record.")
                )
        transition(actor=actor, case=case, action="submit")
        case.proposed_by = actor
        case.proposed_at = timezone.now()
        case.save(update_fields=["proposed_by", "proposed_at", "updated_at"])
        transaction.on_commit(lambda: _notify_deciders(case_id=case.pk))
        transaction.on_commit(lambda: _ask_the_team(case_id=case.pk))
    return case


def team_members_asked(case: Offboarding):
    """Who is asked for a view: the account's lead and team, but not whoever sent it."""
    client = case.client
    people = {client.account_lead_id, *client.team.values_list("pk", flat=True)}
    people.discard(case.proposed_by_id)
    return User.objects.filter(pk__in=people, is_active=True)


def _ask_the_team(*, case_id: int) -> None:
    case = Offboarding.objects.select_related("client", "proposed_by").get(pk=case_id)
    if case.status != S.PROPOSED:
        return
    url = f"{settings.SITE_URL}{reverse('offboarding:detail', args=[case.pk])}#team-view"
    by_language: dict[str, list[str]] = {}
    for email, language in (
        team_members_asked(case).exclude(email="").values_list("email", "language")
    ):
        by_language.setdefault(language or settings.LANGUAGE_CODE, []).append(email)
    for language, recipients in sorted(by_language.items()):
        with translation.override(language):
            values = {"client": case.client.name, "proposer": case.proposed_by}
            send_mail(
                subject="[Clean Break] " + _("Your view: ending the work with %(client)s") % values,
                message=(
                    _(
                        "%(proposer)s proposes ending the work with %(client)s. You work on "
                        "the account: do you agree? Your view is shown to the manager who "
                        "decides, beside the evidence."
                    )
                    % values
                    + f"\n\n{url}\n"
                ),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=recipients,
                fail_silently=True,
            )


def team_view_save(*, actor: User, case: Offboarding, verdict: str, comment: str = "") -> TeamView:
    """A team member's view on the proposal, kept (and changeable) until the decision."""
    if verdict not in TeamView.Verdict.values:
        raise Refused(_("Choose agree, disagree or unsure."))
    with transaction.atomic():
        case = lock(case)
        permissions.GIVE_VIEW.check(actor, case)
        if case.status != S.PROPOSED:
            raise Refused(_("Views are given while the proposal awaits its decision."))
        view, created = TeamView.objects.update_or_create(
            case=case, author=actor, defaults={"verdict": verdict, "comment": comment.strip()}
        )
        audit(
            actor,
            case,
            AuditEvent.Action.CREATED if created else AuditEvent.Action.UPDATED,
            # Translators: e.g. "View on the proposal: Disagree".
            gettext_noop("View on the proposal: %(verdict_label)s"),
            {"verdict_label": TeamView.Verdict(verdict).label},
            obj=view,
        )
    return view


def _notify_deciders(*, case_id: int) -> None:
    case = Offboarding.objects.select_related("client", "proposed_by").get(pk=case_id)
    if case.status != S.PROPOSED:
        return  # decided (or withdrawn) in the meantime: nothing awaits a manager
    # One e-mail per language, each in the language its readers chose.
    by_language: dict[str, list[str]] = {}
    for email, language in (
        permissions.deciders(case).exclude(email="").values_list("email", "language")
    ):
        by_language.setdefault(language or settings.LANGUAGE_CODE, []).append(email)
    url = f"{settings.SITE_URL}{reverse('offboarding:decide', args=[case.pk])}"
    for language, recipients in sorted(by_language.items()):
        with translation.override(language):
            # Only the client's name and the proposer: the reasons stay inside the app.
            values = {"client": case.client.name, "proposer": case.proposed_by}
            send_mail(
                subject="[Clean Break] " + _("Decision needed: offboarding of %(client)s") % values,
                message=(
                    _("Client: %(client)s") % values
                    + "\n"
                    + _("Proposed by: %(proposer)s") % values
                    + "\n\n"
                    + _("Review the evidence and decide:")
                    + f"\n{url}\n"
                ),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=recipients,
                fail_silently=True,
            )


# --- Decision -------------------------------------------------------------------------------


def _decide(*, actor: User, case: Offboarding, comment: str, action: str) -> Offboarding:
    comment = comment.strip()
    if not comment:
        raise Refused(_("A decision needs a comment that explains it."))
    with transaction.atomic():
        case = lock(case)
        permissions.check_decide(actor, case)
        transition(actor=actor, case=case, action=action, comment=comment)
        case.decided_by = actor
        case.decided_at = timezone.now()
        case.decision_comment = comment
        if action == "reject":
            case.close_reason = comment
        case.save()
    return case


def offboarding_approve(*, actor: User, case: Offboarding, comment: str) -> Offboarding:
    return _decide(actor=actor, case=case, comment=comment, action="approve")


def offboarding_reject(*, actor: User, case: Offboarding, comment: str) -> Offboarding:
    return _decide(actor=actor, case=case, comment=comment, action="reject")


# --- Completion and cancellation ------------------------------------------------------------


def offboarding_complete(*, actor: User, case: Offboarding) -> Offboarding:
    with transaction.atomic():
        case = lock(case)
        permissions.COMPLETE.check(actor, case)
        if case.status == S.APPROVED:
            raise Refused(_("Work through the steps first: nothing has been done yet."))
        if case.status == S.IN_PROGRESS:
            missing = progress.missing_for_completion(case)
            if missing:
                raise Refused(
                    # Translators: %(items)s lists the open steps, e.g. "Deliverables, Close-out".
                    _("Still to do before completing: %(items)s.") % {"items": ", ".join(missing)}
                )
        transition(actor=actor, case=case, action="complete")
    return case


def offboarding_cancel(*, actor: User, case: Offboarding, reason: str) -> Offboarding:
    reason = reason.strip()
    if not reason:
        raise Refused(_("Say why the offboarding is cancelled."))
    with transaction.atomic():
        case = lock(case)
        permissions.CANCEL.check(actor, case)
        transition(actor=actor, case=case, action="cancel", comment=reason)
        case.close_reason = reason
        case.save(update_fields=["close_reason", "updated_at"])
    return case


def retrospective_save(
    *,
    actor: User,
    case: Offboarding,
    early_signs: Iterable[str],
    other_signs: str = "",
    do_differently: str = "",
) -> Retrospective:
    """The look back on a completed or cancelled case: internal, kept in the dossier, and
    what the screening of the next prospect learns from."""
    signs = [code for code in Retrospective.Sign.values if code in set(early_signs)]
    with transaction.atomic():
        case = lock(case)
        permissions.LOOK_BACK.check(actor, case)
        if case.status not in (S.COMPLETED, S.CANCELLED):
            raise Refused(_("The look back is written once the case is completed or cancelled."))
        retrospective, created = Retrospective.objects.update_or_create(
            case=case,
            defaults={
                "early_signs": signs,
                "other_signs": other_signs.strip(),
                "do_differently": do_differently.strip(),
                "updated_by": actor,
            },
        )
        audit(
            actor,
            case,
            AuditEvent.Action.CREATED if created else AuditEvent.Action.UPDATED,
            gettext_noop("Look back recorded") if created else gettext_noop("Look back updated"),
            obj=retrospective,
        )
    return retrospective
