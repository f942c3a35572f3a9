"""Which language a page is in, and the switcher that changes it.

A signed-in person reads the language they chose, remembered on their account; anyone else
the browser's (Django's cookie, then Accept-Language), else the clinic's. Documents for a
patient are not decided here: they follow the patient's preferred language (see
`treatments.documents`), whoever prints them.
"""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language


class LanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, after authentication, with the account's choice first."""

    def process_request(self, request: HttpRequest) -> None:
        chosen = getattr(getattr(request, "user", AnonymousUser()), "language", "")
        if chosen in dict(settings.LANGUAGES):
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen
        else:
            super().process_request(request)


@require_POST
def choose_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language (the cookie and the way back), remembered on the account too.

    Only the clinic's languages: Django's own view would take any it has a catalogue for."""
    chosen = request.POST.get("language", "")
    if chosen not in dict(settings.LANGUAGES):
        request.POST = request.POST.copy()
        request.POST.pop("language", None)
        return set_language(request)
    response = set_language(request)
    if request.user.is_authenticated:
        request.user.language = chosen
        request.user.save(update_fields=["language"])
    return response
