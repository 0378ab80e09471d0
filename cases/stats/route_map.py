"""The dashboard's route map: flows origin → transit → destination drawn server-side as SVG.

The countries come from the Natural Earth 1:110m topology of the `world-atlas` npm package
(package-lock.json; served from node_modules, never fetched), decoded here from TopoJSON and
projected equirectangularly once per process. Flows are the dashboard's top routes, so the
map costs no query: each leg of a route (country → next country) becomes one arrow whose
width grows with the kilograms that travelled it. No script, no inline style (strict CSP):
geometry in SVG attributes, looks in the `.route-map` classes of static/css/crackdown.css.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django_countries import countries

logger = logging.getLogger(__name__)

TOPOLOGY = Path(settings.BASE_DIR) / "node_modules" / "world-atlas" / "countries-110m.json"

# The drawn window: longitude -180…180, latitude 80 N…58 S, in SVG units.
WIDTH, NORTH, SOUTH = 960.0, 80.0, -58.0
SCALE = WIDTH / 360.0
HEIGHT = round((NORTH - SOUTH) * SCALE)
# Korea and the ten ASEAN members are shaded as members.
MEMBERS = frozenset({"KR", "BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN"})
# Where an arrow meets a country whose largest landmass is not where its ports are, or that
# the 1:110m topology draws too small to find (lon, lat).
ANCHORS: dict[str, tuple[float, float]] = {
    "MY": (101.7, 3.1),
    "ID": (106.8, -6.2),
    "US": (-98.0, 39.0),
    "CA": (-106.0, 56.0),
    "RU": (90.0, 60.0),
    "CN": (112.0, 31.0),
    "SG": (103.8, 1.35),
    "HK": (114.2, 22.3),
    "NL": (5.3, 52.1),
    "BE": (4.5, 50.6),
    "FR": (2.4, 46.6),
    "NO": (9.0, 61.0),
    "CL": (-71.0, -33.5),
}


@dataclass(frozen=True)
class BaseMap:
    paths: tuple[tuple[str, str], ...]  # (alpha-2 or "", SVG path data)
    anchors: dict[str, tuple[float, float]]  # alpha-2 → point in SVG units


def project(lon: float, lat: float) -> tuple[float, float]:
    return (lon + 180.0) * SCALE, (NORTH - lat) * SCALE


def _decode_arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append(project(x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _ring(arcs: list[list[tuple[float, float]]], indexes: Iterable[int]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)
    return points


def _unwrapped(ring: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """A ring that crosses the antimeridian (Chukotka, Fiji) continues past the right edge
    instead of drawing a line across the world."""
    xs = [x for x, _y in ring]
    if max(xs) - min(xs) <= WIDTH / 2:
        return ring
    return [(x + WIDTH if x < WIDTH / 2 else x, y) for x, y in ring]


def _path(rings: list[list[tuple[float, float]]]) -> str:
    parts = []
    for ring in map(_unwrapped, rings):
        kept: list[tuple[float, float]] = []
        for x, y in ring:
            # Drop points closer than one unit to the last kept one: the page stays small.
            if kept and abs(x - kept[-1][0]) < 1.0 and abs(y - kept[-1][1]) < 1.0:
                continue
            kept.append((x, y))
        if len(kept) >= 3:
            parts.append("M" + "L".join(f"{x:.0f},{y:.0f}" for x, y in kept) + "Z")
    return "".join(parts)


def _area_centre(ring: list[tuple[float, float]]) -> tuple[float, tuple[float, float]]:
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area) < 1e-9:
        xs, ys = zip(*ring, strict=True)
        return 0.0, (sum(xs) / len(xs), sum(ys) / len(ys))
    return abs(area) / 2, (cx / (3 * area), cy / (3 * area))


@cache
def base_map() -> BaseMap:
    """The countries as SVG paths and each country's anchor point, decoded once per process."""
    try:
        topology = json.loads(TOPOLOGY.read_text(encoding="utf-8"))
    except FileNotFoundError:
        # An install without the npm assets: the arrows still draw, over no land.
        logger.error("route map: %s is missing (run `make install`)", TOPOLOGY)
        topology = {
            "transform": {"scale": [1, 1], "translate": [0, 0]},
            "arcs": [],
            "objects": {"countries": {"geometries": []}},
        }
    arcs = _decode_arcs(topology)
    paths = []
    anchors: dict[str, tuple[float, float]] = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        code = countries.alpha2(geometry.get("id") or "") or ""
        polygons = geometry.get("arcs") or []
        if geometry["type"] == "Polygon":
            polygons = [polygons]
        rings = [_ring(arcs, ring) for polygon in polygons for ring in polygon]
        paths.append((code, _path(rings)))
        if code and rings:
            outer = [_ring(arcs, polygon[0]) for polygon in polygons if polygon]
            anchors[code] = max((_area_centre(ring) for ring in outer), key=lambda item: item[0])[1]
    for code, (lon, lat) in ANCHORS.items():
        anchors[code] = project(lon, lat)
    return BaseMap(paths=tuple(paths), anchors=anchors)


def route_legs(routes: Sequence[dict[str, Any]]) -> list[tuple[str, str, Decimal]]:
    """Each route (origin, transits, destination, weight_kg) split into country → country legs,
    the kilograms of every route through a leg added up; heaviest first. Unknown ends are left out."""
    legs: dict[tuple[str, str], Decimal] = {}
    for route in routes:
        stops = [route.get("origin"), *route.get("transit", []), route.get("destination")]
        weight = Decimal(route.get("weight_kg") or 0)
        for a, b in zip(stops, stops[1:], strict=False):
            if a and b and a != b:
                legs[(a, b)] = legs.get((a, b), Decimal(0)) + weight
    return sorted(((a, b, kg) for (a, b), kg in legs.items()), key=lambda leg: (-leg[2], leg[0], leg[1]))


def _fmt(value: Decimal) -> str:
    return f"{value:,.1f}"


# The window always shows Korea, China and the ASEAN members (lon 88…135 E, lat 12 S…45 N);
# it widens to take in every country a drawn route touches.
HOME_WINDOW = (project(88.0, 45.0), project(135.0, -12.0))
ASPECT = 1.45  # width : height of the window, wide enough for a laptop and readable on a phone


def window(points: Iterable[tuple[float, float]]) -> tuple[float, float, float, float]:
    """The viewBox (x, y, width, height) around the home window and the given points."""
    (x0, y0), (x1, y1) = HOME_WINDOW
    for x, y in points:
        x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x), max(y1, y)
    pad_x, pad_y = (x1 - x0) * 0.08, (y1 - y0) * 0.1
    x0, x1, y0, y1 = x0 - pad_x, x1 + pad_x, y0 - pad_y, y1 + pad_y
    width, height = x1 - x0, y1 - y0
    if width / height < ASPECT:
        grow = height * ASPECT - width
        x0, width = x0 - grow / 2, width + grow
    else:
        grow = width / ASPECT - height
        y0, height = y0 - grow / 2, height + grow
    width, height = min(width, WIDTH), min(height, float(HEIGHT))
    x0 = min(max(x0, 0.0), WIDTH - width)
    y0 = min(max(y0, 0.0), HEIGHT - height)
    return x0, y0, width, height


@lru_cache(maxsize=16)
def _country_layer(stroke: str) -> SafeString:
    """The countries' paths, built once per outline width (the region's window has one)."""
    return mark_safe(  # noqa: S308 - every piece built by format_html
        "".join(
            str(
                format_html(
                    '<path d="{}" class="{}" data-country="{}" stroke-width="{}"/>',
                    data,
                    "country member" if code in MEMBERS else "country",
                    code,
                    stroke,
                )
            )
            for code, data in base_map().paths
            if data
        )
    )


def reaches_beyond_region(routes: Sequence[dict[str, Any]]) -> bool:
    """Whether a route touches a country outside the member region's window."""
    world = base_map()
    (x0, y0), (x1, y1) = HOME_WINDOW
    for a, b, _kg in route_legs(routes):
        for code in (a, b):
            point = world.anchors.get(code)
            if point and not (x0 <= point[0] <= x1 and y0 <= point[1] <= y1):
                return True
    return False


def route_map(
    routes: Sequence[dict[str, Any]], *, title: str, chart_id: str = "route-map", whole_routes: bool = False
) -> SafeString:
    """The member region with an arrow per leg of the given routes; a leg from further away enters
    from the edge. With whole_routes the window widens to take in every route's ends."""
    world = base_map()
    legs = [leg for leg in route_legs(routes) if leg[0] in world.anchors and leg[1] in world.anchors]
    heaviest = max((kg for _a, _b, kg in legs), default=Decimal(0))
    involved = sorted({code for a, b, _kg in legs for code in (a, b)})
    x, y, width, height = window(world.anchors[code] for code in (involved if whole_routes else []))
    zoom = width / WIDTH  # sizes below are in screen-like units of the whole-world drawing
    parts: list[SafeString] = [
        format_html(
            '<svg viewBox="{}" role="img" aria-labelledby="{}-title" class="{}" '
            'xmlns="http://www.w3.org/2000/svg"><title id="{}-title">{}</title>'
            '<defs><marker id="{}-arrow" viewBox="0 0 10 10" refX="7" refY="5" markerUnits="userSpaceOnUse" '
            'markerWidth="{}" markerHeight="{}" orient="auto"><path d="M0,0L10,5L0,10z" class="route-arrow-head"/>'
            "</marker></defs>",
            f"{x:.1f} {y:.1f} {width:.1f} {height:.1f}",
            chart_id,
            "route-map route-map-world" if whole_routes else "route-map route-map-region",
            chart_id,
            title,
            chart_id,
            f"{14 * zoom:.2f}",
            f"{14 * zoom:.2f}",
        )
    ]
    parts.append(_country_layer(f"{0.6 * zoom:.2f}"))
    for a, b, kg in legs:
        (x0, y0), (x1, y1) = world.anchors[a], world.anchors[b]
        # A gentle curve to the left of the direction of travel, so A → B and B → A don't overlap.
        mx, my = (x0 + x1) / 2, (y0 + y1) / 2
        dx, dy = x1 - x0, y1 - y0
        bend = 0.18
        cx, cy = mx - dy * bend, my + dx * bend
        stroke = (1.5 + 7.0 * math.sqrt(float(kg / heaviest)) if heaviest else 1.5) * zoom
        parts.append(
            format_html(
                '<path d="{}" class="route" stroke-width="{}" '
                'marker-end="url(#{}-arrow)" data-from="{}" data-to="{}"><title>{} → {}: {} kg</title></path>',
                f"M{x0:.1f},{y0:.1f}Q{cx:.1f},{cy:.1f} {x1:.1f},{y1:.1f}",
                f"{stroke:.2f}",
                chart_id,
                a,
                b,
                a,
                b,
                _fmt(kg),
            )
        )
    for code in involved:
        px, py = world.anchors[code]
        parts.append(
            format_html(
                '<circle cx="{}" cy="{}" r="{}" class="route-stop"/>', f"{px:.1f}", f"{py:.1f}", f"{3 * zoom:.2f}"
            )
        )
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="{}" class="route-label">{}</text>',
                f"{px + 4 * zoom:.1f}",
                f"{py - 4 * zoom:.1f}",
                f"{13 * zoom:.2f}",
                code,
            )
        )
    parts.append(mark_safe("</svg>"))  # noqa: S308 - a literal closing tag
    return mark_safe("".join(str(part) for part in parts))  # noqa: S308 - every piece built by format_html
