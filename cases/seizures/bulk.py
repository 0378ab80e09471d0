"""Realistic seizures in bulk, for the demo data and `manage.py generate_seizures`.

`SeizureMaker` draws seizures on real smuggling routes of the region (drug, quantity and
conveyance identifiers that fit the transport mode; identifiers pass the same validators as
user input). `bulk_write` stores a batch with a few multi-row INSERTs: reference numbers are
reserved per agency and year by bumping the counter once per batch, totals are computed,
and every seizure gets its history (created, submitted, verified) like a service would write.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from collections import Counter as Tally
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from stdnum import iso6346

from cases.choices import SeizureStatus, Sharing
from cases.seizures.models import (
    Seizure,
    SeizureIdentifier,
    SeizureItem,
    SeizurePerson,
    SeizureRevision,
    SeizureTransit,
)
from cases.seizures.services import format_reference
from cases.seizures.validators import item_weight_kg, normalize_identifier, total_weight_kg
from crackdown.models import Counter

ASEAN = ("BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN")


@dataclass(frozen=True)
class Route:
    origin: str
    transits: tuple[str, ...]
    destination: str
    modes: tuple[str, ...]
    drugs: tuple[str, ...]

    @property
    def countries(self) -> tuple[str, ...]:
        return (self.origin, *self.transits, self.destination)


ROUTES = (
    Route("MM", ("TH",), "MY", ("land_vehicle", "rail"), ("methamphetamine", "heroin", "ketamine")),
    Route("MM", ("TH",), "KR", ("sea_container", "air_cargo"), ("methamphetamine", "ketamine")),
    Route("TH", (), "KR", ("air_passenger", "express_courier", "postal"), ("methamphetamine", "cannabis", "ketamine")),
    Route("LA", ("TH",), "KR", ("air_cargo", "air_passenger", "express_courier"), ("methamphetamine", "heroin")),
    Route("LA", (), "TH", ("land_vehicle", "pedestrian"), ("methamphetamine", "heroin", "opium")),
    Route("MM", ("LA",), "VN", ("land_vehicle",), ("methamphetamine", "heroin", "ketamine")),
    Route("VN", (), "KH", ("land_vehicle", "pedestrian"), ("methamphetamine", "heroin", "ketamine")),
    Route("KH", ("VN",), "KR", ("postal", "express_courier", "air_passenger"), ("methamphetamine", "ketamine")),
    Route("MY", (), "SG", ("land_vehicle", "pedestrian"), ("cannabis", "methamphetamine", "nps")),
    Route("MY", (), "BN", ("land_vehicle",), ("methamphetamine", "cannabis")),
    Route("ID", (), "MY", ("sea_vessel",), ("methamphetamine", "cannabis")),
    Route("MY", (), "ID", ("sea_vessel", "air_passenger"), ("methamphetamine", "mdma")),
    Route("TH", ("MY",), "ID", ("sea_container", "sea_vessel"), ("methamphetamine", "ketamine")),
    Route("PH", (), "KR", ("express_courier", "air_passenger"), ("methamphetamine",)),
    Route("CN", (), "PH", ("sea_vessel", "sea_container"), ("methamphetamine", "precursor")),
    Route("MX", ("US",), "KR", ("express_courier", "air_cargo"), ("cocaine", "methamphetamine")),
    Route("CA", (), "KR", ("postal", "express_courier"), ("cannabis", "nps")),
    Route("NL", (), "KR", ("postal", "air_passenger"), ("mdma", "cocaine")),
    Route("KH", (), "TH", ("land_vehicle",), ("precursor", "methamphetamine")),
    Route("VN", (), "KR", ("air_passenger", "express_courier"), ("methamphetamine", "ketamine")),
    Route("SG", (), "KR", ("air_passenger",), ("nps", "ketamine")),
)

DETECTION = {
    "air_passenger": ("xray", "detector_dog", "risk_profiling", "physical_search", "intelligence"),
    "air_cargo": ("xray", "risk_profiling", "document_check", "intelligence"),
    "express_courier": ("xray", "risk_profiling", "detector_dog"),
    "postal": ("xray", "detector_dog", "risk_profiling", "random"),
    "sea_container": ("xray", "risk_profiling", "intelligence", "document_check"),
    "sea_vessel": ("intelligence", "physical_search", "detector_dog"),
    "land_vehicle": ("physical_search", "detector_dog", "xray", "random", "intelligence"),
    "rail": ("physical_search", "detector_dog", "random"),
    "pedestrian": ("physical_search", "detector_dog", "random"),
}
CONCEALMENT = {
    "air_passenger": ("False-bottom suitcase", "Body packing", "Inside shoe soles", "Coffee packets in luggage"),
    "air_cargo": ("Inside machine parts", "Tea packaging", "Hollowed furniture"),
    "express_courier": ("Inside a speaker box", "Cosmetics bottles", "Toy parcel", "Vacuum-sealed in clothing"),
    "postal": ("Greeting cards", "Vitamin bottles", "Book spine", "Tea packaging"),
    "sea_container": ("Inside machine parts", "Frozen fish cargo", "Tea packaging", "Hidden in rice sacks"),
    "sea_vessel": ("Hidden compartment in hull", "Fishing boat hold"),
    "land_vehicle": ("Spare tyre", "Fuel tank", "Under the floor panel", "Among fruit cargo"),
    "rail": ("Luggage rack", "Under seats"),
    "pedestrian": ("Backpack", "Strapped to the body"),
}
LOCATIONS = {
    "KR": ("Incheon International Airport", "Busan New Port", "Incheon Port", "Gimhae Airport", "Pyeongtaek Port"),
    "TH": ("Suvarnabhumi Airport", "Laem Chabang Port", "Chiang Saen", "Mae Sai checkpoint", "Sadao checkpoint"),
    "MY": ("Bukit Kayu Hitam", "Port Klang", "KLIA", "Johor Bahru CIQ"),
    "SG": ("Woodlands Checkpoint", "Changi Airport", "Tuas Checkpoint"),
    "BN": ("Kuala Lurah", "Brunei International Airport", "Muara Port"),
    "KH": ("Phnom Penh Airport", "Bavet", "Sihanoukville Port"),
    "ID": ("Soekarno-Hatta Airport", "Tanjung Priok", "Batam", "Dumai"),
    "LA": ("Wattay Airport", "Friendship Bridge I", "Boten"),
    "MM": ("Yangon Port", "Tachileik", "Muse"),
    "PH": ("NAIA", "Manila International Container Port", "Subic Bay"),
    "VN": ("Tan Son Nhat Airport", "Noi Bai Airport", "Moc Bai", "Cat Lai Port"),
}
CONTAINER_OWNERS = ("MSKU", "MSCU", "CMAU", "HLXU", "OOLU", "EGLU", "TGHU", "HDMU", "SEGU", "TCNU")
AIRLINES = ("KE", "OZ", "TG", "VN", "MH", "SQ", "PR", "GA", "7C", "LJ", "QH", "FD", "VJ", "BR", "CX", "AK")
AWB_PREFIXES = ("180", "988", "217", "618", "738", "232", "079", "126", "160", "297")
MOBILE = {
    "TH": ("+668", 8),
    "KR": ("+8210", 8),
    "VN": ("+849", 8),
    "MY": ("+601", 8),
    "SG": ("+659", 7),
    "PH": ("+639", 9),
    "ID": ("+628", 10),
    "KH": ("+8551", 7),
    "CN": ("+86138", 8),
}
COMPANIES = (
    "Golden Lotus Trading Co., Ltd.",
    "Mekong Star Logistics",
    "PT Samudra Jaya Tbk",
    "Sinar Harapan Sdn. Bhd.",
    "Han River Import Export Co., Ltd",
    "Pacific Bright Freight Pte. Ltd.",
    "Saigon Green Agro JSC",
    "Manila Bay Consolidators Inc.",
    "Lanna Herbal Products Limited",
    "Blue Ocean Seafood Corp.",
)
PARCEL_ORIGINS = ("TH", "KH", "VN", "CA", "NL", "US", "PH", "SG", "MY")


def _container(rng: random.Random) -> str:
    body = rng.choice(CONTAINER_OWNERS) + f"{rng.randrange(10**6):06d}"
    return body + iso6346.calc_check_digit(body)


def _air_waybill(rng: random.Random) -> str:
    serial = rng.randrange(10**7)
    return f"{rng.choice(AWB_PREFIXES)}-{serial:07d}{serial % 7}"


def _imo(rng: random.Random) -> str:
    digits = [9, *(rng.randrange(10) for _ in range(5))]
    check = sum(d * (7 - i) for i, d in enumerate(digits)) % 10
    return "IMO " + "".join(map(str, digits)) + str(check)


def _phone(rng: random.Random, country: str) -> str:
    prefix, length = MOBILE.get(country, MOBILE["TH"])
    return prefix + "".join(str(rng.randrange(10)) for _ in range(length))


def _plate(rng: random.Random) -> str:
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
    return f"{rng.choice(letters)}{rng.choice(letters)} {rng.randrange(1000, 9999)}"


def _parcel(rng: random.Random) -> str:
    return f"E{rng.choice('ABCEHLMRV')}{rng.randrange(10**8, 10**9)}{rng.choice(PARCEL_ORIGINS)}"


def _passport(rng: random.Random) -> str:
    return rng.choice("MNPSKTE") + f"{rng.randrange(10**7, 10**8)}"


IDENTIFIER_KINDS_BY_MODE = {
    "air_passenger": ("flight", "passport", "phone"),
    "air_cargo": ("air_waybill", "flight", "company"),
    "express_courier": ("parcel_tracking", "phone", "company"),
    "postal": ("parcel_tracking", "phone"),
    "sea_container": ("container", "bill_of_lading", "company"),
    "sea_vessel": ("vessel_imo", "phone"),
    "land_vehicle": ("vehicle_plate", "passport", "phone"),
    "rail": ("passport", "phone"),
    "pedestrian": ("passport", "phone"),
}
PERSON_ROLES_BY_MODE = {
    "air_passenger": ("courier",),
    "air_cargo": ("consignee", "shipper"),
    "express_courier": ("recipient", "sender"),
    "postal": ("recipient", "sender"),
    "sea_container": ("consignee", "shipper"),
    "sea_vessel": ("courier", "other"),
    "land_vehicle": ("courier",),
    "rail": ("courier",),
    "pedestrian": ("courier",),
}
# Typical quantity of one item in kg by transport mode (low, high).
KG_RANGE = {
    "air_passenger": (0.3, 8),
    "air_cargo": (2, 80),
    "express_courier": (0.05, 4),
    "postal": (0.02, 2),
    "sea_container": (30, 1200),
    "sea_vessel": (50, 900),
    "land_vehicle": (5, 400),
    "rail": (1, 40),
    "pedestrian": (0.2, 10),
}
DESCRIPTIONS = {
    "methamphetamine": ("Crystal methamphetamine (ice)", "Methamphetamine tablets (yaba)", "Crystalline powder"),
    "heroin": ("Heroin No. 4, blocks", "Heroin powder"),
    "cocaine": ("Cocaine hydrochloride, bricks", "Cocaine powder"),
    "cannabis": ("Dried cannabis flower", "Cannabis resin", "Cannabis gummies"),
    "ketamine": ("Ketamine crystals", "Ketamine powder"),
    "mdma": ("Ecstasy tablets", "MDMA crystals"),
    "opium": ("Raw opium",),
    "nps": ("Synthetic cannabinoid liquid", "Etomidate e-liquid"),
    "precursor": ("Pseudoephedrine", "Propionyl chloride drums", "Sodium cyanide"),
    "other": ("Unidentified powder",),
}


@dataclass
class Spec:
    """One seizure to write, with its related rows (no primary keys yet)."""

    seizure: Seizure
    items: list[SeizureItem] = field(default_factory=list)
    identifiers: list[SeizureIdentifier] = field(default_factory=list)
    persons: list[SeizurePerson] = field(default_factory=list)
    shared_with: list[int] = field(default_factory=list)


class SeizureMaker:
    """Draws realistic seizures; the same seed gives the same seizures."""

    def __init__(
        self,
        *,
        agencies,
        reporters: dict[int, list],
        verifiers: dict[int, list] | None = None,
        accepted_operations: dict[int, list[int]] | None = None,
        seed: int = 2026,
        start: dt.datetime,
        end: dt.datetime,
        avoid: tuple[str, int] | None = None,
    ) -> None:
        self.rng = random.Random(seed)
        self.agencies = list(agencies)
        self.reporters = reporters
        self.verifiers = verifiers or {}
        self.accepted_operations = accepted_operations or {}
        self.start = start
        self.span = max(int((end - start).total_seconds()), 1)
        self.end = end
        # (country, year) in which no random seizure is placed (fixed demo figures live there).
        self.avoid = avoid
        self.routes = {
            a.country: [r for r in ROUTES if a.country in r.countries] or list(ROUTES) for a in self.agencies
        }
        self.partner_ids = [a.pk for a in self.agencies]

    def _moment(self) -> dt.datetime:
        return self.start + dt.timedelta(seconds=self.rng.randrange(self.span))

    def _identifier(self, kind: str, route: Route, position: int) -> SeizureIdentifier | None:
        rng = self.rng
        raw = {
            "container": lambda: _container(rng),
            "bill_of_lading": lambda: f"{rng.choice(('HDMU', 'MAEU', 'ONEY', 'COSU'))}{rng.randrange(10**8, 10**9)}",
            "air_waybill": lambda: _air_waybill(rng),
            "flight": lambda: f"{rng.choice(AIRLINES)}{rng.randrange(1, 999):03d}",
            "vessel_imo": lambda: _imo(rng),
            "vehicle_plate": lambda: _plate(rng),
            "parcel_tracking": lambda: _parcel(rng),
            "passport": lambda: _passport(rng),
            "phone": lambda: _phone(rng, rng.choice(route.countries)),
            "company": lambda: rng.choice(COMPANIES),
        }[kind]()
        try:
            normalized = normalize_identifier(kind, raw)
        except ValidationError:
            return None
        return SeizureIdentifier(kind=kind, value=raw, normalized=normalized, position=position)

    def _items(self, route: Route, mode: str) -> list[SeizureItem]:
        rng = self.rng
        count = rng.choices((1, 2, 3), weights=(70, 24, 6))[0]
        drugs = rng.sample(route.drugs, k=min(count, len(route.drugs)))
        low, high = KG_RANGE[mode]
        items = []
        for position, drug in enumerate(drugs):
            description = rng.choice(DESCRIPTIONS[drug])
            if "tablets" in description.lower():
                unit = "tablet"
                quantity = Decimal(rng.randrange(200, 20000 if high < 50 else 2_000_000))
            elif drug == "nps" and "liquid" in description:
                unit = "l" if high > 5 else "ml"
                quantity = Decimal(rng.randrange(1, 200 if unit == "l" else 5000))
            elif high <= 4 and rng.random() < 0.6:
                unit = "g"
                quantity = Decimal(rng.randrange(int(low * 1000), int(high * 1000)))
            else:
                unit = "kg"
                quantity = Decimal(str(round(rng.uniform(low, high), 1 if high > 10 else 3)))
                quantity = max(quantity, Decimal("0.001"))
            items.append(
                SeizureItem(
                    drug=drug,
                    description=description,
                    quantity=quantity,
                    unit=unit,
                    weight_kg=item_weight_kg(quantity, unit),
                    position=position,
                )
            )
        return items

    def make(self, agency=None) -> Spec:
        rng = self.rng
        agency = agency or rng.choice(self.agencies)
        route = rng.choice(self.routes[agency.country])
        mode = rng.choice(route.modes)
        occurred_at = self._moment()
        if self.avoid and (agency.country, occurred_at.year) == self.avoid:
            occurred_at = occurred_at.replace(year=occurred_at.year + (1 if occurred_at.year < self.end.year else -1))
            occurred_at = min(occurred_at, self.end)
        age = (self.end - occurred_at).days
        status = (
            SeizureStatus.DRAFT
            if age < 20 and rng.random() < 0.5
            else rng.choices((SeizureStatus.SUBMITTED, SeizureStatus.VERIFIED, SeizureStatus.DRAFT), (45, 50, 5))[0]
        )
        sharing = rng.choices((Sharing.MEMBERS, Sharing.AGENCY, Sharing.OPERATION), (78, 12, 10))[0]
        operations = self.accepted_operations.get(agency.pk) or []
        operation_id = (
            rng.choice(operations) if operations and (sharing == Sharing.OPERATION or rng.random() < 0.1) else None
        )
        if sharing == Sharing.OPERATION and operation_id is None:
            sharing = Sharing.MEMBERS
        transits = [c for c in route.transits if c not in (route.origin, route.destination)]
        items = self._items(route, mode)
        kinds = IDENTIFIER_KINDS_BY_MODE[mode]
        identifiers = [
            ident
            for position, kind in enumerate(rng.sample(kinds, k=rng.randrange(1, len(kinds) + 1)))
            if (ident := self._identifier(kind, route, position)) is not None
        ]
        persons = [
            SeizurePerson(
                role=rng.choice(PERSON_ROLES_BY_MODE[mode]),
                nationality=rng.choice(route.countries),
                sex=rng.choices(("m", "f", "unknown"), (65, 30, 5))[0],
                birth_year=rng.randrange(1960, 2004) if rng.random() < 0.8 else None,
                position=position,
            )
            for position in range(rng.choices((0, 1, 2), (25, 60, 15))[0])
        ]
        reporters = self.reporters.get(agency.pk) or [None]
        seizure = Seizure(
            agency=agency,
            status=status,
            reported_by=rng.choice(reporters),
            occurred_at=occurred_at,
            location=rng.choice(LOCATIONS.get(agency.country, ("Border checkpoint",))),
            country=agency.country,
            transport_mode=mode,
            detection_method=rng.choice(DETECTION[mode]),
            concealment=rng.choice(CONCEALMENT[mode]),
            origin_country=route.origin,
            destination_country=route.destination,
            transit_countries=transits,
            operation_id=operation_id,
            sharing=sharing,
        )
        if status == SeizureStatus.VERIFIED:
            seizure.verified_by = rng.choice(self.verifiers.get(agency.pk) or [None])
        shared_with = []
        if sharing == Sharing.AGENCY and rng.random() < 0.5:
            shared_with = [a.pk for a in self.agencies if a.country in route.countries and a.pk != agency.pk]
        return Spec(seizure=seizure, items=items, identifiers=identifiers, persons=persons, shared_with=shared_with)

    def stream(self, count: int) -> Iterator[Spec]:
        for _ in range(count):
            yield self.make()


def reserve_numbers(name: str, count: int) -> int:
    """Reserve `count` consecutive numbers of a counter in one UPDATE; returns the first."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("reserve_numbers() must run inside transaction.atomic()")
    Counter.objects.bulk_create([Counter(name=name, value=0)], ignore_conflicts=True)
    Counter.objects.filter(name=name).update(value=F("value") + count)
    return Counter.objects.filter(name=name).values_list("value", flat=True).get() - count + 1


@contextlib.contextmanager
def explicit_timestamps():
    """Let bulk inserts keep historical created/updated/at values instead of "now".

    auto_now(_add) would stamp every demo seizure with today's date; the fields are switched
    off only for the duration of the bulk write (management commands are single-threaded).
    """
    fields = [
        Seizure._meta.get_field("created_at"),
        Seizure._meta.get_field("updated_at"),
        SeizureRevision._meta.get_field("at"),
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    try:
        for f in fields:
            f.auto_now = f.auto_now_add = False
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def bulk_write(specs: list[Spec], *, now: dt.datetime | None = None) -> int:
    """Insert a batch of seizures with their rows, references, totals and history. Returns the count."""
    if not specs:
        return 0
    now = now or timezone.now()
    with transaction.atomic(), explicit_timestamps():
        tally = Tally((s.seizure.agency.code, s.seizure.occurred_at.year) for s in specs)
        next_number = {key: reserve_numbers(f"seizure:{key[0]}:{key[1]}", n) for key, n in sorted(tally.items())}
        for spec in sorted(specs, key=lambda s: s.seizure.occurred_at):
            seizure = spec.seizure
            key = (seizure.agency.code, seizure.occurred_at.year)
            seizure.reference = format_reference(key[0], key[1], next_number[key])
            next_number[key] += 1
            seizure.total_weight_kg = total_weight_kg(i.weight_kg for i in spec.items)
            created = min(seizure.occurred_at + dt.timedelta(hours=3), now)
            seizure.created_at = created
            if seizure.status != SeizureStatus.DRAFT:
                seizure.submitted_at = min(created + dt.timedelta(hours=5), now)
            if seizure.status == SeizureStatus.VERIFIED:
                seizure.verified_at = min(created + dt.timedelta(days=2), now)
            seizure.updated_at = seizure.verified_at or seizure.submitted_at or created
        Seizure.objects.bulk_create([s.seizure for s in specs])

        items, identifiers, persons, transits, revisions, shares = [], [], [], [], [], []
        Share = Seizure.shared_with.through
        for spec in specs:
            seizure = spec.seizure
            for row in spec.items:
                row.seizure_id = seizure.pk
            for row in spec.identifiers:
                row.seizure_id = seizure.pk
            for row in spec.persons:
                row.seizure_id = seizure.pk
            items += spec.items
            identifiers += spec.identifiers
            persons += spec.persons
            transits += [
                SeizureTransit(seizure_id=seizure.pk, country=c, position=i)
                for i, c in enumerate(seizure.transit_countries)
            ]
            shares += [Share(seizure_id=seizure.pk, agency_id=a) for a in spec.shared_with]
            by = seizure.reported_by
            revisions.append(
                SeizureRevision(
                    seizure_id=seizure.pk, by=by, action="created", at=seizure.created_at, changes={}, reason=""
                )
            )
            if seizure.submitted_at:
                revisions.append(
                    SeizureRevision(
                        seizure_id=seizure.pk,
                        by=by,
                        action="submitted",
                        at=seizure.submitted_at,
                        changes={"status": ["draft", "submitted"]},
                    )
                )
            if seizure.verified_at:
                revisions.append(
                    SeizureRevision(
                        seizure_id=seizure.pk,
                        by=seizure.verified_by,
                        action="verified",
                        at=seizure.verified_at,
                        changes={"status": ["submitted", "verified"]},
                    )
                )
        SeizureItem.objects.bulk_create(items)
        SeizureIdentifier.objects.bulk_create(identifiers)
        SeizurePerson.objects.bulk_create(persons)
        SeizureTransit.objects.bulk_create(transits)
        SeizureRevision.objects.bulk_create(revisions)
        Share.objects.bulk_create(shares)
    return len(specs)
