"""OpenAPI post-processing: every operation documents the contract's error answers.

API.md ("Errors and status codes") holds for every endpoint: 400 for bad input (a body, a
filter, a malformed cursor), 401 without a valid token, 403 for the visible but not allowed
(also a session without its second factor or CSRF token), 404 for the absent or invisible
(also an unknown pagination cursor), 429 when throttled. Views declare the answers particular
to them (200/201/204, 409...) and any error body of their own; this hook adds the common ones
they leave out, so that the schema describes what clients really receive.
"""

from __future__ import annotations

from typing import Any

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
# {"field": ["message", ...]} or {"detail": "..."}: any object.
INVALID = {"type": "object", "additionalProperties": True}

COMMON = {
    "400": ("Invalid input: {field: [messages]} or {detail}.", "ErrorInvalid"),
    "401": ("No or bad token.", "ErrorDetail"),
    "403": ("Visible but not allowed.", "ErrorDetail"),
    "404": ("Absent, or not visible to the caller.", "ErrorDetail"),
    "429": ("Throttled (see Retry-After).", "ErrorDetail"),
}
METHODS = ("get", "post", "put", "patch", "delete")


def add_error_responses(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("ErrorDetail", DETAIL)
    schemas.setdefault("ErrorInvalid", INVALID)
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            # An operation without a security requirement (sign-in) takes no credentials.
            needs_auth = bool(operation.get("security"))
            # A download (CSV) asked for with ?format= answers its errors in that format too.
            other_types = [t for t in responses.get("200", {}).get("content", {}) if t != "application/json"]
            for code, (description, component) in COMMON.items():
                if code in responses or (code == "401" and not needs_auth):
                    continue
                content: dict[str, Any] = {
                    "application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}
                }
                for media_type in other_types:
                    content[media_type] = {"schema": {"type": "string"}}
                responses[code] = {"content": content, "description": description}
    return result
