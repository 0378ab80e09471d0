"""Manifests for the demo and the benchmark: advance cargo and passenger lines of an agency
with planted risk patterns and examination results, at a realistic base rate (≈ 0.5 % of
examined lines find drugs).

The planted patterns (what a model should learn and an analyst would write as rules):
- routes out of the Golden Triangle through a transit hub (MM→TH→KR, LA→TH→KR, KH→VN→KR);
- goods that hide drugs well (tea, dried fruit, machine parts, speakers, candles: HS 09, 08,
  84, 85, 34);
- consignees first seen within the last 30 days (fresh front companies);
- for passengers, short trips on the same routes by young travellers.
Found lines are drawn from a logistic model of these (`risk_logit`), so the lift a learned
model reaches on the held-out later lines is real, not written in. Deterministic for a seed.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from cases.demo.profiles import IDENTIFIER_DRAWERS, Route
from cases.seizures.validators import normalize_identifier
from cases.targeting.models import ExamResult, LineStatus, ManifestIdentifier, ManifestLine, ModelVersion
from cases.targeting.services import manifest_ingest, rule_create
from cases.targeting.training import train_version
from crackdown.models import Counter
from members.models import Agency, Role, User

RISKY_ROUTES = (("MM", ("TH",)), ("LA", ("TH",)), ("KH", ("VN",)))
ORDINARY_ROUTES = (
    ("CN", ()), ("CN", ()), ("CN", ()), ("JP", ()), ("US", ()), ("VN", ()), ("TH", ()), ("MY", ()),
    ("SG", ()), ("ID", ()), ("DE", ()), ("AU", ()), ("PH", ()), ("IN", ("SG",)), ("TH", ("SG",)),
)  # fmt: skip
ORDINARY_GOODS = (
    ("8471", "Laptop computers"), ("6109", "Cotton T-shirts"), ("3923", "Plastic containers"),
    ("9403", "Wooden furniture"), ("8708", "Automobile parts"), ("2203", "Beer in bottles"),
    ("7308", "Steel structures"), ("3004", "Packaged medicines"), ("4011", "Rubber tyres"),
    ("6403", "Leather footwear"), ("8516", "Electric kettles"), ("1006", "Milled rice"),
)  # fmt: skip
CONCEALMENT_GOODS = (
    ("0902", "Green tea in bags"), ("0813", "Dried fruit mix"), ("8483", "Machine parts, bearings"),
    ("8518", "Loudspeakers"), ("3406", "Scented candles"), ("0901", "Roasted coffee beans"),
)  # fmt: skip
PLACES = {"CN": "CNSHA", "JP": "JPTYO", "US": "USLAX", "VN": "VNSGN", "TH": "THLCH", "MY": "MYPKG", "SG": "SGSIN",
          "ID": "IDTPP", "DE": "DEHAM", "AU": "AUSYD", "PH": "PHMNL", "IN": "INNSA", "MM": "MMRGN", "LA": "LAVTE",
          "KH": "KHPNH", "KR": "KRPUS"}  # fmt: skip
FIRST = (
    "Golden",
    "Mekong",
    "Pacific",
    "Royal",
    "Silver",
    "Bright",
    "Lotus",
    "Eastern",
    "Grand",
    "Star",
    "Jade",
    "Delta",
)
SECOND = ("Trading", "Logistics", "Import", "Foods", "Industrial", "Supply", "Commerce", "Distribution", "Partners")
BASE_LOGIT = -6.95


def company(rng: random.Random, n: int) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(SECOND)} {n} Co., Ltd."


def risk_logit(*, risky_route: bool, concealment: bool, new_consignee: bool, passenger: bool, young: bool) -> float:
    """The planted log-odds that an examination of the line finds drugs."""
    logit = BASE_LOGIT + 3.4 * risky_route + 1.8 * concealment + 2.0 * new_consignee
    if passenger:
        logit += 1.2 * young
    return logit


class ManifestMaker:
    """Draws lines (API shape plus their hidden label) for one destination country."""

    def __init__(self, *, seed: int, destination: str = "KR", companies: int = 400, prefix: str = "") -> None:
        self.rng = random.Random(seed)
        self.prefix = prefix
        self.destination = destination
        self.established = [company(self.rng, i) for i in range(companies)]
        self.fresh_serial = 100000
        self.serial = 0

    def line(self, *, eta: dt.datetime, passenger_share: float = 0.2) -> tuple[dict[str, Any], bool]:
        rng = self.rng
        self.serial += 1
        risky_route = rng.random() < 0.06
        origin, transits = rng.choice(RISKY_ROUTES) if risky_route else rng.choice(ORDINARY_ROUTES)
        route = Route(origin, transits, self.destination, (), ())
        if rng.random() < passenger_share:
            young = rng.random() < 0.3
            birth_year = eta.year - (rng.randint(19, 24) if young else rng.randint(25, 70))
            flight, _n = IDENTIFIER_DRAWERS["flight"](rng, route)
            passport, _p = IDENTIFIER_DRAWERS["passport"](rng, route)
            line = {
                "kind": "passenger",
                "reference": f"{self.prefix}PNR{self.serial:09d}",
                "eta": eta.isoformat(),
                "transport_mode": "air_passenger",
                "origin_country": origin,
                "transit_countries": list(transits),
                "destination_country": self.destination,
                "loading_place": PLACES.get(origin, ""),
                "discharge_place": "KRICN",
                "traveller": {
                    "nationality": rng.choice((origin, origin, "KR", "CN")),
                    "birth_year": birth_year,
                    "sex": rng.choice("mf"),
                },
                "identifiers": [{"kind": "flight", "value": flight}, {"kind": "passport", "value": passport}],
            }
            logit = risk_logit(
                risky_route=risky_route, concealment=False, new_consignee=False, passenger=True, young=young
            )
            return line, rng.random() < 1 / (1 + math.exp(-logit))
        concealment = rng.random() < 0.1
        hs, goods = rng.choice(CONCEALMENT_GOODS) if concealment else rng.choice(ORDINARY_GOODS)
        new_consignee = rng.random() < 0.08
        if new_consignee:
            self.fresh_serial += 1
            consignee = company(rng, self.fresh_serial)
        else:
            consignee = rng.choice(self.established)
        sea = rng.random() < 0.7
        identifiers = []
        for kind in ("container", "bill_of_lading") if sea else ("air_waybill",):
            value, _norm = IDENTIFIER_DRAWERS[kind](rng, route)
            identifiers.append({"kind": kind, "value": value})
        line = {
            "kind": "cargo",
            "reference": f"{self.prefix}DEC{self.serial:09d}",
            "eta": eta.isoformat(),
            "transport_mode": "sea_container" if sea else "air_cargo",
            "origin_country": origin,
            "transit_countries": list(transits),
            "destination_country": self.destination,
            "loading_place": PLACES.get(origin, ""),
            "discharge_place": "KRPUS" if sea else "KRICN",
            "hs_code": hs,
            "goods_description": goods,
            "gross_weight_kg": str(round(math.exp(rng.gauss(7.5, 1.2)), 1)),
            "shipper": rng.choice(self.established),
            "consignee": consignee,
            "identifiers": identifiers,
        }
        logit = risk_logit(
            risky_route=risky_route, concealment=concealment, new_consignee=new_consignee, passenger=False, young=False
        )
        return line, rng.random() < 1 / (1 + math.exp(-logit))

    def history(self, *, count: int, days: int, end: dt.datetime) -> Iterator[tuple[dict[str, Any], bool]]:
        """`count` lines with ETAs spread evenly over `days` days before `end`, oldest first."""
        step = dt.timedelta(days=days) / max(1, count)
        start = end - dt.timedelta(days=days)
        for i in range(count):
            yield self.line(eta=start + step * i)


def write_examined(
    *, agency: Agency, rows: list[tuple[dict[str, Any], bool]], examined: float = 1.0, seed: int = 0
) -> int:
    """Store past lines directly (no scoring: they arrived before the model) with examination
    results for the `examined` share of them. Returns the number written."""
    rng = random.Random(seed)
    now = timezone.now()
    lines, identifiers = [], []
    for data, found in rows:
        traveller = data.get("traveller") or {}
        is_examined = rng.random() < examined
        line = ManifestLine(
            agency=agency,
            kind=data["kind"],
            reference=data["reference"],
            eta=dt.datetime.fromisoformat(data["eta"]),
            transport_mode=data["transport_mode"],
            origin_country=data["origin_country"],
            transit_countries=data["transit_countries"],
            destination_country=data["destination_country"],
            loading_place=data.get("loading_place", ""),
            discharge_place=data.get("discharge_place", ""),
            hs_code=data.get("hs_code", ""),
            goods_description=data.get("goods_description", ""),
            gross_weight_kg=Decimal(data["gross_weight_kg"]) if data.get("gross_weight_kg") else None,
            shipper=data.get("shipper", ""),
            consignee=data.get("consignee", ""),
            shipper_normalized=normalize_identifier("company", data["shipper"]) if data.get("shipper") else "",
            consignee_normalized=normalize_identifier("company", data["consignee"]) if data.get("consignee") else "",
            traveller_nationality=traveller.get("nationality", ""),
            traveller_birth_year=traveller.get("birth_year"),
            traveller_sex=traveller.get("sex", ""),
            status=LineStatus.EXAMINED if is_examined else LineStatus.CLEARED,
            result=(ExamResult.FOUND if found else ExamResult.NOTHING) if is_examined else "",
            examined_at=now if is_examined else None,
        )
        lines.append(line)
        identifiers.append(data.get("identifiers") or [])
    with transaction.atomic():
        ManifestLine.objects.bulk_create(lines, batch_size=2000)
        ManifestIdentifier.objects.bulk_create(
            [
                ManifestIdentifier(
                    line=line, kind=i["kind"], value=i["value"], normalized=normalize_identifier(i["kind"], i["value"])
                )
                for line, idents in zip(lines, identifiers, strict=True)
                for i in idents
            ],
            batch_size=5000,
        )
    return len(lines)


DEMO_MARKER = "demo:manifests"
DEMO_SEED = 20261202
DEMO_HISTORY = 12000
DEMO_UPCOMING = 300
DEMO_RULES = (
    ("Golden Triangle through Thailand", {"op": "route_contains", "value": ["MM", "TH"]}, 35),
    (
        "Tea or coffee from a new consignee",
        {
            "all": [
                {"field": "hs_code", "op": "in", "value": ["0901", "0902"]},
                {"op": "first_seen_within", "party": "consignee", "days": 30},
            ]
        },
        30,
    ),
    (
        "Established Japanese machinery",
        {
            "all": [
                {"field": "origin_country", "op": "equals", "value": "JP"},
                {"field": "hs_code", "op": "prefix", "value": "84"},
            ]
        },
        -10,
    ),
)  # fmt: skip


def seed_manifests() -> int:
    """The Korea Customs Service's demo targeting: a year of examined lines, a trained model,
    three rules and the next days' arrivals scored through the service. Once (a marker counter)."""
    kcs = Agency.objects.filter(code="KCS").first()
    officer = User.objects.filter(agency=kcs, role=Role.OFFICER, is_active=True).order_by("id").first()
    coordinator = User.objects.filter(agency=kcs, role=Role.COORDINATOR, is_active=True).order_by("id").first()
    if kcs is None or officer is None or coordinator is None:
        return 0
    with transaction.atomic():
        if Counter.objects.filter(name=DEMO_MARKER).exists():
            return 0
        Counter.objects.create(name=DEMO_MARKER, value=1)
        maker = ManifestMaker(seed=DEMO_SEED)
        now = timezone.now()
        written = write_examined(
            agency=kcs,
            rows=list(maker.history(count=DEMO_HISTORY, days=365, end=now - dt.timedelta(days=1))),
            examined=0.6,
        )
        version = ModelVersion.objects.create(agency=kcs, version=1, seed=DEMO_SEED % 1000)
    train_version(version.pk)
    for name, condition, points in DEMO_RULES:
        rule_create(data={"name": name, "condition": condition, "points": points}, by=coordinator)
    upcoming = [maker.line(eta=now + dt.timedelta(hours=2 + i * 0.25))[0] for i in range(DEMO_UPCOMING)]
    result = manifest_ingest(lines=upcoming, by=officer)
    return written + result["created"]
