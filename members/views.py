from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_response(request: HttpRequest, credentials=None, *args, **kwargs) -> HttpResponse:
    """Answer of a locked-out sign-in: 429 with Retry-After, JSON for the API, a page otherwise."""
    retry_after = "1800"
    message = _("Too many failed sign-ins. This account is locked for 30 minutes.")
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": message}, status=429)
    else:
        response = render(request, "members/locked.html", {"message": message}, status=429)
    response["Retry-After"] = retry_after
    return response
