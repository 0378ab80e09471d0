"""factory_boy factories. Agencies come from the reference data loaded by migration."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.conf import settings
from django.utils import timezone

from cases.choices import DetectionMethod, Drug, TransportMode, Unit
from members.models import Agency, Role, User


def agency(code: str) -> Agency:
    return Agency.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    full_name = factory.Faker("name")
    agency = factory.LazyFunction(lambda: Agency.objects.get(code="KCS"))
    role = Role.OFFICER
    password = factory.PostGenerationMethodCall("set_password", settings.DEMO_PASSWORD)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


class SeizureFactory(factory.django.DjangoModelFactory):
    """A submitted-or-draft seizure written straight to the database (bypasses services).

    Use services in tests of behaviour; this is for arranging visibility and statistics.
    """

    class Meta:
        model = "seizures.Seizure"
        skip_postgeneration_save = True

    agency = factory.LazyFunction(lambda: Agency.objects.get(code="KCS"))
    reference = factory.Sequence(lambda n: f"TST-2026-{n:06d}")
    occurred_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    country = factory.LazyAttribute(lambda o: o.agency.country)
    transport_mode = TransportMode.SEA_CONTAINER
    detection_method = DetectionMethod.XRAY
    origin_country = "TH"
    destination_country = "KR"
    status = "submitted"
    sharing = "members"
    total_weight_kg = Decimal("1.000")

    @factory.post_generation
    def items(self, create, extracted, **kwargs):
        if not create:
            return
        from cases.seizures.models import SeizureItem

        specs = extracted if extracted is not None else [(Drug.METHAMPHETAMINE, Decimal("1"), Unit.KG)]
        from cases.seizures import validators as v

        rows = []
        for position, (drug, quantity, unit) in enumerate(specs):
            item = SeizureItem(seizure=self, drug=drug, quantity=quantity, unit=unit, position=position)
            item.clean()
            item.save()
            rows.append(item)
        self.total_weight_kg = v.total_weight_kg(item.kg_equivalent for item in rows)
        self.tablets = sum((item.tablets for item in rows), Decimal("0"))
        self.items_without_weight = sum(1 for item in rows if item.kg_equivalent is None)
        self.save(update_fields=["total_weight_kg", "tablets", "items_without_weight"])
        # Counted in the dashboard's summary like a seizure written by the services.
        from cases.seizures.summary import stats_apply

        stats_apply(self, +1)
