"""A patient's clinical history as the audit trail recorded it: who changed what, and when."""

from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

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

ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


@dataclass(frozen=True)
class Entry:
    at: datetime
    who: str
    what: str
    action: str
    changes: list[tuple[str, str, str]]


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
                who=str(record.history_user or "the system"),
                what=label(record),
                action=ACTIONS.get(record.history_type, record.history_type),
                changes=changes,
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
        *grouped(Patient.history.filter(id=patient.pk), lambda r: "Patient record"),
        *grouped(
            Allergy.history.filter(patient_id=patient.pk).select_related("allergen"),
            lambda r: f"Allergy to {r.allergen}",
        ),
        *grouped(UnverifiedAllergy.history.filter(patient_id=patient.pk), lambda r: f"Unverified allergy “{r.text}”"),
        *grouped(PatientCondition.history.filter(patient_id=patient.pk), lambda r: f"Contraindication #{r.id}"),
        *grouped(Formulation.history.filter(patient_id=patient.pk), lambda r: f"Cocktail “{r.name}” v{r.version}"),
        *grouped(
            FormulationLine.history.filter(formulation_id__in=list(formulations)),
            lambda r: f"Cocktail line (cocktail #{r.formulation_id})",
        ),
        *grouped(TreatmentPlan.history.filter(patient_id=patient.pk), lambda r: f"{r.get_indication_display()} course"),
        *grouped(TreatmentSession.history.filter(plan__patient=patient), lambda r: f"Session {r.number}"),
        *grouped(SuspectedAllergy.history.filter(patient_id=patient.pk), lambda r: "Suspected allergy"),
        *grouped(
            AdverseEvent.history.filter(session__plan__patient=patient),
            lambda r: f"Adverse event: {r.get_type_display()}",
        ),
        *grouped(Appointment.history.filter(patient_id=patient.pk), lambda r: "Appointment"),
    ]
    return sorted(entries, key=lambda entry: entry.at, reverse=True)[:limit]
