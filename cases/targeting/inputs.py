"""A manifest line as it comes in (API JSON or a CSV row): checked field by field with the
seizures' own validators and normalisers (cases.seizures.validators), so that a container,
an air waybill or a company name means here exactly what it means on a seizure."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from cases.choices import IdentifierKind, Sex, TransportMode
from cases.seizures import validators as v
from cases.targeting.models import LineKind

MAX_LINES = 5000
MAX_IDENTIFIERS = 50
MAX_WEIGHT = Decimal("100000000")
_HS = re.compile(r"^\d{2,10}$")
TEXT_LIMITS = {"loading_place": 100, "discharge_place": 100, "goods_description": 300, "shipper": 200, "consignee": 200}

Errors = dict[str, Any]


def clean_line(raw: Any) -> tuple[dict[str, Any], list[tuple[str, str, str]], Errors]:
    """(the line's model fields, its identifiers as (kind, value, normalized), errors by field)."""
    if not isinstance(raw, dict):
        return {}, [], {"non_field_errors": [_("Expected an object.")]}
    errors: Errors = {}
    data: dict[str, Any] = {}

    def check(name: str, clean) -> None:
        try:
            data[name] = clean(raw.get(name))
        except ValidationError as exc:
            errors[name] = exc.messages

    check("kind", lambda x: _choice(x, LineKind.values))
    check("reference", _reference)
    check("eta", _eta)
    check("transport_mode", lambda x: _choice(x, TransportMode.values))
    check("origin_country", _country)
    check("destination_country", _country)
    check("transit_countries", _transits)
    for name, limit in TEXT_LIMITS.items():
        check(name, lambda x, limit=limit: _text(x, limit))
    check("hs_code", _hs_code)
    check("gross_weight_kg", _weight)
    for party in ("shipper", "consignee"):
        name = data.get(party) or ""
        data[f"{party}_normalized"] = ""
        if name:
            try:
                data[f"{party}_normalized"] = v.normalize_identifier(IdentifierKind.COMPANY, name)
            except ValidationError as exc:
                errors[party] = exc.messages
    traveller = raw.get("traveller")
    data.update(traveller_nationality="", traveller_birth_year=None, traveller_sex="")
    if traveller not in (None, {}):
        if not isinstance(traveller, dict):
            errors["traveller"] = [_("Expected an object with nationality, birth_year and sex.")]
        else:
            bad: Errors = {}
            try:
                nationality = traveller.get("nationality")
                data["traveller_nationality"] = _country(nationality) if nationality else ""
            except ValidationError as exc:
                bad["nationality"] = exc.messages
            try:
                year = traveller.get("birth_year")
                v.validate_birth_year(year)
                data["traveller_birth_year"] = int(str(year)) if year not in (None, "") else None
            except ValidationError as exc:
                bad["birth_year"] = exc.messages
            sex = traveller.get("sex") or ""
            if sex and sex not in Sex.values:
                bad["sex"] = [_("Use one of %(values)s.") % {"values": ", ".join(Sex.values)}]
            else:
                data["traveller_sex"] = sex
            if bad:
                errors["traveller"] = bad
    identifiers, identifier_errors = _identifiers(raw.get("identifiers", []))
    if identifier_errors:
        errors["identifiers"] = identifier_errors
    return data, identifiers, errors


def _choice(value: Any, values: list[str]) -> str:
    if value in (None, ""):
        raise ValidationError(_("This field is required."))
    if value not in values:
        raise ValidationError(
            _("“%(value)s” is not a valid choice; use one of %(values)s.")
            % {"value": value, "values": ", ".join(values)}
        )
    return value


def _reference(value: Any) -> str:
    text = str(value).strip() if isinstance(value, str | int) else ""
    if not text:
        raise ValidationError(_("This field is required."))
    if len(text) > 40:
        raise ValidationError(_("At most 40 characters."))
    return text


def _eta(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        parsed: dt.datetime | None = value
    elif isinstance(value, str):
        try:
            parsed = parse_datetime(value.strip())
        except ValueError:
            parsed = None
    else:
        parsed = None
    if parsed is None:
        raise ValidationError(_("Enter a date and time in ISO 8601 form, e.g. 2026-12-03T14:00:00+09:00."))
    if timezone.is_naive(parsed):
        raise ValidationError(_("Give the date and time with its time zone offset."))
    if not dt.datetime(2000, 1, 1, tzinfo=dt.UTC) <= parsed <= timezone.now() + dt.timedelta(days=366):
        raise ValidationError(_("The ETA must lie between 2000 and a year from now."))
    return parsed


def _country(value: Any) -> str:
    if value in (None, ""):
        raise ValidationError(_("This field is required."))
    if not isinstance(value, str):
        raise ValidationError(_("Enter a country code."))
    return v.country_code(value)


def _transits(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [code for code in re.split(r"[\s,;>]+", value) if code]
    v.validate_transits(value)
    return [code.strip().upper() for code in value]


def _text(value: Any, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(_("Enter a text."))
    text = value.strip()
    if "\x00" in text:
        raise ValidationError(_("Null characters are not allowed."))
    if len(text) > limit:
        raise ValidationError(_("At most %(n)s characters.") % {"n": limit})
    return text


def _hs_code(value: Any) -> str:
    if value in (None, ""):
        return ""
    text = re.sub(r"[.\s]", "", str(value))
    if not _HS.match(text):
        raise ValidationError(_("Enter an HS code of 2 to 10 digits, e.g. 0902.30."))
    return text


def _weight(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        weight = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(_("Enter a number.")) from None
    if not weight.is_finite() or weight <= 0 or weight > MAX_WEIGHT:
        raise ValidationError(_("Enter a weight above 0 and at most 100,000,000 kg."))
    return weight.quantize(Decimal("0.001"))


def _identifiers(value: Any) -> tuple[list[tuple[str, str, str]], list[Errors] | list[str]]:
    if not isinstance(value, list):
        return [], [_('Expected a list of {"kind", "value"} objects.')]
    if len(value) > MAX_IDENTIFIERS:
        return [], [_("At most %(n)s identifiers.") % {"n": MAX_IDENTIFIERS}]
    out, errors, bad = [], [], False
    for item in value:
        if not isinstance(item, dict):
            errors.append({"non_field_errors": [_("Expected an object.")]})
            bad = True
            continue
        kind, raw = item.get("kind"), item.get("value")
        if kind not in IdentifierKind.values:
            errors.append({"kind": [_("Unknown identifier kind.")]})
            bad = True
            continue
        if not isinstance(raw, str):
            errors.append({"value": [_("Enter a text.")]})
            bad = True
            continue
        try:
            out.append((kind, raw.strip(), v.normalize_identifier(kind, raw)))
            errors.append({})
        except ValidationError as exc:
            errors.append({"value": exc.messages})
            bad = True
    return out, (errors if bad else [])
