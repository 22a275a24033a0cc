"""List pages cost the same number of queries whatever the number of rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from offboarding import services
from tests.factories import ClientFactory, IncidentFactory


def make_cases(n, *, lead, manager):
    for i in range(n):
        client = ClientFactory(name=f"Query Client {i:03d}", account_lead=lead)
        case = services.offboarding_open(
            actor=lead,
            client=client,
            summary="Scope creep.",
            timing="with_notice",
            incidents=[IncidentFactory(client=client, reported_by=lead)],
        )
        services.offboarding_submit(actor=lead, case=case)
        if i % 2:
            services.offboarding_approve(actor=manager, case=case, comment="Yes.")
            services.asset_save(actor=lead, case=case, name=f"Site {i}", kind="website")


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url_name", ["offboarding:list", "offboarding:approvals", "clients:list", "dashboard"]
)
def test_list_pages_cost_the_same_queries_at_3_and_at_30_rows(client, lead, manager, url_name):
    client.force_login(manager)
    url = reverse(url_name)
    make_cases(3, lead=lead, manager=manager)
    few = count_queries(client, url)
    make_cases(27, lead=lead, manager=manager)
    many = count_queries(client, url)
    assert few == many, f"{url}: {few} queries with 3 rows, {many} with 30"
