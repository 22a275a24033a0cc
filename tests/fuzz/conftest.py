"""The fixture every fuzz spec module shares: the users (one per role, a retired lead)
and a signed-in browser for each of lead, manager and staff."""

from types import SimpleNamespace

import pytest

from agency.models import User
from tests.factories import UserFactory
from tests.fuzz.harness import browser_for

# --- Users and the other client --------------------------------------------------------------


@pytest.fixture
def people(lead, manager, staff, other_lead):
    return SimpleNamespace(
        lead=lead,
        manager=manager,
        staff=staff,
        other_lead=other_lead,
        retired=UserFactory(username="retired", role=User.Role.LEAD, is_active=False),
        browsers={
            name: browser_for(user)
            for name, user in [("lead", lead), ("manager", manager), ("staff", staff)]
        },
    )
