"""Sign-outs: a session unused for SESSION_IDLE_HOURS ends, and any session ends
SESSION_MAX_HOURS after its sign-in however busy it is; deactivating a user ends theirs.

The time of the last request is kept in the session but written at most every few minutes,
so ordinary pages cost no extra write."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.models import Session
from django.db.models.signals import post_save, pre_save
from django.dispatch import Signal, receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from clinic.models import User

LAST_SEEN = "mesoplan_last_seen"
SIGNED_IN = "mesoplan_signed_in"
REFRESH_SECONDS = 5 * 60

# Sent once when a user who could sign in no longer may (`is_active` turned off); other
# apps take back what the user held (scheduling revokes their calendar feed).
user_deactivated = Signal()


@receiver(user_logged_in)
def start_the_clock(sender, request: HttpRequest, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN] = request.session[SIGNED_IN] = time.time()


def sign_out_reason(session, now: float) -> str | None:
    last_seen = session.get(LAST_SEEN, now)
    if now - last_seen > settings.SESSION_IDLE_HOURS * 3600:
        return _("You were signed out after a long time without activity.")
    if now - session.get(SIGNED_IN, now) > settings.SESSION_MAX_HOURS * 3600:
        return _("You were signed out: a session lasts %(hours)g hours at most. Please sign in again.") % {
            "hours": settings.SESSION_MAX_HOURS
        }
    return None


class IdleSessionMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            reason = sign_out_reason(request.session, now)
            if reason:
                logout(request)
                messages.info(request, reason)
                return redirect(f"{settings.LOGIN_URL_PATH}?next={request.get_full_path()}")
            if SIGNED_IN not in request.session:
                # Signed in before the cap was kept: its clock starts now.
                request.session[SIGNED_IN] = now
            if now - request.session.get(LAST_SEEN, now) > REFRESH_SECONDS or LAST_SEEN not in request.session:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


def end_sessions_of(user: User) -> int:
    """Delete every live session signed in as `user` (database sessions hold the id encoded)."""
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == str(user.pk)
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


@receiver(pre_save, sender=User)
def notice_deactivation(sender, instance: User, update_fields=None, **kwargs) -> None:
    if instance.pk is None or instance.is_active or (update_fields is not None and "is_active" not in update_fields):
        return
    instance._deactivated_now = User.objects.filter(pk=instance.pk, is_active=True).exists()


@receiver(post_save, sender=User)
def end_a_deactivated_users_access(sender, instance: User, **kwargs) -> None:
    if getattr(instance, "_deactivated_now", False):
        instance._deactivated_now = False
        end_sessions_of(instance)
        user_deactivated.send(sender=User, user=instance)
