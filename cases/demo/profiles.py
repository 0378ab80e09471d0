"""What realistic seizures of the region look like, for the data generator: routes, conveyance
identifiers that pass the validators, weights and descriptions by drug and transport mode."""

from __future__ import annotations

import random
from dataclasses import dataclass

import phonenumbers
from stdnum import iso6346

from cases.seizures.validators import normalize_identifier

ASEAN = ("BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN")


@dataclass(frozen=True)
class Route:
    origin: str
    transits: tuple[str, ...]
    destination: str
    modes: tuple[str, ...]
    drugs: tuple[str, ...]

    @property
    def countries(self) -> tuple[str, ...]:
        return (self.origin, *self.transits, self.destination)


ROUTES = (
    Route("MM", ("TH",), "MY", ("land_vehicle", "rail"), ("methamphetamine", "heroin", "ketamine")),
    Route("MM", ("TH",), "KR", ("sea_container", "air_cargo"), ("methamphetamine", "ketamine")),
    Route("TH", (), "KR", ("air_passenger", "express_courier", "postal"), ("methamphetamine", "cannabis", "ketamine")),
    Route("LA", ("TH",), "KR", ("air_cargo", "air_passenger", "express_courier"), ("methamphetamine", "heroin")),
    Route("LA", (), "TH", ("land_vehicle", "pedestrian"), ("methamphetamine", "heroin", "opium")),
    Route("MM", ("LA",), "VN", ("land_vehicle",), ("methamphetamine", "heroin", "ketamine")),
    Route("VN", (), "KH", ("land_vehicle", "pedestrian"), ("methamphetamine", "heroin", "ketamine")),
    Route("KH", ("VN",), "KR", ("postal", "express_courier", "air_passenger"), ("methamphetamine", "ketamine")),
    Route("MY", (), "SG", ("land_vehicle", "pedestrian"), ("cannabis", "methamphetamine", "nps")),
    Route("MY", (), "BN", ("land_vehicle",), ("methamphetamine", "cannabis")),
    Route("ID", (), "MY", ("sea_vessel",), ("methamphetamine", "cannabis")),
    Route("MY", (), "ID", ("sea_vessel", "air_passenger"), ("methamphetamine", "mdma")),
    Route("TH", ("MY",), "ID", ("sea_container", "sea_vessel"), ("methamphetamine", "ketamine")),
    Route("PH", (), "KR", ("express_courier", "air_passenger"), ("methamphetamine",)),
    Route("CN", (), "PH", ("sea_vessel", "sea_container"), ("methamphetamine", "precursor")),
    Route("MX", ("US",), "KR", ("express_courier", "air_cargo"), ("cocaine", "methamphetamine")),
    Route("CA", (), "KR", ("postal", "express_courier"), ("cannabis", "nps")),
    Route("NL", (), "KR", ("postal", "air_passenger"), ("mdma", "cocaine")),
    Route("KH", (), "TH", ("land_vehicle",), ("precursor", "methamphetamine")),
    Route("VN", (), "KR", ("air_passenger", "express_courier"), ("methamphetamine", "ketamine")),
    Route("SG", (), "KR", ("air_passenger",), ("nps", "ketamine")),
)

DETECTION = {
    "air_passenger": ("xray", "detector_dog", "risk_profiling", "physical_search", "intelligence"),
    "air_cargo": ("xray", "risk_profiling", "document_check", "intelligence"),
    "express_courier": ("xray", "risk_profiling", "detector_dog"),
    "postal": ("xray", "detector_dog", "risk_profiling", "random"),
    "sea_container": ("xray", "risk_profiling", "intelligence", "document_check"),
    "sea_vessel": ("intelligence", "physical_search", "detector_dog"),
    "land_vehicle": ("physical_search", "detector_dog", "xray", "random", "intelligence"),
    "rail": ("physical_search", "detector_dog", "random"),
    "pedestrian": ("physical_search", "detector_dog", "random"),
}
CONCEALMENT = {
    "air_passenger": ("False-bottom suitcase", "Body packing", "Inside shoe soles", "Coffee packets in luggage"),
    "air_cargo": ("Inside machine parts", "Tea packaging", "Hollowed furniture"),
    "express_courier": ("Inside a speaker box", "Cosmetics bottles", "Toy parcel", "Vacuum-sealed in clothing"),
    "postal": ("Greeting cards", "Vitamin bottles", "Book spine", "Tea packaging"),
    "sea_container": ("Inside machine parts", "Frozen fish cargo", "Tea packaging", "Hidden in rice sacks"),
    "sea_vessel": ("Hidden compartment in hull", "Fishing boat hold"),
    "land_vehicle": ("Spare tyre", "Fuel tank", "Under the floor panel", "Among fruit cargo"),
    "rail": ("Luggage rack", "Under seats"),
    "pedestrian": ("Backpack", "Strapped to the body"),
}
LOCATIONS = {
    "KR": ("Incheon International Airport", "Busan New Port", "Incheon Port", "Gimhae Airport", "Pyeongtaek Port"),
    "TH": ("Suvarnabhumi Airport", "Laem Chabang Port", "Chiang Saen", "Mae Sai checkpoint", "Sadao checkpoint"),
    "MY": ("Bukit Kayu Hitam", "Port Klang", "KLIA", "Johor Bahru CIQ"),
    "SG": ("Woodlands Checkpoint", "Changi Airport", "Tuas Checkpoint"),
    "BN": ("Kuala Lurah", "Brunei International Airport", "Muara Port"),
    "KH": ("Phnom Penh Airport", "Bavet", "Sihanoukville Port"),
    "ID": ("Soekarno-Hatta Airport", "Tanjung Priok", "Batam", "Dumai"),
    "LA": ("Wattay Airport", "Friendship Bridge I", "Boten"),
    "MM": ("Yangon Port", "Tachileik", "Muse"),
    "PH": ("NAIA", "Manila International Container Port", "Subic Bay"),
    "VN": ("Tan Son Nhat Airport", "Noi Bai Airport", "Moc Bai", "Cat Lai Port"),
}
CONTAINER_OWNERS = ("MSKU", "MSCU", "CMAU", "HLXU", "OOLU", "EGLU", "TGHU", "HDMU", "SEGU", "TCNU")
AIRLINES = ("KE", "OZ", "TG", "VN", "MH", "SQ", "PR", "GA", "7C", "LJ", "QH", "FD", "VJ", "BR", "CX", "AK")
AWB_PREFIXES = ("180", "988", "217", "618", "738", "232", "079", "126", "160", "297")
MOBILE = {
    "TH": ("+668", 8),
    "KR": ("+8210", 8),
    "VN": ("+849", 8),
    "MY": ("+601", 8),
    "SG": ("+659", 7),
    "PH": ("+639", 9),
    "ID": ("+628", 10),
    "KH": ("+8551", 7),
    "CN": ("+86138", 8),
}
COMPANIES = (
    "Golden Lotus Trading Co., Ltd.",
    "Mekong Star Logistics",
    "PT Samudra Jaya Tbk",
    "Sinar Harapan Sdn. Bhd.",
    "Han River Import Export Co., Ltd",
    "Pacific Bright Freight Pte. Ltd.",
    "Saigon Green Agro JSC",
    "Manila Bay Consolidators Inc.",
    "Lanna Herbal Products Limited",
    "Blue Ocean Seafood Corp.",
)
COMPANY_NORMALIZED = {name: normalize_identifier("company", name) for name in COMPANIES}
PARCEL_ORIGINS = ("TH", "KH", "VN", "CA", "NL", "US", "PH", "SG", "MY")


# Identifier drawers return (as typed, normalised); the normalised form is what
# validators.normalize_identifier gives (pinned by a test), computed directly for speed.
def _container(rng: random.Random, route: Route) -> tuple[str, str]:
    body = rng.choice(CONTAINER_OWNERS) + f"{rng.randrange(10**6):06d}"
    number = body + iso6346.calc_check_digit(body)
    return f"{number[:4]} {number[4:10]}-{number[10]}", number


def _bill_of_lading(rng: random.Random, route: Route) -> tuple[str, str]:
    number = f"{rng.choice(('HDMU', 'MAEU', 'ONEY', 'COSU'))}{rng.randrange(10**8, 10**9)}"
    return number, number


def _air_waybill(rng: random.Random, route: Route) -> tuple[str, str]:
    prefix, serial = rng.choice(AWB_PREFIXES), rng.randrange(10**7)
    return f"{prefix}-{serial:07d}{serial % 7}", f"{prefix}{serial:07d}{serial % 7}"


def _flight(rng: random.Random, route: Route) -> tuple[str, str]:
    airline, number = rng.choice(AIRLINES), rng.randrange(1, 999)
    return f"{airline}{number:03d}", f"{airline}{number}"


def _imo(rng: random.Random, route: Route) -> tuple[str, str]:
    digits = [9, *(rng.randrange(10) for _ in range(5))]
    check = sum(d * (7 - i) for i, d in enumerate(digits)) % 10
    number = "".join(map(str, digits)) + str(check)
    return "IMO " + number, number


def _phone_pool(country: str, size: int = 400) -> list[str]:
    """Valid mobile numbers of a country (checked once with phonenumbers, then reused)."""
    prefix, length = MOBILE[country]
    rng = random.Random(country)
    pool: list[str] = []
    while len(pool) < size:
        number = prefix + str(rng.randrange(10 ** (length - 1), 10**length))
        if phonenumbers.is_valid_number(phonenumbers.parse(number)):
            pool.append(number)
    return pool


PHONE_POOLS: dict[str, list[str]] = {}


def _phone(rng: random.Random, route: Route) -> tuple[str, str]:
    countries = [c for c in route.countries if c in MOBILE] or ["TH"]
    country = rng.choice(countries)
    if country not in PHONE_POOLS:
        PHONE_POOLS[country] = _phone_pool(country)
    number = rng.choice(PHONE_POOLS[country])
    return number, number


def _plate(rng: random.Random, route: Route) -> tuple[str, str]:
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
    first, second, digits = rng.choice(letters), rng.choice(letters), rng.randrange(1000, 9999)
    return f"{first}{second} {digits}", f"{first}{second}{digits}"


def _parcel(rng: random.Random, route: Route) -> tuple[str, str]:
    number = f"E{rng.choice('ABCEHLMRV')}{rng.randrange(10**8, 10**9)}{rng.choice(PARCEL_ORIGINS)}"
    return number, number


def _passport(rng: random.Random, route: Route) -> tuple[str, str]:
    number = rng.choice("MNPSKTE") + f"{rng.randrange(10**7, 10**8)}"
    return number, number


def _company(rng: random.Random, route: Route) -> tuple[str, str]:
    name = rng.choice(COMPANIES)
    return name, COMPANY_NORMALIZED[name]


IDENTIFIER_DRAWERS = {
    "container": _container,
    "bill_of_lading": _bill_of_lading,
    "air_waybill": _air_waybill,
    "flight": _flight,
    "vessel_imo": _imo,
    "vehicle_plate": _plate,
    "parcel_tracking": _parcel,
    "passport": _passport,
    "phone": _phone,
    "company": _company,
}


IDENTIFIER_KINDS_BY_MODE = {
    "air_passenger": ("flight", "passport", "phone"),
    "air_cargo": ("air_waybill", "flight", "company"),
    "express_courier": ("parcel_tracking", "phone", "company"),
    "postal": ("parcel_tracking", "phone"),
    "sea_container": ("container", "bill_of_lading", "company"),
    "sea_vessel": ("vessel_imo", "phone"),
    "land_vehicle": ("vehicle_plate", "passport", "phone"),
    "rail": ("passport", "phone"),
    "pedestrian": ("passport", "phone"),
}
PERSON_ROLES_BY_MODE = {
    "air_passenger": ("courier",),
    "air_cargo": ("consignee", "shipper"),
    "express_courier": ("recipient", "sender"),
    "postal": ("recipient", "sender"),
    "sea_container": ("consignee", "shipper"),
    "sea_vessel": ("courier", "other"),
    "land_vehicle": ("courier",),
    "rail": ("courier",),
    "pedestrian": ("courier",),
}
# Typical quantity of one item in kg by transport mode (low, high).
KG_RANGE = {
    "air_passenger": (0.3, 8),
    "air_cargo": (2, 80),
    "express_courier": (0.05, 4),
    "postal": (0.02, 2),
    "sea_container": (30, 1200),
    "sea_vessel": (50, 900),
    "land_vehicle": (5, 400),
    "rail": (1, 40),
    "pedestrian": (0.2, 10),
}
DESCRIPTIONS = {
    "methamphetamine": ("Crystal methamphetamine (ice)", "Methamphetamine tablets (yaba)", "Crystalline powder"),
    "heroin": ("Heroin No. 4, blocks", "Heroin powder"),
    "cocaine": ("Cocaine hydrochloride, bricks", "Cocaine powder"),
    "cannabis": ("Dried cannabis flower", "Cannabis resin", "Cannabis gummies"),
    "ketamine": ("Ketamine crystals", "Ketamine powder"),
    "mdma": ("Ecstasy tablets", "MDMA crystals"),
    "opium": ("Raw opium",),
    "nps": ("Synthetic cannabinoid liquid", "Etomidate e-liquid"),
    "precursor": ("Pseudoephedrine", "Propionyl chloride drums", "Sodium cyanide"),
    "other": ("Unidentified powder",),
}
