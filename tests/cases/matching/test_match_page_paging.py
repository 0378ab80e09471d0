"""The matches page pages by the keyset pager of every list, on the id alone."""

from __future__ import annotations

import pytest
from django.urls import reverse
from stdnum import iso6346

from cases.matching.models import Match

pytestmark = pytest.mark.django_db


def _container(serial: int) -> str:
    number = f"CSQU{serial:06d}"
    return number + iso6346.calc_check_digit(number)


def test_load_more_walks_every_match_once(record, client_as, kim, somchai):
    for serial in (305438, 305439, 305440):
        record(somchai, [("container", _container(serial))])
        record(kim, [("container", _container(serial))])
    client = client_as(kim)

    seen, url = [], reverse("matching:list") + "?page_size=2"
    while url:
        response = client.get(url)
        seen += [row.id for row in response.context["rows"]]
        query = response.context["next_query"]
        url = reverse("matching:list") + "?" + query if query else ""

    assert seen == list(Match.objects.order_by("-id").values_list("pk", flat=True))
    assert len(seen) == 3
