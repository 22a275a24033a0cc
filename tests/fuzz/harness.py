"""The harness of the form fuzz tests: hostile and valid values, `F`, `FormInput` and
`form_data`, multipart posts with uploads, `submit` and its `Outcome`, the snapshots it
compares, the pages it checks, and the hypothesis settings (`FUZZ`). Everything that is
not about one app's forms; the spec modules beside it (test_*.py) post to the forms.
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
from typing import Any

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
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st

from agency.models import AuditEvent, User
from clients.models import Client
from offboarding.models import Offboarding
from tests.files import HTML_BYTES, pdf_bytes, png_bytes

ON_POSTGRES = django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql")

FUZZ = settings(
    # FUZZ_EXAMPLES=500 hunts longer; 25 keeps the suite fast.
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "25")),
    # The same examples on every run, so that CI and `make test` are repeatable;
    # FUZZ_RANDOM=1 draws new ones to hunt for bugs (and pin what it finds in the spec modules).
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


def local_minutes(start: dt.date, end: dt.date) -> st.SearchStrategy:
    """A datetime-local value at noon, which exists exactly once in every time zone."""
    return st.dates(start, end).map(lambda d: f"{d.isoformat()}T12:{d.day:02d}")


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


# --- Hostile files -------------------------------------------------------------------------

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
any_file = st.builds(Upload, file_names, file_contents, st.sampled_from(CONTENT_TYPES))


DATETIME_FIELD = forms.DateTimeField(required=False, input_formats=["%Y-%m-%dT%H:%M"])


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
        # A refused access adds at most one audit event: every 403, and a 404 that hides a
        # client or case of someone else (a 404 for what does not exist adds nothing); the
        # same refusal again within ten minutes adds none (agency.services.refusal_record).
        refused_access = {AuditEvent._meta.label: 1}
        allowed_deltas = {403: [{}, refused_access], 404: [{}, refused_access]}
        assert outcome.delta in allowed_deltas.get(outcome.status, [{}]), (
            f"POST {url} answered {outcome.status} without saving, yet rows changed: "
            f"{outcome.delta}\n  input: {shown(data)}\n  messages: {outcome.messages}"
        )
        if outcome.delta:
            assert AuditEvent.objects.latest("id").action == AuditEvent.Action.ACCESS_DENIED
        assert after["rows"] == before["rows"], f"an edited row changed\n  input: {shown(data)}"
        assert after["media"] == before["media"], f"files were left behind: {shown(data)}"
    return outcome


CLIENT_TABS = ("overview", "contracts", "payments", "incidents", "repair_attempts", "timeline")


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


def document_made(outcome: Outcome) -> bool:
    return outcome.status == 302 and outcome.location.endswith("#documents")


# --- Users ----------------------------------------------------------------------------------


def actor(people, name: str) -> tuple[User, Browser]:
    return getattr(people, name), people.browsers[name]
