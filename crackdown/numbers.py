"""How numbers read, in one place: kilograms and counts for pages, the CSV files and the charts.

Built on Django's localisation (`number_format`), so the active language decides the decimal
mark and the grouping; at most three decimals (kilograms to the gram), trailing zeros dropped
("15.7", never "15.7000000000000"). The template filters `kg` and `count` (`{% load crackdown %}`)
and the charts call these functions; a CSV file writes `plain_kg` (no grouping, "." as the mark)
so that spreadsheets read it as a number.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.formats import number_format

THREE_PLACES = Decimal("0.001")


def _decimal(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def _places(number: Decimal) -> int:
    """Decimals left after rounding to three places and dropping trailing zeros."""
    exponent = number.quantize(THREE_PLACES, rounding=ROUND_HALF_UP).normalize().as_tuple().exponent
    return max(0, -int(exponent))


def format_kg(value: object, empty: str = "—") -> str:
    """A weight in kg as the reader's language writes it: grouped, at most 3 decimals ("1,234.5")."""
    number = _decimal(value)
    if number is None:
        return empty
    rounded = number.quantize(THREE_PLACES, rounding=ROUND_HALF_UP)
    return number_format(rounded, decimal_pos=_places(rounded), use_l10n=True, force_grouping=True)


def format_count(value: object, empty: str = "—") -> str:
    """A count (seizures, tablets) grouped as the reader's language writes it ("40,000")."""
    return format_kg(value, empty)


def plain_kg(value: object) -> str:
    """A weight for a CSV cell: "." as the decimal mark, no grouping, at most 3 decimals ("" if none)."""
    number = _decimal(value)
    if number is None:
        return ""
    rounded = number.quantize(THREE_PLACES, rounding=ROUND_HALF_UP)
    text = f"{rounded.normalize():f}"
    return "0" if text in ("-0", "0") else text
