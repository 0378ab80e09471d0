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

from django.db import connection, transaction
from django.utils import timezone

from cases.choices import SeizureStatus, Sharing
from cases.demo.profiles import (
    CONCEALMENT,
    DESCRIPTIONS,
    DETECTION,
    IDENTIFIER_DRAWERS,
    IDENTIFIER_KINDS_BY_MODE,
    KG_RANGE,
    LOCATIONS,
    PERSON_ROLES_BY_MODE,
    ROUTES,
    Route,
)
from cases.seizures.batch_rows import sequence_ids
from cases.seizures.fields import ROW_FIELDS
from cases.seizures.models import (
    ROW_MODELS,
    Seizure,
    SeizureRevision,
    SeizureTransit,
)
from cases.seizures.services import format_reference, revision_row, status_change
from cases.seizures.summary import Deltas, apply_deltas, contribution, merge
from cases.seizures.validators import ZERO_KG, item_weight_kg, kg_equivalent, tablets, total_weight_kg
from crackdown.db import postgresql
from crackdown.sequences import next_value


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


# An item row's fields, in ROW_FIELDS["items"]'s order.
ITEM = {name: index for index, name in enumerate(ROW_FIELDS["items"])}


def item_row(drug: str, description: str, quantity, unit: str) -> tuple:
    """An item as ROW_FIELDS["items"] orders it, its weight and kg equivalent computed."""
    quantity = Decimal(quantity)
    weight = item_weight_kg(quantity, unit)
    equivalent = kg_equivalent(drug=drug, quantity=quantity, unit=unit, weight_kg=weight, net_weight_kg=None)
    values = {
        "drug": drug,
        "description": description,
        "quantity": quantity,
        "unit": unit,
        "net_weight_kg": None,
        "weight_kg": weight,
        "kg_equivalent": equivalent,
    }
    return tuple(values[name] for name in ROW_FIELDS["items"])


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
            "external_reference": "",
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
        equivalents = [item[ITEM["kg_equivalent"]] for item in spec.items]
        row["total_weight_kg"] = total_weight_kg(equivalents)
        row["tablets"] = sum((tablets(item[ITEM["quantity"]], item[ITEM["unit"]]) for item in spec.items), ZERO_KG)
        row["items_without_weight"] = sum(1 for weight in equivalents if weight is None)
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
            items = (
                (item[ITEM["drug"]], item[ITEM["kg_equivalent"]], item[ITEM["quantity"]], item[ITEM["unit"]])
                for item in spec.items
            )
            merge(deltas, contribution(spec.seizure, items))
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
    for spec, pk in zip(specs, sequence_ids(Seizure, len(specs)), strict=True):
        spec.pk = pk
    with connection.cursor() as wrapper:
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
