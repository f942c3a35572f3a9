"""Fetching a patient for the person asking: what they may not see answers 404, as a
missing one does, so a stranger learns nothing."""

from uuid import UUID

from django.shortcuts import get_object_or_404

from patients.models import Patient


def get_patient_for_user(user, pk: UUID) -> Patient:
    return get_object_or_404(Patient.objects.visible_to(user), pk=pk)
