"""Demo accounts for `make run` (DEBUG only): three per agency and one platform admin."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from members.models import Agency, Role, User

PLATFORM_ADMIN_EMAIL = "platform@crackdown.example"
ROLE_MAILBOX = {Role.OFFICER: "officer", Role.COORDINATOR: "coordinator", Role.AGENCY_ADMIN: "admin"}
ROLE_TITLE = {Role.OFFICER: "Officer", Role.COORDINATOR: "Coordinator", Role.AGENCY_ADMIN: "Admin"}


def demo_email(agency_code: str, role: str) -> str:
    return f"{ROLE_MAILBOX[Role(role)]}@{agency_code.lower()}.example"


@transaction.atomic
def seed_users() -> int:
    """Create the demo users that are missing; an existing account is left as it is.

    Returns the number created, so a second run reports 0.
    """
    password = settings.DEMO_PASSWORD
    created = 0
    for agency in Agency.objects.order_by("code"):
        for role in (Role.OFFICER, Role.COORDINATOR, Role.AGENCY_ADMIN):
            email = demo_email(agency.code, role)
            if User.objects.filter(email__iexact=email).exists():
                continue
            User.objects.create_user(
                email,
                password,
                full_name=f"{agency.code} {ROLE_TITLE[role]}",
                agency=agency,
                role=role,
                timezone=agency.timezone,
            )
            created += 1
    if not User.objects.filter(email__iexact=PLATFORM_ADMIN_EMAIL).exists():
        User.objects.create_superuser(PLATFORM_ADMIN_EMAIL, password, full_name="Platform Admin")
        created += 1
    return created


def demo_sign_ins() -> list[tuple[str, str]]:
    rows = [(PLATFORM_ADMIN_EMAIL, "platform admin")]
    for agency in Agency.objects.order_by("code"):
        for role in (Role.OFFICER, Role.COORDINATOR, Role.AGENCY_ADMIN):
            rows.append((demo_email(agency.code, role), f"{agency.code} {Role(role).label}"))
    return rows
