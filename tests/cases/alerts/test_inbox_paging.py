"""The inbox pages with the keyset pager of every list (crackdown/paging.py)."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest

from cases.alerts.models import Alert
from cases.alerts.services import alert_create

pytestmark = pytest.mark.django_db


def _walk(client, url: str) -> tuple[list[int], list[str]]:
    """Follow the load-more links from `url`; the alert ids seen and each next query."""
    seen, queries = [], []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        seen += [row["alert"].pk for row in response.context["rows"]]
        query = response.context["next_query"]
        queries.append(query)
        url = "/alerts/?" + query if query else ""
    return seen, queries


def test_load_more_walks_the_inbox_newest_first_without_repeats(client_as, kim, somchai):
    for n in range(5):
        alert_create(by=kim, recipients=["TCD"], kind="lookout", priority="routine", title=f"Lookout {n}")

    seen, queries = _walk(client_as(somchai), "/alerts/?page_size=2")

    assert seen == list(Alert.objects.order_by("-created_at", "-id").values_list("pk", flat=True))
    assert len(seen) == 5
    assert all("page_size=2" in q and "after=" in q for q in queries[:-1])
    assert queries[-1] == ""


def test_load_more_keeps_the_filters_and_appends_rows_with_htmx(client_as, kim, somchai):
    for n in range(3):
        alert_create(by=kim, recipients=["TCD"], kind="lookout", priority="routine", title=f"Lookout {n}")
    alert_create(by=kim, recipients=["TCD"], kind="pre_arrival", priority="routine", title="Pre-arrival")
    client = client_as(somchai)

    first = client.get("/alerts/", {"kind": "lookout", "page_size": 2})

    assert parse_qs(first.context["next_query"])["kind"] == ["lookout"]
    html = first.content.decode()
    assert 'hx-target="#alert-rows"' in html and 'data-testid="load-more"' in html
    second = client.get("/alerts/?" + first.context["next_query"], HTTP_HX_REQUEST="true")
    assert [row["alert"].title for row in second.context["rows"]] == ["Lookout 0"]
    assert second.context["next_query"] == ""
