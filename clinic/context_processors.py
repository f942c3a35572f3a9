from django.conf import settings
from django.http import HttpRequest

from clinic import roles


def navigation(request: HttpRequest) -> dict:
    """The clinic's name and the role flags that decide what the navigation shows."""
    context = {"clinic_name": settings.CLINIC_NAME}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context.update(
            is_dermatologist=roles.is_dermatologist(user),
            is_front_desk=roles.has_role(user, roles.Role.FRONT_DESK),
            is_staff_member=roles.is_staff_member(user),
            is_patient=roles.is_patient(user),
        )
    return context
