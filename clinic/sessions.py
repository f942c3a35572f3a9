"""Sign-outs after inactivity: a session unused for SESSION_IDLE_HOURS ends.

The time of the last request is kept in the session but written at most every few minutes,
so ordinary pages cost no extra write."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

LAST_SEEN = "mesoplan_last_seen"
REFRESH_SECONDS = 5 * 60


@receiver(user_logged_in)
def start_the_clock(sender, request: HttpRequest, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN] = time.time()


class IdleSessionMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            last_seen = request.session.get(LAST_SEEN, now)
            if now - last_seen > settings.SESSION_IDLE_HOURS * 3600:
                logout(request)
                messages.info(request, "You were signed out after a long time without activity.")
                return redirect(f"{settings.LOGIN_URL_PATH}?next={request.get_full_path()}")
            if now - last_seen > REFRESH_SECONDS or LAST_SEEN not in request.session:
                request.session[LAST_SEEN] = now
        return self.get_response(request)
