"""Failed sign-ins: what locks, for how long, and the page that says so.

Two locks, both kept by django-axes' tables:

- **one client** (a username from one address) after AXES_FAILURE_LIMIT failures, for
  AXES_COOLOFF_TIME. Someone else's failures, from another address, never lock the real user.
- **one username from everywhere** after CLINIC_USERNAME_FAILURE_LIMIT failures within
  CLINIC_USERNAME_FAILURE_WINDOW, so rotating addresses buys no more guesses. It does not
  refuse the addresses the user has signed in from before (CLINIC_KNOWN_ADDRESS_DAYS): the
  dermatologist at their own desk signs in while a stranger is being kept out.

A refused attempt is not counted (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False), so
trying again during a lock never makes it longer. The manager unlocks a user at once from
the admin (`unlock`).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


@dataclass(frozen=True)
class Lock:
    everywhere: bool  # the username from every address it has not signed in from; else this client only
    until: datetime


def username_lock(username: str, ip_address: str | None) -> Lock | None:
    """The lock on `username` from all addresses, if one holds against `ip_address`."""
    if not username:
        return None
    now = timezone.now()
    known_since = now - timedelta(days=settings.CLINIC_KNOWN_ADDRESS_DAYS)
    if (
        ip_address
        and AccessLog.objects.filter(username=username, ip_address=ip_address, attempt_time__gte=known_since).exists()
    ):
        return None
    window = settings.CLINIC_USERNAME_FAILURE_WINDOW
    limit = settings.CLINIC_USERNAME_FAILURE_LIMIT
    failures = list(
        AccessFailureLog.objects.filter(username=username, attempt_time__gte=now - window)
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)[:limit]
    )
    if len(failures) < limit:
        return None
    # Refused attempts are not logged, so the lock lifts when the oldest of these ages out.
    return Lock(everywhere=True, until=failures[-1] + window)


def client_lock(username: str, ip_address: str | None) -> Lock | None:
    """The lock on this username from this address, if its failures reached the limit."""
    threshold = timezone.now() - settings.AXES_COOLOFF_TIME
    attempts = AccessAttempt.objects.filter(username=username, ip_address=ip_address, attempt_time__gte=threshold)
    failures = sum(attempts.values_list("failures_since_start", flat=True))
    if failures < settings.AXES_FAILURE_LIMIT:
        return None
    last = max(attempts.values_list("attempt_time", flat=True))
    return Lock(everywhere=False, until=last + settings.AXES_COOLOFF_TIME)


class LockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler (the client lock) with the username's own limit."""

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        return username_lock(get_client_username(request, credentials), request.axes_ip_address) is not None


def locked_out(request: HttpRequest, original_response=None, credentials: dict | None = None) -> HttpResponse:
    """The page a refused sign-in gets (AXES_LOCKOUT_CALLABLE): which lock, and until when."""
    username = get_client_username(request, credentials) or ""
    lock = client_lock(username, request.axes_ip_address) or username_lock(username, request.axes_ip_address)
    context = {"lock": lock, "failure_limit": settings.AXES_FAILURE_LIMIT}
    return render(request, "registration/locked_out.html", context, status=429)


@transaction.atomic
def unlock(*, username: str) -> int:
    """Lift both locks on `username` now (the manager's admin action). The failure log of the
    past window goes with them: it is what the username's lock counts."""
    window_start = timezone.now() - settings.CLINIC_USERNAME_FAILURE_WINDOW
    attempts, _ = AccessAttempt.objects.filter(username=username).delete()
    AccessFailureLog.objects.filter(username=username, attempt_time__gte=window_start).delete()
    return attempts
