"""Log filters: what must never reach a log line.

Two addresses carry a secret in their path: a handover room's link (/handover/<token>/)
and a person's calendar feed (/calendar/<token>.ics). Django logs the path of every 4xx
answer, so such paths are written /handover/…/ and /calendar/….ics in every record the
console handler prints, whoever logged it (and in refusal records, see services).
"""

from __future__ import annotations

import logging
import re

TOKEN_PATH = re.compile(r"/(handover|calendar)/(?!room/)[A-Za-z0-9_-]{8,}")


def redact(text: str) -> str:
    return TOKEN_PATH.sub(lambda m: f"/{m.group(1)}/…", text)


class RedactRoomTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/handover/" in message or "/calendar/" in message:
            record.msg = redact(message)
            record.args = ()
        return True
