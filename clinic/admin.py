from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from clinic.models import User
from clinic.roles import abilities_of

admin.site.register(User, UserAdmin)


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
