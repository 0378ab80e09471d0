"""The dashboard's route map: arrows per country-to-country leg weighted by kilograms, from the
same visible routes as the table beside it; drawn from the bundled topology, no inline style."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from cases.stats.route_map import MEMBERS, base_map, reaches_beyond_region, route_legs, route_map
from tests.factories import SeizureFactory

pytestmark = pytest.mark.django_db


def test_routes_are_split_into_legs_and_their_kilograms_added():
    routes = [
        {"origin": "LA", "transit": ["TH"], "destination": "KR", "weight_kg": Decimal("40")},
        {"origin": "MM", "transit": ["TH"], "destination": "KR", "weight_kg": Decimal("10")},
        {"origin": None, "transit": [], "destination": "KR", "weight_kg": Decimal("99")},
    ]
    assert route_legs(routes) == [
        ("TH", "KR", Decimal("50")),
        ("LA", "TH", Decimal("40")),
        ("MM", "TH", Decimal("10")),
    ]


def test_every_member_country_is_on_the_map():
    world = base_map()
    drawn = {code for code, data in world.paths if data}
    # Singapore is too small for the 1:110m topology: it is placed by its anchor point.
    assert MEMBERS - {"SG"} <= drawn
    assert set(world.anchors) >= MEMBERS


def test_the_heavier_leg_gets_the_wider_arrow():
    svg = str(
        route_map(
            [
                {"origin": "MM", "transit": [], "destination": "TH", "weight_kg": Decimal("100")},
                {"origin": "LA", "transit": [], "destination": "VN", "weight_kg": Decimal("1")},
            ],
            title="Flows",
        )
    )
    widths = dict(
        re.findall(r'stroke-width="([\d.]+)" marker-end="[^"]+" data-from="(\w\w)"', svg)[i][::-1] for i in range(2)
    )
    assert float(widths["MM"]) > float(widths["LA"]) * 2
    assert "style=" not in svg and "<script" not in svg


def test_a_far_origin_widens_the_whole_routes_window_only():
    near_route = [{"origin": "MM", "transit": [], "destination": "KR", "weight_kg": 1}]
    far_route = [{"origin": "MX", "transit": [], "destination": "KR", "weight_kg": 1}]
    assert not reaches_beyond_region(near_route) and reaches_beyond_region(far_route)
    near = str(route_map(near_route, title="t", whole_routes=True))
    far = str(route_map(far_route, title="t", whole_routes=True))
    regional = str(route_map(far_route, title="t"))
    assert 'data-from="MX"' in regional  # the arrow enters the region from its edge
    width = lambda svg: float(re.search(r'viewBox="[\d.]+ [\d.]+ ([\d.]+)', svg).group(1))  # noqa: E731
    assert width(far) > width(near) * 2
    assert width(regional) == width(near)


def test_the_dashboard_draws_the_visible_routes_only(client_as, kim, kcs, tcd):
    SeizureFactory(agency=kcs, origin_country="LA", transit_countries=["TH"], destination_country="KR")
    SeizureFactory(agency=tcd, sharing="agency", origin_country="MX", destination_country="PH")
    html = client_as(kim).get(reverse("home")).content.decode()
    figure = html[html.index('data-testid="route-map"') :]
    figure = figure[: figure.index("</figure>")]
    assert 'data-from="LA" data-to="TH"' in figure and 'data-from="TH" data-to="KR"' in figure
    assert 'data-from="MX"' not in figure  # the Thai seizure is not shared with KCS
