"""The demo and benchmark data maker: realistic seizures in bulk, for `make run`'s demo data
(cases.demo.seizures) and `manage.py generate_seizures` (the benchmark's million).

Nothing the application serves imports this module. `SeizureMaker` draws seizures on real
smuggling routes of the region (drug, quantity and conveyance identifiers that fit the
transport mode; identifiers pass the same validators as user input). `bulk_write` stores a
batch with a few multi-row writes: reference numbers are reserved per agency and year as one
block of the counter the services number from (`next_value`), totals are computed, every
seizure gets its history (created, submitted, verified) built by the services' own
`revision_row`, and the seizure summary (SeizureStat) grows by the batch's contribution in the
same transaction.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import random
from collections import Counter as Tally
from dataclasses import dataclass, field
from decimal import Decimal

import phonenumbers
from django.db import connection, transaction
from django.utils import timezone
from stdnum import iso6346

from cases.choices import SeizureStatus, Sharing
from cases.seizures.fields import ROW_FIELDS
from cases.seizures.models import (
    ROW_MODELS,
    Seizure,
    SeizureRevision,
    SeizureTransit,
)
from cases.seizures.services import format_reference, revision_row, status_change
from cases.seizures.summary import Deltas, apply_deltas, contribution, merge
from cases.seizures.validators import item_weight_kg, normalize_identifier, total_weight_kg
from crackdown.db import postgresql
from crackdown.sequences import next_value

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
COMPANY_NORMALIZED = {name: normalize_identifier("company", name) for name in COMPANIES}
PARCEL_ORIGINS = ("TH", "KH", "VN", "CA", "NL", "US", "PH", "SG", "MY")


# Identifier drawers return (as typed, normalised); the normalised form is what
# validators.normalize_identifier gives (pinned by a test), computed directly for speed.
def _container(rng: random.Random, route: Route) -> tuple[str, str]:
    body = rng.choice(CONTAINER_OWNERS) + f"{rng.randrange(10**6):06d}"
    number = body + iso6346.calc_check_digit(body)
    return f"{number[:4]} {number[4:10]}-{number[10]}", number


def _bill_of_lading(rng: random.Random, route: Route) -> tuple[str, str]:
    number = f"{rng.choice(('HDMU', 'MAEU', 'ONEY', 'COSU'))}{rng.randrange(10**8, 10**9)}"
    return number, number


def _air_waybill(rng: random.Random, route: Route) -> tuple[str, str]:
    prefix, serial = rng.choice(AWB_PREFIXES), rng.randrange(10**7)
    return f"{prefix}-{serial:07d}{serial % 7}", f"{prefix}{serial:07d}{serial % 7}"


def _flight(rng: random.Random, route: Route) -> tuple[str, str]:
    airline, number = rng.choice(AIRLINES), rng.randrange(1, 999)
    return f"{airline}{number:03d}", f"{airline}{number}"


def _imo(rng: random.Random, route: Route) -> tuple[str, str]:
    digits = [9, *(rng.randrange(10) for _ in range(5))]
    check = sum(d * (7 - i) for i, d in enumerate(digits)) % 10
    number = "".join(map(str, digits)) + str(check)
    return "IMO " + number, number


def _phone_pool(country: str, size: int = 400) -> list[str]:
    """Valid mobile numbers of a country (checked once with phonenumbers, then reused)."""
    prefix, length = MOBILE[country]
    rng = random.Random(country)
    pool: list[str] = []
    while len(pool) < size:
        number = prefix + str(rng.randrange(10 ** (length - 1), 10**length))
        if phonenumbers.is_valid_number(phonenumbers.parse(number)):
            pool.append(number)
    return pool


PHONE_POOLS: dict[str, list[str]] = {}


def _phone(rng: random.Random, route: Route) -> tuple[str, str]:
    countries = [c for c in route.countries if c in MOBILE] or ["TH"]
    country = rng.choice(countries)
    if country not in PHONE_POOLS:
        PHONE_POOLS[country] = _phone_pool(country)
    number = rng.choice(PHONE_POOLS[country])
    return number, number


def _plate(rng: random.Random, route: Route) -> tuple[str, str]:
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
    first, second, digits = rng.choice(letters), rng.choice(letters), rng.randrange(1000, 9999)
    return f"{first}{second} {digits}", f"{first}{second}{digits}"


def _parcel(rng: random.Random, route: Route) -> tuple[str, str]:
    number = f"E{rng.choice('ABCEHLMRV')}{rng.randrange(10**8, 10**9)}{rng.choice(PARCEL_ORIGINS)}"
    return number, number


def _passport(rng: random.Random, route: Route) -> tuple[str, str]:
    number = rng.choice("MNPSKTE") + f"{rng.randrange(10**7, 10**8)}"
    return number, number


def _company(rng: random.Random, route: Route) -> tuple[str, str]:
    name = rng.choice(COMPANIES)
    return name, COMPANY_NORMALIZED[name]


IDENTIFIER_DRAWERS = {
    "container": _container,
    "bill_of_lading": _bill_of_lading,
    "air_waybill": _air_waybill,
    "flight": _flight,
    "vessel_imo": _imo,
    "vehicle_plate": _plate,
    "parcel_tracking": _parcel,
    "passport": _passport,
    "phone": _phone,
    "company": _company,
}


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
    """One seizure to write, as plain data (cheap to build by the million)."""

    seizure: dict
    # Each row a tuple of its list's fields (cases.seizures.fields.ROW_FIELDS), in that order.
    items: list[tuple] = field(default_factory=list)
    identifiers: list[tuple] = field(default_factory=list)
    persons: list[tuple] = field(default_factory=list)
    shared_with: list[int] = field(default_factory=list)
    pk: int | None = None

    @property
    def written_pk(self) -> int:
        """The seizure's primary key, once `bulk_write` has written it."""
        if self.pk is None:
            raise ValueError("The seizure is not written yet.")
        return self.pk


def item_row(drug: str, description: str, quantity, unit: str) -> tuple:
    quantity = Decimal(quantity)
    return (drug, description, quantity, unit, item_weight_kg(quantity, unit))


class SeizureMaker:
    """Draws realistic seizures; the same seed gives the same seizures."""

    def __init__(
        self,
        *,
        agencies,
        reporters: dict[int, list[int]],
        verifiers: dict[int, list[int]] | None = None,
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
        # (country, year) where no random seizure is placed (fixed demo figures live there).
        self.avoid = avoid
        self.routes = {
            a.country: [r for r in ROUTES if a.country in r.countries] or list(ROUTES) for a in self.agencies
        }

    def _items(self, route: Route, mode: str) -> list[tuple]:
        rng = self.rng
        count = rng.choices((1, 2, 3), weights=(70, 24, 6))[0]
        drugs = rng.sample(route.drugs, k=min(count, len(route.drugs)))
        low, high = KG_RANGE[mode]
        items = []
        for drug in drugs:
            description = rng.choice(DESCRIPTIONS[drug])
            quantity: int | Decimal
            if "tablets" in description:
                unit, quantity = "tablet", rng.randrange(200, 20000 if high < 50 else 2_000_000)
            elif "liquid" in description:
                unit = "l" if high > 5 else "ml"
                quantity = rng.randrange(1, 200 if unit == "l" else 5000)
            elif high <= 4 and rng.random() < 0.6:
                unit, quantity = "g", rng.randrange(int(low * 1000), int(high * 1000))
            else:
                unit = "kg"
                quantity = max(Decimal(str(round(rng.uniform(low, high), 1 if high > 10 else 3))), Decimal("0.001"))
            items.append(item_row(drug, description, quantity, unit))
        return items

    def make(self, agency=None, *, occurred_at: dt.datetime | None = None) -> Spec:
        rng = self.rng
        agency = agency or rng.choice(self.agencies)
        route = rng.choice(self.routes[agency.country])
        mode = rng.choice(route.modes)
        if occurred_at is None:
            occurred_at = self.start + dt.timedelta(seconds=rng.randrange(self.span))
        if self.avoid and (agency.country, occurred_at.year) == self.avoid:
            occurred_at = min(occurred_at + dt.timedelta(days=365), self.end)
        recent = (self.end - occurred_at).days < 20
        if recent and rng.random() < 0.5:
            status = SeizureStatus.DRAFT
        else:
            status = rng.choices((SeizureStatus.SUBMITTED, SeizureStatus.VERIFIED, SeizureStatus.DRAFT), (45, 50, 5))[0]
        sharing = rng.choices((Sharing.MEMBERS, Sharing.AGENCY, Sharing.OPERATION), (78, 12, 10))[0]
        operations = self.accepted_operations.get(agency.pk) or []
        operation_id = None
        if operations and (sharing == Sharing.OPERATION or rng.random() < 0.1):
            operation_id = rng.choice(operations)
        if sharing == Sharing.OPERATION and operation_id is None:
            sharing = Sharing.MEMBERS
        kinds = IDENTIFIER_KINDS_BY_MODE[mode]
        identifiers = []
        for kind in rng.sample(kinds, k=rng.randrange(1, len(kinds) + 1)):
            identifiers.append((kind, *IDENTIFIER_DRAWERS[kind](rng, route)))
        persons = [
            (
                rng.choice(PERSON_ROLES_BY_MODE[mode]),
                rng.choice(route.countries),
                rng.choices(("m", "f", "unknown"), (65, 30, 5))[0],
                rng.randrange(1960, 2004) if rng.random() < 0.8 else None,
            )
            for _ in range(rng.choices((0, 1, 2), (25, 60, 15))[0])
        ]
        shared_with = []
        if sharing == Sharing.AGENCY and rng.random() < 0.5:
            shared_with = [a.pk for a in self.agencies if a.country in route.countries and a.pk != agency.pk]
        seizure = {
            "agency_id": agency.pk,
            "agency_code": agency.code,
            "status": status,
            "reported_by_id": rng.choice(self.reporters.get(agency.pk) or [None]),
            "verified_by_id": (
                rng.choice(self.verifiers.get(agency.pk) or [None]) if status == SeizureStatus.VERIFIED else None
            ),
            "occurred_at": occurred_at,
            "location": rng.choice(LOCATIONS.get(agency.country, ("Border checkpoint",))),
            "country": agency.country,
            "transport_mode": mode,
            "detection_method": rng.choice(DETECTION[mode]),
            "concealment": rng.choice(CONCEALMENT[mode]),
            "origin_country": route.origin,
            "destination_country": route.destination,
            "transit_countries": [c for c in route.transits if c not in (route.origin, route.destination)],
            "operation_id": operation_id,
            "sharing": sharing,
            "notes": "",
        }
        return Spec(
            seizure=seizure,
            items=self._items(route, mode),
            identifiers=identifiers,
            persons=persons,
            shared_with=shared_with,
        )

    def make_slice(self, size: int, *, part: int, parts: int) -> list[Spec]:
        """`size` seizures in the `part`-th of `parts` equal slices of the time span, oldest first.

        Batches written slice after slice arrive in time order, as seizures are logged in real
        life: ids grow with `occurred_at`, and the date-ordered indexes grow at their ends
        instead of being rewritten all over (what keeps a million-row load fast).
        """
        low = self.span * part // parts
        high = max(self.span * (part + 1) // parts, low + 1)
        offsets = sorted(self.rng.randrange(low, high) for _ in range(size))
        return [self.make(occurred_at=self.start + dt.timedelta(seconds=s)) for s in offsets]


def _complete(specs: list[Spec], now: dt.datetime) -> None:
    """References (numbers reserved once per agency and year), totals, timestamps."""
    tally = Tally((s.seizure["agency_code"], s.seizure["occurred_at"].year) for s in specs)
    next_number = {key: next_value(f"seizure:{key[0]}:{key[1]}", count=n) for key, n in sorted(tally.items())}
    for spec in sorted(specs, key=lambda s: s.seizure["occurred_at"]):
        row = spec.seizure
        key = (row["agency_code"], row["occurred_at"].year)
        row["reference"] = format_reference(key[0], key[1], next_number[key])
        next_number[key] += 1
        row["total_weight_kg"] = total_weight_kg(item[4] for item in spec.items)
        created = min(row["occurred_at"] + dt.timedelta(hours=3), now)
        row["created_at"] = created
        row["submitted_at"] = min(created + dt.timedelta(hours=5), now) if row["status"] != "draft" else None
        row["verified_at"] = min(created + dt.timedelta(days=2), now) if row["status"] == "verified" else None
        row["updated_at"] = row["verified_at"] or row["submitted_at"] or created


# Each step after its creation a seizure may have gone through: (when, who, action, status change).
_STEPS = (
    (
        "submitted_at",
        "reported_by_id",
        SeizureRevision.Action.SUBMITTED,
        (SeizureStatus.DRAFT, SeizureStatus.SUBMITTED),
    ),
    (
        "verified_at",
        "verified_by_id",
        SeizureRevision.Action.VERIFIED,
        (SeizureStatus.SUBMITTED, SeizureStatus.VERIFIED),
    ),
)


def _revisions(spec: Spec) -> list[SeizureRevision]:
    """The seizure's history as the services write it, at the times the generator gave."""
    row = spec.seizure
    revisions = [
        revision_row(
            seizure_id=spec.written_pk,
            by_id=row["reported_by_id"],
            action=SeizureRevision.Action.CREATED,
            at=row["created_at"],
        )
    ]
    for at, by, action, change in _STEPS:
        if row[at]:
            revisions.append(
                revision_row(
                    seizure_id=spec.written_pk, by_id=row[by], action=action, changes=status_change(*change), at=row[at]
                )
            )
    return revisions


# The seizure's own columns (a Spec's `seizure` holds one value for each).
SEIZURE_COLUMNS = tuple(f.attname for f in Seizure._meta.concrete_fields if not f.primary_key)
REVISION_COLUMNS = ("seizure_id", "by_id", "action", "at", "changes", "reason")


def bulk_write(specs: list[Spec], *, now: dt.datetime | None = None) -> int:
    """Insert a batch of seizures with their rows, references, totals and history. Returns the count.

    On PostgreSQL the rows go in with COPY (the 1,000,000-row budget needs it); elsewhere with
    bulk_create. Either way in one transaction.
    """
    if not specs:
        return 0
    now = now or timezone.now()
    with transaction.atomic():
        _complete(specs, now)
        if postgresql():
            _write_copy(specs)
        else:
            _write_orm(specs)
        # The batch's contribution to the summary, folded in Python: one upsert per batch.
        deltas: Deltas = {}
        for spec in specs:
            merge(deltas, contribution(spec.seizure, ((item[0], item[4]) for item in spec.items)))
        apply_deltas(deltas)
    return len(specs)


def _write_orm(specs: list[Spec]) -> None:
    seizures = [Seizure(**{c: s.seizure[c] for c in SEIZURE_COLUMNS}) for s in specs]
    with explicit_timestamps():
        Seizure.objects.bulk_create(seizures)
        for spec, seizure in zip(specs, seizures, strict=True):
            spec.pk = seizure.pk
        Share = Seizure.shared_with.through
        for rows, model in ROW_MODELS.items():
            names = ROW_FIELDS[rows]
            model._default_manager.bulk_create(
                model(seizure_id=s.written_pk, position=i, **dict(zip(names, row, strict=True)))
                for s in specs
                for i, row in enumerate(getattr(s, rows))
            )
        SeizureTransit.objects.bulk_create(
            SeizureTransit(seizure_id=s.written_pk, country=c, position=i)
            for s in specs
            for i, c in enumerate(s.seizure["transit_countries"])
        )
        SeizureRevision.objects.bulk_create(revision for s in specs for revision in _revisions(s))
        Share.objects.bulk_create(Share(seizure_id=s.pk, agency_id=a) for s in specs for a in s.shared_with)


def _copy(cursor, model, columns: tuple[str, ...], rows) -> None:
    table = model._meta.db_table
    names = ", ".join(model._meta.get_field(c).column if not c.endswith("_id") else c for c in columns)
    with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:  # noqa: S608 - names from our models
        for row in rows:
            copy.write_row(row)


def _write_copy(specs: list[Spec]) -> None:
    """PostgreSQL only: ids drawn from the sequence in one query, then one COPY per table."""
    table = Seizure._meta.db_table
    with connection.cursor() as wrapper:
        wrapper.execute(
            f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)",  # noqa: S608
            [len(specs)],
        )
        for spec, (pk,) in zip(specs, wrapper.fetchall(), strict=True):
            spec.pk = pk
        cursor = wrapper.cursor
        dumps = json.dumps
        _copy(
            cursor,
            Seizure,
            ("id", *SEIZURE_COLUMNS),
            (
                (s.pk, *(dumps(s.seizure[c]) if c == "transit_countries" else s.seizure[c] for c in SEIZURE_COLUMNS))
                for s in specs
            ),
        )
        for rows, model in ROW_MODELS.items():
            _copy(
                cursor,
                model,
                ("seizure_id", *ROW_FIELDS[rows], "position"),
                ((s.pk, *row, i) for s in specs for i, row in enumerate(getattr(s, rows))),
            )
        _copy(
            cursor,
            SeizureTransit,
            ("seizure_id", "country", "position"),
            ((s.pk, c, i) for s in specs for i, c in enumerate(s.seizure["transit_countries"])),
        )
        _copy(
            cursor,
            SeizureRevision,
            REVISION_COLUMNS,
            ((r.seizure_id, r.by_id, r.action, r.at, dumps(r.changes), r.reason) for s in specs for r in _revisions(s)),
        )
        _copy(
            cursor,
            Seizure.shared_with.through,
            ("seizure_id", "agency_id"),
            ((s.pk, a) for s in specs for a in s.shared_with),
        )


@contextlib.contextmanager
def explicit_timestamps():
    """Let bulk_create keep historical created/updated/at values instead of "now".

    auto_now(_add) would stamp every demo seizure with today's date; the flags are switched
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
