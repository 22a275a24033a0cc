"""Page latency under load: gunicorn on the volume database, closed-loop users per page.

Run from the project root against the seeded volume database (see bench/seed.md):

    .venv/bin/python bench/load.py
    .venv/bin/python bench/load.py --duration 10 --concurrency 10 50 --pages dashboard clients

It starts gunicorn (config.wsgi, 2 sync workers, 127.0.0.1 on a free port) with
DJANGO_DEBUG=true against DATABASE_URL (default: the volume database), waits for
/healthz, logs in as a manager, a lead and a staff user of the seeded data, and for each
page and role runs a closed loop of N concurrent users (one keep-alive connection per
user, the next request as soon as the previous answer is read) for --duration seconds.
It prints one row per page, role and concurrency with the latency percentiles and marks
the budgets: p95 <= 100 ms at 10 users, no error at 50. Gunicorn is always stopped.

Traffic goes only to 127.0.0.1. The load generator runs on the same machine as the
server and the database, so its own CPU use is part of what the server competes with.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/cleanbreak_volume"
PASSWORD = "cleanbreak-volume"  # demo/volume.py
USERS = {"manager": "vol1-manager-0000", "lead": "vol1-lead-0010", "staff": "vol1-staff-0040"}
PAGES = ("dashboard", "clients", "search", "client", "case", "approvals")
SEARCH = "arb"  # "Harbor ...": matches about 1% of the seeded clients
P95_BUDGET_MS = 100.0
BUDGET_USERS = 10  # p95 budget applies at this concurrency
ERROR_FREE_USERS = 50  # no error allowed at this concurrency
TIMEOUT_S = 60.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per cell (10)")
    parser.add_argument(
        "--concurrency", type=int, nargs="+", default=[10, 50], help="users per cell (10 50)"
    )
    parser.add_argument("--pages", nargs="+", choices=PAGES, default=list(PAGES))
    parser.add_argument("--roles", nargs="+", choices=list(USERS), default=list(USERS))
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--warmup", type=int, default=3, help="requests per page before a cell")
    parser.add_argument(
        "--production",
        action="store_true",
        help="DJANGO_DEBUG=false with throwaway secrets, no HTTPS redirect, no secure "
        "cookies, no static manifest (instead of DJANGO_DEBUG=true)",
    )
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_DB), help="database"
    )
    return parser.parse_args()


# --- HTTP ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Session:
    """Cookies for one logged-in person; each user thread opens its own connection."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT_S)

    def headers(self, extra: dict | None = None) -> dict[str, str]:
        headers = {"Host": f"127.0.0.1:{self.port}", "User-Agent": "cleanbreak-bench"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return {**headers, **(extra or {})}

    def keep_cookies(self, response: http.client.HTTPResponse) -> None:
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]

    def request(self, conn, method: str, path: str, body: str | None = None, headers=None):
        conn.request(method, path, body=body, headers=self.headers(headers))
        response = conn.getresponse()
        data = response.read()
        self.keep_cookies(response)
        return response.status, response.headers, data

    def login(self, username: str) -> None:
        conn = self.connect()
        try:
            status, _, page = self.request(conn, "GET", "/accounts/login/")
            token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
            if status != 200 or not token:
                raise SystemExit(f"login page: HTTP {status}, no CSRF token")
            body = urllib.parse.urlencode(
                {
                    "csrfmiddlewaretoken": token.group(1).decode(),
                    "username": username,
                    "password": PASSWORD,
                    "next": "/",
                }
            )
            status, headers, _ = self.request(
                conn,
                "POST",
                "/accounts/login/",
                body,
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Referer": f"http://127.0.0.1:{self.port}/accounts/login/",
                },
            )
            # One attempt only: django-axes locks a user out after 5 failures.
            if status != 302 or "sessionid" not in self.cookies:
                raise SystemExit(f"login as {username} failed: HTTP {status} (not retried)")
        finally:
            conn.close()


# --- What to request ---------------------------------------------------------------------


def pick_targets(database_url: str) -> dict[str, dict[str, str]]:
    """Per role, the URL of each page. The client is the heaviest the role may see (most
    incidents); the case is the newest open case the role may see, else the newest."""
    import psycopg

    url = urllib.parse.urlsplit(database_url)
    dsn = database_url if url.scheme.startswith("postgres") else None
    if dsn is None:
        raise SystemExit("bench/load.py needs a PostgreSQL DATABASE_URL")
    dsn = dsn.replace("postgres://", "postgresql://", 1)
    targets: dict[str, dict[str, str]] = {}
    with psycopg.connect(dsn, autocommit=True) as conn:
        for role, username in USERS.items():
            row = conn.execute(
                "SELECT id, role FROM agency_user WHERE username = %s", (username,)
            ).fetchone()
            if row is None:
                raise SystemExit(f"no user {username}: run manage.py seed_volume first")
            user_id, user_role = row
            if user_role == "manager":
                visible = "SELECT id FROM clients_client"
                params: tuple = ()
            else:
                visible = (
                    "SELECT id FROM clients_client WHERE account_lead_id = %s "
                    "UNION SELECT client_id FROM clients_client_team WHERE user_id = %s"
                )
                params = (user_id, user_id)
            client = conn.execute(
                f"SELECT c.id, count(i.id) AS n FROM clients_client c "
                f"LEFT JOIN clients_incident i ON i.client_id = c.id "
                f"WHERE c.id IN ({visible}) GROUP BY c.id ORDER BY n DESC, c.id LIMIT 1",
                params,
            ).fetchone()
            case = conn.execute(
                f"SELECT id, status FROM offboarding_offboarding WHERE client_id IN ({visible}) "
                f"ORDER BY (status IN ('completed', 'cancelled', 'rejected')), id DESC LIMIT 1",
                params,
            ).fetchone()
            pages = {
                "dashboard": "/",
                "clients": "/clients/",
                "search": f"/clients/?q={SEARCH}",
            }
            if client:
                pages["client"] = f"/clients/{client[0]}/"
            if case:
                pages["case"] = f"/offboardings/{case[0]}/"
            if user_role == "manager":
                pages["approvals"] = "/approvals/"
            targets[role] = pages
    return targets


# --- Load ------------------------------------------------------------------------------


@dataclass
class Cell:
    page: str
    role: str
    users: int
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    elapsed: float = 0.0
    first_error: str = ""
    server_cpu: float = 0.0  # CPU seconds of the gunicorn workers during the cell
    client_cpu: float = 0.0  # CPU seconds of this load generator during the cell

    def pct(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))] * 1000

    @property
    def requests(self) -> int:
        return len(self.latencies) + self.errors

    @property
    def verdict(self) -> str:
        notes = []
        if self.users <= BUDGET_USERS and self.pct(95) > P95_BUDGET_MS:
            notes.append("MISSED p95")
        if self.users >= ERROR_FREE_USERS and self.errors:
            notes.append("MISSED errors")
        if self.users == BUDGET_USERS and self.errors:
            notes.append("errors")
        return ", ".join(notes) or "OK"


def run_cell(session: Session, path: str, cell: Cell, duration: float) -> None:
    lock = threading.Lock()
    start_gate = threading.Barrier(cell.users + 1)
    deadline = [0.0]

    def user() -> None:
        conn = session.connect()
        mine: list[float] = []
        errors = 0
        first_error = ""
        start_gate.wait()
        while time.perf_counter() < deadline[0]:
            t0 = time.perf_counter()
            try:
                conn.request("GET", path, headers=session.headers())
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
                if not ok:
                    first_error = first_error or f"HTTP {response.status}"
                if response.will_close:
                    conn.close()
                    conn = session.connect()
            except (OSError, http.client.HTTPException) as error:
                ok = False
                first_error = first_error or f"{type(error).__name__}: {error}"
                conn.close()
                conn = session.connect()
            if ok:
                mine.append(time.perf_counter() - t0)
            else:
                errors += 1
        conn.close()
        with lock:
            cell.latencies.extend(mine)
            cell.errors += errors
            cell.first_error = cell.first_error or first_error

    threads = [threading.Thread(target=user, daemon=True) for _ in range(cell.users)]
    for thread in threads:
        thread.start()
    deadline[0] = time.perf_counter() + duration
    t0 = time.perf_counter()
    start_gate.wait()
    for thread in threads:
        thread.join(duration + TIMEOUT_S + 5)
    cell.elapsed = time.perf_counter() - t0


def warm(session: Session, path: str, times: int) -> None:
    conn = session.connect()
    try:
        for _ in range(times):
            status, _, _ = session.request(conn, "GET", path)
            if status != 200:
                raise SystemExit(f"GET {path} as {session.cookies and 'user'}: HTTP {status}")
    finally:
        conn.close()


def worker_pids(master: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                pids.append(int(entry.name))
    return pids


def cpu_seconds(pids: list[int]) -> float:
    """utime + stime of these processes, in seconds."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


# --- Server ----------------------------------------------------------------------------


def start_gunicorn(
    port: int, workers: int, database_url: str, production: bool = False
) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "true",
        "DJANGO_LOG_LEVEL": "WARNING",
        "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL", ""),
    }
    if production:
        import base64
        import secrets

        env.update(
            {
                "DJANGO_DEBUG": "false",
                "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
                "CLEANBREAK_ENCRYPTION_KEYS": os.environ.get("CLEANBREAK_ENCRYPTION_KEYS")
                or base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
                "DJANGO_SECURE_SSL_REDIRECT": "false",
                "DJANGO_SECURE_COOKIES": "false",
                "DJANGO_HSTS_SECONDS": "0",
                "DJANGO_STATIC_MANIFEST": "false",
            }
        )
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "config.wsgi",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "120",
        "--log-level",
        "warning",
    ]
    print("$ " + " ".join(command), flush=True)
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)


def wait_healthy(port: int, server: subprocess.Popen, limit: float = 60.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with status {server.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            response = conn.getresponse()
            response.read()
            conn.close()
            if response.status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit("gunicorn did not answer /healthz in time")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    try:
        os.killpg(server.pid, signal.SIGTERM)  # its own session: the master and its workers
        server.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(5)
    except ProcessLookupError:
        pass


# --- Main ------------------------------------------------------------------------------


def print_table(cells: list[Cell]) -> None:
    header = (
        f"| {'page':<9} | {'role':<7} | {'users':>5} | {'requests':>8} | {'errors':>6} | "
        f"{'req/s':>6} | {'p50 ms':>7} | {'p95 ms':>7} | {'p99 ms':>7} | "
        f"{'CPU ms/req':>10} | budget |"
    )
    print(header)
    print("|" + "|".join("-" * (len(part)) for part in header.split("|")[1:-1]) + "|")
    for c in cells:
        rate = len(c.latencies) / c.elapsed if c.elapsed else 0.0
        print(
            f"| {c.page:<9} | {c.role:<7} | {c.users:>5} | {c.requests:>8} | {c.errors:>6} | "
            f"{rate:>6.1f} | {c.pct(50):>7.1f} | {c.pct(95):>7.1f} | {c.pct(99):>7.1f} | "
            f"{1000 * c.server_cpu / max(1, c.requests):>10.1f} | {c.verdict} |"
        )


def check_migrated(database_url: str) -> None:
    """Refuse a database the code's migrations have not all reached: pages would fail."""
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_DEBUG": "true"}
    check = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--check", "--plan"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if check.returncode != 0:
        sys.exit(
            f"{database_url} has unapplied migrations; first run:\n"
            f"  DATABASE_URL={database_url} make migrate\n{check.stdout}"
        )


def main() -> int:
    args = parse_args()
    check_migrated(args.database_url)
    targets = pick_targets(args.database_url)
    for role in args.roles:
        print(f"{role} ({USERS[role]}): " + ", ".join(f"{k} {v}" for k, v in targets[role].items()))
    port = free_port()
    server = start_gunicorn(port, args.workers, args.database_url, args.production)
    cells: list[Cell] = []
    try:
        wait_healthy(port, server)
        sessions = {}
        for role in args.roles:
            sessions[role] = Session(port)
            sessions[role].login(USERS[role])
        for page in args.pages:
            for role in args.roles:
                path = targets[role].get(page)
                if path is None:
                    continue
                warm(sessions[role], path, args.warmup)
                for users in args.concurrency:
                    cell = Cell(page, role, users)
                    workers = worker_pids(server.pid)
                    s0, c0 = cpu_seconds(workers), time.process_time()
                    run_cell(sessions[role], path, cell, args.duration)
                    cell.server_cpu = cpu_seconds(workers) - s0
                    cell.client_cpu = time.process_time() - c0
                    cells.append(cell)
                    rate = len(cell.latencies) / cell.elapsed if cell.elapsed else 0
                    why = f" ({cell.first_error})" if cell.errors else ""
                    print(
                        f"  {page:<9} {role:<7} {users:>3} users: {cell.requests} requests, "
                        f"{cell.errors} errors{why}"
                        f", {rate:.1f} req/s, p50 {cell.pct(50):.1f} ms, "
                        f"p95 {cell.pct(95):.1f} ms, server CPU "
                        f"{1000 * cell.server_cpu / max(1, cell.requests):.1f} ms/request, "
                        f"load generator {cell.client_cpu / cell.elapsed:.0%} of a core",
                        flush=True,
                    )
    finally:
        stop(server)
    print()
    print(
        f"{args.workers} gunicorn workers, "
        f"{'production settings' if args.production else 'DJANGO_DEBUG=true'}, "
        f"{args.duration:g} s per cell, budgets: "
        f"p95 <= {P95_BUDGET_MS:g} ms at {BUDGET_USERS} users, no error at {ERROR_FREE_USERS}"
    )
    print(
        "CPU ms/req: CPU time of the gunicorn workers per request during the cell "
        "(what a request costs the server, queueing aside)"
    )
    print_table(cells)
    missed = [c for c in cells if c.verdict != "OK"]
    print(f"\n{len(cells) - len(missed)} of {len(cells)} rows within budget.")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
