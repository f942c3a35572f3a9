"""What the server writes about itself: one JSON object a line on stderr (with debug off),
each line saying which request it belongs to.

A line carries the request's id (also sent back as the X-Request-ID header, so a person
can quote it), its method and path without the query string (a search may be a patient's
name), the signed-in user's id and the status. A failure gives its exception's type and
stack, not its message: a database error quotes the row's values."""

import contextvars
import json
import logging
import re
import traceback
import uuid

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.functional import empty

current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar("current_request", default=None)
# A proxy's own request id is kept when it looks like one; anything else is replaced.
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


class RequestIdMiddleware:
    """First in MIDDLEWARE: every later line of the request's log names it."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        offered = request.META.get("HTTP_X_REQUEST_ID", "")
        request.id = offered if REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex
        token = current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        response["X-Request-ID"] = request.id
        return response


def user_id_of(request: HttpRequest) -> int | None:
    """The user's id if this request already knows it: looking it up could be what fails."""
    user = getattr(request, "user", None)
    wrapped = getattr(user, "_wrapped", user)
    if wrapped is None or wrapped is empty:
        return None
    return getattr(wrapped, "pk", None)


def stack_of(error: BaseException) -> list[str]:
    return [f"{frame.filename}:{frame.lineno} in {frame.name}" for frame in traceback.extract_tb(error.__traceback__)]


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        request = getattr(record, "request", None) or current_request.get()
        if not isinstance(request, HttpRequest):
            request = None
        line = {
            "time": timezone.now().isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            # Django's own say "Service Unavailable: /today/" (the path without the query).
            "message": record.getMessage(),
        }
        if request is not None:
            line.update(
                request_id=getattr(request, "id", None),
                method=request.method,
                path=request.path,
                user_id=user_id_of(request),
            )
        if hasattr(record, "status_code"):
            line["status"] = record.status_code
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            line["error"] = f"{type(error).__module__}.{type(error).__qualname__}"
            line["stack"] = stack_of(error)
        return json.dumps(line, default=str)
