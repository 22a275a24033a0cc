"""Demo data for trying Clean Break locally: safe to run twice, refused in production.

The demo cast: four people (one per role, demo/users.py) and a handful of clients, from a
healthy account to one the agency should part with at once (demo/clients.py). Every
client is written through the services in clients/services.py, as a person using the
product would, so the audit log, history and risk signal come out as they would in real
use. All dates count back from today, so the demo looks current whenever it is run.

Three of the clients then get an offboarding case (demo/cases.py), written through
offboarding/services/ in the same way: one waits for a manager's decision, one is
halfway through its steps, one is completed. A client that already has a case, in any
state, is left alone.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from clients.models import Client
from demo.cases import DEMO_CASES
from demo.clients import DEMO_CLIENTS
from demo.common import Users
from demo.users import DEFAULT_PASSWORD, create_users


class Command(BaseCommand):
    help = "Create demo users, demo clients and their offboarding cases."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "demo_data refuses to run with DJANGO_DEBUG off: it would create known "
                "passwords on a production database."
            )
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
        with transaction.atomic():
            users = create_users(password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo users ready: {', '.join(users)} (password from DEMO_PASSWORD, "
                f"default “{DEFAULT_PASSWORD}”)."
            )
        )
        self.create_clients(users)
        self.create_cases(users)

    def create_clients(self, users: Users) -> None:
        """Add each demo client once; a client whose name is taken is left as it is."""
        today = timezone.localdate()
        for name, create in DEMO_CLIENTS:
            if Client.objects.filter(name=name).exists():
                self.stdout.write(f"Kept client “{name}”: it already exists.")
                continue
            with transaction.atomic():
                client = create(name=name, users=users, today=today)
            self.stdout.write(
                self.style.SUCCESS(f"Created client “{name}” (risk: {client.risk_level}).")
            )

    def create_cases(self, users: Users) -> None:
        """Open each demo case once; a client with any case at all keeps what it has."""
        today = timezone.localdate()
        for name, create in DEMO_CASES:
            client = Client.objects.filter(name=name).first()
            if client is None:
                self.stdout.write(f"Skipped the case of “{name}”: there is no such client.")
                continue
            if client.cases.exists():
                self.stdout.write(f"Kept the offboarding case of “{name}”: it already has one.")
                continue
            with transaction.atomic():
                case = create(client=client, users=users, today=today)
            case.refresh_from_db()
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created the offboarding case of “{name}” "
                    f"({case.get_status_display().lower()})."
                )
            )
