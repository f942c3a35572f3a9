from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from clinic.admin import ClinicalRowsAdmin
from clinic.roles import abilities_of
from patients.models import Contraindication, Patient, PatientCondition


@admin.register(Patient)
class PatientAdmin(SimpleHistoryAdmin):
    list_display = ["last_name", "first_name", "date_of_birth", "phone", "email", "archived_at"]
    list_filter = [("archived_at", admin.EmptyFieldListFilter), "sex", "skin_type"]
    search_fields = ["last_name", "first_name", "email", "phone"]
    readonly_fields = ["id", "registered_by", "created_at", "updated_at", "archived_by"]
    raw_id_fields = ["portal_user"]
    fieldsets = [
        (None, {"fields": ["id", "first_name", "last_name", "date_of_birth", "sex"]}),
        (_("Contact"), {"fields": ["phone", "email", "address"]}),
        (
            _("Clinical profile"),
            {
                "fields": [
                    "skin_type",
                    "allergies",
                    "medical_conditions",
                    "current_medications",
                ]
            },
        ),
        (_("Portal and record"), {"fields": ["portal_user", "registered_by", "created_at", "updated_at"]}),
        (pgettext_lazy("admin section", "Archive"), {"fields": ["archived_at", "archived_by"]}),
    ]

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        # The manager keeps contact details; the clinical profile is a dermatologist's.
        readonly = list(super().get_readonly_fields(request, obj))
        if not abilities_of(request.user).treat:
            readonly += Patient.CLINICAL_FIELDS
        return readonly

    def has_delete_permission(self, request, obj=None) -> bool:
        # Patients are archived, never deleted: their clinical records must stay.
        return False


@admin.register(Contraindication)
class ContraindicationAdmin(SimpleHistoryAdmin):
    """A clinical default the manager may edit; its history says who changed what, when."""

    list_display = ["name", "level", "waiting_days", "detection", "active"]
    list_filter = ["level", "active"]
    list_editable = ["level", "waiting_days", "active"]
    search_fields = ["name", "advice"]


@admin.register(PatientCondition)
class PatientConditionAdmin(ClinicalRowsAdmin, SimpleHistoryAdmin):
    list_display = ["patient", "contraindication", "started_on", "ended_on", "recorded_by"]
    list_filter = ["contraindication"]
    raw_id_fields = ["patient"]
    readonly_fields = ["recorded_by", "recorded_at"]

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
