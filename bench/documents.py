"""Document throughput through the real queue: Redis, one Celery worker, PostgreSQL.

Run from the project root (PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379):

    .venv/bin/python bench/documents.py
    .venv/bin/python bench/documents.py --handovers 10 --letters 20 --big-items 2000

The script creates a throwaway database of its own (cleanbreak_bench_docs, dropped at the
end; never the configured one), migrates it with manage.py, uses Redis db 11 as broker
(flushed before and after: only db 11), a temporary media folder, and starts one worker
(`celery -A config worker --pool=solo --concurrency=1`). Cases are built through the
services (offboarding_open, offboarding_submit, offboarding_approve, credential_save,
asset_save, contract_review_save). It then measures:

- handovers of 100 items: N requested at once through services.document_request, the
  documents per minute until the last is ready, and the request-to-ready latency;
- letters: the same;
- one handover of 2,000 items: request-to-ready time and the worker's peak RSS while
  rendering it (VmHWM from /proc/<pid>/status, reset just before; budget 300 MB).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "cleanbreak_bench_docs"
SERVER = "postgresql://postgres@127.0.0.1:5432"
BROKER = "redis://127.0.0.1:6379/11"
RSS_BUDGET_MB = 300.0
WAIT_LIMIT_S = 900.0

SYSTEMS = ("Google Ads", "Meta Business Suite", "Google Analytics 4", "Shopify admin")
ASSET_KINDS = ("website", "domain", "ad_account", "repository", "design", "analytics")
RECOVERY = "Authenticator app on the agency phone; move it to your own device first."


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--handovers", type=int, default=10, help="100-item handovers (10)")
    parser.add_argument("--items", type=int, default=100, help="items per handover (100)")
    parser.add_argument("--letters", type=int, default=20, help="letters (20)")
    parser.add_argument("--big-items", type=int, default=2000, help="items of the big one")
    parser.add_argument("--broker", default=os.environ.get("CELERY_BROKER_URL", BROKER))
    return parser.parse_args()


# --- Set-up ----------------------------------------------------------------------------


def create_database() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def drop_database() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


def flush_broker(url: str) -> None:
    import redis

    if not url.rstrip("/").endswith("/11"):
        raise SystemExit(f"refusing to flush {url}: only Redis db 11 is ours")
    redis.Redis.from_url(url).flushdb()


def environment(media: Path, broker: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"{SERVER.replace('postgresql', 'postgres')}/{DB_NAME}",
        "DJANGO_DEBUG": "true",
        "DJANGO_MEDIA_ROOT": str(media),
        "CELERY_BROKER_URL": broker,
        "CELERY_RESULT_BACKEND": broker,
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    command = [
        str(ROOT / ".venv" / "bin" / "celery"),
        "-A",
        "config",
        "worker",
        "--pool=solo",
        "--concurrency=1",
        "--loglevel=WARNING",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    print("$ " + " ".join(command), flush=True)
    with log.open("wb") as out:
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def wait_worker(worker: subprocess.Popen, limit: float = 60.0) -> None:
    from config.celery import app

    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise SystemExit(f"the worker exited with status {worker.returncode}")
        if app.control.ping(timeout=1.0):
            return
    raise SystemExit("the worker did not answer a ping in time")


def stop_worker(worker: subprocess.Popen) -> None:
    if worker.poll() is not None:
        return
    try:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(5)
    except ProcessLookupError:
        pass


def proc_status_kb(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def reset_peak(pid: int) -> bool:
    """Writing 5 to clear_refs resets VmHWM to the current RSS (Linux 4.0+)."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


# --- Cases, through the services -------------------------------------------------------


class Builder:
    def __init__(self):
        from agency.models import User

        self.lead = User.objects.create(
            username="bench-lead",
            first_name="Lena",
            last_name="Lindqvist",
            email="lena@agency.example",
            role=User.Role.LEAD,
        )
        self.manager = User.objects.create(
            username="bench-manager", first_name="Mara", last_name="Okafor", role=User.Role.MANAGER
        )
        self.seq = 0

    def approved_case(self, items: int, *, review: bool = False):
        from clients.models import Client, Contact, Contract
        from offboarding import services
        from offboarding.models import Offboarding

        self.seq += 1
        client = Client.objects.create(
            name=f"Vantage Motors {self.seq} Ltd",
            website="https://vantage-motors.example",
            account_lead=self.lead,
        )
        client.team.add(self.lead)
        Contact.objects.create(
            client=client,
            name="Rita Vance",
            role="Marketing director",
            email="rita.vance@vantage-motors.example",
            receives_handover=True,
        )
        today = dt.date.today()
        contract = Contract.objects.create(
            client=client,
            title="Retainer agreement",
            reference=f"AG-{self.seq:04d}",
            start_date=today - dt.timedelta(days=400),
            end_date=today + dt.timedelta(days=300),
            notice_days=30,
            termination_clause_ref="2.9",
            termination_clause_text="Either party may end this agreement with 30 days' notice.",
            monthly_fee=Decimal("4000.00"),
            is_current=True,
        )
        case = services.offboarding_open(
            actor=self.lead,
            client=client,
            summary="Benchmark case.",
            timing=Offboarding.Timing.WITH_NOTICE,
            no_incident_justification="Benchmark data: no incident.",
        )
        services.offboarding_submit(actor=self.lead, case=case)
        case = services.offboarding_approve(actor=self.manager, case=case, comment="Benchmark.")
        if review:
            services.contract_review_save(
                actor=self.lead,
                case=case,
                contract=contract,
                basis="end_of_term",
                notice_given_on=today,
            )
        n_credentials = items // 2
        for i in range(n_credentials):
            system = SYSTEMS[i % len(SYSTEMS)]
            services.credential_save(
                actor=self.lead,
                case=case,
                system=f"{system} account {i + 1}",
                url=f"https://{system.split()[0].lower()}.example.com/accounts/vantage-{i + 1}",
                username=f"marketing+{i + 1}@vantage-motors.example",
                secret=f"Xq7!vR{i:05d}-pLm9#Tz2-wK4e",
                recovery_note=RECOVERY if i % 3 == 0 else "",
            )
        for i in range(items - n_credentials):
            services.asset_save(
                actor=self.lead,
                case=case,
                name=f"vantage-motors-{i + 1}.example landing page",
                kind=ASSET_KINDS[i % len(ASSET_KINDS)],
                location=f"https://drive.example.com/drive/folders/1A2b3C4d5E6f-{i + 1:05d}",
                owner_after="" if i % 4 else "Rita Vance, Vantage Motors",
            )
        return Offboarding.objects.select_related("client").get(pk=case.pk)


# --- Measuring -------------------------------------------------------------------------


def wait_ready(ids: list[int], worker: subprocess.Popen, sample=None) -> list:
    from offboarding.models import Document

    deadline = time.monotonic() + WAIT_LIMIT_S
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise SystemExit(f"the worker exited with status {worker.returncode}")
        if sample:
            sample()
        docs = list(Document.objects.filter(pk__in=ids))
        done = [d for d in docs if d.status in (Document.Status.READY, Document.Status.FAILED)]
        if len(done) == len(ids):
            return docs
        time.sleep(0.05)
    raise SystemExit("documents not ready in time")


def batch(builder: Builder, worker, label: str, case, kind: str, n: int, body: str = "") -> dict:
    from offboarding import services
    from offboarding.models import Document

    t0 = time.perf_counter()
    ids = [
        services.document_request(actor=builder.lead, case=case, kind=kind, body=body).pk
        for _ in range(n)
    ]
    docs = wait_ready(ids, worker)
    wall = time.perf_counter() - t0
    failed = [d for d in docs if d.status != Document.Status.READY]
    latencies = sorted((d.finished_at - d.requested_at).total_seconds() for d in docs)
    renders = [(d.finished_at - d.started_at).total_seconds() for d in docs if d.started_at]
    return {
        "label": label,
        "n": n,
        "failed": len(failed),
        "error": failed[0].error[:200] if failed else "",
        "wall": wall,
        "per_min": 60 * n / wall,
        "p50": statistics.median(latencies),
        "max": latencies[-1],
        "render": statistics.median(renders) if renders else float("nan"),
        "pages": docs[0].page_count,
    }


def main() -> int:
    args = parse_args()
    media = Path(tempfile.mkdtemp(prefix="cleanbreak-bench-docs-"))
    env = environment(media, args.broker)
    os.environ.update({k: env[k] for k in env if k not in os.environ or os.environ[k] != env[k]})
    sys.path.insert(0, str(ROOT))
    worker = None
    rows: list[dict] = []
    big: dict = {}
    try:
        create_database()
        subprocess.run(
            [str(ROOT / ".venv" / "bin" / "python"), "manage.py", "migrate", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        flush_broker(args.broker)

        import django

        django.setup()
        from offboarding.documents.letter import default_letter_text, letter_reasons
        from offboarding.models import Document

        builder = Builder()
        t0 = time.perf_counter()
        handover_case = builder.approved_case(args.items)
        letter_case = builder.approved_case(4, review=True)
        big_case = builder.approved_case(args.big_items)
        print(
            f"cases built through the services in {time.perf_counter() - t0:.1f} s "
            f"({args.items}, 4 and {args.big_items} items)",
            flush=True,
        )

        worker = start_worker(env, media / "worker.log")
        wait_worker(worker)
        pid = worker.pid
        # Warm-up: imports, fonts and templates load on the first render.
        batch(builder, worker, "warm-up", handover_case, Document.Kind.HANDOVER, 1)
        print(f"worker pid {pid} ready, RSS {proc_status_kb(pid, 'VmRSS') / 1024:.0f} MiB")

        # The big handover first, with the high-water mark reset just before it.
        base_rss = proc_status_kb(pid, "VmRSS") / 1024
        reset = reset_peak(pid)
        sampled = [0]

        def sample() -> None:
            sampled[0] = max(sampled[0], proc_status_kb(pid, "VmRSS"))

        from offboarding import services

        t1 = time.perf_counter()
        doc = services.document_request(
            actor=builder.lead, case=big_case, kind=Document.Kind.HANDOVER
        )
        (doc,) = wait_ready([doc.pk], worker, sample)
        big = {
            "items": args.big_items,
            "status": doc.status,
            "error": doc.error[:200],
            "ready_s": time.perf_counter() - t1,
            "render_s": (doc.finished_at - doc.started_at).total_seconds(),
            "pages": doc.page_count,
            "kib": (doc.size or 0) / 1024,
            "base": base_rss,
            "hwm": proc_status_kb(pid, "VmHWM") / 1024,
            "hwm_reset": reset,
            "sampled": sampled[0] / 1024,
        }
        print(
            f"big handover: {big['status']} in {big['ready_s']:.1f} s, peak RSS "
            f"{big['hwm']:.0f} MiB (sampled {big['sampled']:.0f})",
            flush=True,
        )

        rows.append(
            batch(
                builder,
                worker,
                f"handover {args.items} items",
                handover_case,
                Document.Kind.HANDOVER,
                args.handovers,
            )
        )
        print(rows[-1], flush=True)
        body = default_letter_text(letter_case, reason=letter_reasons(letter_case)[0][0])
        rows.append(
            batch(builder, worker, "letter", letter_case, Document.Kind.LETTER, args.letters, body)
        )
        print(rows[-1], flush=True)
    finally:
        if worker is not None:
            stop_worker(worker)
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001 - Django may not be set up yet
            pass
        drop_database()
        flush_broker(args.broker)
        subprocess.run(["rm", "-rf", str(media)], check=False)

    print()
    print(f"One worker (--pool=solo), broker {args.broker}, {os.cpu_count()} CPU(s)")
    print(
        "| documents | n | failed | wall s | docs/min | ready p50 s | ready max s "
        "| render p50 s | pages |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['label']} | {r['n']} | {r['failed']} | {r['wall']:.1f} | {r['per_min']:.1f} | "
            f"{r['p50']:.2f} | {r['max']:.2f} | {r['render']:.2f} | {r['pages']} |"
        )
    ok = big.get("hwm", 1e9) <= RSS_BUDGET_MB and big.get("status") == "ready"
    print()
    print(
        "| handover | status | ready s | render s | pages | PDF KiB | RSS before MiB "
        "| peak RSS MiB (VmHWM) | sampled peak MiB | budget 300 MB |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    print(
        f"| {big['items']} items | {big['status']} | {big['ready_s']:.1f} | "
        f"{big['render_s']:.1f} | {big['pages']} | {big['kib']:.0f} | {big['base']:.0f} | "
        f"{big['hwm']:.0f}{'' if big['hwm_reset'] else ' (since start)'} | "
        f"{big['sampled']:.0f} | {'OK' if ok else 'MISSED'} |"
    )
    return 0 if ok and not any(r["failed"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
