"""OpenAPI post-processing: the generated schema made precise enough for generated clients.

drf-spectacular writes what the serializers say; these hooks add what the contract (API.md)
guarantees and strict tools rely on (openapi-core, openapi-python-client, openapi-typescript,
schemathesis), in one place rather than on each view:

- `add_error_responses`: every operation documents the contract's error answers (400 bad
  input, 401 no valid token, 403 visible but not allowed, 404 absent or invisible, 409 a state
  that does not allow it on writes to an existing object, 412 a stale If-Match where an ETag is
  offered, 413 a body over the size limit and 415 a body of the wrong type where there is a body,
  429 throttled), each with one of two bodies: `Error` (`{"detail": "..."}`) or
  `ValidationError` (`{"field": ["message"]}`, nested rows by position, or `{"detail"}`); a 201
  carries `Location`, an ETag'd object `ETag`, and every answer the RateLimit headers.
- `make_precise`: a field always present in a response is `required`; a nullable reference is
  `anyOf: [the reference, NullEnum]` (strict validators refuse `allOf` + `nullable` without a
  type); alternatives are `anyOf`, not `oneOf` (an empty string matches a URL and a blank); a
  query parameter's enum is the component of the field it filters (`DrugEnum`, not an inline
  copy); both `Authorization: Token` and `Bearer` are offered.
"""

from __future__ import annotations

import copy
import json
import re
import threading
from typing import Any

from django.utils import timezone
from django_countries import countries
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView

from crackdown import windows
from crackdown.timezones import TIME_ZONES

METHODS = ("get", "post", "put", "patch", "delete")
# The largest id PostgreSQL's bigint holds: a larger one is refused (400), never looked up.
MAX_ID = 2**63 - 1
# Request fields holding an ISO 3166-1 alpha-2 code (or nothing, where they are optional).
COUNTRY_FIELDS = {"country", "origin_country", "destination_country", "nationality"}
# Request fields listing agencies by code.
AGENCY_LISTS = {"shared_with", "recipients", "agencies"}
# Counts of rows the server takes, by request component (the Patched… form too): API.md.
ROW_COUNTS = {
    "SeizureRequest": {"items": {"minItems": 1}},
    "LookoutWriteRequest": {"values": {"minItems": 1, "maxItems": 500}},
    "BatchInputRequest": {"lines": {"minItems": 1, "maxItems": 5000}},
    "LineAlertRequest": {"recipients": {"minItems": 1, "maxItems": 20}},
}
# Dates that the server takes within a window of whole years (crackdown/windows.py), by field
# or query parameter: the years ahead of this one that the window reaches.
WINDOWS = {
    "occurred_after": windows.FILTER_YEARS,
    "occurred_before": windows.FILTER_YEARS,
    "since": windows.FILTER_YEARS,
    "until": windows.FILTER_YEARS,
    "due_at": windows.DEADLINE_YEARS,
    "ack_due_at": windows.DEADLINE_YEARS,
    "starts_on": windows.OPERATION_YEARS,
    "ends_on": windows.OPERATION_YEARS,
}
# drf-spectacular's pattern for a decimal string, e.g. `^-?\d{0,11}(?:\.\d{0,3})?$`.
DECIMAL = re.compile(r"^\^-\?\\d\{0,(?P<whole>\d+)\}\(\?:\\\.\\d\{0,(?P<fraction>\d+)\}\)\?\$$")
# Decimal request fields the server takes above zero only (API.md: a quantity is > 0).
POSITIVE_DECIMALS = {"quantity"}
# Query parameters that take a date or a date and time (with its offset), windowless.
MOMENT_FILTERS = {"eta_after", "eta_before"}
# Query parameters with bounds their views enforce.
QUERY_BOUNDS = {
    "min_score": {"type": "integer", "minimum": 0, "maximum": 100},
    "operation": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
}
COUNTRY_FILTERS = {"country", "origin_country", "destination_country", "transit_country"}
REF = "#/components/schemas/"

ERROR = {
    "type": "object",
    "description": "An error for people: `detail` is a message in the caller's language.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
_MESSAGES = {"type": "array", "items": {"type": "string"}}
# Messages of one nested row, by field: {"quantity": ["..."]}.
_LEAF_ROW_ERRORS = {"type": "object", "additionalProperties": _MESSAGES}
# A row whose fields may themselves hold rows: {"identifiers": [{"value": ["..."]}]}.
_ROW_ERRORS = {
    "type": "object",
    "additionalProperties": {
        "anyOf": [_MESSAGES, {"type": "array", "items": {"anyOf": [_LEAF_ROW_ERRORS, _MESSAGES]}}, _LEAF_ROW_ERRORS]
    },
}
# Only the rows at fault, by position: {"1": {"origin_country": ["..."]}}.
_ROWS_BY_POSITION = {"type": "object", "additionalProperties": _ROW_ERRORS}
# A row that is not an object at all (`null`, a number) gets messages instead of field errors.
_ROWS = {"type": "array", "items": {"anyOf": [_ROW_ERRORS, _MESSAGES]}}
VALIDATION_ERROR = {
    "type": "object",
    "description": (
        'Invalid input. By field: `{"field": ["message", ...]}`; nested rows by position, an empty '
        'object for a row without errors: `{"items": [{}, {"quantity": ["..."]}]}` (or only the rows at '
        'fault, keyed by position: `{"lines": {"1": {"origin_country": ["..."]}}}`); or '
        '`{"detail": "..."}` when no field is at fault.'
    ),
    "properties": {"detail": {"anyOf": [{"type": "string"}, _MESSAGES]}},
    "additionalProperties": {
        "anyOf": [
            _MESSAGES,
            _ROWS,
            _ROW_ERRORS,
            _ROWS_BY_POSITION,
            {"type": "string"},
        ]
    },
}
NULL_ENUM = {"enum": [None]}

COMMON = {
    "400": ("Invalid input.", "ValidationError"),
    "401": ("No, unknown or expired token.", "Error"),
    "403": ("Visible but not allowed.", "Error"),
    "404": ("Absent, or not visible to the caller.", "Error"),
    "429": ("Throttled or locked out (see Retry-After).", "Error"),
}
UNSUPPORTED = ("The body is not JSON (Content-Type).", "Error")
TOO_LARGE = ("The body is larger than the limit.", "Error")
# An operation that documents its own 413/415 (an upload refusing a file by its size or type)
# names the field at fault: its body is a ValidationError, which `{"detail"}` also matches.
BY_FIELD = ("413", "415")
CONFLICT = ("The object's state does not allow this.", "Error")
PRECONDITION = ("If-Match does not match the object's current ETag: nothing was changed.", "Error")
# Paths whose objects carry an ETag (crackdown/api/conventions.py).
ETAG_PATHS = re.compile(r"^/api/v1/(seizures|operations)/\{id\}/([a-z]+/)?$")
ETAG_WRITES = re.compile(r"^/api/v1/(seizures|operations)/\{id\}/$")
# Old names of the one error body.
ERROR_ALIASES = ("ErrorDetail", "MembersErrorDetail", "SeizureErrorDetail", "DetailError", "ErrorInvalid", "StatsError")

HEADER = {"schema": {"type": "string"}}
RATE_HEADERS = {
    "RateLimit": {
        **HEADER,
        "description": 'IETF RateLimit: the tightest quota, `"<policy>";r=<remaining>;t=<seconds to reset>`.',
    },
    "RateLimit-Policy": {**HEADER, "description": 'The quotas that apply: `"<policy>";q=<limit>;w=<window s>`.'},
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": REF + name}


def _walk(node: Any, visit) -> Any:
    """Apply `visit` to every schema-like dict, depth first, replacing it by what visit returns."""
    if isinstance(node, dict):
        for key, value in list(node.items()):
            node[key] = _walk(value, visit)
        return visit(node)
    if isinstance(node, list):
        return [_walk(item, visit) for item in node]
    return node


def _rename_refs(node: Any, renames: dict[str, str]) -> None:
    def visit(d: dict) -> dict:
        ref = d.get("$ref")
        if isinstance(ref, str) and ref.startswith(REF) and ref[len(REF) :] in renames:
            d["$ref"] = REF + renames[ref[len(REF) :]]
        return d

    _walk(node, visit)


def add_error_responses(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    renames = {
        name: ("ValidationError" if name in ("ErrorInvalid", "StatsError") else "Error") for name in ERROR_ALIASES
    }
    for name in ERROR_ALIASES:
        schemas.pop(name, None)
    schemas["Error"] = copy.deepcopy(ERROR)
    schemas["ValidationError"] = copy.deepcopy(VALIDATION_ERROR)
    _rename_refs(result.get("paths", {}), renames)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            # An operation without a security requirement (sign-in) takes no credentials.
            needs_auth = bool(operation.get("security"))
            # A download (CSV) asked for with ?format= answers its errors in that format too.
            # A file served as stored (binary) is not such a format: its errors are JSON.
            other_types = [
                t
                for t, media in responses.get("200", {}).get("content", {}).items()
                if t != "application/json" and media.get("schema", {}).get("format") != "binary"
            ]
            wanted = dict(COMMON)
            if method in ("post", "patch", "delete") and "{" in path:
                wanted["409"] = CONFLICT
            if "requestBody" in operation:
                wanted["413"] = TOO_LARGE
                wanted["415"] = UNSUPPORTED
            for code in BY_FIELD:
                if code in wanted and code in responses:
                    wanted[code] = (wanted[code][0], "ValidationError")
            if method == "patch" and ETAG_WRITES.match(path):
                wanted["412"] = PRECONDITION
                operation.setdefault("parameters", []).append(
                    {
                        "in": "header",
                        "name": "If-Match",
                        "required": False,
                        "schema": {"type": "string"},
                        "description": "The ETag you read: the write is refused with 412 if the object changed since.",
                    }
                )
            for code, (description, component) in wanted.items():
                if code == "401" and not needs_auth:
                    continue
                answer = responses.setdefault(code, {"description": description})
                content = answer.setdefault("content", {})
                content["application/json"] = {"schema": _ref(component)}
                for media_type in other_types:
                    content[media_type] = {"schema": {"type": "string"}}
                if not answer.get("description"):
                    answer["description"] = description
            for code, answer in responses.items():
                headers = answer.setdefault("headers", {})
                if needs_auth or path.endswith("/login/"):
                    headers.update(copy.deepcopy(RATE_HEADERS))
                if code == "201":
                    headers["Location"] = {**HEADER, "description": "The new object's URL."}
                if code == "429":
                    headers["Retry-After"] = {"schema": {"type": "integer"}, "description": "Seconds to wait."}
                if code in ("200", "201") and ETAG_PATHS.match(path) or (code == "201" and path == "/api/v1/seizures/"):
                    headers["ETag"] = {**HEADER, "description": "The object's version, for If-Match."}
                if code in ("200", "201") and path == "/api/v1/operations/" and method == "post":
                    headers["ETag"] = {**HEADER, "description": "The object's version, for If-Match."}
                if not headers:
                    answer.pop("headers")
    return result


def _response_components(result: dict[str, Any]) -> set[str]:
    """Component names reachable from a response body."""
    schemas = result.get("components", {}).get("schemas", {})
    found: set[str] = set()
    todo: list[Any] = []
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method in METHODS:
                todo.extend(r.get("content", {}) for r in operation.get("responses", {}).values())
    while todo:
        node = todo.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(REF):
                name = ref[len(REF) :]
                if name not in found and name in schemas:
                    found.add(name)
                    todo.append(schemas[name])
            todo.extend(node.values())
        elif isinstance(node, list):
            todo.extend(node)
    return found


def _nullable_refs(node: dict) -> dict:
    """`allOf: [ref]` + `nullable` → `anyOf: [ref, NullEnum]`; `oneOf` → `anyOf`."""
    if "oneOf" in node and "discriminator" not in node:
        node["anyOf"] = node.pop("oneOf")
    all_of = node.get("allOf")
    if node.get("nullable") is True and isinstance(all_of, list) and len(all_of) == 1 and "type" not in node:
        node.pop("allOf")
        node.pop("nullable")
        node["anyOf"] = [all_of[0], _ref("NullEnum")]
    elif node.get("nullable") is True and "anyOf" in node and "type" not in node:
        node.pop("nullable")
        if _ref("NullEnum") not in node["anyOf"]:
            node["anyOf"].append(_ref("NullEnum"))
    return node


def make_precise(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    components = result.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas.setdefault("NullEnum", copy.deepcopy(NULL_ENUM))
    _walk(result.get("paths", {}), _nullable_refs)
    _walk(schemas, _nullable_refs)

    # A response object has every field it declares (write-only ones aside).
    for name in _response_components(result):
        schema = schemas[name]
        properties = schema.get("properties")
        if schema.get("type") == "object" and properties and name not in ("ValidationError", "Error"):
            schema["required"] = sorted(p for p, s in properties.items() if not s.get("writeOnly"))

    # A request field with a default may be left out. openapi-typescript (by default) types a
    # field with a `default` as always present, which suits answers, not requests: in request
    # bodies the default is said in words instead.
    for name, schema in schemas.items():
        if not name.endswith("Request"):
            continue
        for prop in (schema.get("properties") or {}).values():
            if "default" in prop and not prop.get("readOnly"):
                default = prop.pop("default")
                said = f"Default: `{json.dumps(default)}`."
                prop["description"] = f"{prop['description']} {said}" if prop.get("description") else said

    # Query parameters filter by the field's own enum component.
    enums = {
        frozenset(s["enum"]): name
        for name, s in schemas.items()
        if isinstance(s.get("enum"), list) and None not in s["enum"] and "" not in s["enum"]
    }
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                target = schema.get("items", schema) if schema.get("type") == "array" else schema
                component = enums.get(frozenset(target.get("enum") or ()))
                if component and parameter.get("in") == "query":
                    if target is schema:
                        parameter["schema"] = _ref(component)
                    else:
                        schema["items"] = _ref(component)

    # Filters by country take an ISO 3166-1 alpha-2 code (or nothing); an operation id is positive.
    schemas.setdefault("CountryCode", {"type": "string", "enum": sorted(code for code, _ in countries)})
    schemas.setdefault("BlankEnum", {"enum": [""]})
    schemas.setdefault(
        "TimeZone",
        {
            "type": "string",
            "description": "An IANA time zone name (Area/Location, or UTC), as the server's tz database knows it.",
            "enum": sorted(TIME_ZONES),
        },
    )
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("in") != "query":
                    continue
                if parameter["name"] in COUNTRY_FILTERS:
                    blank = [] if parameter.get("required") else [_ref("BlankEnum")]
                    parameter["schema"] = {"anyOf": [_ref("CountryCode"), *blank]} if blank else _ref("CountryCode")
                elif parameter["name"] in QUERY_BOUNDS:
                    # Left empty, the filter does not filter.
                    parameter["schema"] = {"anyOf": [dict(QUERY_BOUNDS[parameter["name"]]), _ref("BlankEnum")]}
                elif parameter["name"] in WINDOWS and parameter["schema"].get("format") in ("date", "date-time"):
                    # Left empty, a date filter does not filter.
                    dated = _windowed(parameter["schema"], WINDOWS[parameter["name"]])
                    parameter["schema"] = {"anyOf": [dated, _ref("BlankEnum")]}
                elif parameter["name"] in ("format", "page_size") and "anyOf" not in parameter["schema"]:
                    # `?format=` left empty is the default rendering, `?page_size=` the default size.
                    parameter["schema"] = {"anyOf": [parameter["schema"], _ref("BlankEnum")]}
                elif parameter["name"] in MOMENT_FILTERS:
                    moments = [{"type": "string", "format": "date-time"}, {"type": "string", "format": "date"}]
                    parameter["schema"] = {"anyOf": [*moments, _ref("BlankEnum")]}

    _constrain_requests(schemas)

    # Both prefixes of the API token (API.md "Authentication").
    security_schemes = components.setdefault("securitySchemes", {})
    security_schemes["bearerAuth"] = {
        "type": "http",
        "scheme": "bearer",
        "description": "The token from POST /api/v1/auth/login/, as `Authorization: Bearer <token>`.",
    }
    for scheme in security_schemes.values():
        if scheme.get("name") == "Authorization" and scheme.get("in") == "header":
            scheme["description"] = "The token from POST /api/v1/auth/login/, as `Authorization: Token <token>`."
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            security = operation.get("security") if method in METHODS else None
            if security and {"bearerAuth": []} not in security:
                security.insert(1, {"bearerAuth": []})
    return result


def _country(prop: dict[str, Any], *, blank: bool) -> dict[str, Any]:
    typed: dict[str, Any] = {"anyOf": [_ref("CountryCode"), _ref("BlankEnum")]} if blank else _ref("CountryCode")
    if prop.get("description"):
        typed = {**({"anyOf": typed["anyOf"]} if blank else {"allOf": [typed]}), "description": prop["description"]}
    return typed


def _decimal_pattern(pattern: str, *, positive: bool) -> str:
    """drf-spectacular's decimal pattern, which admits "", "-" and "." (no digit at all), as the
    server reads a decimal: at least one digit; for a quantity, above zero and unsigned."""
    match = DECIMAL.match(pattern)
    assert match is not None
    whole, fraction = match["whole"], match["fraction"]
    digits = f"(?:\\d{{1,{whole}}}(?:\\.\\d{{0,{fraction}}})?|\\.\\d{{1,{fraction}}})"
    return f"^(?=.*[1-9]){digits}$" if positive else f"^-?{digits}$"


def _windowed(schema: dict[str, Any], years_ahead: int) -> dict[str, Any]:
    """A date or date-time schema whose year lies in the window (crackdown/windows.py)."""
    last = windows.latest_year(years_ahead)
    years = "|".join(str(year) for year in range(windows.EARLIEST_YEAR, last + 1))
    said = f"From {windows.EARLIEST_YEAR} to the end of the year {years_ahead} years ahead ({last})."
    described = f"{schema['description']} {said}" if schema.get("description") else said
    return {**schema, "pattern": f"^(?:{years})-", "description": described}


def _constrain_requests(schemas: dict[str, Any]) -> None:
    """What the server checks in request bodies, written where the serializers cannot say it.

    Country fields are the `CountryCode` component (blank where the field may be left empty),
    agency codes at most 10 characters, the rows a body must carry counted (`ROW_COUNTS`),
    deadlines and operation dates within their windows of years (`WINDOWS`), and a birth year
    within the window the server takes (the last 110 years).
    """
    this_year = timezone.now().year
    for name, schema in schemas.items():
        if not name.endswith("Request"):
            continue
        counts = ROW_COUNTS.get(name.removeprefix("Patched"), {})
        properties = schema.get("properties") or {}
        for prop_name, prop in list(properties.items()):
            if prop_name in COUNTRY_FIELDS and prop.get("type") == "string":
                properties[prop_name] = _country(prop, blank=not prop.get("minLength"))
            elif prop_name == "transit_countries" and prop.get("type") == "array":
                prop["items"] = _ref("CountryCode")
            elif prop_name in AGENCY_LISTS and prop.get("type") == "array":
                prop["items"] = {"type": "string", "minLength": 1, "maxLength": 10}
            elif prop_name in WINDOWS and prop.get("format") in ("date", "date-time"):
                properties[prop_name] = _windowed(prop, WINDOWS[prop_name])
            elif prop_name == "timezone" and prop.get("type") == "string":
                zone: dict[str, Any] = _ref("TimeZone")
                if not prop.get("minLength"):
                    zone = {"anyOf": [zone, _ref("BlankEnum"), *([_ref("NullEnum")] if prop.get("nullable") else [])]}
                properties[prop_name] = zone
            elif prop.get("format") == "decimal" and DECIMAL.match(prop.get("pattern", "")):
                pattern = _decimal_pattern(prop["pattern"], positive=prop_name in POSITIVE_DECIMALS)
                # A nullable decimal left empty is read as null.
                prop["pattern"] = f"^(?:{pattern[1:-1]})?$" if prop.get("nullable") else pattern
            elif prop_name == "birth_year" and prop.get("type") == "integer":
                prop.update(minimum=this_year - 110, maximum=this_year)
            if prop_name in counts:
                properties[prop_name].update(counts[prop_name])


class SchemaView(SpectacularAPIView):
    """`GET /api/schema/`, one generation at a time in a process.

    drf-spectacular resolves its extensions' target classes on first use by rewriting class
    attributes, and patches its settings for the request: two threads of one gunicorn worker
    generating at once (the first requests after a start) could see each other's half-done
    state and answer 500. Generation takes the lock; the requests after it wait their turn.
    """

    _generating = threading.Lock()

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        with self._generating:
            return super().get(request, *args, **kwargs)
