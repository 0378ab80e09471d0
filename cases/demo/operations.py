"""A demo joint operation for `make run`, built through the services like a real one.

"ICE BREAK 2026": led by the Korea Customs Service, with Thai Customs and Vietnam Customs
as participants and Singapore Customs observing; active, with assignments and messages.
Idempotent: a marker counter makes a second run create nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from cases.choices import AssignmentStatus, Drug, ParticipantRole, TransportMode
from cases.operations import services
from crackdown.models import Counter
from members.demo import demo_email
from members.models import Agency, Role, User

DEMO_MARKER = "demo:operations"


def _user(code: str, role: str) -> User | None:
    return User.objects.filter(email__iexact=demo_email(code, role)).first()


def seed_operations() -> int:
    """Create the demo operation once; returns how many operations were created."""
    with transaction.atomic():
        if Counter.objects.filter(name=DEMO_MARKER).exists():
            return 0
        lead = _user("KCS", Role.COORDINATOR)
        thai = _user("TCD", Role.COORDINATOR)
        viet = _user("GDVC", Role.COORDINATOR)
        singapore = _user("SC", Role.COORDINATOR)
        thai_officer = _user("TCD", Role.OFFICER)
        if lead is None or thai is None or viet is None or singapore is None or thai_officer is None:
            return 0
        Counter.objects.create(name=DEMO_MARKER, value=1)
        today = timezone.localdate()
        operation = services.operation_create(
            name="ICE BREAK 2026",
            description=(
                "Joint crackdown on methamphetamine and ketamine moving from the Mekong region to Korea "
                "by air cargo, express courier and sea container."
            ),
            starts_on=today - dt.timedelta(days=30),
            ends_on=today + dt.timedelta(days=60),
            target_drugs=[Drug.METHAMPHETAMINE, Drug.KETAMINE],
            transport_modes=[TransportMode.AIR_CARGO, TransportMode.EXPRESS_COURIER, TransportMode.SEA_CONTAINER],
            by=lead,
        )
        agencies = {a.code: a for a in Agency.objects.filter(code__in=["TCD", "GDVC", "SC"])}
        services.operation_invite(operation=operation, agencies=[agencies["TCD"], agencies["GDVC"]], by=lead)
        services.operation_invite(
            operation=operation, agencies=[agencies["SC"]], role=ParticipantRole.OBSERVER, by=lead
        )
        for coordinator in (thai, viet, singapore):
            services.operation_respond(operation=operation, accept=True, by=coordinator)
        services.operation_activate(operation=operation, by=lead)
        profiling = services.assignment_create(
            operation=operation,
            agency=agencies["TCD"],
            title="Profile express consignments Bangkok → Incheon",
            instructions="Screen outbound express courier parcels declared as tea or supplements; report hits.",
            due_at=timezone.now() + dt.timedelta(days=7),
            assignee=thai_officer,
            by=lead,
        )
        services.assignment_update(assignment=profiling, status=AssignmentStatus.IN_PROGRESS, by=thai_officer)
        services.assignment_create(
            operation=operation,
            agency=agencies["GDVC"],
            title="Watch containers from Hai Phong to Busan",
            instructions="Risk-profile reefer containers on the Hai Phong–Busan service.",
            due_at=timezone.now() - dt.timedelta(days=1),
            by=lead,
        )
        services.message_post(
            operation=operation, body="Kick-off: please confirm your national focal points by Friday.", by=lead
        )
        services.message_post(operation=operation, body="TCD focal point confirmed; profiling has started.", by=thai)
        return 1
