"""The member agencies' reference data (data/agencies.csv, copied from the shared set)."""

from __future__ import annotations

import csv
from pathlib import Path

AGENCIES_CSV = Path(__file__).resolve().parent.parent / "data" / "agencies.csv"


def read_agencies() -> list[dict[str, str]]:
    with AGENCIES_CSV.open(newline="", encoding="utf-8") as fh:
        return [{key: (value or "").strip() for key, value in row.items()} for row in csv.DictReader(fh)]


def load_agencies(agency_model) -> int:
    """Create the member agencies that are missing; never overwrite what an admin edited.

    Takes the model as an argument so that a data migration can pass its historical model.
    Returns the number created.
    """
    created = 0
    for row in read_agencies():
        _, was_created = agency_model.objects.get_or_create(
            code=row["code"],
            defaults={"name": row["name"], "country": row["country"], "timezone": row["timezone"]},
        )
        created += int(was_created)
    return created
