"""Keyset ("load more") paging of the pages: the anchor is the last row shown."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.dateparse import parse_datetime


def parse_after(value: str | None) -> tuple[dt.datetime, int] | None:
    """'<timestamp iso>,<id>' of the last row shown → the keyset to continue after, or None."""
    if not value or "," not in value:
        return None
    moment, _sep, pk = value.rpartition(",")
    # A "+" of the offset arrives as a space when the link was not encoded.
    at = parse_datetime(moment.strip().replace(" ", "+"))
    if at is None or not pk.strip().isdigit():
        return None
    if timezone.is_naive(at):
        at = timezone.make_aware(at, dt.UTC)
    return at, int(pk)
