"""Who may do what: roles are Django groups, checked in one place.

A view names the roles it needs with `role_required`; anonymous callers go to the login
page, signed-in callers without the role get 403. Objects outside a caller's reach are
filtered by each model's `visible_to(user)` and answer 404.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DERMATOLOGIST = "dermatologist", _("Dermatologist")
    FRONT_DESK = "front_desk", _("Front desk")
    PATIENT = "patient", _("Patient")


def roles_of(user) -> frozenset[str]:
    """The user's role names, read once per request and kept on the user object."""
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_mesoplan_roles"):
        user._mesoplan_roles = frozenset(user.groups.values_list("name", flat=True))
    return user._mesoplan_roles


def has_role(user, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def is_dermatologist(user) -> bool:
    return has_role(user, Role.DERMATOLOGIST)


def is_patient(user) -> bool:
    return has_role(user, Role.PATIENT)


@dataclass(frozen=True)
class Abilities:
    """What someone's roles let them see and do, decided here once: views, querysets and
    templates (as `can`, from clinic.context_processors) read these instead of testing roles."""

    work_with_patients: bool = False  # the registry, the schedule, booking: dermatologists and front desk
    see_clinical: bool = False  # clinical profile, notes, cocktails' contents, lots, history: dermatologists
    # Doses (a cocktail's contents per mL, its volume, the mL per area) and lot numbers, on
    # every page and document: dermatologists, and a patient on their own documents (the
    # only ones they reach). The front desk hands the sheets out: it sees the cocktail's
    # name and the areas, never what is in the syringe.
    see_doses: bool = False
    # Compose cocktails, plan and stop courses, record sessions, change clinical rows in the
    # admin: dermatologists.
    treat: bool = False
    see_everyones_day: bool = False  # the day of every practitioner, not only one's own: front desk, manager
    use_portal: bool = False  # the patient portal: patients
    manage: bool = False  # the admin: the clinic manager


def abilities_of(user) -> Abilities:
    if not user.is_authenticated:
        return Abilities()
    if not hasattr(user, "_mesoplan_abilities"):
        dermatologist = is_dermatologist(user)
        front_desk = has_role(user, Role.FRONT_DESK)
        user._mesoplan_abilities = Abilities(
            work_with_patients=dermatologist or front_desk,
            see_clinical=dermatologist,
            see_doses=dermatologist or is_patient(user),
            treat=dermatologist,
            see_everyones_day=front_desk or (user.is_staff and not dermatologist),
            use_portal=is_patient(user),
            manage=user.is_staff,
        )
    return user._mesoplan_abilities


class PatientRowsQuerySet(models.QuerySet):
    """Rows about patients: those who work with patients see every one, a patient their own
    (`own_rows`, which each model defines), anyone else none."""

    def visible_to(self, user) -> "PatientRowsQuerySet":
        can = abilities_of(user)
        if can.work_with_patients:
            return self
        if can.use_portal:
            return self.own_rows(user)
        return self.none()

    def own_rows(self, user) -> "PatientRowsQuerySet":
        raise NotImplementedError


def role_required(*roles: str, allow_manager: bool = False) -> Callable:
    """Let through users holding one of `roles` (and the manager if `allow_manager`)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not (has_role(user, *roles) or (allow_manager and user.is_staff)):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
