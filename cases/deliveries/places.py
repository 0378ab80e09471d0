"""Places a controlled delivery's legs run between: UN/LOCODE and IATA codes (docs/reference-data.md).

UN/LOCODE locations (5 characters: country + place) come from `data/unlocode.csv`, a list of
the member countries' and their main partners' ports and cities shipped with the app; IATA
airports (3 letters) from the `airportsdata` package. Both are read once and kept in memory;
nothing is fetched at run time.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import airportsdata
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

UNLOCODE_CSV = Path(settings.BASE_DIR) / "data" / "unlocode.csv"


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    country: str
    timezone: str
    kind: str  # "unlocode" | "iata"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def local(self, moment: dt.datetime) -> dt.datetime:
        """The moment on the place's own clock."""
        return moment.astimezone(self.zone)

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


@cache
def _unlocodes() -> dict[str, Place]:
    with UNLOCODE_CSV.open(encoding="utf-8", newline="") as fh:
        return {
            row["code"]: Place(row["code"], row["name"], row["country"], row["timezone"], "unlocode")
            for row in csv.DictReader(fh)
        }


@cache
def _airports() -> dict[str, Place]:
    return {
        code: Place(code, row["name"], row["country"], row["tz"], "iata")
        for code, row in airportsdata.load("IATA").items()
        if row.get("tz")
    }


def normalize_place(value: str) -> str:
    return "".join(str(value or "").split()).upper()


def find_place(code: str) -> Place | None:
    code = normalize_place(code)
    if len(code) == 5:
        return _unlocodes().get(code)
    if len(code) == 3:
        return _airports().get(code)
    return None


def validate_place(code: str) -> str:
    """The normalised code of a known UN/LOCODE location or IATA airport; ValidationError otherwise."""
    normalized = normalize_place(code)
    if find_place(normalized) is None:
        raise ValidationError(
            _("Unknown place %(code)s: give a UN/LOCODE (e.g. KRPUS) or an IATA airport code (e.g. ICN).")
            % {"code": normalized or "''"},
            code="unknown_place",
        )
    return normalized


def place_choices() -> list[tuple[str, str]]:
    """UN/LOCODE places for a picker (airports are typed by code)."""
    return [(p.code, f"{p.code} · {p.name}") for p in sorted(_unlocodes().values(), key=lambda p: p.code)]
