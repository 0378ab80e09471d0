"""The API's HTTP conventions (API.md "Conventions"): Location on 201, ETag and If-Match.

- `created(request, data, url_name, *args)`: a 201 whose `Location` is the new object's URL.
- `with_etag(response, obj)`: the object's version as a strong `ETag` (its `updated_at`, which
  every write of seizures and operations moves on).
- `if_match(request, queryset, pk)`: for a write carrying `If-Match`, lock the row and refuse
  with 412 (`PreconditionFailed`) unless one of the listed tags (or `*`) is its current
  version. Call it inside the transaction of the write, so that nobody changes the row between
  the check and the write; without `If-Match` nothing is checked (the write goes on as before).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _("The object changed since you read it (If-Match does not match its ETag). Read it again.")
    default_code = "precondition_failed"


def etag_of(updated_at: dt.datetime) -> str:
    micros = int(updated_at.timestamp() * 1_000_000)
    return f'"{micros:x}"'


def with_etag(response: Response, obj: Model) -> Response:
    response["ETag"] = etag_of(obj.updated_at)  # type: ignore[attr-defined]
    return response


def created(request: Request, data: Any, url_name: str, *args: Any) -> Response:
    return Response(
        data,
        status=status.HTTP_201_CREATED,
        headers={"Location": request.build_absolute_uri(reverse(url_name, args=args))},
    )


def _listed_tags(header: str) -> list[str]:
    tags = []
    for part in header.split(","):
        tag = part.strip()
        if tag.startswith("W/"):
            continue  # If-Match compares strongly: a weak tag never matches
        if tag:
            tags.append(tag)
    return tags


def if_match(request: Request, queryset: QuerySet, pk: Any) -> None:
    header = request.headers.get("If-Match")
    if header is None:
        return
    current = queryset.select_for_update().filter(pk=pk).values_list("updated_at", flat=True).first()
    if current is None:
        return  # gone meanwhile: the write itself answers
    tags = _listed_tags(header)
    if "*" in tags or etag_of(current) in tags:
        return
    raise PreconditionFailed
