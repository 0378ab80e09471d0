"""Sane windows for the dates and times people enter, one rule per kind of field.

A value far outside any real use (year 9999, year 1) is refused where it enters, with a
message on its field, so that one agency's typo can never break another's pages: converting
such a value to a reader's time zone overflows. Each window is a range of whole years, so that
the OpenAPI schema states it as a pattern on the year (crackdown/api/schema.py `WINDOWS`); the
year is the value's as its field hands it over (a date-time in UTC, so an offset can move a
value at the very edge of a window across it). The windows (also in docs/api.md):

- a deadline (an alert's `ack_due_at`, an assignment's `due_at`): from 1990-01-01 to the end
  of the year DEADLINE_YEARS (2) ahead;
- an operation's `starts_on` / `ends_on`: from 1990-01-01 to the end of the year
  OPERATION_YEARS (5) ahead;
- a date filter of a list or a statistic: from 1990-01-01 to the end of the year FILTER_YEARS
  (10) ahead.

BoundedDateTimeField also reads a stored extreme value (written before these rules, or by
hand) as the nearest instant that every time zone can show, so rendering never fails.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

EARLIEST_YEAR = 1990
DEADLINE_YEARS = 2
OPERATION_YEARS = 5
FILTER_YEARS = 10

# Any instant between these two has a local time in every time zone (offsets reach ±14 h).
SAFE_MIN = dt.datetime(1, 1, 3, tzinfo=dt.UTC)
SAFE_MAX = dt.datetime(9999, 12, 29, tzinfo=dt.UTC)


def latest_year(years_ahead: int) -> int:
    """The last year of a window that reaches `years_ahead` years past this one."""
    return timezone.now().year + years_ahead


def _check(value: dt.date | dt.datetime | None, years_ahead: int) -> None:
    if value is None:
        return
    last = latest_year(years_ahead)
    if not EARLIEST_YEAR <= value.year <= last:
        raise ValidationError(
            _("Enter a date between %(earliest)s and %(latest)s.")
            % {
                "earliest": date_format(dt.date(EARLIEST_YEAR, 1, 1), "Y-m-d"),
                "latest": date_format(dt.date(last, 12, 31), "Y-m-d"),
            },
            code="out_of_window",
        )


def validate_deadline(value: dt.datetime | None) -> None:
    """An acknowledgement or assignment deadline: 1990 to the end of the year two years ahead."""
    _check(value, DEADLINE_YEARS)


def validate_operation_date(value: dt.date | None) -> None:
    """An operation's first or last day: 1990 to the end of the year five years ahead."""
    _check(value, OPERATION_YEARS)


def validate_filter_date(value: dt.date | dt.datetime | None) -> None:
    """A date a list or a statistic is filtered by: 1990 to the end of the year ten years ahead."""
    _check(value, FILTER_YEARS)


def clamp(value: dt.datetime | None) -> dt.datetime | None:
    """A stored instant, moved inside SAFE_MIN..SAFE_MAX so that any time zone can show it."""
    if value is None or timezone.is_naive(value):
        return value
    return min(max(value, SAFE_MIN), SAFE_MAX)


class BoundedDateTimeField(models.DateTimeField):
    """A DateTimeField whose stored extremes are read back as instants every zone can show."""

    def from_db_value(self, value, expression, connection):
        return clamp(value)
