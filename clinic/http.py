"""Reading what a request says, for views: ids from the address (404 when malformed, as for
a missing row) and the caller's address; and what every answer says about itself: kept out
of shared caches, and the name of a file to save."""

import re
import unicodedata
from urllib.parse import quote
from uuid import UUID

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django_weasyprint import WeasyTemplateResponse
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


class PrivateByDefaultMiddleware:
    """Every page, fragment, document, spreadsheet and calendar the application answers may
    hold health data: no browser or proxy keeps a copy (after signing out on a shared
    front-desk screen, Back shows nothing). An answer that set its own Cache-Control keeps
    it. Placed after WhiteNoise, which answers for static files first, so they keep their
    long cache."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Cache-Control", "private, no-store")
        return response


def content_disposition(filename: str, *, attachment: bool) -> str:
    """The Content-Disposition of a file: its name in UTF-8 (RFC 6266's `filename*`), beside
    an ASCII spelling for the clients that read only `filename` ("Lefèvre" as "Lefevre")."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    ascii_name = re.sub(r'[\\"\x00-\x1f\x7f]', "", ascii_name)
    kind = "attachment" if attachment else "inline"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def pdf_response(request: HttpRequest, template: str, context: dict, *, filename: str) -> WeasyTemplateResponse:
    """A document as a PDF to read in the browser: the HTML page's template printed, tagged
    PDF/UA-1 (its structure, title and language for screen readers), under its name."""
    response = WeasyTemplateResponse(request, template, context, options={"pdf_variant": "pdf/ua-1"})
    response["Content-Disposition"] = content_disposition(filename, attachment=False)
    return response
