"""Sane windows for the dates and times people enter, one rule per kind of field.

A value far outside any real use (year 9999, year 1) is refused where it enters, with a
message on its field, so that one agency's typo can never break another's pages: converting
such a value to a reader's time zone overflows. The windows (also in docs/api.md):

- a deadline (an alert's `ack_due_at`, an assignment's `due_at`): from 1990-01-01 to
  DEADLINE_AHEAD (2 years) from now;
- an operation's `starts_on` / `ends_on`: from 1990-01-01 to OPERATION_AHEAD (5 years) ahead;
- a date filter of a list or a statistic: from 1990-01-01 to FILTER_AHEAD (10 years) ahead.

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

EARLIEST_DATE = dt.date(1990, 1, 1)
DEADLINE_AHEAD = dt.timedelta(days=2 * 366)
OPERATION_AHEAD = dt.timedelta(days=5 * 366)
FILTER_AHEAD = dt.timedelta(days=10 * 366)

# Any instant between these two has a local time in every time zone (offsets reach ±14 h).
SAFE_MIN = dt.datetime(1, 1, 3, tzinfo=dt.UTC)
SAFE_MAX = dt.datetime(9999, 12, 29, tzinfo=dt.UTC)


def _as_date(value: dt.date | dt.datetime) -> dt.date | None:
    """The UTC date of a value; None when it has none (an offset pushes it past year 9999 or before 1)."""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            try:
                value = value.astimezone(dt.UTC)
            except OverflowError:
                return None
        return value.date()
    return value


def _check(value: dt.date | dt.datetime | None, ahead: dt.timedelta) -> None:
    if value is None:
        return
    latest = timezone.now().date() + ahead
    day = _as_date(value)
    if day is None or not EARLIEST_DATE <= day <= latest:
        raise ValidationError(
            _("Enter a date between %(earliest)s and %(latest)s.")
            % {"earliest": date_format(EARLIEST_DATE, "Y-m-d"), "latest": date_format(latest, "Y-m-d")},
            code="out_of_window",
        )


def validate_deadline(value: dt.datetime | None) -> None:
    """An acknowledgement or assignment deadline: 1990-01-01 to two years ahead."""
    _check(value, DEADLINE_AHEAD)


def validate_operation_date(value: dt.date | None) -> None:
    """An operation's first or last day: 1990-01-01 to five years ahead."""
    _check(value, OPERATION_AHEAD)


def validate_filter_date(value: dt.date | dt.datetime | None) -> None:
    """A date a list or a statistic is filtered by: 1990-01-01 to ten years ahead."""
    _check(value, FILTER_AHEAD)


def clamp(value: dt.datetime | None) -> dt.datetime | None:
    """A stored instant, moved inside SAFE_MIN..SAFE_MAX so that any time zone can show it."""
    if value is None or timezone.is_naive(value):
        return value
    return min(max(value, SAFE_MIN), SAFE_MAX)


class BoundedDateTimeField(models.DateTimeField):
    """A DateTimeField whose stored extremes are read back as instants every zone can show."""

    def from_db_value(self, value, expression, connection):
        return clamp(value)
