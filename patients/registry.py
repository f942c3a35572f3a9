"""Registering and keeping patients: every write to the registry goes through here."""

import logging

from django.db import transaction
from django.utils import timezone

from clinic.models import User
from patients.models import Patient

logger = logging.getLogger(__name__)


def register_patient(*, registered_by: User, **details) -> Patient:
    patient = Patient(registered_by=registered_by, **details)
    if patient.consent_signed_on:
        patient.consent_recorded_by = registered_by
    patient.full_clean()
    with transaction.atomic():
        patient.save(force_insert=True)
    return patient


def update_patient(*, patient: Patient, changed_by: User, **changes) -> Patient:
    """Apply `changes` (field name to new value) to the patient's record."""
    # Read the stored consent date: a bound form may already have set the new one on `patient`.
    consent_before = Patient.objects.filter(pk=patient.pk).values_list("consent_signed_on", flat=True).first()
    for field, value in changes.items():
        setattr(patient, field, value)
    changed_fields = set(changes)
    if "consent_signed_on" in changes and patient.consent_signed_on != consent_before:
        patient.consent_recorded_by = changed_by if patient.consent_signed_on else None
        changed_fields.add("consent_recorded_by")
    patient.full_clean()
    with transaction.atomic():
        patient.save(update_fields=[*changed_fields, "updated_at"])
    return patient


def archive_patient(*, patient: Patient, archived_by: User) -> Patient:
    """Hide the patient from the registry's lists; the chart and its records stay."""
    if patient.archived_at is None:
        patient.archived_at = timezone.now()
        patient.archived_by = archived_by
        with transaction.atomic():
            patient.save(update_fields=["archived_at", "archived_by", "updated_at"])
        logger.info("Patient %s archived by %s", patient.pk, archived_by.username)
    return patient


def restore_patient(*, patient: Patient, restored_by: User) -> Patient:
    if patient.archived_at is not None:
        patient.archived_at = None
        patient.archived_by = None
        with transaction.atomic():
            patient.save(update_fields=["archived_at", "archived_by", "updated_at"])
        logger.info("Patient %s restored by %s", patient.pk, restored_by.username)
    return patient
