"""One JSON shape for every error: ``{"detail", "code", "errors": {field path: [messages]}}``.

Django's ``ValidationError`` (model ``full_clean``, validators, services) and DRF's errors are
both turned into it, so a client learns which field was wrong, however deep in the payload.
"""

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The object changed since you read it: fetch it again and reapply your change."
    default_code = "precondition_failed"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the object's current state."
    default_code = "conflict"


def django_errors(error):
    """A Django ValidationError as {field: [messages]}, with the API's name for non-field errors."""
    if hasattr(error, "error_dict"):
        result = {}
        for field, errors in error.error_dict.items():
            name = api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field
            result.setdefault(name, []).extend(m for e in errors for m in e.messages)
        return result
    return {api_settings.NON_FIELD_ERRORS_KEY: list(error.messages)}


def to_drf(error):
    return exceptions.ValidationError(django_errors(error))


def flatten(detail, prefix=""):
    """DRF's nested error detail as {"sponsor_reads.0.campaign": ["…"]}."""
    flat = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            flat.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(detail, list) and detail and all(isinstance(item, (dict, list)) for item in detail):
        for index, value in enumerate(detail):
            if value:
                flat.update(flatten(value, f"{prefix}.{index}" if prefix else str(index)))
    elif isinstance(detail, list):
        flat[prefix or api_settings.NON_FIELD_ERRORS_KEY] = [str(item) for item in detail]
    else:
        flat[prefix or api_settings.NON_FIELD_ERRORS_KEY] = [str(detail)]
    return flat


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = to_drf(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound("Not found.")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = flatten(exc.detail)
        response.data = {"detail": "Invalid input: see errors.", "code": "invalid", "errors": errors}
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        response.data = {"detail": str(detail), "code": str(code)}
    return response


def json_not_found(request, *args, **kwargs):
    """Any address under /api/ that names no endpoint."""
    return JsonResponse({"detail": "No such endpoint.", "code": "not_found"}, status=404)


def api_root(request):
    """``/api/`` itself: where the reference and the resources are."""
    names = ["docs", "redoc", "schema", "network"]
    links = {name: request.build_absolute_uri(f"/api/{name}/") for name in names}
    for name in ("episodes", "shows", "people", "sponsors", "campaigns", "teams"):
        links[name] = request.build_absolute_uri(f"/api/{name}/")
    return JsonResponse(links)
