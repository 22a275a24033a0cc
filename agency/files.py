"""Writing private files safely."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def make_private_dirs(path: Path, *, mode: int = 0o700) -> None:
    """Create the folder `path` and any missing parents, each with exactly `mode`.

    `Path.mkdir(parents=True)` gives the parents the umask's default (often 755, readable
    by every local user), and the umask may clear bits of `mode` itself: each missing
    level is made and then set to `mode`.
    """
    missing = []
    while not path.is_dir():
        missing.append(path)
        path = path.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=mode)
        except FileExistsError:
            continue  # another process made it meanwhile
        os.chmod(folder, mode)


def write_atomically(
    path: Path, data: bytes, *, prefix: str = ".partial-", mode: int = 0o600
) -> None:
    """Write `data` to `path` so that a reader sees the whole old file or the whole new one.

    The bytes go to a temporary file beside `path` with permissions `mode` (owner only by
    default), are flushed to disk, and the file is renamed over `path`; if anything fails,
    the temporary file is removed.
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=prefix)
    try:
        with os.fdopen(fd, "wb") as out:
            os.fchmod(out.fileno(), mode)
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
