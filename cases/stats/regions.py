"""Regions with membership dates, from data/regions.csv (copied from the shared reference data).

A country counts for a region only from the day it joined (Timor-Leste joined ASEAN on
2025-10-26), so membership is a list of (country, member_since) pairs, not a set.
"""

from __future__ import annotations

import csv
import datetime as dt
from functools import cache
from pathlib import Path

from django.conf import settings

REGIONS_CSV = Path(settings.BASE_DIR) / "data" / "regions.csv"


@cache
def regions() -> dict[str, tuple[tuple[str, dt.date], ...]]:
    """{region code: ((country, member_since), ...)}, read once per process."""
    members: dict[str, list[tuple[str, dt.date]]] = {}
    with REGIONS_CSV.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            region = row["region"].strip().upper()
            members.setdefault(region, []).append(
                (row["country"].strip().upper(), dt.date.fromisoformat(row["member_since"].strip()))
            )
    return {region: tuple(sorted(rows)) for region, rows in members.items()}


def region_members(region: str) -> tuple[tuple[str, dt.date], ...]:
    """Members of a region with the date each joined; KeyError for an unknown region."""
    return regions()[region.upper()]
