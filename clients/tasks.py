"""Celery tasks of the clients app: thin, each calls one service."""

from celery import shared_task

from . import services


@shared_task(name="clients.refresh_risk", ignore_result=True)
def refresh_risk() -> int:
    """Recompute every live client's risk signal (scheduled daily by the beat)."""
    return services.clients_risk_refresh_all()
