"""Every answer of the API in the test suite is checked against the generated schema (openapi-core).

`tests/conftest.py` turns this on for every test: each response a test client gets from
`/api/v1/…` must be described by `/api/schema/` exactly: its status code, content type, body
(required fields present, nothing of the wrong type, null only where nullable) and documented
headers. A schema regression, or an answer the schema does not describe, fails the test that
received it. Answers that no operation can describe are left out: a URL that matches no route
(404) and a method the path does not offer (405, or 401 to an anonymous caller, refused first).
"""

from __future__ import annotations

import functools
import json
from typing import Any

from django.test.client import Client
from django.urls import Resolver404, resolve
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from openapi_core import OpenAPI
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound
from openapi_core.testing import MockRequest, MockResponse

API = "/api/v1/"


@functools.cache
def schema() -> dict[str, Any]:
    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document, renderer_context={}))


@functools.cache
def openapi() -> OpenAPI:
    return OpenAPI.from_dict(schema())


class SchemaMismatch(AssertionError):
    pass


def check(response: Any) -> None:
    request = response.wsgi_request
    path = request.path
    if not path.startswith(API) or response.status_code == 405:
        return
    try:
        match = resolve(path)
    except Resolver404:
        return
    view = getattr(match.func, "cls", None) or getattr(match.func, "view_class", None)
    method = request.method.lower()
    if view is not None and (method not in view.http_method_names or not hasattr(view, method)):
        return  # a method the path does not offer, refused before (401) or instead of (405) any handler
    content_type = response.get("Content-Type", "").split(";")[0] or "application/json"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response.streaming:
        response.streaming_content = [body]  # still readable by the test
    api_request = MockRequest(
        "http://testserver",
        request.method.lower(),
        path,
        args=dict(request.GET.items()),
        headers=dict(request.headers.items()),
    )
    # A text download (CSV) is a string to the schema, as JSON is decoded text.
    data: Any = body if content_type == "application/json" else body.decode("utf-8", "replace")
    api_response = MockResponse(
        data, status_code=response.status_code, headers=dict(response.items()), content_type=content_type
    )
    try:
        openapi().validate_response(api_request, api_response)
    except (PathNotFound, OperationNotFound) as exc:
        raise SchemaMismatch(f"{request.method} {path}: the schema has no such operation ({exc})") from None
    except Exception as exc:  # noqa: BLE001 - every validation error is a mismatch to report
        errors = (
            getattr(exc, "schema_errors", None)
            or getattr(exc.__cause__, "schema_errors", None)
            or [exc.__cause__ or exc]
        )
        detail = "; ".join(str(e).splitlines()[0] for e in errors)
        raise SchemaMismatch(
            f"{request.method} {path} → {response.status_code} {content_type} does not match the schema: "
            f"{type(exc).__name__}: {detail}\nbody: {body[:500]!r}"
        ) from None


def install(monkeypatch) -> None:
    """Check every API answer the test clients receive (APIClient is a django Client)."""
    original = Client.request

    def request(self, **kwargs):
        response = original(self, **kwargs)
        check(response)
        return response

    monkeypatch.setattr(Client, "request", request)
