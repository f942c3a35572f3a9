"""Reading what a request says, for views: ids from the address (404 when malformed, as for
a missing row) and the caller's address."""

from uuid import UUID

from django.http import Http404, HttpRequest


def validate_uuid(value: str) -> UUID:
    try:
        return UUID(str(value))
    except ValueError:
        raise Http404 from None


def validate_int(value: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None
