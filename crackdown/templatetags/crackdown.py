"""Template filters (`{% load crackdown %}`): numbers `{{ value|kg }}`, `{{ value|count }}` (from
crackdown.numbers, the one place numbers are formatted) and times `{{ value|when }}`.
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format

from crackdown.numbers import format_count, format_kg

register = template.Library()


@register.filter
def kg(value: object) -> str:
    """A weight in kg, localised, at most 3 decimals; "—" for none."""
    return format_kg(value)


@register.filter
def count(value: object) -> str:
    """A count, localised and grouped; "—" for none."""
    return format_count(value)


# The one way a time is shown: the reader's zone, named ("2026-12-02 13:27 KST").
WHEN_FORMAT = "Y-m-d H:i T"


@register.filter
def when(value: object) -> str:
    """A date and time in the reader's time zone with the zone named; "—" for none."""
    if not isinstance(value, dt.datetime):
        return "—" if value is None or value == "" else str(value)
    moment = timezone.localtime(value) if timezone.is_aware(value) else value
    return date_format(moment, WHEN_FORMAT)
