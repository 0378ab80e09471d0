"""Demo seizures for `make run`: a few hundred realistic records across agencies, routes and years.

Deterministic (fixed seed) and idempotent (a marker counter makes a second run create 0).
Holds two stories the other pages show:
- Korea 2023: seizures in KR total exactly 734 kg, 279 kg of them from ASEAN origins
  (the origin-share statistic);
- one container number seized by both Thai Customs and the Korea Customs Service
  (the cross-agency match).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from cases.choices import ParticipantStatus, SeizureStatus, Sharing
from cases.demo.generator import SeizureMaker, Spec, bulk_write, item_row
from cases.matching.services import match_seizure
from cases.operations.models import Participation
from cases.seizures.models import Seizure
from cases.seizures.validators import normalize_identifier
from crackdown.models import Counter
from members.models import Agency, Role, User

DEMO_MARKER = "demo:seizures"
SEED = 20260101
PER_AGENCY = 30
SHARED_CONTAINER = "MSKU 604321-6"

# (origin, transits, mode, [(drug, quantity, unit, description)], day of 2023, location)
KOREA_2023 = [
    (
        "TH",
        [],
        "air_cargo",
        [
            ("methamphetamine", "100", "kg", "Crystal methamphetamine (ice)"),
            ("ketamine", "20000", "g", "Ketamine powder"),
        ],
        35,
        "Incheon International Airport",
    ),
    ("VN", [], "express_courier", [("methamphetamine", "84", "kg", "Crystalline powder")], 80, "Incheon Port"),
    (
        "MM",
        ["TH"],
        "sea_container",
        [
            # 44.5 kg and 5,000 tablets at 100 mg (0.5 kg equivalent): 45 kg in the statistics.
            ("methamphetamine", "44.5", "kg", "Crystal methamphetamine (ice)"),
            ("methamphetamine", "5000", "tablet", "Methamphetamine tablets (yaba)"),
        ],
        140,
        "Busan New Port",
    ),
    ("LA", ["TH"], "air_passenger", [("heroin", "30", "kg", "Heroin No. 4, blocks")], 201, "Gimhae Airport"),
    ("CN", [], "sea_container", [("methamphetamine", "210", "kg", "Crystalline powder")], 97, "Pyeongtaek Port"),
    (
        "MX",
        ["US"],
        "express_courier",
        [("cocaine", "95", "kg", "Cocaine hydrochloride, bricks")],
        160,
        "Incheon International Airport",
    ),
    ("CA", [], "postal", [("cannabis", "70", "kg", "Dried cannabis flower")], 233, "Incheon Port"),
    (
        "US",
        [],
        "air_cargo",
        [("methamphetamine", "40", "kg", "Crystal methamphetamine (ice)")],
        270,
        "Incheon International Airport",
    ),
    (
        "NL",
        [],
        "postal",
        [("mdma", "39", "kg", "MDMA crystals"), ("mdma", "1000", "g", "MDMA crystals")],
        301,
        "Incheon International Airport",
    ),
]


def maker_for(
    agencies: list[Agency], *, seed: int, start: dt.datetime, end: dt.datetime, avoid: tuple[str, int] | None = None
) -> SeizureMaker:
    """A SeizureMaker for these agencies: their reporters and verifiers, the operations each accepted."""
    reporters, verifiers = reporters_and_verifiers(agencies)
    accepted: dict[int, list[int]] = {}
    for agency_id, operation_id in (
        Participation.objects.filter(status=ParticipantStatus.ACCEPTED)
        .order_by("agency_id", "operation_id")
        .values_list("agency_id", "operation_id")
    ):
        accepted.setdefault(agency_id, []).append(operation_id)
    return SeizureMaker(
        agencies=agencies,
        reporters=reporters,
        verifiers=verifiers,
        accepted_operations=accepted,
        seed=seed,
        start=start,
        end=end,
        avoid=avoid,
    )


def reporters_and_verifiers(agencies) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """Per agency: the users who report its seizures, and the coordinators who verify them."""
    reporters: dict[int, list[int]] = {a.pk: [] for a in agencies}
    verifiers: dict[int, list[int]] = {a.pk: [] for a in agencies}
    users = User.objects.filter(agency__in=agencies, is_active=True).order_by("email")
    for pk, agency_id, role in users.values_list("pk", "agency_id", "role"):
        if role in (Role.OFFICER, Role.COORDINATOR):
            reporters[agency_id].append(pk)
        if role == Role.COORDINATOR:
            verifiers[agency_id].append(pk)
    return reporters, verifiers


def _first(user_ids: list[int]) -> int | None:
    return user_ids[0] if user_ids else None


def _fixed(
    agency,
    reporter: int | None,
    verifier: int | None,
    *,
    origin: str,
    transits: list[str],
    destination: str,
    mode: str,
    detection: str,
    items: list[tuple],
    at: dt.datetime,
    location: str,
    identifiers: Sequence[tuple[str, str]] = (),
    concealment: str = "",
) -> Spec:
    seizure = {
        "agency_id": agency.pk,
        "agency_code": agency.code,
        "status": SeizureStatus.VERIFIED,
        "reported_by_id": reporter,
        "verified_by_id": verifier,
        "occurred_at": at,
        "location": location,
        "country": agency.country,
        "transport_mode": mode,
        "detection_method": detection,
        "concealment": concealment,
        "origin_country": origin,
        "destination_country": destination,
        "transit_countries": list(transits),
        "operation_id": None,
        "sharing": Sharing.MEMBERS,
        "notes": "",
        "external_reference": "",
    }
    return Spec(
        seizure=seizure,
        items=[item_row(drug, description, quantity, unit) for drug, quantity, unit, description in items],
        identifiers=[(kind, value, normalize_identifier(kind, value)) for kind, value in identifiers],
        persons=[("consignee", destination, "m", 1979)],
    )


def seed_seizures() -> int:
    """Create the demo seizures once; returns how many were created (0 on a second run)."""

    with transaction.atomic():
        if Counter.objects.filter(name=DEMO_MARKER).exists():
            return 0
        Counter.objects.create(name=DEMO_MARKER, value=1)
        agencies = list(Agency.objects.active().order_by("code"))
        if not agencies:
            return 0
        by_code = {a.code: a for a in agencies}
        reporters, verifiers = reporters_and_verifiers(agencies)
        maker = maker_for(
            agencies,
            seed=SEED,
            start=dt.datetime(2019, 1, 1, tzinfo=dt.UTC),
            end=timezone.now() - dt.timedelta(hours=1),
            avoid=("KR", 2023),
        )
        specs = [maker.make(agency) for agency in agencies for _ in range(PER_AGENCY)]

        kcs, tcd = by_code.get("KCS"), by_code.get("TCD")
        pair: list[Spec] = []
        if kcs is not None:
            reporter, verifier = _first(reporters[kcs.pk]), _first(verifiers[kcs.pk])
            for origin, transits, mode, items, day, location in KOREA_2023:
                at = dt.datetime(2023, 1, 1, 9, 30, tzinfo=dt.UTC) + dt.timedelta(days=day)
                specs.append(
                    _fixed(
                        kcs,
                        reporter,
                        verifier,
                        origin=origin,
                        transits=transits,
                        destination="KR",
                        mode=mode,
                        detection="xray",
                        items=items,
                        at=at,
                        location=location,
                    )
                )
        if kcs is not None and tcd is not None:
            for agency, day, location, detection in (
                (tcd, 72, "Laem Chabang Port", "risk_profiling"),
                (kcs, 91, "Busan New Port", "intelligence"),
            ):
                pair.append(
                    _fixed(
                        agency,
                        _first(reporters[agency.pk]),
                        _first(verifiers[agency.pk]),
                        origin="TH",
                        transits=[],
                        destination="KR",
                        mode="sea_container",
                        detection=detection,
                        items=[("methamphetamine", "62.5", "kg", "Crystal methamphetamine (ice)")],
                        at=dt.datetime(2025, 1, 1, 2, 0, tzinfo=dt.UTC) + dt.timedelta(days=day),
                        location=location,
                        identifiers=[("container", SHARED_CONTAINER), ("company", "Golden Lotus Trading Co., Ltd.")],
                        concealment="Inside machine parts",
                    )
                )
        created = bulk_write(specs + pair)
        if pair:
            match_seizure(seizure=Seizure.objects.get(pk=pair[-1].written_pk))
    return created
