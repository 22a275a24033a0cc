from celery import shared_task


@shared_task(name="agency.ping")
def ping() -> str:
    """Answers "pong": proves a worker consumes from the broker.

    From a shell: `celery -A config call agency.ping`.
    """
    return "pong"
