import pytest
from django.core.management import CommandError, call_command

from agency.models import User


@pytest.mark.django_db
def test_demo_data_creates_one_user_per_role_and_is_safe_twice(settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-for-test")
    call_command("demo_data")
    call_command("demo_data")
    roles = dict(User.objects.values_list("username", "role"))
    assert roles["manager"] == User.Role.MANAGER
    assert roles["lead"] == User.Role.LEAD
    assert roles["staff"] == User.Role.STAFF
    assert User.objects.filter(username="manager").count() == 1
    assert User.objects.get(username="lead").check_password("demo-password-for-test")


@pytest.mark.django_db
def test_demo_data_refuses_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        call_command("demo_data")
    assert not User.objects.filter(username="manager").exists()
