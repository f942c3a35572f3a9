"""Registering and keeping patients: every write to the registry goes through here."""

import logging
from datetime import date

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from clinic.models import User
from clinic.roles import Role
from patients.models import Contraindication, Patient, PatientCondition

logger = logging.getLogger(__name__)


def register_patient(*, registered_by: User, **details) -> Patient:
    patient = Patient(registered_by=registered_by, **details)
    patient.full_clean()
    with transaction.atomic():
        patient.save(force_insert=True)
    return patient


def update_patient(*, patient: Patient, changed_by: User, **changes) -> Patient:
    """Apply `changes` (field name to new value) to the patient's record. A new preferred
    language is their portal account's too: the portal speaks the language of their documents."""
    # Read the stored values: a bound form may already have set the new ones on `patient`.
    language_before = Patient.objects.filter(pk=patient.pk).values_list("preferred_language", flat=True).first()
    for field, value in changes.items():
        setattr(patient, field, value)
    changed_fields = set(changes)
    patient.full_clean()
    with transaction.atomic():
        patient.save(update_fields=[*changed_fields, "updated_at"])
        if patient.preferred_language != language_before and patient.portal_user_id:
            User.objects.filter(pk=patient.portal_user_id).update(language=patient.preferred_language)
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


def record_condition(
    *,
    patient: Patient,
    contraindication: Contraindication,
    recorded_by: User,
    started_on: date | None = None,
    ended_on: date | None = None,
    notes: str = "",
) -> PatientCondition:
    condition = PatientCondition(
        patient=patient,
        contraindication=contraindication,
        started_on=started_on,
        ended_on=ended_on,
        notes=notes,
        recorded_by=recorded_by,
    )
    condition.full_clean()
    with transaction.atomic():
        condition.save()
        Patient.objects.filter(pk=patient.pk).update(updated_at=timezone.now())
    return condition


def end_condition(*, condition: PatientCondition, ended_on: date, ended_by: User) -> PatientCondition:
    """Record that a condition has ended; the row stays, so its waiting period still counts."""
    if condition.ended_on is not None:
        raise ValidationError(
            {"ended_on": _("It already ended on %(day)s.") % {"day": date_format(condition.ended_on, "d/m/Y")}}
        )
    condition.ended_on = ended_on
    condition.full_clean()
    with transaction.atomic():
        condition.save(update_fields=["ended_on"])
        Patient.objects.filter(pk=condition.patient_id).update(updated_at=timezone.now())
    logger.info("Condition %s of patient %s ended by %s", condition.pk, condition.patient_id, ended_by.username)
    return condition


def invite_to_portal(*, patient: Patient, invited_by: User) -> User:
    """The patient's portal account, created without a usable password if they have none;
    the caller sends them a one-time link to choose it (patients.invitations)."""
    with transaction.atomic():
        patient = Patient.objects.select_for_update().get(pk=patient.pk)
        if patient.portal_user is None:
            base = slugify(f"{patient.first_name}.{patient.last_name}")[:120] or "patient"
            username, suffix = base, 1
            while User.objects.filter(username=username).exists():
                suffix += 1
                username = f"{base}{suffix}"
            account = User(
                username=username,
                first_name=patient.first_name,
                last_name=patient.last_name,
                email=patient.email,
                language=patient.preferred_language,
            )
            account.set_unusable_password()
            account.save()
            account.groups.add(Group.objects.get(name=Role.PATIENT))
            patient.portal_user = account
            patient.save(update_fields=["portal_user", "updated_at"])
    logger.info("Patient %s invited to the portal by %s", patient.pk, invited_by.username)
    return patient.portal_user
