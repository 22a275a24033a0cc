"""Contract notice-period arithmetic: when may the agency end a client contract?

This module is the only place that works out term ends, notice deadlines and
effective end dates. It is plain Python (Django only for translating the messages a
person reads and writing their dates in the active language) so it can be tested in
isolation and reused from models, views, forms and background tasks alike.

Vocabulary used throughout:

* A *rolling* contract has no end date. It runs until someone gives notice.
* A *fixed* contract has an end date. If it does not auto-renew, it simply
  stops on that date; once that date is in the past the contract is *expired*.
* An *auto-renewing* contract has an end date too, but when it is reached
  without notice the term extends by ``renewal_months``. Renewed term ends are
  always counted from the ORIGINAL end date (``end + k * renewal_months``),
  never by chaining one renewal onto the previous one, so that a contract
  ending on 31 January keeps ending on month ends rather than drifting to the
  28th after passing through February.
* The *notice deadline* is the last day on which notice can be given so the
  contract ends exactly at a term end: ``term_end - notice_days``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

__all__ = [
    "Basis",
    "EffectiveEnd",
    "NoticeDates",
    "add_months",
    "breaks_notice",
    "effective_end",
    "format_date",
    "notice_dates",
]

_MONTH_ABBREVIATIONS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)


def add_months(day: dt.date, months: int) -> dt.date:
    """Move ``day`` by a number of calendar months, clamping to the month's last day.

    The day of the month is kept when the target month has it, otherwise the
    last day of the target month is used:

    * 31 Jan 2025 + 1 month  -> 28 Feb 2025 (29 Feb in a leap year)
    * 31 Aug 2025 + 1 month  -> 30 Sep 2025
    * 29 Feb 2024 + 12 months -> 28 Feb 2025

    ``months`` may be zero or negative (31 Mar 2025 - 1 month -> 28 Feb 2025).
    """
    month_index = day.year * 12 + (day.month - 1) + months
    year, month_zero_based = divmod(month_index, 12)
    month = month_zero_based + 1
    last_day = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last_day))


def format_date(day: dt.date) -> str:
    """Format a date for people, e.g. ``3 Dec 2026`` (no leading zero, locale independent)."""
    return f"{day.day} {_MONTH_ABBREVIATIONS[day.month - 1]} {day.year}"


def _shown(day: dt.date) -> str:
    """A date in a message, as the active language writes it ("3 Dec 2026" in English)."""
    return date_format(day, "DATE_FORMAT")


def _negative_notice(notice_days: int) -> str:
    return ngettext(
        "The notice period cannot be negative (got %(days)s day).",
        "The notice period cannot be negative (got %(days)s days).",
        notice_days,
    ) % {"days": notice_days}


@dataclass(frozen=True)
class NoticeDates:
    """A snapshot of a contract's notice position as seen on a given day.

    Attributes:
        rolling: The contract has no end date.
        term_end: End of the current term; ``None`` for rolling contracts. For an
            auto-renewing contract whose original end has passed, this is the first
            renewed term end (counted from the original end) on or after today.
        notice_deadline: Last day notice can be given to end exactly at
            ``term_end`` (``term_end - notice_days``); ``None`` for rolling contracts.
        deadline_passed: Today is after ``notice_deadline``. Always ``False`` for
            rolling contracts. A deadline falling on today has NOT passed.
        next_reachable_term_end: The term end the contract can still be ended at if
            notice is given today. For a fixed, non-renewing contract this is always
            ``term_end`` (it ends then regardless). ``None`` for rolling contracts.
        earliest_end_if_notice_today: ``today + notice_days``, but never later than
            the end of a fixed, non-renewing contract (and equal to that end if the
            contract has already expired).
        expired: A fixed, non-renewing contract whose end date is before today.
    """

    rolling: bool
    term_end: dt.date | None
    notice_deadline: dt.date | None
    deadline_passed: bool
    next_reachable_term_end: dt.date | None
    earliest_end_if_notice_today: dt.date
    expired: bool


def _validate(
    *,
    start: dt.date,
    end: dt.date | None,
    notice_days: int,
    auto_renews: bool,
    renewal_months: int,
) -> None:
    """Raise ``ValueError`` with a readable message if the contract terms are inconsistent."""
    if notice_days < 0:
        raise ValueError(_negative_notice(notice_days))
    if auto_renews and renewal_months < 1:
        raise ValueError(
            _(
                "An auto-renewing contract needs a renewal period of at least 1 month "
                "(got %(months)s)."
            )
            % {"months": renewal_months}
        )
    if end is not None and end < start:
        raise ValueError(
            _("The contract cannot end (%(end)s) before it starts (%(start)s).")
            % {"end": _shown(end), "start": _shown(start)}
        )


def _renewed_term_end(end: dt.date, renewal_months: int, renewals: int) -> dt.date:
    """The term end after ``renewals`` renewals, always counted from the original ``end``."""
    return add_months(end, renewals * renewal_months)


def _first_renewal_on_or_after(end: dt.date, renewal_months: int, today: dt.date) -> int:
    """The smallest number of renewals ``k >= 0`` whose term end is on or after ``today``."""
    months_behind = (today.year - end.year) * 12 + (today.month - end.month)
    # Any renewal count below this estimate lands in a month before today's, so it
    # is certainly too early. Starting here avoids walking through decades of
    # renewals one by one; at most a step or two remains.
    renewals = max(0, months_behind // renewal_months)
    while _renewed_term_end(end, renewal_months, renewals) < today:
        renewals += 1
    return renewals


def notice_dates(
    *,
    start: dt.date,
    end: dt.date | None,
    notice_days: int,
    auto_renews: bool,
    renewal_months: int,
    today: dt.date,
) -> NoticeDates:
    """Work out the notice position of a contract on ``today``.

    Args:
        start: First day of the contract (used for validation only).
        end: Last day of the original term, or ``None`` for a rolling contract.
        notice_days: Days of notice the contract requires (0 or more).
        auto_renews: Whether the term renews by itself when no notice is given.
        renewal_months: Length of each renewal in months (at least 1 if ``auto_renews``).
        today: The day the question is asked (also "the day notice would be given").

    Raises:
        ValueError: ``notice_days`` is negative, an auto-renewing contract has a
            renewal period under one month, or ``end`` is before ``start``.
    """
    _validate(
        start=start,
        end=end,
        notice_days=notice_days,
        auto_renews=auto_renews,
        renewal_months=renewal_months,
    )
    notice = dt.timedelta(days=notice_days)
    earliest = today + notice

    if end is None:
        return NoticeDates(
            rolling=True,
            term_end=None,
            notice_deadline=None,
            deadline_passed=False,
            next_reachable_term_end=None,
            earliest_end_if_notice_today=earliest,
            expired=False,
        )

    if not auto_renews:
        deadline = end - notice
        return NoticeDates(
            rolling=False,
            term_end=end,
            notice_deadline=deadline,
            deadline_passed=today > deadline,
            next_reachable_term_end=end,
            earliest_end_if_notice_today=min(earliest, end),
            expired=end < today,
        )

    renewals = _first_renewal_on_or_after(end, renewal_months, today)
    term_end = _renewed_term_end(end, renewal_months, renewals)
    deadline = term_end - notice

    # With a notice period longer than one renewal term, the following term's
    # deadline may also have passed, so keep going until one is reachable.
    reachable_renewals = renewals
    while _renewed_term_end(end, renewal_months, reachable_renewals) - notice < today:
        reachable_renewals += 1

    return NoticeDates(
        rolling=False,
        term_end=term_end,
        notice_deadline=deadline,
        deadline_passed=today > deadline,
        next_reachable_term_end=_renewed_term_end(end, renewal_months, reachable_renewals),
        earliest_end_if_notice_today=earliest,
        expired=False,
    )


class Basis(enum.StrEnum):
    """How the contract review chose to end the contract."""

    END_OF_TERM = "end_of_term"
    """At the next term end that can still be reached with proper notice."""
    NOTICE = "notice"
    """As soon as the notice period allows."""
    IMMEDIATE = "immediate"
    """On a chosen day (normally today), usually without serving the notice period."""


@dataclass(frozen=True)
class EffectiveEnd:
    """The day a contract will actually end, and whether that respects the notice period.

    Attributes:
        end_date: The day the contract ends.
        notice_given_on: The day notice was (or will be) given.
        required_notice_end: The earliest end that respects the notice period:
            ``notice_given_on + notice_days``, except that a fixed, non-renewing
            contract never needs to run past its own end date, so for such a
            contract this is capped at the end date.
        breaks_notice: ``end_date < required_notice_end``.
        warning: ``""`` when nothing needs the user's attention; otherwise one or
            more plain-English sentences explaining the problem.
    """

    end_date: dt.date
    notice_given_on: dt.date
    required_notice_end: dt.date
    breaks_notice: bool
    warning: str


def breaks_notice(*, end_date: dt.date, notice_given_on: dt.date, notice_days: int) -> bool:
    """Whether ending on ``end_date`` gives less notice than ``notice_days``.

    This is the bare rule (``end_date < notice_given_on + notice_days``); it knows
    nothing about a contract's own end date. ``effective_end`` applies the extra
    rule that a fixed, non-renewing contract may always end on its end date.
    """
    if notice_days < 0:
        raise ValueError(_negative_notice(notice_days))
    return end_date < notice_given_on + dt.timedelta(days=notice_days)


def _coerce_basis(basis: Basis | str) -> Basis:
    try:
        return Basis(basis)
    except ValueError:
        choices = ", ".join(repr(b.value) for b in Basis)
        raise ValueError(
            f"Unknown termination basis {basis!r}; expected one of {choices}."
        ) from None


def effective_end(
    *,
    basis: Basis | str,
    notice_given_on: dt.date,
    start: dt.date,
    end: dt.date | None,
    notice_days: int,
    auto_renews: bool,
    renewal_months: int,
    immediate_on: dt.date | None = None,
) -> EffectiveEnd:
    """Work out when a contract ends on the chosen basis, and warn if notice is cut short.

    * ``END_OF_TERM``: the next term end still reachable with notice given on
      ``notice_given_on``. A rolling contract has no term, so this falls back to
      ``NOTICE``.
    * ``NOTICE``: ``notice_given_on + notice_days``; a fixed, non-renewing contract
      is capped at its end date.
    * ``IMMEDIATE``: ``immediate_on`` if given, else ``notice_given_on``. A fixed,
      non-renewing contract is capped at its end date. This normally breaks the
      notice period, and the warning then says so. ``immediate_on`` is ignored for
      the other bases.

    A fixed, non-renewing contract that had already ended before notice was given
    ends on its end date whatever the basis, with a warning saying so.

    Raises:
        ValueError: for the same invalid terms as ``notice_dates``, an unknown
            ``basis``, or an ``immediate_on`` earlier than ``notice_given_on``.
    """
    chosen = _coerce_basis(basis)
    position = notice_dates(
        start=start,
        end=end,
        notice_days=notice_days,
        auto_renews=auto_renews,
        renewal_months=renewal_months,
        today=notice_given_on,
    )
    if immediate_on is not None and immediate_on < notice_given_on:
        raise ValueError(
            _("An immediate end (%(end)s) cannot be before the day notice is given (%(given)s).")
            % {"end": _shown(immediate_on), "given": _shown(notice_given_on)}
        )

    fixed_end = end if (end is not None and not auto_renews) else None
    required = position.earliest_end_if_notice_today

    if chosen is Basis.END_OF_TERM and position.next_reachable_term_end is not None:
        end_date = position.next_reachable_term_end
    elif chosen is Basis.IMMEDIATE:
        end_date = immediate_on or notice_given_on
        if fixed_end is not None:
            end_date = min(end_date, fixed_end)
    else:  # NOTICE, or END_OF_TERM on a rolling contract
        end_date = required

    breaks = end_date < required
    warnings: list[str] = []
    if position.expired and fixed_end is not None:
        warnings.append(
            _(
                "The contract's fixed term already ended on %(end)s, before notice was given "
                "on %(given)s; no notice period applies."
            )
            % {"end": _shown(fixed_end), "given": _shown(notice_given_on)}
        )
    if breaks:
        given = (end_date - notice_given_on).days
        capped = fixed_end is not None and required == fixed_end
        values = {
            "end": _shown(end_date),
            "given": given,
            "required": notice_days,
            "earliest": _shown(required),
        }
        if capped:
            # Translators: given and required are numbers of days; earliest is a date.
            message = ngettext(
                "Ending on %(end)s gives %(given)s day's notice; the contract requires "
                "%(required)s (earliest %(earliest)s, when the fixed term ends).",
                "Ending on %(end)s gives %(given)s days' notice; the contract requires "
                "%(required)s (earliest %(earliest)s, when the fixed term ends).",
                given,
            )
        else:
            # Translators: given and required are numbers of days; earliest is a date.
            message = ngettext(
                "Ending on %(end)s gives %(given)s day's notice; the contract requires "
                "%(required)s (earliest %(earliest)s).",
                "Ending on %(end)s gives %(given)s days' notice; the contract requires "
                "%(required)s (earliest %(earliest)s).",
                given,
            )
        warnings.append(message % values)
        warnings.append(_("Only end early by agreement or for abuse or unethical requests."))

    return EffectiveEnd(
        end_date=end_date,
        notice_given_on=notice_given_on,
        required_notice_end=required,
        breaks_notice=breaks,
        warning=" ".join(warnings),
    )
