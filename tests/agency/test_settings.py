"""Production start-up: refuses without its secrets, and passes Django's deploy checks."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "k8#Vq2!pLz7@wR4^tY9&uI1*oP6(aS3)dF5-gH0_jK2+lZ8=xC4",
    "DJANGO_ALLOWED_HOSTS": "cleanbreak.example.com",
    "CLEANBREAK_ENCRYPTION_KEYS": "bZtPq0nLx3b8Gm2yF4q5Cw7Zr1uV9sK6hJ0aD3eT8Yk=",
    "CLEANBREAK_SITE_URL": "https://cleanbreak.example.com",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "CLEANBREAK_ENCRYPTION", "CLEANBREAK_SITE_URL"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_missing_secret_key_stops_start_up_and_names_it():
    env = {**PRODUCTION}
    del env["DJANGO_SECRET_KEY"]
    result = manage("check", **env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_missing_allowed_hosts_stops_start_up_and_names_it():
    env = {**PRODUCTION}
    del env["DJANGO_ALLOWED_HOSTS"]
    result = manage("check", **env)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must be set" in result.stderr


def test_missing_encryption_keys_stop_start_up_and_name_them():
    env = {k: v for k, v in PRODUCTION.items() if k != "CLEANBREAK_ENCRYPTION_KEYS"}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "CLEANBREAK_ENCRYPTION_KEYS must be set" in result.stderr


def test_missing_site_url_stops_start_up_and_names_it():
    """Links in e-mails (a client's handover link above all) need the public address."""
    env = {k: v for k, v in PRODUCTION.items() if k != "CLEANBREAK_SITE_URL"}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "CLEANBREAK_SITE_URL must be set" in result.stderr


def test_deploy_checks_pass_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_debug_mode_runs_without_any_secret():
    result = manage("check", DJANGO_DEBUG="true")
    assert result.returncode == 0, result.stderr


def site_url(**env: str) -> str:
    base = {k: v for k, v in os.environ.items() if k not in ("PORT", "CLEANBREAK_SITE_URL")}
    result = subprocess.run(
        [sys.executable, "-c", "from config import settings; print(settings.SITE_URL)"],
        cwd=ROOT,
        # An empty CLEANBREAK_SITE_URL counts as unset and keeps a local .env out of the way.
        env={**base, "DJANGO_DEBUG": "true", "CLEANBREAK_SITE_URL": "", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_links_in_e_mails_follow_the_port_the_development_server_runs_on():
    assert site_url(PORT="8080") == "http://127.0.0.1:8080"
    assert site_url() == "http://127.0.0.1:8000"


def test_links_in_e_mails_use_the_configured_site_url():
    configured = site_url(CLEANBREAK_SITE_URL="https://cleanbreak.example.com/", PORT="8080")
    assert configured == "https://cleanbreak.example.com"
