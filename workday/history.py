"""A patient's clinical history as the audit trail recorded it: who changed what, and when."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import pairwise

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from patients.models import Patient, PatientCondition
from scheduling.models import Appointment
from treatments.models import (
    AdverseEvent,
    Allergy,
    Formulation,
    FormulationLine,
    SuspectedAllergy,
    TreatmentPlan,
    TreatmentSession,
    UnverifiedAllergy,
)

CHANGED = "~"  # simple_history's history_type of a change (+ creates, - deletes)
ACTIONS = {"+": gettext_lazy("created"), CHANGED: gettext_lazy("changed"), "-": gettext_lazy("deleted")}


@dataclass(frozen=True)
class Entry:
    at: datetime
    who: str
    what: str
    action: str
    changes: list[tuple[str, str, str]]
    is_change: bool  # neither the creation nor the deletion


def entries_for(records, label) -> list[Entry]:
    """Each historical record of one object, with the fields it changed from the one before."""
    entries = []
    ordered = sorted(records, key=lambda record: (record.history_date, record.history_id))
    for previous, record in pairwise([None, *ordered]):
        changes = []
        if previous is not None:
            delta = record.diff_against(previous)
            changes = [
                (
                    record._meta.get_field(change.field).verbose_name,
                    shown(record._meta.get_field(change.field), change.old),
                    shown(record._meta.get_field(change.field), change.new),
                )
                for change in delta.changes
            ]
        entries.append(
            Entry(
                at=record.history_date,
                who=str(record.history_user or _("the system")),
                what=label(record),
                action=ACTIONS.get(record.history_type, record.history_type),
                changes=changes,
                is_change=record.history_type == CHANGED,
            )
        )
    return entries


def shown(field, value) -> str:
    """A value as the reader's language writes it: a choice by its label (a session's reactions
    too), a date or an amount in the language's format, nothing as a dash."""
    if field.name == "reactions":
        return TreatmentSession.reaction_labels(value or [])
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, Decimal):
        return formats.number_format(value.normalize())
    return str(value)


def grouped(queryset, label) -> list[Entry]:
    by_object = {}
    for record in queryset.select_related("history_user"):
        by_object.setdefault(record.id, []).append(record)
    return [entry for records in by_object.values() for entry in entries_for(records, label)]


def clinical_history(patient: Patient, *, limit: int = 300) -> list[Entry]:
    """Newest first: the patient's record, allergies, contraindications, cocktails and their lines,
    courses, sessions, suspected and unverified allergies, adverse events and appointments."""
    formulations = Formulation.objects.filter(patient=patient).values_list("pk", flat=True)
    entries = [
        *grouped(Patient.history.filter(id=patient.pk), lambda r: _("Patient record")),
        *grouped(
            Allergy.history.filter(patient_id=patient.pk).select_related("allergen"),
            lambda r: _("Allergy to %(allergen)s") % {"allergen": r.allergen},
        ),
        *grouped(
            UnverifiedAllergy.history.filter(patient_id=patient.pk),
            lambda r: _("Unverified allergy “%(text)s”") % {"text": r.text},
        ),
        *grouped(
            PatientCondition.history.filter(patient_id=patient.pk),
            lambda r: _("Contraindication #%(id)s") % {"id": r.id},
        ),
        *grouped(
            Formulation.history.filter(patient_id=patient.pk),
            lambda r: _("Cocktail “%(name)s” v%(version)s") % {"name": r.name, "version": r.version},
        ),
        *grouped(
            FormulationLine.history.filter(formulation_id__in=list(formulations)),
            lambda r: _("Cocktail line (cocktail #%(id)s)") % {"id": r.formulation_id},
        ),
        *grouped(
            TreatmentPlan.history.filter(patient_id=patient.pk),
            lambda r: _("%(indication)s course") % {"indication": r.get_indication_display()},
        ),
        *grouped(
            TreatmentSession.history.filter(plan__patient=patient),
            lambda r: _("Session %(number)s") % {"number": r.number},
        ),
        *grouped(SuspectedAllergy.history.filter(patient_id=patient.pk), lambda r: _("Suspected allergy")),
        *grouped(
            AdverseEvent.history.filter(session__plan__patient=patient),
            lambda r: _("Adverse event: %(type)s") % {"type": r.get_type_display()},
        ),
        *grouped(Appointment.history.filter(patient_id=patient.pk), lambda r: _("Appointment")),
    ]
    return sorted(entries, key=lambda entry: entry.at, reverse=True)[:limit]
