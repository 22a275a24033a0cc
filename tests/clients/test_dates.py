"""Tests for clients.dates: term ends, notice deadlines and effective end dates."""

import dataclasses
import datetime as dt
from typing import Any

import pytest

from clients.dates import (
    Basis,
    add_months,
    breaks_notice,
    effective_end,
    format_date,
    notice_dates,
)

D = dt.date


def rolling(**overrides: Any) -> dict[str, Any]:
    """A rolling contract (no end date) with 30 days' notice."""
    terms: dict[str, Any] = {
        "start": D(2025, 1, 1),
        "end": None,
        "notice_days": 30,
        "auto_renews": False,
        "renewal_months": 12,
    }
    return terms | overrides


def fixed(**overrides: Any) -> dict[str, Any]:
    """A fixed, non-renewing 2025 contract with 30 days' notice (deadline 1 Dec 2025)."""
    terms: dict[str, Any] = {
        "start": D(2025, 1, 1),
        "end": D(2025, 12, 31),
        "notice_days": 30,
        "auto_renews": False,
        "renewal_months": 12,
    }
    return terms | overrides


def renewing(**overrides: Any) -> dict[str, Any]:
    """A yearly auto-renewing contract first ending 31 Dec 2022, with 60 days' notice.

    Every renewed term ends on 31 Dec; the notice deadline each year is 1 Nov.
    """
    terms: dict[str, Any] = {
        "start": D(2022, 1, 1),
        "end": D(2022, 12, 31),
        "notice_days": 60,
        "auto_renews": True,
        "renewal_months": 12,
    }
    return terms | overrides


# --- add_months -------------------------------------------------------------------


def test_add_months_keeps_day_when_target_month_has_it() -> None:
    assert add_months(D(2025, 1, 15), 1) == D(2025, 2, 15)
    assert add_months(D(2025, 1, 15), 0) == D(2025, 1, 15)


def test_add_months_clamps_31_january_to_end_of_february() -> None:
    assert add_months(D(2025, 1, 31), 1) == D(2025, 2, 28)
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)


def test_add_months_clamps_31_august_to_30_september() -> None:
    assert add_months(D(2025, 8, 31), 1) == D(2025, 9, 30)


def test_add_months_from_leap_day_lands_on_28_february_in_common_years() -> None:
    assert add_months(D(2024, 2, 29), 12) == D(2025, 2, 28)
    assert add_months(D(2024, 2, 29), 48) == D(2028, 2, 29)


def test_add_months_crosses_year_boundaries_both_ways() -> None:
    assert add_months(D(2025, 11, 30), 3) == D(2026, 2, 28)
    assert add_months(D(2025, 1, 15), -1) == D(2024, 12, 15)
    assert add_months(D(2025, 3, 31), -13) == D(2024, 2, 29)


def test_add_months_accepts_negative_months_with_clamping() -> None:
    assert add_months(D(2025, 3, 31), -1) == D(2025, 2, 28)
    assert add_months(D(2025, 2, 28), -12) == D(2024, 2, 28)


def test_format_date_has_no_leading_zero_and_short_month() -> None:
    assert format_date(D(2026, 12, 3)) == "3 Dec 2026"
    assert format_date(D(2025, 9, 30)) == "30 Sep 2025"


# --- notice_dates: rolling contracts ------------------------------------------------


def test_rolling_contract_ends_notice_days_after_today() -> None:
    result = notice_dates(**rolling(), today=D(2025, 3, 10))

    assert result.rolling is True
    assert result.earliest_end_if_notice_today == D(2025, 4, 9)
    assert result.term_end is None
    assert result.notice_deadline is None
    assert result.next_reachable_term_end is None
    assert result.deadline_passed is False
    assert result.expired is False


def test_rolling_contract_with_zero_notice_can_end_today() -> None:
    result = notice_dates(**rolling(notice_days=0), today=D(2025, 3, 10))

    assert result.earliest_end_if_notice_today == D(2025, 3, 10)


# --- notice_dates: fixed, non-renewing contracts ------------------------------------


def test_fixed_contract_before_deadline_can_end_at_term_end() -> None:
    result = notice_dates(**fixed(), today=D(2025, 11, 1))

    assert result.rolling is False
    assert result.term_end == D(2025, 12, 31)
    assert result.notice_deadline == D(2025, 12, 1)
    assert result.deadline_passed is False
    assert result.next_reachable_term_end == D(2025, 12, 31)
    assert result.earliest_end_if_notice_today == D(2025, 12, 1)
    assert result.expired is False


def test_deadline_falling_on_today_has_not_passed() -> None:
    on_deadline = notice_dates(**fixed(), today=D(2025, 12, 1))
    day_after = notice_dates(**fixed(), today=D(2025, 12, 2))

    assert on_deadline.deadline_passed is False
    assert day_after.deadline_passed is True


def test_fixed_contract_after_deadline_still_ends_at_term_end() -> None:
    result = notice_dates(**fixed(), today=D(2025, 12, 15))

    assert result.deadline_passed is True
    assert result.next_reachable_term_end == D(2025, 12, 31)
    # today + 30 days would be 14 Jan 2026, but the contract stops on 31 Dec anyway.
    assert result.earliest_end_if_notice_today == D(2025, 12, 31)
    assert result.expired is False


def test_fixed_contract_ending_today_is_not_expired() -> None:
    result = notice_dates(**fixed(), today=D(2025, 12, 31))

    assert result.expired is False
    assert result.earliest_end_if_notice_today == D(2025, 12, 31)


def test_fixed_contract_whose_end_has_passed_is_expired() -> None:
    result = notice_dates(**fixed(), today=D(2026, 1, 5))

    assert result.expired is True
    assert result.term_end == D(2025, 12, 31)
    assert result.deadline_passed is True
    assert result.earliest_end_if_notice_today == D(2025, 12, 31)


def test_fixed_contract_with_zero_notice_has_deadline_on_end_day() -> None:
    result = notice_dates(**fixed(notice_days=0), today=D(2025, 12, 31))

    assert result.notice_deadline == D(2025, 12, 31)
    assert result.deadline_passed is False


def test_fixed_contract_ending_on_leap_day() -> None:
    terms = fixed(start=D(2023, 3, 1), end=D(2024, 2, 29), notice_days=29)

    assert notice_dates(**terms, today=D(2024, 1, 31)).notice_deadline == D(2024, 1, 31)
    assert notice_dates(**terms, today=D(2024, 1, 31)).deadline_passed is False
    assert notice_dates(**terms, today=D(2024, 3, 1)).expired is True


# --- notice_dates: auto-renewing contracts ------------------------------------------


def test_auto_renewing_contract_before_original_end_uses_original_term() -> None:
    result = notice_dates(**renewing(), today=D(2022, 6, 1))

    assert result.term_end == D(2022, 12, 31)
    assert result.notice_deadline == D(2022, 11, 1)


def test_auto_renewing_contract_rolls_forward_several_terms() -> None:
    result = notice_dates(**renewing(), today=D(2025, 6, 1))

    assert result.term_end == D(2025, 12, 31)
    assert result.notice_deadline == D(2025, 11, 1)
    assert result.deadline_passed is False
    assert result.next_reachable_term_end == D(2025, 12, 31)
    assert result.earliest_end_if_notice_today == D(2025, 7, 31)
    assert result.expired is False


def test_auto_renewing_contract_after_deadline_reaches_following_term_end() -> None:
    result = notice_dates(**renewing(), today=D(2025, 11, 15))

    assert result.term_end == D(2025, 12, 31)
    assert result.deadline_passed is True
    assert result.next_reachable_term_end == D(2026, 12, 31)
    # Auto-renewing contracts are never capped: the notice period simply runs.
    assert result.earliest_end_if_notice_today == D(2026, 1, 14)


def test_auto_renewing_term_ending_today_is_still_the_current_term() -> None:
    result = notice_dates(**renewing(notice_days=0), today=D(2025, 12, 31))

    assert result.term_end == D(2025, 12, 31)
    assert result.deadline_passed is False
    assert result.next_reachable_term_end == D(2025, 12, 31)


def test_auto_renewing_contract_is_never_expired() -> None:
    result = notice_dates(**renewing(), today=D(2030, 1, 1))

    assert result.expired is False
    assert result.term_end == D(2030, 12, 31)


def test_monthly_renewals_from_31_january_stay_on_month_ends() -> None:
    terms = renewing(start=D(2024, 2, 1), end=D(2025, 1, 31), renewal_months=1, notice_days=0)

    # Chaining renewals would drift to 28 Apr after passing through February.
    assert notice_dates(**terms, today=D(2025, 4, 15)).term_end == D(2025, 4, 30)
    assert notice_dates(**terms, today=D(2026, 2, 10)).term_end == D(2026, 2, 28)
    assert notice_dates(**terms, today=D(2027, 12, 1)).term_end == D(2027, 12, 31)
    assert notice_dates(**terms, today=D(2028, 2, 2)).term_end == D(2028, 2, 29)
    assert notice_dates(**terms, today=D(2028, 3, 1)).term_end == D(2028, 3, 31)


def test_yearly_renewals_from_leap_day_return_to_leap_day_in_leap_years() -> None:
    terms = renewing(start=D(2023, 3, 1), end=D(2024, 2, 29), notice_days=0)

    assert notice_dates(**terms, today=D(2025, 1, 1)).term_end == D(2025, 2, 28)
    assert notice_dates(**terms, today=D(2027, 3, 1)).term_end == D(2028, 2, 29)


def test_notice_longer_than_renewal_period_skips_to_first_reachable_term_end() -> None:
    terms = renewing(start=D(2024, 2, 1), end=D(2025, 1, 31), renewal_months=1, notice_days=90)
    result = notice_dates(**terms, today=D(2025, 2, 1))

    assert result.term_end == D(2025, 2, 28)
    assert result.deadline_passed is True
    # 31 Mar and 30 Apr need notice by 31 Dec / 30 Jan; 31 May needs it by 2 Mar.
    assert result.next_reachable_term_end == D(2025, 5, 31)


# --- breaks_notice -----------------------------------------------------------------


def test_breaks_notice_only_when_end_is_before_full_notice_period() -> None:
    given = D(2026, 11, 28)

    assert breaks_notice(end_date=D(2026, 12, 28), notice_given_on=given, notice_days=30) is False
    assert breaks_notice(end_date=D(2026, 12, 27), notice_given_on=given, notice_days=30) is True
    assert breaks_notice(end_date=given, notice_given_on=given, notice_days=0) is False


# --- effective_end -----------------------------------------------------------------


def test_end_of_term_on_fixed_contract_before_deadline_ends_at_term_end() -> None:
    result = effective_end(basis=Basis.END_OF_TERM, notice_given_on=D(2025, 11, 1), **fixed())

    assert result.end_date == D(2025, 12, 31)
    assert result.notice_given_on == D(2025, 11, 1)
    assert result.required_notice_end == D(2025, 12, 1)
    assert result.breaks_notice is False
    assert result.warning == ""


def test_end_of_term_on_fixed_contract_after_deadline_is_not_a_breach() -> None:
    result = effective_end(basis=Basis.END_OF_TERM, notice_given_on=D(2025, 12, 15), **fixed())

    assert result.end_date == D(2025, 12, 31)
    assert result.required_notice_end == D(2025, 12, 31)
    assert result.breaks_notice is False
    assert result.warning == ""


def test_end_of_term_on_auto_renewing_contract_after_deadline_waits_a_term() -> None:
    result = effective_end(basis=Basis.END_OF_TERM, notice_given_on=D(2025, 11, 15), **renewing())

    assert result.end_date == D(2026, 12, 31)
    assert result.breaks_notice is False


def test_end_of_term_on_rolling_contract_falls_back_to_notice() -> None:
    result = effective_end(basis=Basis.END_OF_TERM, notice_given_on=D(2025, 3, 10), **rolling())

    assert result.end_date == D(2025, 4, 9)
    assert result.breaks_notice is False


def test_notice_basis_ends_notice_days_after_notice_is_given() -> None:
    result = effective_end(basis=Basis.NOTICE, notice_given_on=D(2025, 11, 15), **renewing())

    assert result.end_date == D(2026, 1, 14)
    assert result.required_notice_end == D(2026, 1, 14)
    assert result.breaks_notice is False
    assert result.warning == ""


def test_notice_basis_on_fixed_contract_is_capped_at_its_end() -> None:
    result = effective_end(basis=Basis.NOTICE, notice_given_on=D(2025, 12, 15), **fixed())

    assert result.end_date == D(2025, 12, 31)
    assert result.breaks_notice is False


def test_immediate_end_breaks_notice_and_warns_in_plain_english() -> None:
    result = effective_end(
        basis=Basis.IMMEDIATE,
        notice_given_on=D(2026, 11, 28),
        immediate_on=D(2026, 12, 3),
        **rolling(),
    )

    assert result.end_date == D(2026, 12, 3)
    assert result.required_notice_end == D(2026, 12, 28)
    assert result.breaks_notice is True
    assert result.warning == (
        "Ending on 3 Dec 2026 gives 5 days' notice; the contract requires 30 "
        "(earliest 28 Dec 2026). Only end early by agreement or for abuse or "
        "unethical requests."
    )


def test_immediate_end_without_a_date_ends_on_the_day_notice_is_given() -> None:
    result = effective_end(basis="immediate", notice_given_on=D(2026, 11, 28), **rolling())

    assert result.end_date == D(2026, 11, 28)
    assert result.breaks_notice is True
    assert "gives 0 days' notice" in result.warning


def test_immediate_end_one_day_out_uses_singular_day() -> None:
    result = effective_end(
        basis=Basis.IMMEDIATE,
        notice_given_on=D(2026, 11, 28),
        immediate_on=D(2026, 11, 29),
        **rolling(),
    )

    assert "gives 1 day's notice" in result.warning


def test_immediate_end_on_fixed_contract_names_its_end_as_earliest() -> None:
    terms = fixed(start=D(2026, 1, 1), end=D(2026, 12, 10))
    result = effective_end(basis=Basis.IMMEDIATE, notice_given_on=D(2026, 12, 1), **terms)

    assert result.required_notice_end == D(2026, 12, 10)
    assert result.breaks_notice is True
    assert "(earliest 10 Dec 2026, when the fixed term ends)" in result.warning


def test_immediate_end_with_zero_notice_is_fine() -> None:
    result = effective_end(
        basis=Basis.IMMEDIATE, notice_given_on=D(2026, 11, 28), **rolling(notice_days=0)
    )

    assert result.end_date == D(2026, 11, 28)
    assert result.breaks_notice is False
    assert result.warning == ""


def test_expired_fixed_contract_ends_on_its_end_date_with_a_warning() -> None:
    result = effective_end(basis=Basis.NOTICE, notice_given_on=D(2026, 1, 5), **fixed())

    assert result.end_date == D(2025, 12, 31)
    assert result.breaks_notice is False
    assert result.warning.startswith("The contract's fixed term already ended on 31 Dec 2025")


def test_effective_end_accepts_basis_as_plain_string() -> None:
    as_string = effective_end(basis="end_of_term", notice_given_on=D(2025, 11, 1), **fixed())
    as_enum = effective_end(basis=Basis.END_OF_TERM, notice_given_on=D(2025, 11, 1), **fixed())

    assert as_string == as_enum


def test_results_are_immutable() -> None:
    result = effective_end(basis=Basis.NOTICE, notice_given_on=D(2025, 11, 1), **fixed())

    with pytest.raises(dataclasses.FrozenInstanceError):
        result.end_date = D(2030, 1, 1)  # type: ignore[misc]


# --- validation --------------------------------------------------------------------


def test_negative_notice_days_is_rejected() -> None:
    with pytest.raises(ValueError, match="notice period cannot be negative"):
        notice_dates(**fixed(notice_days=-1), today=D(2025, 6, 1))
    with pytest.raises(ValueError, match="notice period cannot be negative"):
        breaks_notice(end_date=D(2025, 6, 1), notice_given_on=D(2025, 6, 1), notice_days=-1)


def test_auto_renewing_contract_needs_a_renewal_period() -> None:
    with pytest.raises(ValueError, match="at least 1 month"):
        notice_dates(**renewing(renewal_months=0), today=D(2025, 6, 1))


def test_renewal_period_is_ignored_when_contract_does_not_auto_renew() -> None:
    result = notice_dates(**fixed(renewal_months=0), today=D(2025, 6, 1))

    assert result.term_end == D(2025, 12, 31)


def test_end_before_start_is_rejected() -> None:
    with pytest.raises(ValueError, match="cannot end .* before it starts"):
        notice_dates(**fixed(end=D(2024, 12, 31)), today=D(2025, 6, 1))


def test_effective_end_validates_contract_terms() -> None:
    with pytest.raises(ValueError, match="cannot end .* before it starts"):
        effective_end(
            basis=Basis.NOTICE, notice_given_on=D(2025, 6, 1), **fixed(end=D(2024, 12, 31))
        )


def test_unknown_basis_is_rejected() -> None:
    with pytest.raises(ValueError, match="Unknown termination basis 'whenever'"):
        effective_end(basis="whenever", notice_given_on=D(2025, 6, 1), **fixed())


def test_immediate_end_before_notice_is_given_is_rejected() -> None:
    with pytest.raises(ValueError, match="cannot be before the day notice is given"):
        effective_end(
            basis=Basis.IMMEDIATE,
            notice_given_on=D(2025, 6, 10),
            immediate_on=D(2025, 6, 9),
            **rolling(),
        )
