"""The seizure's field rules, as the models declare them (cases.seizures.models).

Each function is pure: it takes a raw value and raises django.core.exceptions.ValidationError
with one message that says what is wrong; the normalisers return the clean (normalised) value.
The `validate_*` functions are the fields' validators and return nothing, as Django's
validators do (the models' `clean()` writes the stored form). The caller decides which field
the message belongs to.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries
from stdnum import imo, iso6346
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as StdnumError

from cases.choices import Drug, IdentifierKind, Unit

EARLIEST_OCCURRENCE = dt.datetime(1990, 1, 1, tzinfo=dt.UTC)
# Clocks of officers' devices drift; a seizure logged "now" must not be refused as future.
CLOCK_SKEW = dt.timedelta(minutes=5)
MAX_TRANSITS = 10
THREE_PLACES = Decimal("0.001")
# A person's birth year as the database keeps it (validate_birth_year narrows it to a lifetime).
BIRTH_YEAR_RANGE = (1900, 2100)

# Mass of one unit in kilograms; units without a mass (tablets, volumes) weigh nothing here.
UNIT_TO_KG: dict[str, Decimal | None] = {
    Unit.KG: Decimal("1"),
    Unit.G: Decimal("0.001"),
    Unit.TABLET: None,
    Unit.L: None,
    Unit.ML: None,
}

# Largest quantity one seizure item may plausibly hold, per unit (a typo guard, not a policy).
MAX_QUANTITY: dict[str, Decimal] = {
    Unit.KG: Decimal("100000"),
    Unit.G: Decimal("100000000"),
    Unit.TABLET: Decimal("10000000"),
    Unit.L: Decimal("100000"),
    Unit.ML: Decimal("100000000"),
}

# Legal-form words dropped from company names so that "Golden Star Co., Ltd." and
# "GOLDEN STAR LIMITED" match. Removed at the end (and PT/CV at the start, Indonesian style).
COMPANY_SUFFIXES = frozenset(
    {
        "CO",
        "COMPANY",
        "LTD",
        "LIMITED",
        "INC",
        "INCORPORATED",
        "CORP",
        "CORPORATION",
        "PTE",
        "PVT",
        "SDN",
        "BHD",
        "BERHAD",
        "TBK",
        "JSC",
        "LLC",
        "PLC",
        "PT",
        "CV",
        "GMBH",
        "SA",
        "AG",
        "BV",
        "KK",
        "PCL",
    }
)
COMPANY_PREFIXES = frozenset({"PT", "CV"})

_NON_ALNUM = re.compile(r"[^0-9A-Z]")
_FLIGHT = re.compile(r"^(?:(?P<icao>[A-Z]{3})|(?P<iata>[A-Z0-9]{2}))(?P<number>\d{1,4})(?P<suffix>[A-Z]?)$")
_AWB = re.compile(r"^(\d{3})(\d{8})$")

# Length bounds of the "upper alphanumeric" kinds, to refuse obvious garbage.
_ALNUM_LENGTHS: dict[str, tuple[int, int]] = {
    IdentifierKind.BILL_OF_LADING: (4, 35),
    IdentifierKind.VEHICLE_PLATE: (2, 15),
    IdentifierKind.PARCEL_TRACKING: (8, 40),
    IdentifierKind.PASSPORT: (5, 20),
}


def upper_alnum(value: str) -> str:
    return _NON_ALNUM.sub("", (value or "").upper())


def _container(value: str) -> str:
    number = upper_alnum(value)
    try:
        return iso6346.validate(number)
    except StdnumError as exc:
        if isinstance(exc, InvalidChecksum):
            raise ValidationError(
                _("The container number's check digit is wrong (ISO 6346): expected %(digit)s.")
                % {"digit": iso6346.calc_check_digit(number[:-1])}
            ) from None
        raise ValidationError(
            _("Enter a container number as 4 letters (ending in U, J, Z or R) and 7 digits, e.g. CSQU3054383.")
        ) from None


def _vessel_imo(value: str) -> str:
    try:
        return imo.validate(upper_alnum(value))
    except InvalidChecksum:
        raise ValidationError(_("The IMO number's check digit is wrong.")) from None
    except StdnumError:
        raise ValidationError(_("Enter an IMO number of 7 digits, e.g. IMO 9074729.")) from None


def _air_waybill(value: str) -> str:
    match = _AWB.match(upper_alnum(value))
    if not match:
        raise ValidationError(_("Enter an air waybill as a 3-digit airline prefix and 8 digits, e.g. 176-12345675."))
    prefix, serial = match.groups()
    if int(serial[:7]) % 7 != int(serial[7]):
        raise ValidationError(_("The air waybill's check digit is wrong (the serial's first 7 digits modulo 7)."))
    return prefix + serial


def _flight(value: str) -> str:
    match = _FLIGHT.match(upper_alnum(value))
    if not match or (match.group("iata") and match.group("iata").isdigit()):
        raise ValidationError(
            _("Enter a flight number as an airline code (2 or 3 characters) and 1–4 digits, e.g. KE652.")
        )
    airline = match.group("icao") or match.group("iata")
    return f"{airline}{int(match.group('number'))}{match.group('suffix')}"


def _phone(value: str) -> str:
    raw = (value or "").strip()
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    try:
        number = phonenumbers.parse(raw, None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("Enter a phone number in international format with its country code, e.g. +66812345678.")
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _company(value: str) -> str:
    words = re.sub(r"[^\w]+", " ", (value or "").upper()).replace("_", " ").split()
    while words and words[-1] in COMPANY_SUFFIXES:
        words.pop()
    while words and words[0] in COMPANY_PREFIXES:
        words.pop(0)
    if not words:
        raise ValidationError(_("Enter the company's name."))
    return " ".join(words)


def _alnum(kind: str) -> Callable[[str], str]:
    low, high = _ALNUM_LENGTHS[kind]

    def normalize(value: str) -> str:
        clean = upper_alnum(value)
        if not low <= len(clean) <= high:
            raise ValidationError(_("Enter %(low)s to %(high)s letters or digits.") % {"low": low, "high": high})
        return clean

    return normalize


NORMALIZERS: dict[str, Callable[[str], str]] = {
    IdentifierKind.CONTAINER: _container,
    IdentifierKind.VESSEL_IMO: _vessel_imo,
    IdentifierKind.AIR_WAYBILL: _air_waybill,
    IdentifierKind.FLIGHT: _flight,
    IdentifierKind.PHONE: _phone,
    IdentifierKind.COMPANY: _company,
    IdentifierKind.BILL_OF_LADING: _alnum(IdentifierKind.BILL_OF_LADING),
    IdentifierKind.VEHICLE_PLATE: _alnum(IdentifierKind.VEHICLE_PLATE),
    IdentifierKind.PARCEL_TRACKING: _alnum(IdentifierKind.PARCEL_TRACKING),
    IdentifierKind.PASSPORT: _alnum(IdentifierKind.PASSPORT),
}


def normalize_identifier(kind: str, value: str) -> str:
    """Validate an identifier of the given kind and return its normalised form.

    `csqu 305438-3` → `CSQU3054383`, `IMO 9074729` → `9074729`, `176-12345675` → `17612345675`,
    `KE0652` → `KE652`, `+66 81 234 5678` → `+66812345678`, `Golden Star Co., Ltd.` → `GOLDEN STAR`.
    """
    normalizer = NORMALIZERS.get(kind)
    if normalizer is None:
        raise ValidationError(_("Unknown identifier kind “%(kind)s”.") % {"kind": kind})
    if not (value or "").strip():
        raise ValidationError(_("Enter the identifier."))
    if len(value) > 200:
        raise ValidationError(_("At most 200 characters."))
    return normalizer(value)


def identifier_candidates(value: str) -> set[str]:
    """Every normalised form a searched identifier could have (for the `identifier` filter)."""
    candidates = set()
    for normalizer in NORMALIZERS.values():
        try:
            candidates.add(normalizer(value))
        except ValidationError:
            continue
    fallback = upper_alnum(value)
    if fallback:
        candidates.add(fallback)
    return candidates


@functools.lru_cache(maxsize=512)
def _is_alpha2(code: str) -> bool:
    # django-countries looks a code up through its lists each time (~30 µs); a bulk import
    # asks for the same few codes on every row.
    return countries.alpha2(code) == code


def country_code(code: str) -> str:
    """An ISO 3166-1 alpha-2 code, returned upper-cased."""
    if code is not None and not isinstance(code, str):
        raise ValidationError(_("Enter a country code."))
    clean = (code or "").strip().upper()
    if len(clean) != 2 or not clean.isalpha() or not _is_alpha2(clean):
        raise ValidationError(_("“%(code)s” is not an ISO 3166-1 alpha-2 country code.") % {"code": code})
    return clean


def country_name(code: str) -> str:
    """A country code as its name for a reader (the code where none is known); "" for none."""
    return f"{countries.name(code) or code}" if code else ""


def validate_country(code: str) -> None:
    """An ISO 3166-1 alpha-2 code, in any case."""
    country_code(code)


def validate_unit(unit: str) -> str:
    if unit not in Unit.values:
        raise ValidationError(
            _("“%(unit)s” is not a unit; use one of %(units)s.") % {"unit": unit, "units": ", ".join(Unit.values)}
        )
    return unit


def validate_quantity(quantity, unit: str) -> Decimal:
    """A positive quantity with at most 3 decimals, below a plausible maximum for the unit."""
    try:
        value = quantity if isinstance(quantity, Decimal) else Decimal(str(quantity).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError(_("Enter a number.")) from None
    if not value.is_finite():
        raise ValidationError(_("Enter a number."))
    if value <= 0:
        raise ValidationError(_("The quantity must be greater than zero."))
    if value != value.quantize(THREE_PLACES, rounding=ROUND_HALF_UP):
        raise ValidationError(_("At most 3 decimal places."))
    limit = MAX_QUANTITY.get(unit)
    if limit is not None and value > limit:
        raise ValidationError(
            _("%(quantity)s %(unit)s is not plausible for one item (at most %(limit)s).")
            % {"quantity": value, "unit": unit, "limit": limit}
        )
    return value.quantize(THREE_PLACES)


def item_weight_kg(quantity, unit: str) -> Decimal | None:
    """The item's mass in kg, to the gram; None for units without a mass (tablets, volumes)."""
    factor = UNIT_TO_KG.get(unit)
    if factor is None:
        return None
    return (Decimal(str(quantity)) * factor).quantize(THREE_PLACES, rounding=ROUND_HALF_UP)


# Kilograms per counted or liquid unit, per drug: the conversion UNODC applies to seizures
# reported in units or volumes (docs/statistics.md gives the source of each factor). A drug
# and unit absent here has no documented factor: such an item needs a net weight to count.
ZERO_KG = Decimal("0.000")
TABLET_KG = Decimal("0.0001")  # 100 mg a tablet (UNODC: ATS tablets 90-300 mg; 100 mg the reference)
LITRE_KG = Decimal("1")  # 1 kg a litre (UNODC: volumes converted at 1 kg per litre)
CONVERSION_FACTORS: dict[tuple[str, str], Decimal] = {
    **{(drug, Unit.TABLET.value): TABLET_KG for drug in (Drug.METHAMPHETAMINE.value, Drug.MDMA.value)},
    **{(drug.value, Unit.L.value): LITRE_KG for drug in Drug},
    **{(drug.value, Unit.ML.value): LITRE_KG / 1000 for drug in Drug},
}


def kg_equivalent(
    *, drug: str, quantity, unit: str, weight_kg: Decimal | None, net_weight_kg: Decimal | None
) -> Decimal | None:
    """The item's kilograms as statistics count them: the measured weight, else the weighed net
    mass, else the quantity times the drug's conversion factor for the unit, else None."""
    if weight_kg is not None:
        return weight_kg
    if net_weight_kg is not None:
        return Decimal(str(net_weight_kg)).quantize(THREE_PLACES, rounding=ROUND_HALF_UP)
    factor = CONVERSION_FACTORS.get((drug, unit))
    if factor is None or quantity is None:
        return None
    return (Decimal(str(quantity)) * factor).quantize(THREE_PLACES, rounding=ROUND_HALF_UP)


def tablets(quantity, unit: str) -> Decimal:
    """The tablets an item counts (0 for other units)."""
    return Decimal(str(quantity)) if unit == Unit.TABLET and quantity is not None else Decimal("0")


def total_weight_kg(weights: Iterable[Decimal | None]) -> Decimal | None:
    """Sum of the item weights (kg equivalents); None when no item has one."""
    known = [w for w in weights if w is not None]
    return sum(known, Decimal("0")).quantize(THREE_PLACES) if known else None


def validate_occurred_at(value: object) -> None:
    """A date and time that is not in the future and not before 1990; naive values are refused."""
    if not isinstance(value, dt.datetime):
        raise ValidationError(_("Enter a date and time."))
    if timezone.is_naive(value):
        raise ValidationError(_("Give the date and time with its time zone offset."))
    if value > timezone.now() + CLOCK_SKEW:
        raise ValidationError(_("The seizure cannot be in the future."))
    if value < EARLIEST_OCCURRENCE:
        raise ValidationError(_("The seizure cannot be before 1990."))


def validate_transits(codes: object) -> None:
    """Ordered transit countries: valid codes, each once."""
    if codes is None:
        return
    if isinstance(codes, str) or not isinstance(codes, list | tuple):
        raise ValidationError(_("Give the transit countries as a list of country codes."))
    if len(codes) > MAX_TRANSITS:
        raise ValidationError(_("At most %(n)s transit countries.") % {"n": MAX_TRANSITS})
    clean: list[str] = []
    for code in codes:
        country = country_code(code)
        if country in clean:
            raise ValidationError(_("%(code)s is listed twice as a transit country.") % {"code": country})
        clean.append(country)


def validate_birth_year(year: Any) -> None:
    if year in (None, ""):
        return
    try:
        value = int(year)
    except (TypeError, ValueError):
        raise ValidationError(_("Enter a year.")) from None
    this_year = timezone.now().year
    if not this_year - 110 <= value <= this_year:
        raise ValidationError(
            _("Enter a birth year between %(low)s and %(high)s.") % {"low": this_year - 110, "high": this_year}
        )
