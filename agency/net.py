"""Who is on the other end of a request: the one place that reads the client's address.

Used by the audit log (`audit_record`) and by django-axes (AXES_CLIENT_IP_CALLABLE), so a
lockout and the audit row name the same address.

Without a proxy (CLEANBREAK_PROXY_COUNT=0, the default) the address is the connection's
own, REMOTE_ADDR; an X-Forwarded-For header is then ignored, since anyone can send one.
Behind N trusted proxies, each appends the address it received the request from to
X-Forwarded-For, so the client is the N-th entry from the right: everything left of it
was written by the client and is not trusted. A header with fewer entries than that (a
request that did not pass through every proxy) or an entry that is not an address falls
back to REMOTE_ADDR, which the client cannot choose.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest | None) -> str | None:
    """The client's IP address as the trusted proxies saw it, or None without a request."""
    if request is None:
        return None
    direct = _address(request.META.get("REMOTE_ADDR", ""))
    proxies = getattr(settings, "CLEANBREAK_PROXY_COUNT", 0)
    if proxies <= 0:
        return direct
    forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [hop for hop in forwarded if hop]
    if len(forwarded) < proxies:
        return direct
    return _address(forwarded[-proxies]) or direct


def _address(text: str) -> str | None:
    """`text` as a normalised IP address, or None if it is not one."""
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None
