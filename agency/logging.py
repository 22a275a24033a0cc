"""Log filters: what must never reach a log line.

The handover room's link carries its token in the path (/handover/<token>/). Django logs
the path of every 4xx answer, so the filter writes such paths as /handover/…/ in every
record the console handler prints, whoever logged it.
"""

from __future__ import annotations

import logging
import re

TOKEN_PATH = re.compile(r"/handover/(?!room/)[A-Za-z0-9_-]{8,}/?")


class RedactRoomTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/handover/" in message:
            record.msg = TOKEN_PATH.sub("/handover/…/", message)
            record.args = ()
        return True
