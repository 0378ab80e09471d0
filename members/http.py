"""Request types whose user is known to be signed in.

Django's and DRF's stubs type `request.user` as `User | AnonymousUser`, which is right at the
edge but wrong past it: every page that uses these types sits behind `login_required`, and every
API view keeps DRF's default `IsAuthenticated` permission (settings.REST_FRAMEWORK). Saying so
once here spares each view a cast or an `assert` of what the gate already guarantees.

They live in members, beside the User they promise, so that the platform package (crackdown)
keeps depending on no app.
"""

from __future__ import annotations

from django.http import HttpRequest
from rest_framework.request import Request
from rest_framework.views import APIView

from members.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A page request past `login_required`."""

    user: User


class AuthenticatedRequest(Request):
    """An API request past the default `IsAuthenticated` permission."""

    user: User


class AuthenticatedAPIView(APIView):
    # A base for DRF views (put first among the bases) whose `self.request` has the signed-in
    # user. Methods a view adds (`get`, `post`, …) annotate their argument as
    # `AuthenticatedRequest`; the generic views' own methods (`create`, `update`, …) keep DRF's
    # signature and read `self.request`, the same object. A comment, not a docstring:
    # drf-spectacular would copy a docstring into every subclass's operation description.

    request: AuthenticatedRequest
