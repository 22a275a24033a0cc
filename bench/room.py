"""How fast the handover room answers a client, and the lead's live status, as the number
of logins grows (an account lead hands over forty; a large account four hundred).

Run from the project root (nothing else is needed, no service is touched):

    DJANGO_DEBUG=true .venv/bin/python bench/room.py
    DJANGO_DEBUG=true .venv/bin/python bench/room.py --logins 40 400 2000

Like bench/render.py (whose case builder it uses) it works on a throwaway SQLite database
in a temporary folder. For each size it opens a room for one recipient (the handover PDF
without secrets is rendered in-process, and timed apart), enters the code, and measures
through Django's test client: the room page, one reveal, the lead's status panel (polled
every 10 s while the room is open), and the acknowledgement with its receipt PDF. CPU
seconds of this process, best of --runs, and the number of queries. See bench/README.md.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from render import build_case, set_up_django  # noqa: E402 - bench/render.py, beside this one

# Budgets on the 2-core build machine: CPU seconds for one answer, best of the runs.
BUDGETS = {
    "room page": {40: 0.15, 400: 0.8},
    "reveal": {40: 0.15, 400: 0.8},
    "lead status": {40: 0.15, 400: 0.8},
}
DEFAULT_SIZES = (40, 400)
RUNS = 3


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--logins", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--runs", type=int, default=RUNS)
    return parser.parse_args()


def timed(call, runs: int) -> tuple[float, int]:
    """Best CPU seconds of `runs` calls, and the queries of the last one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    best = float("inf")
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            start = time.process_time()
            response = call()
            best = min(best, time.process_time() - start)
        assert response.status_code in (200, 302), response.status_code
    return best, len(queries)


def measure(logins: int, seq: int, runs: int) -> dict:
    import re

    from django.core import mail
    from django.test import Client as Browser
    from django.urls import reverse

    from offboarding import services
    from offboarding.models import Document
    from offboarding.services import room as room_services

    case, lead = build_case(logins * 2, seq)  # half credentials, half assets
    services.handover_complete(actor=lead, case=case)
    contact = case.client.contacts.get()
    start = time.process_time()
    room, issued = room_services.room_open(actor=lead, case=case, contacts=[contact])
    opened = time.process_time() - start  # includes the handover PDF, rendered in-process
    path = re.search(r"(/handover/[A-Za-z0-9_-]{40,}/)", mail.outbox[-1].body).group(1)
    client = Browser()
    client.post(path, {"code": issued[0].code})
    lead_browser = Browser()
    lead_browser.force_login(lead)
    login = room.logins.first()
    figures = {"open (with the PDF)": (opened, None)}
    figures["room page"] = timed(lambda: client.get(reverse("room:inside")), runs)
    figures["reveal"] = timed(lambda: client.post(reverse("room:reveal", args=[login.pk])), runs)
    figures["lead status"] = timed(
        lambda: lead_browser.get(reverse("offboarding:room_panel", args=[case.pk])), runs
    )
    start = time.process_time()
    client.post(reverse("room:acknowledge"), {"name": "Rita Vance", "confirmed": "on"})
    receipt = Document.objects.get(case=case, kind=Document.Kind.RECEIPT)
    figures["acknowledge (with the receipt PDF)"] = (time.process_time() - start, None)
    assert receipt.status == Document.Status.READY, receipt.error
    return figures


def main() -> int:
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="cleanbreak-bench-room-"))
    try:
        set_up_django(workdir)
        from django.test.utils import setup_test_environment

        setup_test_environment()  # the locmem mail outbox, as in the tests
        missed = []
        print(f"{'logins':>7}  {'answer':<36} {'CPU s':>7} {'queries':>8}  budget")
        for seq, logins in enumerate(args.logins):
            for name, (seconds, queries) in measure(logins, seq, args.runs).items():
                budget = BUDGETS.get(name, {}).get(logins)
                verdict = (
                    ""
                    if budget is None
                    else f"{budget:.2f} " + ("ok" if seconds <= budget else "MISSED")
                )
                if budget is not None and seconds > budget:
                    missed.append(f"{name} at {logins}")
                shown = "" if queries is None else str(queries)
                print(f"{logins:>7}  {name:<36} {seconds:>7.3f} {shown:>8}  {verdict}")
        if missed:
            print("Budgets missed: " + ", ".join(missed))
            return 1
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
