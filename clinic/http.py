"""Reading what a request says, for views: ids from the address (404 when malformed, as for
a missing row) and the caller's address."""

import re
from uuid import UUID

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from ipware import get_client_ip

# NUL and the other control characters mean nothing in a path; PostgreSQL refuses a NUL in
# any text it is given, which made `/calendar/%00.ics` a 500. (Searches take them in the
# query and answer normally: the views clean what they are given.)
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


class RefuseControlCharactersMiddleware:
    """A path with a control character answers 400 before any view or the database sees it."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if CONTROL_CHARACTERS.search(request.path):
            return HttpResponseBadRequest("Bad request: the address holds a control character.")
        return self.get_response(request)


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
    """The address of the person at the other end: the sign-in lockout and every audit row
    use it (django-axes calls this through AXES_CLIENT_IP_CALLABLE).

    With no trusted proxy (CLINIC_TRUSTED_PROXIES=0) it is the connecting address and
    X-Forwarded-For is ignored, since anyone can send it. Behind N proxies, each appending
    the address it was reached from, the client is the N-th address from the right of
    X-Forwarded-For; what a client wrote there itself sits further left and is never read."""
    proxies = settings.CLINIC_TRUSTED_PROXIES
    if proxies:
        # ipware counts the proxies after the client in the header; the nearest proxy is
        # the connection itself, so N trusted proxies leave N - 1 in the header.
        address, _routable = get_client_ip(
            request,
            proxy_order="left-most",
            proxy_count=proxies - 1,
            request_header_order=["HTTP_X_FORWARDED_FOR"],
            strict=False,
        )
        if address:
            return address
    address, _routable = get_client_ip(request, request_header_order=["REMOTE_ADDR"])
    return address


class HeadAsGetMiddleware:
    """HEAD answers wherever GET does (documents, calendar feeds, pages): the view runs as
    for GET and the body is left out, its length kept."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "HEAD":
            return self.get_response(request)
        request.method = "GET"
        response = self.get_response(request)
        if not response.streaming:
            length = len(response.content)
            response.content = b""
            response["Content-Length"] = str(length)
        return response
