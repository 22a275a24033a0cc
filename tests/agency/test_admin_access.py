"""Every URL of the Django admin, read from the resolver: nobody but a superuser gets in,
and even a superuser cannot add, change or delete an audit event.

The permission matrix (tests/test_permission_matrix.py) covers the product's own URLs;
the admin is Django's, so it is walked here with one rule for all its pages."""

import pytest
from django.apps import apps
from django.urls import URLResolver, get_resolver, reverse

from agency.models import AuditEvent, User
from agency.services import audit_record
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ACTIONS = ("changelist", "add", "change", "delete", "history")


def admin_patterns() -> dict[str, tuple[str, ...]]:
    """{"admin:name": its kwarg names}, for every pattern in the admin's namespace."""
    admin = next(
        e
        for e in get_resolver().url_patterns
        if isinstance(e, URLResolver) and e.namespace == "admin"
    )
    found = {}

    def walk(entries, kwargs=()):
        for entry in entries:
            names = kwargs + tuple(entry.pattern.regex.groupindex)
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, names)
            elif entry.name:
                found[f"admin:{entry.name}"] = names

    walk(admin.url_patterns)
    return found


PATTERNS = admin_patterns()


def model_of(name: str):
    """The model of an admin:<app>_<model>_<action> name, or None."""
    app_label, _, rest = name.removeprefix("admin:").partition("_")
    model_name, _, action = rest.rpartition("_")
    if action not in ACTIONS:
        return None
    try:
        return apps.get_model(app_label, model_name)
    except LookupError:
        return None


def url_for(name: str, sample: dict) -> str:
    kwargs = {}
    for kwarg in PATTERNS[name]:
        if kwarg == "object_id":  # view_on_site has no model in its name: a user's page
            kwargs[kwarg] = sample[model_of(name) or User]
        elif kwarg == "app_label":
            kwargs[kwarg] = "agency"
        elif kwarg == "content_type_id":
            from django.contrib.contenttypes.models import ContentType

            kwargs[kwarg] = ContentType.objects.get_for_model(User).pk
        else:
            kwargs[kwarg] = sample[User]
    return reverse(name, kwargs=kwargs)


@pytest.fixture
def sample(manager):
    """One row of every model the admin shows (a missing row would only test a redirect)."""
    event = audit_record(actor=manager, action=AuditEvent.Action.LOGIN, summary="Logged in")
    rows = {User: manager.pk, AuditEvent: event.pk}
    for name in PATTERNS:
        model = model_of(name)
        if model is not None and model not in rows:
            first = model.objects.first()
            rows[model] = first.pk if first else 1
    return rows


def test_the_admin_has_pages_to_check():
    assert "admin:index" in PATTERNS
    assert "admin:agency_auditevent_change" in PATTERNS and "admin:agency_user_change" in PATTERNS


@pytest.mark.parametrize("role", ["anon", "outsider", "staff", "lead", "manager"])
def test_no_role_of_the_product_opens_any_admin_page(client, request, sample, role):
    if role != "anon":
        client.force_login(request.getfixturevalue(role))
    opened = {}
    for name in PATTERNS:
        if name in ("admin:login", "admin:logout"):
            continue
        response = client.get(url_for(name, sample))
        # Sent to a login page: the admin's, or the product's (anonymous, by the middleware).
        to_login = response.status_code == 302 and response["Location"].startswith(
            (reverse("admin:login"), reverse("login"))
        )
        if not to_login:
            opened[name] = response.status_code
    assert opened == {}, f"{role} reached admin pages: {opened}"


def test_a_superuser_opens_every_admin_page_but_never_edits_the_audit_log(client, sample):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    statuses = {name: client.get(url_for(name, sample)).status_code for name in PATTERNS}

    assert [name for name, status in statuses.items() if status >= 500] == []
    for action in ("add", "change", "delete"):
        name = f"admin:agency_auditevent_{action}"
        # change shows a read-only page; add and delete are refused outright.
        assert statuses[name] == (200 if action == "change" else 403), (name, statuses[name])
    assert statuses["admin:agency_auditevent_changelist"] == 200
    assert statuses["admin:agency_user_changelist"] == 200

    event_pk = sample[AuditEvent]
    response = client.post(
        reverse("admin:agency_auditevent_change", args=[event_pk]), {"summary": "Rewritten"}
    )
    assert response.status_code == 403
    assert AuditEvent.objects.get(pk=event_pk).summary == "Logged in"
    response = client.post(
        reverse("admin:agency_auditevent_delete", args=[event_pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert AuditEvent.objects.filter(pk=event_pk).exists()
