from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from clinic import lockout
from clinic.models import ClinicPolicy, User
from clinic.roles import abilities_of


@admin.register(User)
class ClinicUserAdmin(UserAdmin):
    actions = ["unlock_sign_in"]

    @admin.action(description=_("Unlock sign-in (after too many wrong passwords)"))
    def unlock_sign_in(self, request, queryset) -> None:
        users = list(queryset)
        for user in users:
            lockout.unlock(username=user.get_username())
        message = ngettext(
            "%(count)d user may sign in again now.", "%(count)d users may sign in again now.", len(users)
        ) % {"count": len(users)}
        self.message_user(request, message, messages.SUCCESS)


@admin.register(ClinicPolicy)
class ClinicPolicyAdmin(SimpleHistoryAdmin):
    """One row: the manager changes it, never adds a second or deletes it."""

    def has_add_permission(self, request) -> bool:
        return not ClinicPolicy.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ClinicalRowsAdmin:
    """Mix into the admin of clinical rows (a patient's conditions, allergies, cocktails…):
    only someone who treats may add, change or delete them there; for the clinic manager
    they are read-only. A manager once ended a patient's anticoagulant condition here and the
    block it raised vanished. Works for model admins and inlines alike."""

    def has_add_permission(self, request, *args) -> bool:
        return abilities_of(request.user).treat and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None) -> bool:
        return abilities_of(request.user).treat and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return abilities_of(request.user).treat and super().has_delete_permission(request, obj)
