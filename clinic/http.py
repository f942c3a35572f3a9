"""Reading what a request says, for views: ids from the address (404 when malformed, as for
a missing row) and the caller's address."""

from uuid import UUID

from django.conf import settings
from django.http import Http404, HttpRequest
from ipware import get_client_ip


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
