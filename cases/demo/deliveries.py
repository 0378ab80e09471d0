"""A demo controlled delivery for `make run`, built through the services like a real one.

CD-<year>: the Korea Customs Service lets a reefer container of methamphetamine travel on from
Laem Chabang through Bangkok to Incheon under watch, inside the demo operation; Thai Customs has
accepted, the consignment is in transit on its Thai leg. Idempotent (a marker counter).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from cases.choices import Drug, TransportMode, Unit
from cases.deliveries import services
from cases.operations.models import JointOperation
from crackdown.models import Counter
from members.demo import demo_email
from members.models import Agency, Role, User

DEMO_MARKER = "demo:controlled-deliveries"


def _user(code: str, role: str) -> User | None:
    return User.objects.filter(email__iexact=demo_email(code, role)).first()


def seed_deliveries() -> int:
    """Create the demo controlled delivery once; returns how many were created."""
    with transaction.atomic():
        if Counter.objects.filter(name=DEMO_MARKER).exists():
            return 0
        korea, thailand = _user("KCS", Role.COORDINATOR), _user("TCD", Role.COORDINATOR)
        if korea is None or thailand is None:
            return 0
        Counter.objects.create(name=DEMO_MARKER, value=1)
        agencies = {a.code: a for a in Agency.objects.filter(code__in=["KCS", "TCD"])}
        operation = JointOperation.objects.filter(name="ICE BREAK 2026").first()
        eta = timezone.now() + dt.timedelta(hours=20)
        delivery = services.delivery_request(
            by=korea,
            operation=operation,
            legal_basis="Article 11 of the 1988 UN Convention; KCS–TCD mutual assistance agreement.",
            description="Reefer container of frozen durian; about 40 kg of crystal methamphetamine in the lining.",
            drug=Drug.METHAMPHETAMINE,
            estimated_quantity="40",
            unit=Unit.KG,
            identifiers=[{"kind": "container", "value": "MSKU 907032-3"}],
            legs=[
                {
                    "agency": agencies["TCD"],
                    "from_place": "THLCH",
                    "to_place": "BKK",
                    "transport_mode": TransportMode.LAND_VEHICLE,
                    "eta": eta,
                },
                {
                    "agency": agencies["KCS"],
                    "from_place": "BKK",
                    "to_place": "ICN",
                    "transport_mode": TransportMode.AIR_CARGO,
                    "eta": eta + dt.timedelta(hours=9),
                },
            ],
        )
        services.delivery_respond(
            delivery=delivery, accept=True, by=thailand, notes="Surveillance team at Laem Chabang."
        )
        services.delivery_depart(delivery=delivery, by=korea)
    return 1
