"""The login and password-change forms under hostile input (hypothesis): never a 500,
never signed in without the right password, the password unchanged unless the change
was valid, and a lockout answer once the failures add up."""

import os

import pytest
from axes.models import AccessAttempt
from django.test import Client as Browser
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from agency.models import User

FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "25")),
    deadline=None,
    database=None,
    derandomize=os.environ.get("FUZZ_RANDOM", "") != "1",
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

hostile = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["", " ", "\x00", "a" * 10_000, "' OR 1=1 --", "<script>x</script>"]),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=40),
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("target", ["manager", "nobody"])
def test_login_never_fails_badly_and_never_lets_a_wrong_password_in(manager, target):
    @FUZZ
    @given(
        username=st.one_of(st.just(manager.username if target == "manager" else ""), hostile),
        password=hostile,
    )
    def check(username, password):
        AccessAttempt.objects.all().delete()
        browser = Browser()
        response = browser.post(reverse("login"), {"username": username, "password": password})
        assert response.status_code in (200, 403, 429), response.status_code
        assert "_auth_user_id" not in browser.session
        if response.status_code == 200:  # the form again, saying why
            page = response.content.decode()
            assert "correct username and password" in page or "invalid-feedback" in page

    check()


def test_repeated_failures_lock_the_login_out(manager, settings):
    browser = Browser()
    url = reverse("login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        browser.post(url, {"username": manager.username, "password": "wrong"})
    response = browser.post(url, {"username": manager.username, "password": "wrong"})
    assert response.status_code in (403, 429)
    assert "_auth_user_id" not in browser.session


def test_password_change_never_fails_badly_and_keeps_the_password(manager, password):
    browser = Browser()
    browser.force_login(manager)

    strong = "Correct-Horse-42-Battery"

    @FUZZ
    @example(old=password, new1=strong, new2=strong)  # the success branch, every run
    @example(old=password, new1=strong, new2=strong + "x")
    @given(old=st.one_of(st.just(password), hostile), new1=hostile, new2=hostile)
    def check(old, new1, new2):
        response = browser.post(
            reverse("password_change"),
            {"old_password": old, "new_password1": new1, "new_password2": new2},
        )
        assert response.status_code in (200, 302), response.status_code
        stored = User.objects.get(pk=manager.pk)
        if response.status_code == 200:
            assert stored.check_password(password)  # nothing changed
            assert (
                "errorlist" in response.content.decode() or "invalid" in response.content.decode()
            )
        else:
            assert old == password and new1 == new2 and stored.check_password(new1)
            stored.set_password(password)  # back to the known password for the next example
            stored.save()
            browser.force_login(stored)

    check()


def test_an_overlong_username_is_refused_with_a_message_not_a_500(manager):
    """Found by the fuzz test above: on PostgreSQL the lockout record overflowed."""
    response = Browser().post(reverse("login"), {"username": "u" * 300, "password": "x"})
    assert response.status_code == 200
    assert "at most 150 characters" in response.content.decode()
