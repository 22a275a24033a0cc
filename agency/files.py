"""Writing private files safely."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, data: bytes, *, prefix: str = ".partial-") -> None:
    """Write `data` to `path` so that a reader sees the whole old file or the whole new one.

    The bytes go to a temporary file beside `path`, are flushed to disk, and the file is
    renamed over `path`; if anything fails, the temporary file is removed.
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=prefix)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
