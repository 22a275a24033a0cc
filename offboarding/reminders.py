"""Reminders before a deadline slips: a daily job (Celery beat runs offboarding.tasks's
send_reminders, which calls this, like the pipeline for documents) e-mails each reminder
once, in its recipient's language.

- the lead: 7, 3 and 1 days before the last day to give notice of a running case;
- the lead: the day before the termination call;
- the lead: 7 days before the collaboration ends;
- the lead: an asset whose renewal falls within 30 days of the end, 30 days before it;
- the managers: doors of the ledger still open 7 days after the end;
- the managers: a handover room that expired without an acknowledgement.

Each reminder is claimed first under a unique key (a Reminder row) in the transaction
that sends it, so a retried task, a restarted beat or two workers at once send it once.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from agency.formatting import long_date
from agency.models import User

from .models import Asset, HandoverRoom, Offboarding, Reminder

logger = logging.getLogger(__name__)

NOTICE_DAYS = (1, 3, 7)  # the nearest one due is sent
END_DAYS = 7
RENEWAL_WINDOW = 30
OPEN_AFTER_END_DAYS = 7


def _managers() -> list[User]:
    return list(User.objects.filter(role=User.Role.MANAGER, is_active=True).exclude(email=""))


def _send(key: str, kind: str, case: Offboarding, person: User, subject, body) -> bool:
    """Claim the key and send; a key already taken sends nothing. `subject` and `body` are
    called in the person's language."""
    if not person.email or not person.is_active:
        return False
    try:
        with transaction.atomic():
            Reminder.objects.create(key=key[:200], kind=kind, case=case, recipient=person)
            with translation.override(person.language or settings.LANGUAGE_CODE):
                url = f"{settings.SITE_URL}{reverse('offboarding:detail', args=[case.pk])}"
                send_mail(
                    subject="[Clean Break] " + subject(),
                    message=body() + f"\n\n{url}\n",
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    recipient_list=[person.email],
                    fail_silently=False,
                )
    except IntegrityError:
        return False  # sent already (or being sent by another run right now)
    except Exception:  # the mail server refused: nothing is recorded, tomorrow tries again
        logger.warning("Reminder %s for case %s could not be sent", kind, case.pk)
        return False
    return True


def reminders_send(*, today: dt.date | None = None, now: dt.datetime | None = None) -> int:
    """Send every reminder due today that was not sent before. Returns how many went."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    sent = 0
    cases = Offboarding.objects.filter(status__in=Offboarding.WORKING_STATES).select_related(
        "client", "client__account_lead", "review", "call"
    )
    for case in cases:
        sent += _case_reminders(case, today=today)
    sent += _expired_rooms(now=now)
    return sent


def _case_reminders(case: Offboarding, *, today: dt.date) -> int:
    lead = case.client.account_lead
    client = case.client.name
    review, call = case.contract_review, case.call_plan
    sent = 0
    if review and review.notice_deadline:
        left = (review.notice_deadline - today).days
        due = [d for d in NOTICE_DAYS if 0 <= left <= d]
        if due:
            days = min(due)
            date = review.notice_deadline
            sent += _send(
                f"notice:{case.pk}:{date}:{days}:{lead.pk}",
                "notice",
                case,
                lead,
                lambda: (
                    _("Notice deadline for %(client)s: %(date)s")
                    % {"client": client, "date": long_date(date)}
                ),
                lambda: (
                    _(
                        "The last day to give notice to %(client)s is %(date)s. Give it in writing "
                        "by then, or the contract runs on."
                    )
                    % {"client": client, "date": long_date(date)}
                ),
            )
    if call and call.held == call.Held.PLANNED:
        start = timezone.localtime(call.scheduled_at)
        if start.date() - dt.timedelta(days=1) <= today < start.date():
            sent += _send(
                f"call:{case.pk}:{start.isoformat()}:{lead.pk}",
                "call",
                case,
                lead,
                lambda: _("Tomorrow: the termination call with %(client)s") % {"client": client},
                lambda: (
                    _(
                        "The termination call with %(client)s is on %(date)s at %(time)s. The "
                        "script and the talking points are on the call plan."
                    )
                    % {"client": client, "date": long_date(start.date()), "time": f"{start:%H:%M}"}
                ),
            )
    if review:
        end = review.effective_end
        if end - dt.timedelta(days=END_DAYS) <= today <= end:
            sent += _send(
                f"end:{case.pk}:{end}:{lead.pk}",
                "end",
                case,
                lead,
                lambda: (
                    _("%(client)s: the collaboration ends on %(date)s")
                    % {"client": client, "date": long_date(end)}
                ),
                lambda: (
                    _(
                        "The collaboration with %(client)s ends on %(date)s. Check the handover, "
                        "the close-out ledger and the final invoice."
                    )
                    % {"client": client, "date": long_date(end)}
                ),
            )
        for asset in case.assets.exclude(renewal_on=None):
            renewal = asset.renewal_on
            near_end = abs((renewal - end).days) <= RENEWAL_WINDOW
            if near_end and renewal - dt.timedelta(days=RENEWAL_WINDOW) <= today <= renewal:
                sent += _send(
                    f"renewal:{asset.pk}:{renewal}:{lead.pk}",
                    "renewal",
                    case,
                    lead,
                    lambda asset=asset, renewal=renewal: (
                        _("%(asset)s of %(client)s renews on %(date)s")
                        % {"asset": asset.name, "client": client, "date": long_date(renewal)}
                    ),
                    lambda asset=asset, renewal=renewal: (
                        _(
                            "%(asset)s renews on %(date)s, close to the end of the collaboration. "
                            "Who pays: %(payer)s. Make sure the transfer is done first."
                        )
                        % {
                            "asset": asset.name,
                            "date": long_date(renewal),
                            "payer": asset.renewal_payer or "?",
                        }
                    ),
                )
        if today >= end + dt.timedelta(days=OPEN_AFTER_END_DAYS):
            open_rows = case.access_rows.filter(done_at=None, waived_at=None).count()
            open_assets = (
                case.assets.filter(waived_at=None)
                .exclude(transfer_status=Asset.Transfer.CONFIRMED)
                .count()
            )
            if open_rows or open_assets:
                for manager in _managers():
                    sent += _send(
                        f"open-after-end:{case.pk}:{end}:{manager.pk}",
                        "open_after_end",
                        case,
                        manager,
                        lambda: (
                            _("%(client)s: doors still open after the end") % {"client": client}
                        ),
                        lambda: (
                            _(
                                "The collaboration with %(client)s ended on %(date)s and the "
                                "close-out ledger still has %(count)s open rows."
                            )
                            % {
                                "client": client,
                                "date": long_date(end),
                                "count": open_rows + open_assets,
                            }
                        ),
                    )
    return sent


def _expired_rooms(*, now: dt.datetime) -> int:
    sent = 0
    rooms = HandoverRoom.objects.filter(
        revoked_at=None, expires_at__lte=now, receipt=None
    ).select_related("case__client")
    for room in rooms:
        client = room.case.client.name
        for manager in _managers():
            sent += _send(
                f"room-expired:{room.pk}:{manager.pk}",
                "room_expired",
                room.case,
                manager,
                lambda client=client: (
                    _("%(client)s: the handover room expired unacknowledged") % {"client": client}
                ),
                lambda client=client: (
                    _(
                        "The handover room of %(client)s expired without an acknowledgement. The "
                        "account lead can extend it or open a new one."
                    )
                    % {"client": client}
                ),
            )
    return sent
