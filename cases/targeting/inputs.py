"""A manifest line as it comes in (API JSON or a CSV row): checked field by field with the
seizures' own validators and normalisers (cases.seizures.validators), so that a container,
an air waybill or a company name means here exactly what it means on a seizure.

A batch is checked by `clean_lines`, which normalises each distinct value once: a batch of
5,000 lines names a few hundred companies, countries and places many times over."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
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

# The choices as tuples, read once (a TextChoices' `.values` builds a new list on every read).
LINE_KINDS = tuple(LineKind.values)
TRANSPORT_MODES = tuple(TransportMode.values)
IDENTIFIER_KINDS = frozenset(IdentifierKind.values)
SEXES = tuple(Sex.values)

Errors = dict[str, Any]
Cleaned = tuple[dict[str, Any], list[tuple[str, str, str]], Errors]


class _Memo:
    """What a batch's values normalise to (or the messages of their error), each computed once."""

    def __init__(self) -> None:
        self.done: dict[tuple[str, Any], tuple[str, list[str]]] = {}

    def get(self, kind: str, value: Any, normalize: Callable[[Any], str]) -> str:
        key = (kind, value)
        found = self.done.get(key)
        if found is None:
            try:
                found = (normalize(value), [])
            except ValidationError as exc:
                found = ("", exc.messages)
            self.done[key] = found
        if found[1]:
            raise ValidationError(found[1])
        return found[0]

    def identifier(self, kind: str, value: str) -> str:
        return self.get(kind, value, lambda x: v.normalize_identifier(kind, x))

    def country(self, value: Any) -> str:
        if value in (None, ""):
            raise ValidationError(_("This field is required."))
        if not isinstance(value, str):
            raise ValidationError(_("Enter a country code."))
        return self.get("country", value, v.country_code)


def clean_lines(raws: list[Any]) -> list[Cleaned]:
    """Each line as `clean_line` gives it, each distinct identifier or country checked once."""
    memo = _Memo()
    return [clean_line(raw, memo=memo) for raw in raws]


def clean_line(raw: Any, *, memo: _Memo | None = None) -> Cleaned:
    """(the line's model fields, its identifiers as (kind, value, normalized), errors by field)."""
    memo = memo or _Memo()
    _country = memo.country
    if not isinstance(raw, dict):
        return {}, [], {"non_field_errors": [_("Expected an object.")]}
    errors: Errors = {}
    data: dict[str, Any] = {}

    def check(name: str, clean) -> None:
        try:
            data[name] = clean(raw.get(name))
        except ValidationError as exc:
            errors[name] = exc.messages

    check("kind", lambda x: _choice(x, LINE_KINDS))
    check("reference", _reference)
    check("eta", _eta)
    check("transport_mode", lambda x: _choice(x, TRANSPORT_MODES))
    check("origin_country", _country)
    check("destination_country", _country)
    check("transit_countries", lambda x: _transits(x, memo))
    for name, limit in TEXT_LIMITS.items():
        check(name, lambda x, limit=limit: _text(x, limit))
    check("hs_code", _hs_code)
    check("gross_weight_kg", _weight)
    for party in ("shipper", "consignee"):
        name = data.get(party) or ""
        data[f"{party}_normalized"] = ""
        if name:
            try:
                data[f"{party}_normalized"] = memo.identifier(IdentifierKind.COMPANY, name)
            except ValidationError as exc:
                errors[party] = exc.messages
    traveller = raw.get("traveller")
    data.update(traveller_nationality="", traveller_birth_year=None, traveller_sex="")
    if traveller not in (None, {}):
        if not isinstance(traveller, dict):
            errors["traveller"] = [_("Expected an object with nationality, birth_year and sex.")]
        else:
            bad: Errors = {}
            # JSON types as the schema states them: a number or a list is refused, never read as blank.
            try:
                nationality = traveller.get("nationality")
                data["traveller_nationality"] = "" if nationality in (None, "") else _country(nationality)
            except ValidationError as exc:
                bad["nationality"] = exc.messages
            year = traveller.get("birth_year")
            try:
                if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
                    raise ValidationError(_("Enter a year."))
                v.validate_birth_year(year)
                data["traveller_birth_year"] = year
            except ValidationError as exc:
                bad["birth_year"] = exc.messages
            sex = traveller.get("sex")
            if sex is None:
                sex = ""
            if not isinstance(sex, str) or (sex and sex not in SEXES):
                bad["sex"] = [_("Use one of %(values)s.") % {"values": ", ".join(SEXES)}]
            else:
                data["traveller_sex"] = sex
            if bad:
                errors["traveller"] = bad
    identifiers, identifier_errors = _identifiers(raw.get("identifiers", []), memo)
    if identifier_errors:
        errors["identifiers"] = identifier_errors
    return data, identifiers, errors


def _choice(value: Any, values: tuple[str, ...]) -> str:
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
    # In UTC: ISO 8601 allows offsets PostgreSQL refuses (beyond ±15:59).
    return parsed.astimezone(dt.UTC)


def _transits(value: Any, memo: _Memo) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [code for code in re.split(r"[\s,;>]+", value) if code]
    # The same few routes come again and again: checked once per distinct list.
    if isinstance(value, list) and all(isinstance(code, str) for code in value):
        memo.get("transits", tuple(value), _checked_transits)
    else:
        v.validate_transits(value)
    return [code.strip().upper() for code in value]


def _checked_transits(codes: tuple[str, ...]) -> str:
    v.validate_transits(codes)
    return ""


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


def _identifiers(value: Any, memo: _Memo) -> tuple[list[tuple[str, str, str]], list[Errors] | list[str]]:
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
        if not isinstance(kind, str) or kind not in IDENTIFIER_KINDS:
            errors.append({"kind": [_("Unknown identifier kind.")]})
            bad = True
            continue
        if not isinstance(raw, str):
            errors.append({"value": [_("Enter a text.")]})
            bad = True
            continue
        try:
            out.append((kind, raw.strip(), memo.identifier(kind, raw)))
            errors.append({})
        except ValidationError as exc:
            errors.append({"value": exc.messages})
            bad = True
    return out, (errors if bad else [])
