from django.conf import settings
from django.http import HttpRequest

from clinic import roles


def navigation(request: HttpRequest) -> dict:
    """The clinic's name, and what the signed-in person may see and do (`can`): what the
    navigation and every page show follows from it."""
    user = getattr(request, "user", None)
    return {
        "clinic_name": settings.CLINIC_NAME,
        "can": roles.abilities_of(user) if user is not None else roles.Abilities(),
    }
