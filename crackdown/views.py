import functools
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import Resolver404
from django.views.decorators.cache import never_cache

from crackdown import health
from crackdown.errors import Conflict, Forbidden
from crackdown.security import log_refused


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Database, cache, broker and worker heartbeat: 200, or 503 naming what failed (crackdown/health.py)."""
    healthy, checks = health.run_checks()
    return JsonResponse({"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503)


def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, asked for by browsers on pages that name no icon (the admin, the API docs)."""
    return redirect(static("favicon.svg"), permanent=True)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    log_refused(request, 403, reason="forbidden")
    return render(request, "errors/403.html", status=403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    # A URL that matches no route is noise (scanners, typos); a 404 raised by a view comes
    # from a lookup, i.e. an object that is absent or not visible to the caller: log those.
    if not isinstance(exception, Resolver404):
        log_refused(request, 404, reason="not found or not visible")
    if request.path.startswith("/api/"):
        # API clients get the contract's JSON error shape, never an HTML page.
        return JsonResponse({"detail": "Not found."}, status=404)
    return render(request, "errors/404.html", status=404)


def domain_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For pages: a service's Forbidden is the 403 page, its Conflict the 409 page with its message."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except Forbidden as exc:
            raise PermissionDenied(str(exc)) from exc
        except Conflict as exc:
            return render(request, "errors/409.html", {"message": str(exc)}, status=409)

    return wrapper
