from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from clinic.admin import ClinicalRowsAdmin
from patients.admin import ContraindicationAdmin, PatientAdmin
from patients.models import Contraindication, Patient
from treatments.models import (
    AdverseEvent,
    AftercareTopic,
    Allergen,
    Allergy,
    DocumentHandover,
    Formulation,
    FormulationLine,
    Ingredient,
    Lot,
    Product,
    Protocol,
    SafetyAcknowledgement,
    SessionLot,
    SuspectedAllergy,
    TreatmentArea,
    TreatmentPlan,
    TreatmentSession,
    UnverifiedAllergy,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Clinical records: the app writes them with their rules; the admin only shows them."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# The clinical defaults (ingredients' limits, allergens, areas, protocols, aftercare texts, and in
# patients' admin the contraindications) are the manager's to keep; each keeps its history.
# What of them patients read is written in English and French, each field's two languages one
# under the other (TranslationAdmin; treatments/translation.py names the fields).
@admin.register(Ingredient)
class IngredientAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ["name", "category", "unit", "typical_amount", "max_per_ml", "max_per_session", "active"]
    list_filter = ["category", "unit", "active"]
    list_editable = ["active"]
    search_fields = ["name", "notes"]


@admin.register(Allergen)
class AllergenAdmin(SimpleHistoryAdmin):
    list_display = ["name", "also_known_as", "active"]
    list_filter = ["active"]
    list_editable = ["active"]
    search_fields = ["name", "also_known_as", "notes"]
    filter_horizontal = ["ingredients"]
    readonly_fields = ["own_ingredient"]

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        allergen = form.instance
        if allergen.own_ingredient_id:
            # An ingredient's own allergen always contains it: the safety check reads the links.
            allergen.ingredients.add(allergen.own_ingredient_id)


@admin.register(TreatmentArea)
class TreatmentAreaAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = [
        "name",
        "patient_name",
        "default_minutes",
        "typical_volume_ml",
        "max_volume_ml",
        "technique",
        "needle",
        "active",
    ]
    list_filter = ["technique", "active"]


class FormulationLineInline(ClinicalRowsAdmin, admin.TabularInline):
    model = FormulationLine
    extra = 0

    def has_change_permission(self, request, obj=None) -> bool:
        return (obj is None or not obj.is_frozen) and super().has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None) -> bool:
        return (obj is None or not obj.is_frozen) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return (obj is None or not obj.is_frozen) and super().has_delete_permission(request, obj)


@admin.register(Formulation)
class FormulationAdmin(ClinicalRowsAdmin, SimpleHistoryAdmin):
    """Read-mostly: dermatologists compose and revise cocktails in the app, where the dose
    limits, safety checks and versioning apply."""

    list_display = ["name", "version", "indication", "patient", "total_volume_ml", "created_by", "frozen_at"]
    list_filter = ["indication", ("patient", admin.EmptyFieldListFilter)]
    search_fields = ["name", "patient__last_name"]
    inlines = [FormulationLineInline]
    raw_id_fields = ["patient"]
    readonly_fields = ["lineage", "version", "previous_version", "created_at", "frozen_at"]

    def has_change_permission(self, request, obj=None) -> bool:
        return (obj is None or not obj.is_frozen) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SafetyAcknowledgement)
class SafetyAcknowledgementAdmin(ReadOnlyAdmin):
    list_display = ["patient", "formulation", "finding", "acknowledged_by", "acknowledged_at"]


@admin.register(Protocol)
class ProtocolAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ["name", "patient_name", "indication", "sessions", "interval_days", "min_days", "max_days", "active"]
    list_filter = ["indication", "active"]
    filter_horizontal = ["default_areas"]
    raw_id_fields = ["default_formulation"]


class TreatmentSessionInline(admin.TabularInline):
    model = TreatmentSession
    fields = ["number", "maintenance", "target_date", "earliest_date", "latest_date", "status", "done_at"]
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(TreatmentPlan)
class TreatmentPlanAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    list_display = ["patient", "indication", "status", "start_date", "prescriber"]
    list_filter = ["status", "indication"]
    search_fields = ["patient__last_name"]
    inlines = [TreatmentSessionInline]


@admin.register(Product)
class ProductAdmin(SimpleHistoryAdmin):
    """The product catalogue the manager keeps: what each product contains and declares is
    what the recording checks against a patient's allergies."""

    list_display = ["name", "presentation", "manufacturer", "active"]
    list_filter = ["active", "manufacturer"]
    list_editable = ["active"]
    search_fields = ["name", "manufacturer", "presentation"]
    filter_horizontal = ["ingredients", "allergens"]


@admin.register(Lot)
class LotAdmin(ClinicalRowsAdmin, SimpleHistoryAdmin):
    """Lots are registered at recording, each once with its one expiry. Someone who treats
    may correct a mistyped expiry here (the label is the authority; the history keeps what it
    said before); the product and number are the lot itself and never change."""

    list_display = ["lot_number", "product", "expiry_date", "registered_by", "registered_at"]
    list_filter = ["product"]
    search_fields = ["lot_number", "normalised_lot_number", "product__name"]
    fields = ["product", "lot_number", "expiry_date", "registered_by", "registered_at"]
    readonly_fields = ["product", "lot_number", "registered_by", "registered_at"]

    def has_add_permission(self, request) -> bool:
        return False  # a lot is registered by the recording that first uses it

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # recorded sessions point at it


@admin.register(SessionLot)
class SessionLotAdmin(ReadOnlyAdmin):
    list_display = ["lot", "session"]
    search_fields = ["lot__normalised_lot_number", "lot__product__name"]


@admin.register(AftercareTopic)
class AftercareTopicAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ["title", "kind", "duration", "area", "ingredient", "position", "active"]
    list_filter = ["kind", "area", "active"]
    list_editable = ["position", "active"]
    search_fields = ["title_en", "title_fr", "advice_en", "advice_fr"]


@admin.register(DocumentHandover)
class DocumentHandoverAdmin(ReadOnlyAdmin):
    list_display = ["document", "channel", "session", "plan", "by", "at", "ip_address"]
    list_filter = ["document", "channel"]


@admin.register(AdverseEvent)
class AdverseEventAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    """Dermatologists record and follow events in the app (/adverse-events/), where the dates
    and the vigilance reference are checked; the admin shows them for audits."""

    list_display = ["session", "type", "severity", "onset_date", "outcome", "follow_up_date", "reported_to_vigilance"]
    list_filter = ["type", "severity", "outcome", "reported_to_vigilance"]
    search_fields = ["vigilance_reference", "session__plan__patient__last_name"]


@admin.register(SuspectedAllergy)
class SuspectedAllergyAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    list_display = ["patient", "session", "status", "suspected_at", "decided_by", "decided_at"]
    list_filter = ["status"]


@admin.register(UnverifiedAllergy)
class UnverifiedAllergyAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    """Dermatologists resolve them from the chart, where linking records the allergy."""

    list_display = ["patient", "text", "status", "allergen", "resolved_by", "resolved_at"]
    list_filter = ["status"]


# Patients' admin pages, with the links to this app's catalogue that patients cannot know of.
class AllergyInline(ClinicalRowsAdmin, admin.TabularInline):
    model = Allergy
    extra = 0
    fields = ["allergen", "recorded_by", "recorded_at"]
    readonly_fields = ["recorded_by", "recorded_at"]
    verbose_name = _("allergy to an allergen")


class LimitedToIngredientInline(admin.TabularInline):
    model = Ingredient.contraindications.through
    extra = 0
    verbose_name = _("ingredient it is limited to")
    verbose_name_plural = _("limited to cocktails containing (leave empty when it applies to any cocktail)")


class PatientWithAllergiesAdmin(PatientAdmin):
    inlines = [AllergyInline]


class ContraindicationWithIngredientsAdmin(ContraindicationAdmin):
    inlines = [LimitedToIngredientInline]


admin.site.unregister(Patient)
admin.site.register(Patient, PatientWithAllergiesAdmin)
admin.site.unregister(Contraindication)
admin.site.register(Contraindication, ContraindicationWithIngredientsAdmin)
