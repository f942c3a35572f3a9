"""A patient's clinical history as the audit trail recorded it: who changed what, and when."""

from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

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
                    shown(change.field, change.old),
                    shown(change.field, change.new),
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


def shown(field: str, value) -> str:
    """A value as the history shows it; a session's reactions by their labels, not their codes."""
    if field == "reactions":
        return TreatmentSession.reaction_labels(value or [])
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
