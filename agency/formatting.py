"""Money and dates written the way a native reader of the active language writes them.

Babel holds the locale data (CLDR): where the currency sign goes, which separators,
how a long date reads ("2 december 2026", "2 dicembre 2026", "2026. december 2.").
Both follow the active translation (`translation.override` for a document), so a
Dutch page and a Hungarian letter format the same amount each in their own way.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency
from django.conf import settings
from django.utils import formats, timezone, translation


def babel_locale(language: str | None = None) -> str:
    """Babel's name for a Django language code: "en-gb" -> "en_GB", "nl" -> "nl"."""
    return translation.to_locale(language or translation.get_language() or "en-gb")


def money(amount: Decimal | int | float | None, currency: str, language: str | None = None) -> str:
    """An amount with its currency, e.g. "€ 1.234,50" in Dutch, "1 234,50 Ft" in Hungarian."""
    if amount is None or amount == "":
        return ""
    return format_currency(Decimal(str(amount)), currency, locale=babel_locale(language))


def long_date(value: dt.date | dt.datetime | None, language: str | None = None) -> str:
    """A date written out in full: "2 December 2026", "2026. december 2."."""
    if not value:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return format_date(value, format="long", locale=babel_locale(language))


# --- Dates in the audit trail's summary parameters ---------------------------------------


def stored_param(value):
    """A summary parameter as the audit log keeps it (JSON): dates as {"date": iso}."""
    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    return value


def shown_param(value):
    """A stored summary parameter as the active language writes it."""
    if isinstance(value, dict) and "datetime" in value:
        moment = dt.datetime.fromisoformat(value["datetime"])
        return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")
    if isinstance(value, dict) and "date" in value:
        return formats.date_format(dt.date.fromisoformat(value["date"]), "DATE_FORMAT")
    if isinstance(value, dt.datetime):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, dt.date):
        return formats.date_format(value, "DATE_FORMAT")
    return value


def in_every_language(write) -> dict[str, str]:
    """What `write()` says in each interface language: {"en-gb": ..., "nl": ...}. For text
    the app writes once and people read later (an audit comment), so that each reader
    finds it in their own language."""
    written = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            written[language] = str(write())
    return written
