"""Template filters for numbers (`{% load crackdown %}`): `{{ value|kg }}`, `{{ value|count }}`.

Both come from crackdown.numbers, the one place numbers are formatted.
"""

from __future__ import annotations

from django import template

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
