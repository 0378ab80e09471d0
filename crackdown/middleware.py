"""Input limits checked before any view runs, and JSON for every error under /api/.

- A NUL character in the path or the query string is a 400 (PostgreSQL text cannot hold one,
  and no identifier of ours contains one).
- A body larger than DATA_UPLOAD_MAX_MEMORY_SIZE (multipart uploads aside: their files are
  streamed to disk) is a 413 before anything reads it.
- An error answer under /api/ that is not JSON already (Django's own 400, 404 and 500 pages,
  the technical pages of DEBUG included) becomes the contract's {"detail": "..."} with the same
  status and headers: an API client never receives HTML, whatever the mode.
"""

from __future__ import annotations

from http import HTTPStatus

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.utils.translation import gettext as _

API_PREFIX = "/api/"
_KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate", "Vary")


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path_info:
        return True
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists())


def _too_large(request: HttpRequest) -> bool:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is None or request.content_type == "multipart/form-data":
        return False
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > limit


def _error(request: HttpRequest, status: int, detail: str) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": detail}, status=status)
    return HttpResponse(detail, status=status, content_type="text/plain; charset=utf-8")


def _as_json(response: HttpResponseBase) -> HttpResponseBase:
    status = response.status_code
    try:
        detail = HTTPStatus(status).phrase
    except ValueError:
        detail = "Error"
    replacement = JsonResponse({"detail": f"{detail}."}, status=status)
    for header in _KEPT_HEADERS:
        if header in response:
            replacement[header] = response[header]
    return replacement


class InputLimitsMiddleware:
    """Outermost: sees every request first and every answer last."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if _has_nul(request):
            return _error(request, 400, _("The request must not contain a NUL character."))
        if _too_large(request):
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            return _error(request, 413, _("The request body is larger than %(limit)d bytes.") % {"limit": limit})
        response = self.get_response(request)
        if _is_api(request) and response.status_code >= 400 and not _is_json(response):
            return _as_json(response)
        return response


def _is_json(response: HttpResponseBase) -> bool:
    content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
    return content_type == "application/json" or content_type.endswith("+json")
