"""factory_boy factories for every model the tests need."""

import datetime
from decimal import Decimal

import factory

from agency.models import User

TEST_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@agency.example")
    role = User.Role.STAFF
    password = factory.django.Password(TEST_PASSWORD)


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "clients.Client"
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Client {n} Ltd")
    website = factory.LazyAttribute(lambda c: f"https://{c.name.split()[0].lower()}.example")
    industry = "Retail"
    account_lead = factory.SubFactory(UserFactory, role=User.Role.LEAD)
    start_date = datetime.date(2023, 1, 1)
    monthly_value = Decimal("4000.00")

    @factory.post_generation
    def team(self, create, extracted, **kwargs):
        """The account lead is always on the team; pass team=[...] to add more."""
        if not create:
            return
        self.team.add(self.account_lead, *(extracted or []))


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "clients.Contact"

    client = factory.SubFactory(ClientFactory)
    name = factory.Faker("name")
    role = "Marketing director"
    email = factory.Sequence(lambda n: f"contact{n}@client.example")


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "clients.Contract"

    client = factory.SubFactory(ClientFactory)
    title = "Retainer agreement"
    reference = factory.Sequence(lambda n: f"AG-{n:04d}")
    start_date = datetime.date(2024, 1, 1)
    end_date = datetime.date(2026, 12, 31)
    notice_days = 30
    termination_clause_ref = "2.9"
    termination_clause_text = "Either party may end this agreement with 30 days' written notice."
    monthly_fee = Decimal("4000.00")


class InvoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "clients.Invoice"

    client = factory.SubFactory(ClientFactory)
    number = factory.Sequence(lambda n: f"INV-{n:05d}")
    issued_on = datetime.date(2026, 1, 1)
    due_on = factory.LazyAttribute(lambda i: i.issued_on + datetime.timedelta(days=30))
    amount = Decimal("4000.00")


class IncidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "clients.Incident"

    client = factory.SubFactory(ClientFactory)
    category = "scope_creep"
    severity = 2
    occurred_on = datetime.date(2026, 10, 1)
    title = "Asked for work outside the agreed scope"
    description = "Client asked for three extra landing pages without a change request."
    reported_by = factory.LazyAttribute(lambda i: i.client.account_lead)


class RepairAttemptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "clients.RepairAttempt"

    client = factory.SubFactory(ClientFactory)
    kind = "conversation"
    tried_on = datetime.date(2026, 10, 15)
    description = "Talked through the scope with the marketing director."
    outcome = "no_change"
    recorded_by = factory.LazyAttribute(lambda r: r.client.account_lead)
