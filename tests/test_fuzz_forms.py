"""Every form-backed page fuzzed through the real views: hostile strings, huge numbers,
wrong dates and wrong ids (hypothesis, Django's test client, a lead or a manager).

For every example, whatever was posted:

* the answer is never a 500, nor is the page a success redirects to, nor any page that
  shows what was saved (every tab of the client, every page of the case, the calendar);
* the status is the expected one: 200 (the form again) or 302 (a success, or a refusal
  with a message), 404 for an id that does not exist or belongs to another client, 403
  where the user may see the object but not change it;
* a form shown again names the problem on the page, and a redirect without a success
  says why in a message;
* a form shown again, a refused action, a 403 or a 404 leaves the database exactly as it
  was: no row added or removed in any model of the project (histories, audit events and
  one-time tokens included), the edited row and its links unchanged, no file left in the
  private media folder. A refused access (a 403, or a 404 hiding someone else's client
  or case) adds its one audit event, nothing else;
* a success saved the row the form is about (exactly one new row for a "new" form), and
  what was typed comes back from the database as Django's form cleaning left it: strings
  stripped, the last value of a field posted twice, dates, amounts and ids parsed;
* when every field holds a valid value, the form takes it.

A third of the examples fill every field validly, a third spoil one field, a third mix
everything (fields left out, lists for single fields). Each example runs in a savepoint
that is rolled back afterwards, so every example starts from the same world, built once
per test in its body; row counts are compared per request, never as absolute numbers.
FUZZ_EXAMPLES=500 searches longer than the default 25; the examples are the same on every
run unless FUZZ_RANDOM=1 asks for new ones.

The bugs these tests found are fixed, and each is pinned at the end of the file as a
regression test with its failing input as an explicit `@example`.
"""

from __future__ import annotations

import datetime as dt
import os
import traceback
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from html import unescape
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib import messages as django_messages
from django.contrib.messages import get_messages
from django.db import connection, transaction
from django.http import QueryDict
from django.http.multipartparser import MultiPartParser
from django.test import Client as Browser
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, assume, event, example, given, settings
from hypothesis import strategies as st

from agency.models import AuditEvent, User
from clients.models import Client, Contact, Contract, Evidence, Incident, Invoice, Remediation
from offboarding import services as case_services
from offboarding.models import (
    Asset,
    CallPlan,
    ContractReview,
    Credential,
    Deliverable,
    Document,
    Offboarding,
)
from tests.factories import (
    ClientFactory,
    ContactFactory,
    ContractFactory,
    IncidentFactory,
    InvoiceFactory,
    RemediationFactory,
    UserFactory,
)
from tests.files import HTML_BYTES, pdf_bytes, png_bytes
from tests.offboarding.conftest import CaseBuilder, refreshed

pytestmark = pytest.mark.django_db

ON_POSTGRES = django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql")

FUZZ = settings(
    # FUZZ_EXAMPLES=500 hunts longer; 25 keeps the suite fast.
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "25")),
    # The same examples on every run, so that CI and `make test` are repeatable;
    # FUZZ_RANDOM=1 draws new ones to hunt for bugs (and pin what it finds below).
    derandomize=os.environ.get("FUZZ_RANDOM", "") != "1",
    deadline=None,
    database=None,  # nothing written next to the project
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# --- Hostile values ---------------------------------------------------------------------------


class _Omit:
    """The field is not posted at all."""

    def __repr__(self) -> str:
        return "OMIT"


OMIT = _Omit()
NUL = "\x00"
RLO = "\u202e"

NASTY_STRINGS = [
    "",
    " ",
    "\t\n\r ",
    NUL,
    f"a{NUL}b",
    NUL * 3,
    f"{RLO}gnp.exe",
    "\u200b\u200d\ufeff",
    "😀🔥👩‍👩‍👧",
    "\U0001f4a9" * 60,
    "Z\u0351\u0300\u0301\u0327",
    "ﷺ",
    "'; DROP TABLE clients_client; --",
    "1' OR '1'='1",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7|add:7 }}",
    "{% debug %}",
    "%s%n%x%d",
    "${jndi:ldap://x.example/a}",
    "../../../../etc/passwd",
    "null",
    "None",
    "undefined",
    "[]",
    "\\",
    "\r\n\r\n",
    "a" * 201,
]
HUGE_NUMBERS = [
    "9" * 40,
    "-" + "9" * 40,
    "-1",
    "-0.01",
    "0",
    "-0",
    "1e309",
    "-1e309",
    "1e-309",
    "NaN",
    "nan",
    "sNaN",
    "Infinity",
    "-inf",
    "0x10",
    "1_000",
    "1,000.00",
    "١٢٣",
    "½",
    "Ⅻ",
    " 42 ",
    "+7",
    "12345678901.234",
    "99999999999.99",
    "32768",
    "65536",
    "2147483648",
    "9223372036854775808",
]
BAD_DATES = [
    "2026-02-30",
    "2025-02-29",
    "2026-04-31",
    "0000-01-01",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "yesterday",
    "today",
    "2026-13-01",
    "2026-00-10",
    "-2025-01-01",
    "2025-1-1",
    "31/12/2025",
    "12/31/2025",
    "2025-12-31T12:00",
    "٢٠٢٥-٠١-٠١",
    f"2025-12-31{NUL}",
    "1e309",
    "9" * 40,
]
BAD_DATETIMES = [
    "2026-03-29T01:30",  # does not exist in London (clocks go forward)
    "2025-10-26T01:30",  # happens twice in London (clocks go back)
    "9999-12-31T23:59",
    "0001-01-01T00:00",
    "2026-02-30T10:00",
    "2026-01-01T24:00",
    "2026-01-01T10:60",
    "now",
    "2026-01-01",
    "2026-01-01T10:00:00Z",
    "2026-01-01T10:00+14:00",
    "2026-01-01 10:00",
]
BAD_URLS = [
    "http://[::1",
    "http://[",
    "https://[::1]:99999/",
    "http://example.com:99999",
    "javascript:alert(1)",
    "//evil.example",
    "http://a b.example",
    "http://xn--",
    "http://" + "a" * 300 + ".example",
    "http://例え.テスト/パス",
    "ftp://files.example",
    "http://user:pass@host.example",
]
MISSING_IDS = ["0", "-1", "999999999", "9" * 40, "abc", "1.0", "", " ", "١", "1 OR 1=1", "[1]"]
MISSING_IDS += [NUL, "1e3"]

long_text = st.builds(
    lambda chunk, n: (chunk * (n // len(chunk) + 1))[:n],
    st.text(min_size=1, max_size=8),
    st.integers(10_001, 20_000),
)
hostile_text = st.one_of(
    st.sampled_from(NASTY_STRINGS),
    st.text(),
    st.text(st.characters(categories=("Cc", "Cf", "Zs", "Zl", "Zp", "So", "Mn", "Co"))),
    long_text,
)
hostile_number = st.one_of(
    st.sampled_from(HUGE_NUMBERS),
    st.integers().map(str),
    st.decimals().map(str),
    st.floats().map(repr),
    hostile_text,
)
hostile_date = st.one_of(
    st.sampled_from(BAD_DATES), st.dates().map(dt.date.isoformat), hostile_text
)
hostile_datetime = st.one_of(
    st.sampled_from(BAD_DATETIMES),
    st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M")),
    hostile_text,
)
hostile_bool = st.one_of(
    st.sampled_from(["on", "off", "false", "False", "0", "", "yes", NUL]), hostile_text
)


def hostile_id(*foreign: object) -> st.SearchStrategy:
    """Ids that do not exist, are not numbers, or belong to someone else."""
    return st.one_of(st.sampled_from([*MISSING_IDS, *map(str, foreign)]), hostile_text)


def hostile_choice(*near_misses: str) -> st.SearchStrategy:
    return st.one_of(st.sampled_from(["0", "99", "EMAIL", *near_misses]), hostile_text)


# --- Valid values -----------------------------------------------------------------------------

# Anything a person could type, emoji and right-to-left marks included; only NUL, which no
# form accepts, is left out.
TYPED = st.characters(exclude_characters=NUL, exclude_categories=("Cs",))


def text_ok(max_size: int, *, blank: bool = False) -> st.SearchStrategy:
    strategy = st.text(TYPED, min_size=1, max_size=min(max_size, 60)).filter(
        lambda s: bool(s.strip())
    )
    return st.one_of(st.just(""), strategy) if blank else strategy


# Long enough to matter (10k+ characters), still something a person could have typed.
long_typed = st.builds(
    lambda chunk, n: ("x" + chunk * (n // len(chunk) + 1))[:n],
    st.text(TYPED, min_size=1, max_size=8),
    st.integers(10_001, 20_000),
)


def today() -> dt.date:
    return timezone.localdate()


def around_today(*, years: int) -> tuple[dt.date, dt.date]:
    span = dt.timedelta(days=365 * years)
    return today() - span, today() + span


def dates_near(*, years: int) -> st.SearchStrategy:
    return st.dates(*around_today(years=years)).map(dt.date.isoformat)


def date_ok(*, past_only: bool = False, blank: bool = False) -> st.SearchStrategy:
    high = today() if past_only else dt.date(2035, 12, 31)
    strategy = st.dates(dt.date(2000, 1, 1), high).map(dt.date.isoformat)
    return st.one_of(st.just(""), strategy) if blank else strategy


def amount_ok(max_value: str = "9999999999.99", *, blank: bool = False) -> st.SearchStrategy:
    strategy = st.decimals(
        min_value=0, max_value=Decimal(max_value), places=2, allow_nan=False
    ).map(str)
    return st.one_of(st.just(""), strategy) if blank else strategy


def ids_ok(*objects) -> st.SearchStrategy:
    return st.sampled_from([str(o.pk) for o in objects])


def some_ids(*objects, min_size: int = 0) -> st.SearchStrategy:
    return st.lists(ids_ok(*objects), min_size=min_size, max_size=len(objects), unique=True)


def choice_ok(choices) -> st.SearchStrategy:
    return st.sampled_from([str(value) for value, _ in choices])


bool_ok = st.sampled_from(["on", ""])
tokens = st.one_of(
    st.just(OMIT),
    st.uuids().map(lambda u: u.hex),
    # The token is a hidden field, so it gets hostile values too, NUL bytes included.
    hostile_text,
)


@dataclass(frozen=True)
class F:
    """How to fill one field: values the form should take, and values it should refuse
    (or at least survive)."""

    valid: st.SearchStrategy  # for a multiple-choice field, lists of ids
    hostile: st.SearchStrategy


class FormInput(dict):
    """The fields to post; `mode` says how they were chosen: "valid" (the form must take
    them), "one_bad", "chaos", or "edge" (explicit examples a fix may refuse or handle)."""

    mode = "chaos"


@st.composite
def form_data(draw, spec: dict[str, F], fix: Callable[[dict], None] | None = None):
    """A third of the examples fill every field with a valid value, a third spoil one
    field, a third mix everything (missing fields and lists for single fields included)."""
    mode = draw(st.sampled_from(("valid", "one_bad", "chaos")))
    spoiled = draw(st.sampled_from(sorted(spec))) if mode == "one_bad" else None
    data = FormInput()
    data.mode = mode
    for name, f in spec.items():
        bad = st.one_of(
            f.hostile,
            st.just(OMIT),
            st.lists(
                st.one_of(f.hostile, f.valid).filter(lambda v: v is not OMIT),
                min_size=2,
                max_size=3,
            ),
        )
        if mode == "chaos":
            data[name] = draw(st.one_of(f.valid, bad))
        elif name == spoiled:
            data[name] = draw(bad)
        else:
            data[name] = draw(f.valid)
    if mode == "valid" and fix is not None:
        fix(data)
    data["form_once"] = draw(tokens)
    return data


def edge_input(fields: dict) -> FormInput:
    """An explicit example at the edge: the form may take it or refuse it, but must not
    break (no one-time token)."""
    return FormInput({**fields, "form_once": OMIT})


def at_the_edge(data: FormInput) -> FormInput:
    data.mode = "edge"  # a fix may refuse these inputs as well as handle them
    return data


# --- What the form makes of a posted value ----------------------------------------------------


def last(value):
    """A single field posted several times: Django reads the last value."""
    if isinstance(value, list):
        return value[-1] if value else OMIT
    return value


def posted(data: dict) -> dict:
    return {k: v for k, v in data.items() if v is not OMIT}


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart POST, with any name and any content."""

    name: str
    content: bytes
    content_type: str = "application/pdf"

    def __repr__(self) -> str:
        content = self.content if len(self.content) <= 40 else self.content[:40] + b"..."
        return f"Upload({self.name!r}, {content!r}, {self.content_type!r})"


CONTENT_TYPES = ["application/pdf", "image/png", "text/html", "", "x/\u202e"]
BOUNDARY = "FuzzBoundary7MA4YWxkTrZu0gW"


def _quoted(value: str) -> bytes:
    # As browsers do (HTML spec): quotes and line breaks in a name are percent-encoded;
    # everything else, NUL and right-to-left marks included, is sent as it is.
    escaped = value.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")
    return escaped.encode("utf-8", "surrogatepass")


def multipart(data: dict) -> bytes:
    """Encode a form by hand: Django's test client refuses names such as "..", which a
    browser (or anyone with curl) may still send."""
    parts = []
    for key, value in posted(data).items():
        for item in value if isinstance(value, list) else [value]:
            head = b'Content-Disposition: form-data; name="' + _quoted(key) + b'"'
            if isinstance(item, Upload):
                head += b'; filename="' + _quoted(item.name) + b'"'
                head += b"\r\nContent-Type: " + _quoted(item.content_type)
                body = item.content
            else:
                body = str(item).encode("utf-8", "surrogatepass")
            parts.append(b"--" + BOUNDARY.encode() + b"\r\n" + head + b"\r\n\r\n" + body)
    return b"\r\n".join([*parts, b"--" + BOUNDARY.encode() + b"--", b""])


def files_received(value) -> list[Upload]:
    """The uploads of a file field that reach the form, with content.

    Django's multipart parser drops a file part whose name is nothing once cleaned
    ("", ".", "..", "dir/", only control characters): browsers send such a part for
    an empty file input, so it never reaches the view. Ask Django's own rule."""
    items = value if isinstance(value, list) else [value]
    return [
        item
        for item in items
        if isinstance(item, Upload)
        and item.content
        and MultiPartParser.sanitize_file_name(None, item.name)
    ]


def has_files(data: dict) -> bool:
    return any(
        isinstance(item, Upload)
        for value in data.values()
        for item in (value if isinstance(value, list) else [value])
    )


def as_querydict(data: dict) -> QueryDict:
    qd = QueryDict(mutable=True)
    for key, value in posted(data).items():
        for item in value if isinstance(value, list) else [value]:
            if not isinstance(item, Upload):
                qd.appendlist(key, str(item))
    return qd


def typed_text(data: dict, name: str) -> str:
    """What a CharField keeps: the last value, stripped, or "" when nothing was sent."""
    value = last(data.get(name, OMIT))
    return "" if value is OMIT else str(value).strip()


def parsed(data: dict, name: str, form_field: forms.Field):
    """The value Django's own form field makes of what was posted (the widget decides
    which of several values counts)."""
    raw = form_field.widget.value_from_datadict(as_querydict(data), {}, name)
    return form_field.clean(raw)


DATE_FIELD = forms.DateField(required=False)
DECIMAL_FIELD = forms.DecimalField(required=False)
INTEGER_FIELD = forms.IntegerField(required=False)
BOOLEAN_FIELD = forms.BooleanField(required=False)


def assert_saved(obj, data: dict, *, texts=(), dates=(), amounts=(), integers=(), booleans=()):
    """The saved row holds what the form made of the input, field by field."""
    for name in texts:
        assert getattr(obj, name) == typed_text(data, name), name
    for name in dates:
        assert getattr(obj, name) == parsed(data, name, DATE_FIELD), name
    for name in amounts:
        expected = parsed(data, name, DECIMAL_FIELD)
        assert getattr(obj, name) == expected, (name, getattr(obj, name), expected)
    for name in integers:
        assert getattr(obj, name) == parsed(data, name, INTEGER_FIELD), name
    for name in booleans:
        assert getattr(obj, name) == parsed(data, name, BOOLEAN_FIELD), name


def posted_ids(data: dict, name: str) -> set[int]:
    return {int(v) for v in as_querydict(data).getlist(name)}


# --- Posting and checking ---------------------------------------------------------------------

COUNTED_MODELS = [
    model
    for label in ("agency", "clients", "offboarding")
    for model in apps.get_app_config(label).get_models()
]


def row_counts() -> dict[str, int]:
    """Rows in every table of the project, in one query."""
    quote = connection.ops.quote_name
    columns = ", ".join(f"(SELECT COUNT(*) FROM {quote(m._meta.db_table)})" for m in COUNTED_MODELS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}")
        counts = cursor.fetchone()
    return {m._meta.label: n for m, n in zip(COUNTED_MODELS, counts, strict=True)}


def media_files() -> set[str]:
    root = Path(django_settings.MEDIA_ROOT)
    return {str(p) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


@dataclass(frozen=True)
class Row:
    """A row the request may change, with the many-to-many links that belong to it."""

    model: type
    pk: int
    links: tuple[str, ...] = ()

    def state(self) -> dict:
        obj = self.model._default_manager.filter(pk=self.pk).first()
        if obj is None:
            return {}
        values = {f.attname: getattr(obj, f.attname) for f in self.model._meta.concrete_fields}
        for name in self.links:
            values[name] = sorted(getattr(obj, name).values_list("pk", flat=True))
        return values


def snapshot(rows: Iterable[Row]) -> dict:
    return {
        "counts": row_counts(),
        "rows": {f"{r.model.__name__}#{r.pk}": r.state() for r in rows},
        "media": media_files(),
    }


def shown(data) -> str:
    """The input, shortened for a readable failure message."""

    def short(value):
        if isinstance(value, list):
            return [short(v) for v in value]
        if isinstance(value, Upload):
            return f"<file {value.name!r} {len(value.content)} bytes>"
        if isinstance(value, str) and len(value) > 80:
            return f"{value[:60]!r}…({len(value)} chars)"
        return value

    return repr({k: short(v) for k, v in (data or {}).items()})


def no_server_error(response, method: str, url: str, data=None) -> None:
    if response.status_code < 500:
        return
    exc_info = getattr(response, "exc_info", None)
    if exc_info:
        frames = traceback.extract_tb(exc_info[2])[-4:]
        where = "".join(f"\n    {f.filename}:{f.lineno} in {f.name}" for f in frames)
        cause = f"{exc_info[0].__name__}: {exc_info[1]}{where}"
    else:
        cause = response.content[:500]
    raise AssertionError(
        f"{method} {url} answered {response.status_code}\n  input: {shown(data)}\n  {cause}"
    )


@dataclass
class Outcome:
    status: int
    messages: list[tuple[int, str]]
    location: str
    response: Any
    delta: dict[str, int] = field(default_factory=dict)

    @property
    def succeeded(self) -> bool:
        return self.status == 302 and any(
            level == django_messages.SUCCESS for level, _ in self.messages
        )

    def created(self, model) -> int:
        return self.delta.get(model._meta.label, 0)


def submit(
    browser: Browser,
    url: str,
    data: dict,
    *,
    allowed: set[int],
    rows: Iterable[Row] = (),
    saved: Callable[[Outcome], bool] = lambda outcome: outcome.succeeded,
    right_place: bool = True,
    pages: Iterable[str] = (),
    multipart_form: bool = False,
) -> Outcome:
    """POST through the real view and check what every form promises: no 500, an
    expected status, and either a success or nothing changed at all. After a success the
    `pages` that show what was saved must still render."""
    rows = list(rows)
    before = snapshot(rows)
    if multipart_form or has_files(data):
        response = browser.post(
            url, multipart(data), content_type=f"multipart/form-data; boundary={BOUNDARY}"
        )
    else:
        response = browser.post(url, posted(data))
    no_server_error(response, "POST", url, data)
    outcome = Outcome(
        status=response.status_code,
        messages=[(m.level, str(m.message)) for m in get_messages(response.wsgi_request)],
        location=response.get("Location", ""),
        response=response,
    )
    form = (response.context or {}).get("form") if response.status_code == 200 else None
    assert outcome.status in allowed, (
        f"POST {url} answered {outcome.status}, expected one of {sorted(allowed)}\n"
        f"  input: {shown(data)}\n  messages: {outcome.messages}\n"
        f"  form errors: {form.errors if form is not None else None}"
    )
    if outcome.status == 200:
        # A form shown again says why, where the user can read it: every error of the form
        # when the form is on the page, at least an error message when it is not.
        page = unescape(response.content.decode())
        form_errors = form.errors.values() if form is not None else []
        field_errors = [str(e) for errs in form_errors for e in errs]
        message_errors = [text for level, text in outcome.messages if level >= 40]
        assert field_errors or message_errors, (
            f"POST {url} showed the form again without an error\n  input: {shown(data)}"
        )
        on_page = form is not None and any(f'name="{name}"' in page for name in form.fields)
        missing = [e for e in field_errors + message_errors if e not in page]
        assert len(missing) < len(field_errors + message_errors), (
            f"POST {url}: no error shown on the page: {missing}\n  input: {shown(data)}"
        )
        if on_page:
            missing = [e for e in field_errors if e not in page]
            assert not missing, f"POST {url}: errors not shown: {missing}\n  input: {shown(data)}"
    after = snapshot(rows)
    outcome.delta = {
        label: after["counts"][label] - count
        for label, count in before["counts"].items()
        if after["counts"][label] != count
    }
    if outcome.status == 302 and outcome.location.startswith("/"):
        page = browser.get(outcome.location)
        no_server_error(page, "GET", outcome.location, data)
    event(f"{outcome.status} {'saved' if saved(outcome) else 'nothing saved'}")
    if right_place and getattr(data, "mode", "") == "valid" and outcome.status in (200, 302):
        # Every field valid and the right object: the form must take it.
        assert saved(outcome), (
            f"POST {url} refused valid input ({outcome.status})\n  input: {shown(data)}\n"
            f"  messages: {outcome.messages}\n"
            f"  form errors: {form.errors if form is not None else None}"
        )
    if outcome.status == 302 and not saved(outcome):
        assert outcome.messages, f"POST {url} redirected without a word\n  input: {shown(data)}"
    if saved(outcome):
        for page in pages:
            no_server_error(browser.get(page), "GET", page, data)
    else:
        # A refused access adds its one audit event: every 403, and a 404 that hides a
        # client or case of someone else (a 404 for what does not exist adds nothing).
        refused_access = {AuditEvent._meta.label: 1}
        allowed_deltas = {403: [refused_access], 404: [{}, refused_access]}
        assert outcome.delta in allowed_deltas.get(outcome.status, [{}]), (
            f"POST {url} answered {outcome.status} without saving, yet rows changed: "
            f"{outcome.delta}\n  input: {shown(data)}\n  messages: {outcome.messages}"
        )
        if outcome.delta:
            assert AuditEvent.objects.latest("id").action == AuditEvent.Action.ACCESS_DENIED
        assert after["rows"] == before["rows"], f"an edited row changed\n  input: {shown(data)}"
        assert after["media"] == before["media"], f"files were left behind: {shown(data)}"
    return outcome


CLIENT_TABS = ("overview", "contracts", "payments", "incidents", "remediation", "timeline")


def client_pages(client: Client) -> list[str]:
    """Every page that shows a client's record."""
    detail = reverse("clients:detail", args=[client.pk])
    return [f"{detail}?tab={tab}" for tab in CLIENT_TABS] + [reverse("clients:list")]


CASE_PAGES = ("detail", "review", "deliverables", "call", "call_ics", "outcome", "handover")
CASE_PAGES += ("closeout", "documents", "handover_export", "letter", "decide")


def case_pages(case: Offboarding) -> list[str]:
    """Every page that shows an offboarding case (step pages redirect once it is closed)."""
    return [reverse(f"offboarding:{name}", args=[case.pk]) for name in CASE_PAGES] + [
        reverse("offboarding:list"),
        reverse("offboarding:approvals"),
    ]


@contextmanager
def rolled_back():
    """One example: everything it writes is undone, so the next starts from the same world."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def browser_for(user: User) -> Browser:
    browser = Browser(raise_request_exception=False)
    browser.force_login(user)
    return browser


def routes(**weights: int) -> st.SearchStrategy:
    """Which object the URL points at: mostly the right one, sometimes a wrong id."""
    return st.sampled_from([name for name, weight in weights.items() for _ in range(weight)])


PAGE = {200, 302}  # the form again, or a success
NOT_FOUND = {404}
TODAY = today()


# --- Users and the other client --------------------------------------------------------------


@pytest.fixture
def people(lead, manager, staff, other_lead):
    return SimpleNamespace(
        lead=lead,
        manager=manager,
        staff=staff,
        other_lead=other_lead,
        retired=UserFactory(username="retired", role=User.Role.LEAD, is_active=False),
        browsers={
            name: browser_for(user)
            for name, user in [("lead", lead), ("manager", manager), ("staff", staff)]
        },
    )


def actor(people, name: str) -> tuple[User, Browser]:
    return getattr(people, name), people.browsers[name]


# --- Clients ------------------------------------------------------------------------------------


def client_spec(people) -> dict[str, F]:
    active = [people.lead, people.manager, people.staff, people.other_lead]
    return {
        "name": F(text_ok(200), hostile_text),
        "website": F(
            st.sampled_from(["", "https://acme.example", "acme.example", "http://a.example/x?y=1"]),
            st.one_of(st.sampled_from(BAD_URLS), hostile_text),
        ),
        "industry": F(text_ok(100, blank=True), hostile_text),
        "account_lead": F(
            ids_ok(people.lead, people.manager), hostile_id(people.staff.pk, people.retired.pk)
        ),
        "team": F(some_ids(*active), st.lists(hostile_id(people.retired.pk), max_size=3)),
        "start_date": F(date_ok(blank=True), hostile_date),
        "monthly_value": F(amount_ok(), hostile_number),
        "currency": F(choice_ok(Client.Currency.choices), hostile_choice("eur", "EUR ")),
        "notes": F(text_ok(5000, blank=True), hostile_text),
    }


def check_client_saved(client: Client, data: dict, user: User) -> None:
    assert_saved(client, data, texts=("name", "industry", "notes"), dates=("start_date",))
    assert_saved(client, data, amounts=("monthly_value",))
    assert client.currency == last(data["currency"])
    assert client.website == parsed(
        data, "website", forms.URLField(assume_scheme="https", required=False)
    )
    if user.is_manager:
        assert client.account_lead_id == int(last(data["account_lead"]))
    team = set(client.team.values_list("pk", flat=True))
    assert team == posted_ids(data, "team") | {client.account_lead_id}


def test_client_create(people):
    @FUZZ
    @given(data=form_data(client_spec(people)), who=st.sampled_from(["lead", "manager"]))
    def check(data, who):
        user, browser = actor(people, who)
        with rolled_back():
            before = set(Client.objects.values_list("pk", flat=True))
            outcome = submit(browser, reverse("clients:create"), data, allowed=PAGE)
            if outcome.succeeded:
                assert outcome.created(Client) == 1
                (new,) = Client.objects.exclude(pk__in=before)
                check_client_saved(new, data, user)
                if not user.is_manager:
                    assert new.account_lead == user

    check()


def test_client_edit(people):
    own = ClientFactory(account_lead=people.lead, team=[people.staff])
    foreign = ClientFactory(account_lead=people.other_lead)

    @FUZZ
    @given(
        data=form_data(client_spec(people)),
        who=st.sampled_from(["lead", "manager"]),
        route=routes(own=5, missing=1, foreign=1),
    )
    def check(data, who, route):
        user, browser = actor(people, "lead" if route == "foreign" else who)
        pk = {"own": own.pk, "missing": 10**40, "foreign": foreign.pk}[route]
        with rolled_back():
            outcome = submit(
                browser,
                reverse("clients:edit", args=[pk]),
                data,
                pages=client_pages(own),
                allowed=PAGE if route == "own" else NOT_FOUND,
                rows=[Row(Client, own.pk, ("team",)), Row(Client, foreign.pk, ("team",))],
            )
            if outcome.succeeded:
                assert outcome.created(Client) == 0
                own.refresh_from_db()
                check_client_saved(own, data, user)
                if not user.is_manager:
                    assert own.account_lead == people.lead

    check()


# --- Contacts ---------------------------------------------------------------------------------


def contact_spec() -> dict[str, F]:
    return {
        "name": F(text_ok(200), hostile_text),
        "role": F(text_ok(100, blank=True), hostile_text),
        "email": F(
            st.one_of(
                st.just(""),
                st.from_regex(
                    # A dot never ends the local part nor follows a dot: "a.@b.com" is invalid.
                    r"[a-z](\.?[a-z0-9]){0,15}@[a-z]{1,10}\.(com|org|example)",
                    fullmatch=True,
                ),
            ),
            st.one_of(st.sampled_from(["a@", "@b.c", "a@b", "a b@c.d", "a@b.c\n"]), hostile_text),
        ),
        "phone": F(text_ok(40, blank=True), hostile_text),
        "receives_handover": F(bool_ok, hostile_bool),
    }


def test_contact_create_and_edit(people):
    own = ClientFactory(account_lead=people.lead)
    contact = ContactFactory(client=own, receives_handover=True)
    foreign = ClientFactory(account_lead=people.other_lead)
    foreign_contact = ContactFactory(client=foreign)

    @FUZZ
    @given(
        data=form_data(contact_spec()),
        who=st.sampled_from(["lead", "manager"]),
        route=routes(new=3, edit=3, missing=1, foreign_contact=1, foreign_client=1),
    )
    def check(data, who, route):
        user, browser = actor(people, "lead" if route == "foreign_client" else who)
        url = {
            "new": reverse("clients:contact_create", args=[own.pk]),
            "edit": reverse("clients:contact_edit", args=[own.pk, contact.pk]),
            "missing": reverse("clients:contact_edit", args=[own.pk, 10**40]),
            "foreign_contact": reverse("clients:contact_edit", args=[own.pk, foreign_contact.pk]),
            "foreign_client": reverse("clients:contact_create", args=[foreign.pk]),
        }[route]
        with rolled_back():
            before = set(Contact.objects.values_list("pk", flat=True))
            outcome = submit(
                browser,
                url,
                data,
                pages=client_pages(own),
                allowed=PAGE if route in ("new", "edit") else NOT_FOUND,
                rows=[Row(Contact, contact.pk), Row(Contact, foreign_contact.pk)],
            )
            if outcome.succeeded:
                assert outcome.created(Contact) == (1 if route == "new" else 0)
                saved = (
                    Contact.objects.exclude(pk__in=before).get()
                    if route == "new"
                    else Contact.objects.get(pk=contact.pk)
                )
                assert saved.client == own
                assert_saved(
                    saved,
                    data,
                    texts=("name", "role", "email", "phone"),
                    booleans=("receives_handover",),
                )
                assert own.contacts.filter(receives_handover=True).count() <= 1

    check()


# --- Contracts (multipart, with a file) -------------------------------------------------------

file_names = st.one_of(
    st.sampled_from(
        [
            "contract.pdf",
            f"{RLO}fdp.exe",
            "../../../etc/passwd",
            "..",
            "CON",
            ".htaccess",
            "a" * 300 + ".pdf",
            "😀.pdf",
            "name with spaces.PDF",
            "x.pdf.exe",
            "C:\\Windows\\evil.pdf",
        ]
    ),
    st.text(min_size=0, max_size=80),
)
file_contents = st.one_of(
    st.sampled_from([pdf_bytes(), png_bytes(), HTML_BYTES, b"", b"%PDF-", b"\x00" * 64]),
    st.binary(max_size=2048),
    st.binary(max_size=64).map(lambda b: b"%PDF-1.7\n" + b),
)


valid_pdf = st.builds(Upload, st.just("signed contract.pdf"), st.just(pdf_bytes()))
any_file = st.builds(Upload, file_names, file_contents, st.sampled_from(CONTENT_TYPES))


def contract_spec() -> dict[str, F]:
    return {
        "title": F(text_ok(200), hostile_text),
        "reference": F(text_ok(64, blank=True), hostile_text),
        "start_date": F(date_ok(), hostile_date),
        "end_date": F(date_ok(blank=True), hostile_date),
        "auto_renews": F(bool_ok, hostile_bool),
        "renewal_months": F(st.integers(1, 60).map(str), hostile_number),
        "notice_days": F(st.integers(0, 730).map(str), hostile_number),
        "termination_clause_ref": F(text_ok(32, blank=True), hostile_text),
        "termination_clause_text": F(text_ok(5000, blank=True), hostile_text),
        "payment_terms_days": F(choice_ok(Contract.PaymentTerms.choices), hostile_choice("30 ")),
        "monthly_fee": F(amount_ok(), hostile_number),
        "deposit_amount": F(amount_ok(), hostile_number),
        "is_current": F(bool_ok, hostile_bool),
        "signed_upload": F(st.one_of(st.just(OMIT), valid_pdf), any_file),
    }


def fix_contract(data: dict) -> None:
    if data["end_date"] and data["end_date"] < data["start_date"]:
        data["start_date"], data["end_date"] = data["end_date"], data["start_date"]
    if not data["end_date"]:
        data["auto_renews"] = ""


def contract_world(people) -> SimpleNamespace:
    own = ClientFactory(account_lead=people.lead)
    foreign = ClientFactory(account_lead=people.other_lead)
    return SimpleNamespace(
        own=own,
        contract=ContractFactory(client=own),
        foreign=foreign,
        foreign_contract=ContractFactory(client=foreign),
    )


def post_contract(people, w, data: dict, who: str, route: str) -> None:
    user, browser = actor(people, "lead" if route == "foreign_client" else who)
    url = {
        "new": reverse("clients:contract_create", args=[w.own.pk]),
        "edit": reverse("clients:contract_edit", args=[w.own.pk, w.contract.pk]),
        "missing": reverse("clients:contract_edit", args=[w.own.pk, 10**40]),
        "foreign_contract": reverse(
            "clients:contract_edit", args=[w.own.pk, w.foreign_contract.pk]
        ),
        "foreign_client": reverse("clients:contract_create", args=[w.foreign.pk]),
    }[route]
    with rolled_back():
        before = set(Contract.objects.values_list("pk", flat=True))
        outcome = submit(
            browser,
            url,
            data,
            multipart_form=True,
            pages=client_pages(w.own),
            allowed=PAGE if route in ("new", "edit") else NOT_FOUND,
            rows=[Row(Contract, w.contract.pk), Row(Contract, w.foreign_contract.pk)],
            right_place=route in ("new", "edit"),
        )
        if outcome.succeeded:
            assert outcome.created(Contract) == (1 if route == "new" else 0)
            saved = (
                Contract.objects.exclude(pk__in=before).get()
                if route == "new"
                else Contract.objects.get(pk=w.contract.pk)
            )
            assert saved.client == w.own
            assert_saved(
                saved,
                data,
                texts=("title", "reference", "termination_clause_ref", "termination_clause_text"),
                dates=("start_date", "end_date"),
                amounts=("monthly_fee", "deposit_amount"),
                integers=("renewal_months", "notice_days", "payment_terms_days"),
                booleans=("auto_renews", "is_current"),
            )
            assert w.own.contracts.filter(is_current=True).count() <= 1
            if saved.signed_file_name:  # the display name of the uploaded file, cleaned up
                name = saved.signed_file_name
                assert name.endswith(".pdf") and len(name) <= 120
                assert not any(c in name for c in '/\\<>:"|?*\x00' + RLO)


def test_contract_create_and_edit_with_a_file(people):
    w = contract_world(people)

    @FUZZ
    @given(
        data=form_data(contract_spec(), fix_contract),
        who=st.sampled_from(["lead", "manager"]),
        route=routes(new=3, edit=3, missing=1, foreign_contract=1, foreign_client=1),
    )
    def check(data, who, route):
        post_contract(people, w, data, who, route)

    check()


# --- Invoices ---------------------------------------------------------------------------------


def fix_invoice(data: dict) -> None:
    issued = min(data["issued_on"], today().isoformat())
    data["issued_on"] = issued
    if data["due_on"] < issued:
        data["due_on"] = issued
    if Decimal(data["amount"]) <= 0:
        data["amount"] = "1.00"
    if Decimal(data["paid_amount"]) > Decimal(data["amount"]):
        data["paid_amount"] = data["amount"]
    if Decimal(data["paid_amount"]) > 0:
        data["paid_on"] = today().isoformat()
    else:
        data["paid_on"] = ""


def test_invoice_create_and_edit(people):
    own = ClientFactory(account_lead=people.lead)
    contract = ContractFactory(client=own)
    invoice = InvoiceFactory(client=own, contract=contract, number="INV-1")
    foreign = ClientFactory(account_lead=people.other_lead)
    foreign_contract = ContractFactory(client=foreign)
    foreign_invoice = InvoiceFactory(client=foreign, number="INV-F")
    spec = {
        "number": F(text_ok(64), st.one_of(st.just("INV-1"), hostile_text)),
        "contract": F(st.one_of(st.just(""), ids_ok(contract)), hostile_id(foreign_contract.pk)),
        "issued_on": F(date_ok(), hostile_date),
        "due_on": F(date_ok(), hostile_date),
        "amount": F(amount_ok(), hostile_number),
        "paid_on": F(date_ok(past_only=True, blank=True), hostile_date),
        "paid_amount": F(amount_ok(), hostile_number),
    }

    @FUZZ
    @given(
        data=form_data(spec, fix_invoice),
        who=st.sampled_from(["lead", "manager"]),
        route=routes(new=3, edit=3, missing=1, foreign_invoice=1, foreign_client=1),
    )
    def check(data, who, route):
        user, browser = actor(people, "lead" if route == "foreign_client" else who)
        url = {
            "new": reverse("clients:invoice_create", args=[own.pk]),
            "edit": reverse("clients:invoice_edit", args=[own.pk, invoice.pk]),
            "missing": reverse("clients:invoice_edit", args=[own.pk, 10**40]),
            "foreign_invoice": reverse("clients:invoice_edit", args=[own.pk, foreign_invoice.pk]),
            "foreign_client": reverse("clients:invoice_create", args=[foreign.pk]),
        }[route]
        with rolled_back():
            before = set(Invoice.objects.values_list("pk", flat=True))
            outcome = submit(
                browser,
                url,
                data,
                pages=client_pages(own),
                allowed=PAGE if route in ("new", "edit") else NOT_FOUND,
                rows=[Row(Invoice, invoice.pk), Row(Invoice, foreign_invoice.pk)],
            )
            if outcome.succeeded:
                assert outcome.created(Invoice) == (1 if route == "new" else 0)
                saved = (
                    Invoice.objects.exclude(pk__in=before).get()
                    if route == "new"
                    else Invoice.objects.get(pk=invoice.pk)
                )
                assert saved.client == own
                assert saved.contract is None or saved.contract.client == own
                assert_saved(
                    saved,
                    data,
                    texts=("number",),
                    dates=("issued_on", "due_on", "paid_on"),
                    amounts=("amount", "paid_amount"),
                )
                assert saved.due_on >= saved.issued_on
                assert Decimal("0") <= saved.paid_amount <= saved.amount

    check()


# --- Incidents, evidence, withdrawal ----------------------------------------------------------

valid_evidence = st.builds(
    Upload,
    st.sampled_from(["screenshot.png", "mail.pdf", "Scan 2.PNG"]),
    st.sampled_from([png_bytes(), pdf_bytes()]),
)
evidence_files = st.lists(any_file, max_size=3)


def incident_spec() -> dict[str, F]:
    return {
        "occurred_on": F(date_ok(past_only=True), hostile_date),
        "category": F(choice_ok(Incident.Category.choices), hostile_choice("ABUSIVE")),
        "severity": F(choice_ok(Incident.Severity.choices), hostile_choice("5", "-1", "2.0")),
        "title": F(text_ok(200), hostile_text),
        "description": F(text_ok(5000), hostile_text),
        "hours_lost": F(amount_ok("99999.99", blank=True), hostile_number),
        "money_at_stake": F(amount_ok(blank=True), hostile_number),
    }


def check_incident_saved(incident: Incident, data: dict) -> None:
    assert_saved(
        incident,
        data,
        texts=("title", "description"),
        dates=("occurred_on",),
        amounts=("hours_lost", "money_at_stake"),
    )
    assert incident.category == last(data["category"])
    assert incident.severity == int(last(data["severity"]))


def test_incident_create_with_files(people):
    own = ClientFactory(account_lead=people.lead, team=[people.staff])
    foreign = ClientFactory(account_lead=people.other_lead)
    spec = {
        **incident_spec(),
        "files": F(st.lists(valid_evidence, max_size=2), evidence_files),
    }

    @FUZZ
    @given(
        data=form_data(spec),
        who=st.sampled_from(["lead", "manager"]),
        route=routes(own=5, foreign_client=1),
    )
    def check(data, who, route):
        user, browser = actor(people, "lead" if route == "foreign_client" else who)
        pk = own.pk if route == "own" else foreign.pk
        with rolled_back():
            before = set(Incident.objects.values_list("pk", flat=True))
            outcome = submit(
                browser,
                reverse("clients:incident_create", args=[pk]),
                data,
                multipart_form=True,
                pages=client_pages(own),
                allowed=PAGE if route == "own" else NOT_FOUND,
            )
            if outcome.succeeded:
                assert outcome.created(Incident) == 1
                incident = Incident.objects.exclude(pk__in=before).get()
                assert incident.client == own and incident.reported_by == user
                check_incident_saved(incident, data)
                sent = files_received(data["files"])
                assert incident.evidence.count() == len(sent)
                for evidence in incident.evidence.all():
                    assert not any(c in evidence.original_name for c in "/\\\x00" + RLO)

    check()


def test_incident_edit(people):
    own = ClientFactory(account_lead=people.lead, team=[people.staff])
    incident = IncidentFactory(client=own)
    withdrawn = IncidentFactory(client=own, state=Incident.State.WITHDRAWN)
    foreign = ClientFactory(account_lead=people.other_lead)
    foreign_incident = IncidentFactory(client=foreign)

    @FUZZ
    @given(
        data=form_data({**incident_spec(), "files": F(st.just(OMIT), evidence_files)}),
        who=st.sampled_from(["lead", "manager"]),
        route=routes(own=5, missing=1, foreign_incident=1, withdrawn=1),
    )
    def check(data, who, route):
        user, browser = actor(people, who)
        target = {
            "own": incident.pk,
            "missing": 10**40,
            "foreign_incident": foreign_incident.pk,
            "withdrawn": withdrawn.pk,
        }[route]
        with rolled_back():
            outcome = submit(
                browser,
                reverse("clients:incident_edit", args=[own.pk, target]),
                data,
                multipart_form=True,
                pages=client_pages(own),
                allowed={"own": PAGE, "withdrawn": {403}}.get(route, NOT_FOUND),
                rows=[Row(Incident, pk) for pk in (incident.pk, withdrawn.pk, foreign_incident.pk)]
                + [],
            )
            if outcome.succeeded:
                assert outcome.created(Incident) == 0
                assert outcome.created(Evidence) == 0  # the edit form takes no files
                saved = Incident.objects.get(pk=incident.pk)
                check_incident_saved(saved, data)
                assert saved.client == own and saved.state == Incident.State.ACTIVE

    check()


def test_evidence_add(people):
    own = ClientFactory(account_lead=people.lead, team=[people.staff])
    incident = IncidentFactory(client=own)
    withdrawn = IncidentFactory(client=own, state=Incident.State.WITHDRAWN)
    foreign = ClientFactory(account_lead=people.other_lead)
    foreign_incident = IncidentFactory(client=foreign)
    spec = {
        "files": F(st.lists(valid_evidence, min_size=1, max_size=3), evidence_files),
        "note": F(st.just(OMIT), hostile_text),  # a field the form does not have
    }

    @FUZZ
    @given(
        data=form_data(spec),
        who=st.sampled_from(["lead", "manager"]),
        route=routes(own=5, missing=1, foreign_incident=1, withdrawn=1),
    )
    def check(data, who, route):
        user, browser = actor(people, who)
        target = {
            "own": incident.pk,
            "missing": 10**40,
            "foreign_incident": foreign_incident.pk,
            "withdrawn": withdrawn.pk,
        }[route]
        with rolled_back():
            outcome = submit(
                browser,
                reverse("clients:evidence_add", args=[own.pk, target]),
                data,
                multipart_form=True,
                pages=client_pages(own),
                allowed={302} if route in ("own", "withdrawn") else NOT_FOUND,
                right_place=route == "own",
            )
            if outcome.succeeded:
                assert route == "own"
                sent = files_received(data["files"])
                assert outcome.created(Evidence) == len(sent) > 0
                assert incident.evidence.count() == len(sent)
            elif outcome.status == 302:
                assert any(level == django_messages.ERROR for level, _ in outcome.messages)

    check()


def test_incident_withdraw(people):
    own = ClientFactory(account_lead=people.lead, team=[people.staff])
    incident = IncidentFactory(client=own)
    foreign = ClientFactory(account_lead=people.other_lead)
    foreign_incident = IncidentFactory(client=foreign)
    spec = {"reason": F(text_ok(2000), hostile_text)}

    @FUZZ
    @given(
        data=form_data(spec),
        who=st.sampled_from(["lead", "manager"]),
        route=routes(own=5, missing=1, foreign_incident=1),
    )
    def check(data, who, route):
        user, browser = actor(people, who)
        target = {"own": incident.pk, "missing": 10**40, "foreign_incident": foreign_incident.pk}
        with rolled_back():
            outcome = submit(
                browser,
                reverse("clients:incident_withdraw", args=[own.pk, target[route]]),
                data,
                pages=client_pages(own),
                allowed={302} if route == "own" else NOT_FOUND,
                rows=[Row(Incident, incident.pk), Row(Incident, foreign_incident.pk)],
            )
            if outcome.succeeded:
                saved = Incident.objects.get(pk=incident.pk)
                assert saved.state == Incident.State.WITHDRAWN
                assert saved.withdrawn_reason == typed_text(data, "reason")
            elif outcome.status == 302:
                assert any(level == django_messages.ERROR for level, _ in outcome.messages)

    check()


# --- Remediation ------------------------------------------------------------------------------


def test_remediation_create_and_edit(people):
    own = ClientFactory(account_lead=people.lead, team=[people.staff])
    remediation = RemediationFactory(client=own)
    foreign = ClientFactory(account_lead=people.other_lead)
    foreign_remediation = RemediationFactory(client=foreign)
    spec = {
        "kind": F(choice_ok(Remediation.Kind.choices), hostile_choice()),
        "tried_on": F(date_ok(past_only=True), hostile_date),
        "description": F(text_ok(5000), hostile_text),
        "outcome": F(choice_ok(Remediation.Outcome.choices), hostile_choice()),
    }

    @FUZZ
    @given(
        data=form_data(spec),
        who=st.sampled_from(["lead", "manager"]),
        route=routes(new=3, edit=3, missing=1, foreign_remediation=1, foreign_client=1),
    )
    def check(data, who, route):
        user, browser = actor(people, "lead" if route == "foreign_client" else who)
        url = {
            "new": reverse("clients:remediation_create", args=[own.pk]),
            "edit": reverse("clients:remediation_edit", args=[own.pk, remediation.pk]),
            "missing": reverse("clients:remediation_edit", args=[own.pk, 10**40]),
            "foreign_remediation": reverse(
                "clients:remediation_edit", args=[own.pk, foreign_remediation.pk]
            ),
            "foreign_client": reverse("clients:remediation_create", args=[foreign.pk]),
        }[route]
        with rolled_back():
            before = set(Remediation.objects.values_list("pk", flat=True))
            outcome = submit(
                browser,
                url,
                data,
                pages=client_pages(own),
                allowed=PAGE if route in ("new", "edit") else NOT_FOUND,
                rows=[Row(Remediation, remediation.pk), Row(Remediation, foreign_remediation.pk)],
            )
            if outcome.succeeded:
                assert outcome.created(Remediation) == (1 if route == "new" else 0)
                saved = (
                    Remediation.objects.exclude(pk__in=before).get()
                    if route == "new"
                    else Remediation.objects.get(pk=remediation.pk)
                )
                assert saved.client == own
                assert_saved(saved, data, texts=("description",), dates=("tried_on",))
                assert saved.kind == last(data["kind"])
                assert saved.outcome == last(data["outcome"])

    check()


# --- Offboarding: the proposal, the decision, cancelling ---------------------------------------


def proposal_spec(w) -> dict[str, F]:
    return {
        "incidents": F(
            some_ids(w.incident, w.other_incident),
            st.lists(hostile_id(w.withdrawn_incident.pk, w.foreign_incident.pk), max_size=3),
        ),
        "no_incident_justification": F(text_ok(2000, blank=True), hostile_text),
        "remediations": F(
            some_ids(w.remediation),
            st.lists(hostile_id(w.foreign_remediation.pk), max_size=3),
        ),
        "timing": F(choice_ok(Offboarding.Timing.choices), hostile_choice("IMMEDIATELY")),
        "summary": F(text_ok(5000), hostile_text),
        "submit": F(st.sampled_from([OMIT, "1"]), hostile_text),
    }


def fix_proposal(data: dict) -> None:
    if not data["incidents"] and not data["no_incident_justification"]:
        data["no_incident_justification"] = "Nothing was written down; the team agrees."


def proposal_world(people) -> SimpleNamespace:
    acme = ClientFactory(account_lead=people.lead, team=[people.staff])
    globex = ClientFactory(account_lead=people.other_lead)
    return SimpleNamespace(
        cases=CaseBuilder(lead=people.lead, manager=people.manager),
        acme=acme,
        globex=globex,
        incident=IncidentFactory(client=acme),
        other_incident=IncidentFactory(client=acme, category=Incident.Category.ABUSIVE),
        withdrawn_incident=IncidentFactory(client=acme, state=Incident.State.WITHDRAWN),
        remediation=RemediationFactory(client=acme),
        foreign_incident=IncidentFactory(client=globex),
        foreign_remediation=RemediationFactory(client=globex),
    )


def check_proposal_saved(case: Offboarding, data: dict, client: Client) -> None:
    assert case.client == client
    assert_saved(case, data, texts=("summary", "no_incident_justification"))
    assert case.timing == last(data["timing"])
    assert set(case.incidents.values_list("pk", flat=True)) == posted_ids(data, "incidents")
    assert set(case.remediations.values_list("pk", flat=True)) == posted_ids(data, "remediations")
    assert not case.incidents.exclude(client=client).exists()
    assert not case.incidents.exclude(state=Incident.State.ACTIVE).exists()
    assert not case.remediations.exclude(client=client).exists()
    expected = Offboarding.Status.PROPOSED if "submit" in posted(data) else Offboarding.Status.DRAFT
    assert case.status == expected


def test_proposal_start(people):
    w = proposal_world(people)
    busy = ClientFactory(account_lead=people.lead, team=[people.staff])
    w.cases.draft(busy)  # already has an open case: the page sends the user to it

    @FUZZ
    @given(
        data=form_data(proposal_spec(w), fix_proposal),
        who=st.sampled_from(["lead", "manager", "staff"]),
        route=routes(own=5, missing=1, foreign_client=1, busy=1),
    )
    def check(data, who, route):
        user, browser = actor(people, "lead" if route == "foreign_client" else who)
        pk = {"own": w.acme.pk, "missing": 10**40, "foreign_client": w.globex.pk, "busy": busy.pk}
        with rolled_back():
            before = set(Offboarding.objects.values_list("pk", flat=True))
            outcome = submit(
                browser,
                reverse("offboarding:start", args=[pk[route]]),
                data,
                pages=client_pages(w.acme),
                allowed={"own": PAGE, "busy": {302}}.get(route, NOT_FOUND),
                right_place=route == "own",
            )
            if outcome.succeeded:
                assert route == "own" and outcome.created(Offboarding) == 1
                case = Offboarding.objects.exclude(pk__in=before).get()
                check_proposal_saved(case, data, w.acme)
                assert case.created_by == user

    check()


def test_proposal_edit(people):
    w = proposal_world(people)
    draft = w.cases.draft(w.acme)
    foreign_draft = w.cases.draft(w.globex)
    proposed = w.cases.proposed(ClientFactory(account_lead=people.lead))

    @FUZZ
    @given(
        data=form_data(proposal_spec(w), fix_proposal),
        who=st.sampled_from(["lead", "manager"]),
        route=routes(own=5, missing=1, foreign_case=1, proposed=1),
    )
    def check(data, who, route):
        user, browser = actor(people, "lead" if route == "foreign_case" else who)
        pk = {"own": draft.pk, "missing": 10**40, "foreign_case": foreign_draft.pk}
        pk["proposed"] = proposed.pk
        with rolled_back():
            outcome = submit(
                browser,
                reverse("offboarding:proposal", args=[pk[route]]),
                data,
                pages=case_pages(draft),
                allowed={"own": PAGE, "proposed": {403}}.get(route, NOT_FOUND),
                rows=[
                    Row(Offboarding, c.pk, ("incidents", "remediations"))
                    for c in (draft, foreign_draft, proposed)
                ],
            )
            if outcome.succeeded:
                assert outcome.created(Offboarding) == 0
                check_proposal_saved(refreshed(draft), data, w.acme)

    check()


def decision_world(people) -> SimpleNamespace:
    cases = CaseBuilder(lead=people.lead, manager=people.manager)
    return SimpleNamespace(
        proposed=cases.proposed(ClientFactory(account_lead=people.lead)),
        approved=cases.approved(ClientFactory(account_lead=people.lead)),
    )


def decision_spec() -> dict[str, F]:
    return {
        "comment": F(text_ok(4000), hostile_text),
        "verdict": F(st.sampled_from(["approve", "reject"]), hostile_choice("Approve", "approve ")),
    }


def post_decision(people, w, data: dict, who: str, route: str) -> None:
    user, browser = actor(people, who)
    pk = {"own": w.proposed.pk, "missing": 10**40, "decided": w.approved.pk}[route]
    allowed = NOT_FOUND if route == "missing" else {403} if who == "lead" else PAGE
    with rolled_back():
        outcome = submit(
            browser,
            reverse("offboarding:decide", args=[pk]),
            data,
            pages=case_pages(w.proposed),
            allowed=allowed,
            rows=[Row(Offboarding, w.proposed.pk), Row(Offboarding, w.approved.pk)],
            right_place=route == "own",
        )
        if outcome.succeeded:
            case = refreshed(w.proposed)
            verdict = last(data["verdict"])
            assert case.status == {"approve": "approved", "reject": "rejected"}[verdict]
            assert case.decision_comment == typed_text(data, "comment")
            assert case.decided_by == user


def test_decision(people):
    w = decision_world(people)

    @FUZZ
    @given(
        data=form_data(decision_spec()),
        who=st.sampled_from(["manager", "manager", "lead"]),
        route=routes(own=5, missing=1, decided=1),
    )
    def check(data, who, route):
        post_decision(people, w, data, who, route)

    check()


def test_cancel(people):
    cases = CaseBuilder(lead=people.lead, manager=people.manager)
    draft = cases.draft(ClientFactory(account_lead=people.lead))
    approved = cases.approved(ClientFactory(account_lead=people.lead))
    foreign = cases.draft(ClientFactory(account_lead=people.other_lead))
    spec = {"reason": F(text_ok(4000), hostile_text)}

    @FUZZ
    @given(
        data=form_data(spec),
        who=st.sampled_from(["lead", "manager"]),
        route=routes(draft=4, approved=2, missing=1, foreign=1),
    )
    def check(data, who, route):
        user, browser = actor(people, "lead" if route == "foreign" else who)
        case = {"draft": draft, "approved": approved, "foreign": foreign}.get(route)
        allowed = {302}
        if route in ("missing", "foreign"):
            allowed = NOT_FOUND
        elif route == "approved" and who == "lead":
            allowed = {403}  # only a manager reverses a decision
        with rolled_back():
            outcome = submit(
                browser,
                reverse("offboarding:cancel", args=[case.pk if case else 10**40]),
                data,
                pages=case_pages(case) if case else (),
                allowed=allowed,
                rows=[Row(Offboarding, c.pk) for c in (draft, approved, foreign)],
                right_place=route == "draft",
            )
            if outcome.succeeded:
                saved = refreshed(case)
                assert saved.status == Offboarding.Status.CANCELLED
                assert saved.close_reason == typed_text(data, "reason")
            elif outcome.status == 302:
                assert any(level == django_messages.ERROR for level, _ in outcome.messages)

    check()


# --- Offboarding: the steps --------------------------------------------------------------------


def steps_world(people) -> SimpleNamespace:
    """A case in progress, another with a prepared call, somebody else's case, and a
    cancelled one whose steps are closed."""
    cases = CaseBuilder(lead=people.lead, manager=people.manager)
    acme = ClientFactory(account_lead=people.lead, team=[people.staff])
    globex = ClientFactory(account_lead=people.other_lead)
    case = cases.in_progress(acme)
    called_client = ClientFactory(account_lead=people.lead, team=[people.staff])
    called = cases.in_progress(called_client)
    cases.call_plan(called)
    foreign_case = cases.in_progress(globex)
    lead = people.lead
    return SimpleNamespace(
        cases=cases,
        acme=acme,
        globex=globex,
        case=case,
        called=refreshed(called),
        foreign_case=foreign_case,
        closed=cases.cancelled(ClientFactory(account_lead=people.lead)),
        contact=ContactFactory(client=acme),
        foreign_contact=ContactFactory(client=globex),
        deliverable=case_services.deliverable_save(actor=lead, case=case, name="Landing page"),
        foreign_deliverable=case_services.deliverable_save(
            actor=people.other_lead, case=foreign_case, name="Their page"
        ),
        credential=case_services.credential_save(
            actor=lead, case=case, system="Google Ads", username="ads", secret="old-secret"
        ),
        foreign_credential=case_services.credential_save(
            actor=people.other_lead, case=foreign_case, system="X", username="x", secret="y"
        ),
        asset=case_services.asset_save(actor=lead, case=case, name="acme.example", kind="domain"),
        foreign_asset=case_services.asset_save(
            actor=people.other_lead, case=foreign_case, name="globex.example", kind="domain"
        ),
    )


STEP_ROUTES = routes(own=5, missing=1, foreign_case=1, closed=1)


def step_target(w, route: str) -> int:
    return {
        "own": w.case.pk,
        "missing": 10**40,
        "foreign_case": w.foreign_case.pk,
        "closed": w.closed.pk,
    }[route]


def step_allowed(route: str) -> set[int]:
    # A case whose steps are closed sends the user back to it, nothing saved.
    return {"own": PAGE, "closed": {302}}.get(route, NOT_FOUND)


def step_user(people, who: str, route: str):
    return actor(people, "lead" if route == "foreign_case" else who)


WHO = st.sampled_from(["lead", "manager"])


def review_spec(client: Client, foreign: Client) -> dict[str, F]:
    return {
        "contract": F(ids_ok(*client.contracts.all()), hostile_id(foreign.contracts.first().pk)),
        "basis": F(choice_ok(ContractReview.Basis.choices), hostile_choice("NOTICE")),
        # The form accepts dates within five years of today.
        "notice_given_on": F(dates_near(years=4), hostile_date),
        "immediate_on": F(st.one_of(st.just(""), dates_near(years=4)), hostile_date),
        "refund_amount": F(amount_ok(), hostile_number),
        "released_early": F(bool_ok, hostile_bool),
        "notes": F(text_ok(5000, blank=True), hostile_text),
    }


def fix_review(data: dict) -> None:
    if data["immediate_on"] and data["immediate_on"] < data["notice_given_on"]:
        data["immediate_on"] = data["notice_given_on"]


def review_world(people) -> SimpleNamespace:
    w = steps_world(people)
    ContractFactory(client=w.acme, is_current=False, end_date=None, title="Old retainer")
    fresh = ClientFactory(account_lead=people.lead)
    ContractFactory(client=fresh)
    w.approved = w.cases.approved(fresh)  # no review yet: the form creates it
    return w


def post_review(people, w, data: dict, who: str, route: str) -> None:
    user, browser = step_user(people, who, route)
    case = w.approved if route == "approved" else w.case
    target = w.approved.pk if route == "approved" else step_target(w, route)
    with rolled_back():
        outcome = submit(
            browser,
            reverse("offboarding:review", args=[target]),
            data,
            pages=case_pages(case),
            allowed=PAGE if route == "approved" else step_allowed(route),
            rows=[Row(ContractReview, w.case.review.pk)],
            right_place=route in ("own", "approved"),
        )
        if outcome.succeeded:
            assert route in ("own", "approved")
            assert outcome.created(ContractReview) == (1 if route == "approved" else 0)
            review = ContractReview.objects.get(case=case)
            assert review.contract_id == int(last(data["contract"]))
            assert review.contract.client == case.client
            assert review.basis == last(data["basis"])
            assert_saved(
                review,
                data,
                texts=("notes",),
                dates=("notice_given_on",),
                amounts=("refund_amount",),
                booleans=("released_early",),
            )
            assert review.effective_end >= review.notice_given_on or review.warning
            assert refreshed(case).status == Offboarding.Status.IN_PROGRESS


def test_contract_review(people):
    w = review_world(people)
    specs = {
        "own": review_spec(w.acme, w.globex),
        "approved": review_spec(w.approved.client, w.globex),
    }

    @FUZZ
    @given(
        who=WHO,
        route=routes(own=4, approved=2, missing=1, foreign_case=1, closed=1),
        draw=st.data(),
    )
    def check(who, route, draw):
        data = draw.draw(form_data(specs.get(route, specs["own"]), fix_review), label="data")
        post_review(people, w, data, who, route)

    check()


def deliverable_spec() -> dict[str, F]:
    return {
        "name": F(text_ok(200), hostile_text),
        "description": F(text_ok(5000, blank=True), hostile_text),
        "due_on": F(date_ok(blank=True), hostile_date),
        "status": F(choice_ok(Deliverable.Status.choices), hostile_choice()),
        "client_answer": F(choice_ok(Deliverable.Answer.choices), hostile_choice()),
        "decision": F(choice_ok(Deliverable.Decision.choices), hostile_choice()),
        "refund_amount": F(amount_ok(blank=True), hostile_number),
    }


def fix_deliverable(data: dict) -> None:
    if data["decision"] == Deliverable.Decision.CANCEL_REFUND and not data["refund_amount"]:
        data["refund_amount"] = "0.00"
    if (
        data["decision"] == Deliverable.Decision.FINISH
        and data["client_answer"] == Deliverable.Answer.NOT_NEEDED
    ):
        data["client_answer"] = Deliverable.Answer.NEEDED


def test_deliverable_create_and_edit(people):
    w = steps_world(people)

    @FUZZ
    @given(
        data=form_data(deliverable_spec(), fix_deliverable),
        who=WHO,
        route=routes(new=3, edit=3, missing=1, foreign_deliverable=1, foreign_case=1, closed=1),
    )
    def check(data, who, route):
        user, browser = step_user(people, who, route)
        url = {
            "new": reverse("offboarding:deliverables", args=[w.case.pk]),
            "edit": reverse("offboarding:deliverable_edit", args=[w.case.pk, w.deliverable.pk]),
            "missing": reverse("offboarding:deliverable_edit", args=[w.case.pk, 10**40]),
            "foreign_deliverable": reverse(
                "offboarding:deliverable_edit", args=[w.case.pk, w.foreign_deliverable.pk]
            ),
            "foreign_case": reverse("offboarding:deliverables", args=[w.foreign_case.pk]),
            "closed": reverse("offboarding:deliverables", args=[w.closed.pk]),
        }[route]
        with rolled_back():
            before = set(Deliverable.objects.values_list("pk", flat=True))
            outcome = submit(
                browser,
                url,
                data,
                pages=case_pages(w.case),
                allowed={"new": PAGE, "edit": PAGE, "closed": {302}}.get(route, NOT_FOUND),
                rows=[
                    Row(Deliverable, w.deliverable.pk),
                    Row(Deliverable, w.foreign_deliverable.pk),
                ],
                right_place=route in ("new", "edit"),
            )
            if outcome.succeeded:
                assert outcome.created(Deliverable) == (1 if route == "new" else 0)
                saved = (
                    Deliverable.objects.exclude(pk__in=before).get()
                    if route == "new"
                    else Deliverable.objects.get(pk=w.deliverable.pk)
                )
                assert saved.case_id == w.case.pk
                assert_saved(
                    saved,
                    data,
                    texts=("name", "description"),
                    dates=("due_on",),
                    amounts=("refund_amount",),
                )
                assert saved.client_answer == last(data["client_answer"])
                assert saved.decision == last(data["decision"])
                status = last(data["status"])
                if saved.decision == Deliverable.Decision.CANCEL_REFUND:
                    status = Deliverable.Status.CANCELLED
                elif saved.decision == Deliverable.Decision.HAND_OVER and status not in (
                    Deliverable.Status.DELIVERED,
                    Deliverable.Status.CANCELLED,
                ):
                    status = Deliverable.Status.HANDED_OVER
                assert saved.status == status

    check()


def local_minutes(start: dt.date, end: dt.date) -> st.SearchStrategy:
    """A datetime-local value at noon, which exists exactly once in every time zone."""
    return st.dates(start, end).map(lambda d: f"{d.isoformat()}T12:{d.day:02d}")


DATETIME_FIELD = forms.DateTimeField(required=False, input_formats=["%Y-%m-%dT%H:%M"])


def call_spec(people, contact: Contact, foreign_contact: Contact) -> dict[str, F]:
    return {
        # The form accepts a call within two years of today.
        "scheduled_at": F(local_minutes(*around_today(years=1)), hostile_datetime),
        "duration_minutes": F(st.integers(5, 480).map(str), hostile_number),
        "channel": F(st.sampled_from(["in_person", "video", "phone"]), hostile_choice("email")),
        "location": F(text_ok(300, blank=True), hostile_text),
        "agency_attendees": F(
            some_ids(people.lead, people.staff, people.manager),
            st.lists(hostile_id(people.other_lead.pk, people.retired.pk), max_size=3),
        ),
        "client_attendees": F(
            some_ids(contact), st.lists(hostile_id(foreign_contact.pk), max_size=3)
        ),
        "talking_points": F(text_ok(5000, blank=True), hostile_text),
        "referral_name": F(text_ok(200, blank=True), hostile_text),
        "referral_contact": F(text_ok(200, blank=True), hostile_text),
        "referral_why": F(text_ok(2000, blank=True), hostile_text),
        "script": F(text_ok(20000, blank=True), hostile_text),
        "points_written": F(bool_ok, hostile_bool),
        "rehearsed": F(bool_ok, hostile_bool),
        "agreed_internally": F(bool_ok, hostile_bool),
    }


def call_world(people) -> SimpleNamespace:
    w = steps_world(people)
    called_contact = ContactFactory(client=w.called.client)
    w.call_specs = {
        "own": call_spec(people, w.contact, w.foreign_contact),
        "planned": call_spec(people, called_contact, w.contact),
    }
    return w


def post_call_plan(people, w, data: dict, who: str, route: str) -> None:
    user, browser = step_user(people, who, route)
    target = w.called.pk if route == "planned" else step_target(w, route)
    case = w.called if route == "planned" else w.case
    with rolled_back():
        outcome = submit(
            browser,
            reverse("offboarding:call", args=[target]),
            data,
            pages=case_pages(case),
            allowed=PAGE if route == "planned" else step_allowed(route),
            rows=[Row(CallPlan, w.called.call.pk, ("agency_attendees", "client_attendees"))],
            right_place=route in ("own", "planned"),
        )
        if outcome.succeeded:
            assert outcome.created(CallPlan) == (1 if route == "own" else 0)
            call = CallPlan.objects.get(case=case)
            assert call.scheduled_at == parsed(data, "scheduled_at", DATETIME_FIELD)
            assert call.channel == last(data["channel"])
            assert_saved(
                call,
                data,
                texts=(
                    "location",
                    "talking_points",
                    "referral_name",
                    "referral_contact",
                    "referral_why",
                ),
                integers=("duration_minutes",),
                booleans=("points_written", "rehearsed", "agreed_internally"),
            )
            script = typed_text(data, "script")
            if script:
                assert call.script == script
            else:  # generated from the template
                assert call.script.strip()
            attendees = set(call.agency_attendees.values_list("pk", flat=True))
            assert attendees == (posted_ids(data, "agency_attendees") or {user.pk})
            contacts = set(call.client_attendees.values_list("pk", flat=True))
            assert contacts == posted_ids(data, "client_attendees")


def test_call_plan(people):
    w = call_world(people)

    @FUZZ
    @given(
        who=WHO,
        route=routes(own=3, planned=2, missing=1, foreign_case=1, closed=1),
        draw=st.data(),
    )
    def check(who, route, draw):
        data = draw.draw(form_data(w.call_specs.get(route, w.call_specs["own"])), label="data")
        post_call_plan(people, w, data, who, route)

    check()


def fix_outcome(data: dict) -> None:
    if data["held"] == "rescheduled" and not data["rescheduled_to"]:
        data["rescheduled_to"] = f"{today() + dt.timedelta(days=30):%Y-%m-%d}T12:00"


def outcome_spec() -> dict[str, F]:
    yesterday = today() - dt.timedelta(days=1)
    return {
        "held": F(st.sampled_from(["held", "rescheduled"]), hostile_choice("planned", "HELD")),
        "held_at": F(local_minutes(around_today(years=1)[0], yesterday), hostile_datetime),
        "rescheduled_to": F(
            st.one_of(st.just(""), local_minutes(*around_today(years=1))),
            hostile_datetime,
        ),
        "reaction": F(choice_ok(CallPlan.Reaction.choices), hostile_choice("calm")),
        "commitments": F(text_ok(5000, blank=True), hostile_text),
        "pushback": F(text_ok(5000, blank=True), hostile_text),
    }


def post_call_outcome(people, w, data: dict, who: str, route: str) -> None:
    user, browser = step_user(people, who, route)
    target = {"own": w.called.pk, "unplanned": w.case.pk}.get(route) or step_target(w, route)
    with rolled_back():
        outcome = submit(
            browser,
            reverse("offboarding:outcome", args=[target]),
            data,
            pages=case_pages(w.called),
            allowed=PAGE if route == "unplanned" else step_allowed(route),
            rows=[Row(CallPlan, w.called.call.pk)],
            right_place=route == "own",
        )
        if outcome.succeeded:
            call = CallPlan.objects.get(case=w.called)
            held = last(data["held"])
            assert call.held == held
            if held == "held":
                assert call.held_at == parsed(data, "held_at", DATETIME_FIELD)
                assert call.held_at <= timezone.now()
            else:
                assert call.scheduled_at == parsed(data, "rescheduled_to", DATETIME_FIELD)
            reaction = last(data["reaction"])
            assert call.reaction == ("" if reaction is OMIT else reaction)
            assert_saved(call, data, texts=("commitments", "pushback"))
            assert call.outcome_recorded_by == user


def test_call_outcome(people):
    w = steps_world(people)

    @FUZZ
    @given(
        data=form_data(outcome_spec(), fix_outcome),
        who=WHO,
        route=routes(own=5, unplanned=1, missing=1, foreign_case=1, closed=1),
    )
    def check(data, who, route):
        post_call_outcome(people, w, data, who, route)

    check()


def credential_spec() -> dict[str, F]:
    return {
        "system": F(text_ok(200), hostile_text),
        "url": F(text_ok(500, blank=True), hostile_text),
        "username": F(text_ok(200), hostile_text),
        "secret": F(text_ok(500), hostile_text),
        "recovery_note": F(text_ok(2000, blank=True), hostile_text),
        "notes": F(text_ok(2000, blank=True), hostile_text),
    }


CREDENTIAL_ROUTES = routes(new=3, edit=3, missing=1, foreign_credential=1, foreign_case=1, closed=1)


def post_credential(people, w, data: dict, who: str, route: str) -> None:
    user, browser = step_user(people, who, route)
    url = {
        "new": reverse("offboarding:credential_create", args=[w.case.pk]),
        "edit": reverse("offboarding:credential_edit", args=[w.case.pk, w.credential.pk]),
        "missing": reverse("offboarding:credential_edit", args=[w.case.pk, 10**40]),
        "foreign_credential": reverse(
            "offboarding:credential_edit", args=[w.case.pk, w.foreign_credential.pk]
        ),
        "foreign_case": reverse("offboarding:credential_create", args=[w.foreign_case.pk]),
        "closed": reverse("offboarding:credential_create", args=[w.closed.pk]),
    }[route]
    with rolled_back():
        before = set(Credential.objects.values_list("pk", flat=True))
        outcome = submit(
            browser,
            url,
            data,
            pages=case_pages(w.case),
            allowed={"new": PAGE, "edit": PAGE, "closed": {302}}.get(route, NOT_FOUND),
            rows=[Row(Credential, w.credential.pk), Row(Credential, w.foreign_credential.pk)],
            right_place=route in ("new", "edit"),
        )
        if outcome.succeeded:
            assert outcome.created(Credential) == (1 if route == "new" else 0)
            saved = (
                Credential.objects.exclude(pk__in=before).get()
                if route == "new"
                else Credential.objects.get(pk=w.credential.pk)
            )
            assert saved.case_id == w.case.pk
            assert_saved(saved, data, texts=("system", "url", "username", "recovery_note", "notes"))
            # The help text promises: "Leave empty to keep the stored secret."
            assert saved.secret == (typed_text(data, "secret") or "old-secret")


def test_credential_create_and_edit(people):
    w = steps_world(people)

    @FUZZ
    @given(data=form_data(credential_spec()), who=WHO, route=CREDENTIAL_ROUTES)
    def check(data, who, route):
        post_credential(people, w, data, who, route)

    check()


def test_asset_create_and_edit(people):
    w = steps_world(people)
    spec = {
        "name": F(text_ok(200), hostile_text),
        "kind": F(choice_ok(Asset.Kind.choices), hostile_choice("Domain")),
        "location": F(text_ok(500, blank=True), hostile_text),
        "owner_after": F(text_ok(200, blank=True), hostile_text),
    }

    @FUZZ
    @given(
        data=form_data(spec),
        who=WHO,
        route=routes(new=3, edit=3, missing=1, foreign_asset=1, foreign_case=1, closed=1),
    )
    def check(data, who, route):
        user, browser = step_user(people, who, route)
        url = {
            "new": reverse("offboarding:asset_create", args=[w.case.pk]),
            "edit": reverse("offboarding:asset_edit", args=[w.case.pk, w.asset.pk]),
            "missing": reverse("offboarding:asset_edit", args=[w.case.pk, 10**40]),
            "foreign_asset": reverse(
                "offboarding:asset_edit", args=[w.case.pk, w.foreign_asset.pk]
            ),
            "foreign_case": reverse("offboarding:asset_create", args=[w.foreign_case.pk]),
            "closed": reverse("offboarding:asset_create", args=[w.closed.pk]),
        }[route]
        with rolled_back():
            before = set(Asset.objects.values_list("pk", flat=True))
            outcome = submit(
                browser,
                url,
                data,
                pages=case_pages(w.case),
                allowed={"new": PAGE, "edit": PAGE, "closed": {302}}.get(route, NOT_FOUND),
                rows=[Row(Asset, w.asset.pk), Row(Asset, w.foreign_asset.pk)],
                right_place=route in ("new", "edit"),
            )
            if outcome.succeeded:
                assert outcome.created(Asset) == (1 if route == "new" else 0)
                saved = (
                    Asset.objects.exclude(pk__in=before).get()
                    if route == "new"
                    else Asset.objects.get(pk=w.asset.pk)
                )
                assert saved.case_id == w.case.pk
                assert_saved(saved, data, texts=("name", "location", "owner_after"))
                assert saved.kind == last(data["kind"])

    check()


def test_takeover_instructions(people):
    w = steps_world(people)
    spec = {
        "takeover_instructions": F(
            st.one_of(text_ok(50000, blank=True), long_typed),
            st.one_of(hostile_text, st.just("x" * 50001)),
        )
    }

    @FUZZ
    @given(data=form_data(spec), who=WHO, route=STEP_ROUTES)
    def check(data, who, route):
        user, browser = step_user(people, who, route)
        with rolled_back():
            outcome = submit(
                browser,
                reverse("offboarding:instructions", args=[step_target(w, route)]),
                data,
                pages=case_pages(w.case),
                allowed={302} if route in ("own", "closed") else NOT_FOUND,
                rows=[Row(Offboarding, w.case.pk)],
                right_place=route == "own",
            )
            if outcome.succeeded:
                case = refreshed(w.case)
                assert case.takeover_instructions == typed_text(data, "takeover_instructions")
            elif outcome.status == 302 and route == "own":
                assert any(level == django_messages.ERROR for level, _ in outcome.messages)

    check()


def test_closeout(people):
    w = steps_world(people)
    names = case_services.CLOSEOUT_FIELDS
    spec = {name: F(bool_ok, hostile_bool) for name in names}

    @FUZZ
    @given(data=form_data(spec), who=WHO, route=STEP_ROUTES)
    def check(data, who, route):
        user, browser = step_user(people, who, route)
        with rolled_back():
            outcome = submit(
                browser,
                reverse("offboarding:closeout", args=[step_target(w, route)]),
                data,
                pages=case_pages(w.case),
                allowed=step_allowed(route),
                rows=[Row(Offboarding, w.case.pk)],
                right_place=route == "own",
            )
            if outcome.succeeded:
                assert_saved(refreshed(w.case), data, booleans=names)

    check()


def document_made(outcome: Outcome) -> bool:
    return outcome.status == 302 and outcome.location.endswith("#documents")


def test_handover_export(people):
    w = steps_world(people)
    passphrases = st.one_of(st.just(""), st.text(TYPED, min_size=8, max_size=200))
    spec = {
        "omit_secrets": F(bool_ok, hostile_bool),
        "passphrase": F(passphrases, hostile_text),
        "passphrase_again": F(passphrases, hostile_text),
    }

    def fix(data):
        data["passphrase_again"] = data["passphrase"]

    @FUZZ
    @given(data=form_data(spec, fix), who=WHO, route=STEP_ROUTES)
    def check(data, who, route):
        user, browser = step_user(people, who, route)
        with rolled_back():
            before = set(Document.objects.values_list("pk", flat=True))
            outcome = submit(
                browser,
                reverse("offboarding:handover_export", args=[step_target(w, route)]),
                data,
                pages=case_pages(w.case),
                allowed=PAGE if route in ("own", "closed") else NOT_FOUND,
                saved=document_made,
                right_place=route == "own",
            )
            if document_made(outcome):
                assert route == "own" and outcome.created(Document) == 1
                document = Document.objects.exclude(pk__in=before).get()
                assert document.case_id == w.case.pk and document.kind == Document.Kind.HANDOVER
                passphrase = last(data["passphrase"])
                passphrase = "" if passphrase is OMIT else passphrase  # kept as typed: no strip
                assert document.protected == bool(passphrase)
                assert document.passphrase == passphrase
                assert document.omit_secrets == parsed(data, "omit_secrets", BOOLEAN_FIELD)

    check()


def test_letter(people):
    w = steps_world(people)
    no_review = w.cases.approved(ClientFactory(account_lead=people.lead))
    spec = {
        "body": F(
            st.one_of(text_ok(20000), long_typed), st.one_of(hostile_text, st.just("y" * 20001))
        )
    }

    @FUZZ
    @given(
        data=form_data(spec), who=WHO, route=routes(own=5, no_review=1, missing=1, foreign_case=1)
    )
    def check(data, who, route):
        user, browser = step_user(people, who, route)
        target = no_review.pk if route == "no_review" else step_target(w, route)
        with rolled_back():
            before = set(Document.objects.values_list("pk", flat=True))
            outcome = submit(
                browser,
                reverse("offboarding:letter", args=[target]),
                data,
                pages=case_pages(w.case),
                allowed=PAGE if route in ("own", "no_review") else NOT_FOUND,
                saved=document_made,
                right_place=route == "own",
            )
            if document_made(outcome):
                assert route == "own" and outcome.created(Document) == 1
                document = Document.objects.exclude(pk__in=before).get()
                assert document.case_id == w.case.pk and document.kind == Document.Kind.LETTER
                assert document.body == typed_text(data, "body")

    check()


# --- Regressions -------------------------------------------------------------------------------
#
# Each bug the tests above found, now fixed, pinned with its failing input as an explicit
# example so that it cannot come back unnoticed.


def token_forms(people) -> dict[str, tuple[str, dict, Callable[[Outcome], bool]]]:
    """Forms that go through agency.once, each with a payload it accepts."""
    cases = CaseBuilder(lead=people.lead, manager=people.manager)
    acme = ClientFactory(account_lead=people.lead, team=[people.staff])
    case = cases.in_progress(acme)
    fresh = ClientFactory(account_lead=people.lead)
    succeeded = Outcome.succeeded.fget
    return {
        "client": (
            reverse("clients:create"),
            {"name": "Initech", "account_lead": str(people.lead.pk), "monthly_value": "10"}
            | {"currency": "EUR"},
            succeeded,
        ),
        "contact": (reverse("clients:contact_create", args=[acme.pk]), {"name": "Ada"}, succeeded),
        "proposal": (
            reverse("offboarding:start", args=[fresh.pk]),
            {"summary": "Scope keeps growing.", "timing": "with_notice"}
            | {"no_incident_justification": "Nothing was written down."},
            succeeded,
        ),
        "asset": (
            reverse("offboarding:asset_create", args=[case.pk]),
            {"name": "acme.example", "kind": "domain"},
            succeeded,
        ),
        "letter": (
            reverse("offboarding:letter", args=[case.pk]),
            {"body": "Dear Acme,\n\nWe end our work together."},
            document_made,
        ),
    }


@pytest.mark.parametrize("form", ["client", "contact", "proposal", "asset", "letter"])
def test_one_time_token_with_a_nul_byte_is_no_500(people, form):
    url, fields, saved = token_forms(people)[form]

    @FUZZ
    @example(token=NUL)
    @given(token=st.builds(lambda a, b: a + NUL + b, st.text(max_size=10), st.text(max_size=10)))
    def check(token):
        data = edge_input(fields)
        data["form_once"] = token
        with rolled_back():
            # Fixed, the token is ignored or refused, or the form is saved: anything but a 500.
            submit(people.browsers["lead"], url, data, allowed=PAGE | {400}, saved=saved)

    check()


FAR_NOTICE = {
    "basis": "notice",
    "notice_given_on": "9999-12-31",
    "immediate_on": "",
    "refund_amount": "0.00",
    "released_early": "",
    "notes": "",
}


def test_contract_review_with_a_far_future_notice_date_is_refused(people):
    w = review_world(people)
    contract = w.acme.contracts.get(is_current=True)
    spec = review_spec(w.acme, w.globex)
    spec["notice_given_on"] = F(
        st.dates(dt.date(9999, 11, 1), dt.date(9999, 12, 31)).map(dt.date.isoformat), st.nothing()
    )

    @FUZZ
    @example(data=edge_input({"contract": str(contract.pk), **FAR_NOTICE}))
    @given(data=form_data(spec, fix_review).map(at_the_edge))
    def check(data):
        post_review(people, w, data, "lead", "own")

    check()


RENEWS_EVERY_0_MONTHS = {
    "title": "Retainer",
    "reference": "AG-1",
    "start_date": "2024-01-01",
    "end_date": "2025-01-01",
    "auto_renews": "on",
    "renewal_months": "0",
    "notice_days": "30",
    "termination_clause_ref": "",
    "termination_clause_text": "",
    "payment_terms_days": "30",
    "monthly_fee": "100.00",
    "deposit_amount": "0.00",
    "is_current": "on",
    "signed_upload": OMIT,
}


def test_contract_renewing_every_0_months_is_refused(people):
    w = contract_world(people)
    spec = contract_spec()
    spec["end_date"] = F(date_ok(), st.nothing())
    spec["auto_renews"] = F(st.just("on"), st.nothing())
    spec["renewal_months"] = F(st.sampled_from(["0", "00", "-0", "0.0"]), st.nothing())

    @FUZZ
    @example(data=edge_input(RENEWS_EVERY_0_MONTHS), route="new")
    @given(
        data=form_data(spec, fix_contract).map(at_the_edge), route=st.sampled_from(["new", "edit"])
    )
    def check(data, route):
        post_contract(people, w, data, "lead", route)

    check()


def test_editing_a_credential_with_the_secret_left_empty_keeps_it(people):
    """Found by test_credential_create_and_edit: the edit form's empty secret was written
    onto the instance by the ModelForm and saved, erasing the stored secret. Fixed while
    this suite was written (credential_save reloads the row); kept as a regression test."""
    w = steps_world(people)
    spec = credential_spec()
    spec["secret"] = F(st.sampled_from(["", " ", "\t", OMIT]), st.nothing())
    fields = {"system": "Google Ads", "url": "", "username": "ads@acme.example", "secret": ""}

    @FUZZ
    @example(data=edge_input(fields | {"recovery_note": "", "notes": ""}))
    @given(data=form_data(spec).map(at_the_edge))
    def check(data):
        post_credential(people, w, data, "lead", "edit")

    check()


CALL_AT_THE_END_OF_TIME = {
    "scheduled_at": "9999-12-31T23:59",
    "duration_minutes": "30",
    "channel": "video",
    "location": "https://meet.example/acme",
    "agency_attendees": [],
    "client_attendees": [],
    "talking_points": "",
    "referral_name": "",
    "referral_contact": "",
    "referral_why": "",
    "script": "",
    "points_written": "on",
    "rehearsed": "on",
    "agreed_internally": "on",
}


def test_call_at_the_end_of_the_calendar_is_refused(people):
    w = call_world(people)
    spec = w.call_specs["own"] | {
        "scheduled_at": F(st.sampled_from(["9999-12-31T23:59", "9999-12-31T23:30"]), st.nothing())
    }

    @FUZZ
    @example(data=edge_input(CALL_AT_THE_END_OF_TIME))
    @given(data=form_data(spec).map(at_the_edge))
    def check(data):
        post_call_plan(people, w, data, "lead", "own")

    check()


def test_call_rescheduled_to_the_end_of_the_calendar_is_refused(people):
    w = steps_world(people)
    rescheduled = {"held": "rescheduled", "held_at": "", "rescheduled_to": "9999-12-31T23:59"}

    @FUZZ
    @example(data=edge_input(rescheduled | {"reaction": "", "commitments": "", "pushback": ""}))
    @given(
        data=form_data(
            outcome_spec()
            | {
                "held": F(st.just("rescheduled"), st.nothing()),
                "rescheduled_to": F(st.just("9999-12-31T23:59"), st.nothing()),
            }
        ).map(at_the_edge)
    )
    def check(data):
        post_call_outcome(people, w, data, "lead", "own")

    check()


def test_deciding_a_case_already_decided_says_why(people):
    w = decision_world(people)

    @FUZZ
    @example(data=edge_input({"comment": "Agreed.", "verdict": "approve"}))
    @given(data=form_data(decision_spec()).map(at_the_edge))
    def check(data):
        post_decision(people, w, data, "manager", "decided")

    check()


def refusing_forms(people) -> dict[str, tuple[str, str, type[forms.Form]]]:
    """The forms whose views always redirect, replacing the form's errors by a message."""
    from clients.forms import WithdrawForm
    from offboarding.forms import InstructionsForm, ReasonForm

    cases = CaseBuilder(lead=people.lead, manager=people.manager)
    acme = ClientFactory(account_lead=people.lead)
    incident = IncidentFactory(client=acme)
    working = cases.in_progress(ClientFactory(account_lead=people.lead))
    draft = cases.draft(ClientFactory(account_lead=people.lead))
    return {
        "withdraw": (
            reverse("clients:incident_withdraw", args=[acme.pk, incident.pk]),
            "reason",
            WithdrawForm,
        ),
        "cancel": (reverse("offboarding:cancel", args=[draft.pk]), "reason", ReasonForm),
        "instructions": (
            reverse("offboarding:instructions", args=[working.pk]),
            "takeover_instructions",
            InstructionsForm,
        ),
    }


@pytest.mark.parametrize(
    "form,text",
    [("withdraw", "r" * 2001), ("cancel", "c" * 4001), ("instructions", "Step 1\x00")],
)
def test_refusal_messages_name_the_actual_problem(people, form, text):
    url, name, form_class = refusing_forms(people)[form]

    @FUZZ
    @example(value=text)
    @given(value=st.one_of(long_text, st.text(min_size=1).map(lambda s: s + NUL)))
    def check(value):
        problems = list(form_class({name: value}).errors.get(name, []))
        assume(problems)
        with rolled_back():
            outcome = submit(people.browsers["lead"], url, {name: value}, allowed={302})
            said = " ".join(text for _, text in outcome.messages)
            assert any(problem in said for problem in problems), (
                f"{form}: the form says {problems}, the user is told {said!r}"
            )

    check()
