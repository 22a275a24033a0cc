"""A real Celery worker, started inside the test session, against the real Redis."""

import pytest
from celery.contrib.testing.worker import start_worker

from agency.tasks import ping
from config import celery_app


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_real_worker_runs_a_task_through_redis(broker_url):
    assert celery_app.conf.task_always_eager is False
    with start_worker(celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        result = ping.delay()
        assert result.get(timeout=20) == "pong"
    assert result.successful()
