"""The site's own views: where `/` leads, the health check, the error page."""

import sys

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from clinic import roles


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    can = roles.abilities_of(request.user)
    if can.work_with_patients or can.manage:
        return redirect("today")
    if can.use_portal:
        return redirect("portal")
    raise PermissionDenied


HEALTH_PATH = "/healthz"
# Failures of the connection itself (refused, timed out, dropped, SQLite's lock wait): the
# database is out of reach for now. Any other database error (an IntegrityError, a bad
# query) is a bug, and a bug is a 500.
OUT_OF_REACH = (OperationalError, InterfaceError)


def health_answer(*, database_ok: bool) -> JsonResponse:
    if database_ok:
        return JsonResponse({"status": "ok", "database": "ok"})
    return JsonResponse({"status": "error", "database": "unreachable"}, status=503)


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return health_answer(database_ok=False)
    return health_answer(database_ok=True)


def server_error(request: HttpRequest) -> HttpResponse:
    """The page for an unexpected error; when the database is out of reach, a 503 that says
    so (JSON for the health check, whose caller is a load balancer: a session cookie makes
    the middleware reach the database before the view). It touches neither the database
    nor the session, which may be what failed."""
    out_of_reach = isinstance(sys.exc_info()[1], OUT_OF_REACH)
    if request.path == HEALTH_PATH:
        return health_answer(database_ok=False) if out_of_reach else JsonResponse({"status": "error"}, status=500)
    if out_of_reach:
        return HttpResponse(loader.render_to_string("503.html"), status=503, headers={"Retry-After": "30"})
    return HttpResponse(loader.render_to_string("500.html"), status=500)
