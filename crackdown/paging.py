"""Keyset ("load more") paging, the one pager of every list.

A page continues after the last row shown: `after=<timestamp iso>,<id>` on a list ordered
newest first by (-timestamp, -id), or `after=<id>` on a list ordered by -id alone, and
`page_size` (1 to MAX_PAGE_SIZE). No OFFSET, no COUNT: one more row than the page is read to
know whether there is a next one. The HTML pages call `keyset_page` and clamp a page size out
of range; the API's CursorPagination (crackdown/api/pagination.py) keeps DRF's cursor contract
and refuses one with a 400, as API.md's range says.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import Model, Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_datetime

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200

M = TypeVar("M", bound=Model)


def parse_page_size(raw: str | None, *, default: int = PAGE_SIZE, maximum: int = MAX_PAGE_SIZE) -> int:
    """The page size asked for, within 1..maximum; `default` when absent or not a number."""
    if raw is None:
        return default
    try:
        return max(1, min(maximum, int(raw)))
    except ValueError:
        return default


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
    try:
        # In UTC: ISO 8601 allows offsets PostgreSQL refuses (beyond ±15:59).
        return at.astimezone(dt.UTC), int(pk)
    except OverflowError:
        return None


def _parse_id(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() else None


@dataclass(frozen=True)
class Page(Generic[M]):
    rows: list[M]
    # The anchor this page continued after (None on the first page): "no more rows" vs "none at all".
    after: tuple[dt.datetime, int] | int | None
    # The query string of the next page ("" on the last): the filters, page_size if asked, after.
    next_query: str


def keyset_page(
    queryset: QuerySet[M], params: QueryDict, *, by: str | None, filter_query: str = "", size: int = PAGE_SIZE
) -> Page[M]:
    """One page of `queryset`, which must be ordered by ("-<by>", "-id"), or by "-id" when `by`
    is None. `params` are the request's GET parameters; `filter_query` is carried into the next
    page's link."""
    count = parse_page_size(params.get("page_size"), default=size)
    after: tuple[dt.datetime, int] | int | None
    if by is None:
        after = _parse_id(params.get("after"))
        if after is not None:
            queryset = queryset.filter(pk__lt=after)
    else:
        after = parse_after(params.get("after"))
        if after is not None:
            at, pk = after
            queryset = queryset.filter(Q(**{f"{by}__lt": at}) | Q(**{by: at, "pk__lt": pk}))
    rows = list(queryset[: count + 1])
    next_query = ""
    if len(rows) > count:
        rows = rows[:count]
        query = QueryDict(filter_query, mutable=True)
        if "page_size" in params:
            query["page_size"] = str(count)
        query["after"] = _cursor(rows[-1], by)
        next_query = query.urlencode()
    return Page(rows=rows, after=after, next_query=next_query)


def _cursor(row: Any, by: str | None) -> str:
    if by is None:
        return str(row.pk)
    return f"{getattr(row, by).astimezone(dt.UTC).isoformat()},{row.pk}"
