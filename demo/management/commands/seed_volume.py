"""Volume data: Clean Break at the size it must stay fast at (the work: demo/volume.py).

    DJANGO_DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/cleanbreak_volume \\
        .venv/bin/python manage.py seed_volume --clients 10000 --incidents 200000 \\
        --cases 20000 --audit-events 1000000
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from demo.volume import PASSWORD, Volume, seed_volume


class Command(BaseCommand):
    help = "Fill the database with a large, realistic volume of data (for benchmarks)."

    def add_arguments(self, parser):
        defaults = Volume()
        parser.add_argument("--clients", type=int, default=defaults.clients)
        parser.add_argument("--incidents", type=int, default=defaults.incidents)
        parser.add_argument("--cases", type=int, default=defaults.cases)
        parser.add_argument("--audit-events", type=int, default=defaults.audit_events)
        parser.add_argument("--users", type=int, default=defaults.users)
        parser.add_argument("--batch", type=int, default=defaults.batch)
        parser.add_argument("--seed", type=int, default=defaults.seed, help="Random seed.")
        parser.add_argument(
            "--yes-i-know",
            action="store_true",
            help="Seed even though DJANGO_DEBUG is off (never on a production database).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["yes_i_know"]:
            raise CommandError(
                "Refusing to seed volume data with DJANGO_DEBUG off. This writes hundreds of "
                "thousands of fake rows; pass --yes-i-know if this really is a scratch database."
            )
        if connection.vendor != "postgresql":
            self.stderr.write(
                self.style.WARNING(
                    f"Seeding {connection.vendor}: the volume benchmarks and the index checks "
                    "are meant for PostgreSQL (set DATABASE_URL)."
                )
            )
        volume = Volume(
            clients=options["clients"],
            incidents=options["incidents"],
            cases=options["cases"],
            audit_events=options["audit_events"],
            users=options["users"],
            batch=options["batch"],
            seed=options["seed"],
        )
        if min(volume.clients, volume.batch) < 1 or min(volume.incidents, volume.cases) < 0:
            raise CommandError("--clients and --batch must be positive; counts cannot be negative.")

        def log(line: str) -> None:
            self.stdout.write(line)
            self.stdout.flush()

        log(
            f"Seeding {volume.users} users, {volume.clients:,} clients, {volume.incidents:,} "
            f"incidents, {volume.cases:,} cases, {volume.audit_events:,} audit events "
            f"(batches of {volume.batch:,}, seed {volume.seed}) into "
            f"{connection.settings_dict['NAME']}"
        )
        seeded = seed_volume(volume, log=log)
        # Statistics for the planner, and (PostgreSQL) the visibility map that index-only
        # scans rely on: what autovacuum would leave behind after a while.
        started = time.perf_counter()
        statement = "VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"
        with connection.cursor() as cursor:
            cursor.execute(statement)
        log(f"{statement.lower():<24} {'':>10}      {time.perf_counter() - started:8.1f} s")
        log(
            f"Log in as {seeded.managers[0].username}, {seeded.leads[0].username} or "
            f"{seeded.staff[0].username} with the password {PASSWORD!r}."
        )
