"""Fetching a signature for the person asking: a patient reaches only their own, staff those
of the patients they may see; anything else answers 404, as a missing one does."""

from uuid import UUID

from django.shortcuts import get_object_or_404

from consents.models import ConsentSignature
from patients.models import Patient


def get_signature_for_user(user, pk: UUID) -> ConsentSignature:
    return get_object_or_404(
        ConsentSignature.objects.filter(patient__in=Patient.objects.visible_to(user)).select_related(
            "patient", "version__form"
        ),
        pk=pk,
    )
