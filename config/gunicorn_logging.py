"""gunicorn's access log without tokens: a handover room's link and a calendar feed carry
a token in the path, and an access log line must not hold it (see agency.logging for Django's own
log lines). Used with `gunicorn --logger-class config.gunicorn_logging.RedactingLogger`."""

from __future__ import annotations

from gunicorn.glogging import Logger

from agency.logging import redact


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        # The request line and path, and the Referer (a page at a link's own address).
        for key in ("r", "U", "f", "{raw_uri}e", "{path_info}e", "{referer}i"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact(atoms[key])
        return atoms
