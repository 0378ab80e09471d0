"""The rows of a batch of new seizures, written in one go: COPY on PostgreSQL, bulk_create elsewhere.

`seizure_bulk_create` (a bulk import's new rows) builds the seizures and their history; this
writes them with their items, identifiers, persons, transits and shares. On PostgreSQL the
seizures' ids come from their sequence in one query and each table is written by one COPY:
no model instance per child row, no INSERT text built and parsed per batch (bulk_create sends
several rows as one array per column, which psycopg builds in Python: ~40 % of an import's
time). The values written are those bulk_create writes: each field's own value after
`pre_save` (so `auto_now` stamps), JSON fields through `get_db_prep_save`, the child rows'
missing fields at their defaults.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection
from django.db.models import Model

from cases.seizures.fields import ROW_FIELDS
from cases.seizures.models import ROW_MODELS, Seizure, SeizureRevision, SeizureTransit
from crackdown.db import postgresql

REVISION_COLUMNS = ("seizure_id", "by_id", "action", "at", "changes", "reason")


def write_new(seizures: list[Seizure], rows: Sequence[dict[str, Any]], revisions: list[SeizureRevision]) -> None:
    """Insert `seizures` (unsaved, their primary keys set here) with the lists of `rows` (their
    cleaned inputs, in the same order) and then `revisions` (their seizure ids filled in)."""
    if postgresql():
        _write_copy(seizures, rows, revisions)
    else:
        _write_orm(seizures, rows, revisions)


def _children(seizures: list[Seizure], rows: Sequence[dict[str, Any]]) -> Iterable[tuple[type[Model], tuple, Any]]:
    """(model, columns, values of each row) of every child table."""
    for name, model in ROW_MODELS.items():
        fields = ROW_FIELDS[name]
        defaults = {field: _field(model, field).get_default() for field in fields}
        yield (
            model,
            ("seizure_id", *fields, "position"),
            (
                (seizure.pk, *(row.get(field, defaults[field]) for field in fields), index)
                for seizure, clean in zip(seizures, rows, strict=True)
                for index, row in enumerate(clean.get(name) or [])
            ),
        )
    yield (
        SeizureTransit,
        ("seizure_id", "country", "position"),
        (
            (seizure.pk, country, index)
            for seizure in seizures
            for index, country in enumerate(seizure.transit_countries)
        ),
    )
    yield (
        Seizure.shared_with.through,
        ("seizure_id", "agency_id"),
        (
            (seizure.pk, shared.pk)
            for seizure, clean in zip(seizures, rows, strict=True)
            for shared in clean.get("shared_with") or []
        ),
    )


def _field(model: type[Model], name: str) -> Any:
    """A concrete field by name or attname ("seizure_id")."""
    return model._meta.get_field(name)


def _write_orm(seizures: list[Seizure], rows: Sequence[dict[str, Any]], revisions: list[SeizureRevision]) -> None:
    Seizure.objects.bulk_create(seizures)
    for model, columns, values in _children(seizures, rows):
        model._default_manager.bulk_create([model(**dict(zip(columns, row, strict=True))) for row in values])
    _set_revision_seizures(seizures, revisions)
    SeizureRevision.objects.bulk_create(revisions)


def _set_revision_seizures(seizures: list[Seizure], revisions: list[SeizureRevision]) -> None:
    for seizure, revision in zip(seizures, revisions, strict=True):
        revision.seizure_id = seizure.pk


def _write_copy(seizures: list[Seizure], rows: Sequence[dict[str, Any]], revisions: list[SeizureRevision]) -> None:
    """PostgreSQL: the seizures' ids from their sequence in one query, then one COPY per table."""
    for seizure, pk in zip(seizures, sequence_ids(Seizure, len(seizures)), strict=True):
        seizure.pk = pk
    with connection.cursor() as cursor:
        _copy(cursor, Seizure, _instance_rows(Seizure, seizures))
        for model, columns, values in _children(seizures, rows):
            _copy_values(cursor, model, columns, values)
        _set_revision_seizures(seizures, revisions)
        _copy(cursor, SeizureRevision, _instance_rows(SeizureRevision, revisions, with_pk=False))


def sequence_ids(model: type[Model], count: int) -> list[int]:
    """PostgreSQL: `count` ids drawn from the model's id sequence in one query (rows written by
    COPY name their ids, so children can name their parent)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)",  # noqa: S608
            [count],
        )
        return [pk for (pk,) in cursor.fetchall()]


def _instance_rows(model: type[Model], objs: list[Any], *, with_pk: bool = True) -> tuple[tuple, Iterable[tuple]]:
    """The columns of `model` and each instance's values as bulk_create would write them."""
    fields: list[Any] = [f for f in model._meta.concrete_fields if not f.primary_key]
    if with_pk:
        fields.insert(0, model._meta.pk)
    prepared = {f.attname for f in fields if f.get_internal_type() == "JSONField"}
    columns = tuple(f.attname for f in fields)

    def values(obj: Any) -> tuple:
        return tuple(
            f.get_db_prep_save(f.pre_save(obj, True), connection) if f.attname in prepared else f.pre_save(obj, True)
            for f in fields
        )

    return columns, (values(obj) for obj in objs)


def _copy(cursor: Any, model: type[Model], columns_and_values: tuple[tuple, Iterable[tuple]]) -> None:
    columns, values = columns_and_values
    _copy_values(cursor, model, columns, values)


def _copy_values(cursor: Any, model: type[Model], columns: tuple, values: Iterable[tuple]) -> None:
    opts = model._meta
    quote = connection.ops.quote_name
    names = ", ".join(quote(_field(model, name).column) for name in columns)
    # `cursor` is Django's wrapper; COPY is psycopg's own cursor's.
    with cursor.cursor.copy(f"COPY {quote(opts.db_table)} ({names}) FROM STDIN") as copy:  # noqa: S608 - our names
        for row in values:
            copy.write_row(row)
