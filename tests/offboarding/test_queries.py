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


PAGES = [
    ("offboarding:list", ""),
    ("offboarding:list", "?show=closed"),
    ("offboarding:approvals", ""),
    ("clients:list", ""),
    ("dashboard", ""),
]


def close_some(lead, manager):
    """Reject every other proposed case, so the closed list has rows too."""
    from offboarding.models import Offboarding

    for case in Offboarding.objects.filter(status="proposed")[::2]:
        services.offboarding_reject(actor=manager, case=case, comment="Not yet.")


@pytest.mark.parametrize("who", ["manager", "lead"])
def test_list_pages_cost_the_same_queries_at_3_and_at_50_rows(client, request, lead, manager, who):
    client.force_login(request.getfixturevalue(who))
    client.get(reverse("dashboard"))  # the session's once-a-minute renewal, out of the count
    urls = [
        reverse(name) + query
        for name, query in PAGES
        if who == "manager" or name != "offboarding:approvals"  # managers only
    ]
    make_cases(3, lead=lead, manager=manager)
    close_some(lead, manager)
    few = {url: count_queries(client, url) for url in urls}
    make_cases(47, lead=lead, manager=manager)
    close_some(lead, manager)
    for url in urls:
        many = count_queries(client, url)
        assert few[url] == many, f"{url}: {few[url]} queries with 3 rows, {many} with 50"


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)
