"""The rule condition language (docs/targeting.md "Conditions"): a small JSON form over a
manifest line's fields, validated with the path of the bad part and compiled to a predicate.

    {"all": [c, ...]} · {"any": [c, ...]} · {"not": c}
    {"field": F, "op": "equals", "value": V}
    {"field": F, "op": "in", "value": [V, ...]}
    {"field": F, "op": "prefix", "value": "2939"}          (HS code, places, names)
    {"field": F, "op": "contains", "value": "tea"}          (case-insensitive text)
    {"field": F, "op": "between", "min": 10, "max": 500}    (weight, birth year)
    {"op": "route_contains", "value": ["MM", "TH"]}         (countries in this order on the route)
    {"op": "first_seen_within", "party": "consignee", "days": 30}

A rule never reads the traveller's sex; it reads the nationality only where the agency admin
turned nationality on (the same safeguard as the model's).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cases.choices import TransportMode
from cases.seizures.validators import NORMALIZERS, country_code

Facts = dict[str, Any]
Predicate = Callable[[Facts], bool]

MAX_DEPTH = 8
MAX_CHILDREN = 50
MAX_VALUES = 500
MAX_DAYS = 3650

# field → its type: "text" (compared case-insensitively), "country", "choice", "number", "company".
FIELDS: dict[str, str] = {
    "kind": "choice",
    "transport_mode": "choice",
    "origin_country": "country",
    "destination_country": "country",
    "transit_countries": "countries",
    "loading_place": "text",
    "discharge_place": "text",
    "hs_code": "text",
    "goods_description": "text",
    "shipper": "company",
    "consignee": "company",
    "gross_weight_kg": "number",
    "traveller_birth_year": "number",
    "traveller_nationality": "country",
}
CHOICES = {"kind": ("cargo", "passenger"), "transport_mode": tuple(TransportMode.values)}
NATIONALITY = "traveller_nationality"
OPS_BY_TYPE = {
    "text": ("equals", "in", "prefix", "contains"),
    "company": ("equals", "in", "prefix", "contains"),
    "country": ("equals", "in"),
    "countries": ("contains",),
    "choice": ("equals", "in"),
    "number": ("equals", "between"),
}
PARTIES = ("shipper", "consignee")


class _Invalid(Exception):
    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


def validate_condition(condition: Any, *, allow_nationality: bool = False) -> Any:
    """The condition in its stored form (countries upper-cased, companies normalised).

    Raises ValidationError({"condition": ["<path>: <message>"]}), the path in JSONPath form
    (`$.all[1].value`), for the first bad part.
    """
    try:
        return _clean(condition, "$", 0, allow_nationality)
    except _Invalid as bad:
        raise ValidationError({"condition": [f"{bad.path}: {bad.message}"]}) from None


def _clean(node: Any, path: str, depth: int, allow_nationality: bool) -> Any:
    if depth > MAX_DEPTH:
        raise _Invalid(path, _("Conditions nest at most %(n)s deep.") % {"n": MAX_DEPTH})
    if not isinstance(node, dict):
        raise _Invalid(path, _('Expected an object such as {"field": …, "op": …, "value": …}.'))
    for group in ("all", "any"):
        if group in node:
            _only(node, {group}, path)
            children = node[group]
            if not isinstance(children, list) or not 1 <= len(children) <= MAX_CHILDREN:
                raise _Invalid(f"{path}.{group}", _("Expected a list of 1 to %(n)s conditions.") % {"n": MAX_CHILDREN})
            return {
                group: [
                    _clean(child, f"{path}.{group}[{i}]", depth + 1, allow_nationality)
                    for i, child in enumerate(children)
                ]
            }
    if "not" in node:
        _only(node, {"not"}, path)
        return {"not": _clean(node["not"], f"{path}.not", depth + 1, allow_nationality)}
    op = node.get("op")
    if op == "route_contains":
        _only(node, {"op", "value"}, path)
        value = node.get("value")
        codes = [value] if isinstance(value, str) else value
        if not isinstance(codes, list) or not 1 <= len(codes) <= 12:
            raise _Invalid(f"{path}.value", _("Expected a country code or a list of country codes."))
        return {"op": op, "value": [_country(code, f"{path}.value[{i}]") for i, code in enumerate(codes)]}
    if op == "first_seen_within":
        _only(node, {"op", "party", "days"}, path)
        if node.get("party") not in PARTIES:
            raise _Invalid(f"{path}.party", _("Expected “shipper” or “consignee”."))
        days = node.get("days")
        if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= MAX_DAYS:
            raise _Invalid(f"{path}.days", _("Expected a whole number of days from 0 to %(n)s.") % {"n": MAX_DAYS})
        return {"op": op, "party": node["party"], "days": days}
    if "field" not in node:
        raise _Invalid(path, _("Expected “all”, “any”, “not”, or a condition with “field” and “op”."))
    field = node["field"]
    if field == "traveller_sex":
        raise _Invalid(f"{path}.field", _("Targeting never uses a traveller's sex."))
    if field not in FIELDS:
        raise _Invalid(
            f"{path}.field", _("Unknown field “%(f)s”; use one of %(all)s.") % {"f": field, "all": ", ".join(FIELDS)}
        )
    if field == NATIONALITY and not allow_nationality:
        raise _Invalid(f"{path}.field", _("Nationality is off for this agency; its agency admin decides."))
    kind = FIELDS[field]
    allowed = OPS_BY_TYPE[kind]
    if op not in allowed:
        raise _Invalid(
            f"{path}.op",
            _("Unknown operator “%(op)s” for %(f)s; use one of %(ops)s.")
            % {"op": op, "f": field, "ops": ", ".join(allowed)},
        )
    if op == "between":
        _only(node, {"field", "op", "min", "max"}, path)
        bounds = {}
        for end in ("min", "max"):
            if node.get(end) is not None:
                bounds[end] = _number(node[end], f"{path}.{end}")
        if not bounds:
            raise _Invalid(path, _("Give “min”, “max” or both."))
        if "min" in bounds and "max" in bounds and bounds["min"] > bounds["max"]:
            raise _Invalid(f"{path}.max", _("The maximum is below the minimum."))
        return {"field": field, "op": op, **bounds}
    _only(node, {"field", "op", "value"}, path)
    if "value" not in node:
        raise _Invalid(f"{path}.value", _("Give a value."))
    if op == "in":
        values = node["value"]
        if not isinstance(values, list) or not 1 <= len(values) <= MAX_VALUES:
            raise _Invalid(f"{path}.value", _("Expected a list of 1 to %(n)s values.") % {"n": MAX_VALUES})
        return {
            "field": field,
            "op": op,
            "value": [_scalar(field, x, f"{path}.value[{i}]") for i, x in enumerate(values)],
        }
    if kind == "countries":
        return {"field": field, "op": op, "value": _country(node["value"], f"{path}.value")}
    return {"field": field, "op": op, "value": _scalar(field, node["value"], f"{path}.value", op=op)}


def _only(node: dict, keys: set[str], path: str) -> None:
    extra = sorted(set(node) - keys)
    if extra:
        raise _Invalid(f"{path}.{extra[0]}", _("Unexpected key “%(key)s”.") % {"key": extra[0]})


def _country(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise _Invalid(path, _("Expected a country code."))
    try:
        return country_code(value)
    except ValidationError as exc:
        raise _Invalid(path, exc.messages[0]) from None


def _number(value: Any, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _Invalid(path, _("Expected a number."))
    try:
        number = float(Decimal(str(value)))
    except ArithmeticError:
        raise _Invalid(path, _("Expected a number.")) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise _Invalid(path, _("Expected a number."))
    return number


def _scalar(field: str, value: Any, path: str, op: str = "equals") -> Any:
    kind = FIELDS[field]
    if kind == "number":
        return _number(value, path)
    if not isinstance(value, str) or not value.strip() or len(value) > 200:
        raise _Invalid(path, _("Expected a text of 1 to 200 characters."))
    if kind == "country":
        return _country(value, path)
    if kind == "choice":
        if value not in CHOICES[field]:
            raise _Invalid(path, _("Use one of %(values)s.") % {"values": ", ".join(CHOICES[field])})
        return value
    if kind == "company" and op in ("equals", "in"):
        try:
            return NORMALIZERS["company"](value)
        except ValidationError as exc:
            raise _Invalid(path, exc.messages[0]) from None
    return value.strip().upper()


# --- evaluation -----------------------------------------------------------------------------


def compile_condition(condition: dict) -> Predicate:
    """A predicate over a line's facts (cases.targeting.facts) for a condition already validated."""
    if "all" in condition:
        parts = [compile_condition(c) for c in condition["all"]]
        return lambda facts: all(p(facts) for p in parts)
    if "any" in condition:
        parts = [compile_condition(c) for c in condition["any"]]
        return lambda facts: any(p(facts) for p in parts)
    if "not" in condition:
        inner = compile_condition(condition["not"])
        return lambda facts: not inner(facts)
    op = condition["op"]
    if op == "route_contains":
        wanted = list(condition["value"])
        return lambda facts: _in_order(wanted, facts["route"])
    if op == "first_seen_within":
        key, days = f"{condition['party']}_first_seen_days", condition["days"]
        return lambda facts: facts.get(key) is not None and facts[key] <= days
    field = condition["field"]
    key = _fact_key(field)
    if op == "between":
        low, high = condition.get("min"), condition.get("max")
        return lambda facts: (
            facts.get(key) is not None and (low is None or facts[key] >= low) and (high is None or facts[key] <= high)
        )
    if op == "in":
        values = frozenset(condition["value"])
        return lambda facts: facts.get(key) in values
    value = condition["value"]
    if op == "prefix":
        return lambda facts: str(facts.get(key) or "").startswith(value)
    if op == "contains":
        if FIELDS[field] == "countries":
            return lambda facts: value in (facts.get(key) or ())
        return lambda facts: value in str(facts.get(key) or "")
    return lambda facts: facts.get(key) == value


def _fact_key(field: str) -> str:
    # Texts are compared upper-cased, companies in their normalised form (facts.line_facts).
    return {"shipper": "shipper_normalized", "consignee": "consignee_normalized"}.get(field, field)


def _in_order(wanted: list[str], route: list[str]) -> bool:
    position = 0
    for code in route:
        if position < len(wanted) and code == wanted[position]:
            position += 1
    return position == len(wanted)
