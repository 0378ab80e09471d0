"""API errors in the contract's shapes, with refused accesses logged."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from crackdown.errors import Conflict, Forbidden
from crackdown.security import log_refused


class ConflictError(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The object is not in a state that allows this."
    default_code = "conflict"


def exception_handler(exc, context):
    if isinstance(exc, Conflict):
        exc = ConflictError(str(exc) or None)
    elif isinstance(exc, Forbidden):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            exc = exceptions.ValidationError(exc.message_dict)
        else:
            exc = exceptions.ValidationError({"detail": exc.messages})
    response = drf_exception_handler(exc, context)
    request = context.get("request")
    # 404 here comes from a view's lookup (the route matched): absent or not visible.
    if response is not None and response.status_code in (401, 403, 404) and request is not None:
        log_refused(getattr(request, "_request", request), response.status_code)
    return response


def conflict_response(message: str) -> Response:
    return Response({"detail": message}, status=status.HTTP_409_CONFLICT)
