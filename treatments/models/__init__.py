"""Treatments' data, one module per family: catalogues, allergens and allergies, products and
lots, cocktails, courses and their sessions, overrides, documents, what happened after a
session (suspected allergies, adverse events)."""

from treatments.models.allergies import Allergen, Allergy, UnverifiedAllergy, allergy_key, typed_entries
from treatments.models.catalog import (
    UNIT_KIND_AND_FACTOR,
    Indication,
    Ingredient,
    TreatmentArea,
    Unit,
    convert,
    convert_dose,
    dose,
    format_amount,
    format_dose,
    units_fit,
)
from treatments.models.cocktails import (
    Formulation,
    FormulationLine,
    FrozenFormulation,
    SafetyAcknowledgement,
)
from treatments.models.courses import (
    MAINTENANCE_LIMITS,
    MAX_SPACING_DAYS,
    SPACING_LIMIT,
    PlanArea,
    Protocol,
    SessionAmendment,
    SessionArea,
    SessionLot,
    TreatmentPlan,
    TreatmentSession,
    booking_window,
    spacing_errors,
)
from treatments.models.documents import AftercareTopic, DocumentHandover
from treatments.models.events import AdverseEvent, SuspectedAllergy
from treatments.models.overrides import Override
from treatments.models.products import EXPIRY_NOTICE_DAYS, Lot, Product, normalised_lot_number

__all__ = [
    "EXPIRY_NOTICE_DAYS",
    "MAINTENANCE_LIMITS",
    "MAX_SPACING_DAYS",
    "SPACING_LIMIT",
    "UNIT_KIND_AND_FACTOR",
    "AdverseEvent",
    "AftercareTopic",
    "Allergen",
    "Allergy",
    "DocumentHandover",
    "Formulation",
    "FormulationLine",
    "FrozenFormulation",
    "Indication",
    "Ingredient",
    "Lot",
    "Override",
    "PlanArea",
    "Product",
    "Protocol",
    "SafetyAcknowledgement",
    "SessionAmendment",
    "SessionArea",
    "SessionLot",
    "SuspectedAllergy",
    "TreatmentArea",
    "TreatmentPlan",
    "TreatmentSession",
    "Unit",
    "UnverifiedAllergy",
    "allergy_key",
    "booking_window",
    "convert",
    "convert_dose",
    "dose",
    "format_amount",
    "format_dose",
    "normalised_lot_number",
    "spacing_errors",
    "typed_entries",
    "units_fit",
]
