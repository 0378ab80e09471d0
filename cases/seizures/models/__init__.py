"""The seizure record (records.py) and its summary tables (stat_tables.py)."""

# UNIT_TO_KG is re-exported: callers read a unit's mass beside the models.

from cases.seizures.models.records import (
    ROW_MODELS,
    SHARED_STATUSES,
    IdentifierValue,
    Seizure,
    SeizureAccess,
    SeizureIdentifier,
    SeizureItem,
    SeizureNotice,
    SeizurePerson,
    SeizureQuerySet,
    SeizureRevision,
    SeizureTransit,
)
from cases.seizures.models.stat_tables import (
    SEIZURE_STAT_KEY,
    PublicModeStat,
    PublicRouteStat,
    PublicSeizureStat,
    SeizureStat,
)
from cases.seizures.validators import UNIT_TO_KG

__all__ = [
    "ROW_MODELS",
    "SEIZURE_STAT_KEY",
    "SHARED_STATUSES",
    "UNIT_TO_KG",
    "IdentifierValue",
    "PublicModeStat",
    "PublicRouteStat",
    "PublicSeizureStat",
    "Seizure",
    "SeizureAccess",
    "SeizureIdentifier",
    "SeizureItem",
    "SeizureNotice",
    "SeizurePerson",
    "SeizureQuerySet",
    "SeizureRevision",
    "SeizureStat",
    "SeizureTransit",
]
