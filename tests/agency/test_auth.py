"""Login, logout, password change, and that every page but login needs a user."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from agency.models import AuditEvent

# The language switch is public too: the login page offers it (it sets a cookie, and a
# signed-in person's own choice). The handover room's pages are the client's, without an
# account (tests/offboarding/test_room.py); a calendar feed, opened by its token.
PUBLIC = {"login", "healthz", "language_switch"}
PUBLIC_PREFIXES = ("admin/", "handover/", "calendar/")


def all_patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from all_patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield entry, prefix + str(entry.pattern)


def concrete_path(route: str) -> str:
    """Turn a route such as clients/<int:pk>/ into a path with an id in it."""
    path = re.sub(r"<(?:int:)?[^>]+>", "1", route)
    path = path.lstrip("^").rstrip("$").replace("\\Z", "")
    return "/" + path


def project_routes():
    for pattern, route in all_patterns():
        if route.startswith(PUBLIC_PREFIXES) or pattern.name in PUBLIC:
            continue
        yield pytest.param(concrete_path(route), id=pattern.name or route)


@pytest.mark.django_db
@pytest.mark.parametrize("path", list(project_routes()))
def test_anonymous_user_is_sent_to_login_from_every_page(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_shows_dashboard_with_name_and_role(client, manager, password):
    response = client.post(
        reverse("login"), {"username": manager.username, "password": password}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("dashboard")
    body = response.content.decode()
    assert manager.display_name in body
    assert "Manager" in body
    assert "Approvals" in body


def test_staff_does_not_see_approvals_in_navigation(client, staff):
    client.force_login(staff)
    body = client.get(reverse("dashboard")).content.decode()
    assert "Staff" in body
    assert "Approvals" not in body


def test_wrong_password_is_refused_with_a_message(client, lead):
    response = client.post(reverse("login"), {"username": lead.username, "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_needs_post(client, lead):
    client.force_login(lead)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_change_requires_a_strong_password(client, lead, password):
    client.force_login(lead)
    url = reverse("password_change")
    weak = client.post(
        url, {"old_password": password, "new_password1": "short", "new_password2": "short"}
    )
    assert weak.status_code == 200
    assert "too short" in weak.content.decode()
    strong = "a-much-longer-passphrase-2026"
    ok = client.post(
        url, {"old_password": password, "new_password1": strong, "new_password2": strong}
    )
    assert ok.status_code == 302
    lead.refresh_from_db()
    assert lead.check_password(strong)


def test_login_and_failed_login_are_audited_without_the_password(client, lead, password):
    client.post(reverse("login"), {"username": lead.username, "password": "wrong-guess-123"})
    client.post(reverse("login"), {"username": lead.username, "password": password})
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert AuditEvent.Action.LOGIN in actions
    assert AuditEvent.Action.LOGIN_FAILED in actions
    for event in AuditEvent.objects.all():
        assert "wrong-guess-123" not in event.summary + event.comment
