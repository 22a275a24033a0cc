import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_healthz_is_public_and_healthy(client, settings):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "ok"
    assert data["database"] == "ok"
    expected = "eager" if settings.CELERY_TASK_ALWAYS_EAGER else "ok"
    assert data["broker"] == expected
    # Nothing but states: no URLs, hosts or versions.
    assert set(data) == {"status", "database", "broker"}


@pytest.mark.django_db
def test_healthz_reports_broker_down_with_503(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "unhealthy", "database": "ok", "broker": "down"}
    assert "127.0.0.1" not in response.content.decode()
