"""The seizure summary (SeizureStat): each seizure's contribution, applied in the writer's transaction.

A seizure contributes one all-drugs row (drug "", one seizure, its total weight) and one row
per drug it holds (one seizure, the weight of that drug's items), keyed by its UTC month and
the fields the statistics filter and group on. Every write that changes one of those fields
calls `stats_apply(seizure, sign=-1)` before and `stats_apply(seizure, sign=+1)` after, in the
same transaction, so the summary always equals `stats_rebuild()` run at that moment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Model, Q, Sum
from django.db.models.functions import TruncMonth

from cases.choices import Unit
from cases.seizures import validators as v
from cases.seizures import visibility
from cases.seizures.models import SEIZURE_STAT_KEY, PublicModeStat, PublicRouteStat, Seizure, SeizureItem, SeizureStat
from crackdown.db import postgresql

KEY_FIELDS = tuple("agency_id" if name == "agency" else name for name in SEIZURE_STAT_KEY)
ALL_DRUGS = ""
ZERO = Decimal("0")

Key = tuple  # (drug, month, agency_id, status, sharing, mode, country, origin, destination, transit)
Deltas = dict[Key, list]  # key -> [seizures, weight_kg, tablets, items without weight]
MEASURES = ("seizures", "weight_kg", "tablets", "unweighed")


def _public(key: Key) -> bool:
    return visibility.is_public(status=key[3], sharing=key[4])


# Each summary table: its key fields and how a SeizureStat key projects onto it (None: not counted).
TABLES: tuple[tuple[type[Model], tuple[str, ...], Callable[[Key], Key | None]], ...] = (
    (SeizureStat, KEY_FIELDS, lambda key: key),
    (
        PublicModeStat,
        ("drug", "month", "agency_id", "transport_mode"),
        lambda key: (key[0], key[1], key[2], key[5]) if _public(key) else None,
    ),
    (
        PublicRouteStat,
        ("drug", "month", "origin_country", "transit", "destination_country"),
        lambda key: (key[0], key[1], key[7], key[9], key[8]) if _public(key) else None,
    ),
)


def utc_month(moment: dt.datetime) -> dt.date:
    return moment.astimezone(dt.UTC).date().replace(day=1)


def transit_key(countries) -> str:
    return ",".join(countries or [])


def contribution(fields: Mapping[str, Any], items: Iterable[tuple[str, Decimal | None, Decimal, str]]) -> Deltas:
    """The summary rows of one seizure, from its fields and its items' (drug, kg_equivalent, quantity, unit)."""
    base = (
        utc_month(fields["occurred_at"]),
        fields["agency_id"],
        fields["status"],
        fields["sharing"],
        fields["transport_mode"],
        fields["country"],
        fields["origin_country"] or "",
        fields["destination_country"] or "",
        transit_key(fields["transit_countries"]),
    )
    rows: Deltas = {
        (ALL_DRUGS, *base): [
            1,
            fields["total_weight_kg"] or ZERO,
            fields["tablets"] or ZERO,
            fields["items_without_weight"] or 0,
        ]
    }
    per_drug: dict[str, list] = {}
    for drug, weight, quantity, unit in items:
        cell = per_drug.setdefault(drug, [1, ZERO, ZERO, 0])
        cell[1] += weight or ZERO
        cell[2] += v.tablets(quantity, unit)
        cell[3] += weight is None
    for drug, cell in per_drug.items():
        rows[(drug, *base)] = cell
    return rows


def seizure_contribution(seizure: Seizure) -> Deltas:
    """The rows of `seizure` as it stands: its fields in memory, its items as stored."""
    fields = {name: getattr(seizure, name) for name in ("occurred_at", "agency_id", "status", "sharing")}
    for name in ("transport_mode", "country", "origin_country", "destination_country", "transit_countries"):
        fields[name] = getattr(seizure, name)
    for name in ("total_weight_kg", "tablets", "items_without_weight"):
        fields[name] = getattr(seizure, name)
    items = SeizureItem.objects.filter(seizure_id=seizure.pk).values_list("drug", "kg_equivalent", "quantity", "unit")
    return contribution(fields, items)


def merge(target: Deltas, rows: Deltas, sign: int = 1) -> Deltas:
    for key, values in rows.items():
        cell = target.setdefault(key, [0, ZERO, ZERO, 0])
        for index, value in enumerate(values):
            cell[index] += sign * value
    return target


def stats_apply(seizure: Seizure, sign: int = 1) -> None:
    """Add (sign=+1) or take away (sign=-1) the seizure's contribution to the summary.

    Call it with -1 on the current (locked) seizure before a change that can move it to
    another key (status, sharing, date, route, items, deletion) and with +1 after the change
    is written, inside the service's transaction. Guarantees: the summary changes in the same
    transaction as the seizure; a key whose count falls to zero is removed; taking away what
    was never added fails on the summary's check constraint instead of going negative.
    """
    if sign not in (1, -1):
        raise ValueError("sign is +1 or -1")
    apply_deltas(merge({}, seizure_contribution(seizure), sign))


def apply_deltas(deltas: Deltas) -> None:
    """Add each SeizureStat key's [seizures, weight_kg] to the summary and its public rollups
    (negative numbers subtract)."""
    with transaction.atomic():
        # Tables in a fixed order, rows sorted: concurrent writers lock in one order, never a cycle.
        for model, fields, project in TABLES:
            projected: Deltas = {}
            for key, cell in deltas.items():
                target = project(key)
                if target is not None:
                    merge(projected, {target: cell})
            _apply_table(model, fields, projected)


def _apply_table(model, key_fields: tuple[str, ...], deltas: Deltas) -> None:
    changes = sorted(
        ((key, *cell) for key, cell in deltas.items() if any(cell)),
        key=lambda row: tuple(str(part) for part in row[0]),
    )
    if not changes:
        return
    # PostgreSQL checks an upsert's proposed row against the constraints before it looks for
    # a conflict, so only additions go through INSERT ... ON CONFLICT; subtractions update
    # rows that must exist.
    if postgresql():
        growing = [row for row in changes if row[1] > 0]
        rest = [row for row in changes if row[1] <= 0]
        if growing:
            _upsert_postgresql(model, key_fields, growing)
    else:
        rest = changes
    _update_or_create(model, key_fields, rest)
    emptied = [row[0] for row in changes if row[1] < 0]
    if emptied:
        gone = Q()
        for key in emptied:
            gone |= Q(**dict(zip(key_fields, key, strict=True)))
        model.objects.filter(gone, seizures=0).delete()


def _upsert_postgresql(model, key_fields: tuple[str, ...], changes: list[tuple]) -> None:
    """One INSERT ... ON CONFLICT for all rows, the values sent as one array per column.

    Arrays keep the statement short whatever the batch (a bulk load folds thousands of keys),
    so neither the client nor the server parses a statement per row.
    """
    table = model._meta.db_table
    columns = (*key_fields, *MEASURES)
    types = [_array_type(model, name) for name in columns]
    arrays: list[list[Any]] = [[] for _ in columns]
    for key, *cell in changes:
        for array, value in zip(arrays, (*key, *cell), strict=True):
            array.append(value)
    unnest = ", ".join(f"%s::{kind}[]" for kind in types)
    keys = ", ".join(key_fields)
    # INSERT ... ON CONFLICT adds to the stored figures in one statement, race-free.
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT * FROM unnest({unnest}) "  # noqa: S608 - our names
        f"ON CONFLICT ({keys}) DO UPDATE SET "
        + ", ".join(f"{name} = {table}.{name} + EXCLUDED.{name}" for name in MEASURES)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, arrays)


def _array_type(model, name: str) -> str:
    field = model._meta.get_field(name.removesuffix("_id") if name.endswith("_id") else name)
    if field.is_relation:
        field = field.target_field
    return field.db_type(connection).split("(")[0]


def _update_or_create(model, key_fields: tuple[str, ...], changes: list[tuple]) -> None:
    for key, *cell in changes:
        fields = dict(zip(key_fields, key, strict=True))
        if model.objects.filter(**fields).update(
            **{name: F(name) + value for name, value in zip(MEASURES, cell, strict=True)}
        ):
            continue
        if cell[0] < 0:
            raise IntegrityError(f"The seizure summary has no row {fields} to take {-cell[0]} seizures from.")
        model.objects.create(**fields, **dict(zip(MEASURES, cell, strict=True)))


# --- rebuild -------------------------------------------------------------------------------

_TRANSIT_SQL = (
    "CASE WHEN jsonb_typeof(s.transit_countries) = 'array' THEN COALESCE((SELECT string_agg(x.e, ',' ORDER BY x.n) "
    "FROM jsonb_array_elements_text(s.transit_countries) WITH ORDINALITY AS x(e, n)), '') ELSE '' END"
)
_DIMENSIONS_SQL = (
    "(date_trunc('month', s.occurred_at AT TIME ZONE 'UTC'))::date, s.agency_id, s.status, s.sharing, "
    f"s.transport_mode, s.country, s.origin_country, s.destination_country, {_TRANSIT_SQL}"
)


def rebuild_statements(stat_table: str, seizure_table: str, item_table: str) -> list[str]:
    """PostgreSQL: refill SeizureStat with two INSERT ... SELECT ... GROUP BY over the seizures."""
    columns = ", ".join((*KEY_FIELDS, *MEASURES))
    groups = "2, 3, 4, 5, 6, 7, 8, 9, 10"
    measures = (
        "count(*), COALESCE(sum({p}.total_weight_kg), 0), COALESCE(sum({p}.tablets), 0), "
        "COALESCE(sum({p}.items_without_weight), 0)"
    )
    return [
        f"INSERT INTO {stat_table} ({columns}) SELECT '', {_DIMENSIONS_SQL}, {measures.format(p='s')} "  # noqa: S608
        f"FROM {seizure_table} s GROUP BY {groups}",
        # Items are first folded per (seizure, drug): a seizure counts once under each drug.
        f"INSERT INTO {stat_table} ({columns}) SELECT i.drug, {_DIMENSIONS_SQL}, {measures.format(p='i')} "  # noqa: S608
        f"FROM (SELECT seizure_id, drug, sum(kg_equivalent) AS total_weight_kg, "
        f"sum(CASE WHEN unit = 'tablet' THEN quantity ELSE 0 END) AS tablets, "
        f"count(*) - count(kg_equivalent) AS items_without_weight "
        f"FROM {item_table} GROUP BY seizure_id, drug) i JOIN {seizure_table} s ON s.id = i.seizure_id "
        f"GROUP BY i.drug, {groups}",
    ]


def rollup_statement(table: str, key_fields: tuple[str, ...], stat_model: type[Model]) -> tuple[str, list]:
    """PostgreSQL: a public rollup from SeizureStat, in the database (SQL and parameters)."""
    keys = ", ".join(key_fields)
    query = stat_model._default_manager.filter(visibility.public()).query
    public, params = query.get_compiler(connection.alias).compile(query.where)
    measures = ", ".join(MEASURES)
    sums = ", ".join(f"sum({name})" for name in MEASURES)
    return (
        f"INSERT INTO {table} ({keys}, {measures}) SELECT {keys}, {sums} "  # noqa: S608
        f"FROM {stat_model._meta.db_table} WHERE {public} GROUP BY {keys}",
        list(params),
    )


def computed_rows(seizure_model=Seizure) -> Deltas:
    """SeizureStat's rows computed from the seizures by the ORM (portable; aggregated in the database)."""
    dimensions = {
        "k_month": TruncMonth("occurred_at", tzinfo=dt.UTC),
        "k_agency": F("agency_id"),
        "k_status": F("status"),
        "k_sharing": F("sharing"),
        "k_mode": F("transport_mode"),
        "k_country": F("country"),
        "k_origin": F("origin_country"),
        "k_destination": F("destination_country"),
        "k_transits": F("transit_countries"),
    }
    rows: Deltas = {}
    everything = seizure_model.objects.order_by().values(**dimensions)
    # A seizure without items (none through the services) has no per-drug row: drug None is skipped.
    per_drug = seizure_model.objects.order_by().values(**dimensions, k_drug=F("items__drug"))
    for queryset, measures in (
        (
            everything,
            {"n": Count("id"), "w": Sum("total_weight_kg"), "t": Sum("tablets"), "u": Sum("items_without_weight")},
        ),
        (
            per_drug,
            {
                "n": Count("id", distinct=True),
                "w": Sum("items__kg_equivalent"),
                "t": Sum("items__quantity", filter=Q(items__unit=Unit.TABLET)),
                "u": Count("items", filter=Q(items__kg_equivalent__isnull=True)),
            },
        ),
    ):
        for row in queryset.annotate(**measures).order_by():
            if "k_drug" in row and row["k_drug"] is None:
                continue
            month = row["k_month"]
            month = month.date() if isinstance(month, dt.datetime) else month
            key = (
                row.get("k_drug", ALL_DRUGS),
                month,
                row["k_agency"],
                row["k_status"],
                row["k_sharing"],
                row["k_mode"],
                row["k_country"],
                row["k_origin"] or "",
                row["k_destination"] or "",
                transit_key(row["k_transits"]),
            )
            merge(rows, {key: [row["n"], row["w"] or ZERO, row["t"] or ZERO, row["u"] or 0]})
    return rows


def all_tables(full: Deltas) -> dict[str, Deltas]:
    """Every summary table's rows, projected from SeizureStat's rows."""
    tables: dict[str, Deltas] = {}
    for model, _fields, project in TABLES:
        projected: Deltas = {}
        for key, cell in full.items():
            target = project(key)
            if target is not None:
                merge(projected, {target: list(cell)})
        tables[model.__name__] = {key: cell for key, cell in projected.items() if any(cell)}
    return tables


def stored_tables() -> dict[str, Deltas]:
    """Every summary table as stored, in the shape of all_tables (for checks and tests)."""
    return {
        model.__name__: {
            tuple(row[: -len(MEASURES)]): list(row[-len(MEASURES) :])
            for row in model._default_manager.values_list(*fields, *MEASURES)
        }
        for model, fields, _project in TABLES
    }


def computed_tables() -> dict[str, Deltas]:
    return all_tables(computed_rows())


@transaction.atomic
def stats_rebuild(
    *,
    stat_model=SeizureStat,
    seizure_model=Seizure,
    item_model=SeizureItem,
    mode_model=PublicModeStat,
    route_model=PublicRouteStat,
) -> int:
    """Recompute every summary table from the seizures; returns the number of SeizureStat rows.

    Guarantees: afterwards the summary equals the seizures' contributions exactly; it runs in
    one transaction (readers see the old or the new summary, never a half-built one). The
    model arguments let a migration pass its historical models.
    """
    models = {SeizureStat: stat_model, PublicModeStat: mode_model, PublicRouteStat: route_model}
    for model in models.values():
        model.objects.all().delete()
    if postgresql():
        with connection.cursor() as cursor:
            # Planned once, over every seizure: JIT does not pay back, and the grouping needs memory.
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '256MB'")
            stat_table = stat_model._meta.db_table
            for sql in rebuild_statements(stat_table, seizure_model._meta.db_table, item_model._meta.db_table):
                cursor.execute(sql)
            for model, fields, _project in TABLES[1:]:
                cursor.execute(*rollup_statement(models[model]._meta.db_table, fields, stat_model))
        return stat_model.objects.count()
    tables = all_tables(computed_rows(seizure_model))
    for model, fields, _project in TABLES:
        models[model].objects.bulk_create(
            (
                models[model](**dict(zip(fields, key, strict=True)), **dict(zip(MEASURES, cell, strict=True)))
                for key, cell in tables[model.__name__].items()
            ),
            batch_size=2000,
        )
    return len(tables[SeizureStat.__name__])


def stats_differences() -> dict[tuple, tuple]:
    """Rows where the stored summary and a fresh computation disagree: {(table, key): (stored, computed)}."""
    stored, computed = stored_tables(), computed_tables()
    differences = {}
    for table in computed:
        for key in set(stored[table]) | set(computed[table]):
            a, b = stored[table].get(key), computed[table].get(key)
            if a is None or b is None or list(a) != list(b):
                differences[(table, key)] = (a, b)
    return differences
