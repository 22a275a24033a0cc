"""The Makefile's development targets run with the same embedded default as `make run`."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("target", ["run", "worker", "backup", "restore", "seed"])
def test_development_target_sets_django_debug(target):
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    result = subprocess.run(
        ["make", "-n", target, "BACKUP=var/backups/x.tar.gz"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    commands = [
        line for line in result.stdout.splitlines() if "manage.py" in line or "bin/celery" in line
    ]
    assert commands
    for line in commands:
        assert "DJANGO_DEBUG=${DJANGO_DEBUG:-true}" in line, line
