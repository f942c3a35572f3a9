"""Registering and editing a patient's record from the chart: the registry's fields and the
allergies to catalogue ingredients (treatments' rows), in one transaction."""

from django.db import transaction

from clinic.models import User
from patients import registry
from patients.models import Patient
from treatments import safety
from treatments.models import Ingredient


def register_patient(*, registered_by: User, allergy_ingredients: list[Ingredient] | None = None, **details) -> Patient:
    with transaction.atomic():
        patient = registry.register_patient(registered_by=registered_by, **details)
        if allergy_ingredients:
            safety.set_allergies(patient=patient, ingredients=allergy_ingredients, changed_by=registered_by)
    return patient


def update_patient(
    *, patient: Patient, changed_by: User, allergy_ingredients: list[Ingredient] | None = None, **changes
) -> Patient:
    """`allergy_ingredients` None leaves them as they are."""
    with transaction.atomic():
        registry.update_patient(patient=patient, changed_by=changed_by, **changes)
        if allergy_ingredients is not None:
            safety.set_allergies(patient=patient, ingredients=allergy_ingredients, changed_by=changed_by)
    return patient
