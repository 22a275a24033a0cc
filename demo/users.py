"""The demo's four people, one per role, with a known password."""

from __future__ import annotations

from agency.models import User

from .common import AGENCY_DOMAIN, Users

DEFAULT_PASSWORD = "cleanbreak-demo"

DEMO_USERS = [
    # username, first, last, role, is_superuser
    ("manager", "Maya", "Okafor", User.Role.MANAGER, False),
    ("lead", "Liam", "Brandt", User.Role.LEAD, False),
    ("staff", "Sofia", "Reyes", User.Role.STAFF, False),
    ("admin", "Ada", "Admin", User.Role.MANAGER, True),
]


def create_users(password: str) -> Users:
    """Create or reset each demo user, with this password."""
    users = {}
    for username, first, last, role, superuser in DEMO_USERS:
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@{AGENCY_DOMAIN}",
                "role": role,
                "is_staff": superuser,
                "is_superuser": superuser,
                "is_active": True,
            },
        )
        user.set_password(password)
        user.save(update_fields=["password"])
        users[username] = user
    return users
