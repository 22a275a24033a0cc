"""Demo data for trying Clean Break locally: safe to run twice, refused in production."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from agency.models import User

DEFAULT_PASSWORD = "cleanbreak-demo"

DEMO_USERS = [
    # username, first, last, role, is_superuser
    ("manager", "Maya", "Okafor", User.Role.MANAGER, False),
    ("lead", "Liam", "Brandt", User.Role.LEAD, False),
    ("staff", "Sofia", "Reyes", User.Role.STAFF, False),
    ("admin", "Ada", "Admin", User.Role.MANAGER, True),
]


class Command(BaseCommand):
    help = "Create demo users (and, as the product grows, demo clients and cases)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "demo_data refuses to run with DJANGO_DEBUG off: it would create known "
                "passwords on a production database."
            )
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
        with transaction.atomic():
            users = self.create_users(password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo users ready: {', '.join(users)} (password from DEMO_PASSWORD, "
                f"default “{DEFAULT_PASSWORD}”)."
            )
        )

    def create_users(self, password: str) -> dict[str, User]:
        users = {}
        for username, first, last, role, superuser in DEMO_USERS:
            user, _ = User.objects.update_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@agency.example",
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
