"""The one limit on the size of a request body, MAX_BODY_BYTES, for every path."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase, JsonResponse

TOO_LARGE = "Request body too large"


class BodyLimitMiddleware:
    """A body over MAX_BODY_BYTES is a 413, judged by its Content-Length before any of it is read
    (Django reads no more than the Content-Length, so a body without one is read as empty)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        declared = request.META.get("CONTENT_LENGTH") or ""
        if declared.isdigit() and int(declared) > settings.MAX_BODY_BYTES:
            return JsonResponse({"detail": TOO_LARGE}, status=413)
        return self.get_response(request)
