"""Registering and editing a patient's record from the chart: the registry's fields and the
allergies (treatments' rows), in one transaction. The free text "other allergies" is read
against the allergen catalogue each time it is saved (`treatments.allergies`)."""

from django.db import transaction

from clinic.models import User
from patients import registry
from patients.models import Patient
from treatments import allergies
from treatments.models import Allergen


def register_patient(*, registered_by: User, allergens: list[Allergen] | None = None, **details) -> Patient:
    with transaction.atomic():
        patient = registry.register_patient(registered_by=registered_by, **details)
        if allergens:
            allergies.set_allergies(patient=patient, allergens=allergens, changed_by=registered_by)
        if patient.allergies:
            allergies.record_typed_allergies(patient=patient, text=patient.allergies, recorded_by=registered_by)
    return patient


def update_patient(
    *, patient: Patient, changed_by: User, allergens: list[Allergen] | None = None, **changes
) -> Patient:
    """`allergens` None leaves them as they are; the free text is read again when it changed."""
    with transaction.atomic():
        registry.update_patient(patient=patient, changed_by=changed_by, **changes)
        if allergens is not None:
            allergies.set_allergies(patient=patient, allergens=allergens, changed_by=changed_by)
        if "allergies" in changes:
            allergies.record_typed_allergies(patient=patient, text=patient.allergies, recorded_by=changed_by)
    return patient
