"""Kiosk mode: a browser handed to a patient reaches nothing but the kiosk's pages.

consents.kiosk_views binds the browser's session to a KioskSession when a member of staff
opens one; from then on every other address of the site answers with a redirect to the
kiosk's screen (its current form, or the locked screen), until the staff member types their
password again. The session is still the staff member's: this is what keeps the patient
from their schedule, their patients and the admin.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

# What the session holds while it is bound: the kiosk's token and its patient's language.
KIOSK_TOKEN = "mesoplan_kiosk_token"
KIOSK_LANGUAGE = "mesoplan_kiosk_language"


def bind(request: HttpRequest, *, token: str, language: str) -> None:
    request.session[KIOSK_TOKEN] = token
    request.session[KIOSK_LANGUAGE] = language


def unbind(request: HttpRequest) -> None:
    request.session.pop(KIOSK_TOKEN, None)
    request.session.pop(KIOSK_LANGUAGE, None)


def bound_token(request: HttpRequest) -> str:
    return request.session.get(KIOSK_TOKEN, "") if hasattr(request, "session") else ""


class KioskModeMiddleware:
    """After authentication, the language and the idle sign-out (a session that ended takes
    the kiosk mode with it)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not bound_token(request):
            return self.get_response(request)
        # The patient reads the kiosk in their language, whatever the staff member's is; set
        # here so that the answer's Content-Language says so too.
        language = request.session.get(KIOSK_LANGUAGE, "")
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        screen = reverse("kiosk:screen")
        if request.path_info.startswith(screen) and request.path_info != reverse("kiosk:open"):
            return self.get_response(request)
        return redirect(screen)
